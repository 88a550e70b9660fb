// The number-theoretic transform of FIPS 203 §4.3 and multiplication in the NTT domain.
//
// Backend contract (the portable C++ code in ntt.cpp always builds; a native backend replaces
// these functions and must give bit-identical results):
//   ntt(p)               FIPS 203 Alg. 9. In: |coeff| < q. Out: standard (FIPS) order,
//                        Barrett-reduced, |coeff| <= (q-1)/2.
//   invntt_tomont(p)     FIPS 203 Alg. 10, times 2^16 (mod q) to cancel the 2^-16 that
//                        basemul_acc leaves. In: any int16. Out: |coeff| < q.
//   basemul_acc(acc,a,b) acc += (a o b) * 2^-16 (FIPS 203 Alg. 11/12), b given packed as
//                        ByteEncode_12 (the form in which keys and the encryption's y-hat are
//                        stored, so no unpacked copy is needed; 12-bit values, possibly >= q).
//                        In: |a| < q. Each call adds less than 2q in absolute value to every
//                        coefficient; callers sum at most k <= 4 products from zero (< 8q).
#pragma once
#include <cstdint>

#include "poly.hpp"

namespace pqcea::mlkem::detail {

void ntt(Poly& p);
void invntt_tomont(Poly& p);
void basemul_acc(Poly& acc, const Poly& a, const std::uint8_t* b_packed);

// Portable versions, always built; the dispatching functions above call them unless a native
// backend is active.
void ntt_portable(Poly& p);
void invntt_tomont_portable(Poly& p);
void basemul_acc_portable(Poly& acc, const Poly& a, const std::uint8_t* b_packed);

// ---- compile-time tables (FIPS 203 §4.3) ------------------------------------------------------
consteval unsigned bitrev7(unsigned i) {
  unsigned r = 0;
  for (int b = 0; b < 7; ++b) r |= ((i >> b) & 1u) << (6 - b);
  return r;
}

struct NttTables {
  // zetas[i] = 17^BitRev7(i) * 2^16 mod q, centered (Alg. 9/10; Montgomery form for fqmul).
  std::int16_t zetas[128];
  // gammas[i] = 17^(2 BitRev7(i) + 1) * 2^16 mod q, centered (Alg. 11, BaseCaseMultiply).
  std::int16_t gammas[128];
  // lo(zeta * q^-1), lo(gamma * q^-1): the precomputed halves of the Montgomery products.
  std::int16_t zetas_qinv[128];
  std::int16_t gammas_qinv[128];
};

consteval NttTables make_ntt_tables() {
  NttTables t{};
  for (unsigned i = 0; i < 128; ++i) {
    t.zetas[i] = centered(static_cast<std::int64_t>(pow_mod_q(17, bitrev7(i))) * mont_r);
    t.gammas[i] = centered(static_cast<std::int64_t>(pow_mod_q(17, 2 * bitrev7(i) + 1)) * mont_r);
    t.zetas_qinv[i] = qinv_lo(t.zetas[i]);
    t.gammas_qinv[i] = qinv_lo(t.gammas[i]);
  }
  return t;
}
inline constexpr NttTables ntt_tables = make_ntt_tables();

// 17 is a primitive 256th root of unity mod q (FIPS 203 §4.3): 17^128 == -1.
static_assert(pow_mod_q(17, 128) == q - 1);
// invntt final factor: 2^32 / 128 mod q (one 2^16 for Montgomery, one to cancel basemul's 2^-16).
inline constexpr std::int16_t invntt_factor = centered(static_cast<std::int64_t>(mont_r2) * pow_mod_q(128, q - 2));
static_assert(mod_q(static_cast<std::int64_t>(pow_mod_q(128, q - 2)) * 128) == 1 && pow_mod_q(128, q - 2) == 3303);

}  // namespace pqcea::mlkem::detail
