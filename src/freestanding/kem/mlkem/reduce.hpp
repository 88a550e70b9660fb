// Modular reduction mod q = 3329 without division: Montgomery (R = 2^16) and Barrett.
// All of these are branch-free and safe on secret data.
#pragma once
#include <cstdint>

#include "params.hpp"

namespace pqcea::mlkem::detail {

// Returns r == a * 2^-16 (mod q) with |r| < q, for |a| < q * 2^15.
constexpr std::int16_t montgomery_reduce(std::int32_t a) {
  // t = a * q^-1 mod 2^16 (as a signed 16-bit value); a - t*q is then divisible by 2^16.
  const auto t = static_cast<std::int16_t>(static_cast<std::uint16_t>(static_cast<std::uint32_t>(a) * qinv_u16));
  return static_cast<std::int16_t>((a - static_cast<std::int32_t>(t) * q) >> 16);
}

// a * b * 2^-16 mod q, |result| < q for any int16 a and |b| <= q/2 (and whenever |a*b| < q*2^15).
constexpr std::int16_t fqmul(std::int16_t a, std::int16_t b) {
  return montgomery_reduce(static_cast<std::int32_t>(a) * b);
}

// Barrett reduction: the representative of a mod q in [-(q-1)/2, (q-1)/2], for any int16 a.
constexpr std::int16_t barrett_reduce(std::int16_t a) {
  constexpr std::int32_t v = ((1 << 26) + q / 2) / q;  // round(2^26 / q) = 20159
  const std::int32_t t = (v * a + (1 << 25)) >> 26;
  return static_cast<std::int16_t>(a - t * q);
}

// Maps a in (-q, q) to [0, q): adds q when a is negative (mask from the sign bit).
constexpr std::int16_t caddq(std::int16_t a) {
  return static_cast<std::int16_t>(a + ((a >> 15) & q));
}

// Any int16 -> canonical [0, q).
constexpr std::int16_t to_canonical(std::int16_t a) { return caddq(barrett_reduce(a)); }

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

// Exhaustive compile-time proofs of the reduction bounds stated above.
consteval bool check_barrett() {
  for (std::int32_t a = -32768; a <= 32767; ++a) {
    const std::int16_t r = barrett_reduce(static_cast<std::int16_t>(a));
    if (r < -(q - 1) / 2 || r > (q - 1) / 2 || mod_q(r - a) != 0) return false;
  }
  return true;
}
static_assert(check_barrett());
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
static_assert(check_montgomery());
static_assert(mont_r == 2285 && mont_r2 == 1353);

}  // namespace pqcea::mlkem::detail
