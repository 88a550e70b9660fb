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

void hash_to_point(std::span<std::uint16_t> c, std::span<const std::uint8_t, kNonceBytes> nonce,
                   std::span<const std::uint8_t> msg) {
  HashToPoint h(nonce, msg);
  for (auto& x : c) x = h.next();
}

}  // namespace pqcea::falcon
