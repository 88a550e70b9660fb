// Falcon floating point (spec v1.2 §3.9 / §4: signing and key generation compute in IEEE-754
// binary64 with round-to-nearest-even; the KAT files are only reproduced if every operation gives
// exactly the IEEE result in exactly the reference order).
//
// Two backends with one contract, selected as a template parameter (constexpr-struct style):
//   Emu    - binary64 emulated with 32/64-bit integer operations, constant time on any core with
//            a constant-time 32x32->64 multiplier (Cortex-M33: UMULL). No subnormals: a result
//            below the normal range is flushed to zero; no infinities or NaNs (Falcon never
//            produces them). For normal results it returns the same bits as IEEE hardware.
//   Native - SSE2 doubles on x86-64. Constant time because Falcon never reaches subnormals (the
//            only slow path of SSE2 arithmetic) and conversions use cvtsd2si/cvttsd2si, never a
//            branch. Tests run every vector on both and compare bits.
// `Default` is Native on x86-64 (unless PQCEA_FALCON_FPR_EMU is defined) and Emu elsewhere.
//
// Every backend F provides: type T; bits()/from_bits(); of(int64) (= scaled(i, 0)),
// scaled(i, sc) = i * 2^sc; add, sub, neg, half, twice, mul, sqr, div, inv, sqrt; rint (nearest,
// ties to even), floor, trunc -> int64; lt (x < y, as 0/1); expm_p63 (spec Alg. 13 ApproxExp);
// named constants.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) && !defined(PQCEA_FALCON_FPR_EMU)
#include <emmintrin.h>
#define PQCEA_FALCON_FPR_HAVE_NATIVE 1
#endif

namespace pqcea::falcon::fpr {

namespace detail {

// 64-bit shifts by a secret count 0..63. On a 32-bit core a variable 64-bit shift may become a
// library call with a branch on the count; splitting it into a masked 32-bit step and a shift by
// 0..31 keeps every instruction independent of the count.
constexpr std::uint64_t shr(std::uint64_t x, unsigned n) {
  x ^= (x ^ (x >> 32)) & (std::uint64_t{0} - ((n >> 5) & 1u));
  return x >> (n & 31u);
}
constexpr std::uint64_t shl(std::uint64_t x, unsigned n) {
  x ^= (x ^ (x << 32)) & (std::uint64_t{0} - ((n >> 5) & 1u));
  return x << (n & 31u);
}
// 1 if x != 0, else 0, without a branch.
constexpr std::uint64_t nz(std::uint64_t x) { return (x | (std::uint64_t{0} - x)) >> 63; }
constexpr std::uint64_t mask(std::uint64_t bit) { return std::uint64_t{0} - bit; }

// High and low halves of a 64x64 -> 128-bit product (constant time: only multiplications).
struct U128 {
  std::uint64_t hi, lo;
};
constexpr U128 mul64(std::uint64_t a, std::uint64_t b) {
#if defined(__SIZEOF_INT128__)
  const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  return {static_cast<std::uint64_t>(p >> 64), static_cast<std::uint64_t>(p)};
#else
  const std::uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32, b0 = b & 0xFFFFFFFFu, b1 = b >> 32;
  const std::uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const std::uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
  return {p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32), (mid << 32) | (p00 & 0xFFFFFFFFu)};
#endif
}

// Spec v1.2 Alg. 13 (ApproxExp) coefficients: exp(-x) ~ sum C[12-i] x^i, scaled by 2^63
// (polynomial from FACCT, as in the specification).
inline constexpr std::uint64_t kExpC[13] = {
    0x00000004741183A3u, 0x00000036548CFC06u, 0x0000024FDCBF140Au, 0x0000171D939DE045u, 0x0000D00CF58F6F84u,
    0x000680681CF796E3u, 0x002D82D8305B0FEAu, 0x011111110E066FD0u, 0x0555555555070F00u, 0x155555555581FF00u,
    0x400000000002B400u, 0x7FFFFFFFFFFF4800u, 0x8000000000000000u};

// ApproxExp on fixed-point inputs: z = floor(2^63 x), w = floor(2^63 ccs); returns
// floor(2^63 ccs exp(-x)) up to the polynomial's error. Horner steps y = C[u] - (z y) >> 63.
constexpr std::uint64_t approx_exp_fixed(std::uint64_t z, std::uint64_t w) {
  std::uint64_t y = kExpC[0];
  for (std::size_t u = 1; u < 13; ++u) y = kExpC[u] - mul64(z << 1, y).hi;
  return mul64(w << 1, y).hi;
}

}  // namespace detail

// Bit patterns of the constants (binary64 nearest to the decimal value in the comment).
namespace bits {
inline constexpr std::uint64_t zero = 0;
inline constexpr std::uint64_t one = 0x3FF0000000000000u;
inline constexpr std::uint64_t two = 0x4000000000000000u;
inline constexpr std::uint64_t onehalf = 0x3FE0000000000000u;
inline constexpr std::uint64_t q = 0x40C8008000000000u;            // 12289
inline constexpr std::uint64_t inverse_of_q = std::bit_cast<std::uint64_t>(1.0 / 12289.0);
inline constexpr std::uint64_t ptwo63 = 0x43E0000000000000u;       // 2^63
inline constexpr std::uint64_t ptwo31 = 0x41E0000000000000u;       // 2^31
inline constexpr std::uint64_t ptwo31m1 = std::bit_cast<std::uint64_t>(2147483647.0);
inline constexpr std::uint64_t mtwo31m1 = std::bit_cast<std::uint64_t>(-2147483647.0);
inline constexpr std::uint64_t ptwo63m1 = std::bit_cast<std::uint64_t>(9223372036854775807.0);
inline constexpr std::uint64_t mtwo63m1 = std::bit_cast<std::uint64_t>(-9223372036854775807.0);
inline constexpr std::uint64_t log2 = std::bit_cast<std::uint64_t>(0.69314718055994530941723212146);      // ln 2
inline constexpr std::uint64_t inv_log2 = std::bit_cast<std::uint64_t>(1.4426950408889634073599246810);   // 1/ln 2
// 1 / (2 sigma_max^2), sigma_max = 1.8205 (spec §3.9.3, BaseSampler's half-Gaussian).
inline constexpr std::uint64_t inv_2sqrsigma0 = std::bit_cast<std::uint64_t>(.150865048875372721532312163019);
// spec Table 3.3: 1/sigma and sigma_min for logn = 9 and 10.
inline constexpr std::uint64_t inv_sigma_9 = std::bit_cast<std::uint64_t>(0.0060336696681577241031668062510953022);
inline constexpr std::uint64_t inv_sigma_10 = std::bit_cast<std::uint64_t>(0.0059386453095331159950250124336477482);
inline constexpr std::uint64_t sigma_min_9 = std::bit_cast<std::uint64_t>(1.2778336969128335860256340575729042);
inline constexpr std::uint64_t sigma_min_10 = std::bit_cast<std::uint64_t>(1.2982803343442918539708792538826807);
// Key generation bound on the norm of (g, -f) as Gram-Schmidt, 1.17 * sqrt(q) squared (spec §3.8.2).
inline constexpr std::uint64_t bnorm_max = std::bit_cast<std::uint64_t>(16822.4121);
}  // namespace bits

// ---------------------------------------------------------------------------------------------
// Emulated binary64.
struct Emu {
  using T = std::uint64_t;
  static constexpr const char* name = "emu";

  static constexpr T from_bits(std::uint64_t b) { return b; }
  static constexpr std::uint64_t to_bits(T x) { return x; }

  // Builds (-1)^s * m * 2^e rounded to nearest-even, for m in [2^54, 2^55) or m = 0. Bits 1 and 0
  // of m are the guard bit and the sticky bit (the OR of everything below it). Results below the
  // normal range become a zero with sign s.
  static constexpr T pack(std::uint64_t s, int e, std::uint64_t m) {
    const int field = e + 1077;  // biased exponent: m>>2 in [2^52, 2^53) times 2^(field-1075)
    const std::uint64_t keep = (m >> 54) & (1u ^ (static_cast<std::uint32_t>(field - 1) >> 31));
    m &= detail::mask(keep);
    const std::uint64_t exp_bits = static_cast<std::uint64_t>(static_cast<std::uint32_t>(field - 1)) & detail::mask(keep);
    // m>>2 still carries the implicit bit 52, which adds the missing 1 to the exponent field;
    // a carry of the rounding increment into the exponent is likewise the correct result.
    std::uint64_t x = (s << 63) + (exp_bits << 52) + (m >> 2);
    x += (0xC8u >> (m & 7u)) & 1u;  // guard set and (sticky or lsb): patterns 011, 110, 111
    return x;
  }

  // 53-bit significand (0 for a zero or a subnormal input) and biased exponent.
  static constexpr std::uint64_t sig(T x, unsigned& e) {
    e = static_cast<unsigned>(x >> 52) & 0x7FFu;
    const std::uint64_t normal = static_cast<std::uint64_t>((e + 0x7FFu) >> 11);
    return ((x & 0x000FFFFFFFFFFFFFu) | (std::uint64_t{1} << 52)) & detail::mask(normal);
  }

  // Shifts m left until bit 63 is set (m != 0), in six fixed steps; returns the shift count.
  static constexpr unsigned normalize(std::uint64_t& m) {
    unsigned k = 0;
    for (unsigned s = 32; s != 0; s >>= 1) {
      const std::uint64_t empty = 1u ^ detail::nz(m >> (64 - s));
      m ^= (m ^ (m << s)) & detail::mask(empty);
      k += s & static_cast<unsigned>(detail::mask(empty));
    }
    return k;
  }
  // 64-bit value with bit 63 set -> 55-bit value with the low 9 bits folded into the sticky bit.
  static constexpr std::uint64_t to55(std::uint64_t m) { return (m >> 9) | detail::nz(m & 0x1FFu); }

  static constexpr T scaled(std::int64_t i, int sc) {
    const std::uint64_t s = static_cast<std::uint64_t>(i) >> 63;
    std::uint64_t a = (static_cast<std::uint64_t>(i) ^ detail::mask(s)) + s;
    const unsigned k = normalize(a);
    // a (top bit 63) = |i| * 2^k; to55 divides by 2^9.
    return pack(s, 9 - static_cast<int>(k) + sc, to55(a));
  }
  static constexpr T of(std::int64_t i) { return scaled(i, 0); }

  static constexpr T add(T x, T y) {
    // Order by magnitude so that |x| >= |y|.
    const std::uint64_t ax = x & 0x7FFFFFFFFFFFFFFFu, ay = y & 0x7FFFFFFFFFFFFFFFu;
    const std::uint64_t swap = (x ^ y) & detail::mask((ax - ay) >> 63);
    x ^= swap;
    y ^= swap;
    unsigned ex = 0, ey = 0;
    const std::uint64_t mx = sig(x, ex) << 3;  // three extra bits: guard, round, sticky
    std::uint64_t my = sig(y, ey) << 3;
    // Align y; beyond 63 positions only the sticky bit of y survives (my < 2^56).
    unsigned d = ex - ey;
    d ^= (d ^ 63u) & static_cast<unsigned>(detail::mask((63u - d) >> 31 & 1u));
    const std::uint64_t lost = my & (detail::shl(1, d) - 1);
    my = detail::shr(my, d) | detail::nz(lost);
    const std::uint64_t sx = x >> 63, sy = y >> 63;
    const std::uint64_t neg = detail::mask(sx ^ sy);
    std::uint64_t m = mx + ((my ^ neg) - neg);  // |x| >= |y| keeps this non-negative
    const std::uint64_t nonzero = detail::nz(m);
    const unsigned k = normalize(m);
    // Exact zero: +0 unless both operands are negative (IEEE-754 §6.3, round to nearest).
    const std::uint64_t s = sx & (sy | nonzero);
    return pack(s, static_cast<int>(ex) - 1069 - static_cast<int>(k), to55(m) & detail::mask(nonzero));
  }
  static constexpr T sub(T x, T y) { return add(x, y ^ (std::uint64_t{1} << 63)); }
  static constexpr T neg(T x) { return x ^ (std::uint64_t{1} << 63); }
  // x / 2 and 2 x: exponent -1 / +1, zero stays zero (no subnormal or overflow in Falcon).
  static constexpr T half(T x) {
    const std::uint64_t e = (x >> 52) & 0x7FFu;
    return x - (detail::nz(e) << 52);
  }
  static constexpr T twice(T x) {
    const std::uint64_t e = (x >> 52) & 0x7FFu;
    return x + (detail::nz(e) << 52);
  }

  static constexpr T mul(T x, T y) {
    unsigned ex = 0, ey = 0;
    const std::uint64_t mx = sig(x, ex), my = sig(y, ey);
    const detail::U128 p = detail::mul64(mx, my);  // in [2^104, 2^106) unless a factor is zero
    // z = p >> 50 with a sticky bit for the 50 dropped bits: in [2^54, 2^56).
    std::uint64_t z = (p.hi << 14) | (p.lo >> 50) | detail::nz(p.lo & ((std::uint64_t{1} << 50) - 1));
    const std::uint64_t top = z >> 55;
    z = (z >> top) | (z & top);
    const std::uint64_t nonzero = detail::nz(mx) & detail::nz(my);
    const int e = static_cast<int>(ex) + static_cast<int>(ey) - 2100 + static_cast<int>(top);
    return pack((x ^ y) >> 63, e, z & detail::mask(nonzero));
  }
  static constexpr T sqr(T x) { return mul(x, x); }

  static constexpr T div(T x, T y) {
    unsigned ex = 0, ey = 0;
    const std::uint64_t mx = sig(x, ex), my = sig(y, ey);
    // Restoring division, one quotient bit per step: q = floor(mx / my * 2^55) in [2^54, 2^56).
    std::uint64_t r = mx, q = 0;
    for (int i = 0; i < 56; ++i) {
      const std::uint64_t b = 1u ^ ((r - my) >> 63);
      r -= my & detail::mask(b);
      q = (q << 1) | b;
      r <<= 1;
    }
    q |= detail::nz(r);
    const std::uint64_t top = q >> 55;
    q = (q >> top) | (q & top);
    const int e = static_cast<int>(ex) - static_cast<int>(ey) - 55 + static_cast<int>(top);
    return pack((x ^ y) >> 63, e, q & detail::mask(detail::nz(mx)));
  }
  static constexpr T inv(T x) { return div(bits::one, x); }

  // Square root of x >= 0 (spec: only applied to positive Gram-Schmidt norms).
  static constexpr T sqrt(T x) {
    unsigned ex = 0;
    std::uint64_t m = sig(x, ex);
    // value = m * 2^(ex - 1075); make the exponent even by doubling m when it is odd.
    const std::uint64_t odd = (ex & 1u) ^ 1u;  // ex - 1075 odd <=> ex even
    m <<= odd;
    const int e = static_cast<int>(ex) - 1075 - static_cast<int>(odd);
    // Digit-by-digit square root: q = floor(sqrt(m * 2^54)) in [2^53, 2^54), r = remainder.
    std::uint64_t r = m << 1, q = 0, s = 0, bit = std::uint64_t{1} << 53;
    for (int i = 0; i < 54; ++i) {
      const std::uint64_t t = s + bit;
      const std::uint64_t b = 1u ^ ((r - t) >> 63);
      r -= t & detail::mask(b);
      s += (bit << 1) & detail::mask(b);
      q += bit & detail::mask(b);
      r <<= 1;
      bit >>= 1;
    }
    const std::uint64_t m55 = ((q << 1) | detail::nz(r)) & detail::mask(detail::nz(m));
    return pack(0, (e - 54) / 2 - 1, m55);
  }

  // |x| as a 63-bit integer m with its top bit at 62 and the shift d (0..63) such that
  // |x| = m * 2^-d; values below 2^-1 (d >= 64) give m = 0. |x| < 2^63 is assumed.
  static constexpr std::uint64_t int_parts(T x, unsigned& shift) {
    const unsigned e = static_cast<unsigned>(x >> 52) & 0x7FFu;
    std::uint64_t m = ((x << 10) | (std::uint64_t{1} << 62)) & 0x7FFFFFFFFFFFFFFFu;
    const unsigned d = 1085u - e;
    const std::uint64_t in_range = (static_cast<std::uint64_t>(d) - 64) >> 63;  // d < 64
    m &= detail::mask(in_range);
    shift = d & 63u;
    return m;
  }
  static constexpr std::int64_t rint(T x) {
    unsigned d = 0;
    const std::uint64_t m = int_parts(x, d);
    std::uint64_t q = detail::shr(m, d);
    const std::uint64_t low = detail::shl(1, d) - 1;
    const std::uint64_t rem = m & low, half_ulp = (low >> 1) + 1;  // d = 0: rem 0 < half_ulp 1
    const std::uint64_t above = (half_ulp - rem) >> 63;
    const std::uint64_t tie = (1u ^ detail::nz(rem ^ half_ulp)) & q;
    q += above | tie;
    const std::uint64_t s = x >> 63;
    return static_cast<std::int64_t>((q ^ detail::mask(s)) + s);
  }
  static constexpr std::int64_t trunc(T x) {
    unsigned d = 0;
    const std::uint64_t m = int_parts(x, d);
    const std::uint64_t q = detail::shr(m, d);
    const std::uint64_t s = x >> 63;
    return static_cast<std::int64_t>((q ^ detail::mask(s)) + s);
  }
  static constexpr std::int64_t floor(T x) {
    unsigned d = 0;
    const std::uint64_t m = int_parts(x, d);
    std::uint64_t q = detail::shr(m, d);
    const std::uint64_t s = x >> 63;
    // A fraction was dropped: bits below the shift, or the whole value when |x| < 1/2 (m = 0).
    const std::uint64_t frac = detail::nz(m & (detail::shl(1, d) - 1)) | (detail::nz(x << 1) & (1u ^ detail::nz(m)));
    q += s & frac;  // negative with a fraction: one more
    return static_cast<std::int64_t>((q ^ detail::mask(s)) + s);
  }
  // 1 if x < y else 0 (both non-NaN), without a branch. -0 and +0 compare equal.
  static constexpr int lt(T x, T y) {
    // Map each value to a signed integer that orders like the real number (both zeros -> 0).
    const std::uint64_t sx = x >> 63, sy = y >> 63;
    const std::uint64_t kx = ((x & 0x7FFFFFFFFFFFFFFFu) ^ detail::mask(sx)) + sx;
    const std::uint64_t ky = ((y & 0x7FFFFFFFFFFFFFFFu) ^ detail::mask(sy)) + sy;
    // Signed kx < ky from the sign of kx - ky, corrected for overflow.
    const std::uint64_t d = kx - ky;
    return static_cast<int>((d ^ ((kx ^ ky) & (d ^ kx))) >> 63);
  }

  // Spec v1.2 Alg. 13: floor(2^63 ccs exp(-x)) approximately, for 0 <= x < ln 2, 0 <= ccs < 1.
  static constexpr std::uint64_t expm_p63(T x, T ccs) {
    const auto z = static_cast<std::uint64_t>(trunc(mul(x, bits::ptwo63)));
    const auto w = static_cast<std::uint64_t>(trunc(mul(ccs, bits::ptwo63)));
    return detail::approx_exp_fixed(z, w);
  }
};

#if defined(PQCEA_FALCON_FPR_HAVE_NATIVE)
// ---------------------------------------------------------------------------------------------
// Native SSE2 doubles (x86-64, round-to-nearest-even is the MXCSR default and nothing changes it).
struct Native {
  using T = double;
  static constexpr const char* name = "native";

  static constexpr T from_bits(std::uint64_t b) { return std::bit_cast<double>(b); }
  static constexpr std::uint64_t to_bits(T x) { return std::bit_cast<std::uint64_t>(x); }

  static T of(std::int64_t i) { return static_cast<double>(i); }  // cvtsi2sd: exact rounding
  static T scaled(std::int64_t i, int sc) {
    // 2^sc as bits (|sc| small in Falcon; the product is exact).
    const std::uint64_t p2 = static_cast<std::uint64_t>(1023 + sc) << 52;
    return static_cast<double>(i) * std::bit_cast<double>(p2);
  }
  static T add(T x, T y) { return x + y; }
  static T sub(T x, T y) { return x - y; }
  static T neg(T x) { return -x; }
  static T half(T x) { return x * 0.5; }
  static T twice(T x) { return x + x; }
  static T mul(T x, T y) { return x * y; }
  static T sqr(T x) { return x * x; }
  static T div(T x, T y) { return x / y; }
  static T inv(T x) { return 1.0 / x; }
  static T sqrt(T x) { return _mm_cvtsd_f64(_mm_sqrt_sd(_mm_setzero_pd(), _mm_set_sd(x))); }
  static std::int64_t rint(T x) { return _mm_cvtsd_si64(_mm_set_sd(x)); }
  static std::int64_t trunc(T x) { return _mm_cvttsd_si64(_mm_set_sd(x)); }
  static std::int64_t floor(T x) {
    const std::int64_t t = trunc(x);
    // x - t is exact; it is negative (and not -0) exactly when x had a negative fraction.
    const std::uint64_t d = std::bit_cast<std::uint64_t>(x - static_cast<double>(t));
    return t - static_cast<std::int64_t>((d >> 63) & detail::nz(d << 1));
  }
  static int lt(T x, T y) {
    // cmpltsd yields an all-ones/zero mask: no flags, no branch.
    return static_cast<int>(_mm_cvtsi128_si32(_mm_castpd_si128(_mm_cmplt_sd(_mm_set_sd(x), _mm_set_sd(y)))) & 1);
  }
  static std::uint64_t expm_p63(T x, T ccs) {
    return detail::approx_exp_fixed(static_cast<std::uint64_t>(trunc(x * 9223372036854775808.0)),
                                    static_cast<std::uint64_t>(trunc(ccs * 9223372036854775808.0)));
  }
};
using Default = Native;
#else
using Default = Emu;
#endif

// Named constants for a backend: c<F>(bits::q).
template <class F>
constexpr typename F::T c(std::uint64_t b) {
  return F::from_bits(b);
}

}  // namespace pqcea::falcon::fpr
