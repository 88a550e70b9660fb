// Appraisal through the real stack (ML-DSA-87 evidence from the device simulator, SQLite store):
// good evidence is affirmed and stored; every kind of bad input gets a clear error code and leaves
// the store exactly as it was (no result, the nonce still unused).
#include <gtest/gtest.h>

#include <filesystem>

#include "pqcea/attest/mldsa_cose.hpp"
#include "pqcea/attest/token.hpp"
#include "pqcea/host/device_sim.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/host/verifier/appraisal.hpp"

using namespace pqcea;
using P87 = mldsa::MlDsa87;

namespace {

// A signer that claims ES256 (-7): the verifier must refuse the algorithm before anything else.
class Es256Impostor final : public cose::Signer {
 public:
  std::int64_t alg() const override { return -7; }
  std::size_t signature_size() const override { return 64; }
  Status sign(std::span<const std::uint8_t>, std::span<std::uint8_t> sig, std::size_t& len) override {
    std::fill(sig.begin(), sig.end(), std::uint8_t{0x55});
    len = 64;
    return Status::ok;
  }
};

class AppraisalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("pqcea-appraisal-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = verifier::open_store("sqlite:" + (dir_ / "v.db").string());
    fws_ = sim::reference_firmware();
    policy_ = verifier::parse_policy(sim::policy_json(fws_));
    verifier_key_ = sim::KeyPair::generate();
    sk_.resize(P87::sk_bytes);
    std::vector<std::uint8_t> pk(P87::pk_bytes);
    ASSERT_EQ(mldsa::keygen_internal<P87>(std::span<std::uint8_t, P87::pk_bytes>(pk.data(), P87::pk_bytes),
                                          std::span<std::uint8_t, P87::sk_bytes>(sk_.data(), P87::sk_bytes),
                                          std::span<const std::uint8_t, 32>(verifier_key_.seed)),
              Status::ok);
    signer_ = std::make_unique<attest::MlDsaSigner<P87>>(
        mldsa::PrivateKey<P87>::expanded(std::span<const std::uint8_t, P87::sk_bytes>(sk_.data(), P87::sk_bytes)),
        host::system_rng());
    std::vector<std::uint8_t> kid(cose::kKidSize);
    cose::compute_kid(verifier_key_.pk, std::span<std::uint8_t, cose::kKidSize>(kid.data(), cose::kKidSize));
    appraiser_ = std::make_unique<verifier::Appraiser>(*store_, policy_,
                                                       std::map<std::int64_t, const cose::Verifier*>{{cose::kAlgMlDsa87, &v87_}},
                                                       verifier::ResultSigner{signer_.get(), kid});
    device_ = sim::make_device(1, fws_[0]);
    register_device(device_);
  }
  void TearDown() override {
    appraiser_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void register_device(const sim::Device& d) {
    verifier::Device rec;
    rec.id = d.id;
    rec.model = d.fw->model;
    rec.sig_alg = "ML-DSA-87";
    rec.public_key = d.key.pk;
    rec.certificate = {1};
    rec.not_after = now_ + 86400;
    store_->put_device(rec);
  }
  // Asserts the outcome is a rejection with `code` and that nothing was written.
  void expect_rejected_without_writes(const verifier::Outcome& o, const std::string& code,
                                      std::span<const std::uint8_t> nonce) {
    EXPECT_TRUE(o.rejected);
    EXPECT_EQ(o.error, code) << o.message;
    EXPECT_FALSE(o.message.empty());
    EXPECT_EQ(store_->result_count(), 0u);
    EXPECT_EQ(store_->check_nonce(device_.id, nonce, now_), verifier::NonceCheck::ok);  // still unused
  }
  sim::Bytes sign_payload(std::span<const std::uint8_t> payload, cose::Signer& s) {
    std::array<std::uint8_t, cose::kKidSize> kid{};
    cose::compute_kid(device_.key.pk, kid);
    sim::Bytes scratch(cose::sig_structure_size(s.alg(), payload.size()) + 16), out(attest::kMaxTokenSize);
    std::size_t len = 0;
    EXPECT_EQ(cose::sign1(s, kid, payload, scratch, out, len), Status::ok);
    out.resize(len);
    return out;
  }

  const std::int64_t now_ = 1'900'000'000;
  std::filesystem::path dir_;
  std::unique_ptr<verifier::Store> store_;
  std::vector<sim::Firmware> fws_;
  verifier::Policy policy_;
  sim::KeyPair verifier_key_;
  std::vector<std::uint8_t> sk_;
  std::unique_ptr<attest::MlDsaSigner<P87>> signer_;
  attest::MlDsaVerifier<P87> v87_;
  std::unique_ptr<verifier::Appraiser> appraiser_;
  sim::Device device_;
};

}  // namespace

TEST_F(AppraisalTest, GoodEvidenceIsAffirmedSignedAndStored) {
  auto nonce = appraiser_->challenge(device_.id, now_, 60);
  ASSERT_EQ(nonce.size(), 32u);
  auto o = appraiser_->appraise(sim::build_evidence(device_, nonce), now_);
  ASSERT_FALSE(o.rejected) << o.message;
  EXPECT_EQ(o.status, "affirming") << o.claims.dump();
  EXPECT_EQ(store_->result_count(), 1u);
  auto ear = verifier::open_result(store_->last_result(device_.id)->ear, v87_, verifier_key_.pk);
  EXPECT_EQ(ear["submods"][device_.id]["ear.status"], "affirming");
  // The stored result does not open with another key, nor after a flipped byte.
  auto other = sim::KeyPair::generate();
  EXPECT_THROW(verifier::open_result(o.record.ear, v87_, other.pk), std::runtime_error);
  auto bad = o.record.ear;
  bad[bad.size() / 3] ^= 1;
  EXPECT_THROW(verifier::open_result(bad, v87_, verifier_key_.pk), std::runtime_error);
}

TEST_F(AppraisalTest, TamperedFirmwareIsContraindicated) {
  auto n1 = appraiser_->challenge(device_.id, now_, 60);
  sim::EvidenceOptions tamper;
  tamper.tamper_app = true;
  auto o1 = appraiser_->appraise(sim::build_evidence(device_, n1, tamper), now_);
  ASSERT_FALSE(o1.rejected);
  EXPECT_EQ(o1.status, "contraindicated");
  EXPECT_NE(o1.claims["measurements"].get<std::string>().find("digest differs"), std::string::npos);
}

// Evidence signed with another key is refused, not recorded: no result row, the device's last
// result unchanged, and the nonce still good for the real device afterwards.
TEST_F(AppraisalTest, ForgedSignatureIsRejectedAndChangesNothing) {
  auto n0 = appraiser_->challenge(device_.id, now_, 60);
  ASSERT_FALSE(appraiser_->appraise(sim::build_evidence(device_, n0), now_).rejected);
  const auto before = store_->last_result(device_.id);
  ASSERT_TRUE(before.has_value());
  auto nonce = appraiser_->challenge(device_.id, now_, 60);
  const std::size_t results = store_->result_count(), nonces = store_->nonce_count();

  auto forger = sim::KeyPair::generate();
  sim::EvidenceOptions forge;
  forge.signing_key = &forger;
  auto o = appraiser_->appraise(sim::build_evidence(device_, nonce, forge), now_);
  EXPECT_TRUE(o.rejected);
  EXPECT_EQ(o.error, "signature_invalid") << o.message;
  EXPECT_EQ(o.device_id, device_.id);  // the device the evidence named, for the security log
  EXPECT_EQ(store_->result_count(), results);
  EXPECT_EQ(store_->nonce_count(), nonces);
  EXPECT_EQ(store_->last_result(device_.id)->id, before->id);
  EXPECT_EQ(store_->check_nonce(device_.id, nonce, now_), verifier::NonceCheck::ok);

  // A single flipped signature byte is refused the same way.
  auto good = sim::build_evidence(device_, nonce);
  auto flipped = good;
  flipped[flipped.size() - 10] ^= 1;
  auto f = appraiser_->appraise(flipped, now_);
  EXPECT_TRUE(f.rejected);
  EXPECT_EQ(f.error, "signature_invalid");
  EXPECT_EQ(store_->result_count(), results);

  // The real device's evidence on the same nonce is appraised.
  auto real = appraiser_->appraise(good, now_);
  ASSERT_FALSE(real.rejected) << real.message;
  EXPECT_EQ(real.status, "affirming");
  EXPECT_EQ(store_->last_result(device_.id)->id, real.record.id);
}

TEST_F(AppraisalTest, BadInputIsRejectedAndNothingIsWritten) {
  auto nonce = appraiser_->challenge(device_.id, now_, 60);
  auto good = sim::build_evidence(device_, nonce);

  // Truncated.
  sim::Bytes truncated(good.begin(), good.end() - 100);
  expect_rejected_without_writes(appraiser_->appraise(truncated, now_), "malformed_token", nonce);
  // Oversized.
  sim::Bytes oversized(attest::kMaxTokenSize + 1, 0xA0);
  expect_rejected_without_writes(appraiser_->appraise(oversized, now_), "token_too_large", nonce);
  // Wrong algorithm (ES256 in the protected header).
  cose::Sign1 msg;
  ASSERT_EQ(attest::decode_token(good, msg), Status::ok);
  Es256Impostor es256;
  expect_rejected_without_writes(appraiser_->appraise(sign_payload(msg.payload, es256), now_), "unsupported_algorithm",
                                 nonce);
  // Duplicate map key in the claims (the first claim repeated at the end, count raised by one),
  // correctly signed by the device so that only the CBOR rule can reject it.
  sim::Bytes dup(msg.payload.begin(), msg.payload.end());
  ASSERT_GE(dup[0], 0xA0);
  ASSERT_LT(dup[0], 0xB7);
  dup[0] = static_cast<std::uint8_t>(dup[0] + 1);
  cbor::Decoder d(msg.payload);
  std::uint64_t pairs = 0;
  ASSERT_EQ(d.read_map(pairs), Status::ok);
  const std::size_t first = d.offset();
  ASSERT_EQ(d.skip(), Status::ok);
  ASSERT_EQ(d.skip(), Status::ok);
  dup.insert(dup.end(), msg.payload.begin() + static_cast<std::ptrdiff_t>(first),
             msg.payload.begin() + static_cast<std::ptrdiff_t>(d.offset()));
  attest::MlDsaSigner<P87> device_signer(mldsa::PrivateKey<P87>::seed(device_.key.seed));
  expect_rejected_without_writes(appraiser_->appraise(sign_payload(dup, device_signer), now_), "malformed_claims",
                                 nonce);
  // Unknown device: no registered key, so nothing authenticates its evidence (and a stranger
  // learns nothing about which devices exist).
  auto stranger = sim::make_device(99, fws_[0]);
  expect_rejected_without_writes(appraiser_->appraise(sim::build_evidence(stranger, nonce), now_),
                                 "signature_invalid", nonce);
  // A nonce this verifier never issued.
  sim::Bytes wrong_nonce(32, 0x42);
  expect_rejected_without_writes(appraiser_->appraise(sim::build_evidence(device_, wrong_nonce), now_),
                                 "nonce_unknown", nonce);
  // An expired nonce.
  expect_rejected_without_writes(appraiser_->appraise(good, now_ + 61), "nonce_expired", nonce);

  // After all that, the good evidence still goes through, once.
  auto ok = appraiser_->appraise(good, now_);
  EXPECT_FALSE(ok.rejected);
  EXPECT_EQ(ok.status, "affirming");
  auto replay = appraiser_->appraise(good, now_);
  EXPECT_TRUE(replay.rejected);
  EXPECT_EQ(replay.error, "nonce_used");
  EXPECT_EQ(store_->result_count(), 1u);
}

TEST_F(AppraisalTest, RevokedDeviceIsRejected) {
  auto nonce = appraiser_->challenge(device_.id, now_, 60);
  auto token = sim::build_evidence(device_, nonce);
  ASSERT_TRUE(store_->revoke(device_.id));
  auto o = appraiser_->appraise(token, now_);
  EXPECT_TRUE(o.rejected);
  EXPECT_EQ(o.error, "device_revoked");
  EXPECT_EQ(store_->result_count(), 0u);
}

// Unknown and revoked devices get a challenge of the same shape, but nothing is stored for them.
TEST_F(AppraisalTest, ChallengeForUnknownOrRevokedDeviceIsNotStored) {
  const std::size_t nonces = store_->nonce_count();
  std::string err;
  auto unknown = appraiser_->challenge("no-such-device", now_, 60, &err);
  EXPECT_EQ(unknown.size(), 32u) << err;
  EXPECT_EQ(store_->nonce_count(), nonces);
  EXPECT_EQ(store_->check_nonce("no-such-device", unknown, now_), verifier::NonceCheck::unknown);
  ASSERT_TRUE(store_->revoke(device_.id));
  auto revoked = appraiser_->challenge(device_.id, now_, 60, &err);
  EXPECT_EQ(revoked.size(), 32u) << err;
  EXPECT_NE(revoked, unknown);
  EXPECT_EQ(store_->nonce_count(), nonces);
}

// Issuing more than the cap drops the device's oldest unused nonce.
TEST_F(AppraisalTest, OutstandingNoncesAreCapped) {
  appraiser_->set_max_outstanding_nonces(2);
  auto a = appraiser_->challenge(device_.id, now_, 60);
  auto b = appraiser_->challenge(device_.id, now_, 60);
  auto c = appraiser_->challenge(device_.id, now_, 60);
  EXPECT_EQ(store_->check_nonce(device_.id, a, now_), verifier::NonceCheck::unknown);
  EXPECT_EQ(store_->check_nonce(device_.id, b, now_), verifier::NonceCheck::ok);
  EXPECT_EQ(store_->check_nonce(device_.id, c, now_), verifier::NonceCheck::ok);
  auto o = appraiser_->appraise(sim::build_evidence(device_, a), now_);
  EXPECT_EQ(o.error, "nonce_unknown");
  EXPECT_FALSE(appraiser_->appraise(sim::build_evidence(device_, b), now_).rejected);
}

TEST_F(AppraisalTest, BatchSharesOneSignatureAndEachResultOpensAlone) {
  std::vector<sim::Device> devs;
  std::vector<sim::Bytes> tokens;
  for (int i = 0; i < 5; ++i) {
    devs.push_back(sim::make_device(static_cast<std::size_t>(100 + i), fws_[1]));
    register_device(devs.back());
  }
  for (auto& d : devs) tokens.push_back(sim::build_evidence(d, appraiser_->challenge(d.id, now_, 60)));
  std::vector<std::span<const std::uint8_t>> spans(tokens.begin(), tokens.end());
  auto outs = appraiser_->appraise_batch(spans, now_);
  ASSERT_EQ(outs.size(), 5u);
  for (std::size_t i = 0; i < outs.size(); ++i) {
    ASSERT_FALSE(outs[i].rejected) << outs[i].message;
    auto ear = verifier::open_result(outs[i].record.ear, v87_, verifier_key_.pk);
    EXPECT_EQ(ear["submods"].begin().key(), devs[i].id);
  }
  EXPECT_EQ(store_->result_count(), 5u);
}
