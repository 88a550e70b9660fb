// HashToPoint (Falcon round-3 spec v1.2 §3.7, Alg. 3): SHAKE-256 over nonce || message, read as
// 16-bit big-endian values; values >= 5q = 61445 are rejected (so that each accepted value mod q
// is uniform), the others reduced mod q.
//
// Variable time: the number of SHAKE bytes drawn depends on the output. That is fine when the
// message is public (verification; signing a public message). The streaming form lets verify
// consume one coefficient at a time without a third polynomial buffer.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/falcon.hpp"
#include "pqcea/hash/keccak.hpp"

namespace pqcea::falcon {

inline constexpr std::uint32_t kHashToPointBound = 61445;  // 5q, spec Alg. 3 step 5

// t mod q for t < 5q without a division or a loop.
constexpr std::uint16_t reduce_below_5q(std::uint32_t t) {
  const auto quotient = static_cast<std::uint32_t>((std::uint64_t{t} * 349497u) >> 32);  // 349497 = ceil(2^32 / q)
  return static_cast<std::uint16_t>(t - quotient * static_cast<std::uint32_t>(kQ));
}
consteval bool reduce_below_5q_is_exact() {
  for (std::uint32_t t = 0; t < kHashToPointBound; ++t)
    if (reduce_below_5q(t) != t % static_cast<std::uint32_t>(kQ)) return false;
  return true;
}
static_assert(reduce_below_5q_is_exact());

class HashToPoint {
 public:
  HashToPoint(std::span<const std::uint8_t, kNonceBytes> nonce, std::span<const std::uint8_t> msg);
  // The next coefficient c_i in [0, q). Inline: verify calls it n times in its last loop.
  std::uint16_t next() {
    for (;;) {
      // The rate (136) is even, so a 16-bit value never straddles two squeezes.
      if (pos_ == sizeof buf_) refill();
      std::uint32_t t = (std::uint32_t{buf_[pos_]} << 8) | buf_[pos_ + 1];
      pos_ += 2;
      // Alg. 3 steps 5-7: keep t < 5q (uniform mod q), then reduce: floor(t / q) is
      // (t * ceil(2^32 / q)) >> 32 for every t < 5q (checked at compile time below).
      if (t < kHashToPointBound) return reduce_below_5q(t);
    }
  }

 private:
  void refill();
  hash::Shake256 xof_;
  std::uint8_t buf_[hash::Shake256::block_size];
  std::size_t pos_;
};

// All n coefficients at once (c.size() = n).
void hash_to_point(std::span<std::uint16_t> c, std::span<const std::uint8_t, kNonceBytes> nonce,
                   std::span<const std::uint8_t> msg);

}  // namespace pqcea::falcon
