// End to end: the emulated device boots through the real bootloader, attests with the boot record,
// and the host verifier appraises the token it printed: a good image boots and its token verifies
// on the host.
//
// The verifier registers a device key generated here, issues a nonce, and the test provisions both
// into the emulated board (key store and challenge mailbox, `-device loader`). QEMU runs the
// bootloader and app images of the Cortex-M33 build (PQCEA_M33_BUILD_DIR); the token is read from
// the console ("token: <hex>"), appraised against reference values taken from the signed image,
// and must be affirmed; replayed, it is refused; an image without reference values is not affirmed.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "pqcea/attest/mldsa_cose.hpp"
#include "pqcea/boot/image.hpp"
#include "pqcea/boot/manifest.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/host/hex.hpp"
#include "pqcea/host/verifier/appraisal.hpp"

namespace fs = std::filesystem;
using namespace pqcea;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
void write_all(const fs::path& p, const Bytes& b) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}
Bytes unhex(const std::string& s) { return pqcea::host::hex_decode_or_throw(s, "token on the console"); }
std::string addr(unsigned long a) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08lx", a);
  return b;
}

// Runs a command, returns its exit status and combined output.
int run(const std::string& cmd, std::string& output) {
  output.clear();
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) output.append(buf, n);
  const int st = ::pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

class BootE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path m33 = PQCEA_M33_BUILD_DIR;
    bootloader_ = m33 / "bin" / "bootloader.elf";
    images_ = m33 / "boot" / "images";
    if (!fs::exists(bootloader_) || !fs::exists(images_ / "app-v1.img"))
      GTEST_SKIP() << "no Cortex-M33 build at " << m33 << " (build the cortex-m33 preset first)";
    if (std::system("command -v qemu-system-arm >/dev/null 2>&1") != 0) GTEST_SKIP() << "qemu-system-arm not found";
    dir_ = fs::temp_directory_path() / ("pqcea-boot-e2e-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);

    store_ = verifier::open_store("sqlite::memory:");
    store_->migrate();
    // The device identity, as provisioning would create it; the verifier registers its key.
    ASSERT_EQ(host::system_random(device_seed_), Status::ok);
    ASSERT_EQ(boot::public_key_from_seed(device_seed_, device_pk_), Status::ok);
    std::array<std::uint8_t, 32> h;
    hash::Sha256::hash(h.data(), device_pk_.data(), device_pk_.size());
    Bytes ueid{0x01};  // RFC 9711 UEID type RAND || SHA-256(identity public key), as the app derives it
    ueid.insert(ueid.end(), h.begin(), h.end());
    device_id_ = host::device_id_for_ueid(ueid);
    verifier::Device d;
    d.id = device_id_;
    d.model = "mps2-an505";
    d.sig_alg = "ML-DSA-87";
    d.public_key.assign(device_pk_.begin(), device_pk_.end());
    d.certificate = {1};
    d.not_after = std::time(nullptr) + 86400;
    store_->put_device(d);

    // Reference values: what the signer of app-v1.img published (digest, key id, manifest hash).
    const Bytes v1 = read_all(images_ / "app-v1.img");
    boot::Manifest m;
    ASSERT_EQ(boot::parse_manifest(v1, m), Status::ok);
    std::array<std::uint8_t, 32> mh;
    hash::Sha3_256::hash(mh.data(), v1.data(), boot::kManifestSize);
    verifier::ModelPolicy mp;
    mp.min_swversion = "1.0.0";
    mp.allow_debug = true;  // QEMU reports dbgstat "enabled"
    verifier::FirmwareReference ref;
    ref.components["app"] = {m.digest_alg == boot::kDigestSha3_256 ? "sha3-256" : "sha-256",
                             Bytes(m.digest.begin(), m.digest.end())};
    ref.components["app-signer"] = {"sha-256", Bytes(m.key_id.begin(), m.key_id.end())};
    ref.components["app-manifest"] = {"sha3-256", Bytes(mh.begin(), mh.end())};
    mp.firmware["1.0.0"] = ref;
    policy_.version = 1;
    policy_.models["mps2-an505"] = mp;

    // The verifier's own result-signing key.
    std::array<std::uint8_t, 32> vseed;
    ASSERT_EQ(host::system_random(vseed), Status::ok);
    verifier_sk_.resize(mldsa::MlDsa65::sk_bytes);
    std::array<std::uint8_t, mldsa::MlDsa65::pk_bytes> vpk;
    ASSERT_EQ(mldsa::keygen_internal<mldsa::MlDsa65>(
                  vpk, std::span<std::uint8_t, mldsa::MlDsa65::sk_bytes>(verifier_sk_.data(), verifier_sk_.size()), vseed),
              Status::ok);
    signer_ = std::make_unique<attest::MlDsaSigner<mldsa::MlDsa65>>(mldsa::PrivateKey<mldsa::MlDsa65>::expanded(
        std::span<const std::uint8_t, mldsa::MlDsa65::sk_bytes>(verifier_sk_.data(), verifier_sk_.size())));
    Bytes kid(cose::kKidSize);
    cose::compute_kid(vpk, std::span<std::uint8_t, cose::kKidSize>(kid.data(), kid.size()));
    appraiser_ = std::make_unique<verifier::Appraiser>(
        *store_, policy_, std::map<std::int64_t, const cose::Verifier*>{{cose::kAlgMlDsa87, &v87_}},
        verifier::ResultSigner{signer_.get(), kid});

    Bytes identity{'P', 'Q', 'I', 'D'};
    identity.insert(identity.end(), device_seed_.begin(), device_seed_.end());
    write_all(dir_ / "identity.bin", identity);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Boots `image` in slot A with the verifier's nonce in the mailbox; returns the printed token.
  Bytes boot_and_attest(const std::string& image, std::span<const std::uint8_t> nonce, std::string& console) {
    Bytes challenge{'P', 'Q', 'N', 'C', static_cast<std::uint8_t>(nonce.size())};
    challenge.insert(challenge.end(), nonce.begin(), nonce.end());
    write_all(dir_ / "challenge.bin", challenge);
    const std::string loader = " -device loader,force-raw=on,file=";
    const std::string cmd =
        "qemu-system-arm -M mps2-an505 -nographic -monitor none -serial none "
        "-semihosting-config enable=on,target=native -icount shift=0,align=off,sleep=off -kernel " +
        bootloader_.string() + loader + (images_ / image).string() + ",addr=" + addr(PQCEA_BOOT_SLOT_A_BASE) + loader +
        (dir_ / "identity.bin").string() + ",addr=" + addr(PQCEA_BOOT_KEYSTORE_BASE) + loader +
        (dir_ / "challenge.bin").string() + ",addr=" + addr(PQCEA_BOOT_MAILBOX_BASE);
    const int status = run("timeout 300 " + cmd, console);
    EXPECT_EQ(status, 0) << console;
    // A plain search, not std::regex: libstdc++'s regex executor recurses once per character and
    // overflows the stack on a token of several KB (found by the ASan suite).
    const std::string marker = "\ntoken: ";
    const std::size_t begin = console.find(marker);
    const std::size_t first = begin == std::string::npos ? begin : begin + marker.size();
    const std::size_t end = first == std::string::npos ? first : console.find_first_not_of("0123456789abcdef", first);
    if (end == std::string::npos || end == first || console[end] != '\n') {
      ADD_FAILURE() << "no token on the console:\n" << console;
      return {};
    }
    return unhex(console.substr(first, end - first));
  }

  fs::path bootloader_, images_, dir_;
  std::unique_ptr<verifier::Store> store_;
  verifier::Policy policy_;
  std::array<std::uint8_t, 32> device_seed_{};
  std::array<std::uint8_t, boot::kPublicKeySize> device_pk_{};
  std::string device_id_;
  Bytes verifier_sk_;
  std::unique_ptr<attest::MlDsaSigner<mldsa::MlDsa65>> signer_;
  attest::MlDsaVerifier<mldsa::MlDsa87> v87_;
  std::unique_ptr<verifier::Appraiser> appraiser_;
};

TEST_F(BootE2E, TokenOfTheBootedImageIsAffirmedByTheVerifier) {
  const std::int64_t now = std::time(nullptr);
  std::string err;
  const Bytes nonce = appraiser_->challenge(device_id_, now, 600, &err);
  ASSERT_EQ(nonce.size(), 32u) << err;
  std::string console;
  const Bytes token = boot_and_attest("app-v1.img", nonce, console);
  ASSERT_FALSE(token.empty());
  EXPECT_NE(console.find("boot: starting slot A: version 1.0.0+0"), std::string::npos) << console;

  const verifier::Outcome o = appraiser_->appraise(token, now);
  ASSERT_FALSE(o.rejected) << o.error << ": " << o.message;
  EXPECT_EQ(o.device_id, device_id_);
  EXPECT_EQ(o.status, "affirming") << o.claims.dump();
  EXPECT_EQ(o.claims.value("signature", ""), "ok");
  EXPECT_EQ(o.claims.value("measurements", ""), "ok") << o.claims.dump();
  EXPECT_EQ(o.claims.value("swversion", ""), "ok");
  EXPECT_EQ(store_->result_count(), 1u);

  // The same token again: the nonce is spent.
  const verifier::Outcome replay = appraiser_->appraise(token, now);
  EXPECT_TRUE(replay.rejected);
  EXPECT_EQ(replay.error, "nonce_used");

  // The token really carries the boot record: change one measured byte and the signature breaks.
  const std::int64_t later = now + 1;
  const Bytes nonce2 = appraiser_->challenge(device_id_, later, 600, &err);
  const Bytes token2 = boot_and_attest("app-v1.img", nonce2, console);
  ASSERT_FALSE(token2.empty());
  Bytes forged = token2;
  const Bytes v1 = read_all(images_ / "app-v1.img");
  const auto at = std::search(forged.begin(), forged.end(), v1.begin() + boot::offset::digest,
                              v1.begin() + boot::offset::digest + 32);
  ASSERT_NE(at, forged.end()) << "the image digest is not in the token";
  *at ^= 0x01;
  // Evidence that does not verify is refused, never a verdict about the device.
  const verifier::Outcome f = appraiser_->appraise(forged, later);
  EXPECT_TRUE(f.rejected);
  EXPECT_EQ(f.error, "signature_invalid") << f.message;
}

TEST_F(BootE2E, ImageWithoutReferenceValuesIsNotAffirmed) {
  const std::int64_t now = std::time(nullptr);
  std::string err;
  const Bytes nonce = appraiser_->challenge(device_id_, now, 600, &err);
  std::string console;
  // Version 2.0.0 boots fine (it is signed), but the policy has no reference values for it.
  const Bytes token = boot_and_attest("app-v2.img", nonce, console);
  ASSERT_FALSE(token.empty());
  EXPECT_NE(console.find("boot: starting slot A: version 2.0.0+0"), std::string::npos) << console;
  const verifier::Outcome o = appraiser_->appraise(token, now);
  ASSERT_FALSE(o.rejected) << o.error << ": " << o.message;
  EXPECT_EQ(o.claims.value("signature", ""), "ok");
  EXPECT_EQ(o.status, "contraindicated");
  EXPECT_NE(o.claims.value("measurements", "").find("no reference values for firmware 2.0.0"), std::string::npos)
      << o.claims.dump();
}

}  // namespace
