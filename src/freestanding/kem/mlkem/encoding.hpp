// Encoding and compression (FIPS 203 §4.2.1, Alg. 5/6, Eq. 4.7/4.8).
//
// Compress_d on secret coefficients must not divide by q (a variable-time instruction on many
// cores): it is a multiply and shift whose exactness is proved at compile time for every input.
#pragma once
#include <cstddef>
#include <cstdint>

#include "pqcea/core/ct.hpp"
#include "poly.hpp"

namespace pqcea::mlkem::detail {

// ---- Compress_d / Decompress_d (Eq. 4.7, 4.8) ---------------------------------------------------
// Compress_d(x) = round(2^d x / q) mod 2^d = floor((2^d x + 1664) / q) mod 2^d for x in [0, q)
// (no ties: q is odd and prime). floor(v / q) = (v * M) >> S with M, S chosen below.
template <unsigned D>
struct CompressMagic {
  static constexpr unsigned shift = 35;
  static constexpr std::uint64_t mult = ((std::uint64_t{1} << shift) + q - 1) / q;
};
template <unsigned D>
constexpr std::uint16_t compress(std::uint16_t x) {
  // v < 2^23 and mult < 2^25: one 32x32->64 multiply (UMULL on Cortex-M, constant time there).
  const std::uint32_t v = (static_cast<std::uint32_t>(x) << D) + (q - 1) / 2;
  const std::uint64_t prod = static_cast<std::uint64_t>(v) * static_cast<std::uint32_t>(CompressMagic<D>::mult);
  return static_cast<std::uint16_t>((prod >> CompressMagic<D>::shift) & ((1u << D) - 1u));
}
template <unsigned D>
constexpr std::uint16_t decompress(std::uint16_t y) {
  return static_cast<std::uint16_t>((static_cast<std::uint32_t>(y) * q + (1u << (D - 1))) >> D);
}
template <unsigned D>
consteval bool check_compress() {
  for (std::uint32_t x = 0; x < static_cast<std::uint32_t>(q); ++x) {
    const std::uint32_t exact = (((x << D) + (q - 1) / 2) / q) % (1u << D);
    if (compress<D>(static_cast<std::uint16_t>(x)) != exact) return false;
  }
  for (std::uint32_t y = 0; y < (1u << D); ++y) {
    // Decompress_d(y) = round(q y / 2^d), ties up (only possible for odd y, d = 1).
    const std::uint32_t exact = (2 * q * y + (1u << D)) / (2u << D);
    if (decompress<D>(static_cast<std::uint16_t>(y)) != exact) return false;
  }
  return true;
}
// (asserted once, in encoding.cpp)

// ---- ByteEncode_d / ByteDecode_d (Alg. 5, 6), 8 coefficients = d bytes at a time ----------------
template <unsigned D>
inline void encode_group(std::uint8_t* out, const std::uint16_t x[8]) {
  std::uint64_t acc = 0;
  unsigned bits = 0, o = 0;
  for (int t = 0; t < 8; ++t) {
    acc |= static_cast<std::uint64_t>(x[t]) << bits;
    bits += D;
    while (bits >= 8) {
      out[o++] = static_cast<std::uint8_t>(acc);
      acc >>= 8;
      bits -= 8;
    }
  }
}
template <unsigned D>
inline void decode_group(std::uint16_t x[8], const std::uint8_t* in) {
  std::uint64_t acc = 0;
  unsigned bits = 0, i = 0;
  for (int t = 0; t < 8; ++t) {
    while (bits < D) {
      acc |= static_cast<std::uint64_t>(in[i++]) << bits;
      bits += 8;
    }
    x[t] = static_cast<std::uint16_t>(acc & ((1u << D) - 1u));
    acc >>= D;
    bits -= D;
  }
}

// ByteEncode_12 of a polynomial with coefficients in [0, q) (384 bytes).
void encode12(std::uint8_t* out, const Poly& p);
// ByteDecode_12 (Alg. 6, m = q): values >= q are reduced, as the standard specifies.
void decode12(Poly& p, const std::uint8_t* in);
// FIPS 203 §7.2 modulus check of one polynomial's 384 bytes: every 12-bit value < q.
// Public data only (the encapsulation key).
bool check12(const std::uint8_t* in);
// Barrett + conditional add: every coefficient to [0, q), ready for encode12.
void poly_canonical(Poly& p);

// ByteEncode_d(Compress_d(p)) for any coefficients (reduced here first), emitted 8 coefficients
// (d bytes) at a time to sink.put(bytes, d). Streams the ciphertext, or compares it (Decaps).
template <unsigned D, class Sink>
void compress_encode(const Poly& p, Sink& sink) {
  for (int g = 0; g < n / 8; ++g) {
    std::uint16_t x[8];
    for (int t = 0; t < 8; ++t) x[t] = compress<D>(static_cast<std::uint16_t>(to_canonical(p.c[8 * g + t])));
    std::uint8_t bytes[D];
    encode_group<D>(bytes, x);
    sink.put(bytes, D);
  }
}

// Decompress_d(ByteDecode_d(in)) (32 d bytes). Output in [0, q).
template <unsigned D>
void decode_decompress(Poly& p, const std::uint8_t* in) {
  for (int g = 0; g < n / 8; ++g) {
    std::uint16_t x[8];
    decode_group<D>(x, in + D * g);
    for (int t = 0; t < 8; ++t) p.c[8 * g + t] = static_cast<std::int16_t>(decompress<D>(x[t]));
  }
}

// Decompress_1(ByteDecode_1(m)): bit i of m becomes 0 or (q+1)/2. Constant-time in m.
void poly_from_msg(Poly& p, const std::uint8_t m[32]);
// ByteEncode_1(Compress_1(p)) for any coefficients. Constant-time in p.
void poly_to_msg(std::uint8_t m[32], const Poly& p);

}  // namespace pqcea::mlkem::detail
