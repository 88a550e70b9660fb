// The XMSS keyed hash functions (RFC 8391 §5.1, SP 800-208 §5): every one is
// H(toByte(i, pad) || KEY || M) with i = 0 (F), 1 (H), 2 (H_msg), 3 (PRF), 4 (PRF_keygen). For the
// SHA-256 sets with n = 32 and the SHA-512 sets with n = 64, toByte(i, n) || KEY is exactly one
// block, so F, H and the PUB_SEED-keyed PRF go straight to the compression function, and the PRF
// starts from the state after its constant first block.
#include <new>

#include "pqcea/core/bytes.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/xmss.hpp"

namespace pqcea::xmss {

using hash::Sha256;
using hash::Sha512;
using hash::Shake128;
using hash::Shake256;
static_assert(sizeof(Sha256) <= 216 && sizeof(Sha512) <= 216 && sizeof(Shake128) <= 216 && sizeof(Shake256) <= 216);

void Address::to_bytes(std::uint8_t out[32]) const {
  for (int i = 0; i < 8; ++i) store32_be(out + 4 * i, w[i]);
}

Status SpanReader::read(std::size_t offset, std::span<std::uint8_t> out) const {
  if (offset > s_.size() || out.size() > s_.size() - offset) return Status::invalid_signature;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = s_[offset + i];
  return Status::ok;
}

// ---- Hasher -------------------------------------------------------------------------------------
Hasher::Hasher() { new (state_) Sha256(); }
Hasher::~Hasher() { destroy(); }

void Hasher::destroy() {
  switch (f_) {
    case HashFn::sha256: std::launder(reinterpret_cast<Sha256*>(state_))->~Sha256(); break;
    case HashFn::sha512: std::launder(reinterpret_cast<Sha512*>(state_))->~Sha512(); break;
    case HashFn::shake128: std::launder(reinterpret_cast<Shake128*>(state_))->~Shake128(); break;
    case HashFn::shake256: std::launder(reinterpret_cast<Shake256*>(state_))->~Shake256(); break;
  }
}

void Hasher::start(HashFn f, std::size_t out_bytes) {
  destroy();
  f_ = f;
  out_ = static_cast<std::uint8_t>(out_bytes);
  switch (f) {
    case HashFn::sha256: new (state_) Sha256(); break;
    case HashFn::sha512: new (state_) Sha512(); break;
    case HashFn::shake128: new (state_) Shake128(); break;
    case HashFn::shake256: new (state_) Shake256(); break;
  }
}

void Hasher::update(const std::uint8_t* p, std::size_t n) {
  switch (f_) {
    case HashFn::sha256: std::launder(reinterpret_cast<Sha256*>(state_))->update(p, n); break;
    case HashFn::sha512: std::launder(reinterpret_cast<Sha512*>(state_))->update(p, n); break;
    case HashFn::shake128: std::launder(reinterpret_cast<Shake128*>(state_))->absorb(p, n); break;
    case HashFn::shake256: std::launder(reinterpret_cast<Shake256*>(state_))->absorb(p, n); break;
  }
}

void Hasher::finish(std::uint8_t* out) {
  std::uint8_t full[64];
  switch (f_) {
    case HashFn::sha256:
      std::launder(reinterpret_cast<Sha256*>(state_))->final(full);
      break;
    case HashFn::sha512:
      std::launder(reinterpret_cast<Sha512*>(state_))->final(full);
      break;
    case HashFn::shake128:
      std::launder(reinterpret_cast<Shake128*>(state_))->squeeze(out, out_);
      return;
    case HashFn::shake256:
      std::launder(reinterpret_cast<Shake256*>(state_))->squeeze(out, out_);
      return;
  }
  for (std::size_t i = 0; i < out_; ++i) out[i] = full[i];
  secure_wipe(full, sizeof full);
}

// ---- Context ------------------------------------------------------------------------------------
namespace {
// FIPS 180-4 §5.3.3
constexpr std::uint32_t kIv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
// FIPS 180-4 §5.3.5
constexpr std::uint64_t kIv512[8] = {0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b,
                                     0xa54ff53a5f1d36f1, 0x510e527fade682d1, 0x9b05688c2b3e6c1f,
                                     0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};

inline void put_state512(std::uint8_t* out, const std::uint64_t st[8]) {
  for (int i = 0; i < 8; ++i) store64_be(out + 8 * i, st[i]);
}
// SHA-512 padding in the last 128-byte block: 0x80, zeros, 128-bit length (FIPS 180-4 §5.1.2).
inline void pad_block512(std::uint8_t* block, std::size_t used, std::uint64_t bytes) {
  block[used] = 0x80;
  for (std::size_t i = used + 1; i < 120; ++i) block[i] = 0;
  store64_be(block + 120, bytes * 8);
}

inline void put_state(std::uint8_t* out, const std::uint32_t st[8]) {
  for (int i = 0; i < 8; ++i) store32_be(out + 4 * i, st[i]);
}
// The SHA-256 length field of a message of `bytes` bytes ending block `end` (FIPS 180-4 §5.1.1).
inline void pad_block(std::uint8_t* block_end_64, std::size_t used, std::uint64_t bytes) {
  block_end_64[used] = 0x80;
  for (std::size_t i = used + 1; i < 56; ++i) block_end_64[i] = 0;
  store64_be(block_end_64 + 56, bytes * 8);
}
void to_byte(std::uint8_t* out, std::uint32_t v, std::size_t len) {
  for (std::size_t i = 0; i < len; ++i) out[i] = 0;
  store32_be(out + len - 4, v);
}
}  // namespace

Context::Context(const Params& p, std::span<const std::uint8_t> pub_seed)
    : p_(&p),
      fast_(p.pad != p.n                                      ? Fast::none
            : p.hash == HashFn::sha256 && p.n == 32 ? Fast::sha256
            : p.hash == HashFn::sha512 && p.n == 64 ? Fast::sha512
                                                    : Fast::none) {
  for (std::size_t i = 0; i < p.n; ++i) seed_[i] = pub_seed[i];
  if (fast_ == Fast::sha256) {
    std::uint8_t block[64];
    to_byte(block, 3, 32);
    for (int i = 0; i < 32; ++i) block[32 + i] = seed_[i];
    for (int i = 0; i < 8; ++i) mid256_[i] = kIv[i];
    hash::sha256_blocks(mid256_, block, 1);
  } else if (fast_ == Fast::sha512) {
    std::uint8_t block[128];
    to_byte(block, 3, 64);
    for (int i = 0; i < 64; ++i) block[64 + i] = seed_[i];
    for (int i = 0; i < 8; ++i) mid512_[i] = kIv512[i];
    hash::sha512_blocks(mid512_, block, 1);
  }
}

Context::~Context() {
  secure_wipe(mid256_, sizeof mid256_);
  secure_wipe(mid512_, sizeof mid512_);
}

// Each fast path and the generic path are separate (non-inlined) functions, so a caller's stack
// frame holds only the block buffer of the path it takes (this matters on the Cortex-M).
namespace {
struct Part {
  const std::uint8_t* p;
  std::size_t n;
};
// H(toByte(i, pad) || parts...) through the incremental hash: every set, every function.
[[gnu::noinline]] void keyed_generic(std::uint8_t* out, const Params& p, std::uint32_t i, Part a, Part b, Part c = {},
                                     Part d = {}) {
  std::uint8_t pre[kMaxN];
  to_byte(pre, i, p.pad);
  Hasher h;
  h.start(p.hash, p.n);
  h.update(pre, p.pad);
  for (const Part& x : {a, b, c, d})
    if (x.n != 0) h.update(x.p, x.n);
  h.finish(out);
}

// SHA-256, n = 32: PRF from the precomputed state (one block), F (two blocks), H (three blocks).
[[gnu::noinline]] void prf256(std::uint8_t* out, const std::uint32_t mid[8], const Address& adrs) {
  std::uint8_t block[64];
  adrs.to_bytes(block);
  pad_block(block, 32, 96);
  std::uint32_t st[8];
  for (int i = 0; i < 8; ++i) st[i] = mid[i];
  hash::sha256_blocks(st, block, 1);
  put_state(out, st);
}
[[gnu::noinline]] void keyed256(std::uint8_t* out, std::uint32_t i, const std::uint8_t* key, const std::uint8_t* m,
                                std::size_t m_len) {
  std::uint8_t blocks[192];
  to_byte(blocks, i, 32);
  for (int k = 0; k < 32; ++k) blocks[32 + k] = key[k];
  for (std::size_t k = 0; k < m_len; ++k) blocks[64 + k] = m[k];
  const std::size_t total = 64 + m_len;  // 96 (F) or 128 (H)
  const std::size_t nblocks = total % 64 + 9 <= 64 ? total / 64 + 1 : total / 64 + 2;
  for (std::size_t k = total; k < 64 * nblocks; ++k) blocks[k] = 0;
  blocks[total] = 0x80;
  store64_be(blocks + 64 * nblocks - 8, std::uint64_t{total} * 8);
  std::uint32_t st[8];
  for (int k = 0; k < 8; ++k) st[k] = kIv[k];
  hash::sha256_blocks(st, blocks, nblocks);
  put_state(out, st);
}

// SHA-512, n = 64: the same with 128-byte blocks.
[[gnu::noinline]] void prf512(std::uint8_t* out, const std::uint64_t mid[8], const Address& adrs) {
  std::uint8_t block[128];
  adrs.to_bytes(block);
  pad_block512(block, 32, 160);
  std::uint64_t st[8];
  for (int i = 0; i < 8; ++i) st[i] = mid[i];
  hash::sha512_blocks(st, block, 1);
  put_state512(out, st);
}
[[gnu::noinline]] void keyed512(std::uint8_t* out, std::uint32_t i, const std::uint8_t* key, const std::uint8_t* m,
                                std::size_t m_len) {
  std::uint8_t blocks[384];
  to_byte(blocks, i, 64);
  for (int k = 0; k < 64; ++k) blocks[64 + k] = key[k];
  for (std::size_t k = 0; k < m_len; ++k) blocks[128 + k] = m[k];
  const std::size_t total = 128 + m_len;  // 192 (F) or 256 (H)
  const std::size_t nblocks = total % 128 + 17 <= 128 ? total / 128 + 1 : total / 128 + 2;
  for (std::size_t k = total; k < 128 * nblocks; ++k) blocks[k] = 0;
  blocks[total] = 0x80;
  store64_be(blocks + 128 * nblocks - 8, std::uint64_t{total} * 8);
  std::uint64_t st[8];
  for (int k = 0; k < 8; ++k) st[k] = kIv512[k];
  hash::sha512_blocks(st, blocks, nblocks);
  put_state512(out, st);
}
}  // namespace

void Context::prf(std::uint8_t* out, const Address& adrs) const {
  if (fast_ == Fast::sha256) return prf256(out, mid256_, adrs);
  if (fast_ == Fast::sha512) return prf512(out, mid512_, adrs);
  std::uint8_t a[32];
  adrs.to_bytes(a);
  keyed_generic(out, *p_, 3, Part{seed_, p_->n}, Part{a, 32});
}

void Context::f(std::uint8_t* out, const std::uint8_t* key, const std::uint8_t* m) const {
  if (fast_ == Fast::sha256) return keyed256(out, 0, key, m, 32);
  if (fast_ == Fast::sha512) return keyed512(out, 0, key, m, 64);
  keyed_generic(out, *p_, 0, Part{key, p_->n}, Part{m, p_->n});
}

void Context::chain(std::uint8_t* x, unsigned start, unsigned steps, Address& adrs) const {
  // RFC 8391 Alg. 2 (iterative): for i = start .. start + steps - 1: KEY = PRF(SEED, ADRS with
  // keyAndMask 0), BM = PRF(.., keyAndMask 1), tmp = F(KEY, tmp XOR BM).
  std::uint8_t key[kMaxN], bm[kMaxN];
  const unsigned n = p_->n;
  for (unsigned i = start; i < start + steps && i < 15; ++i) {
    adrs.set_hash(i);
    adrs.set_key_and_mask(0);
    prf(key, adrs);
    adrs.set_key_and_mask(1);
    prf(bm, adrs);
    for (unsigned k = 0; k < n; ++k) bm[k] ^= x[k];
    f(x, key, bm);
  }
}

void Context::rand_hash(std::uint8_t* out, const std::uint8_t* left, const std::uint8_t* right, Address& adrs) const {
  // RFC 8391 Alg. 7.
  const unsigned n = p_->n;
  std::uint8_t key[kMaxN], m[2 * kMaxN];
  adrs.set_key_and_mask(0);
  prf(key, adrs);
  adrs.set_key_and_mask(1);
  prf(m, adrs);
  adrs.set_key_and_mask(2);
  prf(m + n, adrs);
  for (unsigned k = 0; k < n; ++k) {
    m[k] ^= left[k];
    m[n + k] ^= right[k];
  }
  if (fast_ == Fast::sha256) return keyed256(out, 1, key, m, 64);
  if (fast_ == Fast::sha512) return keyed512(out, 1, key, m, 128);
  keyed_generic(out, *p_, 1, Part{key, n}, Part{m, 2u * n});
}

void Context::prf_index(std::uint8_t* out, const std::uint8_t* key, std::uint64_t idx) const {
  std::uint8_t m[32] = {};
  store64_be(m + 24, idx);
  keyed_generic(out, *p_, 3, Part{key, p_->n}, Part{m, 32});
}

void Context::prf_keygen(std::uint8_t* out, const std::uint8_t* sk_seed, const Address& adrs) const {
  std::uint8_t a[32];
  adrs.to_bytes(a);
  keyed_generic(out, *p_, 4, Part{sk_seed, p_->n}, Part{seed_, p_->n}, Part{a, 32});
}

void Context::h_msg_start(Hasher& h, const std::uint8_t* r, const std::uint8_t* root, std::uint64_t idx) const {
  std::uint8_t pre[kMaxN], i[kMaxN] = {};
  to_byte(pre, 2, p_->pad);
  store64_be(i + p_->n - 8, idx);
  h.start(p_->hash, p_->n);
  h.update(pre, p_->pad);
  h.update(r, p_->n);
  h.update(root, p_->n);
  h.update(i, p_->n);
}

}  // namespace pqcea::xmss
