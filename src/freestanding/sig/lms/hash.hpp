// Internal: the LMS hash layer. H is SHA-256 truncated to n bytes or SHAKE256 with n bytes out
// (RFC 8554 §3.1, SP 800-208 §4). The chain step and the Appendix A key derivation share one input
// layout, I || u32str(q) || u16str(i) || u8str(j) || X (23 + n <= 55 bytes), which fits one SHA-256
// block with its padding; step() hashes it with a single call to the compression function.
#pragma once
#include <cstddef>
#include <cstdint>

#include "pqcea/lms.hpp"

namespace pqcea::lms::detail {

// The fixed-layout one-block input of the chain and of the x_q[i] derivation.
class StepBlock {
 public:
  StepBlock(HashKind hk, unsigned n, const std::uint8_t* I, std::uint32_t q);
  ~StepBlock();
  StepBlock(const StepBlock&) = delete;
  StepBlock& operator=(const StepBlock&) = delete;
  void set_i(std::uint16_t i);
  // X := H(I || q || i || j || X) for j = from .. to-1 (RFC 8554 Alg. 1 step 4, Alg. 3, Alg. 4b).
  void chain(std::uint8_t* x, unsigned from, unsigned to);
  // out := H(I || q || i || 0xff || seed), the LM-OTS private element x_q[i] (Appendix A).
  void derive_x(std::uint8_t* out, const std::uint8_t* seed);

 private:
  void hash_one();  // buf_[23..23+n) := H(buf_[0..23+n))
  std::uint8_t buf_[64];
  HashKind hk_;
  std::uint8_t n_;
};

// Q || Cksm(Q) (RFC 8554 §4.4) and coef(S, i, w) (§3.1.3).
inline unsigned coef(const std::uint8_t* s, unsigned i, unsigned w) {
  const unsigned per_byte = 8 / w;
  return ((1u << w) - 1) & (s[i / per_byte] >> (8 - (w * (i % per_byte) + w)));
}
void append_checksum(std::uint8_t* q_and_cksm, const OtsType& o);

inline void put_u16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

}  // namespace pqcea::lms::detail
