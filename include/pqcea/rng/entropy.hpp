// Entropy-source interface. The host implementation reads Linux getrandom(); a board provides
// its own (TRNG peripheral). A source that cannot deliver returns an error; callers must handle
// it. There is never a silent fallback.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/core/status.hpp"

namespace pqcea::rng {

class EntropySource {
 public:
  // Fills `out` with full-entropy bytes or returns Status::entropy_failure.
  virtual Status get(std::span<std::uint8_t> out) = 0;

 protected:
  ~EntropySource() = default;
};

// Anything that hands out random bytes to an algorithm's randomized wrapper (the DRBG, or a
// test's deterministic generator). The deterministic *_internal forms never see this.
class RandomSource {
 public:
  virtual Status generate(std::span<std::uint8_t> out) = 0;

 protected:
  ~RandomSource() = default;
};

}  // namespace pqcea::rng
