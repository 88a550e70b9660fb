// A SHAKE-256 based deterministic random bit generator.
//
// Construction (a sponge-based DRBG in the spirit of SP 800-90A, with forward secrecy):
//   state K (64 bytes), reseed counter c.
//   instantiate(entropy, nonce, pers): K = SHAKE256("PQCEA-DRBG-v1 init" || len-prefixed inputs)
//   reseed(entropy, add):              K = SHAKE256("PQCEA-DRBG-v1 reseed" || K || len-prefixed inputs)
//   generate(out, add):                SHAKE256("PQCEA-DRBG-v1 gen" || K || c || add) -> K' || out
// Each generate call replaces K before returning output, so a captured state reveals nothing
// about earlier output. After kReseedInterval generate calls, generate refuses with
// Status::reseed_required until reseeded; one request yields at most kMaxRequest bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/core/secret.hpp"
#include "pqcea/core/status.hpp"
#include "pqcea/rng/entropy.hpp"

namespace pqcea::rng {

class ShakeDrbg final : public RandomSource {
 public:
  static constexpr std::size_t kStateBytes = 64;
  static constexpr std::size_t kMinEntropy = 32;      // 256 bits of security strength
  static constexpr std::size_t kMaxRequest = 65536;   // bytes per generate call
  static constexpr std::uint64_t kReseedInterval = std::uint64_t{1} << 32;  // generate calls

  ShakeDrbg() = default;
  ShakeDrbg(const ShakeDrbg&) = delete;
  ShakeDrbg& operator=(const ShakeDrbg&) = delete;

  // Deterministic forms (KATs, tests): caller supplies the entropy input.
  Status instantiate(std::span<const std::uint8_t> entropy, std::span<const std::uint8_t> nonce,
                     std::span<const std::uint8_t> personalization);
  Status reseed(std::span<const std::uint8_t> entropy, std::span<const std::uint8_t> additional);
  // Forms that draw entropy from a source; a failing source leaves the DRBG unusable (not
  // instantiated) or unchanged (reseed) and returns its error.
  Status instantiate(EntropySource& source, std::span<const std::uint8_t> personalization);
  Status reseed(EntropySource& source);

  Status generate(std::span<std::uint8_t> out, std::span<const std::uint8_t> additional);
  Status generate(std::span<std::uint8_t> out) override { return generate(out, {}); }

  bool instantiated() const { return instantiated_; }
  std::uint64_t reseed_counter() const { return counter_; }
  // For tests of the reseed limit only.
  void set_reseed_counter_for_test(std::uint64_t c) { counter_ = c; }
  void uninstantiate();

 private:
  Secret<kStateBytes> key_;
  std::uint64_t counter_ = 0;
  bool instantiated_ = false;
};

}  // namespace pqcea::rng
