// LMS trees and the HSS signer (RFC 8554 §5.2, §6.1, §6.2, Appendix A) on top of the freestanding
// building blocks of include/pqcea/lms.hpp.
#include <algorithm>
#include <cstring>
#include <sstream>

#include "internal.hpp"
#include "pqcea/core/secret.hpp"

namespace pqcea::host::stateful {

namespace {

// Appendix A indices (>= 0xFFFD, never a chain index: p <= 265) for values derived from SEED.
constexpr std::uint16_t kDeriveC = 0xFFFD, kDeriveChildSeed = 0xFFFE, kDeriveChildId = 0xFFFF;

std::span<const std::uint8_t, lms::kIdBytes> id_span(const std::uint8_t* p) {
  return std::span<const std::uint8_t, lms::kIdBytes>(p, lms::kIdBytes);
}

unsigned floor_log2(std::uint32_t x) {
  unsigned r = 0;
  while (x > 1) {
    x >>= 1;
    ++r;
  }
  return r;
}

void check_levels(const std::vector<LmsLevel>& levels) {
  if (levels.empty() || levels.size() > lms::kMaxLevels) throw std::invalid_argument("HSS needs 1..8 levels");
  for (const auto& l : levels) {
    if (l.lms == nullptr || l.ots == nullptr) throw std::invalid_argument("unknown LMS or LM-OTS type");
    if (l.lms->hash != l.ots->hash || l.lms->m != l.ots->n)
      throw std::invalid_argument(std::string(l.lms->name) + " and " + l.ots->name +
                                  " differ in hash function or output length");
  }
}

std::uint64_t capacity_of(const std::vector<LmsLevel>& levels) {
  unsigned bits = 0;
  for (const auto& l : levels) bits += l.lms->h;
  return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits);
}

}  // namespace

// ---- parameters ---------------------------------------------------------------------------------
std::vector<LmsLevel> parse_hss_levels(const std::string& spec) {
  std::vector<LmsLevel> out;
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto slash = item.find('/');
    if (slash == std::string::npos) throw std::invalid_argument("HSS level '" + item + "' is not LMS_TYPE/LMOTS_TYPE");
    const std::string l = item.substr(0, slash), o = item.substr(slash + 1);
    LmsLevel lv{nullptr, nullptr};
    for (const auto& t : lms::kLmsTypes)
      if (l == t.name) lv.lms = &t;
    for (const auto& t : lms::kOtsTypes)
      if (o == t.name) lv.ots = &t;
    if (lv.lms == nullptr) throw std::invalid_argument("unknown LMS type '" + l + "'");
    if (lv.ots == nullptr) throw std::invalid_argument("unknown LM-OTS type '" + o + "'");
    out.push_back(lv);
  }
  check_levels(out);
  return out;
}

std::string hss_levels_name(const std::vector<LmsLevel>& levels) {
  std::string s;
  for (const auto& l : levels) {
    if (!s.empty()) s += ",";
    s += std::string(l.lms->name) + "/" + l.ots->name;
  }
  return s;
}

// ---- one tree -----------------------------------------------------------------------------------
LmsTree::LmsTree(const LmsLevel& level, std::span<const std::uint8_t, lms::kIdBytes> I,
                 std::span<const std::uint8_t> seed, unsigned stored_height)
    : level_(level), seed_(seed.begin(), seed.end()) {
  check_levels({level});
  if (seed.size() != level.ots->n) throw std::invalid_argument("LMS SEED must be n bytes");
  std::memcpy(I_, I.data(), lms::kIdBytes);
  const unsigned h = level.lms->h, m = level.lms->m;
  if (stored_height == 0) throw std::invalid_argument("stored_height must be at least 1");
  c_ = h > stored_height ? h - stored_height : 0;
  const std::uint32_t subs = std::uint32_t{1} << (h - c_);
  top_.assign(std::size_t{2} * subs * m, 0);
  std::vector<std::uint8_t> nodes;
  std::uint8_t K[lms::kMaxN];
  for (std::uint32_t j = 0; j < subs; ++j) {
    std::uint8_t* dst = top_.data() + std::size_t{subs + j} * m;
    if (c_ == 0) {
      if (lms::ots_public_key(std::span<std::uint8_t>(K, m), *level.ots, id(), j, seed_) != Status::ok)
        throw std::logic_error("ots_public_key");
      lms::leaf_node(dst, *level.lms, id(), (std::uint32_t{1} << h) + j, K);
    } else {
      build_subtree(j, nodes);
      std::memcpy(dst, nodes.data() + m, m);
    }
  }
  for (std::uint32_t r = subs - 1; r >= 1; --r)
    lms::interior_node(top_.data() + std::size_t{r} * m, *level.lms, id(), r, top_.data() + std::size_t{2 * r} * m,
                       top_.data() + std::size_t{2 * r + 1} * m);
}

LmsTree::~LmsTree() { secure_wipe(seed_.data(), seed_.size()); }

void LmsTree::build_subtree(std::uint32_t j, std::vector<std::uint8_t>& nodes) const {
  const unsigned h = level_.lms->h, m = level_.lms->m;
  const std::uint32_t width = std::uint32_t{1} << c_;
  nodes.assign(std::size_t{2} * width * m, 0);
  std::uint8_t K[lms::kMaxN];
  for (std::uint32_t t = width; t < 2 * width; ++t) {
    const std::uint32_t q = j * width + (t - width);
    if (lms::ots_public_key(std::span<std::uint8_t>(K, m), *level_.ots, id(), q, seed_) != Status::ok)
      throw std::logic_error("ots_public_key");
    lms::leaf_node(nodes.data() + std::size_t{t} * m, *level_.lms, id(), (std::uint32_t{1} << h) + q, K);
  }
  const std::uint32_t root = (std::uint32_t{1} << (h - c_)) + j;
  for (std::uint32_t t = width - 1; t >= 1; --t) {
    const unsigned d = floor_log2(t);
    const std::uint32_t r = (root << d) + (t - (std::uint32_t{1} << d));
    lms::interior_node(nodes.data() + std::size_t{t} * m, *level_.lms, id(), r, nodes.data() + std::size_t{2 * t} * m,
                       nodes.data() + std::size_t{2 * t + 1} * m);
  }
}

const std::uint8_t* LmsTree::node(std::uint32_t r) {
  const unsigned h = level_.lms->h, m = level_.lms->m;
  const unsigned depth = floor_log2(r);
  if (depth <= h - c_) return top_.data() + std::size_t{r} * m;
  const unsigned below = depth - (h - c_);
  const std::uint32_t anc = r >> below;
  const std::uint32_t j = anc - (std::uint32_t{1} << (h - c_));
  if (sub_index_ != j) {
    build_subtree(j, sub_);
    sub_index_ = j;
  }
  const std::uint32_t t = (std::uint32_t{1} << below) + (r - (anc << below));
  return sub_.data() + std::size_t{t} * m;
}

std::vector<std::uint8_t> LmsTree::public_key() const {
  std::vector<std::uint8_t> pk;
  put_u32(pk, level_.lms->code);
  put_u32(pk, level_.ots->code);
  append(pk, I_, lms::kIdBytes);
  append(pk, top_.data() + level_.lms->m, level_.lms->m);
  return pk;
}

void LmsTree::sign(std::vector<std::uint8_t>& out, std::uint32_t q, std::span<const std::uint8_t> C,
                   std::span<const std::uint8_t> msg) {
  // RFC 8554 Alg. 5: u32str(q) || lmots_signature || u32str(type) || path[0..h-1].
  const unsigned h = level_.lms->h, m = level_.lms->m;
  if (q >= (std::uint64_t{1} << h)) throw std::out_of_range("LMS leaf index");
  put_u32(out, q);
  const std::size_t at = out.size();
  out.resize(at + level_.ots->sig_bytes());
  if (lms::ots_sign(std::span<std::uint8_t>(out.data() + at, level_.ots->sig_bytes()), *level_.ots, id(), q, seed_, C,
                    msg) != Status::ok)
    throw std::logic_error("ots_sign");
  put_u32(out, level_.lms->code);
  const std::uint32_t leaf = (std::uint32_t{1} << h) + q;
  for (unsigned k = 0; k < h; ++k) {
    const std::uint8_t* sib = node((leaf >> k) ^ 1u);
    append(out, sib, m);
  }
}

std::vector<std::uint8_t> lms_public_key(const LmsLevel& level, std::span<const std::uint8_t, lms::kIdBytes> I,
                                         std::span<const std::uint8_t> seed) {
  return LmsTree(level, I, seed).public_key();
}

// ---- HSS ----------------------------------------------------------------------------------------
// Key file body: u32 L, L x (u32 LMS type, u32 LM-OTS type), I (16), SEED (n of the top level).
void HssSigner::generate(const std::string& path, const std::vector<LmsLevel>& levels, rng::RandomSource& rng,
                         Replace replace) {
  check_levels(levels);
  SecretBytes seed(levels[0].ots->n);
  std::uint8_t I[lms::kIdBytes];
  if (rng.generate(seed.span()) != Status::ok || rng.generate(std::span<std::uint8_t>(I, lms::kIdBytes)) != Status::ok)
    throw StatefulError("entropy source failure");
  generate_from_seed(path, levels, seed.span(), id_span(I), replace);
}

void HssSigner::generate_from_seed(const std::string& path, const std::vector<LmsLevel>& levels,
                                   std::span<const std::uint8_t> seed, std::span<const std::uint8_t, lms::kIdBytes> I,
                                   Replace replace) {
  check_levels(levels);
  if (seed.size() != levels[0].ots->n) throw std::invalid_argument("HSS SEED must be n bytes of the top level");
  BodyWriter body(4 + 8 * levels.size() + I.size() + seed.size());
  body.u32(static_cast<std::uint32_t>(levels.size()));
  for (const auto& l : levels) {
    body.u32(l.lms->code);
    body.u32(l.ots->code);
  }
  body.bytes(I);
  body.bytes(seed);
  KeyStore::create(path, Family::hss, body.done().span(), capacity_of(levels), replace);
}

HssSigner::HssSigner(const std::string& path) : store_(path) {
  if (store_.family() != Family::hss) throw StateCorrupt(path + " is not an HSS/LMS private key");
  const auto& b = store_.body();
  if (b.size() < 4) throw StateCorrupt("HSS key body too short");
  const std::uint32_t L = load32_be(b.data());
  if (L < 1 || L > lms::kMaxLevels || b.size() < 4 + 8 * std::size_t{L} + lms::kIdBytes)
    throw StateCorrupt("HSS key: bad level count");
  for (std::uint32_t i = 0; i < L; ++i)
    levels_.push_back(LmsLevel{lms::find_lms(load32_be(b.data() + 4 + 8 * i)),
                               lms::find_ots(load32_be(b.data() + 8 + 8 * i))});
  try {
    check_levels(levels_);
  } catch (const std::invalid_argument& e) {
    throw StateCorrupt(std::string("HSS key: ") + e.what());
  }
  const std::size_t off = 4 + 8 * std::size_t{L};
  if (b.size() != off + lms::kIdBytes + levels_[0].ots->n) throw StateCorrupt("HSS key: bad length");
  std::memcpy(I_, b.data() + off, lms::kIdBytes);
  seed_.assign(b.begin() + static_cast<std::ptrdiff_t>(off + lms::kIdBytes), b.end());
  if (store_.limit() != capacity_of(levels_)) throw StateCorrupt("HSS key: limit does not match the levels");
  trees_.resize(L);
}

HssSigner::~HssSigner() { secure_wipe(seed_.data(), seed_.size()); }

LmsTree& HssSigner::tree(unsigned level, std::span<const std::uint8_t> seed,
                         std::span<const std::uint8_t, lms::kIdBytes> I) {
  auto& t = trees_[level];
  if (!t || std::memcmp(t->id().data(), I.data(), lms::kIdBytes) != 0)
    t = std::make_unique<LmsTree>(levels_[level], I, seed);
  return *t;
}

std::vector<std::uint8_t> HssSigner::public_key() {
  std::vector<std::uint8_t> pk;
  put_u32(pk, static_cast<std::uint32_t>(levels_.size()));
  const auto top = tree(0, seed_, id_span(I_)).public_key();
  append(pk, top);
  return pk;
}

std::uint64_t HssSigner::next_index() const { return pending_ < pending_end_ ? pending_ : store_.next(); }

std::vector<std::uint8_t> HssSigner::sign(std::span<const std::uint8_t> msg) {
  if (pending_ == pending_end_) {
    // Durable before use: the state file passes the reserved indices first (KeyStore::reserve).
    const std::uint64_t left = store_.limit() - store_.next();
    const std::uint64_t k = std::max<std::uint64_t>(1, std::min(batch_, left));
    pending_ = store_.reserve(k);
    pending_end_ = pending_ + k;
  }
  const std::uint64_t g = pending_++;
  const std::size_t L = levels_.size();
  // The global index g, split from the bottom: q[L-1] is its lowest h[L-1] bits, and so on up.
  std::vector<std::uint32_t> q(L, 0);
  std::uint64_t rest = g;
  for (std::size_t i = L; i-- > 0;) {
    const unsigned h = levels_[i].lms->h;
    q[i] = static_cast<std::uint32_t>(rest & ((std::uint64_t{1} << h) - 1));
    rest = h >= 64 ? 0 : rest >> h;
  }
  std::vector<std::uint8_t> sig;
  put_u32(sig, static_cast<std::uint32_t>(L - 1));
  std::vector<std::uint8_t> seed = seed_, child_seed;
  std::uint8_t I[lms::kIdBytes], child_I[lms::kIdBytes], C[lms::kMaxN];
  std::memcpy(I, I_, lms::kIdBytes);
  for (std::size_t i = 0; i < L; ++i) {
    const LmsLevel& lv = levels_[i];
    LmsTree& t = tree(static_cast<unsigned>(i), seed, id_span(I));
    lms::derive(C, lv.ots->n, lv.ots->hash, id_span(I), q[i], kDeriveC, seed);
    if (i + 1 == L) {
      t.sign(sig, q[i], std::span<const std::uint8_t>(C, lv.ots->n), msg);
      break;
    }
    // The child key under leaf q[i] (Appendix A layout, indices 0xFFFE / 0xFFFF), its public key
    // signed by this level, then the public key itself (RFC 8554 §6.2).
    child_seed.assign(levels_[i + 1].ots->n, 0);
    lms::derive(child_seed.data(), child_seed.size(), lv.ots->hash, id_span(I), q[i], kDeriveChildSeed, seed);
    lms::derive(child_I, lms::kIdBytes, lv.ots->hash, id_span(I), q[i], kDeriveChildId, seed);
    const auto child_pub = tree(static_cast<unsigned>(i + 1), child_seed, id_span(child_I)).public_key();
    t.sign(sig, q[i], std::span<const std::uint8_t>(C, lv.ots->n), child_pub);
    append(sig, child_pub);
    secure_wipe(seed.data(), seed.size());
    seed = child_seed;
    std::memcpy(I, child_I, lms::kIdBytes);
  }
  secure_wipe(seed.data(), seed.size());
  secure_wipe(child_seed.data(), child_seed.size());
  fault_point(FaultPoint::signed_);
  return sig;
}

}  // namespace pqcea::host::stateful
