// The hash functions of SLH-DSA: PRF, PRFmsg, Hmsg, F, H and T (FIPS 205 §4.1), instantiated for
// SHAKE (§11.1) and for SHA2 (§11.2.1 security category 1, §11.2.2 categories 3 and 5).
//
// Hashes<P> is built once per key operation from PK.seed. For SHA2 it holds the SHA-256 (and for
// categories 3/5 the SHA-512) chaining value after the first block PK.seed || toByte(0, 64 - n)
// (resp. 128 - n), which §11.2 lets an implementation compute once: every F, H, PRF then costs
// exactly one compression (ADRSc || M fits the second block with its padding). For SHAKE,
// PK.seed || ADRS || M of F, H and PRF fits one Keccak block (at most 3n + 32 = 128 < 136 bytes),
// so each call is one permutation on a state built directly from the bytes.
//
// Every buffer that may hold a secret chain value or SK.seed is wiped before it goes out of scope.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "address.hpp"
#include "pqcea/core/bytes.hpp"
#include "pqcea/hash/hmac.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/slhdsa.hpp"

namespace pqcea::slhdsa::detail {

// A wipe the compiler may not drop (the asm makes the zeroed memory observable), with a plain
// memset so that the per-hash wipes cost a few stores.
inline void wipe(void* p, std::size_t n) {
  std::memset(p, 0, n);
#if defined(__GNUC__)
  __asm__ volatile("" : : "r"(p) : "memory");
#endif
}

// M' (or M for the internal interface) as up to four pieces, absorbed in order by PRFmsg and Hmsg
// so that the message is never copied (FIPS 205 Alg. 22 step 8, Alg. 23 step 24).
struct MsgParts {
  std::span<const std::uint8_t> part[4];
  template <class Fn>
  void each(Fn&& fn) const {
    for (const auto& p : part)
      if (!p.empty()) fn(p.data(), p.size());
  }
};

// ---- SHA-2 engines over the project's compression functions (the backend contract) ------------
struct Sha256Engine {
  using Word = std::uint32_t;
  static constexpr std::size_t kBlock = 64;
  static constexpr std::size_t kLenBytes = 8;
  static constexpr Word kIv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};  // FIPS 180-4 §5.3.3
  static void compress(Word* s, const std::uint8_t* b, std::size_t nb) { hash::sha256_blocks(s, b, nb); }
  static void put(std::uint8_t* out, const Word* s, std::size_t n) {
    for (std::size_t i = 0; i < n / 4; ++i) store32_be(out + 4 * i, s[i]);
  }
};
struct Sha512Engine {
  using Word = std::uint64_t;
  static constexpr std::size_t kBlock = 128;
  static constexpr std::size_t kLenBytes = 16;
  static constexpr Word kIv[8] = {0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b,
                                  0xa54ff53a5f1d36f1, 0x510e527fade682d1, 0x9b05688c2b3e6c1f,
                                  0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};  // FIPS 180-4 §5.3.5
  static void compress(Word* s, const std::uint8_t* b, std::size_t nb) { hash::sha512_blocks(s, b, nb); }
  static void put(std::uint8_t* out, const Word* s, std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) store64_be(out + i, s[i / 8]);
    if (i < n) {  // n = 24 takes three whole words; kept general for the truncation
      std::uint8_t tmp[8];
      store64_be(tmp, s[i / 8]);
      std::memcpy(out + i, tmp, n - i);
    }
  }
};

// The chaining value after the block PK.seed || toByte(0, block - n) (FIPS 205 §11.2).
template <class E>
void sha_seed_state(typename E::Word st[8], const std::uint8_t* pk_seed, std::size_t n) {
  std::uint8_t block[E::kBlock] = {};
  std::memcpy(block, pk_seed, n);
  for (int i = 0; i < 8; ++i) st[i] = E::kIv[i];
  E::compress(st, block, 1);
}

// Pads block[0..used) for a message of total_bytes (FIPS 180-4 §5.1): used + 1 + length field must
// fit the block (checked by the callers' static_asserts).
template <class E>
inline void sha_pad_single(std::uint8_t* block, std::size_t used, std::uint64_t total_bytes) {
  block[used] = 0x80;
  std::memset(block + used + 1, 0, E::kBlock - 8 - used - 1);
  store64_be(block + E::kBlock - 8, total_bytes * 8);
}

// An incremental SHA-2 hash that starts from a precomputed chaining value (for T_l).
template <class E>
class ShaStream {
 public:
  ShaStream(const typename E::Word st[8], std::uint64_t done_bytes) : total_(done_bytes) {
    for (int i = 0; i < 8; ++i) s_[i] = st[i];
  }
  ~ShaStream() { wipe(this, sizeof *this); }
  ShaStream(const ShaStream&) = delete;
  ShaStream& operator=(const ShaStream&) = delete;
  void update(const std::uint8_t* in, std::size_t n) {
    total_ += n;
    while (n > 0) {
      std::size_t take = E::kBlock - used_;
      if (take > n) take = n;
      std::memcpy(buf_ + used_, in, take);
      used_ += take;
      in += take;
      n -= take;
      if (used_ == E::kBlock) {
        E::compress(s_, buf_, 1);
        used_ = 0;
      }
    }
  }
  void final(std::uint8_t* out, std::size_t n) {
    buf_[used_++] = 0x80;
    if (used_ > E::kBlock - E::kLenBytes) {
      std::memset(buf_ + used_, 0, E::kBlock - used_);
      E::compress(s_, buf_, 1);
      used_ = 0;
    }
    std::memset(buf_ + used_, 0, E::kBlock - 8 - used_);
    store64_be(buf_ + E::kBlock - 8, total_ * 8);
    E::compress(s_, buf_, 1);
    E::put(out, s_, n);
  }

 private:
  typename E::Word s_[8];
  std::uint8_t buf_[E::kBlock];
  std::size_t used_ = 0;
  std::uint64_t total_;
};

template <class P, Family = P::family>
class Hashes;

// ---- SHA2 (FIPS 205 §11.2) ---------------------------------------------------------------------
template <class P>
class Hashes<P, Family::sha2> {
 public:
  static constexpr std::size_t n = P::n;
  static constexpr bool kBig = P::category > 1;  // H, T, Hmsg, PRFmsg on SHA-512 (§11.2.2)
  using E = Sha256Engine;                          // F and PRF: always SHA-256
  using EH = std::conditional_t<kBig, Sha512Engine, Sha256Engine>;
  static constexpr std::size_t kAc = Adrs::kCompressedBytes;
  static_assert(kAc + n + 1 + E::kLenBytes <= E::kBlock, "F / PRF: one compression");
  static_assert(kAc + 2 * n + 1 + EH::kLenBytes <= EH::kBlock, "H: one compression");

  explicit Hashes(const std::uint8_t* pk_seed) {
    std::memcpy(pk_seed_, pk_seed, n);
    sha_seed_state<E>(s256_, pk_seed, n);
    if constexpr (kBig) sha_seed_state<EH>(sh_, pk_seed, n);
  }
  const std::uint8_t* pk_seed() const { return pk_seed_; }

  // F(PK.seed, ADRS, M1) = Trunc_n(SHA-256(PK.seed || toByte(0, 64 - n) || ADRSc || M1)).
  void F(std::uint8_t* out, const Adrs& adrs, const std::uint8_t* m1) const { one<E>(out, s256_, adrs, m1, n); }
  // PRF(PK.seed, SK.seed, ADRS): the same construction with SK.seed as the message.
  void prf(std::uint8_t* out, const Adrs& adrs, const std::uint8_t* sk_seed) const { one<E>(out, s256_, adrs, sk_seed, n); }
  // H(PK.seed, ADRS, M2): SHA-256 (category 1) or SHA-512 with a 128-byte first block.
  void H(std::uint8_t* out, const Adrs& adrs, const std::uint8_t* m2) const {
    if constexpr (kBig) one<EH>(out, sh_, adrs, m2, 2 * n);
    else one<E>(out, s256_, adrs, m2, 2 * n);
  }

  // chain(X, i, s, PK.seed, ADRS) (FIPS 205 Alg. 5): s applications of F with hash addresses
  // i .. i+s-1. The block ADRSc || tmp || padding stays in place; each step rewrites the hash
  // address and tmp.
  void chain(std::uint8_t* out, const std::uint8_t* in, const Adrs& adrs, unsigned start, unsigned steps) const {
    if (steps == 0) {
      if (out != in) std::memcpy(out, in, n);
      return;
    }
    std::uint8_t block[E::kBlock];
    adrs.compress(block);
    std::memcpy(block + kAc, in, n);
    sha_pad_single<E>(block, kAc + n, E::kBlock + kAc + n);
    E::Word st[8];
    for (unsigned j = start; j < start + steps; ++j) {
      store32_be(block + kAdrscHash, j);  // Alg. 5 step 3: ADRS.setHashAddress(j)
      for (int w = 0; w < 8; ++w) st[w] = s256_[w];
      E::compress(st, block, 1);
      E::put(block + kAc, st, n);  // Alg. 5 step 4: tmp = F(PK.seed, ADRS, tmp)
    }
    std::memcpy(out, block + kAc, n);
    wipe(block, sizeof block);
    wipe(st, sizeof st);
  }

  // T_l(PK.seed, ADRS, M_l) for a message streamed n bytes at a time.
  class T {
   public:
    T(const Hashes& hs, const Adrs& adrs) : s_(hs.tstate(), EH::kBlock) {
      std::uint8_t ac[kAc];
      adrs.compress(ac);
      s_.update(ac, kAc);
    }
    void update(const std::uint8_t* in) { s_.update(in, n); }
    void final(std::uint8_t* out) { s_.final(out, n); }

   private:
    ShaStream<EH> s_;
  };

  // PRFmsg(SK.prf, opt_rand, M) = Trunc_n(HMAC-SHA-x(SK.prf, opt_rand || M)).
  static void prf_msg(std::uint8_t* out, const std::uint8_t* sk_prf, const std::uint8_t* opt_rand, const MsgParts& m) {
    using Hh = std::conditional_t<kBig, hash::Sha512, hash::Sha256>;
    hash::Hmac<Hh> mac(sk_prf, n);
    mac.update(opt_rand, n);
    m.each([&](const std::uint8_t* p, std::size_t len) { mac.update(p, len); });
    std::uint8_t full[Hh::digest_size];
    mac.final(full);
    std::memcpy(out, full, n);
    wipe(full, sizeof full);
  }

  // Hmsg(R, PK.seed, PK.root, M) = MGF1-SHA-x(R || PK.seed || SHA-x(R || PK.seed || PK.root || M), m).
  void h_msg(std::uint8_t* out, const std::uint8_t* r, const std::uint8_t* pk_root, const MsgParts& m) const {
    using Hh = std::conditional_t<kBig, hash::Sha512, hash::Sha256>;
    constexpr std::size_t D = Hh::digest_size;
    std::uint8_t seed[2 * n + D + 4];
    {
      Hh inner;
      inner.update(r, n);
      inner.update(pk_seed_, n);
      inner.update(pk_root, n);
      m.each([&](const std::uint8_t* p, std::size_t len) { inner.update(p, len); });
      inner.final(seed + 2 * n);
    }
    std::memcpy(seed, r, n);
    std::memcpy(seed + n, pk_seed_, n);
    // MGF1 (RFC 8017 B.2.1): T = Hash(seed || I2OSP(c, 4)) for c = 0, 1, ... truncated to m bytes.
    std::uint8_t block[D];
    for (std::uint32_t c = 0; c * D < P::m; ++c) {
      store32_be(seed + 2 * n + D, c);
      Hh::hash(block, seed, sizeof seed);
      const std::size_t take = (P::m - c * D) < D ? (P::m - c * D) : D;
      std::memcpy(out + c * D, block, take);
    }
  }

 private:
  const typename EH::Word* tstate() const {
    if constexpr (kBig) return sh_;
    else return s256_;
  }
  // One compression of ADRSc || msg || padding from the seed state.
  template <class X>
  static void one(std::uint8_t* out, const typename X::Word* seed_state, const Adrs& adrs, const std::uint8_t* msg,
                  std::size_t len) {
    std::uint8_t block[X::kBlock];
    adrs.compress(block);
    std::memcpy(block + kAc, msg, len);
    sha_pad_single<X>(block, kAc + len, X::kBlock + kAc + len);
    typename X::Word st[8];
    for (int w = 0; w < 8; ++w) st[w] = seed_state[w];
    X::compress(st, block, 1);
    X::put(out, st, n);
    wipe(block, sizeof block);
    wipe(st, sizeof st);
  }

  std::uint32_t s256_[8];
  std::conditional_t<kBig, std::uint64_t[8], std::uint8_t[1]> sh_;
  std::uint8_t pk_seed_[n];
};

// ---- SHAKE (FIPS 205 §11.1) --------------------------------------------------------------------
template <class P>
class Hashes<P, Family::shake> {
 public:
  static constexpr std::size_t n = P::n;
  static constexpr std::size_t kRate = 136;  // SHAKE256
  static_assert(3 * n + 32 < kRate, "F, H, PRF: one permutation");

  explicit Hashes(const std::uint8_t* pk_seed) { std::memcpy(pk_seed_, pk_seed, n); }
  const std::uint8_t* pk_seed() const { return pk_seed_; }

  // F, H, PRF = SHAKE256(PK.seed || ADRS || M, 8n).
  void F(std::uint8_t* out, const Adrs& adrs, const std::uint8_t* m1) const { one(out, adrs, m1, n); }
  void prf(std::uint8_t* out, const Adrs& adrs, const std::uint8_t* sk_seed) const { one(out, adrs, sk_seed, n); }
  void H(std::uint8_t* out, const Adrs& adrs, const std::uint8_t* m2) const { one(out, adrs, m2, 2 * n); }

  // chain (FIPS 205 Alg. 5): the block PK.seed || ADRS || tmp || pad stays in place.
  void chain(std::uint8_t* out, const std::uint8_t* in, const Adrs& adrs, unsigned start, unsigned steps) const {
    if (steps == 0) {
      if (out != in) std::memcpy(out, in, n);
      return;
    }
    std::uint8_t block[kRate];
    start_block(block, adrs, in, n);
    std::uint64_t s[25];
    for (unsigned j = start; j < start + steps; ++j) {
      store32_be(block + n + 28, j);  // Alg. 5 step 3: ADRS.setHashAddress(j)
      permute_block(s, block);
      for (std::size_t i = 0; i < n / 8; ++i) store64_le(block + n + 32 + 8 * i, s[i]);
    }
    std::memcpy(out, block + n + 32, n);
    wipe(block, sizeof block);
    wipe(s, sizeof s);
  }

  // T_l = SHAKE256(PK.seed || ADRS || M_l, 8n), M_l streamed n bytes at a time.
  class T {
   public:
    T(const Hashes& hs, const Adrs& adrs) {
      x_.absorb(hs.pk_seed_, n);
      x_.absorb(adrs.b, 32);
    }
    void update(const std::uint8_t* in) { x_.absorb(in, n); }
    void final(std::uint8_t* out) { x_.squeeze(out, n); }

   private:
    hash::Shake256 x_;
  };

  // PRFmsg(SK.prf, opt_rand, M) = SHAKE256(SK.prf || opt_rand || M, 8n).
  static void prf_msg(std::uint8_t* out, const std::uint8_t* sk_prf, const std::uint8_t* opt_rand, const MsgParts& m) {
    hash::Shake256 x;
    x.absorb(sk_prf, n);
    x.absorb(opt_rand, n);
    m.each([&](const std::uint8_t* p, std::size_t len) { x.absorb(p, len); });
    x.squeeze(out, n);
  }
  // Hmsg(R, PK.seed, PK.root, M) = SHAKE256(R || PK.seed || PK.root || M, 8m).
  void h_msg(std::uint8_t* out, const std::uint8_t* r, const std::uint8_t* pk_root, const MsgParts& m) const {
    hash::Shake256 x;
    x.absorb(r, n);
    x.absorb(pk_seed_, n);
    x.absorb(pk_root, n);
    m.each([&](const std::uint8_t* p, std::size_t len) { x.absorb(p, len); });
    x.squeeze(out, P::m);
  }

 private:
  // PK.seed || ADRS || msg || SHAKE padding (FIPS 202 §B.2: 0x1F ... 0x80) in one rate block.
  void start_block(std::uint8_t* block, const Adrs& adrs, const std::uint8_t* msg, std::size_t len) const {
    std::memcpy(block, pk_seed_, n);
    std::memcpy(block + n, adrs.b, 32);
    std::memcpy(block + n + 32, msg, len);
    std::memset(block + n + 32 + len, 0, kRate - (n + 32 + len));
    block[n + 32 + len] = 0x1F;
    block[kRate - 1] |= 0x80;
  }
  static void permute_block(std::uint64_t s[25], const std::uint8_t* block) {
    for (std::size_t i = 0; i < kRate / 8; ++i) s[i] = load64_le(block + 8 * i);
    for (std::size_t i = kRate / 8; i < 25; ++i) s[i] = 0;
    hash::keccak_f1600(s);
  }
  void one(std::uint8_t* out, const Adrs& adrs, const std::uint8_t* msg, std::size_t len) const {
    std::uint8_t block[kRate];
    start_block(block, adrs, msg, len);
    std::uint64_t s[25];
    permute_block(s, block);
    for (std::size_t i = 0; i < n / 8; ++i) store64_le(out + 8 * i, s[i]);
    wipe(block, sizeof block);
    wipe(s, sizeof s);
  }

  std::uint8_t pk_seed_[n];
};

}  // namespace pqcea::slhdsa::detail
