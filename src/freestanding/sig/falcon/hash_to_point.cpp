// HashToPoint, variable-time form (Falcon round-3 spec v1.2 Alg. 3). See hash_to_point.hpp.
#include "hash_to_point.hpp"

namespace pqcea::falcon {

HashToPoint::HashToPoint(std::span<const std::uint8_t, kNonceBytes> nonce, std::span<const std::uint8_t> msg) {
  // Alg. 3 step 1: SHAKE-256 absorbs r || m; the squeezed stream is then read 2 bytes at a time.
  xof_.absorb(nonce);
  xof_.absorb(msg);
  xof_.finalize();
  refill();
}

void HashToPoint::refill() {
  xof_.squeeze(buf_, sizeof buf_);
  pos_ = 0;
}

std::uint16_t HashToPoint::next() {
  for (;;) {
    // The rate (136) is even, so a 16-bit value never straddles two squeezes.
    if (pos_ == sizeof buf_) refill();
    const std::uint32_t t = (std::uint32_t{buf_[pos_]} << 8) | buf_[pos_ + 1];
    pos_ += 2;
    // Alg. 3 steps 5-7: keep t < 5q (uniform mod q), then reduce.
    if (t < kHashToPointBound) {
      std::uint32_t c = t;
      while (c >= static_cast<std::uint32_t>(kQ)) c -= static_cast<std::uint32_t>(kQ);
      return static_cast<std::uint16_t>(c);
    }
  }
}

void hash_to_point(std::span<std::uint16_t> c, std::span<const std::uint8_t, kNonceBytes> nonce,
                   std::span<const std::uint8_t> msg) {
  HashToPoint h(nonce, msg);
  for (auto& x : c) x = h.next();
}

}  // namespace pqcea::falcon
