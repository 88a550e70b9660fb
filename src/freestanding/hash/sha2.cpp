// SHA-2 (FIPS 180-4 §6.2 SHA-256, §6.4 SHA-512); the truncated variants differ only in the
// initial value (§5.3) and the digest length.
#include "pqcea/hash/sha2.hpp"

#include "backends.hpp"
#include "pqcea/core/bytes.hpp"
#include "pqcea/hash/backend.hpp"
#include "pqcea/core/secret.hpp"

namespace pqcea::hash {
namespace {

constexpr std::uint64_t K512[80] = {
    0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
    0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
    0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
    0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
    0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
    0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
    0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
    0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
    0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
    0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
    0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
    0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
    0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817};

// FIPS 180-4 §5.3.2 / §5.3.3
constexpr std::uint32_t IV256[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
constexpr std::uint32_t IV224[8] = {0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939,
                                    0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4};
// FIPS 180-4 §5.3.5, §5.3.4, §5.3.6.2, §5.3.6.1
constexpr std::uint64_t IV512[4][8] = {
    {0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1, 0x510e527fade682d1,
     0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179},
    {0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939, 0x67332667ffc00b31,
     0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4},
    {0x22312194fc2bf72c, 0x9f555fa3c84c64c2, 0x2393b86b6f53b151, 0x963877195940eabd, 0x96283ee2a88effe3,
     0xbe5e1e2553863992, 0x2b0199fc2c85b8aa, 0x0eb72ddc81c52ca2},
    {0x8c3d37c819544da2, 0x73e1996689dcd4d6, 0x1dfab7ae32ff9c82, 0x679dd514582f9fcf, 0x0f6d2b697bd44da8,
     0x77e36f7304c48942, 0x3f9d85a86a1d36c8, 0x1112e6ad91d692a1}};

inline std::uint32_t rotr32(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
inline std::uint64_t rotr64(std::uint64_t x, int n) { return (x >> n) | (x << (64 - n)); }

}  // namespace

void sha256_blocks_portable(std::uint32_t st[8], const std::uint8_t* p, std::size_t nblocks) {
  std::uint32_t w[64];  // message schedule: may hold secret data, wiped once after the last block
  for (; nblocks > 0; --nblocks, p += 64) {
    for (int t = 0; t < 16; ++t) w[t] = load32_be(p + 4 * t);
    for (int t = 16; t < 64; ++t) {
      std::uint32_t s0 = rotr32(w[t - 15], 7) ^ rotr32(w[t - 15], 18) ^ (w[t - 15] >> 3);
      std::uint32_t s1 = rotr32(w[t - 2], 17) ^ rotr32(w[t - 2], 19) ^ (w[t - 2] >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    std::uint32_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
    for (int t = 0; t < 64; ++t) {
      std::uint32_t t1 = h + (rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25)) + ((e & f) ^ (~e & g)) + kSha256K[t] + w[t];
      std::uint32_t t2 = (rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    st[0] += a; st[1] += b; st[2] += c; st[3] += d; st[4] += e; st[5] += f; st[6] += g; st[7] += h;
  }
  secure_wipe(w, sizeof w);
}

void sha512_blocks(std::uint64_t st[8], const std::uint8_t* p, std::size_t nblocks) {
  std::uint64_t w[80];  // message schedule: may hold secret data, wiped once after the last block
  for (; nblocks > 0; --nblocks, p += 128) {
    for (int t = 0; t < 16; ++t) w[t] = load64_be(p + 8 * t);
    for (int t = 16; t < 80; ++t) {
      std::uint64_t s0 = rotr64(w[t - 15], 1) ^ rotr64(w[t - 15], 8) ^ (w[t - 15] >> 7);
      std::uint64_t s1 = rotr64(w[t - 2], 19) ^ rotr64(w[t - 2], 61) ^ (w[t - 2] >> 6);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    std::uint64_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
    for (int t = 0; t < 80; ++t) {
      std::uint64_t t1 = h + (rotr64(e, 14) ^ rotr64(e, 18) ^ rotr64(e, 41)) + ((e & f) ^ (~e & g)) + K512[t] + w[t];
      std::uint64_t t2 = (rotr64(a, 28) ^ rotr64(a, 34) ^ rotr64(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    st[0] += a; st[1] += b; st[2] += c; st[3] += d; st[4] += e; st[5] += f; st[6] += g; st[7] += h;
  }
  secure_wipe(w, sizeof w);
}

// ---- backend selection ----------------------------------------------------------------------

namespace {
// 0 = not yet probed, 1 = portable, 2 = SHA-NI. A benign race: every thread computes the same.
int g_sha256_impl = 0;
bool g_native = true;

int sha256_impl() {
  if (g_sha256_impl == 0) {
#if defined(__x86_64__)
    g_sha256_impl = (g_native && cpu_has_sha_ni()) ? 2 : 1;
#else
    g_sha256_impl = 1;
#endif
  }
  return g_sha256_impl;
}
}  // namespace

void set_native_backends(bool enabled) {
  g_native = enabled;
  g_sha256_impl = 0;
}
bool native_backends_enabled() { return g_native; }
const char* sha256_backend() { return sha256_impl() == 2 ? "sha-ni" : "portable"; }

void sha256_blocks(std::uint32_t st[8], const std::uint8_t* p, std::size_t nblocks) {
#if defined(__x86_64__)
  if (sha256_impl() == 2) {
    sha256_blocks_shani(st, p, nblocks);
    return;
  }
#endif
  sha256_blocks_portable(st, p, nblocks);
}

namespace {
// The final partial byte: the top `nbits` bits of `last`, then the padding's 1 bit.
std::uint8_t last_byte_with_pad(std::uint8_t last, unsigned nbits) {
  const unsigned keep = (0xFF00u >> nbits) & 0xFFu;
  return static_cast<std::uint8_t>((last & keep) | (0x80u >> nbits));
}
}  // namespace

// ---- SHA-256 family -----------------------------------------------------------------------

template <std::size_t D>
Sha256Family<D>::~Sha256Family() {
  secure_wipe(this, sizeof *this);
}

template <std::size_t D>
void Sha256Family<D>::reset() {
  const std::uint32_t* iv = (D == 28) ? IV224 : IV256;
  for (int i = 0; i < 8; ++i) h_[i] = iv[i];
  total_ = 0;
  used_ = 0;
}

template <std::size_t D>
void Sha256Family<D>::update(const std::uint8_t* in, std::size_t n) {
  total_ += n;
  if (used_ > 0) {
    while (n > 0 && used_ < 64) { buf_[used_++] = *in++; --n; }
    if (used_ < 64) return;
    sha256_blocks(h_, buf_, 1);
    used_ = 0;
  }
  if (n >= 64) {
    sha256_blocks(h_, in, n / 64);
    in += n & ~std::size_t{63};
    n &= 63;
  }
  while (n > 0) { buf_[used_++] = *in++; --n; }
}

template <std::size_t D>
void Sha256Family<D>::final(std::uint8_t* out) {
  finish(0x80, total_ * 8, out);
}

template <std::size_t D>
void Sha256Family<D>::final_bits(std::uint8_t last, unsigned nbits, std::uint8_t* out) {
  nbits &= 7u;
  finish(last_byte_with_pad(last, nbits), total_ * 8 + nbits, out);
}

template <std::size_t D>
void Sha256Family<D>::finish(std::uint8_t pad_byte, std::uint64_t bits, std::uint8_t* out) {
  // FIPS 180-4 §5.1.1: the message bits, a 1 bit, zeros, 64-bit bit length.
  buf_[used_++] = pad_byte;
  if (used_ > 56) {
    while (used_ < 64) buf_[used_++] = 0;
    sha256_blocks(h_, buf_, 1);
    used_ = 0;
  }
  while (used_ < 56) buf_[used_++] = 0;
  store64_be(buf_ + 56, bits);
  sha256_blocks(h_, buf_, 1);
  for (std::size_t i = 0; i < D / 4; ++i) store32_be(out + 4 * i, h_[i]);
  reset();
}

// ---- SHA-512 family -----------------------------------------------------------------------

template <std::size_t D, int V>
Sha512Family<D, V>::~Sha512Family() {
  secure_wipe(this, sizeof *this);
}

template <std::size_t D, int V>
void Sha512Family<D, V>::reset() {
  for (int i = 0; i < 8; ++i) h_[i] = IV512[V][i];
  total_ = 0;
  used_ = 0;
}

template <std::size_t D, int V>
void Sha512Family<D, V>::update(const std::uint8_t* in, std::size_t n) {
  total_ += n;
  if (used_ > 0) {
    while (n > 0 && used_ < 128) { buf_[used_++] = *in++; --n; }
    if (used_ < 128) return;
    sha512_blocks(h_, buf_, 1);
    used_ = 0;
  }
  if (n >= 128) {
    sha512_blocks(h_, in, n / 128);
    in += n & ~std::size_t{127};
    n &= 127;
  }
  while (n > 0) { buf_[used_++] = *in++; --n; }
}

template <std::size_t D, int V>
void Sha512Family<D, V>::final(std::uint8_t* out) {
  finish(0x80, total_ * 8, out);
}

template <std::size_t D, int V>
void Sha512Family<D, V>::final_bits(std::uint8_t last, unsigned nbits, std::uint8_t* out) {
  nbits &= 7u;
  finish(last_byte_with_pad(last, nbits), total_ * 8 + nbits, out);
}

template <std::size_t D, int V>
void Sha512Family<D, V>::finish(std::uint8_t pad_byte, std::uint64_t bits, std::uint8_t* out) {
  // FIPS 180-4 §5.1.2: the message bits, a 1 bit, zeros, 128-bit bit length (high half zero here).
  buf_[used_++] = pad_byte;
  if (used_ > 112) {
    while (used_ < 128) buf_[used_++] = 0;
    sha512_blocks(h_, buf_, 1);
    used_ = 0;
  }
  while (used_ < 120) buf_[used_++] = 0;
  store64_be(buf_ + 120, bits);
  sha512_blocks(h_, buf_, 1);
  std::uint8_t full[64];
  for (int i = 0; i < 8; ++i) store64_be(full + 8 * i, h_[i]);
  for (std::size_t i = 0; i < D; ++i) out[i] = full[i];
  secure_wipe(full, sizeof full);
  reset();
}

template class Sha256Family<28>;
template class Sha256Family<32>;
template class Sha512Family<64, 0>;
template class Sha512Family<48, 1>;
template class Sha512Family<32, 2>;
template class Sha512Family<28, 3>;

}  // namespace pqcea::hash
