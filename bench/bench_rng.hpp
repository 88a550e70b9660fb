// A reproducible RandomSource for the benchmarks: a SHAKE-256 DRBG from a fixed seed (each bench
// file its own seed byte), reseeded with the same fixed input when it reaches its limit, so long
// runs never fail on reseed_required. Benchmarks measure speed, not randomness.
#pragma once
#include <array>
#include <cstdint>
#include <span>

#include "pqcea/rng/drbg.hpp"
#include "pqcea/rng/entropy.hpp"

namespace pqcea::bench {

class FixedSeedRng final : public rng::RandomSource {
 public:
  explicit FixedSeedRng(std::uint8_t seed_byte) {
    std::array<std::uint8_t, 32> e{};
    e.fill(seed_byte);
    (void)drbg_.instantiate(e, {}, {});
  }
  Status generate(std::span<std::uint8_t> out) override {
    if (drbg_.generate(out) == Status::reseed_required) {
      const std::array<std::uint8_t, 32> e{};
      (void)drbg_.reseed(e, {});
      return drbg_.generate(out);
    }
    return Status::ok;
  }

 private:
  rng::ShakeDrbg drbg_;
};

}  // namespace pqcea::bench
