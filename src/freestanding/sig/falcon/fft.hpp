// Falcon FFT over R[x]/(x^n + 1) and polynomial arithmetic in FFT representation (spec v1.2
// §3.7.1, Alg. 1-2 splitfft/mergefft, Alg. 9 ffLDL helpers), templated on the floating-point
// backend F (fpr::Emu or fpr::Native, see fpr.hpp). Shared by signing and key generation.
//
// Representation (n = 2^logn reals = n/2 complex values): a real polynomial is determined by its
// values at the n/2 roots w_j = exp(i pi (2j+1)/n), j < n/2 (the other half are conjugates). The
// value at w_j is stored with its real part in slot rev(j)/2 and its imaginary part in slot
// rev(j)/2 + n/2 (rev = bit reversal over logn bits). This is the layout of the reference code, and
// every operation below performs the reference's floating-point operations in the reference's
// order: the KAT values depend on it bit for bit.
//
// Arrays have n elements of F::T unless stated; "a" is updated in place; no aliasing between
// distinct arguments unless stated. logn is 1..10 (fft/ifft also accept 0).
#pragma once
#include <cstddef>

#include "fpr.hpp"

namespace pqcea::falcon {

template <class F>
using fpr_t = typename F::T;

template <class F> void fft(fpr_t<F>* f, unsigned logn);   // coefficients -> FFT representation
template <class F> void ifft(fpr_t<F>* f, unsigned logn);  // FFT representation -> coefficients

// Element-wise (valid in either representation):
template <class F> void poly_add(fpr_t<F>* a, const fpr_t<F>* b, unsigned logn);  // a += b
template <class F> void poly_sub(fpr_t<F>* a, const fpr_t<F>* b, unsigned logn);  // a -= b
template <class F> void poly_neg(fpr_t<F>* a, unsigned logn);                     // a = -a
template <class F> void poly_mulconst(fpr_t<F>* a, fpr_t<F> x, unsigned logn);    // a *= x

// FFT representation only:
template <class F> void poly_adj_fft(fpr_t<F>* a, unsigned logn);                      // a = adj(a)
template <class F> void poly_mul_fft(fpr_t<F>* a, const fpr_t<F>* b, unsigned logn);   // a *= b
template <class F> void poly_muladj_fft(fpr_t<F>* a, const fpr_t<F>* b, unsigned logn);  // a *= adj(b)
template <class F> void poly_mulselfadj_fft(fpr_t<F>* a, unsigned logn);               // a *= adj(a)
template <class F> void poly_div_fft(fpr_t<F>* a, const fpr_t<F>* b, unsigned logn);   // a /= b
// d = 1 / (a adj(a) + b adj(b)); d is self-adjoint, only its first n/2 slots are written.
template <class F>
void poly_invnorm2_fft(fpr_t<F>* d, const fpr_t<F>* a, const fpr_t<F>* b, unsigned logn);
// d = F adj(f) + G adj(g)   (d may not alias the inputs)
template <class F>
void poly_add_muladj_fft(fpr_t<F>* d, const fpr_t<F>* F_, const fpr_t<F>* G, const fpr_t<F>* f, const fpr_t<F>* g,
                         unsigned logn);
// a *= b, a /= b for a self-adjoint b (only b's first n/2 slots are read).
template <class F> void poly_mul_autoadj_fft(fpr_t<F>* a, const fpr_t<F>* b, unsigned logn);
template <class F> void poly_div_autoadj_fft(fpr_t<F>* a, const fpr_t<F>* b, unsigned logn);
// LDL* of the self-adjoint 2x2 Gram matrix [[g00, g01], [adj(g01), g11]] (spec Alg. 8 step 1 in
// FFT form): in place, g01 <- l10 and g11 <- d11 (d00 = g00 is unchanged).
template <class F> void poly_ldl_fft(const fpr_t<F>* g00, fpr_t<F>* g01, fpr_t<F>* g11, unsigned logn);
// The same into separate outputs d11 and l10.
template <class F>
void poly_ldlmv_fft(fpr_t<F>* d11, fpr_t<F>* l10, const fpr_t<F>* g00, const fpr_t<F>* g01, const fpr_t<F>* g11,
                    unsigned logn);
// splitfft (spec Alg. 1): f (n) -> f0, f1 (n/2 each) with f(x) = f0(x^2) + x f1(x^2).
template <class F> void poly_split_fft(fpr_t<F>* f0, fpr_t<F>* f1, const fpr_t<F>* f, unsigned logn);
// mergefft (spec Alg. 2): the inverse of split.
template <class F> void poly_merge_fft(fpr_t<F>* f, const fpr_t<F>* f0, const fpr_t<F>* f1, unsigned logn);

// The FFT roots: (cos, sin) of pi * rev10(k) / 1024 for k < 1024 (index 2k, 2k + 1).
template <class F>
fpr_t<F> fft_root(std::size_t index);

}  // namespace pqcea::falcon
