// Polynomial arithmetic in R_q = Z_q[X]/(X^256 + 1): Montgomery and Barrett-style reduction,
// coefficient-wise operations, the rounding functions of FIPS 204 §7.4 and norm checks.
// Everything here is branch-free on coefficient values: the same code serves secret data.
#pragma once
#include <cstdint>

#include "params.hpp"

namespace pqcea::mldsa::detail {

struct Poly {
  std::int32_t c[N];
};

// q^-1 mod 2^32, so that a - (a q^-1 mod 2^32) q is divisible by 2^32.
inline constexpr std::uint32_t kQinv = [] {
  std::uint32_t x = 1;
  for (int i = 0; i < 5; ++i) x *= 2u - static_cast<std::uint32_t>(Q) * x;  // Newton step doubles the bits
  return x;
}();
static_assert(static_cast<std::uint32_t>(Q) * kQinv == 1u);

// Returns a value congruent to a * 2^-32 mod q, in (-q, q), for |a| < 2^31 q.
inline std::int32_t montgomery_reduce(std::int64_t a) {
  const std::int32_t t = static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint64_t>(a)) * kQinv);
  return static_cast<std::int32_t>((a - static_cast<std::int64_t>(t) * Q) >> 32);
}
inline std::int32_t mont_mul(std::int32_t a, std::int32_t b) {
  return montgomery_reduce(static_cast<std::int64_t>(a) * b);
}

// Returns a value congruent to a mod q with |r| <= 6283008, for a <= 2^31 - 2^22 - 1.
// 2^23 is close to q, so round(a / 2^23) is nearly the quotient by q.
inline std::int32_t reduce32(std::int32_t a) {
  const std::int32_t t = (a + (1 << 22)) >> 23;
  return a - t * Q;
}
// Adds q if a is negative: (-q, q) -> [0, q).
inline std::int32_t caddq(std::int32_t a) { return a + ((a >> 31) & Q); }
// Any a with |a| < 2^31 - 2^22 to its representative in [0, q).
inline std::int32_t freeze(std::int32_t a) { return caddq(reduce32(a)); }

// floor(x / D) for 0 <= x < 2^24 without a division instruction (data-independent time):
// with M = ceil(2^48 / D) the error of x M / 2^48 is below 2^-24 < 1/D, so the floor is exact.
template <std::uint32_t D>
inline std::uint32_t div_const(std::uint32_t x) {
  constexpr std::uint64_t M = ((std::uint64_t{1} << 48) + D - 1) / D;
  static_assert(M < (std::uint64_t{1} << 32));
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(x) * M) >> 48);
}

// Power2Round (FIPS 204 Alg. 35) for r in [0, q): r = r1 2^d + r0 with r0 in (-2^12, 2^12].
inline void power2round(std::int32_t r, std::int32_t& r1, std::int32_t& r0) {
  r1 = (r + (1 << (kD - 1)) - 1) >> kD;
  r0 = r - (r1 << kD);
}

// Decompose (FIPS 204 Alg. 36) for r in [0, q): r = r1 (2 gamma2) + r0, r0 in (-gamma2, gamma2],
// except that r - r0 = q - 1 maps to r1 = 0, r0 - 1.
// r1 = floor((r + gamma2 - 1) / (2 gamma2)) is the quotient that puts r0 in (-gamma2, gamma2].
template <std::int32_t G2>
inline void decompose(std::int32_t r, std::int32_t& r1, std::int32_t& r0) {
  constexpr std::int32_t m = (Q - 1) / (2 * G2);
  std::int32_t a1 = static_cast<std::int32_t>(div_const<2 * G2>(static_cast<std::uint32_t>(r + G2 - 1)));
  std::int32_t a0 = r - a1 * 2 * G2;
  // mask = all ones iff a1 == m (the q - 1 corner case)
  const std::int32_t mask = -static_cast<std::int32_t>(
      (static_cast<std::uint32_t>(a1 ^ m) - 1u) >> 31);
  a1 &= ~mask;
  a0 += mask;  // r0 - 1 in the corner case
  r1 = a1;
  r0 = a0;
}
template <std::int32_t G2>
inline std::int32_t highbits(std::int32_t r) {
  std::int32_t r1, r0;
  decompose<G2>(r, r1, r0);
  return r1;
}

// UseHint (FIPS 204 Alg. 40). Verification only (public data), so plain branches are fine.
template <std::int32_t G2>
inline std::int32_t use_hint(std::int32_t r, bool h) {
  constexpr std::int32_t m = (Q - 1) / (2 * G2);
  std::int32_t r1, r0;
  decompose<G2>(r, r1, r0);
  if (!h) return r1;
  if (r0 > 0) return r1 + 1 == m ? 0 : r1 + 1;
  return r1 == 0 ? m - 1 : r1 - 1;
}

// 0xFFFFFFFF if |a| >= bound (a with |a| < 2^31), else 0. Branch-free.
inline std::uint32_t exceeds_mask(std::int32_t a, std::int32_t bound) {
  const std::int32_t s = a >> 31;
  const std::int32_t abs = a ^ s;  // |a| - (a < 0): a one-off under-estimate for negative a
  const std::int32_t absfix = abs - s;
  return static_cast<std::uint32_t>((bound - 1 - absfix) >> 31);
}
// Infinity-norm check over a polynomial with centred coefficients: all ones if some |c| >= bound.
inline std::uint32_t poly_exceeds(const Poly& a, std::int32_t bound) {
  std::uint32_t m = 0;
  for (int i = 0; i < N; ++i) m |= exceeds_mask(a.c[i], bound);
  return m;
}

inline void poly_add(Poly& r, const Poly& a, const Poly& b) {
  for (int i = 0; i < N; ++i) r.c[i] = a.c[i] + b.c[i];
}
inline void poly_sub(Poly& r, const Poly& a, const Poly& b) {
  for (int i = 0; i < N; ++i) r.c[i] = a.c[i] - b.c[i];
}
inline void poly_reduce(Poly& a) {
  for (int i = 0; i < N; ++i) a.c[i] = reduce32(a.c[i]);
}
inline void poly_freeze(Poly& a) {
  for (int i = 0; i < N; ++i) a.c[i] = freeze(a.c[i]);
}
// r = a o b (NTT domain), result scaled by 2^-32 and in (-q, q).
inline void poly_pointwise(Poly& r, const Poly& a, const Poly& b) {
  for (int i = 0; i < N; ++i) r.c[i] = mont_mul(a.c[i], b.c[i]);
}
inline void poly_pointwise_acc(Poly& r, const Poly& a, const Poly& b) {
  for (int i = 0; i < N; ++i) r.c[i] += mont_mul(a.c[i], b.c[i]);
}

// NTT (FIPS 204 Alg. 41) and inverse (Alg. 42), see ntt.cpp. ntt takes |a| < q and returns
// |a| < 9q; invntt_tomont takes |a| < q and returns a * 2^32 (so that a pointwise product's
// 2^-32 cancels) with |a| < q.
void ntt(Poly& a);
void invntt_tomont(Poly& a);

}  // namespace pqcea::mldsa::detail
