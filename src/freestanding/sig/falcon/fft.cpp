// Falcon FFT and FFT-domain polynomial operations (see fft.hpp for the representation). Each
// complex helper performs its real operations in one fixed order: the signatures of the KAT files
// are only reproduced if every rounding happens exactly where the reference rounds.
#include "fft.hpp"

#include <array>
#include <cstdint>

namespace pqcea::falcon {

namespace {

constexpr std::uint64_t kRootBits[2048] = {
#include "fft_roots.inc"
};

template <class F>
struct RootTable {
  std::array<fpr_t<F>, 2048> v{};
  constexpr RootTable() {
    for (std::size_t i = 0; i < 2048; ++i) v[i] = F::from_bits(kRootBits[i]);
  }
};
template <class F>
constexpr RootTable<F> kRoots{};

template <class F>
using T = fpr_t<F>;

// d = a * b
template <class F>
inline void cmul(T<F>& dr, T<F>& di, T<F> ar, T<F> ai, T<F> br, T<F> bi) {
  const T<F> r = F::sub(F::mul(ar, br), F::mul(ai, bi));
  const T<F> i = F::add(F::mul(ar, bi), F::mul(ai, br));
  dr = r;
  di = i;
}
// d = a / b, computed as a * (conj(b) / |b|^2)
template <class F>
inline void cdiv(T<F>& dr, T<F>& di, T<F> ar, T<F> ai, T<F> br, T<F> bi) {
  const T<F> m = F::inv(F::add(F::sqr(br), F::sqr(bi)));
  cmul<F>(dr, di, ar, ai, F::mul(br, m), F::mul(F::neg(bi), m));
}

}  // namespace

template <class F>
fpr_t<F> fft_root(std::size_t index) {
  return kRoots<F>.v[index];
}

template <class F>
void fft(fpr_t<F>* f, unsigned logn) {
  // Iterative Cooley-Tukey in bit-reversed order. The first level (multiplication by the root i
  // of x^2 + 1) is free in this layout: the real and imaginary halves already are f[j], f[j+n/2].
  // Only the first half of the complex values is kept; the rest are conjugates.
  const std::size_t n = std::size_t{1} << logn, hn = n >> 1;
  std::size_t t = hn;
  for (unsigned u = 1, m = 2; u < logn; ++u, m <<= 1) {
    const std::size_t ht = t >> 1, hm = m >> 1;
    for (std::size_t i1 = 0, j1 = 0; i1 < hm; ++i1, j1 += t) {
      const T<F> s_re = kRoots<F>.v[(m + i1) << 1], s_im = kRoots<F>.v[((m + i1) << 1) + 1];
      for (std::size_t j = j1; j < j1 + ht; ++j) {
        const T<F> x_re = f[j], x_im = f[j + hn];
        T<F> y_re = f[j + ht], y_im = f[j + ht + hn];
        cmul<F>(y_re, y_im, y_re, y_im, s_re, s_im);
        f[j] = F::add(x_re, y_re);
        f[j + hn] = F::add(x_im, y_im);
        f[j + ht] = F::sub(x_re, y_re);
        f[j + ht + hn] = F::sub(x_im, y_im);
      }
    }
    t = ht;
  }
}

template <class F>
void ifft(fpr_t<F>* f, unsigned logn) {
  // Gentleman-Sande with conjugated roots; the last level would only double every value (its
  // two inputs are conjugates), so it is folded into the final scaling by 2/n instead of 1/n.
  const std::size_t n = std::size_t{1} << logn, hn = n >> 1;
  std::size_t t = 1, m = n;
  for (unsigned u = logn; u > 1; --u) {
    const std::size_t hm = m >> 1, dt = t << 1;
    for (std::size_t i1 = 0, j1 = 0; j1 < hn; ++i1, j1 += dt) {
      const T<F> s_re = kRoots<F>.v[(hm + i1) << 1], s_im = F::neg(kRoots<F>.v[((hm + i1) << 1) + 1]);
      for (std::size_t j = j1; j < j1 + t; ++j) {
        const T<F> x_re = f[j], x_im = f[j + hn], y_re = f[j + t], y_im = f[j + t + hn];
        f[j] = F::add(x_re, y_re);
        f[j + hn] = F::add(x_im, y_im);
        const T<F> d_re = F::sub(x_re, y_re), d_im = F::sub(x_im, y_im);
        cmul<F>(f[j + t], f[j + t + hn], d_re, d_im, s_re, s_im);
      }
    }
    t = dt;
    m = hm;
  }
  if (logn > 0) {
    const T<F> ni = F::from_bits(static_cast<std::uint64_t>(1024 - logn) << 52);  // 2^(1 - logn)
    for (std::size_t u = 0; u < n; ++u) f[u] = F::mul(f[u], ni);
  }
}

template <class F>
void poly_add(fpr_t<F>* a, const fpr_t<F>* b, unsigned logn) {
  const std::size_t n = std::size_t{1} << logn;
  for (std::size_t u = 0; u < n; ++u) a[u] = F::add(a[u], b[u]);
}
template <class F>
void poly_sub(fpr_t<F>* a, const fpr_t<F>* b, unsigned logn) {
  const std::size_t n = std::size_t{1} << logn;
  for (std::size_t u = 0; u < n; ++u) a[u] = F::sub(a[u], b[u]);
}
template <class F>
void poly_neg(fpr_t<F>* a, unsigned logn) {
  const std::size_t n = std::size_t{1} << logn;
  for (std::size_t u = 0; u < n; ++u) a[u] = F::neg(a[u]);
}
template <class F>
void poly_mulconst(fpr_t<F>* a, fpr_t<F> x, unsigned logn) {
  const std::size_t n = std::size_t{1} << logn;
  for (std::size_t u = 0; u < n; ++u) a[u] = F::mul(a[u], x);
}
template <class F>
void poly_adj_fft(fpr_t<F>* a, unsigned logn) {
  const std::size_t n = std::size_t{1} << logn;
  for (std::size_t u = n >> 1; u < n; ++u) a[u] = F::neg(a[u]);
}
template <class F>
void poly_mul_fft(fpr_t<F>* a, const fpr_t<F>* b, unsigned logn) {
  const std::size_t hn = (std::size_t{1} << logn) >> 1;
  for (std::size_t u = 0; u < hn; ++u) cmul<F>(a[u], a[u + hn], a[u], a[u + hn], b[u], b[u + hn]);
}
template <class F>
void poly_muladj_fft(fpr_t<F>* a, const fpr_t<F>* b, unsigned logn) {
  const std::size_t hn = (std::size_t{1} << logn) >> 1;
  for (std::size_t u = 0; u < hn; ++u) cmul<F>(a[u], a[u + hn], a[u], a[u + hn], b[u], F::neg(b[u + hn]));
}
template <class F>
void poly_mulselfadj_fft(fpr_t<F>* a, unsigned logn) {
  const std::size_t hn = (std::size_t{1} << logn) >> 1;
  for (std::size_t u = 0; u < hn; ++u) {
    a[u] = F::add(F::sqr(a[u]), F::sqr(a[u + hn]));
    a[u + hn] = F::from_bits(fpr::bits::zero);
  }
}
template <class F>
void poly_div_fft(fpr_t<F>* a, const fpr_t<F>* b, unsigned logn) {
  const std::size_t hn = (std::size_t{1} << logn) >> 1;
  for (std::size_t u = 0; u < hn; ++u) cdiv<F>(a[u], a[u + hn], a[u], a[u + hn], b[u], b[u + hn]);
}
template <class F>
void poly_invnorm2_fft(fpr_t<F>* d, const fpr_t<F>* a, const fpr_t<F>* b, unsigned logn) {
  const std::size_t hn = (std::size_t{1} << logn) >> 1;
  for (std::size_t u = 0; u < hn; ++u) {
    d[u] = F::inv(F::add(F::add(F::sqr(a[u]), F::sqr(a[u + hn])), F::add(F::sqr(b[u]), F::sqr(b[u + hn]))));
  }
}
template <class F>
void poly_add_muladj_fft(fpr_t<F>* d, const fpr_t<F>* F_, const fpr_t<F>* G, const fpr_t<F>* f, const fpr_t<F>* g,
                         unsigned logn) {
  const std::size_t hn = (std::size_t{1} << logn) >> 1;
  for (std::size_t u = 0; u < hn; ++u) {
    T<F> a_re, a_im, b_re, b_im;
    cmul<F>(a_re, a_im, F_[u], F_[u + hn], f[u], F::neg(f[u + hn]));
    cmul<F>(b_re, b_im, G[u], G[u + hn], g[u], F::neg(g[u + hn]));
    d[u] = F::add(a_re, b_re);
    d[u + hn] = F::add(a_im, b_im);
  }
}
template <class F>
void poly_mul_autoadj_fft(fpr_t<F>* a, const fpr_t<F>* b, unsigned logn) {
  const std::size_t hn = (std::size_t{1} << logn) >> 1;
  for (std::size_t u = 0; u < hn; ++u) {
    a[u] = F::mul(a[u], b[u]);
    a[u + hn] = F::mul(a[u + hn], b[u]);
  }
}
template <class F>
void poly_div_autoadj_fft(fpr_t<F>* a, const fpr_t<F>* b, unsigned logn) {
  const std::size_t hn = (std::size_t{1} << logn) >> 1;
  for (std::size_t u = 0; u < hn; ++u) {
    const T<F> ib = F::inv(b[u]);
    a[u] = F::mul(a[u], ib);
    a[u + hn] = F::mul(a[u + hn], ib);
  }
}

namespace {
// One LDL* step on complex slot u: mu = g01 / g00, d11 = g11 - mu adj(g01), l10 = adj(mu).
template <class F>
inline void ldl_slot(T<F>& d11_re, T<F>& d11_im, T<F>& l10_re, T<F>& l10_im, T<F> g00_re, T<F> g00_im, T<F> g01_re,
                     T<F> g01_im, T<F> g11_re, T<F> g11_im) {
  T<F> mu_re, mu_im, p_re, p_im;
  cdiv<F>(mu_re, mu_im, g01_re, g01_im, g00_re, g00_im);
  cmul<F>(p_re, p_im, mu_re, mu_im, g01_re, F::neg(g01_im));
  d11_re = F::sub(g11_re, p_re);
  d11_im = F::sub(g11_im, p_im);
  l10_re = mu_re;
  l10_im = F::neg(mu_im);
}
}  // namespace

template <class F>
void poly_ldl_fft(const fpr_t<F>* g00, fpr_t<F>* g01, fpr_t<F>* g11, unsigned logn) {
  const std::size_t hn = (std::size_t{1} << logn) >> 1;
  for (std::size_t u = 0; u < hn; ++u) {
    ldl_slot<F>(g11[u], g11[u + hn], g01[u], g01[u + hn], g00[u], g00[u + hn], g01[u], g01[u + hn], g11[u],
                g11[u + hn]);
  }
}
template <class F>
void poly_ldlmv_fft(fpr_t<F>* d11, fpr_t<F>* l10, const fpr_t<F>* g00, const fpr_t<F>* g01, const fpr_t<F>* g11,
                    unsigned logn) {
  const std::size_t hn = (std::size_t{1} << logn) >> 1;
  for (std::size_t u = 0; u < hn; ++u) {
    ldl_slot<F>(d11[u], d11[u + hn], l10[u], l10[u + hn], g00[u], g00[u + hn], g01[u], g01[u + hn], g11[u],
                g11[u + hn]);
  }
}

template <class F>
void poly_split_fft(fpr_t<F>* f0, fpr_t<F>* f1, const fpr_t<F>* f, unsigned logn) {
  // Spec Alg. 1: f0(w^2) = (f(w) + f(-w)) / 2, f1(w^2) = (f(w) - f(-w)) / (2w). In the
  // bit-reversed layout w and -w are the neighbouring slots 2u and 2u + 1.
  const std::size_t hn = (std::size_t{1} << logn) >> 1, qn = hn >> 1;
  // n = 2: a single complex value whose real and imaginary parts are f0 and f1.
  f0[0] = f[0];
  f1[0] = f[hn];
  for (std::size_t u = 0; u < qn; ++u) {
    const T<F> a_re = f[u << 1], a_im = f[(u << 1) + hn];
    const T<F> b_re = f[(u << 1) + 1], b_im = f[(u << 1) + 1 + hn];
    f0[u] = F::half(F::add(a_re, b_re));
    f0[u + qn] = F::half(F::add(a_im, b_im));
    T<F> t_re = F::sub(a_re, b_re), t_im = F::sub(a_im, b_im);
    cmul<F>(t_re, t_im, t_re, t_im, kRoots<F>.v[(u + hn) << 1], F::neg(kRoots<F>.v[((u + hn) << 1) + 1]));
    f1[u] = F::half(t_re);
    f1[u + qn] = F::half(t_im);
  }
}
template <class F>
void poly_merge_fft(fpr_t<F>* f, const fpr_t<F>* f0, const fpr_t<F>* f1, unsigned logn) {
  // Spec Alg. 2: f(w) = f0(w^2) + w f1(w^2), f(-w) = f0(w^2) - w f1(w^2).
  const std::size_t hn = (std::size_t{1} << logn) >> 1, qn = hn >> 1;
  f[0] = f0[0];
  f[hn] = f1[0];
  for (std::size_t u = 0; u < qn; ++u) {
    const T<F> a_re = f0[u], a_im = f0[u + qn];
    T<F> b_re, b_im;
    cmul<F>(b_re, b_im, f1[u], f1[u + qn], kRoots<F>.v[(u + hn) << 1], kRoots<F>.v[((u + hn) << 1) + 1]);
    f[u << 1] = F::add(a_re, b_re);
    f[(u << 1) + hn] = F::add(a_im, b_im);
    f[(u << 1) + 1] = F::sub(a_re, b_re);
    f[(u << 1) + 1 + hn] = F::sub(a_im, b_im);
  }
}

// Explicit instantiations for every backend.
#define PQCEA_FALCON_FFT_INSTANTIATE(F)                                                                       \
  template fpr_t<F> fft_root<F>(std::size_t);                                                                \
  template void fft<F>(fpr_t<F>*, unsigned);                                                                 \
  template void ifft<F>(fpr_t<F>*, unsigned);                                                                \
  template void poly_add<F>(fpr_t<F>*, const fpr_t<F>*, unsigned);                                           \
  template void poly_sub<F>(fpr_t<F>*, const fpr_t<F>*, unsigned);                                           \
  template void poly_neg<F>(fpr_t<F>*, unsigned);                                                            \
  template void poly_mulconst<F>(fpr_t<F>*, fpr_t<F>, unsigned);                                             \
  template void poly_adj_fft<F>(fpr_t<F>*, unsigned);                                                        \
  template void poly_mul_fft<F>(fpr_t<F>*, const fpr_t<F>*, unsigned);                                       \
  template void poly_muladj_fft<F>(fpr_t<F>*, const fpr_t<F>*, unsigned);                                    \
  template void poly_mulselfadj_fft<F>(fpr_t<F>*, unsigned);                                                 \
  template void poly_div_fft<F>(fpr_t<F>*, const fpr_t<F>*, unsigned);                                       \
  template void poly_invnorm2_fft<F>(fpr_t<F>*, const fpr_t<F>*, const fpr_t<F>*, unsigned);                 \
  template void poly_add_muladj_fft<F>(fpr_t<F>*, const fpr_t<F>*, const fpr_t<F>*, const fpr_t<F>*,         \
                                       const fpr_t<F>*, unsigned);                                           \
  template void poly_mul_autoadj_fft<F>(fpr_t<F>*, const fpr_t<F>*, unsigned);                               \
  template void poly_div_autoadj_fft<F>(fpr_t<F>*, const fpr_t<F>*, unsigned);                               \
  template void poly_ldl_fft<F>(const fpr_t<F>*, fpr_t<F>*, fpr_t<F>*, unsigned);                            \
  template void poly_ldlmv_fft<F>(fpr_t<F>*, fpr_t<F>*, const fpr_t<F>*, const fpr_t<F>*, const fpr_t<F>*,   \
                                  unsigned);                                                                 \
  template void poly_split_fft<F>(fpr_t<F>*, fpr_t<F>*, const fpr_t<F>*, unsigned);                          \
  template void poly_merge_fft<F>(fpr_t<F>*, const fpr_t<F>*, const fpr_t<F>*, unsigned);

PQCEA_FALCON_FFT_INSTANTIATE(fpr::Emu)
#if defined(PQCEA_FALCON_FPR_HAVE_NATIVE)
PQCEA_FALCON_FFT_INSTANTIATE(fpr::Native)
#endif

}  // namespace pqcea::falcon
