// Images signed with SLH-DSA, HSS/LMS and Falcon-1024 (format 2, docs/secure-boot.md "Signature
// algorithms"):
// the format-2 manifest rules, images signed by the host signers (include/pqcea/host/boot_image.hpp)
// and checked by the bootloader's validate_image, and the refusals: a flipped signature byte, a key
// that is not trusted, a wrong algorithm field, a cut trailer, an HSS signature with bytes left
// over or a leaf index past its tree, an algorithm the bootloader was not built for, and a stateful
// key that has run out (never an index twice).
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "boot_fixture.hpp"
#include "pqcea/boot/bootloader.hpp"
#include "pqcea/boot/image.hpp"
#include "pqcea/boot/manifest.hpp"
#include "pqcea/core/bytes.hpp"
#include "pqcea/host/boot_image.hpp"
#include "pqcea/host/stateful.hpp"

namespace pqcea::boot {
namespace {

namespace bi = host::boot_image;
using testing::kExecBase;

// Reproducible keys: a counter stream (the tests need distinct keys, not secret ones).
class CountingRng final : public rng::RandomSource {
 public:
  explicit CountingRng(std::uint8_t tag) : n_(tag) {}
  Status generate(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = static_cast<std::uint8_t>(n_++ * 131 + 7);
    return Status::ok;
  }

 private:
  std::uint32_t n_;
};

class TempDir {
 public:
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "pqcea-bootalg-XXXXXX").string();
    if (mkdtemp(t.data()) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = t;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

ImageParams params(std::uint32_t counter = 3) { return testing::params(counter, {1, 2, 3, 4}); }

struct Checked {
  Verdict verdict;
  Rejection why;
  ValidatedImage out;
  std::uint32_t flow;
};

// Validates `img` at the start of a 128 KiB erased slot, with the given verifiers and workspace.
template <class Ws = LargeValidateWorkspace>
Checked check(const std::vector<std::uint8_t>& img, const KeyId& trusted,
              std::span<const SigVerifier> verifiers = all_verifiers(), bool exact = false) {
  static Ws ws;  // test-only: large workspaces do not belong on the test's stack
  std::vector<std::uint8_t> slot = img;
  if (!exact) slot.resize(128 * 1024, 0xFF);
  MemoryArea area(slot);
  std::vector<std::uint8_t> exec(64 * 1024);
  Checked c{};
  fih::FlowCounter flow;
  c.verdict = validate_image(area, std::span<const KeyId>(&trusted, 1), 0, ExecRegion{kExecBase, exec}, ws, c.out,
                             c.why, flow, mldsa::Memory::fast, verifiers);
  c.flow = flow.value();
  if (c.verdict == Verdict::accept) {
    EXPECT_EQ(c.flow, flow::kImageValid);
  }
  EXPECT_EQ(c.verdict == Verdict::accept, c.why.reason == Reject::none);
  return c;
}

KeyId key_id(std::span<const std::uint8_t> pk) {
  KeyId id;
  key_id_of(pk, id);
  return id;
}

Manifest manifest_of(const std::vector<std::uint8_t>& img) {
  Manifest m;
  EXPECT_EQ(parse_manifest(img, m), Status::ok);
  return m;
}

void put32(std::uint8_t* p, std::uint32_t v) { store32_le(p, v); }
std::uint16_t load16_le(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }

// ---- the format-2 manifest ------------------------------------------------------------------------
Manifest sample2(std::int32_t alg = kSigAlgSlhDsaSha2_128s, std::uint32_t pk = 32, std::uint32_t sig = 7856) {
  Manifest m;
  m.sig_alg = alg;
  m.public_key_size = pk;
  m.signature_size = sig;
  m.payload_size = 4096;
  m.load_address = kExecBase;
  m.version = {1, 0, 0, 0};
  m.security_counter = 1;
  return m;
}

ManifestError parse_error(std::span<const std::uint8_t> b) {
  Manifest out;
  ManifestError e = ManifestError::none;
  (void)parse_manifest(b, out, &e);
  return e;
}

std::array<std::uint8_t, kManifestSize> encoded(const Manifest& m) {
  std::array<std::uint8_t, kManifestSize> b{};
  EXPECT_EQ(encode_manifest(m, b), Status::ok);
  return b;
}

TEST(Manifest2, LayoutAndRoundTrip) {
  const auto b = encoded(sample2(kSigAlgHssLms, 60, 2644));
  EXPECT_EQ(load16_le(b.data() + offset::format_version), 2);
  EXPECT_EQ(b[34], 0);  // format 1's int16 algorithm field is reserved in format 2
  EXPECT_EQ(b[35], 0);
  EXPECT_EQ(static_cast<std::int32_t>(load32_le(b.data() + 100)), -46);
  EXPECT_EQ(load32_le(b.data() + 104), 60u);
  EXPECT_EQ(load32_le(b.data() + 108), 2644u);
  for (std::size_t i = 112; i < kManifestSize; ++i) EXPECT_EQ(b[i], 0) << i;
  Manifest m;
  ASSERT_EQ(parse_manifest(b, m), Status::ok);
  EXPECT_EQ(m.format_version, 2);
  EXPECT_EQ(m.sig_alg, kSigAlgHssLms);
  EXPECT_EQ(image_size(m), 128u + 4096 + 60 + 2644 + 8);
  EXPECT_EQ(signature_offset(m), 128u + 4096 + 60);
  // ML-DSA-87 stays format 1, byte for byte as before.
  Manifest ml = sample2(kSigAlgMlDsa87, 2592, 4627);
  EXPECT_EQ(load16_le(encoded(ml).data() + offset::format_version), 1);
  EXPECT_EQ(load16_le(encoded(ml).data() + offset::sig_alg), 0xFFCE);
}

TEST(Manifest2, EveryAlgorithmRowRoundTripsAndUnknownIdsAreRefused) {
  for (const SigAlgInfo& a : kSigAlgs) {
    Manifest m = sample2(a.id, a.pk_max, a.sig_max);
    Manifest out;
    ASSERT_EQ(parse_manifest(encoded(m), out), Status::ok) << a.name;
    EXPECT_EQ(out.sig_alg, a.id);
    EXPECT_EQ(find_sig_alg(a.name), &a);
  }
  auto b = encoded(sample2());
  for (std::int32_t id : {0, -45, -47, -48, -49, -50, -51, 1, kSigAlgPrivateBase + 1, kSigAlgPrivateBase - 12,
                          kSigAlgPrivateBase - 12, kSigAlgFalcon1024 + 1, kSigAlgFalcon1024 - 1, INT32_MIN}) {
    auto c = b;
    put32(c.data() + offset::sig_alg32, static_cast<std::uint32_t>(id));
    EXPECT_EQ(parse_error(c), ManifestError::bad_sig_alg) << id;  // -50 too: ML-DSA-87 is format 1 only
  }
  // Format 1 names only ML-DSA-87.
  Manifest ml = sample2(kSigAlgMlDsa87, 2592, 4627);
  auto c = encoded(ml);
  c[offset::sig_alg] = 0xD2;  // -46 as int16
  EXPECT_EQ(parse_error(c), ManifestError::bad_sig_alg);
  ManifestError e;
  std::array<std::uint8_t, kManifestSize> out{};
  EXPECT_EQ(encode_manifest(sample2(kSigAlgPrivateBase - 17, 1793, 1280), out, &e), Status::invalid_argument);
  EXPECT_EQ(e, ManifestError::bad_sig_alg);
  // Falcon-1024 images use the padded format: exactly 1,280 bytes, not the compressed maximum.
  EXPECT_EQ(encode_manifest(sample2(kSigAlgFalcon1024, 1793, 1462), out, &e), Status::invalid_argument);
  EXPECT_EQ(e, ManifestError::bad_signature_size);
  EXPECT_EQ(encode_manifest(sample2(kSigAlgFalcon1024, 897, 1280), out, &e), Status::invalid_argument);
  EXPECT_EQ(e, ManifestError::bad_public_key_size);  // a Falcon-512 key
}

TEST(Manifest2, TrailerSizesAreBoundByTheAlgorithm) {
  struct Case {
    std::int32_t alg;
    std::uint32_t pk, sig;
    ManifestError want;
  };
  const Case cases[] = {
      {kSigAlgSlhDsaSha2_128s, 32, 7856, ManifestError::none},
      {kSigAlgSlhDsaSha2_128s, 31, 7856, ManifestError::bad_public_key_size},
      {kSigAlgSlhDsaSha2_128s, 33, 7856, ManifestError::bad_public_key_size},
      {kSigAlgSlhDsaSha2_128s, 32, 7855, ManifestError::bad_signature_size},
      {kSigAlgSlhDsaSha2_128s, 32, 7857, ManifestError::bad_signature_size},
      {kSigAlgSlhDsaSha2_128s, 32, 17088, ManifestError::bad_signature_size},  // a 128f signature
      {kSigAlgSlhDsaShake_256f, 64, 49856, ManifestError::none},
      {kSigAlgHssLms, 60, static_cast<std::uint32_t>(kHssMinSigBytes), ManifestError::none},
      {kSigAlgHssLms, 52, static_cast<std::uint32_t>(kHssMaxSigBytes), ManifestError::none},
      {kSigAlgHssLms, 56, 2644, ManifestError::bad_public_key_size},  // neither m = 24 nor 32
      {kSigAlgHssLms, 61, 2644, ManifestError::bad_public_key_size},
      {kSigAlgHssLms, 60, static_cast<std::uint32_t>(kHssMinSigBytes - 1), ManifestError::bad_signature_size},
      {kSigAlgHssLms, 60, static_cast<std::uint32_t>(kHssMaxSigBytes + 1), ManifestError::bad_signature_size},
      {kSigAlgHssLms, 60, 0xFFFFFFFFu, ManifestError::bad_signature_size},
  };
  const auto b = encoded(sample2());
  for (const Case& k : cases) {
    auto c = b;
    put32(c.data() + offset::sig_alg32, static_cast<std::uint32_t>(k.alg));
    put32(c.data() + offset::public_key_size, k.pk);
    put32(c.data() + offset::signature_size, k.sig);
    EXPECT_EQ(parse_error(c), k.want) << k.alg << " " << k.pk << " " << k.sig;
    // The encoder holds the same rules.
    std::array<std::uint8_t, kManifestSize> out{};
    ManifestError e;
    EXPECT_EQ(encode_manifest(sample2(k.alg, k.pk, k.sig), out, &e) == Status::ok, k.want == ManifestError::none);
    EXPECT_EQ(e, k.want);
  }
}

TEST(Manifest2, ReservedBytesMustBeZero) {
  const auto b = encoded(sample2());
  for (std::size_t i : {std::size_t{34}, std::size_t{35}, std::size_t{112}, std::size_t{120}, std::size_t{127}}) {
    auto c = b;
    c[i] = 0x01;
    EXPECT_EQ(parse_error(c), ManifestError::reserved_not_zero) << i;
  }
}

// ---- signed images ------------------------------------------------------------------------------
class Images : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    CountingRng r1(1), r2(2), r3(3), r4(4), r5(5);
    slh_pk_ = bi::keygen(bi::parse_algorithm("SLH-DSA-SHA2-128s"), dir_->file("slh.key"), r1);
    lms_pk_ = bi::keygen(bi::parse_algorithm("LMS_SHA256_M32_H10/LMOTS_SHA256_N32_W4"), dir_->file("lms.key"), r2);
    hss_pk_ = bi::keygen(bi::parse_algorithm("LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8,LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8"),
                         dir_->file("hss.key"), r3);
    other_pk_ = bi::keygen(bi::parse_algorithm("SLH-DSA-SHA2-128s"), dir_->file("other.key"), r4);
    w8_pk_ = bi::keygen(bi::parse_algorithm("LMS_SHA256_M32_H10/LMOTS_SHA256_N32_W8"), dir_->file("w8.key"), r5);
    payload_ = new std::vector<std::uint8_t>(testing::payload(5000, 0x21));
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete payload_;
  }
  static std::vector<std::uint8_t> sign(const std::string& key, std::uint32_t counter = 3) {
    return bi::sign_image(dir_->file(key), params(counter), *payload_);
  }
  // A signature byte flipped at the start, the middle and the end of the signature: each refused.
  static void expect_signature_flips_refused(const std::vector<std::uint8_t>& img, const KeyId& trusted) {
    const Manifest m = manifest_of(img);
    for (std::size_t at : {std::size_t{0}, std::size_t{5}, std::size_t{m.signature_size / 2},
                           std::size_t{m.signature_size - 1}}) {
      auto bad = img;
      bad[signature_offset(m) + at] ^= 0x04;
      const Checked c = check(bad, trusted);
      EXPECT_EQ(c.why.reason, Reject::signature) << at;
      EXPECT_NE(c.flow, flow::kImageValid);
    }
  }
  static TempDir* dir_;
  static std::vector<std::uint8_t> slh_pk_, lms_pk_, hss_pk_, other_pk_, w8_pk_;
  static std::vector<std::uint8_t>* payload_;
};
TempDir* Images::dir_ = nullptr;
std::vector<std::uint8_t> Images::slh_pk_, Images::lms_pk_, Images::hss_pk_, Images::other_pk_, Images::w8_pk_;
std::vector<std::uint8_t>* Images::payload_ = nullptr;

TEST_F(Images, SlhDsaSha2_128sImageBootsOnTheBootloaderSizedWorkspace) {
  const auto img = sign("slh.key");
  const Manifest m = manifest_of(img);
  EXPECT_EQ(m.format_version, 2);
  EXPECT_EQ(m.sig_alg, kSigAlgSlhDsaSha2_128s);
  EXPECT_EQ(m.signature_size, 7856u);
  EXPECT_EQ(img.size(), 128u + 5000 + 32 + 7856 + 8);
  // The QEMU bootloader's configuration: the default workspace and ML-DSA-87, both 128s, HSS.
  const SigVerifier boot_list[] = {kVerifyMlDsa87, kVerifySlhDsaSha2_128s, kVerifySlhDsaShake_128s, kVerifyHssLms};
  const Checked c = check<ValidateWorkspace>(img, key_id(slh_pk_), boot_list);
  ASSERT_EQ(c.verdict, Verdict::accept) << to_string(c.why.reason);
  EXPECT_EQ(c.out.manifest.key_id, key_id(slh_pk_));
  // Deterministic signing: the same inputs give the same image.
  EXPECT_EQ(sign("slh.key"), img);
  // A bootloader built for ML-DSA-87 only refuses it before any cryptography.
  EXPECT_EQ(check(img, key_id(slh_pk_), kDefaultVerifiers).why.reason, Reject::algorithm_not_supported);
}

TEST_F(Images, SlhDsaRefusals) {
  const auto img = sign("slh.key");
  expect_signature_flips_refused(img, key_id(slh_pk_));
  // Signed by a key the device does not trust, or claiming the trusted key id with another key.
  const auto other = sign("other.key");
  EXPECT_EQ(check(other, key_id(slh_pk_)).why.reason, Reject::key_not_trusted);
  auto swapped = other;
  std::memcpy(swapped.data() + offset::key_id, key_id(slh_pk_).data(), kKeyIdSize);
  EXPECT_EQ(check(swapped, key_id(slh_pk_)).why.reason, Reject::public_key_mismatch);
  // The algorithm field names the other 128s set (same sizes): the signature no longer verifies.
  auto alg = img;
  put32(alg.data() + offset::sig_alg32, static_cast<std::uint32_t>(kSigAlgSlhDsaShake_128s));
  EXPECT_EQ(check(alg, key_id(slh_pk_)).why.reason, Reject::signature);
  // ... a set of another size: the manifest's sizes no longer fit it.
  put32(alg.data() + offset::sig_alg32, static_cast<std::uint32_t>(kSigAlgSlhDsaSha2_128f));
  const Checked c = check(alg, key_id(slh_pk_));
  EXPECT_EQ(c.why.reason, Reject::manifest);
  EXPECT_EQ(c.why.manifest_error, ManifestError::bad_signature_size);
  // ... HSS or an unknown id.
  put32(alg.data() + offset::sig_alg32, static_cast<std::uint32_t>(kSigAlgHssLms));
  EXPECT_EQ(check(alg, key_id(slh_pk_)).why.manifest_error, ManifestError::bad_public_key_size);
  put32(alg.data() + offset::sig_alg32, static_cast<std::uint32_t>(kSigAlgFalcon1024));
  EXPECT_EQ(check(alg, key_id(slh_pk_)).why.manifest_error, ManifestError::bad_public_key_size);
  put32(alg.data() + offset::sig_alg32, static_cast<std::uint32_t>(kSigAlgPrivateBase - 17));
  EXPECT_EQ(check(alg, key_id(slh_pk_)).why.manifest_error, ManifestError::bad_sig_alg);
  // A cut trailer: the end marker is missing in the slot, and an exact cut file is too short.
  std::vector<std::uint8_t> cut(img.begin(), img.end() - 100);
  EXPECT_EQ(check(cut, key_id(slh_pk_)).why.reason, Reject::truncated);
  EXPECT_EQ(check(cut, key_id(slh_pk_), all_verifiers(), true).why.reason, Reject::too_large_for_slot);
  // A payload byte: the digest.
  auto pl = img;
  pl[kManifestSize + 100] ^= 1;
  EXPECT_EQ(check(pl, key_id(slh_pk_)).why.reason, Reject::digest);
}

TEST_F(Images, LargerSlhDsaSetsNeedTheLargeWorkspace) {
  CountingRng r(9);
  TempDir d;
  const auto pk = bi::keygen(bi::parse_algorithm("SLH-DSA-SHAKE-128f"), d.file("f.key"), r);
  const auto img = bi::sign_image(d.file("f.key"), params(), *payload_);
  EXPECT_EQ(manifest_of(img).signature_size, 17088u);
  EXPECT_EQ(check(img, key_id(pk)).verdict, Verdict::accept);  // host tools: every set
  // The bootloader's 7,856-byte buffer cannot hold it: refused as not supported, not overrun.
  EXPECT_EQ(check<ValidateWorkspace>(img, key_id(pk)).why.reason, Reject::algorithm_not_supported);
}

TEST_F(Images, LmsH10W4AndW8ImagesBoot) {
  for (const auto& [key, pk] : {std::pair{"lms.key", &lms_pk_}, std::pair{"w8.key", &w8_pk_}}) {
    const auto img = sign(key);
    const Manifest m = manifest_of(img);
    EXPECT_EQ(m.format_version, 2);
    EXPECT_EQ(m.sig_alg, kSigAlgHssLms);
    EXPECT_EQ(m.public_key_size, 60u);
    // u32 Nspk = 0 || LMS signature: q, LM-OTS signature, type, 10-node path (RFC 8554 §5.4, §6.2).
    EXPECT_EQ(m.signature_size, 4 + 4 + (std::string(key) == "lms.key" ? 2180u : 1124u) + 4 + 10 * 32) << key;
    EXPECT_EQ(load32_be(img.data() + signature_offset(m)), 0u);  // Nspk
    const SigVerifier boot_list[] = {kVerifyMlDsa87, kVerifySlhDsaSha2_128s, kVerifyHssLms};
    const Checked c = check<ValidateWorkspace>(img, key_id(*pk), boot_list);
    ASSERT_EQ(c.verdict, Verdict::accept) << key << ": " << to_string(c.why.reason);
    expect_signature_flips_refused(img, key_id(*pk));
  }
}

TEST_F(Images, HssTwoLevelImageBootsAndItsRefusals) {
  const auto img = sign("hss.key");
  const Manifest m = manifest_of(img);
  EXPECT_EQ(load32_be(img.data() + public_key_offset(m)), 2u);  // L = 2
  EXPECT_EQ(load32_be(img.data() + signature_offset(m)), 1u);   // Nspk = 1
  EXPECT_EQ(m.signature_size, bi::hss_signature_size(
                                  "LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8,LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8"));
  ASSERT_EQ(check(img, key_id(hss_pk_)).verdict, Verdict::accept);
  expect_signature_flips_refused(img, key_id(hss_pk_));
  EXPECT_EQ(check(img, key_id(lms_pk_)).why.reason, Reject::key_not_trusted);
  // The algorithm field says SLH-DSA: the 60-byte key does not fit it.
  auto alg = img;
  put32(alg.data() + offset::sig_alg32, static_cast<std::uint32_t>(kSigAlgSlhDsaSha2_128s));
  EXPECT_EQ(check(alg, key_id(hss_pk_)).why.manifest_error, ManifestError::bad_public_key_size);
  // Cut trailer.
  std::vector<std::uint8_t> cut(img.begin(), img.end() - 9);
  EXPECT_EQ(check(cut, key_id(hss_pk_)).why.reason, Reject::truncated);
}

// The manifest's signature size is within the HSS bounds but four bytes longer than the signature:
// the verifier requires the exact length, so bytes left over are refused even though the signature
// itself is valid and the manifest (which names the longer size) is signed.
TEST_F(Images, HssSignatureWithTrailingBytesIsRefused) {
  host::stateful::HssSigner signer(dir_->file("lms.key"));
  const auto pk = signer.public_key();
  const std::size_t real = bi::hss_signature_size("LMS_SHA256_M32_H10/LMOTS_SHA256_N32_W4");
  std::vector<std::uint8_t> img(kManifestSize + payload_->size() + pk.size() + real + 4 + kEndMarkerSize);
  ASSERT_EQ(layout_image(img, params(), *payload_, kSigAlgHssLms, pk, real + 4), Status::ok);
  const auto prefix = context_message_prefix();
  std::vector<std::uint8_t> msg(prefix.begin(), prefix.end());
  msg.insert(msg.end(), img.begin(), img.begin() + kManifestSize);
  const auto sig = signer.sign(msg);
  ASSERT_EQ(sig.size(), real);
  ASSERT_EQ(lms::hss_verify(pk, msg, sig), Status::ok);  // the signature itself is good
  std::memcpy(img.data() + signature_offset(manifest_of(img)), sig.data(), sig.size());
  EXPECT_EQ(check(img, key_id(pk)).why.reason, Reject::signature);
}

// A leaf index the tree does not have (q = 2^h: "past the last one-time key") is refused; so is a
// signature by a valid index moved onto another manifest (an index "reused" by grafting).
TEST_F(Images, HssIndexPastTheTreeAndGraftedSignaturesAreRefused) {
  const auto a = sign("lms.key", 3);
  const auto b = sign("lms.key", 4);
  const Manifest ma = manifest_of(a), mb = manifest_of(b);
  const std::uint32_t qa = load32_be(a.data() + signature_offset(ma) + 4);
  const std::uint32_t qb = load32_be(b.data() + signature_offset(mb) + 4);
  EXPECT_NE(qa, qb);  // consecutive images use distinct one-time keys
  auto past = a;
  store32_be(past.data() + signature_offset(ma) + 4, 1u << 10);
  EXPECT_EQ(check(past, key_id(lms_pk_)).why.reason, Reject::signature);
  auto graft = b;
  std::memcpy(graft.data() + signature_offset(mb), a.data() + signature_offset(ma), ma.signature_size);
  EXPECT_EQ(check(graft, key_id(lms_pk_)).why.reason, Reject::signature);
}

// Every signature advances the key file durably first; when the last one-time key is used the
// signer refuses (the CLI exits 3), and no index ever appears twice.
TEST_F(Images, StatefulKeyIsNeverReusedAndRunsOut) {
  CountingRng r(11);
  TempDir d;
  const auto pk = bi::keygen(bi::parse_algorithm("LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8"), d.file("h5.key"), r);
  EXPECT_EQ(bi::load_key(d.file("h5.key")).signatures_left, 32u);
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 32; ++i) {
    const auto img = bi::sign_image(d.file("h5.key"), params(), *payload_);
    const Manifest m = manifest_of(img);
    EXPECT_TRUE(seen.insert(load32_be(img.data() + signature_offset(m) + 4)).second) << i;
    EXPECT_EQ(host::stateful::KeyStore(d.file("h5.key")).next(), static_cast<std::uint64_t>(i + 1));
    if (i == 0 || i == 31) {
      EXPECT_EQ(check(img, key_id(pk)).verdict, Verdict::accept) << i;
    }
  }
  EXPECT_EQ(seen.size(), 32u);
  EXPECT_EQ(bi::load_key(d.file("h5.key")).signatures_left, 0u);
  EXPECT_THROW((void)bi::sign_image(d.file("h5.key"), params(), *payload_), host::stateful::KeyExhausted);
}

// Falcon-1024 (the lattice scheme with the smallest signatures) through the same format-2 path: padded signatures of 1,280
// bytes over the framed manifest, randomized signing, the bootloader-sized workspace.
TEST_F(Images, Falcon1024ImageBootsAndItsRefusals) {
  CountingRng r(21);
  TempDir d;
  const auto pk = bi::keygen(bi::parse_algorithm("Falcon-1024"), d.file("f.key"), r);
  ASSERT_EQ(pk.size(), 1793u);
  EXPECT_EQ(bi::load_key(d.file("f.key")).public_key, pk);
  const auto img = bi::sign_image(d.file("f.key"), params(), *payload_);
  const Manifest m = manifest_of(img);
  EXPECT_EQ(m.format_version, 2);
  EXPECT_EQ(m.sig_alg, kSigAlgFalcon1024);
  EXPECT_EQ(m.signature_size, 1280u);
  const SigVerifier boot_list[] = {kVerifyMlDsa87, kVerifySlhDsaSha2_128s, kVerifyHssLms, kVerifyFalcon1024};
  const Checked c = check<ValidateWorkspace>(img, key_id(pk), boot_list);
  ASSERT_EQ(c.verdict, Verdict::accept) << to_string(c.why.reason);
  // Randomized: a second image of the same inputs differs in its signature only, and verifies.
  const auto again = bi::sign_image(d.file("f.key"), params(), *payload_);
  EXPECT_NE(again, img);
  EXPECT_TRUE(std::equal(img.begin(), img.begin() + static_cast<std::ptrdiff_t>(signature_offset(m)), again.begin()));
  EXPECT_EQ(check(again, key_id(pk)).verdict, Verdict::accept);
  // Signature bytes: the nonce (byte 1), s2 and the zero padding at the end are all checked.
  expect_signature_flips_refused(img, key_id(pk));
  EXPECT_EQ(check(img, key_id(slh_pk_)).why.reason, Reject::key_not_trusted);
  EXPECT_EQ(check(img, key_id(pk), kDefaultVerifiers).why.reason, Reject::algorithm_not_supported);
  auto alg = img;
  put32(alg.data() + offset::sig_alg32, static_cast<std::uint32_t>(kSigAlgHssLms));
  EXPECT_EQ(check(alg, key_id(pk)).why.manifest_error, ManifestError::bad_public_key_size);
  std::vector<std::uint8_t> cut(img.begin(), img.end() - 20);
  EXPECT_EQ(check(cut, key_id(pk)).why.reason, Reject::truncated);
}

// The A/B logic with a format-2 image: a device that trusts an SLH-DSA key boots it from slot A.
TEST_F(Images, DecideBootWithAnSlhDsaImage) {
  const auto img = sign("slh.key", 2);
  testing::Device dev;
  dev.trusted = {key_id(slh_pk_)};
  ASSERT_EQ(install_image(dev.slot_a, img), Status::ok);
  const SigVerifier list[] = {kVerifyMlDsa87, kVerifySlhDsaSha2_128s, kVerifyHssLms};
  BootPorts ports = dev.ports();
  ports.verifiers = list;
  BootDecision d;
  ASSERT_EQ(decide_boot(ports, dev.ws, d), Verdict::accept);
  EXPECT_TRUE(d.verdict.accepted());
  EXPECT_EQ(d.slot, Slot::a);
  EXPECT_EQ(d.flow.value(), flow::kImageValid + flow::kDecided);
  EXPECT_EQ(d.stored_counter, 2u);
  // Without SLH-DSA in the list the same device has nothing to boot.
  testing::Device dev2;
  dev2.trusted = {key_id(slh_pk_)};
  ASSERT_EQ(install_image(dev2.slot_a, img), Status::ok);
  BootDecision d2;
  EXPECT_EQ(dev2.boot(d2), Verdict::reject);
}

TEST(ImageKeys, AlgorithmNamesAndKeyFiles) {
  EXPECT_EQ(bi::parse_algorithm("ML-DSA-87").alg->id, kSigAlgMlDsa87);
  EXPECT_EQ(bi::parse_algorithm("SLH-DSA-SHAKE-256f").alg->id, kSigAlgSlhDsaShake_256f);
  EXPECT_EQ(bi::parse_algorithm("HSS-LMS").alg->id, kSigAlgHssLms);
  EXPECT_EQ(bi::parse_algorithm("LMS_SHA256_M32_H10/LMOTS_SHA256_N32_W4").hss_levels,
            "LMS_SHA256_M32_H10/LMOTS_SHA256_N32_W4");
  EXPECT_EQ(bi::parse_algorithm("Falcon-1024").alg->id, kSigAlgFalcon1024);
  EXPECT_THROW(bi::parse_algorithm("ML-DSA-65"), std::invalid_argument);
  EXPECT_THROW(bi::parse_algorithm("Falcon-512"), std::invalid_argument);
  EXPECT_THROW(bi::parse_algorithm("XMSS-SHA2_10_256"), std::invalid_argument);
  EXPECT_THROW(bi::parse_algorithm("LMS_SHA256_M32_H10/LMOTS_SHA256_N24_W4"), std::invalid_argument);
  // Every verifier of all_verifiers() matches its kSigAlgs row, in order.
  ASSERT_EQ(all_verifiers().size(), std::size(kSigAlgs));
  for (std::size_t i = 0; i < std::size(kSigAlgs); ++i) EXPECT_EQ(all_verifiers()[i].alg, kSigAlgs[i].id);
  // An SLH-DSA key file records its set; a cut or relabelled one is refused.
  TempDir d;
  CountingRng r(3);
  const auto pk = bi::keygen(bi::parse_algorithm("SLH-DSA-SHAKE-128s"), d.file("k"), r);
  const auto info = bi::load_key(d.file("k"));
  EXPECT_EQ(info.alg->id, kSigAlgSlhDsaShake_128s);
  EXPECT_EQ(info.public_key, pk);
  std::vector<std::uint8_t> file = host::stateful::KeyFileView{}.body;  // empty
  {
    std::FILE* f = std::fopen(d.file("k").c_str(), "rb");
    ASSERT_NE(f, nullptr);
    file.resize(1024);
    file.resize(std::fread(file.data(), 1, file.size(), f));
    std::fclose(f);
  }
  auto write = [&](const std::vector<std::uint8_t>& b) {
    std::FILE* f = std::fopen(d.file("bad").c_str(), "wb");
    std::fwrite(b.data(), 1, b.size(), f);
    std::fclose(f);
  };
  auto cut = file;
  cut.pop_back();
  write(cut);
  EXPECT_THROW(bi::load_key(d.file("bad")), std::runtime_error);
  auto relabel = file;
  store32_le(relabel.data() + 8, static_cast<std::uint32_t>(kSigAlgSlhDsaShake_192s));  // 48-byte pk set
  write(relabel);
  EXPECT_THROW(bi::load_key(d.file("bad")), std::runtime_error);
  // An HSS key file is never overwritten by keygen.
  CountingRng r2(4);
  (void)bi::keygen(bi::parse_algorithm("HSS-LMS"), d.file("h"), r2);
  EXPECT_THROW((void)bi::keygen(bi::parse_algorithm("HSS-LMS"), d.file("h"), r2), pqcea::host::SecretFileExists);
}

}  // namespace
}  // namespace pqcea::boot
