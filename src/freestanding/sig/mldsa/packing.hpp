// Bit packing of polynomials (FIPS 204 §7.1/§7.2: SimpleBitPack, BitPack and their inverses).
// Coefficients are packed LSB first into consecutive bits (IntegerToBits, then BitsToBytes).
// pack_bits/unpack_bits work on w-bit unsigned values; the signed encodings store b - x.
#pragma once
#include <cstddef>
#include <cstdint>

#include "poly.hpp"

namespace pqcea::mldsa::detail {

// Packs 256 values of W bits (each < 2^W) into 32 W bytes.
template <int W>
inline void pack_bits(std::uint8_t* out, const std::uint32_t* v) {
  // 8 values of W bits fill exactly W bytes.
  for (int g = 0; g < N / 8; ++g) {
    std::uint64_t acc = 0;
    int nbits = 0;
    std::uint8_t* o = out + g * W;
    for (int i = 0; i < 8; ++i) {
      acc |= static_cast<std::uint64_t>(v[8 * g + i]) << nbits;
      nbits += W;
      while (nbits >= 8) {
        *o++ = static_cast<std::uint8_t>(acc);
        acc >>= 8;
        nbits -= 8;
      }
    }
  }
}

// Unpacks value i (W bits) from a packed polynomial.
template <int W>
inline std::uint32_t unpack_one(const std::uint8_t* in, int i) {
  const std::size_t bit = static_cast<std::size_t>(i) * W;
  const std::uint8_t* p = in + bit / 8;
  std::uint32_t v = 0;
  const int nbytes = static_cast<int>((bit % 8 + W + 7) / 8);
  for (int b = 0; b < nbytes; ++b) v |= static_cast<std::uint32_t>(p[b]) << (8 * b);
  return (v >> (bit % 8)) & ((1u << W) - 1u);
}

// Unpacks 256 values of W bits.
template <int W>
inline void unpack_bits(std::uint32_t* v, const std::uint8_t* in) {
  for (int g = 0; g < N / 8; ++g) {
    const std::uint8_t* p = in + g * W;
    std::uint64_t acc = 0;
    int nbits = 0;
    for (int i = 0; i < 8; ++i) {
      while (nbits < W) {
        acc |= static_cast<std::uint64_t>(*p++) << nbits;
        nbits += 8;
      }
      v[8 * g + i] = static_cast<std::uint32_t>(acc) & ((1u << W) - 1u);
      acc >>= W;
      nbits -= W;
    }
  }
}

// BitPack(w, a, b) with a + b < 2^W: stores b - w_i (Alg. 17). Coefficients must be in [-a, b].
template <int W, std::int32_t B>
inline void pack_signed(std::uint8_t* out, const Poly& a) {
  std::uint32_t v[N];
  for (int i = 0; i < N; ++i) v[i] = static_cast<std::uint32_t>(B - a.c[i]);
  pack_bits<W>(out, v);
}
// BitUnpack (Alg. 19): w_i = b - value. Any bit pattern decodes (range checks are the caller's).
template <int W, std::int32_t B>
inline void unpack_signed(Poly& a, const std::uint8_t* in) {
  std::uint32_t v[N];
  unpack_bits<W>(v, in);
  for (int i = 0; i < N; ++i) a.c[i] = B - static_cast<std::int32_t>(v[i]);
}
template <int W>
inline void pack_unsigned(std::uint8_t* out, const Poly& a) {
  pack_bits<W>(out, reinterpret_cast<const std::uint32_t*>(a.c));
}
template <int W>
inline void unpack_unsigned(Poly& a, const std::uint8_t* in) {
  unpack_bits<W>(reinterpret_cast<std::uint32_t*>(a.c), in);
}

}  // namespace pqcea::mldsa::detail
