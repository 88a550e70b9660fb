// ML-KEM internal constants (FIPS 203 §2.4, §4.3) and the parameter sets' derived sizes.
// The public parameter struct and the Table 3 static_asserts live in include/pqcea/mlkem.hpp.
#pragma once
#include <cstddef>
#include <cstdint>

#include "pqcea/mlkem.hpp"

namespace pqcea::mlkem::detail {

inline constexpr int n = 256;                   // polynomial degree (FIPS 203 §2.4)
inline constexpr std::int16_t q = 3329;         // modulus q = 2^8 * 13 + 1
inline constexpr std::size_t poly_bytes = 384;  // ByteEncode_12 of one polynomial

// Montgomery arithmetic with R = 2^16: q * qinv == 1 (mod 2^16).
inline constexpr std::uint32_t qinv_u16 = 62209;
inline constexpr std::int16_t qinv = -3327;  // the same as a signed 16-bit value
static_assert((static_cast<std::uint32_t>(q) * qinv_u16) % 65536u == 1u);

consteval bool supported(const Params& p) {
  return (p.k == 2 || p.k == 3 || p.k == 4) && (p.eta1 == 2 || p.eta1 == 3) && p.eta2 == 2 &&
         (p.du == 10 || p.du == 11) && (p.dv == 4 || p.dv == 5);
}
static_assert(supported(ml_kem_512) && supported(ml_kem_768) && supported(ml_kem_1024));

// FIPS 203 Table 2 rows, checked field by field so a typo in the public header cannot slip by.
static_assert(ml_kem_512.k == 2 && ml_kem_512.eta1 == 3 && ml_kem_512.eta2 == 2 && ml_kem_512.du == 10 &&
              ml_kem_512.dv == 4);
static_assert(ml_kem_768.k == 3 && ml_kem_768.eta1 == 2 && ml_kem_768.eta2 == 2 && ml_kem_768.du == 10 &&
              ml_kem_768.dv == 4);
static_assert(ml_kem_1024.k == 4 && ml_kem_1024.eta1 == 2 && ml_kem_1024.eta2 == 2 && ml_kem_1024.du == 11 &&
              ml_kem_1024.dv == 5);

// Offsets inside the expanded decapsulation key dk = dk_PKE || ek || H(ek) || z (FIPS 203 Alg. 16).
template <Params P>
struct DkLayout {
  static constexpr std::size_t pke = 0;
  static constexpr std::size_t ek = P.dk_pke_bytes();
  static constexpr std::size_t h = ek + P.ek_bytes();
  static constexpr std::size_t z = h + 32;
  static_assert(z + 32 == P.dk_bytes());
};

}  // namespace pqcea::mlkem::detail
