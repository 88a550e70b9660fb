// Internal view of the ML-DSA parameter sets: the public structs (include/pqcea/mldsa.hpp) plus the
// packed sizes of each polynomial encoding (FIPS 204 §7.2) and the byte offsets inside keys and
// signatures.
#pragma once
#include <cstddef>
#include <cstdint>

#include "pqcea/mldsa.hpp"

namespace pqcea::mldsa::detail {

inline constexpr std::int32_t Q = kQ;
inline constexpr int N = kN;

template <class P>
struct Sizes {
  static constexpr std::size_t poly_t1 = 32 * P::t1_bits;    // 320
  static constexpr std::size_t poly_t0 = 32 * kD;            // 416
  static constexpr std::size_t poly_eta = 32 * P::eta_bits;  // 96 or 128
  static constexpr std::size_t poly_z = 32 * P::z_bits;      // 576 or 640
  static constexpr std::size_t poly_w1 = 32 * P::w1_bits;    // 192 or 128
  // skEncode (Alg. 24): rho || K || tr || s1 || s2 || t0
  static constexpr std::size_t sk_rho = 0, sk_key = 32, sk_tr = 64, sk_s1 = 128;
  static constexpr std::size_t sk_s2 = sk_s1 + P::l * poly_eta;
  static constexpr std::size_t sk_t0 = sk_s2 + P::k * poly_eta;
  // sigEncode (Alg. 26): c~ || z || h
  static constexpr std::size_t sig_z = P::ctilde_bytes;
  static constexpr std::size_t sig_h = sig_z + P::l * poly_z;
  static constexpr std::size_t w1_bytes = P::k * poly_w1;
  // (q-1) / (2 gamma2): the number of HighBits values (Alg. 36).
  static constexpr std::int32_t m_high = (Q - 1) / (2 * P::gamma2);
  static_assert(sk_t0 + P::k * poly_t0 == P::sk_bytes, "skEncode layout (FIPS 204 Alg. 24)");
  static_assert(sig_h + P::omega + P::k == P::sig_bytes, "sigEncode layout (FIPS 204 Alg. 26)");
  static_assert(32 + P::k * poly_t1 == P::pk_bytes, "pkEncode layout (FIPS 204 Alg. 22)");
  static_assert(m_high == 16 || m_high == 44);
};

}  // namespace pqcea::mldsa::detail
