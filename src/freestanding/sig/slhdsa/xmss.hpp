// XMSS trees of the hypertree (FIPS 205 §6): one streamed pass gives the root, the
// authentication path and the WOTS+ signature of the signed leaf (xmss_node Alg. 9 and
// xmss_sign Alg. 10); xmss_pkFromSig (Alg. 11) for verification.
#pragma once
#include <cstdint>
#include <cstring>

#include "treehash.hpp"
#include "wots.hpp"

namespace pqcea::slhdsa::detail {

// Builds the XMSS tree at the layer and tree address of `adrs` (FIPS 205 Alg. 9 with i = 0,
// z = h'). With `sig` (len*n + h'*n bytes) it also writes SIG_XMSS for leaf idx: the WOTS+
// signature of the message whose digits are given (Alg. 10 steps 5-7) and AUTH (steps 1-4).
template <class P>
void xmss_tree(const Hashes<P>& hs, std::uint8_t* root, std::uint8_t* sig, std::uint32_t idx, const Adrs& adrs,
               const std::uint8_t* sk_seed, const std::uint8_t* digits) {
  constexpr std::size_t n = P::n;
  auto leaf = [&](std::uint32_t i, std::uint8_t* out) {
    Adrs a = adrs;  // Alg. 9 steps 2-3
    a.set_type_and_clear(AdrsType::wots_hash);
    a.set_keypair(i);
    wots_leaf<P>(hs, out, a, sk_seed, (sig != nullptr && i == idx) ? sig : nullptr, digits);
  };
  auto parent = [&](int z, std::uint32_t i, const std::uint8_t* lr, std::uint8_t* out) {
    Adrs a = adrs;  // Alg. 9 steps 7-10
    a.set_type_and_clear(AdrsType::tree);
    a.set_tree_height(static_cast<std::uint32_t>(z));
    a.set_tree_index(i);
    hs.H(out, a, lr);
  };
  treehash<n, P::hp>(root, sig != nullptr ? sig + P::len * n : nullptr, idx, P::hp, leaf, parent);
}

// xmss_pkFromSig (FIPS 205 Alg. 11): the root from SIG_XMSS for leaf idx on message msg.
template <class P>
void xmss_pk_from_sig(const Hashes<P>& hs, std::uint8_t* root, std::uint32_t idx, const std::uint8_t* sig,
                      const std::uint8_t* msg, Adrs adrs) {
  constexpr std::size_t n = P::n;
  adrs.set_type_and_clear(AdrsType::wots_hash);  // steps 1-3
  adrs.set_keypair(idx);
  std::uint8_t lr[2 * n];
  std::uint8_t* node = lr + n;  // node[0]
  wots_pk_from_sig<P>(hs, node, sig, msg, adrs);
  const std::uint8_t* auth = sig + P::len * n;
  adrs.set_type_and_clear(AdrsType::tree);  // steps 6-7
  adrs.set_tree_index(idx);
  for (int k = 0; k < P::hp; ++k) {
    adrs.set_tree_height(static_cast<std::uint32_t>(k + 1));  // step 9
    if (((idx >> k) & 1u) == 0) {  // steps 10-12
      adrs.set_tree_index(adrs.tree_index() / 2);
      std::memcpy(lr, node, n);
      std::memcpy(lr + n, auth + k * n, n);
    } else {  // steps 13-15
      adrs.set_tree_index((adrs.tree_index() - 1) / 2);
      std::memcpy(lr, auth + k * n, n);
    }
    hs.H(node, adrs, lr);
  }
  std::memcpy(root, node, n);
}

}  // namespace pqcea::slhdsa::detail
