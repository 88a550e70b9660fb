// The LMS/HSS and XMSS/XMSS^MT known-answer files of ../shared/vectors/stateful (liboqs 0.x
// tests/KATs/sig_stfl layout), read from PQCEA_VECTORS; skipped with a message when absent.
//
// LMS files (lms/*.rsp): msg, sm (the signature), pk. 16 of them are liboqs's own output
// (HSS: pk = u32str(L) || LMS public key, sm = HSS signature); the SHA-256 of each such file equals
// its kats.json entry. LMS_SHA256_H5_W1 and LMS_SHA256_H10_W1 come from NIST's LMS sigVer
// sample (comments name the tcId): a bare LMS public key (no L) and a bare LMS signature, with a
// stray '"' before sm (skipped, as liboqs's ReadHex does). Each must verify; a changed message or
// signature byte must not.
//
// XMSS files (xmss/*.rsp): pk = OID || root || PUB_SEED; sk = OID || idx || SK_SEED || SK_PRF ||
// root || PUB_SEED || (liboqs's BDS traversal state, not used here); seed (48 bytes, the NIST DRBG
// seed the 33-byte msg was drawn from); sm = the signature at index 0; remain / max. Checks: the
// file digest equals kats.json; msg = randombytes(33) after seeding; sk and pk agree; sm verifies
// and a changed message does not; remain = 2^h - 2 and max = 2^h - 1 (after one signature);
// and sm is re-made byte for byte from SK_SEED / SK_PRF / PUB_SEED (SP 800-208 key generation,
// deterministic signing), which builds d trees of 2^(h/d) leaves: in the normal suite where that
// costs about a second (resign_cost() <= 2048), in the "long" suite (PQCEA_KAT_FULL=1) every set
// with h/d <= 16. Sets with h/d = 20 (XMSS-*_20_*, XMSSMT 40/2 and 60/3: 2^20 leaves per tree) are
// checked by verification and key layout only.
#include <gtest/gtest.h>

#include <filesystem>

#include "kat.hpp"
#include "nist_drbg.hpp"
#include "pqcea/core/bytes.hpp"
#include "pqcea/host/stateful.hpp"
#include "pqcea/lms.hpp"
#include "pqcea/xmss.hpp"
#include "rsp.hpp"

#include <nlohmann/json.hpp>

using namespace pqcea;
namespace fs = std::filesystem;

namespace {

nlohmann::json kats_json(const fs::path& dir) {
  std::ifstream in(dir / "kats.json");
  return nlohmann::json::parse(in);
}

std::string sha256_of(const std::string& s) { return test::sha256_hex(s); }

// "XMSSMT-SHA2_20-2_256" (file name) -> "XMSSMT-SHA2_20/2_256" (RFC 8391 name, kats.json key).
std::string xmss_name(std::string stem) {
  if (stem.rfind("XMSSMT-", 0) == 0) {
    const auto dash = stem.find('-', 7);
    if (dash != std::string::npos) stem[dash] = '/';
  }
  return stem;
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> v;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".rsp") v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

// Relative CPU cost of re-making a signature: leaves to build x cost of one leaf (SHA-256 n = 32
// = 1; measured on the development machine).
double resign_cost(const xmss::Params& p) {
  double leaf = 1;
  if (p.hash == xmss::HashFn::sha256 && p.n == 24) leaf = 1.8;
  if (p.hash == xmss::HashFn::shake128 || p.hash == xmss::HashFn::shake256) leaf = p.n == 64 ? 18 : 6;
  if (p.hash == xmss::HashFn::sha512) leaf = 16;
  return leaf * p.d * static_cast<double>(std::uint64_t{1} << p.tree_height());
}

// Long-suite runs set PQCEA_KAT_FULL=1 (tests/stateful/CMakeLists.txt).
bool full_run() {
  const char* e = std::getenv("PQCEA_KAT_FULL");
  return e != nullptr && std::string(e) == "1";
}

}  // namespace

TEST(StatefulKat, LmsFiles) {
  const auto dir = test::stateful_vectors();
  if (!dir) GTEST_SKIP() << "vector folder absent: set PQCEA_VECTORS to the shared/vectors folder";
  const auto kats = kats_json(*dir);
  const auto files = files_in(*dir / "lms");
  ASSERT_EQ(files.size(), 18u);
  int hss = 0, bare = 0, digests = 0;
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    const auto r = test::read_rsp(f);
    const auto msg = r.hex("msg"), sm = r.hex("sm"), pk = r.hex("pk");
    ASSERT_GE(pk.size(), 8u);
    // HSS key: u32str(L) || LMS key; bare LMS key: the LMS key alone (its length follows from its type).
    const lms::LmsType* as_hss = lms::find_lms(load32_be(pk.data() + 4));
    const bool is_hss = as_hss != nullptr && pk.size() == 4 + lms::lms_pk_bytes(*as_hss);
    Status st;
    if (is_hss) {
      st = lms::hss_verify(pk, msg, sm);
      ++hss;
    } else {
      st = lms::lms_verify(pk, msg, sm);
      ++bare;
    }
    EXPECT_EQ(st, Status::ok);
    // The name says the first level's types: LMS_SHA256_H<h>_W<w>[_H<h>_W<w>].
    const std::uint8_t* key = is_hss ? pk.data() + 4 : pk.data();
    const lms::LmsType* lt = lms::find_lms(load32_be(key));
    const lms::OtsType* ot = lms::find_ots(load32_be(key + 4));
    ASSERT_TRUE(lt != nullptr && ot != nullptr);
    const std::string stem = f.stem().string();
    const std::string expect = "LMS_SHA256_H" + std::to_string(lt->h) + "_W" + std::to_string(ot->w);
    EXPECT_EQ(stem.substr(0, expect.size()), expect);
    auto bad = msg;
    bad[bad.size() / 2] ^= 0x01;
    EXPECT_EQ(is_hss ? lms::hss_verify(pk, bad, sm) : lms::lms_verify(pk, bad, sm), Status::invalid_signature);
    auto bad_sig = sm;
    bad_sig[sm.size() - 1] ^= 0x80;  // last path node
    EXPECT_EQ(is_hss ? lms::hss_verify(pk, msg, bad_sig) : lms::lms_verify(pk, msg, bad_sig), Status::invalid_signature);
    // liboqs's output files are byte-identical to what kats.json hashed.
    if (r.raw.rfind("#", 0) != 0) {
      EXPECT_EQ(sha256_of(r.raw), kats.at(stem).get<std::string>());
      ++digests;
    }
  }
  EXPECT_EQ(hss, 16);
  EXPECT_EQ(bare, 2);
  EXPECT_EQ(digests, 16);
  std::printf("LMS/HSS known-answer files: %zu verified (%d HSS, %d bare LMS), %d kats.json digests matched\n",
              files.size(), hss, bare, digests);
}

namespace {

struct XmssKat {
  const xmss::Params* p;
  test::Rsp r;
  std::vector<std::uint8_t> pk, sk, msg, sm, sk_seed, sk_prf, root, pub_seed;
};

XmssKat load_xmss(const fs::path& f) {
  XmssKat k;
  k.p = xmss::find_by_name(xmss_name(f.stem().string()).c_str());
  if (k.p == nullptr) throw std::runtime_error("unknown parameter set " + f.stem().string());
  k.r = test::read_rsp(f);
  k.pk = k.r.hex("pk");
  k.sk = k.r.hex("sk");
  k.msg = k.r.hex("msg");
  k.sm = k.r.hex("sm");
  const std::size_t n = k.p->n, at = 4 + k.p->idx_bytes();
  if (k.sk.size() < at + 4 * n) throw std::runtime_error("sk too short");
  auto field = [&](std::size_t i) { return std::vector<std::uint8_t>(k.sk.begin() + at + i * n, k.sk.begin() + at + (i + 1) * n); };
  k.sk_seed = field(0);
  k.sk_prf = field(1);
  k.root = field(2);
  k.pub_seed = field(3);
  return k;
}

}  // namespace

TEST(StatefulKat, XmssFiles) {
  const auto dir = test::stateful_vectors();
  if (!dir) GTEST_SKIP() << "vector folder absent: set PQCEA_VECTORS to the shared/vectors folder";
  const auto kats = kats_json(*dir);
  const auto files = files_in(*dir / "xmss");
  ASSERT_EQ(files.size(), 37u);
  int resigned = 0, deferred = 0, verify_only = 0;
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    const XmssKat k = load_xmss(f);
    const xmss::Params& p = *k.p;
    EXPECT_EQ(sha256_of(k.r.raw), kats.at(xmss_name(f.stem().string())).get<std::string>());
    // The message is the first 33 bytes of the NIST DRBG seeded with `seed`.
    const auto seed = k.r.hex("seed");
    ASSERT_EQ(seed.size(), 48u);
    test::NistDrbg drbg(std::span<const std::uint8_t, 48>(seed.data(), 48));
    std::vector<std::uint8_t> m(33);
    drbg.randombytes(m.data(), m.size());
    EXPECT_EQ(m, k.msg);
    EXPECT_EQ(k.r.number("mlen"), 33u);
    // Key layout.
    ASSERT_EQ(k.pk.size(), p.pk_bytes());
    EXPECT_EQ(load32_be(k.pk.data()), p.oid);
    EXPECT_EQ(load32_be(k.sk.data()), p.oid);
    for (std::size_t i = 0; i < p.idx_bytes(); ++i) EXPECT_EQ(k.sk[4 + i], 0) << "sk index is not 0";
    EXPECT_TRUE(std::equal(k.root.begin(), k.root.end(), k.pk.begin() + 4));
    EXPECT_TRUE(std::equal(k.pub_seed.begin(), k.pub_seed.end(), k.pk.begin() + 4 + p.n));
    // The signature.
    ASSERT_EQ(k.sm.size(), p.sig_bytes());
    EXPECT_EQ(k.r.number("smlen"), p.sig_bytes());
    for (std::size_t i = 0; i < p.idx_bytes(); ++i) EXPECT_EQ(k.sm[i], 0) << "signature index is not 0";
    const auto ver = p.mt ? xmss::verify_mt : xmss::verify;
    EXPECT_EQ(ver(k.pk, k.msg, k.sm), Status::ok);
    auto bad = k.msg;
    bad[0] ^= 1;
    EXPECT_EQ(ver(k.pk, bad, k.sm), Status::invalid_signature);
    EXPECT_EQ(k.r.number("max"), p.capacity() - 1);
    EXPECT_EQ(k.r.number("remain"), p.capacity() - 2);
    // Byte-exact re-signing from the seeds (index 0).
    if (resign_cost(p) <= 2048 || (full_run() && p.tree_height() <= 16)) {
      const auto sig = host::stateful::xmss_sign_stateless_for_tests(p, k.sk_seed, k.sk_prf, k.pub_seed, 0, k.msg);
      EXPECT_EQ(sig, k.sm) << "re-made signature differs";
      ++resigned;
    } else if (p.tree_height() <= 16) {
      ++deferred;
    } else {
      ++verify_only;
    }
  }
  std::printf("XMSS/XMSS^MT known-answer files: %zu verified, %d signatures re-made byte for byte, %d more in the "
              "long suite (PQCEA_KAT_FULL=1), %d with 2^20-leaf trees checked by verification only\n",
              files.size(), resigned, full_run() ? 0 : deferred, verify_only);
}
