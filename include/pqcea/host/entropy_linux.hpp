// Host entropy source: Linux getrandom(2).
#pragma once
#include "pqcea/rng/drbg.hpp"
#include "pqcea/rng/entropy.hpp"

namespace pqcea::host {

class LinuxEntropy final : public rng::EntropySource {
 public:
  Status get(std::span<std::uint8_t> out) override;
};

// A process-wide DRBG seeded from getrandom, for CLI and service use (thread-safe).
Status system_random(std::span<std::uint8_t> out);

// The same as a RandomSource, for the randomized wrappers of each algorithm.
rng::RandomSource& system_rng();

}  // namespace pqcea::host
