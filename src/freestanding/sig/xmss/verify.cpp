// XMSS and XMSS^MT verification (RFC 8391 Alg. 13, 14, 17), streamed over the signature: each WOTS+
// signature element is read, completed to its public key element and pushed into the L-tree
// stack; each authentication path node is read as the path is climbed.
#include "ltree.hpp"
#include "pqcea/core/bytes.hpp"

namespace pqcea::xmss {

namespace {
// RFC 8391 Alg. 13 XMSS_rootFromSig for one layer: WOTS+ signature and path at `off`.
Status root_from_sig(std::uint8_t* node, const Context& ctx, const SignatureReader& r, std::size_t off,
                     std::uint32_t layer, std::uint64_t tree, std::uint32_t leaf) {
  const Params& p = ctx.params();
  std::uint8_t digits[kMaxLen];
  message_digits(digits, node, p);
  Address ots;
  ots.set_layer(layer);
  ots.set_tree(tree);
  ots.set_type(kAddrOts);
  ots.set_ots(leaf);
  detail::LtreeStack lt(ctx, layer, tree, leaf);
  std::uint8_t x[kMaxN];
  for (unsigned i = 0; i < p.len(); ++i, off += p.n) {
    if (const Status st = r.read(off, std::span<std::uint8_t>(x, p.n)); st != Status::ok) return st;
    ots.set_chain(i);
    ctx.chain(x, digits[i], 15u - digits[i], ots);  // Alg. 6 WOTS_pkFromSig
    lt.push(x);
  }
  lt.finish(node);
  std::uint32_t index = leaf;
  for (unsigned k = 0; k < p.tree_height(); ++k, off += p.n) {
    if (const Status st = r.read(off, std::span<std::uint8_t>(x, p.n)); st != Status::ok) return st;
    if ((index & 1) == 0)
      ctx.node(node, node, x, layer, tree, k, index / 2);
    else
      ctx.node(node, x, node, layer, tree, k, index / 2);
    index /= 2;
  }
  return Status::ok;
}
}  // namespace

Status XmssVerifier::start(std::span<const std::uint8_t> pk, const SignatureReader& sig, bool mt) {
  status_ = Status::invalid_key;
  if (pk.size() < 4) return status_;
  p_ = find(load32_be(pk.data()), mt);
  if (p_ == nullptr || pk.size() != p_->pk_bytes()) return status_;
  for (std::size_t i = 0; i < pk.size(); ++i) pk_[i] = pk[i];
  status_ = Status::invalid_signature;
  if (sig.size() != p_->sig_bytes()) return status_;
  std::uint8_t head[8 + kMaxN];
  const std::size_t ib = p_->idx_bytes();
  if ((status_ = sig.read(0, std::span<std::uint8_t>(head, ib + p_->n))) != Status::ok) return status_;
  std::uint64_t idx = 0;
  for (std::size_t i = 0; i < ib; ++i) idx = (idx << 8) | head[i];
  status_ = Status::invalid_signature;
  if (idx >= p_->capacity()) return status_;
  idx_ = idx;
  sig_ = &sig;
  // M' = H_msg(r || root || toByte(idx, n), M) (Alg. 14 / 17 step 3), root = pk[4 .. 4+n).
  const Context ctx(*p_, std::span<const std::uint8_t>(pk_ + 4 + p_->n, p_->n));
  ctx.h_msg_start(msg_, head + ib, pk_ + 4, idx);
  status_ = Status::ok;
  return status_;
}

void XmssVerifier::update(std::span<const std::uint8_t> msg) {
  if (status_ == Status::ok) msg_.update(msg.data(), msg.size());
}

Status XmssVerifier::finish() {
  if (status_ != Status::ok) return status_;
  status_ = Status::invalid_argument;  // used once
  const Params& p = *p_;
  const Context ctx(p, std::span<const std::uint8_t>(pk_ + 4 + p.n, p.n));
  std::uint8_t node[kMaxN];
  msg_.finish(node);
  const unsigned hp = p.tree_height();
  std::uint64_t idx = idx_;
  std::size_t off = p.idx_bytes() + p.n;
  const std::size_t layer_bytes = std::size_t{p.len() + hp} * p.n;
  for (std::uint32_t layer = 0; layer < p.d; ++layer, off += layer_bytes) {
    const auto leaf = static_cast<std::uint32_t>(idx & ((std::uint64_t{1} << hp) - 1));
    idx >>= hp;
    if (const Status st = root_from_sig(node, ctx, *sig_, off, layer, idx, leaf); st != Status::ok) return st;
  }
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < p.n; ++i) diff |= static_cast<std::uint8_t>(node[i] ^ pk_[4 + i]);
  return diff == 0 ? Status::ok : Status::invalid_signature;
}

Status verify(std::span<const std::uint8_t> pk, std::span<const std::uint8_t> msg, std::span<const std::uint8_t> sig) {
  const SpanReader r(sig);
  XmssVerifier v;
  if (const Status st = v.start(pk, r, false); st != Status::ok) return st;
  v.update(msg);
  return v.finish();
}

Status verify_mt(std::span<const std::uint8_t> pk, std::span<const std::uint8_t> msg,
                 std::span<const std::uint8_t> sig) {
  const SpanReader r(sig);
  XmssVerifier v;
  if (const Status st = v.start(pk, r, true); st != Status::ok) return st;
  v.update(msg);
  return v.finish();
}

}  // namespace pqcea::xmss
