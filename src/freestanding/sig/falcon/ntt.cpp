// NTT modulo q = 12289 (Falcon round-3 spec v1.2 §3.7; q - 1 = 3 * 2^12, so Z_q has primitive
// 2048th roots of unity and X^1024 + 1 splits completely).
//
// Montgomery multiplication with R = 2^16 keeps every product within 32 bits on the Cortex-M33.
// One table serves every n <= 1024: with psi a primitive 2048th root, zeta[k] = psi^BitRev10(k);
// for n = 2^logn the transform needs a primitive 2n-th root psi^(1024/n), and for k < n
// BitRev10(k) = (1024/n) * BitRev_logn(k), so the first n entries are exactly its table.
#include "ntt.hpp"

#include <array>

namespace pqcea::falcon::mq {
namespace {

constexpr std::uint32_t kR2 = (std::uint64_t{1} << 32) % kQ;  // R^2 mod q, R = 2^16

consteval std::uint32_t powmod(std::uint64_t b, std::uint64_t e) {
  std::uint64_t r = 1;
  b %= kQ;
  while (e > 0) {
    if (e & 1) r = r * b % kQ;
    b = b * b % kQ;
    e >>= 1;
  }
  return static_cast<std::uint32_t>(r);
}
// -q^-1 mod 2^16 (Newton iteration: each step doubles the number of correct low bits).
consteval std::uint32_t neg_qinv() {
  std::uint32_t x = kQ;  // correct to 3 bits for odd q (q * q = 1 mod 8)
  for (int i = 0; i < 4; ++i) x = x * (2 - kQ * x);
  return (0u - x) & 0xFFFF;
}
constexpr std::uint32_t kQNegInv = neg_qinv();
static_assert(((kQ * kQNegInv) & 0xFFFF) == 0xFFFF, "q * (-q^-1) = -1 mod 2^16");

consteval std::uint32_t primitive_2048th_root() {
  // The smallest generator g of Z_q^* (order 3 * 2^12); psi = g^3 then has order 2048.
  for (std::uint32_t g = 2;; ++g)
    if (powmod(g, (kQ - 1) / 2) != 1 && powmod(g, (kQ - 1) / 3) != 1) return powmod(g, (kQ - 1) / 2048);
}
constexpr std::uint32_t kPsi = primitive_2048th_root();
static_assert(powmod(kPsi, 1024) == kQ - 1, "psi^1024 = -1: psi is a primitive 2048th root of unity");

consteval unsigned bitrev10(unsigned x) {
  unsigned r = 0;
  for (unsigned i = 0; i < 10; ++i) r |= ((x >> i) & 1u) << (9 - i);
  return r;
}
// zeta[k] * R and zeta[k]^-1 * R mod q (Montgomery form), k = 0..1023.
consteval std::array<std::uint16_t, 1024> make_table(bool inverse) {
  std::array<std::uint16_t, 1024> t{};
  for (unsigned k = 0; k < 1024; ++k) {
    const unsigned e = bitrev10(k);
    const std::uint32_t z = powmod(kPsi, inverse ? (2048 - e) % 2048 : e);
    t[k] = static_cast<std::uint16_t>((std::uint64_t{z} << 16) % kQ);
  }
  return t;
}
constexpr std::array<std::uint16_t, 1024> kZeta = make_table(false);
constexpr std::array<std::uint16_t, 1024> kZetaInv = make_table(true);

// Montgomery reduction: x < q * 2^16 -> x / 2^16 mod q, in [0, q). Branch-free. Forced inline:
// the size-optimised Cortex-M build otherwise calls it once per butterfly.
[[gnu::always_inline]] inline std::uint32_t mont_reduce(std::uint32_t x) {
  const std::uint32_t m = (x * kQNegInv) & 0xFFFF;
  const std::uint32_t t = (x + m * kQ) >> 16;  // < 2q; x + m q < 2^30, no overflow
  const std::uint32_t d = t - kQ;
  return d + (kQ & (0u - (d >> 31)));
}
[[gnu::always_inline]] inline std::uint32_t mont_mul(std::uint32_t a, std::uint32_t b) { return mont_reduce(a * b); }
[[gnu::always_inline]] inline std::uint32_t add(std::uint32_t a, std::uint32_t b) {
  const std::uint32_t d = a + b - kQ;
  return d + (kQ & (0u - (d >> 31)));
}
[[gnu::always_inline]] inline std::uint32_t sub(std::uint32_t a, std::uint32_t b) {
  const std::uint32_t d = a - b;
  return d + (kQ & (0u - (d >> 31)));
}

// x^(q-2) = x^-1 mod q (0 for x = 0), fixed exponent: constant time. Input and output in
// Montgomery form.
std::uint32_t mont_inverse(std::uint32_t xm) {
  constexpr std::uint32_t e = kQ - 2;
  std::uint32_t r = (std::uint64_t{1} << 16) % kQ;  // 1 in Montgomery form
  for (int i = 13; i >= 0; --i) {
    r = mont_mul(r, r);
    if ((e >> i) & 1u) r = mont_mul(r, xm);  // branch on the public exponent only
  }
  return r;
}

// a <- a / b pointwise in the NTT domain; returns all-ones if some b_i is zero.
std::uint32_t pointwise_div(std::span<std::uint16_t> a, std::span<const std::uint16_t> b) {
  std::uint32_t zero = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::uint32_t bi = b[i];
    zero |= ((bi | (0u - bi)) >> 31) ^ 1u;
    const std::uint32_t inv_m = mont_inverse(mont_mul(bi, kR2));  // b^-1 * R
    a[i] = static_cast<std::uint16_t>(mont_mul(a[i], inv_m));      // a * b^-1
  }
  return zero;
}

}  // namespace

// Cooley-Tukey, natural order in, bit-reversed order out; k runs over the table in the order of
// the spec's splitting tree (each block of length 2 len at layer len uses zeta[k]).
void ntt(std::span<std::uint16_t> a) {
  const std::size_t n = a.size();
  std::size_t k = 1;
  for (std::size_t len = n / 2; len >= 1; len >>= 1) {
    for (std::size_t start = 0; start < n; start += 2 * len, ++k) {
      const std::uint32_t z = kZeta[k];
      for (std::size_t j = start; j < start + len; ++j) {
        const std::uint32_t t = mont_mul(z, a[j + len]);
        const std::uint32_t u = a[j];
        a[j + len] = static_cast<std::uint16_t>(sub(u, t));
        a[j] = static_cast<std::uint16_t>(add(u, t));
      }
    }
  }
}

// Gentleman-Sande: undoes each butterfly (x, y) = (u + z t, u - z t) as (x + y, (x - y) / z),
// which doubles the values; the final 1/n removes the factor 2 per layer.
void intt(std::span<std::uint16_t> a) {
  const std::size_t n = a.size();
  for (std::size_t len = 1; len < n; len <<= 1) {
    std::size_t k = n / (2 * len);  // the forward transform's first index at this layer
    for (std::size_t start = 0; start < n; start += 2 * len, ++k) {
      const std::uint32_t zi = kZetaInv[k];
      for (std::size_t j = start; j < start + len; ++j) {
        const std::uint32_t x = a[j];
        const std::uint32_t y = a[j + len];
        a[j] = static_cast<std::uint16_t>(add(x, y));
        a[j + len] = static_cast<std::uint16_t>(mont_mul(zi, sub(x, y)));
      }
    }
  }
  // n^-1 in Montgomery form (n^-1 * R): mont_mul by it multiplies by n^-1.
  const std::uint32_t ninv_m = mont_inverse(mont_mul(static_cast<std::uint32_t>(n % kQ), kR2));
  for (auto& c : a) c = static_cast<std::uint16_t>(mont_mul(c, ninv_m));
}

void pointwise_mul(std::span<std::uint16_t> a, std::span<const std::uint16_t> b) {
  // mont_mul twice: a b / R, then times R^2 / R.
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::uint16_t>(mont_mul(mont_mul(a[i], b[i]), kR2));
}

void poly_mul(std::span<std::uint16_t> a, std::span<std::uint16_t> b) {
  ntt(a);
  ntt(b);
  pointwise_mul(a, b);
  intt(a);
}

bool compute_public(std::span<std::uint16_t> h, std::span<const std::int8_t> f, std::span<const std::int8_t> g,
                    std::span<std::uint16_t> tmp) {
  for (std::size_t i = 0; i < h.size(); ++i) {
    tmp[i] = from_signed(f[i]);
    h[i] = from_signed(g[i]);
  }
  ntt(tmp);
  ntt(h);
  // f is invertible mod (X^n + 1, q) iff none of its evaluations is zero (CRT).
  const std::uint32_t zero = pointwise_div(h, tmp);
  intt(h);
  return zero == 0;
}

bool compute_G(std::span<std::int8_t> G, std::span<const std::int8_t> f, std::span<const std::int8_t> g,
               std::span<const std::int8_t> F, std::span<std::uint16_t> t1, std::span<std::uint16_t> t2) {
  const std::size_t n = G.size();
  for (std::size_t i = 0; i < n; ++i) {
    t1[i] = from_signed(g[i]);
    t2[i] = from_signed(F[i]);
  }
  ntt(t1);
  ntt(t2);
  pointwise_mul(t1, t2);  // g F
  for (std::size_t i = 0; i < n; ++i) t2[i] = from_signed(f[i]);
  ntt(t2);
  std::uint32_t bad = pointwise_div(t1, t2);  // g F / f
  intt(t1);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t w = centred(t1[i]);
    // |G_i| <= 127 (spec §3.11.2 stores F, G in 8 bits): w + 127 and 127 - w both >= 0.
    bad |= static_cast<std::uint32_t>((w + 127) | (127 - w)) >> 31;
    G[i] = static_cast<std::int8_t>(w);
  }
  return bad == 0;
}

}  // namespace pqcea::falcon::mq
