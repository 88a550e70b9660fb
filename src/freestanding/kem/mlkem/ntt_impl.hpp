// The bodies of the NTT-domain arithmetic, as always-inline functions so that each backend entry
// point (the portable one in ntt.cpp, the AVX2-targeted one in backend_x86.cpp) gets its own copy
// compiled for its instruction set. Plain C++, written so that a compiler can vectorise it: every
// layer has a compile-time length, and all modular products are 16-bit low/high multiplies
// (reduce.hpp).
#pragma once
#include "ntt.hpp"

namespace pqcea::mlkem::detail::impl {

inline constexpr const NttTables& T = ntt_tables;

// Two ways to write the same modular products; they give identical values (reduce.hpp proves
// fqmul == montgomery_reduce(a * b)). Simd16: 16-bit low/high products, which vector units do
// directly. Scalar32: one 32-bit product and a 32-bit Montgomery step, cheaper on scalar cores
// such as Cortex-M.
struct Simd16 {
  [[gnu::always_inline]] static std::int16_t mul(std::int16_t a, std::int16_t b) { return fqmul(a, b); }
  [[gnu::always_inline]] static std::int16_t mul_pre(std::int16_t a, std::int16_t b, std::int16_t bq) {
    return fqmul_pre(a, b, bq);
  }
};
struct Scalar32 {
  [[gnu::always_inline]] static std::int16_t mul(std::int16_t a, std::int16_t b) {
    return montgomery_reduce(static_cast<std::int32_t>(a) * b);
  }
  [[gnu::always_inline]] static std::int16_t mul_pre(std::int16_t a, std::int16_t b, std::int16_t) { return mul(a, b); }
};

// One layer of Alg. 9 (steps 4-10): 128/Len butterfly groups, zeta index k onwards.
template <class A, int Len>
[[gnu::always_inline]] inline void ntt_layer(std::int16_t* f, unsigned& k) {
  for (int start = 0; start < n; start += 2 * Len) {
    const std::int16_t zeta = T.zetas[k], zq = T.zetas_qinv[k];  // Alg. 9 step 5
    ++k;
    for (int j = start; j < start + Len; ++j) {
      const std::int16_t t = A::mul_pre(f[j + Len], zeta, zq);  // step 7
      f[j + Len] = static_cast<std::int16_t>(f[j] - t);        // step 8
      f[j] = static_cast<std::int16_t>(f[j] + t);              // step 9
    }
  }
}

// One layer of Alg. 10 (steps 4-11), zeta index k downwards; Reduce: Barrett the sums.
template <class A, int Len, bool Reduce>
[[gnu::always_inline]] inline void invntt_layer(std::int16_t* f, unsigned& k) {
  for (int start = 0; start < n; start += 2 * Len) {
    const std::int16_t zeta = T.zetas[k], zq = T.zetas_qinv[k];  // Alg. 10 step 5
    --k;
    for (int j = start; j < start + Len; ++j) {
      const std::int16_t t = f[j];
      const auto sum = static_cast<std::int16_t>(t + f[j + Len]);  // step 8
      f[j] = Reduce ? barrett_reduce(sum) : sum;
      f[j + Len] = A::mul_pre(static_cast<std::int16_t>(f[j + Len] - t), zeta, zq);  // step 9
    }
  }
}

[[gnu::always_inline]] inline void reduce_all(std::int16_t* f) {
  for (int i = 0; i < n; ++i) f[i] = barrett_reduce(f[i]);
}

// A Montgomery product is < q whatever the other input, so seven layers grow |coeff| from < q to
// < 8q (fits int16); one Barrett pass at the end gives the contract's output range.
template <class A>
[[gnu::always_inline]] inline void ntt(Poly& p) {
  std::int16_t* f = p.c;
  unsigned k = 1;
  ntt_layer<A, 128>(f, k);
  ntt_layer<A, 64>(f, k);
  ntt_layer<A, 32>(f, k);
  ntt_layer<A, 16>(f, k);
  ntt_layer<A, 8>(f, k);
  ntt_layer<A, 4>(f, k);
  ntt_layer<A, 2>(f, k);
  reduce_all(f);
}

// Bounds: the inputs are first Barrett-reduced (<= q/2). Differences always go through a
// Montgomery product (< q); sums double per layer: < q, < 2q, < 4q (reduced), < 2q, < 4q, < 8q
// (reduced), < 2q. The final factor multiplies by 128^-1 (step 14) and by 2^16 twice over 2^-16
// (Montgomery).
template <class A>
[[gnu::always_inline]] inline void invntt_tomont(Poly& p) {
  std::int16_t* f = p.c;
  reduce_all(f);
  unsigned k = 127;
  invntt_layer<A, 2, false>(f, k);
  invntt_layer<A, 4, false>(f, k);
  invntt_layer<A, 8, true>(f, k);
  invntt_layer<A, 16, false>(f, k);
  invntt_layer<A, 32, false>(f, k);
  invntt_layer<A, 64, true>(f, k);
  invntt_layer<A, 128, false>(f, k);
  constexpr std::int16_t fq = qinv_lo(invntt_factor);
  for (int i = 0; i < n; ++i) f[i] = A::mul_pre(f[i], invntt_factor, fq);  // step 14 + Montgomery correction
}

// FIPS 203 Alg. 11/12 over the 128 degree-one factors X^2 - gamma_i:
//   c0 = a0 b0 + a1 b1 gamma,  c1 = a0 b1 + a1 b0,  each times 2^-16.
// b is unpacked from ByteEncode_12 sixteen coefficients at a time (values < 2^12: with |a| < q
// every product is inside the Montgomery range). Each of c0, c1 is a sum of two values < q.
template <class A>
[[gnu::always_inline]] inline void basemul_acc(Poly& acc, const Poly& a, const std::uint8_t* b) {
  for (int blk = 0; blk < n; blk += 16) {
    std::int16_t b0[8], b1[8], a0[8], a1[8];
    for (int i = 0; i < 8; ++i) {
      const std::uint8_t* p = b + 3 * ((blk >> 1) + i);
      b0[i] = static_cast<std::int16_t>(p[0] | ((p[1] & 0x0F) << 8));
      b1[i] = static_cast<std::int16_t>((p[1] >> 4) | (p[2] << 4));
      a0[i] = a.c[blk + 2 * i];
      a1[i] = a.c[blk + 2 * i + 1];
    }
    const std::int16_t* g = T.gammas + (blk >> 1);
    const std::int16_t* gq = T.gammas_qinv + (blk >> 1);
    for (int i = 0; i < 8; ++i) {
      const auto c0 = static_cast<std::int16_t>(A::mul_pre(A::mul(a1[i], b1[i]), g[i], gq[i]) + A::mul(a0[i], b0[i]));
      const auto c1 = static_cast<std::int16_t>(A::mul(a0[i], b1[i]) + A::mul(a1[i], b0[i]));
      acc.c[blk + 2 * i] = static_cast<std::int16_t>(acc.c[blk + 2 * i] + c0);
      acc.c[blk + 2 * i + 1] = static_cast<std::int16_t>(acc.c[blk + 2 * i + 1] + c1);
    }
  }
}

}  // namespace pqcea::mlkem::detail::impl
