// Internal view of the SLH-DSA parameter sets: the public structs (include/pqcea/slhdsa.hpp) plus
// the byte offsets inside keys, signatures and the message digest.
#pragma once
#include <cstddef>
#include <cstdint>

#include "pqcea/slhdsa.hpp"

namespace pqcea::slhdsa::detail {

template <class P>
struct Layout {
  static constexpr std::size_t n = P::n;
  // FIPS 205 §9.1: sk = SK.seed || SK.prf || PK.seed || PK.root, pk = PK.seed || PK.root.
  static constexpr std::size_t sk_seed = 0, sk_prf = n, sk_pk_seed = 2 * n, sk_pk_root = 3 * n;
  static constexpr std::size_t pk_seed = 0, pk_root = n;
  // FIPS 205 §9.2 (Figure 17): R || SIG_FORS || SIG_HT.
  static constexpr std::size_t sig_r = 0, sig_fors = n, sig_ht = n + P::fors_sig_bytes;
  // Alg. 19 steps 7-9 / Alg. 20 steps 7-9: md || tmp_idx_tree || tmp_idx_leaf.
  static constexpr std::size_t dg_tree = P::md_bytes, dg_leaf = P::md_bytes + P::tree_idx_bytes;
  static constexpr int tree_bits = P::h - P::hp;  // idx_tree < 2^(h - h/d)
  static_assert(P::tree_idx_bytes <= 8 && tree_bits <= 64 && P::hp <= 16);
  static_assert(sig_ht + P::ht_sig_bytes == P::sig_bytes);
  static_assert(P::md_bytes * 8 >= static_cast<std::size_t>(P::k * P::a));
};

}  // namespace pqcea::slhdsa::detail
