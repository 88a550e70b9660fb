// Modular reduction mod q = 3329 without division: Montgomery (R = 2^16) and Barrett.
// All of these are branch-free and safe on secret data. They are forced inline so that each
// backend's copy of the arithmetic (ntt_impl.hpp) is compiled for that backend's instruction set.
#pragma once
#include <cstdint>

#include "params.hpp"

namespace pqcea::mlkem::detail {

// Returns r == a * 2^-16 (mod q) with |r| < q, for |a| < q * 2^15.
[[gnu::always_inline]] constexpr std::int16_t montgomery_reduce(std::int32_t a) {
  // t = a * q^-1 mod 2^16 (as a signed 16-bit value); a - t*q is then divisible by 2^16.
  const auto t = static_cast<std::int16_t>(static_cast<std::uint16_t>(static_cast<std::uint32_t>(a) * qinv_u16));
  return static_cast<std::int16_t>((a - static_cast<std::int32_t>(t) * q) >> 16);
}

// a * b * 2^-16 mod q, |result| < q for any int16 a and |b| <= q/2 (and whenever |a*b| < q*2^15).
// Written with 16-bit low and high products only (t = lo(a*b) * q^-1; result = hi(a*b) - hi(t*q),
// the low halves cancelling exactly), the shape compilers turn into SIMD multiply-high/low.
[[gnu::always_inline]] constexpr std::int16_t mulhi(std::int16_t a, std::int16_t b) {
  return static_cast<std::int16_t>((static_cast<std::int32_t>(a) * b) >> 16);
}
[[gnu::always_inline]] constexpr std::int16_t mullo(std::int16_t a, std::int16_t b) {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(static_cast<std::uint32_t>(a) * static_cast<std::uint32_t>(b)));
}
[[gnu::always_inline]] constexpr std::int16_t fqmul(std::int16_t a, std::int16_t b) {
  const std::int16_t t = mullo(mullo(a, b), qinv);
  return static_cast<std::int16_t>(mulhi(a, b) - mulhi(t, q));
}
// Same with b's premultiplied twin b_qinv = lo(b * q^-1), saving one product (constants only).
[[gnu::always_inline]] constexpr std::int16_t fqmul_pre(std::int16_t a, std::int16_t b, std::int16_t b_qinv) {
  return static_cast<std::int16_t>(mulhi(a, b) - mulhi(mullo(a, b_qinv), q));
}
constexpr std::int16_t qinv_lo(std::int16_t b) { return mullo(b, qinv); }

// Barrett reduction: the representative of a mod q in [-(q-1)/2, (q-1)/2], for any int16 a.
// t = round(a * v / 2^26) with v = round(2^26 / q), computed as ((a * v) >> 16 + 2^9) >> 10
// (the same value: flooring twice), again only 16-bit products.
[[gnu::always_inline]] constexpr std::int16_t barrett_reduce(std::int16_t a) {
  constexpr std::int16_t v = ((1 << 26) + q / 2) / q;  // 20159
  const auto t = static_cast<std::int16_t>((mulhi(a, v) + (1 << 9)) >> 10);
  return static_cast<std::int16_t>(a - mullo(t, q));
}

// Maps a in (-q, q) to [0, q): adds q when a is negative (mask from the sign bit).
[[gnu::always_inline]] constexpr std::int16_t caddq(std::int16_t a) {
  return static_cast<std::int16_t>(a + ((a >> 15) & q));
}

// Any int16 -> canonical [0, q).
[[gnu::always_inline]] constexpr std::int16_t to_canonical(std::int16_t a) { return caddq(barrett_reduce(a)); }

// ---- compile-time helpers -----------------------------------------------------------------
consteval std::int32_t mod_q(std::int64_t a) {
  std::int64_t r = a % q;
  return static_cast<std::int32_t>(r < 0 ? r + q : r);
}
consteval std::int32_t pow_mod_q(std::int64_t base, unsigned e) {
  std::int64_t r = 1, b = mod_q(base);
  while (e != 0) {
    if (e & 1u) r = mod_q(r * b);
    b = mod_q(b * b);
    e >>= 1;
  }
  return static_cast<std::int32_t>(r);
}
// Centered representative in (-q/2, q/2].
consteval std::int16_t centered(std::int64_t a) {
  std::int32_t r = mod_q(a);
  return static_cast<std::int16_t>(r > q / 2 ? r - q : r);
}
inline constexpr std::int32_t mont_r = 65536 % q;              // R mod q = 2285
inline constexpr std::int16_t mont_r2 = centered(65536LL * 65536LL);  // R^2 mod q = 1353 (tomont factor)

// Exhaustive compile-time proofs of the reduction bounds stated above (asserted once, in ntt.cpp).
consteval bool check_barrett() {
  for (std::int32_t a = -32768; a <= 32767; ++a) {
    const std::int16_t r = barrett_reduce(static_cast<std::int16_t>(a));
    if (r < -(q - 1) / 2 || r > (q - 1) / 2 || mod_q(r - a) != 0) return false;
  }
  return true;
}
consteval bool check_montgomery() {
  // Extremes and a sweep of the admissible input range.
  const std::int32_t lim = static_cast<std::int32_t>(q) * 32768 - 1;
  for (std::int32_t a = -lim; a <= lim; a += 4099) {
    const std::int16_t r = montgomery_reduce(a);
    if (r <= -q || r >= q || mod_q(static_cast<std::int64_t>(r) * 65536 - a) != 0) return false;
  }
  for (std::int32_t a : {lim, -lim, std::int32_t{0}, std::int32_t{1}, std::int32_t{-1}}) {
    const std::int16_t r = montgomery_reduce(a);
    if (r <= -q || r >= q || mod_q(static_cast<std::int64_t>(r) * 65536 - a) != 0) return false;
  }
  return true;
}
consteval bool check_fqmul() {
  // The 16-bit form equals montgomery_reduce(a * b) over a grid of a and b, extremes included
  // (kept small: the compiler's constant-evaluation budget is per translation unit).
  for (std::int32_t b = -q; b <= q; b += 113)
    for (std::int32_t a = -32768; a <= 32767; a += 257) {
      const auto a16 = static_cast<std::int16_t>(a), b16 = static_cast<std::int16_t>(b);
      if (fqmul(a16, b16) != montgomery_reduce(a * b)) return false;
      if (fqmul_pre(a16, b16, qinv_lo(b16)) != montgomery_reduce(a * b)) return false;
    }
  for (std::int32_t a : {-32768, 32767, 0, 1, -1})
    for (std::int32_t b : {-3329, 3329, -1664, 1664, 1, -1})
      if (fqmul(static_cast<std::int16_t>(a), static_cast<std::int16_t>(b)) != montgomery_reduce(a * b)) return false;
  return true;
}
static_assert(mont_r == 2285 && mont_r2 == 1353);

}  // namespace pqcea::mlkem::detail
