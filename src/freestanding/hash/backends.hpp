// Internal: the implementations behind each backend contract.
#pragma once
#include <cstddef>
#include <cstdint>

namespace pqcea::hash {

void sha256_blocks_portable(std::uint32_t state[8], const std::uint8_t* blocks, std::size_t nblocks);
#if defined(__x86_64__)
bool cpu_has_sha_ni();
void sha256_blocks_shani(std::uint32_t state[8], const std::uint8_t* blocks, std::size_t nblocks);
#endif

}  // namespace pqcea::hash
