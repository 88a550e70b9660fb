// The NIST PQC "rng.c" AES-256 CTR_DRBG (no derivation function, no reseed), used only to
// regenerate the NIST-style KAT text (../shared/vectors/KAT_DIGESTS.md). AES comes from OpenSSL;
// the product itself needs no AES.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/rng/entropy.hpp"

namespace pqcea::test {

class NistDrbg final : public rng::RandomSource {
 public:
  // entropy: exactly 48 bytes.
  explicit NistDrbg(std::span<const std::uint8_t, 48> entropy);
  NistDrbg(const NistDrbg&) = default;
  NistDrbg& operator=(const NistDrbg&) = default;
  // One randombytes() request; the request size matters (the state is updated after each).
  void randombytes(std::uint8_t* out, std::size_t n);
  Status generate(std::span<std::uint8_t> out) override {
    randombytes(out.data(), out.size());
    return Status::ok;
  }

 private:
  void update(const std::uint8_t* data);  // data: 48 bytes or null
  std::array<std::uint8_t, 32> key_{};
  std::array<std::uint8_t, 16> v_{};
};

}  // namespace pqcea::test
