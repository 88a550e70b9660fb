// Against a real swtpm on loopback: PCR read/extend, attestation key, TPM2_Quote and the
// verifier's quote check (accepts the genuine quote, rejects every altered part).
#include <gtest/gtest.h>

#include <cstring>

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
