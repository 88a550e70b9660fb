// LMS / HSS (RFC 8554, SP 800-208): parameter tables, RFC 8554 Appendix F test case 2 re-made byte
// for byte from its seeds, verification of every LMS x LM-OTS type pair (H5..H25 through sparse
// keys), tree caching, malformed keys and signatures (every byte of one signature flipped), the
// streaming reader, and the HSS signer (levels, mixed hashes, 8 levels, exhaustion, reservation,
// corrupt key files).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "pqcea/core/bytes.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/hex.hpp"
#include "pqcea/host/stateful.hpp"
#include "pqcea/lms.hpp"

using namespace pqcea;
using namespace pqcea::host::stateful;
namespace fs = std::filesystem;

namespace {

std::vector<std::uint8_t> hex(const std::string& s) { return host::hex_decode_or_throw(s, "test vector"); }
std::string to_hex(std::span<const std::uint8_t> b) { return host::hex_encode(b); }
std::string sha256_hex(std::span<const std::uint8_t> b) {
  std::uint8_t d[32];
  hash::Sha256::hash(d, b.data(), b.size());
  return to_hex(d);
}
void put32(std::vector<std::uint8_t>& v, std::uint32_t x) {
  for (int s = 24; s >= 0; s -= 8) v.push_back(static_cast<std::uint8_t>(x >> s));
}
// v += w (push_back: GCC 12 misreports vector::insert after push_back at -O3).
void cat(std::vector<std::uint8_t>& v, std::span<const std::uint8_t> w) {
  for (auto b : w) v.push_back(b);
}
std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t seed) {
  std::vector<std::uint8_t> v(n);
  std::uint32_t x = 0x9E3779B9u * (seed + 1u);
  for (auto& b : v) {
    x = x * 1664525u + 1013904223u;
    b = static_cast<std::uint8_t>(x >> 24);
  }
  return v;
}
std::span<const std::uint8_t, lms::kIdBytes> id16(const std::vector<std::uint8_t>& v) {
  return std::span<const std::uint8_t, lms::kIdBytes>(v.data(), lms::kIdBytes);
}
LmsLevel level(const char* lms_name, const char* ots_name) {
  LmsLevel l{nullptr, nullptr};
  for (const auto& t : lms::kLmsTypes)
    if (std::string(t.name) == lms_name) l.lms = &t;
  for (const auto& t : lms::kOtsTypes)
    if (std::string(t.name) == ots_name) l.ots = &t;
  return l;
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/pqcea-lms-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (fs::path(path_) / name).string(); }

 private:
  std::string path_;
};

std::vector<std::uint8_t> read_all(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// RFC 8554 Appendix F, test case 2 (the seeds and randomizers of its two levels).
const char* kTc2TopSeed = "558b8966c48ae9cb898b423c83443aae014a72f1b1ab5cc85cf1d892903b5439";
const char* kTc2TopI = "d08fabd4a2091ff0a8cb4ed834e74534";
const char* kTc2TopC = "3d46bee8660f8f215d3f96408a7a64cf1c4da02b63a55f62c666ef5707a914ce";
const char* kTc2Pk =
    "000000020000000600000003d08fabd4a2091ff0a8cb4ed834e7453432a58885cd9ba0431235466bff9651c6c92124404d45fa53cf"
    "161c28f1ad5a8e";
const char* kTc2BotSeed = "a1c4696e2608035a886100d05cd99945eb3370731884a8235e2fb3d4d71f2547";
const char* kTc2BotI = "215f83b7ccb9acbcd08db97b0d04dc2b";
const char* kTc2BotC = "0eb1ed54a2460d512388cad533138d240534e97b1e82d33bd927d201dfc24ebb";
const char* kTc2BotPub =
    "0000000500000004215f83b7ccb9acbcd08db97b0d04dc2ba1cd035833e0e90059603f26e07ad2aad152338e7a5e5984bcd5f7bb4eba40b7";
const char* kTc2Msg =
    "The enumeration in the Constitution, of certain rights, shall not be construed to deny or disparage others "
    "retained by the people.\n";
// SHA-256 of the test case's 3860-byte HSS signature (LMS_SHA256_H10_W4_H5_W8.rsp carries it in full).
const char* kTc2SigSha256 = "43a0d60189e52faf20ef094fd4902d0d5a9d42ed8e286b4104bffe70480bc730";

}  // namespace

TEST(LmsParams, Tables) {
  EXPECT_EQ(std::size(lms::kOtsTypes), 16u);
  EXPECT_EQ(std::size(lms::kLmsTypes), 20u);
  for (const auto& o : lms::kOtsTypes) {
    EXPECT_EQ(lms::find_ots(o.code), &o);
    // RFC 8554 Appendix B: u digits of the hash and v of the checksum; the checksum fits 16 bits.
    const unsigned u = 8u * o.n / o.w;
    EXPECT_GE(o.p, u);
    EXPECT_LE((o.p - u) * o.w + o.ls, 16u) << o.name;
  }
  for (const auto& l : lms::kLmsTypes) EXPECT_EQ(lms::find_lms(l.code), &l);
  EXPECT_EQ(lms::find_lms(4), nullptr);
  EXPECT_EQ(lms::find_lms(0x19), nullptr);
  EXPECT_EQ(lms::find_ots(0), nullptr);
  EXPECT_EQ(lms::find_ots(0x11), nullptr);
  // SP 800-208 §4: LMS_SHA256_M24_H10 with LMOTS_SHA256_N24_W4: 4 + (4 + 24 * 52) + 4 + 10 * 24.
  EXPECT_EQ(lms::lms_sig_bytes(*lms::find_lms(0x0B), *lms::find_ots(0x07)), 4u + 4 + 24 * 52 + 4 + 240);
}

TEST(Lms, Rfc8554TestCase2RemadeFromSeeds) {
  const auto top_seed = hex(kTc2TopSeed), top_I = hex(kTc2TopI), bot_seed = hex(kTc2BotSeed), bot_I = hex(kTc2BotI);
  LmsTree top(level("LMS_SHA256_M32_H10", "LMOTS_SHA256_N32_W4"), id16(top_I), top_seed);
  LmsTree bottom(level("LMS_SHA256_M32_H5", "LMOTS_SHA256_N32_W8"), id16(bot_I), bot_seed);
  std::vector<std::uint8_t> pk;
  put32(pk, 2);
  const auto top_pub = top.public_key();
  cat(pk, top_pub);
  EXPECT_EQ(to_hex(pk), kTc2Pk);
  const auto bot_pub = bottom.public_key();
  EXPECT_EQ(to_hex(bot_pub), kTc2BotPub);
  const std::string m = kTc2Msg;
  const std::vector<std::uint8_t> msg(m.begin(), m.end());
  std::vector<std::uint8_t> sig;
  put32(sig, 1);
  top.sign(sig, 3, hex(kTc2TopC), bot_pub);
  cat(sig, bot_pub);
  bottom.sign(sig, 4, hex(kTc2BotC), msg);
  EXPECT_EQ(sig.size(), 3860u);
  EXPECT_EQ(sha256_hex(sig), kTc2SigSha256);
  EXPECT_EQ(lms::hss_verify(pk, msg, sig), Status::ok);
}

namespace {
// A valid LMS key and signature for any type pair without building the tree: the leaf q's LM-OTS
// signature, an arbitrary path, and T[1] computed up that path (RFC 8554 Alg. 6b in reverse).
struct Sparse {
  std::vector<std::uint8_t> pk, sig;
};
Sparse sparse_key(const lms::LmsType& l, const lms::OtsType& o, std::uint32_t q, std::span<const std::uint8_t> msg,
                  std::uint8_t salt) {
  const auto I = pattern(16, salt), seed = pattern(o.n, static_cast<std::uint8_t>(salt + 1)),
             C = pattern(o.n, static_cast<std::uint8_t>(salt + 2));
  std::vector<std::uint8_t> K(o.n), ots(o.sig_bytes());
  EXPECT_EQ(lms::ots_public_key(K, o, id16(I), q, seed), Status::ok);
  EXPECT_EQ(lms::ots_sign(ots, o, id16(I), q, seed, C, msg), Status::ok);
  Sparse s;
  put32(s.sig, q);
  cat(s.sig, ots);
  put32(s.sig, l.code);
  std::uint32_t r = (std::uint32_t{1} << l.h) + q;
  std::vector<std::uint8_t> node(l.m);
  lms::leaf_node(node.data(), l, id16(I), r, K.data());
  for (unsigned k = 0; k < l.h; ++k, r /= 2) {
    const auto sib = pattern(l.m, static_cast<std::uint8_t>(salt + 3 + k));
    cat(s.sig, sib);
    if (r & 1)
      lms::interior_node(node.data(), l, id16(I), r / 2, sib.data(), node.data());
    else
      lms::interior_node(node.data(), l, id16(I), r / 2, node.data(), sib.data());
  }
  put32(s.pk, l.code);
  put32(s.pk, o.code);
  cat(s.pk, I);
  cat(s.pk, node);
  return s;
}
}  // namespace

TEST(Lms, EveryTypePairVerifies) {
  const auto msg = pattern(100, 7);
  int pairs = 0, mismatched = 0;
  for (const auto& l : lms::kLmsTypes) {
    for (const auto& o : lms::kOtsTypes) {
      SCOPED_TRACE(std::string(l.name) + " / " + o.name);
      if (l.hash != o.hash || l.m != o.n) {
        // Within one key, tree and LM-OTS share hash and length (SP 800-208 parameter sets): such a
        // key is refused before the signature is looked at.
        std::vector<std::uint8_t> pk, sig(lms::lms_sig_bytes(l, o), 0);
        put32(pk, l.code);
        put32(pk, o.code);
        cat(pk, pattern(16u + l.m, 5));
        EXPECT_EQ(lms::lms_verify(pk, msg, sig), Status::invalid_key);
        ++mismatched;
        continue;
      }
      const std::uint32_t q = (std::uint32_t{1} << l.h) - 1 - static_cast<std::uint32_t>(pairs % 7);
      const Sparse s = sparse_key(l, o, q, msg, static_cast<std::uint8_t>(pairs));
      ++pairs;
      ASSERT_EQ(s.sig.size(), lms::lms_sig_bytes(l, o));
      EXPECT_EQ(lms::lms_verify(s.pk, msg, s.sig), Status::ok);
      // The same as a one-level HSS key and signature.
      std::vector<std::uint8_t> hpk, hsig;
      put32(hpk, 1);
      cat(hpk, s.pk);
      put32(hsig, 0);
      cat(hsig, s.sig);
      EXPECT_EQ(lms::hss_verify(hpk, msg, hsig), Status::ok);
      auto bad = s.sig;
      bad[4 + 4 + o.n + 3] ^= 0x10;  // y[0]
      EXPECT_EQ(lms::lms_verify(s.pk, msg, bad), Status::invalid_signature);
      bad = s.sig;
      bad[bad.size() - 1] ^= 1;  // top path node
      EXPECT_EQ(lms::lms_verify(s.pk, msg, bad), Status::invalid_signature);
    }
  }
  EXPECT_EQ(pairs, 80);  // 4 hash/length families x 5 heights x 4 Winternitz widths
  EXPECT_EQ(mismatched, 240);
}

TEST(Lms, TreesSignAndVerifyEveryOtsType) {
  const auto msg = pattern(33, 1);
  for (const auto& o : lms::kOtsTypes) {
    SCOPED_TRACE(o.name);
    const lms::LmsType* l = nullptr;
    for (const auto& t : lms::kLmsTypes)
      if (t.h == 5 && t.hash == o.hash && t.m == o.n) l = &t;
    ASSERT_NE(l, nullptr);
    const auto I = pattern(16, 3), seed = pattern(o.n, 4), C = pattern(o.n, 5);
    LmsTree tree(LmsLevel{l, &o}, id16(I), seed);
    const auto pk = tree.public_key();
    for (std::uint32_t q : {0u, 1u, 17u, 31u}) {
      std::vector<std::uint8_t> sig;
      tree.sign(sig, q, C, msg);
      EXPECT_EQ(lms::lms_verify(pk, msg, sig), Status::ok) << "q=" << q;
    }
  }
}

TEST(Lms, RecomputedSubtreesMatchTheFullTree) {
  const LmsLevel lv = level("LMS_SHA256_M32_H10", "LMOTS_SHA256_N32_W2");
  const auto I = pattern(16, 9), seed = pattern(32, 10), C = pattern(32, 11), msg = pattern(20, 12);
  LmsTree full(lv, id16(I), seed);
  LmsTree sparse(lv, id16(I), seed, 4);  // keeps heights >= 6, recomputes 64-leaf subtrees
  EXPECT_EQ(full.public_key(), sparse.public_key());
  for (std::uint32_t q : {0u, 1u, 63u, 64u, 65u, 511u, 512u, 1023u, 0u}) {
    std::vector<std::uint8_t> a, b;
    full.sign(a, q, C, msg);
    sparse.sign(b, q, C, msg);
    EXPECT_EQ(a, b) << "q=" << q;
  }
}

TEST(Lms, RejectsMalformedKeysAndSignatures) {
  const LmsLevel lv = level("LMS_SHA256_M32_H5", "LMOTS_SHA256_N32_W8");
  const auto I = pattern(16, 20), seed = pattern(32, 21), C = pattern(32, 22), msg = pattern(64, 23);
  LmsTree tree(lv, id16(I), seed);
  const auto pk = tree.public_key();
  std::vector<std::uint8_t> sig;
  tree.sign(sig, 9, C, msg);
  ASSERT_EQ(lms::lms_verify(pk, msg, sig), Status::ok);
  // Every single-byte change of the signature is rejected.
  int rejected = 0;
  for (std::size_t i = 0; i < sig.size(); ++i) {
    auto bad = sig;
    bad[i] ^= static_cast<std::uint8_t>(1u << (i % 8));
    if (lms::lms_verify(pk, msg, bad) != Status::ok) ++rejected;
  }
  EXPECT_EQ(rejected, static_cast<int>(sig.size()));
  // Lengths.
  auto longer = sig;
  longer.push_back(0);
  EXPECT_EQ(lms::lms_verify(pk, msg, longer), Status::invalid_signature);
  EXPECT_EQ(lms::lms_verify(pk, msg, std::span<const std::uint8_t>(sig).first(sig.size() - 1)), Status::invalid_signature);
  EXPECT_EQ(lms::lms_verify(pk, msg, std::span<const std::uint8_t>(sig).first(3)), Status::invalid_signature);
  EXPECT_EQ(lms::lms_verify(pk, msg, {}), Status::invalid_signature);
  // q out of range (q = 32 for h = 5).
  auto q_bad = sig;
  store32_be(q_bad.data(), 32);
  EXPECT_EQ(lms::lms_verify(pk, msg, q_bad), Status::invalid_signature);
  // Public keys: wrong length, unknown type, LM-OTS of another length.
  EXPECT_EQ(lms::lms_verify(std::span<const std::uint8_t>(pk).first(pk.size() - 1), msg, sig), Status::invalid_key);
  auto pk_bad = pk;
  store32_be(pk_bad.data(), 0x19);
  EXPECT_EQ(lms::lms_verify(pk_bad, msg, sig), Status::invalid_key);
  pk_bad = pk;
  store32_be(pk_bad.data() + 4, 0x08);  // LMOTS_SHA256_N24_W8 under an M32 tree
  EXPECT_EQ(lms::lms_verify(pk_bad, msg, sig), Status::invalid_key);
  EXPECT_EQ(lms::lms_verify({}, msg, sig), Status::invalid_key);
  // HSS framing: L outside 1..8, Nspk + 1 != L.
  std::vector<std::uint8_t> hpk, hsig;
  put32(hpk, 1);
  cat(hpk, pk);
  put32(hsig, 0);
  cat(hsig, sig);
  EXPECT_EQ(lms::hss_verify(hpk, msg, hsig), Status::ok);
  for (std::uint32_t L : {0u, 2u, 9u}) {
    auto p2 = hpk;
    store32_be(p2.data(), L);
    EXPECT_EQ(lms::hss_verify(p2, msg, hsig), L == 2 ? Status::invalid_signature : Status::invalid_key) << L;
  }
  auto s2 = hsig;
  store32_be(s2.data(), 1);
  EXPECT_EQ(lms::hss_verify(hpk, msg, s2), Status::invalid_signature);
  EXPECT_EQ(lms::hss_verify(hpk, msg, std::span<const std::uint8_t>(hsig).first(2)), Status::invalid_signature);
}

namespace {
// Serves a signature in pieces and records how it is read; fails at `fail_at` if set.
class CountingReader final : public lms::SignatureReader {
 public:
  explicit CountingReader(std::span<const std::uint8_t> s, std::size_t fail_at = SIZE_MAX) : s_(s), fail_at_(fail_at) {}
  std::size_t size() const override { return s_.size(); }
  Status read(std::size_t off, std::span<std::uint8_t> out) const override {
    ++reads;
    largest = std::max(largest, out.size());
    if (off <= fail_at_ && fail_at_ < off + out.size()) return Status::decode_error;
    if (off + out.size() > s_.size()) return Status::invalid_signature;
    std::copy_n(s_.begin() + static_cast<std::ptrdiff_t>(off), out.size(), out.begin());
    return Status::ok;
  }
  mutable std::size_t reads = 0, largest = 0;

 private:
  std::span<const std::uint8_t> s_;
  std::size_t fail_at_;
};
}  // namespace

TEST(Lms, StreamsTheSignatureAndTheMessage) {
  TempDir dir;
  const auto levels = parse_hss_levels("LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W4,LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8");
  HssSigner::generate_from_seed(dir.file("k"), levels, pattern(32, 30), id16(pattern(16, 31)));
  HssSigner signer(dir.file("k"));
  const auto pk = signer.public_key();
  const auto msg = pattern(1000, 32);
  const auto sig = signer.sign(msg);
  CountingReader r(sig);
  lms::HssVerifier v;
  ASSERT_EQ(v.start(pk, r), Status::ok);
  for (auto b : msg) v.update(std::span<const std::uint8_t>(&b, 1));
  EXPECT_EQ(v.finish(), Status::ok);
  EXPECT_EQ(v.finish(), Status::invalid_argument);  // used once
  EXPECT_LE(r.largest, lms::kMaxLmsPkBytes);       // never more than one public key at a time
  EXPECT_GT(r.reads, 100u);
  // A reader error anywhere is returned as it is.
  for (std::size_t at : {std::size_t{0}, std::size_t{100}, sig.size() / 2, sig.size() - 1}) {
    CountingReader bad(sig, at);
    lms::HssVerifier w;
    Status st = w.start(pk, bad);
    if (st == Status::ok) {
      w.update(msg);
      st = w.finish();
    }
    EXPECT_EQ(st, Status::decode_error) << at;
  }
  // A wrong message streamed in pieces fails.
  lms::HssVerifier x;
  ASSERT_EQ(x.start(pk, r), Status::ok);
  x.update(std::span<const std::uint8_t>(msg).first(500));
  EXPECT_EQ(x.finish(), Status::invalid_signature);
}

TEST(Hss, SignsAcrossBottomTreesAndVerifies) {
  TempDir dir;
  const auto levels = parse_hss_levels("LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8,LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8");
  EXPECT_EQ(hss_levels_name(levels), "LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8,LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8");
  HssSigner::generate_from_seed(dir.file("k"), levels, pattern(32, 40), id16(pattern(16, 41)));
  HssSigner signer(dir.file("k"));
  EXPECT_EQ(signer.capacity(), 1024u);
  const auto pk = signer.public_key();
  std::vector<std::uint8_t> pub_at_0, pub_at_32;
  for (int i = 0; i < 70; ++i) {
    const auto msg = pattern(50, static_cast<std::uint8_t>(i));
    const auto sig = signer.sign(msg);
    ASSERT_EQ(lms::hss_verify(pk, msg, sig), Status::ok) << i;
    // u32str(1) || sig0 (q0 = i / 32) || pub1 || sig1 (q1 = i % 32).
    const std::size_t sig0 = lms::lms_sig_bytes(*levels[0].lms, *levels[0].ots);
    EXPECT_EQ(load32_be(sig.data() + 4), static_cast<std::uint32_t>(i / 32));
    EXPECT_EQ(load32_be(sig.data() + 4 + sig0 + 56), static_cast<std::uint32_t>(i % 32));
    const std::vector<std::uint8_t> pub1(sig.begin() + 4 + static_cast<std::ptrdiff_t>(sig0),
                                         sig.begin() + 4 + static_cast<std::ptrdiff_t>(sig0) + 56);
    if (i == 0) pub_at_0 = pub1;
    if (i == 31) {
      EXPECT_EQ(pub1, pub_at_0);
    }
    if (i == 32) pub_at_32 = pub1;
  }
  EXPECT_NE(pub_at_0, pub_at_32);  // a new bottom tree after 32 signatures
  EXPECT_EQ(signer.next_index(), 70u);
  EXPECT_EQ(HssSigner(dir.file("k")).next_index(), 70u);
}

TEST(Hss, MixedHashesAcrossLevels) {
  TempDir dir;
  const auto levels = parse_hss_levels(
      "LMS_SHA256_M24_H5/LMOTS_SHA256_N24_W4,LMS_SHAKE_M32_H5/LMOTS_SHAKE_N32_W8,LMS_SHAKE_M24_H5/LMOTS_SHAKE_N24_W2");
  HssSigner::generate_from_seed(dir.file("k"), levels, pattern(24, 50), id16(pattern(16, 51)));
  HssSigner signer(dir.file("k"));
  const auto pk = signer.public_key();
  EXPECT_EQ(pk.size(), 4u + lms::lms_pk_bytes(*levels[0].lms));
  for (int i = 0; i < 3; ++i) {
    const auto msg = pattern(10, static_cast<std::uint8_t>(60 + i));
    EXPECT_EQ(lms::hss_verify(pk, msg, signer.sign(msg)), Status::ok);
  }
  EXPECT_THROW(parse_hss_levels("LMS_SHA256_M32_H5/LMOTS_SHA256_N24_W4"), std::invalid_argument);
  EXPECT_THROW(parse_hss_levels("LMS_SHA256_M32_H5"), std::invalid_argument);
  EXPECT_THROW(parse_hss_levels("LMS_SHA256_M32_H7/LMOTS_SHA256_N32_W4"), std::invalid_argument);
  EXPECT_THROW(parse_hss_levels(""), std::invalid_argument);
  std::string nine;
  for (int i = 0; i < 9; ++i) nine += std::string(i ? "," : "") + "LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8";
  EXPECT_THROW(parse_hss_levels(nine), std::invalid_argument);
}

TEST(Hss, EightLevels) {
  TempDir dir;
  std::string spec;
  for (int i = 0; i < 8; ++i) spec += std::string(i ? "," : "") + "LMS_SHA256_M24_H5/LMOTS_SHA256_N24_W8";
  const auto levels = parse_hss_levels(spec);
  HssSigner::generate_from_seed(dir.file("k"), levels, pattern(24, 70), id16(pattern(16, 71)));
  HssSigner signer(dir.file("k"));
  EXPECT_EQ(signer.capacity(), std::uint64_t{1} << 40);
  const auto pk = signer.public_key();
  const auto msg = pattern(10, 72);
  const auto sig = signer.sign(msg);
  EXPECT_EQ(load32_be(sig.data()), 7u);
  EXPECT_EQ(lms::hss_verify(pk, msg, sig), Status::ok);
  EXPECT_EQ(lms::hss_verify(pk, pattern(10, 73), sig), Status::invalid_signature);
}

TEST(Hss, ExhaustedKeySaysSo) {
  TempDir dir;
  HssSigner::generate_from_seed(dir.file("k"), parse_hss_levels("LMS_SHA256_M24_H5/LMOTS_SHA256_N24_W8"),
                                pattern(24, 80), id16(pattern(16, 81)));
  HssSigner signer(dir.file("k"));
  const auto pk = signer.public_key();
  const auto msg = pattern(5, 82);
  std::set<std::uint32_t> used;
  for (int i = 0; i < 32; ++i) {
    const auto sig = signer.sign(msg);
    EXPECT_EQ(lms::hss_verify(pk, msg, sig), Status::ok);
    used.insert(load32_be(sig.data() + 4));
  }
  EXPECT_EQ(used.size(), 32u);
  const auto before = read_all(dir.file("k"));
  try {
    (void)signer.sign(msg);
    ADD_FAILURE() << "a 33rd signature from a 32-signature key";
  } catch (const KeyExhausted& e) {
    EXPECT_EQ(e.capacity(), 32u);
    EXPECT_NE(std::string(e.what()).find("exhausted"), std::string::npos);
  }
  EXPECT_EQ(read_all(dir.file("k")), before);  // the file is untouched
  HssSigner again(dir.file("k"));
  EXPECT_THROW((void)again.sign(msg), KeyExhausted);
}

TEST(Hss, ReservationAheadSkipsAfterARestart) {
  TempDir dir;
  HssSigner::generate_from_seed(dir.file("k"), parse_hss_levels("LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8"),
                                pattern(32, 90), id16(pattern(16, 91)));
  HssSigner signer(dir.file("k"));
  signer.set_reservation(10);
  const auto msg = pattern(5, 92);
  (void)signer.sign(msg);
  EXPECT_EQ(KeyStore(dir.file("k")).next(), 10u);  // durable: 10 reserved before the first use
  for (int i = 0; i < 9; ++i) (void)signer.sign(msg);
  EXPECT_EQ(KeyStore(dir.file("k")).next(), 10u);
  const auto s = signer.sign(msg);
  EXPECT_EQ(load32_be(s.data() + 4), 10u);
  EXPECT_EQ(KeyStore(dir.file("k")).next(), 20u);
  // A new signer (a restart) continues after the reserved range; indices 11..19 are skipped.
  HssSigner restarted(dir.file("k"));
  EXPECT_EQ(load32_be(restarted.sign(msg).data() + 4), 20u);
  // Near the end a reservation shrinks to what is left.
  restarted.set_reservation(100);
  (void)restarted.sign(msg);
  EXPECT_EQ(KeyStore(dir.file("k")).next(), 32u);
}

TEST(Hss, CorruptOrForeignKeyFilesAreRefused) {
  TempDir dir;
  const auto levels = parse_hss_levels("LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8");
  HssSigner::generate_from_seed(dir.file("k"), levels, pattern(32, 100), id16(pattern(16, 101)));
  EXPECT_THROW(HssSigner::generate_from_seed(dir.file("k"), levels, pattern(32, 100), id16(pattern(16, 101))),
               pqcea::host::SecretFileExists);  // never overwrites without Replace::yes
  const auto good = read_all(dir.file("k"));
  for (std::size_t i = 0; i < good.size(); i += 7) {
    auto bad = good;
    bad[i] ^= 0x04;
    std::ofstream(dir.file("bad"), std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(bad.data()),
                                                                              static_cast<std::streamsize>(bad.size()));
    EXPECT_THROW(HssSigner{dir.file("bad")}, StateCorrupt) << "byte " << i;
  }
  std::ofstream(dir.file("short"), std::ios::binary).write(reinterpret_cast<const char*>(good.data()), 40);
  EXPECT_THROW(HssSigner{dir.file("short")}, StateCorrupt);
  EXPECT_THROW(HssSigner{dir.file("missing")}, StatefulError);
  XmssSigner::generate_from_seeds(dir.file("x"), xmss::kXmssMt[1], pattern(32, 1), pattern(32, 2), pattern(32, 3));
  EXPECT_THROW(HssSigner{dir.file("x")}, StateCorrupt);
  // Another key moved into the file's place while a signer has it open: refused, file untouched.
  HssSigner::generate_from_seed(dir.file("k2"), levels, pattern(32, 102), id16(pattern(16, 103)));
  HssSigner open_signer(dir.file("k"));
  fs::rename(dir.file("k2"), dir.file("k"));
  const auto swapped = read_all(dir.file("k"));
  EXPECT_THROW((void)open_signer.sign(pattern(4, 1)), StateCorrupt);
  EXPECT_EQ(read_all(dir.file("k")), swapped);
}
