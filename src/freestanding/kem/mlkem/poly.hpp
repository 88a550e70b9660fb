// Polynomials of R_q = Z_q[X]/(X^256 + 1) and their coefficient-wise arithmetic.
#pragma once
#include <cstdint>

#include "params.hpp"
#include "reduce.hpp"

namespace pqcea::mlkem::detail {

// 256 signed 16-bit coefficients. Functions state the coefficient bounds they accept and give.
struct alignas(32) Poly {
  std::int16_t c[n];
};

inline void poly_zero(Poly& p) {
  for (auto& x : p.c) x = 0;
}
// r += a (no reduction; the caller keeps the sum within int16).
inline void poly_add(Poly& r, const Poly& a) {
  for (int i = 0; i < n; ++i) r.c[i] = static_cast<std::int16_t>(r.c[i] + a.c[i]);
}
// r = a - r (no reduction).
inline void poly_rsub(Poly& r, const Poly& a) {
  for (int i = 0; i < n; ++i) r.c[i] = static_cast<std::int16_t>(a.c[i] - r.c[i]);
}
// Barrett-reduces every coefficient to [-(q-1)/2, (q-1)/2].
inline void poly_reduce(Poly& p) {
  for (auto& x : p.c) x = barrett_reduce(x);
}
// Multiplies by R = 2^16 (mod q): cancels the 2^-16 a Montgomery product leaves. |out| < q.
inline void poly_tomont(Poly& p) {
  for (auto& x : p.c) x = fqmul(x, mont_r2);
}

}  // namespace pqcea::mlkem::detail
