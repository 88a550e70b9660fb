// Falcon verification (round-3 spec v1.2 §3.10, Alg. 16 "Verify"), integer only, sized for the
// bootloader: at n = 1024 it holds two polynomials of uint16 (h, then s2 and s2 * h in place),
// 2 KB each, and streams HashToPoint coefficient by coefficient instead of storing c.
//
// Everything here is public (key, message, signature), so early exits and variable-time
// HashToPoint are fine.
#include "codec.hpp"
#include "hash_to_point.hpp"
#include "ntt.hpp"
#include "pqcea/falcon.hpp"

namespace pqcea::falcon {
namespace {

// Adds v (< 2^26) to a running squared norm. Once a partial sum reaches 2^31 the flag keeps bit
// 31, and the final result saturates: no 32-bit wrap-around can make a long vector look short
// (each addend is < 2^26, so from < 2^31 the sum cannot pass 2^32 in one step).
struct SquaredNorm {
  std::uint32_t sum = 0;
  std::uint32_t seen = 0;
  void add(std::int32_t x) {
    sum += static_cast<std::uint32_t>(x * x);
    seen |= sum;
  }
  std::uint32_t value() const { return sum | (0u - (seen >> 31)); }
};

}  // namespace

template <class P>
Status verify(std::span<const std::uint8_t, P::pk_bytes> pk, std::span<const std::uint8_t> msg,
              std::span<const std::uint8_t> sig, Format format) {
  std::uint16_t h[P::n];
  std::int16_t s2[P::n];
  // Alg. 16 step 1 and §3.11: strict decoding of the key and of (r, s2).
  if (codec::decode_public_key<P>(h, pk) != Status::ok) return Status::invalid_key;
  if (codec::decode_signature<P>(s2, sig, format) != Status::ok) return Status::invalid_signature;
  const std::span<const std::uint8_t, kNonceBytes> nonce = sig.subspan<1, kNonceBytes>();

  // ||s2||^2 first; the transforms then work in place on s2 and h (signed representatives).
  SquaredNorm norm;
  for (std::size_t i = 0; i < P::n; ++i) norm.add(s2[i]);
  // Alg. 16 step 3: s1 = c - s2 h mod q, with s2 h = NTT^-1(NTT(s2) * NTT(h)). h holds values
  // < q, so its bits are the same as int16 (and uint16 may alias int16).
  const std::span<std::int16_t, P::n> hs(reinterpret_cast<std::int16_t*>(h), P::n);
  mq::ntt_signed(hs);
  mq::ntt_signed(s2);
  auto* t = reinterpret_cast<std::uint16_t*>(s2);
  mq::mul_ntt_inverse(s2, hs, std::span<std::uint16_t, P::n>(t, P::n));
  // Alg. 16 step 2 (c = HashToPoint(r || m)), streamed; step 4: centred s1, the norm bound.
  HashToPoint c(nonce, msg);
  for (std::size_t i = 0; i < P::n; ++i) {
    const std::int32_t d = static_cast<std::int32_t>(c.next()) - t[i];  // in (-q, q)
    norm.add(mq::centred(mq::from_signed(d)));
  }
  return norm.value() <= P::beta_sq ? Status::ok : Status::invalid_signature;
}

template Status verify<Falcon512>(std::span<const std::uint8_t, Falcon512::pk_bytes>, std::span<const std::uint8_t>,
                                  std::span<const std::uint8_t>, Format);
template Status verify<Falcon1024>(std::span<const std::uint8_t, Falcon1024::pk_bytes>, std::span<const std::uint8_t>,
                                   std::span<const std::uint8_t>, Format);

}  // namespace pqcea::falcon
