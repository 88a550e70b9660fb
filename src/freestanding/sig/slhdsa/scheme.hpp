// The SLH-DSA internal functions (FIPS 205 §9): slh_keygen_internal (Alg. 18),
// slh_sign_internal (Alg. 19) with the hypertree signature (ht_sign, Alg. 12) and
// slh_verify_internal (Alg. 20) with ht_verify (Alg. 13), on a message given in pieces.
//
// Public versus secret: SK.seed and SK.prf are secret; every tree position (idx_tree, idx_leaf,
// the FORS indices) is derived from R, which is the first part of the signature, and every root
// that becomes the message of the next layer can be recomputed by any verifier from the
// signature. These values are declassified where they arise, each with its reason.
#pragma once
#include <cstdint>
#include <cstring>

#include "fors.hpp"
#include "params.hpp"
#include "pqcea/core/ct.hpp"
#include "xmss.hpp"

namespace pqcea::slhdsa::detail {

template <class P>
struct Scheme {
  using L = Layout<P>;
  static constexpr std::size_t n = P::n;

  // toInt (FIPS 205 Alg. 2) of the digest fields, reduced as Alg. 19 steps 10-11 say.
  static void split_digest(const std::uint8_t* digest, std::uint64_t& idx_tree, std::uint32_t& idx_leaf) {
    std::uint64_t t = 0;
    for (std::size_t i = 0; i < P::tree_idx_bytes; ++i) t = (t << 8) | digest[L::dg_tree + i];
    if constexpr (L::tree_bits < 64) t &= (std::uint64_t{1} << L::tree_bits) - 1;
    std::uint32_t l = 0;
    for (std::size_t i = 0; i < P::leaf_idx_bytes; ++i) l = (l << 8) | digest[L::dg_leaf + i];
    idx_tree = t;
    idx_leaf = l & ((std::uint32_t{1} << P::hp) - 1);
  }

  // Alg. 18 step 3: PK.root = xmss_node(SK.seed, 0, h', PK.seed, ADRS) with ADRS at layer d - 1.
  static void keygen(std::uint8_t* pk_root, const std::uint8_t* sk_seed, const std::uint8_t* pk_seed) {
    const Hashes<P> hs(pk_seed);
    Adrs adrs;
    adrs.set_layer(static_cast<std::uint32_t>(P::d - 1));
    xmss_tree<P>(hs, pk_root, nullptr, 0, adrs, sk_seed, nullptr);
    ct::declassify(pk_root, n, "PK.root is the public key");
  }

  // ht_sign (Alg. 12) of the n-byte message msg. Returns the top root (equal to PK.root for a
  // consistent key).
  static void ht_sign(const Hashes<P>& hs, std::uint8_t* sig, std::uint8_t* root, const std::uint8_t* msg,
                      const std::uint8_t* sk_seed, std::uint64_t idx_tree, std::uint32_t idx_leaf) {
    std::memcpy(root, msg, n);
    std::uint8_t digits[P::len];
    for (int j = 0; j < P::d; ++j) {
      Adrs adrs;  // steps 1-2 and 7-8
      adrs.set_layer(static_cast<std::uint32_t>(j));
      adrs.set_tree(idx_tree);
      wots_digits<P>(digits, root);
      // Steps 3 and 9 (xmss_sign), with the root of this tree (steps 4 and 11) from the same pass.
      xmss_tree<P>(hs, root, sig, idx_leaf, adrs, sk_seed, digits);
      ct::declassify(root, n, "an XMSS root is recomputed from the public signature by every verifier");
      sig += P::xmss_sig_bytes;
      idx_leaf = static_cast<std::uint32_t>(idx_tree & ((std::uint64_t{1} << P::hp) - 1));  // step 5
      idx_tree >>= P::hp;                                                                    // step 6
    }
  }

  // slh_sign_internal (Alg. 19). Returns false (sig then holds garbage: the caller wipes it) if
  // the hypertree does not end in the PK.root of sk.
  static bool sign(std::uint8_t* sig, const std::uint8_t* sk, const MsgParts& m, const std::uint8_t* addrnd) {
    const std::uint8_t* sk_seed = sk + L::sk_seed;
    const std::uint8_t* pk_root = sk + L::sk_pk_root;
    const Hashes<P> hs(sk + L::sk_pk_seed);
    // Steps 3-4: R = PRFmsg(SK.prf, opt_rand, M), the first n bytes of the signature.
    Hashes<P>::prf_msg(sig + L::sig_r, sk + L::sk_prf, addrnd, m);
    ct::declassify(sig + L::sig_r, n, "R is published as the first part of the signature");
    // Step 5: digest = Hmsg(R, PK.seed, PK.root, M); steps 6-11 split it.
    std::uint8_t digest[P::m];
    hs.h_msg(digest, sig + L::sig_r, pk_root, m);
    std::uint64_t idx_tree = 0;
    std::uint32_t idx_leaf = 0;
    split_digest(digest, idx_tree, idx_leaf);
    std::uint32_t indices[P::k];
    fors_indices<P>(indices, digest);
    // Steps 12-14.
    Adrs adrs;
    adrs.set_tree(idx_tree);
    adrs.set_type_and_clear(AdrsType::fors_tree);
    adrs.set_keypair(idx_leaf);
    std::uint8_t pk_fors[n] = {};
    // Steps 15-17 (fors_sign) and 18 (PK_FORS: the roots come from the same pass).
    fors_sign<P>(hs, sig + L::sig_fors, pk_fors, indices, adrs, sk_seed);
    ct::declassify(pk_fors, n, "PK_FORS is recomputed from the public signature by every verifier");
    // Steps 19-20.
    std::uint8_t top[n] = {};
    ht_sign(hs, sig + L::sig_ht, top, pk_fors, sk_seed, idx_tree, idx_leaf);
    return ct::equal(top, pk_root, n);
  }

  // ht_verify (Alg. 13).
  static bool ht_verify(const Hashes<P>& hs, const std::uint8_t* msg, const std::uint8_t* sig, std::uint64_t idx_tree,
                        std::uint32_t idx_leaf, const std::uint8_t* pk_root) {
    std::uint8_t node[n];
    std::memcpy(node, msg, n);
    for (int j = 0; j < P::d; ++j) {
      Adrs adrs;
      adrs.set_layer(static_cast<std::uint32_t>(j));
      adrs.set_tree(idx_tree);
      xmss_pk_from_sig<P>(hs, node, idx_leaf, sig, node, adrs);
      sig += P::xmss_sig_bytes;
      idx_leaf = static_cast<std::uint32_t>(idx_tree & ((std::uint64_t{1} << P::hp) - 1));
      idx_tree >>= P::hp;
    }
    return ct::equal(node, pk_root, n);
  }

  // slh_verify_internal (Alg. 20); the caller has checked |SIG| (step 1).
  static bool verify(const std::uint8_t* pk, const MsgParts& m, const std::uint8_t* sig) {
    const Hashes<P> hs(pk + L::pk_seed);
    std::uint8_t digest[P::m];
    hs.h_msg(digest, sig + L::sig_r, pk + L::pk_root, m);  // step 8
    std::uint64_t idx_tree = 0;
    std::uint32_t idx_leaf = 0;
    split_digest(digest, idx_tree, idx_leaf);
    std::uint32_t indices[P::k];
    fors_indices<P>(indices, digest);
    Adrs adrs;  // steps 14-16
    adrs.set_tree(idx_tree);
    adrs.set_type_and_clear(AdrsType::fors_tree);
    adrs.set_keypair(idx_leaf);
    std::uint8_t pk_fors[n] = {};
    fors_pk_from_sig<P>(hs, pk_fors, sig + L::sig_fors, indices, adrs);  // step 17
    return ht_verify(hs, pk_fors, sig + L::sig_ht, idx_tree, idx_leaf, pk + L::pk_root);  // step 18
  }
};

}  // namespace pqcea::slhdsa::detail
