// Solving the NTRU equation f*G - g*F = q over Z[x]/(x^n + 1) (Falcon round-3 spec v1.2 §3.8.2,
// Alg. 6 NTRUSolve and Alg. 7 Reduce), in the form of Pornin & Prest, "More efficient algorithms
// for the NTRU equation" (PKC 2019): field norms and lifts are computed in RNS (residues modulo
// 31-bit primes p = 1 mod 2048, negacyclic NTTs), integers are rebuilt with the CRT, the deepest
// level (n = 1) uses a constant-time binary extended GCD on the two resultants, and each level's
// Babai reduction is approximate (floating point over the top words, then exact integer updates).
//
// Why the result matches the reference key generation bit for bit: the solutions of f*G - g*F = q
// are (F + u*f, G + u*g) for u in Z[x]/(x^n+1), so the final top-level Babai step
// F <- F - round((F*adj(f) + G*adj(g)) / (f*adj(f) + g*adj(g))) * f gives the same (F, G) whatever
// representative the deeper levels produced (barring a coefficient of the quotient within about
// 2^-30 of a half-integer). The rejection conditions that depend on (f, g) alone — even or
// non-coprime resultants, |F|, |G| > 127 — are the reference's; the size limits of the
// intermediate levels are the reference's tables (MAX_BL_SMALL / MAX_BL_LARGE, bit lengths).
//
// Constant time: every loop bound, memory index and shift comes from the public degree and the
// public size tables; secret words only go through masks. A failed solve returns false; the key
// generator then discards (f, g), which is why early exits on failure leak nothing kept.
// Freestanding: no heap; all state lives in the caller's workspace (workspace_words()).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

namespace pqcea::falcon::ntru {

// 32-bit words of workspace solve() needs for degree 2^logn (logn = 1..10); the workspace must be
// 8-byte aligned (it also holds binary64 values).
std::size_t workspace_words(unsigned logn);
// A compile-time upper bound of workspace_words(logn) for the budgets (checked by the tests).
constexpr std::size_t workspace_words_bound(unsigned logn) { return (std::size_t{25} << logn) + 64; }

// F (the fpr backend, fpr.hpp): fpr::Emu, or fpr::Native where available.
// F, G: n coefficients each, written only on success (both in [-127, 127]).
// f, g: the short secret polynomials (their sums of coefficients must be odd).
template <class F>
[[nodiscard]] bool solve(unsigned logn, std::int8_t* Fout, std::int8_t* Gout, const std::int8_t* f, const std::int8_t* g,
                         std::span<std::uint32_t> workspace);

// Spec v1.2 Alg. 5 (NTRUGen) step 6 check, in the reference's exact floating-point order: the
// squared norm of (q adj(f) / (f adj(f) + g adj(g)), q adj(g) / (f adj(f) + g adj(g))), the second
// half of the Gram-Schmidt basis, is below 1.17^2 q. tmp: 6n words (n binary64 values * 3),
// 8-byte aligned.
template <class F>
[[nodiscard]] bool gram_schmidt_ok(unsigned logn, const std::int8_t* f, const std::int8_t* g, std::uint32_t* tmp);

// Exposed for the unit tests (deterministic, public-size constant-time helpers).
namespace detail {
// u, v with x*u - y*v = 1, 0 <= u < y, 0 <= v < x (x, y odd, non-negative and below 2^(31 len - 2),
// len 31-bit words each); returns false if gcd(x, y) != 1. tmp: 6 * len words. Batched binary
// GCD (31 steps per pass over the big integers).
[[nodiscard]] bool bezout(std::uint32_t* u, std::uint32_t* v, const std::uint32_t* x, const std::uint32_t* y,
                          std::size_t len, std::uint32_t* tmp);
// The same, one step per pass (the plain binary GCD; slower, kept as the tests' cross-check).
// tmp: 4 * len words.
[[nodiscard]] bool bezout_bitwise(std::uint32_t* u, std::uint32_t* v, const std::uint32_t* x, const std::uint32_t* y,
                                  std::size_t len, std::uint32_t* tmp);
}  // namespace detail

}  // namespace pqcea::falcon::ntru
