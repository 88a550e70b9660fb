// Key and signature encodings (FIPS 204 §7.2, Alg. 22-28) one polynomial at a time, so that both
// memory modes can pack and unpack exactly the polynomial they work on.
#pragma once
#include <cstdint>

#include "packing.hpp"
#include "params.hpp"

namespace pqcea::mldsa::detail {

template <class P>
struct Enc {
  using S = Sizes<P>;
  // pkEncode / pkDecode: t1 (Alg. 22 step 3, SimpleBitPack with 10 bits)
  static void pack_t1(std::uint8_t* pk, int i, const Poly& t1) { pack_unsigned<P::t1_bits>(pk + 32 + i * S::poly_t1, t1); }
  static void unpack_t1(Poly& t1, const std::uint8_t* pk, int i) { unpack_unsigned<P::t1_bits>(t1, pk + 32 + i * S::poly_t1); }
  // skEncode / skDecode: s1, s2 as BitPack(s, eta, eta); t0 as BitPack(t0, 2^12 - 1, 2^12)
  static void pack_s1(std::uint8_t* sk, int j, const Poly& s) { pack_signed<P::eta_bits, P::eta>(sk + S::sk_s1 + j * S::poly_eta, s); }
  static void pack_s2(std::uint8_t* sk, int i, const Poly& s) { pack_signed<P::eta_bits, P::eta>(sk + S::sk_s2 + i * S::poly_eta, s); }
  static void pack_t0(std::uint8_t* sk, int i, const Poly& t0) { pack_signed<kD, (1 << (kD - 1))>(sk + S::sk_t0 + i * S::poly_t0, t0); }
  static void unpack_s1(Poly& s, const std::uint8_t* sk, int j) { unpack_signed<P::eta_bits, P::eta>(s, sk + S::sk_s1 + j * S::poly_eta); }
  static void unpack_s2(Poly& s, const std::uint8_t* sk, int i) { unpack_signed<P::eta_bits, P::eta>(s, sk + S::sk_s2 + i * S::poly_eta); }
  static void unpack_t0(Poly& t0, const std::uint8_t* sk, int i) { unpack_signed<kD, (1 << (kD - 1))>(t0, sk + S::sk_t0 + i * S::poly_t0); }
  // sigEncode / sigDecode: z as BitPack(z, gamma1 - 1, gamma1)
  static void pack_z(std::uint8_t* sig, int j, const Poly& z) { pack_signed<P::z_bits, P::gamma1>(sig + S::sig_z + j * S::poly_z, z); }
  static void unpack_z(Poly& z, const std::uint8_t* sig, int j) { unpack_signed<P::z_bits, P::gamma1>(z, sig + S::sig_z + j * S::poly_z); }
  // w1Encode (Alg. 28): SimpleBitPack(w1, (q-1)/(2 gamma2) - 1)
  static void pack_w1(std::uint8_t* out, const Poly& w1) { pack_unsigned<P::w1_bits>(out, w1); }
};

}  // namespace pqcea::mldsa::detail
