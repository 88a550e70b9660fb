// LMS and HSS verification (RFC 8554 Alg. 4b, 6a/6b, §6.3), reading the signature through a
// SignatureReader one hash value at a time: RAM holds a few hash values, one LMS public key and two
// hash states, never the signature.
#include "pqcea/core/bytes.hpp"
#include "hash.hpp"

namespace pqcea::lms {

using detail::put_u16;

namespace {

struct KeyView {
  const LmsType* lms;
  const OtsType* ots;
  const std::uint8_t* I;
  const std::uint8_t* T1;
};

// A bare LMS public key: u32str(type) || u32str(otstype) || I || T[1]. Within one key the LMS tree
// and its LM-OTS use the same hash and the same output length (n = m), as every defined type pair
// of RFC 8554 and SP 800-208 does.
Status parse_key(std::span<const std::uint8_t> pk, KeyView& k) {
  if (pk.size() < 8) return Status::invalid_key;
  k.lms = find_lms(load32_be(pk.data()));
  k.ots = find_ots(load32_be(pk.data() + 4));
  if (k.lms == nullptr || k.ots == nullptr) return Status::invalid_key;
  if (k.lms->hash != k.ots->hash || k.lms->m != k.ots->n) return Status::invalid_key;
  if (pk.size() != lms_pk_bytes(*k.lms)) return Status::invalid_key;
  k.I = pk.data() + 8;
  k.T1 = pk.data() + 8 + kIdBytes;
  return Status::ok;
}

// The key held in the verifier's buffer, already checked by parse_key when it was stored.
KeyView current_key(const std::uint8_t* pk) {
  const LmsType* l = find_lms(load32_be(pk));
  return KeyView{l, find_ots(load32_be(pk + 4)), pk + 8, pk + 8 + kIdBytes};
}

struct SigView {
  std::uint32_t q;
  std::size_t len;
};

// RFC 8554 Alg. 6b steps 1-2g: types must be the key's, q < 2^h. The length follows from the types.
Status parse_sig(const KeyView& k, const SignatureReader& r, std::size_t off, SigView& s) {
  std::uint8_t b[8];
  if (const Status st = r.read(off, b); st != Status::ok) return st;
  s.q = load32_be(b);
  if (load32_be(b + 4) != k.ots->code) return Status::invalid_signature;
  if (const Status st = r.read(off + 4 + k.ots->sig_bytes(), std::span<std::uint8_t>(b, 4)); st != Status::ok)
    return st;
  if (load32_be(b) != k.lms->code) return Status::invalid_signature;
  if (s.q >= (std::uint32_t{1} << k.lms->h)) return Status::invalid_signature;
  s.len = lms_sig_bytes(*k.lms, *k.ots);
  if (off > r.size() || r.size() - off < s.len) return Status::invalid_signature;
  return Status::ok;
}

// Absorbs I || u32str(q) || u16str(D_MESG) || C into h (the start of Q, RFC 8554 Alg. 4b step 3).
Status start_q(Hasher& h, const KeyView& k, const SigView& s, const SignatureReader& r, std::size_t off) {
  std::uint8_t head[kIdBytes + 6];
  for (std::size_t i = 0; i < kIdBytes; ++i) head[i] = k.I[i];
  store32_be(head + 16, s.q);
  put_u16(head + 20, kDMesg);
  std::uint8_t c[kMaxN];
  if (const Status st = r.read(off + 8, std::span<std::uint8_t>(c, k.ots->n)); st != Status::ok) return st;
  h.start(k.ots->hash, k.ots->n);
  h.update(head, sizeof head);
  h.update(c, k.ots->n);
  return Status::ok;
}

// The rest of Alg. 4b and Alg. 6b from a finished Q: candidate K, leaf, path, compare with T[1].
Status finish_lms(const KeyView& k, const SigView& s, const SignatureReader& r, std::size_t off, Hasher& qhash) {
  const OtsType& o = *k.ots;
  const LmsType& l = *k.lms;
  std::uint8_t qc[kMaxN + 2];
  qhash.finish(qc);
  detail::append_checksum(qc, o);

  std::uint8_t head[kIdBytes + 6];
  for (std::size_t i = 0; i < kIdBytes; ++i) head[i] = k.I[i];
  store32_be(head + 16, s.q);
  put_u16(head + 20, kDPblc);
  std::uint8_t node[kMaxN];
  {
    Hasher kc;
    kc.start(o.hash, o.n);
    kc.update(head, sizeof head);
    detail::StepBlock step(o.hash, o.n, k.I, s.q);
    const unsigned top = (1u << o.w) - 1;
    std::size_t y_off = off + 8 + o.n;
    for (unsigned i = 0; i < o.p; ++i, y_off += o.n) {
      if (const Status st = r.read(y_off, std::span<std::uint8_t>(node, o.n)); st != Status::ok) return st;
      step.set_i(static_cast<std::uint16_t>(i));
      step.chain(node, detail::coef(qc, i, o.w), top);
      kc.update(node, o.n);
    }
    kc.finish(node);  // Kc
  }
  const std::span<const std::uint8_t, kIdBytes> I(k.I, kIdBytes);
  std::uint32_t node_num = (std::uint32_t{1} << l.h) + s.q;
  leaf_node(node, l, I, node_num, node);
  std::size_t p_off = off + 4 + o.sig_bytes() + 4;
  std::uint8_t sib[kMaxN];
  for (unsigned i = 0; i < l.h; ++i, p_off += l.m) {
    if (const Status st = r.read(p_off, std::span<std::uint8_t>(sib, l.m)); st != Status::ok) return st;
    if (node_num & 1)
      interior_node(node, l, I, node_num / 2, sib, node);
    else
      interior_node(node, l, I, node_num / 2, node, sib);
    node_num /= 2;
  }
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < l.m; ++i) diff |= static_cast<std::uint8_t>(node[i] ^ k.T1[i]);
  return diff == 0 ? Status::ok : Status::invalid_signature;
}

}  // namespace

Status HssVerifier::start(std::span<const std::uint8_t> hss_pk, const SignatureReader& sig) {
  status_ = Status::invalid_key;
  if (hss_pk.size() < 4) return status_;
  const std::uint32_t levels = load32_be(hss_pk.data());
  if (levels < 1 || levels > kMaxLevels) return status_;
  KeyView k{};
  if (parse_key(hss_pk.subspan(4), k) != Status::ok) return status_;
  for (std::size_t i = 0; i < hss_pk.size() - 4; ++i) pk_[i] = hss_pk[4 + i];

  // RFC 8554 §6.3: Nspk = strTou32(S[0..3]) must be L - 1.
  std::uint8_t b[8];
  if ((status_ = sig.read(0, std::span<std::uint8_t>(b, 4))) != Status::ok) return status_;
  status_ = Status::invalid_signature;
  if (load32_be(b) + 1 != levels) return status_;
  std::size_t off = 4;
  for (std::uint32_t level = 0; level + 1 < levels; ++level) {
    const KeyView cur = current_key(pk_);
    SigView s{};
    if ((status_ = parse_sig(cur, sig, off, s)) != Status::ok) return status_;
    // The next level's public key follows the signature; it is the message this signature signs.
    const std::size_t pk_off = off + s.len;
    std::uint8_t next[kMaxLmsPkBytes];
    if ((status_ = sig.read(pk_off, std::span<std::uint8_t>(next, 8))) != Status::ok) return status_;
    const LmsType* nl = find_lms(load32_be(next));
    status_ = Status::invalid_signature;
    if (nl == nullptr) return status_;
    const std::size_t next_len = lms_pk_bytes(*nl);
    if ((status_ = sig.read(pk_off, std::span<std::uint8_t>(next, next_len))) != Status::ok) return status_;
    KeyView nk{};
    status_ = Status::invalid_signature;
    if (parse_key(std::span<const std::uint8_t>(next, next_len), nk) != Status::ok) return status_;
    Hasher qh;
    if ((status_ = start_q(qh, cur, s, sig, off)) != Status::ok) return status_;
    qh.update(next, next_len);
    if ((status_ = finish_lms(cur, s, sig, off, qh)) != Status::ok) return status_;
    for (std::size_t i = 0; i < next_len; ++i) pk_[i] = next[i];
    off = pk_off + next_len;
  }
  return begin_bottom(off, sig.size(), sig);
}

Status HssVerifier::start_lms(std::span<const std::uint8_t> lms_pk, const SignatureReader& sig) {
  KeyView k{};
  if ((status_ = parse_key(lms_pk, k)) != Status::ok) return status_;
  for (std::size_t i = 0; i < lms_pk.size(); ++i) pk_[i] = lms_pk[i];
  return begin_bottom(0, sig.size(), sig);
}

Status HssVerifier::begin_bottom(std::size_t off, std::size_t end, const SignatureReader& sig) {
  const KeyView k = current_key(pk_);
  SigView s{};
  if ((status_ = parse_sig(k, sig, off, s)) != Status::ok) return status_;
  // The bottom signature must end the HSS signature exactly (RFC 8554 Alg. 6b step 2i).
  status_ = Status::invalid_signature;
  if (off + s.len != end) return status_;
  if ((status_ = start_q(msg_, k, s, sig, off)) != Status::ok) return status_;
  sig_ = &sig;
  off_ = off;
  return status_;
}

void HssVerifier::update(std::span<const std::uint8_t> msg) {
  if (status_ == Status::ok) msg_.update(msg);
}

Status HssVerifier::finish() {
  if (status_ != Status::ok) return status_;
  // A verifier is used once: after finish() it needs a new start().
  status_ = Status::invalid_argument;
  const KeyView k = current_key(pk_);
  SigView s{};
  if (const Status st = parse_sig(k, *sig_, off_, s); st != Status::ok) return st;
  return finish_lms(k, s, *sig_, off_, msg_);
}

Status hss_verify(std::span<const std::uint8_t> hss_pk, std::span<const std::uint8_t> msg,
                  std::span<const std::uint8_t> sig) {
  const SpanReader r(sig);
  HssVerifier v;
  if (const Status st = v.start(hss_pk, r); st != Status::ok) return st;
  v.update(msg);
  return v.finish();
}

Status lms_verify(std::span<const std::uint8_t> lms_pk, std::span<const std::uint8_t> msg,
                  std::span<const std::uint8_t> sig) {
  const SpanReader r(sig);
  HssVerifier v;
  if (const Status st = v.start_lms(lms_pk, r); st != Status::ok) return st;
  v.update(msg);
  return v.finish();
}

}  // namespace pqcea::lms
