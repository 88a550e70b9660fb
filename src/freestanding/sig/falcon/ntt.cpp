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
// The same values centred in (-q/2, q/2], for the signed transforms below.
consteval std::array<std::int16_t, 1024> make_signed(const std::array<std::uint16_t, 1024>& t) {
  std::array<std::int16_t, 1024> r{};
  for (std::size_t k = 0; k < 1024; ++k) r[k] = static_cast<std::int16_t>(t[k] > kQ / 2 ? t[k] - static_cast<int>(kQ) : t[k]);
  return r;
}
constexpr std::array<std::int16_t, 1024> kZetaS = make_signed(make_table(false));
constexpr std::array<std::int16_t, 1024> kZetaInvS = make_signed(make_table(true));

// Montgomery reduction: x < q * 2^16 -> x / 2^16 mod q, in [0, q). Branch-free. Forced inline:
// the size-optimised Cortex-M build otherwise calls it once per butterfly.
[[gnu::always_inline]] inline std::uint32_t mont_reduce(std::uint32_t x) {
  const std::uint32_t m = (x * kQNegInv) & 0xFFFF;
  const std::uint32_t t = (x + m * kQ) >> 16;  // < 2q; x + m q < 2^30, no overflow
  const std::uint32_t d = t - kQ;
  return d + (kQ & (0u - (d >> 31)));
}
// Signed Montgomery reduction for the transforms: |x| < 2^15 q -> r = x / 2^16 mod q with
// |r| <= (|x| + 2^15 q) / 2^16 < q. m = x q^-1 mod 2^16 (as int16) makes x - m q divisible by 2^16.
constexpr std::uint32_t kQInv16 = (0u - kQNegInv) & 0xFFFF;  // q^-1 mod 2^16
// qinv is kQInv16 held in a register (see qinv_reg): as a literal, the size-optimised build turns
// the multiplication into three shift-and-add instructions.
[[gnu::always_inline]] inline std::int32_t smont(std::int32_t x, std::uint32_t qinv) {
  const auto m = static_cast<std::int16_t>(static_cast<std::uint32_t>(x) * qinv);
  return (x - static_cast<std::int32_t>(m) * static_cast<std::int32_t>(kQ)) >> 16;
}
[[gnu::always_inline]] inline std::uint32_t qinv_reg() {
  std::uint32_t v = kQInv16;
#if defined(__GNUC__)
  __asm__("" : "+r"(v));
#endif
  return v;
}
// Signed Barrett reduction: |x| < 2^15 -> x - round(x / q) q, within about [-q/2, q/2]
// (5461 = round(2^26 / q)).
[[gnu::always_inline]] inline std::int32_t sbarrett(std::int32_t x) {
  const std::int32_t t = (x * 5461 + (1 << 25)) >> 26;
  return x - t * static_cast<std::int32_t>(kQ);
}
// [-q/2 - 1, q/2 + 1] -> [0, q).
[[gnu::always_inline]] inline std::uint16_t normalise(std::int32_t x) {
  return static_cast<std::uint16_t>(x + (static_cast<std::int32_t>(kQ) & (x >> 31)));
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

// Cooley-Tukey, natural order in, bit-reversed order out; the zeta of a block of length 2 len at
// layer len is zeta[n / (2 len) + block], and its two halves use zeta[2k] and zeta[2k + 1] at the
// next layer. Two layers per pass (radix 4) in 32-bit registers on signed values, one Barrett
// reduction per pass: values enter a pass with |x| < q, leave the first layer with |x| < 1.8q
// (Montgomery outputs stay below 0.8q for these inputs) and the second below 2.6q, all far from
// the 2^15 q limit of smont and the int32 range; storing needs |x| < 2^15, which Barrett gives.
namespace {
// The forward layers; inputs |x| < q (as int16), outputs |x| <= q/2 + 1.
void ntt_passes(std::span<std::uint16_t> a16) {
  const std::size_t n = a16.size();
  // Values < q < 2^15 have the same bits as int16; uint16 and int16 may alias each other.
  auto* a = reinterpret_cast<std::int16_t*>(a16.data());
  const std::uint32_t qi = qinv_reg();
  std::size_t len = n / 2;
  for (; len >= 2; len >>= 2) {
    const std::size_t h = len / 2;
    std::size_t k = n / (2 * len);
    for (std::size_t start = 0; start < n; start += 2 * len, ++k) {
      const std::int32_t z1 = kZetaS[k], z2a = kZetaS[2 * k], z2b = kZetaS[2 * k + 1];
      std::int16_t* p = a + start;
      for (std::size_t j = 0; j < h; ++j) {
        std::int32_t x0 = p[j], x1 = p[j + h], x2 = p[j + len], x3 = p[j + len + h];
        std::int32_t t = smont(z1 * x2, qi);
        x2 = x0 - t;
        x0 += t;
        t = smont(z1 * x3, qi);
        x3 = x1 - t;
        x1 += t;
        t = smont(z2a * x1, qi);
        x1 = x0 - t;
        x0 += t;
        t = smont(z2b * x3, qi);
        x3 = x2 - t;
        x2 += t;
        p[j] = static_cast<std::int16_t>(sbarrett(x0));
        p[j + h] = static_cast<std::int16_t>(sbarrett(x1));
        p[j + len] = static_cast<std::int16_t>(sbarrett(x2));
        p[j + len + h] = static_cast<std::int16_t>(sbarrett(x3));
      }
    }
  }
  if (len == 1) {  // odd logn: the last layer alone
    std::size_t k = n / 2;
    for (std::size_t start = 0; start < n; start += 2, ++k) {
      const std::int32_t t = smont(kZetaS[k] * static_cast<std::int32_t>(a[start + 1]), qi);
      const std::int32_t u = a[start];
      a[start] = static_cast<std::int16_t>(sbarrett(u + t));
      a[start + 1] = static_cast<std::int16_t>(sbarrett(u - t));
    }
  }
}
}  // namespace

void ntt(std::span<std::uint16_t> a16) {
  ntt_passes(a16);
  const auto* a = reinterpret_cast<const std::int16_t*>(a16.data());
  for (std::size_t i = 0; i < a16.size(); ++i) a16[i] = normalise(a[i]);
}

void ntt_signed(std::span<std::int16_t> a) {
  ntt_passes(std::span<std::uint16_t>(reinterpret_cast<std::uint16_t*>(a.data()), a.size()));
}

// Gentleman-Sande: undoes each butterfly (x, y) = (u + z t, u - z t) as (x + y, (x - y) / z),
// which doubles the values; the final 1/n removes the factor 2 per layer. Two layers per pass as
// above: inputs |x| < 0.8q (Barrett / Montgomery outputs; the first pass has |x| < q), sums below
// 4q after two layers, Montgomery inputs below 2q * q/2.
namespace {
// The layers of the inverse transform without the 1/n; outputs |x| < q.
void intt_passes(std::int16_t* a, std::size_t n, std::uint32_t qi) {
  std::size_t len = 1;
  if ((n & 0x2AA) != 0) {  // odd logn (n = 2, 8, 32, 128, 512): the first layer alone
    std::size_t k = n / 2;
    for (std::size_t start = 0; start < n; start += 2, ++k) {
      const std::int32_t x = a[start], y = a[start + 1];
      a[start] = static_cast<std::int16_t>(sbarrett(x + y));
      a[start + 1] = static_cast<std::int16_t>(smont(kZetaInvS[k] * (x - y), qi));
    }
    len = 2;
  }
  for (; len < n; len <<= 2) {
    std::size_t k = n / (4 * len);  // the outer layer's (block 4 len) first index
    for (std::size_t start = 0; start < n; start += 4 * len, ++k) {
      const std::int32_t za = kZetaInvS[2 * k], zb = kZetaInvS[2 * k + 1], zp = kZetaInvS[k];
      std::int16_t* p = a + start;
      for (std::size_t j = 0; j < len; ++j) {
        std::int32_t x0 = p[j], x1 = p[j + len], x2 = p[j + 2 * len], x3 = p[j + 3 * len];
        std::int32_t t = x0 - x1;
        x0 += x1;
        x1 = smont(za * t, qi);
        t = x2 - x3;
        x2 += x3;
        x3 = smont(zb * t, qi);
        t = x0 - x2;
        x0 += x2;
        x2 = smont(zp * t, qi);
        t = x1 - x3;
        x1 += x3;
        x3 = smont(zp * t, qi);
        p[j] = static_cast<std::int16_t>(sbarrett(x0));
        p[j + len] = static_cast<std::int16_t>(sbarrett(x1));
        p[j + 2 * len] = static_cast<std::int16_t>(x2);
        p[j + 3 * len] = static_cast<std::int16_t>(x3);
      }
    }
  }
}

// n^-1 * R^e mod q, centred: smont by it multiplies by n^-1 * R^(e-1).
std::int32_t ninv_times_r(std::size_t n, unsigned e) {
  std::uint32_t v = mont_inverse(mont_mul(static_cast<std::uint32_t>(n % kQ), kR2));  // n^-1 R
  for (unsigned i = 1; i < e; ++i) v = mont_mul(v, kR2);                                // * R each
  return static_cast<std::int32_t>(v > kQ / 2 ? v - kQ : v);
}
}  // namespace

void intt(std::span<std::uint16_t> a16) {
  const std::size_t n = a16.size();
  auto* a = reinterpret_cast<std::int16_t*>(a16.data());
  const std::uint32_t qi = qinv_reg();
  intt_passes(a, n, qi);
  const std::int32_t ninv = ninv_times_r(n, 1);
  for (std::size_t i = 0; i < n; ++i) a16[i] = normalise(smont(ninv * static_cast<std::int32_t>(a[i]), qi));
}

void mul_ntt_inverse(std::span<std::int16_t> a, std::span<const std::int16_t> b, std::span<std::uint16_t> out) {
  const std::size_t n = a.size();
  const std::uint32_t qi = qinv_reg();
  // a b / R, then times n^-1 R^2 / R: the 1/n of the inverse transform is applied here.
  const std::int32_t c = ninv_times_r(n, 2);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t ab = smont(static_cast<std::int32_t>(a[i]) * static_cast<std::int32_t>(b[i]), qi);
    a[i] = static_cast<std::int16_t>(smont(ab * c, qi));
  }
  intt_passes(a.data(), n, qi);
  for (std::size_t i = 0; i < n; ++i) out[i] = normalise(a[i]);
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
