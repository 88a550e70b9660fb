// Signed EAT tokens with real ML-DSA (the shipped path): round trips for ML-DSA-44/65/87, one
// flipped bit anywhere in a real ML-DSA-87 token is rejected, and every bad input the verifier
// must refuse (truncated, oversized, wrong algorithm, other key, forged signature, duplicate
// key, wrong profile) gets its own reason.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "attest_fixture.hpp"
#include "cbor_test_util.hpp"
#include "mldsa_device.hpp"
#include "pqcea/attest/mldsa_cose.hpp"
#include "pqcea/attest/token.hpp"

using pqcea::Status;
using pqcea::attest::Claims;
using pqcea::attest::Diagnostic;
using pqcea::attest::Reason;
using pqcea::test::ClaimsFixture;
using pqcea::test::MlDsaDevice;
using pqcea::test::to_hex;
namespace attest = pqcea::attest;
namespace cose = pqcea::cose;
namespace mldsa = pqcea::mldsa;

namespace {

template <class P>
std::vector<std::uint8_t> build(const MlDsaDevice<P>& dev, const Claims& claims) {
  auto signer = dev.signer();
  std::vector<std::uint8_t> out(attest::kMaxTokenSize), scratch(attest::kScratchSize);
  std::size_t len = 0;
  Diagnostic d;
  EXPECT_EQ(attest::build_token(claims, signer, dev.kid, scratch, out, len, &d), Status::ok)
      << attest::to_string(d.reason);
  out.resize(len);
  return out;
}

template <class P>
Diagnostic verify(const MlDsaDevice<P>& dev, const std::vector<std::uint8_t>& token, Claims& out, Status want) {
  attest::MlDsaVerifier<P> v;
  std::vector<std::uint8_t> scratch(attest::kScratchSize);
  Diagnostic d;
  EXPECT_EQ(attest::verify_token(token, v, dev.pk, scratch, out, &d), want) << attest::to_string(d.reason);
  return d;
}

const MlDsaDevice<mldsa::MlDsa87>& device87() {
  static const MlDsaDevice<mldsa::MlDsa87> dev(0x10);
  return dev;
}

template <class P>
void round_trip(std::int64_t alg) {
  const MlDsaDevice<P> dev(0x30);
  ASSERT_EQ(dev.pk.size(), P::pk_bytes);
  ClaimsFixture fx(true);
  const auto token = build(dev, fx.claims);
  cose::Sign1 msg;
  ASSERT_EQ(attest::decode_token(token, msg), Status::ok);
  EXPECT_EQ(msg.alg, alg);
  EXPECT_EQ(to_hex(msg.kid), to_hex(dev.kid));
  EXPECT_EQ(msg.signature.size(), P::sig_bytes);
  Claims back;
  const Diagnostic d = verify(dev, token, back, Status::ok);
  EXPECT_EQ(d.reason, Reason::none);
  EXPECT_EQ(to_hex(back.nonce), to_hex(fx.nonce));
  EXPECT_EQ(back.swversion.version, "1.4.2");
  ASSERT_EQ(back.measurement_count, 10u);
  EXPECT_EQ(back.measurements[9].name, "pcr7");
  EXPECT_EQ(to_hex(back.measurements[9].digest.value), to_hex(fx.pcr[7]));
  EXPECT_TRUE(back.has_tpm_quote);
  EXPECT_EQ(to_hex(back.tpm_quote.pcr_digest.value), to_hex(fx.pcr_digest));
  // The claims point into the token (no copies).
  EXPECT_GE(back.nonce.data(), token.data());
  EXPECT_LT(back.nonce.data(), token.data() + token.size());
}

TEST(Token, RoundTripMlDsa87) { round_trip<mldsa::MlDsa87>(cose::kAlgMlDsa87); }
TEST(Token, RoundTripMlDsa65) { round_trip<mldsa::MlDsa65>(cose::kAlgMlDsa65); }
TEST(Token, RoundTripMlDsa44) { round_trip<mldsa::MlDsa44>(cose::kAlgMlDsa44); }

TEST(Token, MandatoryOnlyTokenRoundTrips) {
  ClaimsFixture fx(false);
  const auto token = build(device87(), fx.claims);
  Claims back;
  verify(device87(), token, back, Status::ok);
  EXPECT_EQ(back.measurement_count, 2u);
  EXPECT_FALSE(back.has_tpm_quote);
}

TEST(Token, DeterministicAndHedgedSigning) {
  ClaimsFixture fx(true);
  EXPECT_EQ(to_hex(build(device87(), fx.claims)), to_hex(build(device87(), fx.claims)));

  struct CounterRng final : pqcea::rng::RandomSource {
    std::uint8_t next = 1;
    Status generate(std::span<std::uint8_t> out) override {
      for (auto& b : out) b = next++;
      return Status::ok;
    }
  } rng;
  attest::MlDsa87CoseSigner hedged(mldsa::PrivateKey<mldsa::MlDsa87>::seed(device87().xi), rng);
  std::vector<std::uint8_t> a(attest::kMaxTokenSize), b(attest::kMaxTokenSize), scratch(attest::kScratchSize);
  std::size_t la = 0, lb = 0;
  ASSERT_EQ(attest::build_token(fx.claims, hedged, device87().kid, scratch, a, la), Status::ok);
  ASSERT_EQ(attest::build_token(fx.claims, hedged, device87().kid, scratch, b, lb), Status::ok);
  a.resize(la);
  b.resize(lb);
  EXPECT_NE(to_hex(a), to_hex(b));  // fresh randomness per signature (FIPS 204 §3.4)
  Claims c;
  verify(device87(), a, c, Status::ok);
  verify(device87(), b, c, Status::ok);
}

TEST(Token, EveryFlippedBitOfAnMlDsa87TokenIsRejected) {
  ClaimsFixture fx(true);
  const auto token = build(device87(), fx.claims);
  attest::MlDsa87CoseVerifier v;
  std::vector<std::uint8_t> scratch(attest::kScratchSize);
  std::size_t structural = 0, signature = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t bit = 0; bit < token.size() * 8; ++bit) {
    auto t = token;
    t[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    Claims c;
    Diagnostic d;
    const Status s = attest::verify_token(t, v, device87().pk, scratch, c, &d);
    ASSERT_NE(s, Status::ok) << "bit " << bit << " of " << token.size() * 8 << " accepted";
    ASSERT_EQ(c.measurement_count, 0u);
    (d.reason == Reason::signature ? signature : structural)++;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("token %zu bytes: %zu bit flips rejected (%zu by structure/headers, %zu by the signature) in %.1f s\n",
              token.size(), token.size() * 8, structural, signature, secs);
  EXPECT_GT(structural, 0u);
  EXPECT_GT(signature, 0u);
}

TEST(Token, OtherDevicesKeyRejected) {
  ClaimsFixture fx(true);
  const auto token = build(device87(), fx.claims);
  const MlDsaDevice<mldsa::MlDsa87> other(0x77);
  Claims c;
  const Diagnostic d = verify(other, token, c, Status::invalid_signature);
  EXPECT_EQ(d.reason, Reason::signature);
  EXPECT_EQ(d.cose_error, cose::Error::kid_mismatch);
}

TEST(Token, WrongAlgorithmVerifierRejected) {
  ClaimsFixture fx(true);
  const auto token = build(device87(), fx.claims);
  attest::MlDsa65CoseVerifier v65;
  std::vector<std::uint8_t> scratch(attest::kScratchSize);
  Claims c;
  Diagnostic d;
  EXPECT_EQ(attest::verify_token(token, v65, device87().pk, scratch, c, &d), Status::invalid_signature);
  EXPECT_EQ(d.reason, Reason::signature);
  EXPECT_EQ(d.cose_error, cose::Error::alg_mismatch);
}

TEST(Token, ForgedSignatureRejected) {
  // The signature of another token from the same device (different nonce) on these claims.
  ClaimsFixture fx(true), fx2(true);
  fx2.nonce[0] ^= 0xFF;
  fx2.claims.nonce = fx2.nonce;
  auto token = build(device87(), fx.claims);
  const auto other = build(device87(), fx2.claims);
  ASSERT_EQ(token.size(), other.size());
  const std::size_t sig = mldsa::MlDsa87::sig_bytes;
  std::copy(other.end() - static_cast<std::ptrdiff_t>(sig), other.end(), token.end() - static_cast<std::ptrdiff_t>(sig));
  Claims c;
  const Diagnostic d = verify(device87(), token, c, Status::invalid_signature);
  EXPECT_EQ(d.reason, Reason::signature);
  EXPECT_EQ(d.cose_error, cose::Error::bad_signature);
}

TEST(Token, NonMlDsaAlgorithmsRejected) {
  ClaimsFixture fx(true);
  pqcea::test::HmacTestSigner hmac(std::vector<std::uint8_t>(32, 7));
  std::vector<std::uint8_t> out(attest::kMaxTokenSize), scratch(attest::kScratchSize), payload(attest::kMaxPayloadSize);
  std::size_t len = 0;
  Diagnostic d;
  // The builder only signs with ML-DSA.
  EXPECT_EQ(attest::build_token(fx.claims, hmac, pqcea::test::kid_of(hmac.public_key()), scratch, out, len, &d),
            Status::invalid_argument);
  EXPECT_EQ(d.reason, Reason::unsupported_algorithm);
  EXPECT_EQ(hmac.calls, 0);
  // A well-formed COSE_Sign1 over valid claims, but with another algorithm: refused before any
  // key lookup or signature check.
  pqcea::cbor::Encoder e(payload);
  ASSERT_EQ(attest::encode_claims(fx.claims, e), Status::ok);
  ASSERT_EQ(cose::sign1(hmac, pqcea::test::kid_of(hmac.public_key()), e.written(), scratch, out, len), Status::ok);
  out.resize(len);
  cose::Sign1 msg;
  EXPECT_EQ(attest::decode_token(out, msg, &d), Status::decode_error);
  EXPECT_EQ(d.reason, Reason::unsupported_algorithm);
}

TEST(Token, TruncatedTokensRejected) {
  ClaimsFixture fx(true);
  const auto token = build(device87(), fx.claims);
  for (std::size_t n = 0; n < token.size(); ++n) {
    std::vector<std::uint8_t> t(token.begin(), token.begin() + static_cast<std::ptrdiff_t>(n));
    cose::Sign1 msg;
    Diagnostic d;
    ASSERT_EQ(attest::decode_token(t, msg, &d), Status::decode_error) << n;
    ASSERT_EQ(d.reason, Reason::malformed_cbor) << n;
  }
}

TEST(Token, OversizedTokenRejected) {
  ClaimsFixture fx(true);
  auto token = build(device87(), fx.claims);
  token.resize(attest::kMaxTokenSize + 1, 0);
  cose::Sign1 msg;
  Diagnostic d;
  EXPECT_EQ(attest::decode_token(token, msg, &d), Status::decode_error);
  EXPECT_EQ(d.reason, Reason::token_too_large);
}

TEST(Token, TrailingBytesRejected) {
  ClaimsFixture fx(true);
  auto token = build(device87(), fx.claims);
  token.push_back(0);
  Claims c;
  const Diagnostic d = verify(device87(), token, c, Status::decode_error);
  EXPECT_EQ(d.reason, Reason::malformed_cbor);
  EXPECT_EQ(d.cbor_error, pqcea::cbor::Error::trailing_bytes);
}

// Validly signed by the device key, but the claims map is out of profile: the signature does
// not make bad claims acceptable.
Diagnostic signed_payload_result(const std::vector<std::uint8_t>& payload) {
  auto signer = device87().signer();
  std::vector<std::uint8_t> out(attest::kMaxTokenSize), scratch(attest::kScratchSize);
  std::size_t len = 0;
  EXPECT_EQ(cose::sign1(signer, device87().kid, payload, scratch, out, len), Status::ok);
  out.resize(len);
  Claims c;
  return verify(device87(), out, c, Status::decode_error);
}

TEST(Token, SignedDuplicateClaimKeyRejected) {
  // {10: h'00..07', 10: h'00..07'}: the duplicate is caught by the strict decoder.
  const auto payload = pqcea::test::from_hex("a2 0a 48 0001020304050607 0a 48 0001020304050607");
  const Diagnostic d = signed_payload_result(payload);
  EXPECT_EQ(d.reason, Reason::malformed_cbor);
  EXPECT_EQ(d.cbor_error, pqcea::cbor::Error::duplicate_key);
}

TEST(Token, SignedWrongProfileRejected) {
  ClaimsFixture fx(false);
  std::vector<std::uint8_t> buf(attest::kMaxPayloadSize);
  pqcea::cbor::Encoder e(buf);
  ASSERT_EQ(attest::encode_claims(fx.claims, e), Status::ok);
  auto payload = std::vector<std::uint8_t>(e.written().begin(), e.written().end());
  // Replace the last character of the profile URI ("...-v1" -> "...-v2").
  const std::string v1 = "eat-profile-v1";
  auto it = std::search(payload.begin(), payload.end(), v1.begin(), v1.end());
  ASSERT_NE(it, payload.end());
  *(it + static_cast<std::ptrdiff_t>(v1.size() - 1)) = '2';
  const Diagnostic d = signed_payload_result(payload);
  EXPECT_EQ(d.reason, Reason::wrong_profile);
  EXPECT_EQ(d.claim, attest::kClaimProfile);
}

TEST(Token, BuilderBuffersTooSmall) {
  ClaimsFixture fx(true);
  const auto token = build(device87(), fx.claims);
  auto signer = device87().signer();
  std::vector<std::uint8_t> scratch(attest::kScratchSize);
  for (std::size_t n = 0; n < token.size(); n += 3) {
    std::vector<std::uint8_t> backing(n + 16, 0xA5);
    std::size_t len = 0;
    Diagnostic d;
    ASSERT_EQ(attest::build_token(fx.claims, signer, device87().kid, scratch, std::span(backing.data(), n), len, &d),
              Status::buffer_too_small)
        << n;
    EXPECT_EQ(d.reason, Reason::buffer_too_small);
    for (std::size_t i = n; i < backing.size(); ++i) ASSERT_EQ(backing[i], 0xA5) << n;
  }
  std::vector<std::uint8_t> out(token.size() + 4);
  std::size_t len = 0;
  std::vector<std::uint8_t> small_scratch(100);
  Diagnostic d;
  EXPECT_EQ(attest::build_token(fx.claims, signer, device87().kid, small_scratch, out, len, &d),
            Status::buffer_too_small);
  EXPECT_EQ(d.reason, Reason::buffer_too_small);
  EXPECT_EQ(attest::build_token(fx.claims, signer, device87().kid, scratch, out, len, &d), Status::ok);
  EXPECT_EQ(len, token.size());
}

TEST(Token, VerifierScratchTooSmall) {
  ClaimsFixture fx(true);
  const auto token = build(device87(), fx.claims);
  attest::MlDsa87CoseVerifier v;
  std::vector<std::uint8_t> scratch(64);
  Claims c;
  Diagnostic d;
  EXPECT_EQ(attest::verify_token(token, v, device87().pk, scratch, c, &d), Status::buffer_too_small);
  EXPECT_EQ(d.reason, Reason::buffer_too_small);
}

}  // namespace
