// WOTS+ (FIPS 205 §5): message digits with checksum, key generation streamed into T_len, signing
// fused into key generation, and public key from a signature.
#pragma once
#include <cstdint>
#include <cstring>

#include "hash.hpp"

namespace pqcea::slhdsa::detail {

// base_2b(X, b, out_len) (FIPS 205 Alg. 4): X as out_len integers of b bits, most significant first.
inline void base_2b(std::uint32_t* out, const std::uint8_t* x, int b, int out_len) {
  std::size_t in = 0;
  int bits = 0;
  std::uint32_t total = 0;
  for (int i = 0; i < out_len; ++i) {
    while (bits < b) {
      total = (total << 8) | x[in++];
      bits += 8;
    }
    bits -= b;
    out[i] = (total >> bits) & ((1u << b) - 1u);
    total &= (1u << bits) - 1u;  // keep only the unread bits (no overflow for b <= 24)
  }
}

// The len base-w digits WOTS+ signs for an n-byte message: len1 message digits and len2
// checksum digits (FIPS 205 Alg. 7 steps 1-9, the same as Alg. 8 steps 1-9).
template <class P>
void wots_digits(std::uint8_t* digits, const std::uint8_t* msg) {
  std::uint32_t d[P::len];
  base_2b(d, msg, kLgW, P::len1);  // step 4
  std::uint32_t csum = 0;
  for (int i = 0; i < P::len1; ++i) csum += static_cast<std::uint32_t>(kW - 1) - d[i];  // steps 5-7
  // step 8: csum << ((8 - ((len2 * lg_w) mod 8)) mod 8); step 9: base_2b(toByte(csum, ...), lg_w, len2)
  constexpr int shift = (8 - ((P::len2 * kLgW) % 8)) % 8;
  constexpr int csum_bytes = (P::len2 * kLgW + 7) / 8;
  static_assert(csum_bytes <= 4);
  csum <<= shift;
  std::uint8_t cb[4];
  for (int i = 0; i < csum_bytes; ++i) cb[i] = static_cast<std::uint8_t>(csum >> (8 * (csum_bytes - 1 - i)));
  base_2b(d + P::len1, cb, kLgW, P::len2);
  for (int i = 0; i < P::len; ++i) digits[i] = static_cast<std::uint8_t>(d[i]);
}

// wots_pkGen (FIPS 205 Alg. 6) for the key pair in `adrs` (type WOTS_HASH, key pair address
// set). When `sig` is given, also writes wots_sign (Alg. 7) of the message with these digits:
// chain i is cut at digit i, the value there is signature element i, and the chain then runs on to
// w - 1 for the public key. The len chain ends go into T_len one by one (no len*n buffer).
template <class P>
void wots_leaf(const Hashes<P>& hs, std::uint8_t* pk, Adrs adrs, const std::uint8_t* sk_seed, std::uint8_t* sig,
               const std::uint8_t* digits) {
  constexpr std::size_t n = P::n;
  Adrs sk_adrs = adrs;  // Alg. 6 steps 1-3
  sk_adrs.set_type_and_clear(AdrsType::wots_prf);
  sk_adrs.set_keypair(adrs.keypair());
  Adrs pk_adrs = adrs;  // Alg. 6 steps 9-11
  pk_adrs.set_type_and_clear(AdrsType::wots_pk);
  pk_adrs.set_keypair(adrs.keypair());
  typename Hashes<P>::T t(hs, pk_adrs);
  std::uint8_t tmp[n];
  for (int i = 0; i < P::len; ++i) {
    sk_adrs.set_chain(static_cast<std::uint32_t>(i));  // step 5
    hs.prf(tmp, sk_adrs, sk_seed);                      // step 6
    adrs.set_chain(static_cast<std::uint32_t>(i));      // step 7
    if (sig != nullptr) {
      hs.chain(tmp, tmp, adrs, 0, digits[i]);  // Alg. 7 step 15
      std::memcpy(sig + i * n, tmp, n);
      hs.chain(tmp, tmp, adrs, digits[i], static_cast<unsigned>(kW - 1) - digits[i]);
    } else {
      hs.chain(tmp, tmp, adrs, 0, kW - 1);  // step 8
    }
    t.update(tmp);
  }
  t.final(pk);  // step 12
  wipe(tmp, sizeof tmp);
}

// wots_pkFromSig (FIPS 205 Alg. 8): the chains completed from the signature, into T_len.
template <class P>
void wots_pk_from_sig(const Hashes<P>& hs, std::uint8_t* pk, const std::uint8_t* sig, const std::uint8_t* msg,
                      Adrs adrs) {
  constexpr std::size_t n = P::n;
  std::uint8_t digits[P::len];
  wots_digits<P>(digits, msg);
  Adrs pk_adrs = adrs;  // steps 13-15
  pk_adrs.set_type_and_clear(AdrsType::wots_pk);
  pk_adrs.set_keypair(adrs.keypair());
  typename Hashes<P>::T t(hs, pk_adrs);
  std::uint8_t tmp[n];
  for (int i = 0; i < P::len; ++i) {
    adrs.set_chain(static_cast<std::uint32_t>(i));  // step 11
    hs.chain(tmp, sig + i * n, adrs, digits[i], static_cast<unsigned>(kW - 1) - digits[i]);  // step 12
    t.update(tmp);
  }
  t.final(pk);
}

}  // namespace pqcea::slhdsa::detail
