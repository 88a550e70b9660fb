// LM-OTS key generation and signing from the Appendix A seed (RFC 8554 §4.3, §4.5, Appendix A),
// and the Merkle node hashes of §5.3. The host signer builds trees and signatures from these.
#include "pqcea/core/bytes.hpp"
#include "pqcea/core/secret.hpp"
#include "hash.hpp"

namespace pqcea::lms {

using detail::put_u16;
using detail::StepBlock;

Status ots_public_key(std::span<std::uint8_t> K, const OtsType& o, std::span<const std::uint8_t, kIdBytes> I,
                      std::uint32_t q, std::span<const std::uint8_t> seed) {
  if (K.size() != o.n || seed.size() != o.n) return Status::invalid_length;
  // RFC 8554 Alg. 1: y[i] = chain^(2^w - 1)(x_q[i]); K = H(I || u32str(q) || u16str(D_PBLC) || y[0..p-1]).
  std::uint8_t head[kIdBytes + 6];
  for (std::size_t i = 0; i < kIdBytes; ++i) head[i] = I[i];
  store32_be(head + 16, q);
  put_u16(head + 20, kDPblc);
  Hasher k;
  k.start(o.hash, o.n);
  k.update(head, sizeof head);
  StepBlock step(o.hash, o.n, I.data(), q);
  std::uint8_t y[kMaxN];
  const unsigned top = (1u << o.w) - 1;
  for (unsigned i = 0; i < o.p; ++i) {
    step.set_i(static_cast<std::uint16_t>(i));
    step.derive_x(y, seed.data());
    step.chain(y, 0, top);
    k.update(y, o.n);
  }
  secure_wipe(y, sizeof y);
  k.finish(K.data());
  return Status::ok;
}

Status ots_sign(std::span<std::uint8_t> sig, const OtsType& o, std::span<const std::uint8_t, kIdBytes> I,
                std::uint32_t q, std::span<const std::uint8_t> seed, std::span<const std::uint8_t> C,
                std::span<const std::uint8_t> msg) {
  if (sig.size() != o.sig_bytes() || seed.size() != o.n || C.size() != o.n) return Status::invalid_length;
  // RFC 8554 Alg. 3: Q = H(I || u32str(q) || u16str(D_MESG) || C || message).
  std::uint8_t head[kIdBytes + 6];
  for (std::size_t i = 0; i < kIdBytes; ++i) head[i] = I[i];
  store32_be(head + 16, q);
  put_u16(head + 20, kDMesg);
  std::uint8_t qc[kMaxN + 2];
  Hasher h;
  h.start(o.hash, o.n);
  h.update(head, sizeof head);
  h.update(C);
  h.update(msg);
  h.finish(qc);
  detail::append_checksum(qc, o);
  store32_be(sig.data(), o.code);
  for (std::size_t i = 0; i < o.n; ++i) sig[4 + i] = C[i];
  StepBlock step(o.hash, o.n, I.data(), q);
  for (unsigned i = 0; i < o.p; ++i) {
    std::uint8_t* y = sig.data() + 4 + std::size_t{o.n} * (i + 1);
    step.set_i(static_cast<std::uint16_t>(i));
    step.derive_x(y, seed.data());
    step.chain(y, 0, detail::coef(qc, i, o.w));
  }
  return Status::ok;
}

void leaf_node(std::uint8_t* out, const LmsType& l, std::span<const std::uint8_t, kIdBytes> I, std::uint32_t r,
               const std::uint8_t* K) {
  // T[r] = H(I || u32str(r) || u16str(D_LEAF) || OTS_PUB_HASH[r - 2^h]) (RFC 8554 §5.3).
  std::uint8_t head[kIdBytes + 6];
  for (std::size_t i = 0; i < kIdBytes; ++i) head[i] = I[i];
  store32_be(head + 16, r);
  put_u16(head + 20, kDLeaf);
  Hasher h;
  h.start(l.hash, l.m);
  h.update(head, sizeof head);
  h.update(K, l.m);
  h.finish(out);
}

void interior_node(std::uint8_t* out, const LmsType& l, std::span<const std::uint8_t, kIdBytes> I, std::uint32_t r,
                   const std::uint8_t* left, const std::uint8_t* right) {
  // T[r] = H(I || u32str(r) || u16str(D_INTR) || T[2r] || T[2r+1]).
  std::uint8_t head[kIdBytes + 6];
  for (std::size_t i = 0; i < kIdBytes; ++i) head[i] = I[i];
  store32_be(head + 16, r);
  put_u16(head + 20, kDIntr);
  Hasher h;
  h.start(l.hash, l.m);
  h.update(head, sizeof head);
  h.update(left, l.m);
  h.update(right, l.m);
  h.finish(out);
}

}  // namespace pqcea::lms
