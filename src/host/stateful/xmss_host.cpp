// XMSS / XMSS^MT trees and the signer (RFC 8391 Alg. 9-12, 15, 16; SP 800-208 §7.2 key
// generation) on top of the freestanding building blocks of include/pqcea/xmss.hpp. Each tree is
// built in full (2^(h/d) leaves): practical for h/d <= 16.
#include <algorithm>
#include <cstring>

#include "internal.hpp"
#include "pqcea/core/secret.hpp"

namespace pqcea::host::stateful {

namespace {

unsigned floor_log2(std::uint32_t x) {
  unsigned r = 0;
  while (x > 1) {
    x >>= 1;
    ++r;
  }
  return r;
}

void check_seed(const xmss::Params& p, std::span<const std::uint8_t> s, const char* what) {
  if (s.size() != p.n) throw std::invalid_argument(std::string(what) + " must be n bytes");
}

// The signature (Alg. 12 / Alg. 16) at index idx; tree_at(layer, tree) gives the built tree.
template <class TreeAt>
std::vector<std::uint8_t> sign_at(const xmss::Params& p, std::span<const std::uint8_t> sk_prf,
                                  std::span<const std::uint8_t> pub_seed, std::span<const std::uint8_t> root,
                                  std::uint64_t idx, std::span<const std::uint8_t> msg, TreeAt&& tree_at) {
  const xmss::Context ctx(p, pub_seed);
  std::vector<std::uint8_t> sig(p.idx_bytes());
  for (std::size_t i = 0; i < p.idx_bytes(); ++i)
    sig[i] = static_cast<std::uint8_t>(idx >> (8 * (p.idx_bytes() - 1 - i)));
  std::uint8_t r[xmss::kMaxN], node[xmss::kMaxN];
  ctx.prf_index(r, sk_prf.data(), idx);  // r = PRF(SK_PRF, toByte(idx, 32))
  append(sig, r, p.n);
  xmss::Hasher h;
  ctx.h_msg_start(h, r, root.data(), idx);
  h.update(msg.data(), msg.size());
  h.finish(node);  // M'
  const unsigned hp = p.tree_height();
  std::uint64_t tree = idx;
  for (std::uint32_t layer = 0; layer < p.d; ++layer) {
    const auto leaf = static_cast<std::uint32_t>(tree & ((std::uint64_t{1} << hp) - 1));
    tree >>= hp;
    const XmssTree& t = tree_at(layer, tree);
    t.sign(sig, leaf, node);
    std::memcpy(node, t.root(), p.n);
  }
  if (sig.size() != p.sig_bytes()) throw std::logic_error("XMSS signature length");
  return sig;
}

}  // namespace

// ---- one tree -----------------------------------------------------------------------------------
XmssTree::XmssTree(const xmss::Params& p, std::span<const std::uint8_t> sk_seed, std::span<const std::uint8_t> pub_seed,
                   std::uint32_t layer, std::uint64_t tree)
    : p_(&p), sk_seed_(sk_seed.begin(), sk_seed.end()), pub_seed_(pub_seed.begin(), pub_seed.end()),
      layer_(layer), tree_(tree) {
  check_seed(p, sk_seed, "SK_SEED");
  check_seed(p, pub_seed, "PUB_SEED");
  const unsigned hp = p.tree_height(), n = p.n;
  const std::uint32_t width = std::uint32_t{1} << hp;
  nodes_.assign(std::size_t{2} * width * n, 0);
  const xmss::Context ctx(p, pub_seed);
  for (std::uint32_t i = 0; i < width; ++i) ctx.leaf(nodes_.data() + std::size_t{width + i} * n, sk_seed.data(), layer, tree, i);
  // Alg. 9 treeHash: node t (heap order) at height hp - depth joins 2t and 2t+1.
  for (std::uint32_t t = width - 1; t >= 1; --t) {
    const unsigned d = floor_log2(t);
    ctx.node(nodes_.data() + std::size_t{t} * n, nodes_.data() + std::size_t{2 * t} * n,
             nodes_.data() + std::size_t{2 * t + 1} * n, layer, tree, hp - d - 1, t - (std::uint32_t{1} << d));
  }
}

XmssTree::~XmssTree() { secure_wipe(sk_seed_.data(), sk_seed_.size()); }

void XmssTree::sign(std::vector<std::uint8_t>& out, std::uint32_t leaf, const std::uint8_t* msg) const {
  const unsigned hp = p_->tree_height(), n = p_->n;
  const std::size_t at = out.size();
  out.resize(at + std::size_t{p_->len()} * n);
  const xmss::Context ctx(*p_, pub_seed_);
  ctx.wots_sign(out.data() + at, msg, sk_seed_.data(), layer_, tree_, leaf);
  const std::uint32_t node = (std::uint32_t{1} << hp) + leaf;
  for (unsigned k = 0; k < hp; ++k) {  // Alg. 10 buildAuth
    const std::uint8_t* sib = nodes_.data() + std::size_t{(node >> k) ^ 1u} * n;
    append(out, sib, n);
  }
}

std::vector<std::uint8_t> xmss_public_key(const xmss::Params& p, std::span<const std::uint8_t> sk_seed,
                                          std::span<const std::uint8_t> pub_seed) {
  const XmssTree top(p, sk_seed, pub_seed, p.d - 1u, 0);
  std::vector<std::uint8_t> pk;
  put_u32(pk, p.oid);
  append(pk, top.root(), p.n);
  append(pk, pub_seed);
  return pk;
}

std::vector<std::uint8_t> xmss_sign_stateless_for_tests(const xmss::Params& p, std::span<const std::uint8_t> sk_seed,
                                                        std::span<const std::uint8_t> sk_prf,
                                                        std::span<const std::uint8_t> pub_seed, std::uint64_t idx,
                                                        std::span<const std::uint8_t> msg) {
  check_seed(p, sk_prf, "SK_PRF");
  std::vector<std::unique_ptr<XmssTree>> trees(p.d);
  trees[p.d - 1u] = std::make_unique<XmssTree>(p, sk_seed, pub_seed, p.d - 1u, 0);  // gives the root
  const std::vector<std::uint8_t> root(trees[p.d - 1u]->root(), trees[p.d - 1u]->root() + p.n);
  return sign_at(p, sk_prf, pub_seed, root, idx, msg, [&](std::uint32_t layer, std::uint64_t tree) -> const XmssTree& {
    auto& t = trees[layer];
    if (!t || t->tree() != tree) t = std::make_unique<XmssTree>(p, sk_seed, pub_seed, layer, tree);
    return *t;
  });
}

// ---- the signer ---------------------------------------------------------------------------------
// Key file body: u32 OID, SK_SEED, SK_PRF, PUB_SEED, root (n bytes each); family xmss or xmssmt.
void XmssSigner::generate(const std::string& path, const xmss::Params& p, rng::RandomSource& rng, Replace replace) {
  SecretBytes s(3u * p.n);
  if (rng.generate(s.span()) != Status::ok) throw StatefulError("entropy source failure");
  generate_from_seeds(path, p, s.sub(0, p.n), s.sub(p.n, p.n), s.sub(2u * p.n, p.n), replace);
}

void XmssSigner::generate_from_seeds(const std::string& path, const xmss::Params& p,
                                     std::span<const std::uint8_t> sk_seed, std::span<const std::uint8_t> sk_prf,
                                     std::span<const std::uint8_t> pub_seed, Replace replace) {
  check_seed(p, sk_seed, "SK_SEED");
  check_seed(p, sk_prf, "SK_PRF");
  check_seed(p, pub_seed, "PUB_SEED");
  const auto pk = xmss_public_key(p, sk_seed, pub_seed);
  BodyWriter body(4 + 4u * p.n);
  body.u32(p.oid);
  body.bytes(sk_seed);
  body.bytes(sk_prf);
  body.bytes(pub_seed);
  body.bytes(pk.data() + 4, p.n);
  KeyStore::create(path, p.mt ? Family::xmssmt : Family::xmss, body.done().span(), p.capacity(), replace);
}

XmssSigner::XmssSigner(const std::string& path) : store_(path) {
  if (store_.family() != Family::xmss && store_.family() != Family::xmssmt)
    throw StateCorrupt(path + " is not an XMSS or XMSS^MT private key");
  const auto& b = store_.body();
  if (b.size() < 4) throw StateCorrupt("XMSS key body too short");
  p_ = xmss::find(load32_be(b.data()), store_.family() == Family::xmssmt);
  if (p_ == nullptr) throw StateCorrupt("XMSS key: unknown OID");
  const std::size_t n = p_->n;
  if (b.size() != 4 + 4 * n) throw StateCorrupt("XMSS key: bad length");
  if (store_.limit() != p_->capacity()) throw StateCorrupt("XMSS key: limit does not match the parameter set");
  sk_seed_.assign(b.begin() + 4, b.begin() + 4 + static_cast<std::ptrdiff_t>(n));
  sk_prf_.assign(b.begin() + 4 + static_cast<std::ptrdiff_t>(n), b.begin() + 4 + static_cast<std::ptrdiff_t>(2 * n));
  pub_seed_.assign(b.begin() + 4 + static_cast<std::ptrdiff_t>(2 * n), b.begin() + 4 + static_cast<std::ptrdiff_t>(3 * n));
  root_.assign(b.begin() + 4 + static_cast<std::ptrdiff_t>(3 * n), b.end());
  trees_.resize(p_->d);
}

XmssSigner::~XmssSigner() {
  secure_wipe(sk_seed_.data(), sk_seed_.size());
  secure_wipe(sk_prf_.data(), sk_prf_.size());
}

std::vector<std::uint8_t> XmssSigner::public_key() const {
  std::vector<std::uint8_t> pk;
  put_u32(pk, p_->oid);
  append(pk, root_);
  append(pk, pub_seed_);
  return pk;
}

std::uint64_t XmssSigner::next_index() const { return pending_ < pending_end_ ? pending_ : store_.next(); }

const XmssTree& XmssSigner::tree(std::uint32_t layer, std::uint64_t t) {
  auto& slot = trees_[layer];
  if (!slot || slot->tree() != t) slot = std::make_unique<XmssTree>(*p_, sk_seed_, pub_seed_, layer, t);
  return *slot;
}

std::vector<std::uint8_t> XmssSigner::sign(std::span<const std::uint8_t> msg) {
  if (pending_ == pending_end_) {
    const std::uint64_t left = store_.limit() - store_.next();
    const std::uint64_t k = std::max<std::uint64_t>(1, std::min(batch_, left));
    pending_ = store_.reserve(k);  // durable before use
    pending_end_ = pending_ + k;
  }
  const std::uint64_t idx = pending_++;
  auto sig = sign_at(*p_, sk_prf_, pub_seed_, root_, idx, msg,
                     [&](std::uint32_t layer, std::uint64_t t) -> const XmssTree& { return tree(layer, t); });
  fault_point(FaultPoint::signed_);
  return sig;
}

}  // namespace pqcea::host::stateful
