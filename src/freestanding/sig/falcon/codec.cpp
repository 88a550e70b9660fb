// Falcon encodings, header-less bodies (round-3 spec v1.2 §3.11). See codec.hpp for the contract.
// All bit strings are big-endian: the first value occupies the most significant bits of the
// first byte. An accumulator holds the not-yet-written (or not-yet-read) low bits.
#include "codec.hpp"

#include "pqcea/core/ct.hpp"

namespace pqcea::falcon::codec {
namespace {
constexpr std::uint32_t kQ = static_cast<std::uint32_t>(pqcea::falcon::kQ);
constexpr std::size_t packed_len(std::size_t count, unsigned bits) { return (count * bits + 7) / 8; }
}  // namespace

std::size_t modq_encode(std::span<std::uint8_t> out, std::span<const std::uint16_t> x) {
  const std::size_t len = packed_len(x.size(), 14);
  if (out.size() < len) return 0;
  for (const std::uint16_t v : x)
    if (v >= kQ) return 0;  // public data: an early exit is fine
  std::uint32_t acc = 0;
  unsigned acc_len = 0;
  std::size_t k = 0;
  for (const std::uint16_t v : x) {
    acc = (acc << 14) | v;
    acc_len += 14;
    while (acc_len >= 8) {
      acc_len -= 8;
      out[k++] = static_cast<std::uint8_t>(acc >> acc_len);
    }
  }
  if (acc_len > 0) out[k++] = static_cast<std::uint8_t>(acc << (8 - acc_len));
  return k;
}

std::size_t modq_decode(std::span<std::uint16_t> x, std::span<const std::uint8_t> in) {
  const std::size_t len = packed_len(x.size(), 14);
  if (in.size() < len) return 0;
  std::size_t u = 0;
  std::size_t k = 0;
  // Fast path: 7 bytes carry exactly 4 coefficients (about half the work per value of the
  // bit-serial loop below, which handles the rest).
  for (; u + 4 <= x.size(); u += 4, k += 7) {
    const std::uint32_t hi = (std::uint32_t{in[k]} << 24) | (std::uint32_t{in[k + 1]} << 16) |
                             (std::uint32_t{in[k + 2]} << 8) | in[k + 3];
    const std::uint32_t lo = (std::uint32_t{in[k + 4]} << 16) | (std::uint32_t{in[k + 5]} << 8) | in[k + 6];
    const std::uint32_t w0 = hi >> 18, w1 = (hi >> 4) & 0x3FFF, w2 = ((hi & 0xF) << 10) | (lo >> 14), w3 = lo & 0x3FFF;
    // Spec §3.11.1: each coefficient is in [0, q); 14 bits could carry up to 16383.
    if ((w0 >= kQ) | (w1 >= kQ) | (w2 >= kQ) | (w3 >= kQ)) return 0;
    x[u] = static_cast<std::uint16_t>(w0);
    x[u + 1] = static_cast<std::uint16_t>(w1);
    x[u + 2] = static_cast<std::uint16_t>(w2);
    x[u + 3] = static_cast<std::uint16_t>(w3);
  }
  std::uint32_t acc = 0;
  unsigned acc_len = 0;
  for (; k < len; ++k) {
    acc = (acc << 8) | in[k];
    acc_len += 8;
    if (acc_len >= 14) {
      acc_len -= 14;
      const std::uint32_t w = (acc >> acc_len) & 0x3FFF;
      // Spec §3.11.1: each coefficient is in [0, q); 14 bits could carry up to 16383.
      if (w >= kQ) return 0;
      x[u++] = static_cast<std::uint16_t>(w);
    }
  }
  // Only possible for n < 4 (14n not a multiple of 8): unused bits must be zero.
  if ((acc & ((std::uint32_t{1} << acc_len) - 1)) != 0) return 0;
  return len;
}

std::size_t trim_i8_encode(std::span<std::uint8_t> out, std::span<const std::int8_t> x, unsigned bits) {
  const std::size_t len = packed_len(x.size(), bits);
  if (out.size() < len || bits < 2 || bits > 8) return 0;
  const std::int32_t maxv = (std::int32_t{1} << (bits - 1)) - 1;
  const std::uint32_t field = (std::uint32_t{1} << bits) - 1;
  std::uint32_t bad = 0;  // collects the range checks without branching on the secret values
  std::uint32_t acc = 0;
  unsigned acc_len = 0;
  std::size_t k = 0;
  for (const std::int8_t v8 : x) {
    const std::int32_t v = v8;
    // v in [-maxv, maxv]  <=>  v + maxv >= 0 and maxv - v >= 0 (sign bits, no branch).
    bad |= static_cast<std::uint32_t>((v + maxv) | (maxv - v)) >> 31;
    acc = (acc << bits) | (static_cast<std::uint32_t>(v) & field);
    acc_len += bits;
    while (acc_len >= 8) {
      acc_len -= 8;
      out[k++] = static_cast<std::uint8_t>(acc >> acc_len);
    }
  }
  if (acc_len > 0) out[k++] = static_cast<std::uint8_t>(acc << (8 - acc_len));
  // Whether f, g, F fit is a key-generation rejection decision (the key is then discarded).
  return ct::declassify_value(bad, "private key encoding: the key fits the format") == 0 ? k : 0;
}

std::size_t trim_i8_decode(std::span<std::int8_t> x, std::span<const std::uint8_t> in, unsigned bits) {
  const std::size_t len = packed_len(x.size(), bits);
  if (in.size() < len || bits < 2 || bits > 8) return 0;
  const std::uint32_t field = (std::uint32_t{1} << bits) - 1;
  const std::uint32_t sign = std::uint32_t{1} << (bits - 1);
  std::uint32_t bad = 0;
  std::uint32_t acc = 0;
  unsigned acc_len = 0;
  std::size_t u = 0;
  for (std::size_t k = 0; k < len; ++k) {
    acc = (acc << 8) | in[k];
    acc_len += 8;
    while (acc_len >= bits && u < x.size()) {
      acc_len -= bits;
      const std::uint32_t w = (acc >> acc_len) & field;
      // Spec §3.11.2: -2^(bits-1) (sign bit alone) is forbidden. (w ^ sign) == 0 exactly then.
      const std::uint32_t d = w ^ sign;
      bad |= ((d | (0u - d)) >> 31) ^ 1u;
      // Sign extension: subtract 2^bits when the sign bit is set, without a branch.
      const std::uint32_t neg = 0u - ((w & sign) >> (bits - 1));
      x[u++] = static_cast<std::int8_t>(static_cast<std::int32_t>(w | (neg & ~field)));
    }
  }
  bad |= acc & ((std::uint32_t{1} << acc_len) - 1);  // unused bits must be zero (no branch)
  // The verdict on the whole key leaves the constant-time region: a private key that fails to
  // decode is rejected (and the caller learns only that).
  return ct::declassify_value(bad, "private key decoding: the key's validity") == 0 ? len : 0;
}

std::size_t comp_encode(std::span<std::uint8_t> out, std::span<const std::int16_t> x) {
  std::uint32_t acc = 0;
  unsigned acc_len = 0;
  std::size_t k = 0;
  for (const std::int16_t s : x) {
    if (s < -kCompMax || s > kCompMax) return 0;
    const std::uint32_t t = static_cast<std::uint32_t>(s < 0 ? -s : s);
    // Alg. 17 step 3: sign bit, then the 7 low bits of |s|.
    acc = (acc << 8) | (s < 0 ? 0x80u : 0u) | (t & 0x7F);
    acc_len += 8;
    // Alg. 17 step 4: |s| >> 7 zeros then a one. At most 16 bits; acc never exceeds 31 bits.
    const unsigned high = t >> 7;
    acc = (acc << (high + 1)) | 1u;
    acc_len += high + 1;
    while (acc_len >= 8) {
      acc_len -= 8;
      if (k >= out.size()) return 0;
      out[k++] = static_cast<std::uint8_t>(acc >> acc_len);
    }
  }
  if (acc_len > 0) {
    if (k >= out.size()) return 0;
    out[k++] = static_cast<std::uint8_t>(acc << (8 - acc_len));
  }
  return k;
}

std::size_t comp_decode(std::span<std::int16_t> x, std::span<const std::uint8_t> in) {
  std::uint32_t acc = 0;
  unsigned acc_len = 0;  // bits of acc not yet consumed, always < 8 between coefficients
  std::size_t v = 0;
  for (std::int16_t& out : x) {
    if (v >= in.size()) return 0;
    acc = (acc << 8) | in[v++];
    const std::uint32_t b = (acc >> acc_len) & 0xFF;
    const bool negative = (b & 0x80) != 0;
    std::uint32_t m = b & 0x7F;
    for (;;) {
      if (acc_len == 0) {
        if (v >= in.size()) return 0;
        acc = (acc << 8) | in[v++];
        acc_len = 8;
      }
      --acc_len;
      if (((acc >> acc_len) & 1) != 0) break;
      m += 128;
      // Alg. 18: the value must stay within what Compress can produce.
      if (m > static_cast<std::uint32_t>(kCompMax)) return 0;
    }
    // "-0" has a second encoding; only +0 is canonical.
    if (negative && m == 0) return 0;
    out = static_cast<std::int16_t>(negative ? -static_cast<std::int32_t>(m) : static_cast<std::int32_t>(m));
  }
  // Alg. 18 / §3.11.2: the bits after the last coefficient in the last byte must be zero.
  if ((acc & ((std::uint32_t{1} << acc_len) - 1)) != 0) return 0;
  return v;
}

}  // namespace pqcea::falcon::codec
