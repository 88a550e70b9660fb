// WOTS+ (RFC 8391 §3.1) with the SP 800-208 secret key derivation, XMSS leaves (Alg. 4 + Alg. 8)
// and inner tree nodes (Alg. 9): the building blocks of the host signer.
#include "ltree.hpp"
#include "pqcea/core/secret.hpp"

namespace pqcea::xmss {

void message_digits(std::uint8_t* digits, const std::uint8_t* msg, const Params& p) {
  // base_w(M, 16, len1), then the checksum csum = sum(15 - digit) << (8 - (len2 lg(w)) mod 8) as
  // ceil(len2 lg(w) / 8) bytes, base_w(.., 16, len2) (RFC 8391 Alg. 5 steps 1-6).
  const unsigned len1 = p.len1(), len2 = p.len2();
  unsigned csum = 0;
  for (unsigned i = 0; i < len1; ++i) {
    const std::uint8_t b = msg[i / 2];
    digits[i] = static_cast<std::uint8_t>((i % 2 == 0) ? (b >> 4) : (b & 15));
    csum += 15u - digits[i];
  }
  const unsigned shift = (8 - ((len2 * 4) % 8)) % 8;
  csum <<= shift;
  const unsigned csum_bytes = (len2 * 4 + 7) / 8;
  for (unsigned i = 0; i < len2; ++i) {
    const unsigned bit = 8 * csum_bytes - 4 * (i + 1);
    digits[len1 + i] = static_cast<std::uint8_t>((csum >> bit) & 15);
  }
}

void Context::leaf(std::uint8_t* out, const std::uint8_t* sk_seed, std::uint32_t layer, std::uint64_t tree,
                   std::uint32_t leaf) const {
  Address ots;
  ots.set_layer(layer);
  ots.set_tree(tree);
  ots.set_type(kAddrOts);
  ots.set_ots(leaf);
  detail::LtreeStack lt(*this, layer, tree, leaf);
  std::uint8_t x[kMaxN];
  for (unsigned i = 0; i < p_->len(); ++i) {
    // SP 800-208 §7.2.1: sk[i] = PRF_keygen(SK_SEED, PUB_SEED || ADRS), chain i, hash 0, keyAndMask 0.
    ots.set_chain(i);
    ots.set_hash(0);
    ots.set_key_and_mask(0);
    prf_keygen(x, sk_seed, ots);
    chain(x, 0, 15, ots);  // pk[i] = chain(sk[i], 0, w - 1) (Alg. 4)
    lt.push(x);
  }
  secure_wipe(x, sizeof x);
  lt.finish(out);
}

void Context::wots_sign(std::uint8_t* sig, const std::uint8_t* msg, const std::uint8_t* sk_seed, std::uint32_t layer,
                        std::uint64_t tree, std::uint32_t leaf) const {
  std::uint8_t digits[kMaxLen];
  message_digits(digits, msg, *p_);
  Address ots;
  ots.set_layer(layer);
  ots.set_tree(tree);
  ots.set_type(kAddrOts);
  ots.set_ots(leaf);
  for (unsigned i = 0; i < p_->len(); ++i) {
    std::uint8_t* s = sig + std::size_t{i} * p_->n;
    ots.set_chain(i);
    ots.set_hash(0);
    ots.set_key_and_mask(0);
    prf_keygen(s, sk_seed, ots);
    chain(s, 0, digits[i], ots);  // sig[i] = chain(sk[i], 0, msg[i]) (Alg. 5)
  }
}

void Context::node(std::uint8_t* out, const std::uint8_t* left, const std::uint8_t* right, std::uint32_t layer,
                   std::uint64_t tree, std::uint32_t child_height, std::uint32_t index) const {
  Address a;
  a.set_layer(layer);
  a.set_tree(tree);
  a.set_type(kAddrHashTree);
  a.set_chain(child_height);  // tree height
  a.set_hash(index);          // tree index
  rand_hash(out, left, right, a);
}

}  // namespace pqcea::xmss
