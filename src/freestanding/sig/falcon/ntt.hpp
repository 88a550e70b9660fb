// Arithmetic modulo q = 12289 over Z_q[X]/(X^n + 1), n = 2..1024 (Falcon round-3 spec v1.2
// §3.7 / §3.12): the number-theoretic transform used by verification (s2 * h) and by key
// generation (h = g / f) and signing (G = g * F / f).
//
// Representation: uint16_t in [0, q) everywhere in the API; Montgomery form (R = 2^16) stays
// inside ntt.cpp. All functions are branch-free in the coefficient values (key generation and
// signing feed them secret f, g, F), except that the boolean results below are by nature a
// function of the secret (the caller discards such a key). Sizes: any power of two 2..1024; the
// caller's spans must have equal sizes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/falcon.hpp"

namespace pqcea::falcon::mq {

inline constexpr std::uint32_t kQ = 12289;

// x mod q in [0, q) for x in (-q, q). Branch-free (also used on secret f, g, F).
inline std::uint16_t from_signed(std::int32_t x) {
  const std::uint32_t u = static_cast<std::uint32_t>(x);
  return static_cast<std::uint16_t>(u + (kQ & (0u - (u >> 31))));
}
// The centred representative of x in [0, q): in [-(q-1)/2, (q-1)/2]. Branch-free.
inline std::int32_t centred(std::uint16_t x) {
  const std::int32_t v = x;
  return v - static_cast<std::int32_t>(kQ & static_cast<std::uint32_t>((static_cast<std::int32_t>(kQ / 2) - v) >> 31));
}

// In-place forward transform (coefficients -> evaluations at the odd powers of a primitive
// 2n-th root of unity, in bit-reversed order).
void ntt(std::span<std::uint16_t> a);
// In-place inverse transform, including the 1/n scaling.
void intt(std::span<std::uint16_t> a);
// a <- a * b pointwise (both in the NTT domain).
void pointwise_mul(std::span<std::uint16_t> a, std::span<const std::uint16_t> b);
// Verification's s2 * h with fewer passes: ntt_signed takes and leaves signed representatives
// (inputs |x| < q, outputs |x| <= q/2 + 1, same size as ntt), and mul_ntt_inverse computes
// out = NTT^-1(a * b) in [0, q) from two such transforms (a is overwritten; out may alias a).
void ntt_signed(std::span<std::int16_t> a);
void mul_ntt_inverse(std::span<std::int16_t> a, std::span<const std::int16_t> b, std::span<std::uint16_t> out);
// a <- a * b mod (X^n + 1, q) for a, b in coefficient form; b is left in the NTT domain.
void poly_mul(std::span<std::uint16_t> a, std::span<std::uint16_t> b);

// Key generation: h = g * f^-1 mod (X^n + 1, q). tmp has the size of h (workspace). Returns false
// (h undefined) if f is not invertible mod q, i.e. some NTT coefficient of f is zero; the key
// generator then draws a new f (spec Alg. 4 "NTRUGen": f must be invertible mod q).
[[nodiscard]] bool compute_public(std::span<std::uint16_t> h, std::span<const std::int8_t> f,
                                  std::span<const std::int8_t> g, std::span<std::uint16_t> tmp);

// Signing / private-key expansion: G = g * F / f mod (X^n + 1, q), centred, from the NTRU
// equation f G - g F = q (spec §3.8.2 and §3.11.2: G is not stored). Returns false if f is not
// invertible or a coefficient of G is outside [-127, 127] (the private key is then invalid).
// t1, t2: workspace of n uint16_t each.
[[nodiscard]] bool compute_G(std::span<std::int8_t> G, std::span<const std::int8_t> f, std::span<const std::int8_t> g,
                             std::span<const std::int8_t> F, std::span<std::uint16_t> t1, std::span<std::uint16_t> t2);

}  // namespace pqcea::falcon::mq
