// Falcon encodings (round-3 specification v1.2 §3.11): the public key (14 bits per coefficient
// mod q), the private key (f, g trimmed to fg_bits, F to 8 bits) and the compressed signature.
//
// Two layers:
//   * bodies without header, independent of the parameter set (codec.cpp): modq_*, trim_i8_*,
//     comp_*. Each returns the number of bytes written/consumed, 0 on failure;
//   * whole objects with their header byte, per parameter set (below): *_public_key,
//     *_private_key, *_signature, returning a Status.
//
// Decoding is strict (the issue asks for it, and a signature must have exactly one encoding so
// that it cannot be mauled into another valid one): values >= q in the public key, the forbidden
// value -2^(bits-1) in the private key, "-0", an over-long unary part, non-zero unused bits in the
// last byte, non-zero padding, wrong header bytes and wrong lengths are all rejected.
//
// Nothing here branches on coefficient values while ENCODING secret data (trim_i8_encode works
// on f, g, F with masks); decoding of the private key checks the forbidden value with masks as
// well and reports one combined verdict. The signature and public key are public.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/falcon.hpp"

namespace pqcea::falcon::codec {

// Header bytes (spec §3.11.1-§3.11.3): the high nibble tells the object, the low nibble is logn.
inline constexpr std::uint8_t kPublicKeyHeader = 0x00;
inline constexpr std::uint8_t kPrivateKeyHeader = 0x50;
inline constexpr std::uint8_t kSignatureHeader = 0x30;  // compressed and padded alike
// Only in the NIST round-3 "signed message" (sm) layout of the KAT files: 2-byte length, nonce,
// message, then 0x20 + logn and the compressed s2. Never accepted by verify().
inline constexpr std::uint8_t kNistSmHeader = 0x20;

// Largest |s2_i| the compressed format can carry (7 low bits + a unary high part up to 15).
inline constexpr int kCompMax = 2047;

// ---- bodies ------------------------------------------------------------------------------------

// 14 bits per coefficient, most significant bit first (spec §3.11.1). x must be in [0, q).
// Writes exactly 14 * x.size() / 8 bytes; returns 0 if out is too small or a value is >= q.
std::size_t modq_encode(std::span<std::uint8_t> out, std::span<const std::uint16_t> x);
// Reads exactly 14 * x.size() / 8 bytes; returns 0 if in is too short or a value is >= q.
std::size_t modq_decode(std::span<std::uint16_t> x, std::span<const std::uint8_t> in);

// Two's complement in `bits` bits, most significant bit first (spec §3.11.2, private key).
// The value -2^(bits-1) is not allowed (keeps the encoding symmetric); encoding fails (0) if any
// value is outside [-(2^(bits-1) - 1), 2^(bits-1) - 1]. Constant time in the values.
std::size_t trim_i8_encode(std::span<std::uint8_t> out, std::span<const std::int8_t> x, unsigned bits);
// Returns 0 if in is too short or any decoded value is -2^(bits-1). Constant time in the values.
std::size_t trim_i8_decode(std::span<std::int8_t> x, std::span<const std::uint8_t> in, unsigned bits);

// Compressed s2 (spec §3.11.2, Alg. 17 Compress): per coefficient a sign bit, the 7 low bits of
// |s|, then |s| >> 7 zero bits and a one. The last byte is zero-filled. Returns the number of
// bytes written, 0 if a value exceeds kCompMax in magnitude or the result does not fit in out.
// Variable time: the signature is public.
std::size_t comp_encode(std::span<std::uint8_t> out, std::span<const std::int16_t> x);
// Alg. 18 Decompress, strict: rejects (returns 0) "-0", a unary part that would exceed kCompMax,
// running out of input, and non-zero unused bits in the last byte read. Returns the number of
// bytes consumed (the caller compares it with the length it expects).
std::size_t comp_decode(std::span<std::int16_t> x, std::span<const std::uint8_t> in);

// ---- whole objects -----------------------------------------------------------------------------

template <class P>
[[nodiscard]] Status encode_public_key(std::span<std::uint8_t, P::pk_bytes> pk, std::span<const std::uint16_t, P::n> h) {
  pk[0] = static_cast<std::uint8_t>(kPublicKeyHeader + P::logn);
  return modq_encode(pk.subspan(1), h) == P::pk_bytes - 1 ? Status::ok : Status::invalid_argument;
}

// Status::invalid_key on a wrong header or a coefficient >= q.
template <class P>
[[nodiscard]] Status decode_public_key(std::span<std::uint16_t, P::n> h, std::span<const std::uint8_t, P::pk_bytes> pk) {
  if (pk[0] != kPublicKeyHeader + P::logn) return Status::invalid_key;
  return modq_decode(h, pk.subspan(1)) == P::pk_bytes - 1 ? Status::ok : Status::invalid_key;
}

// Status::invalid_argument if f or g does not fit in fg_bits or F in 8 bits (key generation
// must then draw again; the spec's keygen rejects such keys).
template <class P>
[[nodiscard]] Status encode_private_key(std::span<std::uint8_t, P::sk_bytes> sk, std::span<const std::int8_t, P::n> f,
                                        std::span<const std::int8_t, P::n> g, std::span<const std::int8_t, P::n> F) {
  constexpr std::size_t fg = P::fg_bits * P::n / 8;
  sk[0] = static_cast<std::uint8_t>(kPrivateKeyHeader + P::logn);
  const std::size_t a = trim_i8_encode(sk.subspan(1, fg), f, P::fg_bits);
  const std::size_t b = trim_i8_encode(sk.subspan(1 + fg, fg), g, P::fg_bits);
  const std::size_t c = trim_i8_encode(sk.subspan(1 + 2 * fg, P::n), F, 8);
  return ((a == fg) & (b == fg) & (c == P::n)) ? Status::ok : Status::invalid_argument;
}

// Status::invalid_key on a wrong header or a forbidden value. G is not stored: the signer
// recomputes it (mq::compute_G in ntt.hpp).
template <class P>
[[nodiscard]] Status decode_private_key(std::span<std::int8_t, P::n> f, std::span<std::int8_t, P::n> g,
                                        std::span<std::int8_t, P::n> F, std::span<const std::uint8_t, P::sk_bytes> sk) {
  constexpr std::size_t fg = P::fg_bits * P::n / 8;
  if (sk[0] != kPrivateKeyHeader + P::logn) return Status::invalid_key;
  const std::size_t a = trim_i8_decode(f, sk.subspan(1, fg), P::fg_bits);
  const std::size_t b = trim_i8_decode(g, sk.subspan(1 + fg, fg), P::fg_bits);
  const std::size_t c = trim_i8_decode(F, sk.subspan(1 + 2 * fg, P::n), 8);
  return ((a == fg) & (b == fg) & (c == P::n)) ? Status::ok : Status::invalid_key;
}

// header || nonce || compressed s2, zero-padded to sig_padded_bytes for Format::padded.
// sig must hold sig_max_bytes (compressed) or sig_padded_bytes (padded), else invalid_length.
// Status::buffer_too_small means s2 does not fit the format: the signer samples again (spec
// Alg. 10 step 13 for the padded bound; sig_max_bytes for the compressed one).
template <class P>
[[nodiscard]] Status encode_signature(std::span<std::uint8_t> sig, std::size_t& sig_len,
                                      std::span<const std::uint8_t, kNonceBytes> nonce,
                                      std::span<const std::int16_t, P::n> s2, Format format) {
  const std::size_t total = format == Format::padded ? P::sig_padded_bytes : P::sig_max_bytes;
  if (sig.size() < total) return Status::invalid_length;
  sig[0] = static_cast<std::uint8_t>(kSignatureHeader + P::logn);
  for (std::size_t i = 0; i < kNonceBytes; ++i) sig[1 + i] = nonce[i];
  const std::span<std::uint8_t> body = sig.subspan(1 + kNonceBytes, total - 1 - kNonceBytes);
  const std::size_t used = comp_encode(body, s2);
  if (used == 0) return Status::buffer_too_small;
  if (format == Format::padded) {
    for (std::size_t i = used; i < body.size(); ++i) body[i] = 0;
    sig_len = total;
  } else {
    sig_len = 1 + kNonceBytes + used;
  }
  return Status::ok;
}

// Strict decoding of a whole signature: header, exact length (compressed: the encoding must end
// exactly at the last byte and the total must not exceed sig_max_bytes; padded: exactly
// sig_padded_bytes with zero padding). The nonce is sig[1 .. 1 + kNonceBytes). Returns
// Status::invalid_signature on any failure.
template <class P>
[[nodiscard]] Status decode_signature(std::span<std::int16_t, P::n> s2, std::span<const std::uint8_t> sig, Format format) {
  if (format == Format::padded ? sig.size() != P::sig_padded_bytes
                               : (sig.size() < 2 + kNonceBytes || sig.size() > P::sig_max_bytes))
    return Status::invalid_signature;
  if (sig[0] != kSignatureHeader + P::logn) return Status::invalid_signature;
  const std::span<const std::uint8_t> body = sig.subspan(1 + kNonceBytes);
  const std::size_t used = comp_decode(s2, body);
  if (used == 0) return Status::invalid_signature;
  if (format == Format::compressed) return used == body.size() ? Status::ok : Status::invalid_signature;
  std::uint8_t pad = 0;
  for (std::size_t i = used; i < body.size(); ++i) pad |= body[i];
  return pad == 0 ? Status::ok : Status::invalid_signature;
}

}  // namespace pqcea::falcon::codec
