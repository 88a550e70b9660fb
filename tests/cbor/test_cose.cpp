// COSE_Sign1 (RFC 9052) with the test-only HMAC signer: exact structure, Sig_structure, round
// trip, tamper detection on every bit, and every header/shape rejection. The real ML-DSA round
// trips are in tests/attest.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cbor_test_util.hpp"
#include "pqcea/cbor.hpp"
#include "pqcea/cose.hpp"

using pqcea::Status;
using pqcea::cose::Error;
using pqcea::cose::Sign1;
using pqcea::test::from_hex;
using pqcea::test::HmacTestSigner;
using pqcea::test::HmacTestVerifier;
using pqcea::test::kid_of;
using pqcea::test::kTestHmacAlg;
using pqcea::test::to_hex;

namespace {

const std::vector<std::uint8_t> kKey = from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
const std::vector<std::uint8_t> kPayload = from_hex("a2 0a 43 010203 19 0100 63 616263");

std::vector<std::uint8_t> make_token(HmacTestSigner& s, const std::vector<std::uint8_t>& payload = kPayload) {
  std::vector<std::uint8_t> out(512), scratch(512);
  std::size_t len = 0;
  const auto kid = kid_of(s.public_key());
  EXPECT_EQ(pqcea::cose::sign1(s, kid, payload, scratch, out, len), Status::ok);
  out.resize(len);
  return out;
}

Error decode_reason(const std::vector<std::uint8_t>& token) {
  Sign1 m;
  Error why = Error::none;
  const Status s = pqcea::cose::decode_sign1(token, m, &why);
  if (s == Status::ok) return Error::none;
  EXPECT_NE(why, Error::none);
  return why;
}

TEST(CoseSign1, ExactEncoding) {
  HmacTestSigner s(kKey, pqcea::cose::kAlgMlDsa87);  // alg id only; the header bytes are the point
  const auto token = make_token(s);
  const auto kid = kid_of(kKey);
  // D2 (tag 18), 84 (array 4), 44 A1 01 38 31 (protected {1: -50}), A1 04 58 20 kid, payload, sig.
  const std::string expect_prefix = "d284" "44a1013831" "a1045820" + to_hex(kid) + "4d" + to_hex(kPayload) + "5820";
  ASSERT_EQ(token.size(), expect_prefix.size() / 2 + 32);
  EXPECT_EQ(to_hex(std::span(token).first(expect_prefix.size() / 2)), expect_prefix);
}

TEST(CoseSign1, SigStructureIsRfc9052Signature1) {
  HmacTestSigner s(kKey);
  make_token(s);
  // ["Signature1", h'A1013A0001003F' (protected {1: -65600}), h'', payload]
  const std::string expect = "84" "6a5369676e617475726531" "47a1013a0001003f" "40" "4d" + to_hex(kPayload);
  EXPECT_EQ(to_hex(s.last_tbs), expect);
  EXPECT_EQ(pqcea::cose::sig_structure_size(kTestHmacAlg, kPayload.size()), s.last_tbs.size());
  EXPECT_EQ(pqcea::cose::sig_structure_size(pqcea::cose::kAlgMlDsa87, 1000), 1u + 11 + 5 + 1 + 3 + 1000);
}

TEST(CoseSign1, RoundTrip) {
  HmacTestSigner s(kKey);
  const auto token = make_token(s);
  Sign1 m;
  ASSERT_EQ(pqcea::cose::decode_sign1(token, m), Status::ok);
  EXPECT_EQ(m.alg, kTestHmacAlg);
  EXPECT_EQ(to_hex(m.kid), to_hex(kid_of(kKey)));
  EXPECT_EQ(to_hex(m.payload), to_hex(kPayload));
  EXPECT_EQ(m.signature.size(), 32u);
  HmacTestVerifier v;
  std::vector<std::uint8_t> scratch(512);
  Error why = Error::bad_signature;
  EXPECT_EQ(pqcea::cose::verify_sign1(m, v, kKey, scratch, &why), Status::ok);
  EXPECT_EQ(why, Error::none);
}

TEST(CoseSign1, InPlacePayloadEqualsOpaquePayload) {
  HmacTestSigner s(kKey);
  const auto expected = make_token(s);
  std::vector<std::uint8_t> out(512), scratch(512);
  const auto kid = kid_of(kKey);
  pqcea::cose::Sign1Writer w(out, s.alg(), kid);
  auto& e = w.begin_payload();
  e.begin_map(2);
  e.add_uint(10);
  e.add_bytes(from_hex("010203"));
  e.add_uint(256);
  e.add_text("abc");
  std::size_t len = 0;
  ASSERT_EQ(w.finish(s, scratch, len), Status::ok);
  out.resize(len);
  EXPECT_EQ(to_hex(out), to_hex(expected));
}

TEST(CoseSign1, EveryFlippedBitIsRejected) {
  HmacTestSigner s(kKey);
  const auto token = make_token(s);
  HmacTestVerifier v;
  std::vector<std::uint8_t> scratch(512);
  std::size_t decode_rejects = 0, verify_rejects = 0;
  for (std::size_t bit = 0; bit < token.size() * 8; ++bit) {
    auto t = token;
    t[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    Sign1 m;
    if (pqcea::cose::decode_sign1(t, m) != Status::ok) {
      ++decode_rejects;
      continue;
    }
    ASSERT_NE(pqcea::cose::verify_sign1(m, v, kKey, scratch), Status::ok) << "bit " << bit << " accepted";
    ++verify_rejects;
  }
  EXPECT_EQ(decode_rejects + verify_rejects, token.size() * 8);
  EXPECT_GT(decode_rejects, 0u);
  EXPECT_GT(verify_rejects, 0u);
}

TEST(CoseSign1, WrongAlgorithmRejected) {
  HmacTestSigner s(kKey);
  const auto token = make_token(s);
  Sign1 m;
  ASSERT_EQ(pqcea::cose::decode_sign1(token, m), Status::ok);
  HmacTestVerifier other(kTestHmacAlg - 1);
  std::vector<std::uint8_t> scratch(512);
  Error why = Error::none;
  EXPECT_EQ(pqcea::cose::verify_sign1(m, other, kKey, scratch, &why), Status::invalid_signature);
  EXPECT_EQ(why, Error::alg_mismatch);
}

TEST(CoseSign1, KidMustBeHashOfPublicKey) {
  HmacTestSigner s(kKey);
  const auto token = make_token(s);
  Sign1 m;
  ASSERT_EQ(pqcea::cose::decode_sign1(token, m), Status::ok);
  HmacTestVerifier v;
  std::vector<std::uint8_t> scratch(512);
  auto other_key = kKey;
  other_key[0] ^= 1;
  Error why = Error::none;
  EXPECT_EQ(pqcea::cose::verify_sign1(m, v, other_key, scratch, &why), Status::invalid_signature);
  EXPECT_EQ(why, Error::kid_mismatch);
}

TEST(CoseSign1, BadSignatureRejected) {
  HmacTestSigner s(kKey);
  auto token = make_token(s);
  token.back() ^= 0x80;
  Sign1 m;
  ASSERT_EQ(pqcea::cose::decode_sign1(token, m), Status::ok);
  HmacTestVerifier v;
  std::vector<std::uint8_t> scratch(512);
  Error why = Error::none;
  EXPECT_EQ(pqcea::cose::verify_sign1(m, v, kKey, scratch, &why), Status::invalid_signature);
  EXPECT_EQ(why, Error::bad_signature);
}

TEST(CoseSign1, ScratchTooSmallRejected) {
  HmacTestSigner s(kKey);
  const auto token = make_token(s);
  Sign1 m;
  ASSERT_EQ(pqcea::cose::decode_sign1(token, m), Status::ok);
  HmacTestVerifier v;
  const std::size_t need = pqcea::cose::sig_structure_size(kTestHmacAlg, kPayload.size());
  std::vector<std::uint8_t> scratch(need - 1);
  Error why = Error::none;
  EXPECT_EQ(pqcea::cose::verify_sign1(m, v, kKey, scratch, &why), Status::buffer_too_small);
  EXPECT_EQ(why, Error::scratch_too_small);
  std::vector<std::uint8_t> out(512);
  std::size_t len = 0;
  EXPECT_EQ(pqcea::cose::sign1(s, kid_of(kKey), kPayload, scratch, out, len), Status::buffer_too_small);
  scratch.resize(need);
  EXPECT_EQ(pqcea::cose::verify_sign1(m, v, kKey, scratch), Status::ok);
}

TEST(CoseSign1, OutputTooSmallNeverOverruns) {
  HmacTestSigner s(kKey);
  const auto token = make_token(s);
  std::vector<std::uint8_t> scratch(512);
  for (std::size_t n = 0; n < token.size(); ++n) {
    std::vector<std::uint8_t> backing(n + 8, 0xEE);
    std::size_t len = 0;
    EXPECT_EQ(pqcea::cose::sign1(s, kid_of(kKey), kPayload, scratch, std::span(backing.data(), n), len),
              Status::buffer_too_small)
        << n;
    for (std::size_t i = n; i < backing.size(); ++i) ASSERT_EQ(backing[i], 0xEE) << n;
  }
}

TEST(CoseSign1, SignerFailureLeavesNoSignature) {
  HmacTestSigner s(kKey);
  s.fail_next = true;
  std::vector<std::uint8_t> out(512, 0xCC), scratch(512);
  std::size_t len = 0;
  EXPECT_EQ(pqcea::cose::sign1(s, kid_of(kKey), kPayload, scratch, out, len), Status::entropy_failure);
  HmacTestSigner short_sig(kKey);
  short_sig.short_signature = true;
  EXPECT_EQ(pqcea::cose::sign1(short_sig, kid_of(kKey), kPayload, scratch, out, len), Status::invalid_signature);
}

// ---- decode_sign1: every deviation from the header profile --------------------------------

std::string kid_hex() { return "5820" + to_hex(kid_of(kKey)); }

TEST(CoseSign1Decode, UntaggedRejected) {
  const auto t = from_hex("84 44a1013831 a104" + kid_hex() + "41 00 41 00");
  EXPECT_EQ(decode_reason(t), Error::not_sign1);
}

TEST(CoseSign1Decode, WrongTagRejected) {
  // Tag 17 is COSE_Mac0, 98 COSE_Sign.
  EXPECT_EQ(decode_reason(from_hex("d1 84 44a1013831 a104" + kid_hex() + "41 00 41 00")), Error::not_sign1);
  EXPECT_EQ(decode_reason(from_hex("d862 84 44a1013831 a104" + kid_hex() + "41 00 41 00")), Error::not_sign1);
}

TEST(CoseSign1Decode, WrongArityRejected) {
  EXPECT_EQ(decode_reason(from_hex("d2 83 44a1013831 a104" + kid_hex() + "41 00")), Error::not_sign1);
  EXPECT_EQ(decode_reason(from_hex("d2 85 44a1013831 a104" + kid_hex() + "41 00 41 00 41 00")), Error::not_sign1);
}

TEST(CoseSign1Decode, ValidMinimalAccepted) {
  EXPECT_EQ(decode_reason(from_hex("d2 84 44a1013831 a104" + kid_hex() + "41 00 41 00")), Error::none);
}

TEST(CoseSign1Decode, ProtectedHeaderMustBeExactlyAlg) {
  const std::string rest = "a104" + kid_hex() + "41 00 41 00";
  // Empty protected header (h'' or h'a0'): alg missing.
  EXPECT_EQ(decode_reason(from_hex("d2 84 40 " + rest)), Error::malformed);
  EXPECT_EQ(decode_reason(from_hex("d2 84 41a0 " + rest)), Error::bad_protected_header);
  // Extra entry (content type 3).
  EXPECT_EQ(decode_reason(from_hex("d2 84 46a201383103 00 " + rest)), Error::bad_protected_header);
  // alg as text.
  EXPECT_EQ(decode_reason(from_hex("d2 84 48a10165455332353 6 " + rest)), Error::bad_protected_header);
  // Label other than 1.
  EXPECT_EQ(decode_reason(from_hex("d2 84 44a1023831 " + rest)), Error::bad_protected_header);
  // Non-deterministic inside the protected bstr (-50 in a 2-byte argument).
  EXPECT_EQ(decode_reason(from_hex("d2 84 45a101390031 " + rest)), Error::malformed);
  // Trailing byte inside the protected bstr.
  EXPECT_EQ(decode_reason(from_hex("d2 84 45a101383100 " + rest)), Error::malformed);
  // Protected header not a bstr.
  EXPECT_EQ(decode_reason(from_hex("d2 84 a1013831 " + rest)), Error::not_sign1);
}

TEST(CoseSign1Decode, UnprotectedHeaderMustBeExactlyKid) {
  const std::string p = "d2 84 44a1013831 ";
  EXPECT_EQ(decode_reason(from_hex(p + "a0 41 00 41 00")), Error::bad_unprotected_header);
  EXPECT_EQ(decode_reason(from_hex(p + "a1 05 41 00 41 00 41 00")), Error::bad_unprotected_header);
  EXPECT_EQ(decode_reason(from_hex(p + "a1 04 581f" + to_hex(kid_of(kKey)).substr(2) + " 41 00 41 00")),
            Error::bad_unprotected_header);  // 31-byte kid
  EXPECT_EQ(decode_reason(from_hex(p + "a1 04 6161 41 00 41 00")), Error::bad_unprotected_header);  // text kid
  EXPECT_EQ(decode_reason(from_hex(p + "a2 04" + kid_hex() + "05 00 41 00 41 00")),
            Error::bad_unprotected_header);  // extra entry
}

TEST(CoseSign1Decode, DetachedPayloadRejected) {
  EXPECT_EQ(decode_reason(from_hex("d2 84 44a1013831 a104" + kid_hex() + "f6 41 00")), Error::not_sign1);
}

TEST(CoseSign1Decode, TrailingBytesRejected) {
  EXPECT_EQ(decode_reason(from_hex("d2 84 44a1013831 a104" + kid_hex() + "41 00 41 00 00")), Error::malformed);
}

TEST(CoseSign1Decode, DuplicateHeaderKeyRejected) {
  // {4: kid, 4: kid}: the profile allows exactly one unprotected entry, so the duplicate never
  // gets as far as the CBOR layer's duplicate-key check (tested in test_cbor_rules.cpp).
  Sign1 m;
  Error why = Error::none;
  pqcea::cbor::Error cbor_why = pqcea::cbor::Error::none;
  const auto t = from_hex("d2 84 44a1013831 a204" + kid_hex() + "04" + kid_hex() + "41 00 41 00");
  EXPECT_EQ(pqcea::cose::decode_sign1(t, m, &why, &cbor_why), Status::decode_error);
  EXPECT_EQ(why, Error::bad_unprotected_header);
}

TEST(CoseSign1Decode, EveryTruncationRejected) {
  HmacTestSigner s(kKey);
  const auto token = make_token(s);
  for (std::size_t n = 0; n < token.size(); ++n) {
    std::vector<std::uint8_t> t(token.begin(), token.begin() + static_cast<std::ptrdiff_t>(n));
    Sign1 m;
    EXPECT_EQ(pqcea::cose::decode_sign1(t, m), Status::decode_error) << n;
  }
}

}  // namespace
