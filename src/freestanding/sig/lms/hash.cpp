// The LMS hash layer (see hash.hpp) and the incremental Hasher of include/pqcea/lms.hpp.
#include "hash.hpp"

#include <new>

#include "pqcea/core/bytes.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"

namespace pqcea::lms {

using hash::Sha256;
using hash::Shake256;
static_assert(sizeof(Sha256) <= 216 && sizeof(Shake256) <= 216, "Hasher::state_ holds either hash");
static_assert(alignof(Sha256) <= 8 && alignof(Shake256) <= 8);

Hasher::Hasher() { new (state_) Sha256(); }

Hasher::~Hasher() { destroy(); }

void Hasher::destroy() {
  if (kind_ == HashKind::sha256)
    std::launder(reinterpret_cast<Sha256*>(state_))->~Sha256();
  else
    std::launder(reinterpret_cast<Shake256*>(state_))->~Shake256();
}

void Hasher::start(HashKind kind, std::size_t out_bytes) {
  destroy();
  kind_ = kind;
  out_ = static_cast<std::uint8_t>(out_bytes);
  if (kind == HashKind::sha256)
    new (state_) Sha256();
  else
    new (state_) Shake256();
}

void Hasher::update(const std::uint8_t* p, std::size_t n) {
  if (kind_ == HashKind::sha256)
    std::launder(reinterpret_cast<Sha256*>(state_))->update(p, n);
  else
    std::launder(reinterpret_cast<Shake256*>(state_))->absorb(p, n);
}

void Hasher::finish(std::uint8_t* out) {
  if (kind_ == HashKind::sha256) {
    std::uint8_t full[32];
    std::launder(reinterpret_cast<Sha256*>(state_))->final(full);
    for (std::size_t i = 0; i < out_; ++i) out[i] = full[i];
    secure_wipe(full, sizeof full);
  } else {
    std::launder(reinterpret_cast<Shake256*>(state_))->squeeze(out, out_);
  }
}

Status SpanReader::read(std::size_t offset, std::span<std::uint8_t> out) const {
  if (offset > s_.size() || out.size() > s_.size() - offset) return Status::invalid_signature;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = s_[offset + i];
  return Status::ok;
}

void derive(std::uint8_t* out, std::size_t out_bytes, HashKind hk, std::span<const std::uint8_t, kIdBytes> I,
            std::uint32_t q, std::uint16_t index, std::span<const std::uint8_t> seed) {
  std::uint8_t head[kIdBytes + 7];
  for (std::size_t i = 0; i < kIdBytes; ++i) head[i] = I[i];
  store32_be(head + 16, q);
  detail::put_u16(head + 20, index);
  head[22] = 0xff;
  Hasher h;
  h.start(hk, out_bytes);
  h.update(head, sizeof head);
  h.update(seed);
  h.finish(out);
}

namespace detail {
namespace {
// FIPS 180-4 §5.3.3
constexpr std::uint32_t kSha256Iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
}  // namespace

StepBlock::StepBlock(HashKind hk, unsigned n, const std::uint8_t* I, std::uint32_t q)
    : hk_(hk), n_(static_cast<std::uint8_t>(n)) {
  for (std::size_t i = 0; i < kIdBytes; ++i) buf_[i] = I[i];
  store32_be(buf_ + 16, q);
  buf_[20] = buf_[21] = buf_[22] = 0;
  for (std::size_t i = 23; i < 64; ++i) buf_[i] = 0;
  // SHA-256 padding of a 23 + n byte message, fixed once (FIPS 180-4 §5.1.1).
  buf_[23 + n] = 0x80;
  store64_be(buf_ + 56, std::uint64_t{23 + n} * 8);
}

StepBlock::~StepBlock() { secure_wipe(buf_, sizeof buf_); }

void StepBlock::set_i(std::uint16_t i) { put_u16(buf_ + 20, i); }

void StepBlock::hash_one() {
  if (hk_ == HashKind::sha256) {
    std::uint32_t st[8];
    for (int k = 0; k < 8; ++k) st[k] = kSha256Iv[k];
    hash::sha256_blocks(st, buf_, 1);
    for (unsigned k = 0; k < n_ / 4u; ++k) store32_be(buf_ + 23 + 4 * k, st[k]);
  } else {
    Shake256 x;
    x.absorb(buf_, 23u + n_);
    x.squeeze(buf_ + 23, n_);
  }
}

void StepBlock::chain(std::uint8_t* x, unsigned from, unsigned to) {
  if (from >= to) return;
  for (unsigned k = 0; k < n_; ++k) buf_[23 + k] = x[k];
  for (unsigned j = from; j < to; ++j) {
    buf_[22] = static_cast<std::uint8_t>(j);
    hash_one();
  }
  for (unsigned k = 0; k < n_; ++k) x[k] = buf_[23 + k];
}

void StepBlock::derive_x(std::uint8_t* out, const std::uint8_t* seed) {
  for (unsigned k = 0; k < n_; ++k) buf_[23 + k] = seed[k];
  buf_[22] = 0xff;
  hash_one();
  for (unsigned k = 0; k < n_; ++k) out[k] = buf_[23 + k];
}

void append_checksum(std::uint8_t* s, const OtsType& o) {
  // Cksm(S) = sum over the 8n/w digits of (2^w - 1 - digit), shifted left by ls (RFC 8554 §4.4).
  const unsigned digits = 8u * o.n / o.w;
  const unsigned max = (1u << o.w) - 1;
  unsigned sum = 0;
  for (unsigned i = 0; i < digits; ++i) sum += max - coef(s, i, o.w);
  sum <<= o.ls;
  put_u16(s + o.n, static_cast<std::uint16_t>(sum));
}

}  // namespace detail
}  // namespace pqcea::lms
