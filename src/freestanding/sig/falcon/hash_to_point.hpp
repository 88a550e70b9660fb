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
      // Alg. 3 steps 5-7: keep t < 5q (uniform mod q), then reduce (at most 4 subtractions).
      if (t < kHashToPointBound) {
        while (t >= static_cast<std::uint32_t>(kQ)) t -= static_cast<std::uint32_t>(kQ);
        return static_cast<std::uint16_t>(t);
      }
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
