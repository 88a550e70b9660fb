// FORS (FIPS 205 §8): the k trees streamed one after another, giving SIG_FORS and the FORS public
// key in one pass (fors_skGen Alg. 14, fors_node Alg. 15, fors_sign Alg. 16 and the roots of
// fors_pkFromSig Alg. 17), and fors_pkFromSig for verification.
#pragma once
#include <cstdint>
#include <cstring>

#include "treehash.hpp"
#include "wots.hpp"

namespace pqcea::slhdsa::detail {

// indices = base_2b(md, a, k) (Alg. 16 step 1, Alg. 17 step 1).
template <class P>
void fors_indices(std::uint32_t* indices, const std::uint8_t* md) {
  base_2b(indices, md, P::a, P::k);
}

// fors_sign with the public key: `adrs` has the tree address, type FORS_TREE and the key pair
// address (Alg. 19 steps 11-13). Writes SIG_FORS (k * (1 + a) * n bytes) and PK_FORS.
template <class P>
void fors_sign(const Hashes<P>& hs, std::uint8_t* sig, std::uint8_t* pk, const std::uint32_t* indices,
               const Adrs& adrs, const std::uint8_t* sk_seed) {
  constexpr std::size_t n = P::n;
  Adrs roots_adrs = adrs;  // Alg. 17 steps 21-23
  roots_adrs.set_type_and_clear(AdrsType::fors_roots);
  roots_adrs.set_keypair(adrs.keypair());
  typename Hashes<P>::T t(hs, roots_adrs);
  Adrs sk_adrs = adrs;  // Alg. 14 steps 1-3
  sk_adrs.set_type_and_clear(AdrsType::fors_prf);
  sk_adrs.set_keypair(adrs.keypair());
  std::uint8_t root[n] = {};
  for (int i = 0; i < P::k; ++i) {
    std::uint8_t* s = sig + static_cast<std::size_t>(i) * (P::a + 1) * n;
    const std::uint32_t base = static_cast<std::uint32_t>(i) << P::a;
    auto leaf = [&](std::uint32_t j, std::uint8_t* out) {
      std::uint8_t sk[n];
      Adrs sa = sk_adrs;
      sa.set_tree_index(base + j);  // Alg. 14 step 4
      hs.prf(sk, sa, sk_seed);       // Alg. 14 step 5
      if (j == indices[i]) std::memcpy(s, sk, n);  // Alg. 16 step 4 (the index is public)
      Adrs la = adrs;                // Alg. 15 steps 2-4
      la.set_tree_height(0);
      la.set_tree_index(base + j);
      hs.F(out, la, sk);
      wipe(sk, sizeof sk);
    };
    auto parent = [&](int z, std::uint32_t j, const std::uint8_t* lr, std::uint8_t* out) {
      Adrs pa = adrs;  // Alg. 15 steps 8-10: index i * 2^(a - z) + j at height z
      pa.set_tree_height(static_cast<std::uint32_t>(z));
      pa.set_tree_index((static_cast<std::uint32_t>(i) << (P::a - z)) + j);
      hs.H(out, pa, lr);
    };
    treehash<n, P::a>(root, s + n, indices[i], P::a, leaf, parent);
    t.update(root);
  }
  t.final(pk);
}

// fors_pkFromSig (FIPS 205 Alg. 17).
template <class P>
void fors_pk_from_sig(const Hashes<P>& hs, std::uint8_t* pk, const std::uint8_t* sig, const std::uint32_t* indices,
                      Adrs adrs) {
  constexpr std::size_t n = P::n;
  Adrs roots_adrs = adrs;
  roots_adrs.set_type_and_clear(AdrsType::fors_roots);
  roots_adrs.set_keypair(adrs.keypair());
  typename Hashes<P>::T t(hs, roots_adrs);
  std::uint8_t lr[2 * n];
  std::uint8_t* node = lr + n;
  for (int i = 0; i < P::k; ++i) {
    const std::uint8_t* s = sig + static_cast<std::size_t>(i) * (P::a + 1) * n;
    const std::uint8_t* auth = s + n;
    const std::uint32_t idx = indices[i];
    adrs.set_tree_height(0);  // steps 4-5
    adrs.set_tree_index((static_cast<std::uint32_t>(i) << P::a) + idx);
    hs.F(node, adrs, s);  // step 6
    for (int j = 0; j < P::a; ++j) {
      adrs.set_tree_height(static_cast<std::uint32_t>(j + 1));  // step 9
      if (((idx >> j) & 1u) == 0) {  // steps 10-12
        adrs.set_tree_index(adrs.tree_index() / 2);
        std::memcpy(lr, node, n);
        std::memcpy(lr + n, auth + j * n, n);
      } else {  // steps 13-15
        adrs.set_tree_index((adrs.tree_index() - 1) / 2);
        std::memcpy(lr, auth + j * n, n);
      }
      hs.H(node, adrs, lr);
    }
    t.update(node);  // root[i]
  }
  t.final(pk);
}

}  // namespace pqcea::slhdsa::detail
