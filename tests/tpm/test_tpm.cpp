// Against a real swtpm on loopback: PCR read/extend, attestation key, TPM2_Quote and the
// verifier's quote check (accepts the genuine quote, rejects every altered part).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/tpm.hpp"

using namespace pqcea;

namespace {

class TpmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tpm::swtpm_available()) GTEST_SKIP() << "swtpm is not installed (run scripts/bootstrap)";
    sim_ = std::make_unique<tpm::Swtpm>();
    dev_ = std::make_unique<tpm::Tpm>(sim_->tcti());
  }
  std::unique_ptr<tpm::Swtpm> sim_;
  std::unique_ptr<tpm::Tpm> dev_;
};

tpm::Digest digest_of(const char* s) {
  tpm::Digest d;
  hash::Sha256::hash(d.data(), reinterpret_cast<const std::uint8_t*>(s), std::strlen(s));
  return d;
}

}  // namespace

// Regression (fuzz_tpm_quote): empty fields were handed to tss2-mu as null buffers, which logs an
// ERROR line per call, so a client could fill the verifier's log. Needs no TPM.
TEST(QuoteVerify, EmptyFieldsAreRejectedWithoutLogging) {
  const std::vector<std::uint8_t> point(65, 0x04);
  const std::vector<std::uint8_t> nonce(32, 0x01);
  const tpm::PcrValues pcrs{};
  tpm::Quote no_signature;
  no_signature.attest = {0xFF, 0x54, 0x43, 0x47};
  tpm::Quote no_attest;
  no_attest.signature = {0x00, 0x18};
  testing::internal::CaptureStderr();
  const std::string a = tpm::verify_quote(point, no_signature, nonce, pcrs);
  const std::string b = tpm::verify_quote(point, no_attest, nonce, pcrs);
  const std::string c = tpm::verify_quote(point, tpm::Quote{}, nonce, pcrs);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(a, "malformed TPM signature");
  EXPECT_EQ(b, "malformed TPMS_ATTEST");
  EXPECT_EQ(c, "malformed TPM signature");
}

TEST_F(TpmTest, ExtendFollowsTheHashChain) {
  tpm::PcrValues before = dev_->read_pcrs();
  tpm::Digest m = digest_of("bootloader v1.2.0");
  dev_->extend(3, m);
  tpm::PcrValues after = dev_->read_pcrs();
  // PCR_new = SHA-256(PCR_old || digest) (TPM 2.0 Part 1 §17.2)
  std::uint8_t cat[64];
  std::memcpy(cat, before[3].data(), 32);
  std::memcpy(cat + 32, m.data(), 32);
  tpm::Digest expect;
  hash::Sha256::hash(expect.data(), cat, 64);
  EXPECT_EQ(after[3], expect);
  for (std::size_t i = 0; i < tpm::kQuotedPcrs; ++i) {
    if (i != 3) {
      EXPECT_EQ(after[i], before[i]);
    }
  }
}

TEST_F(TpmTest, QuoteVerifiesAndEveryAlterationIsCaught) {
  dev_->extend(0, digest_of("firmware image A"));
  dev_->extend(7, digest_of("secure boot policy"));
  auto ak = dev_->attestation_key();
  ASSERT_EQ(ak.size(), 65u);
  const std::uint8_t nonce[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  tpm::Quote q = dev_->quote(nonce);
  tpm::PcrValues pcrs = dev_->read_pcrs();
  EXPECT_EQ(tpm::verify_quote(ak, q, nonce, pcrs), "");

  // Wrong nonce (a replayed quote).
  std::uint8_t other_nonce[32] = {9};
  EXPECT_NE(tpm::verify_quote(ak, q, other_nonce, pcrs), "");
  // Claimed PCR values that the TPM did not quote.
  tpm::PcrValues lie = pcrs;
  lie[0][0] ^= 1;
  EXPECT_NE(tpm::verify_quote(ak, q, nonce, lie), "");
  // A flipped bit in the signed attestation structure or in the signature.
  for (std::size_t i = 0; i < q.attest.size(); i += 7) {
    tpm::Quote bad = q;
    bad.attest[i] ^= 0x10;
    EXPECT_NE(tpm::verify_quote(ak, bad, nonce, pcrs), "") << "attest byte " << i;
  }
  tpm::Quote bad_sig = q;
  bad_sig.signature.back() ^= 1;
  EXPECT_NE(tpm::verify_quote(ak, bad_sig, nonce, pcrs), "");
  // Another TPM's key.
  tpm::Swtpm other_sim;
  tpm::Tpm other(other_sim.tcti());
  EXPECT_NE(tpm::verify_quote(other.attestation_key(), q, nonce, pcrs), "");
}

TEST_F(TpmTest, PcrChangeAfterQuoteIsDetected) {
  auto ak = dev_->attestation_key();
  const std::uint8_t nonce[16] = {42};
  tpm::Quote q = dev_->quote(nonce);
  dev_->extend(2, digest_of("late component"));
  EXPECT_NE(tpm::verify_quote(ak, q, nonce, dev_->read_pcrs()), "");
}
