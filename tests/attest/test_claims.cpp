// EAT claims of our profile: encode/parse round trips, the exact encoding of a small claims set
// (the example in docs/eat-profile.md), and every way a claims map can be out of profile, each
// checked for the exact reason and claim key.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "attest_fixture.hpp"
#include "cbor_test_util.hpp"
#include "pqcea/attest/claims.hpp"
#include "pqcea/attest/token.hpp"
#include "pqcea/cbor.hpp"

using pqcea::Status;
using pqcea::attest::Claims;
using pqcea::attest::Diagnostic;
using pqcea::attest::Reason;
using pqcea::test::ClaimsFixture;
using pqcea::test::from_hex;
using pqcea::test::to_hex;
namespace attest = pqcea::attest;
namespace cbor = pqcea::cbor;

namespace {

std::vector<std::uint8_t> encode(const Claims& c) {
  std::vector<std::uint8_t> buf(attest::kMaxPayloadSize);
  cbor::Encoder e(buf);
  Diagnostic d;
  EXPECT_EQ(attest::encode_claims(c, e, &d), Status::ok) << attest::to_string(d.reason) << " " << d.claim;
  std::size_t len = 0;
  EXPECT_EQ(e.finish(len), Status::ok);
  buf.resize(len);
  return buf;
}

void expect_same(const Claims& a, const Claims& b) {
  auto eq = [](std::span<const std::uint8_t> x, std::span<const std::uint8_t> y) { return to_hex(x) == to_hex(y); };
  EXPECT_TRUE(eq(a.nonce, b.nonce));
  EXPECT_TRUE(eq(a.ueid, b.ueid));
  EXPECT_TRUE(eq(a.oemid, b.oemid));
  EXPECT_TRUE(eq(a.hwmodel, b.hwmodel));
  EXPECT_EQ(a.swname, b.swname);
  EXPECT_EQ(a.swversion.version, b.swversion.version);
  EXPECT_EQ(a.swversion.scheme, b.swversion.scheme);
  EXPECT_EQ(a.dbgstat, b.dbgstat);
  EXPECT_EQ(a.has_bootcount, b.has_bootcount);
  EXPECT_EQ(a.bootcount, b.bootcount);
  EXPECT_TRUE(eq(a.bootseed, b.bootseed));
  ASSERT_EQ(a.measurement_count, b.measurement_count);
  for (std::size_t i = 0; i < a.measurement_count; ++i) {
    const auto &x = a.measurements[i], &y = b.measurements[i];
    EXPECT_EQ(x.name, y.name) << i;
    EXPECT_EQ(x.version, y.version) << i;
    EXPECT_EQ(x.digest.alg, y.digest.alg) << i;
    EXPECT_TRUE(eq(x.digest.value, y.digest.value)) << i;
    EXPECT_EQ(x.has_pcr, y.has_pcr) << i;
    EXPECT_EQ(x.pcr, y.pcr) << i;
  }
  EXPECT_EQ(a.has_tpm_quote, b.has_tpm_quote);
  EXPECT_TRUE(eq(a.tpm_quote.attest, b.tpm_quote.attest));
  EXPECT_TRUE(eq(a.tpm_quote.signature, b.tpm_quote.signature));
  EXPECT_EQ(a.tpm_quote.pcr_digest.alg, b.tpm_quote.pcr_digest.alg);
  EXPECT_TRUE(eq(a.tpm_quote.pcr_digest.value, b.tpm_quote.pcr_digest.value));
  EXPECT_EQ(a.tpm_quote.pcr_select, b.tpm_quote.pcr_select);
  EXPECT_TRUE(eq(a.tpm_quote.ak_public, b.tpm_quote.ak_public));
}

// ---- a claims map as editable (key, value) entries of encoded CBOR ---------------------------

struct Entry {
  std::vector<std::uint8_t> key, value;
};

std::vector<Entry> entries_of(const std::vector<std::uint8_t>& payload) {
  cbor::Decoder d(payload);
  std::uint64_t n = 0;
  EXPECT_EQ(d.read_map(n), Status::ok);
  std::vector<Entry> out;
  for (std::uint64_t i = 0; i < n; ++i) {
    Entry e;
    std::size_t a = d.offset();
    EXPECT_EQ(d.skip(), Status::ok);
    std::size_t b = d.offset();
    e.key.assign(payload.begin() + static_cast<std::ptrdiff_t>(a), payload.begin() + static_cast<std::ptrdiff_t>(b));
    EXPECT_EQ(d.skip(), Status::ok);
    a = b;
    b = d.offset();
    e.value.assign(payload.begin() + static_cast<std::ptrdiff_t>(a), payload.begin() + static_cast<std::ptrdiff_t>(b));
    out.push_back(e);
  }
  return out;
}

std::vector<std::uint8_t> key_bytes(std::int64_t key) {
  std::uint8_t buf[9];
  cbor::Encoder e(buf);
  e.add_int(key);
  return {buf, buf + e.size()};
}

// Assembles a map; sorted = keys in deterministic order (the encoder's job normally).
std::vector<std::uint8_t> assemble(std::vector<Entry> entries, bool sorted = true) {
  if (sorted) {
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
  }
  std::vector<std::uint8_t> out;
  out.push_back(static_cast<std::uint8_t>(0xA0 + entries.size()));  // < 24 entries in every test
  for (const auto& e : entries) {
    out.insert(out.end(), e.key.begin(), e.key.end());
    out.insert(out.end(), e.value.begin(), e.value.end());
  }
  return out;
}

std::vector<Entry> without(std::vector<Entry> entries, std::int64_t key) {
  const auto k = key_bytes(key);
  entries.erase(std::remove_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == k; }),
                entries.end());
  return entries;
}

std::vector<Entry> with(std::vector<Entry> entries, std::int64_t key, const std::string& value_hex) {
  entries = without(entries, key);
  entries.push_back({key_bytes(key), from_hex(value_hex)});
  return entries;
}

Diagnostic parse_fail(const std::vector<std::uint8_t>& payload) {
  Claims c;
  Diagnostic d;
  EXPECT_EQ(attest::parse_claims(payload, c, &d), Status::decode_error);
  // Nothing half-parsed is handed back.
  EXPECT_TRUE(c.nonce.empty());
  EXPECT_EQ(c.measurement_count, 0u);
  return d;
}

#define EXPECT_REJECT(payload, want_reason, want_claim)                                              \
  do {                                                                                               \
    const Diagnostic d_ = parse_fail(payload);                                                       \
    EXPECT_EQ(d_.reason, want_reason) << attest::to_string(d_.reason) << " (claim " << d_.claim << ")"; \
    EXPECT_EQ(d_.claim, want_claim);                                                                 \
  } while (0)

class ClaimsParse : public ::testing::Test {
 protected:
  ClaimsFixture fx{true};
  std::vector<std::uint8_t> payload = encode(fx.claims);
  std::vector<Entry> entries = entries_of(payload);
};

// ---- round trips ---------------------------------------------------------------------------

TEST(Claims, FullRoundTrip) {
  ClaimsFixture fx(true);
  const auto payload = encode(fx.claims);
  Claims back;
  Diagnostic d;
  ASSERT_EQ(attest::parse_claims(payload, back, &d), Status::ok) << attest::to_string(d.reason) << " " << d.claim;
  EXPECT_EQ(d.reason, Reason::none);
  expect_same(fx.claims, back);
  EXPECT_EQ(back.measurement_count, 10u);
  // The encoding is unique: re-encoding the parsed claims gives the same bytes.
  EXPECT_EQ(to_hex(encode(back)), to_hex(payload));
}

TEST(Claims, MandatoryOnlyRoundTrip) {
  ClaimsFixture fx(false);
  const auto payload = encode(fx.claims);
  Claims back;
  ASSERT_EQ(attest::parse_claims(payload, back), Status::ok);
  expect_same(fx.claims, back);
  EXPECT_FALSE(back.has_bootcount);
  EXPECT_TRUE(back.bootseed.empty());
  EXPECT_FALSE(back.has_tpm_quote);
  EXPECT_EQ(to_hex(encode(back)), to_hex(payload));
}

// The example of docs/eat-profile.md, byte for byte.
TEST(Claims, DocumentedExampleEncoding) {
  const auto nonce = from_hex("000102030405060708090a0b0c0d0e0f");
  const auto ueid = from_hex("01a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
  const auto oemid = from_hex("001b63");
  const auto model = from_hex("6d33");  // "m3"
  const auto digest = from_hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  Claims c;
  c.nonce = nonce;
  c.ueid = ueid;
  c.oemid = oemid;
  c.hwmodel = model;
  c.swname = "app";
  c.swversion = {"1.4.2", attest::kVersionSchemeSemver};
  c.dbgstat = attest::DbgStat::disabled;
  c.measurements[0] = {"app", "1.4.2", {attest::kHashSha256, digest}, false, 0};
  c.measurement_count = 1;
  const std::string expected =
      "a9"                                                            // map(9)
      "0a" "50000102030405060708090a0b0c0d0e0f"                       // 10: eat_nonce
      "190100" "5101a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"                 // 256: ueid
      "190102" "43001b63"                                             // 258: oemid
      "190103" "426d33"                                               // 259: hwmodel
      "190107" "01"                                                   // 263: dbgstat = disabled
      "190109" "7829" "7461673a7071632d656467652d617474657374"        // 265: eat_profile
      "6f722c323032363a6561742d70726f66696c652d7631"
      "19010e" "63617070"                                             // 270: swname
      "19010f" "82" "65312e342e32" "194000"                           // 271: swversion
      "190111" "81" "82" "183c" "5832"                                // 273: [[60, bstr(48)]]
      "a3" "01" "63617070" "02" "65312e342e32" "03" "82" "01" "5820"
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  EXPECT_EQ(to_hex(encode(c)), expected);
}

TEST(Claims, SemverParsing) {
  attest::Semver v;
  ASSERT_EQ(attest::parse_semver("1.4.2", v), Status::ok);
  EXPECT_EQ(v.major, 1u);
  EXPECT_EQ(v.minor, 4u);
  EXPECT_EQ(v.patch, 2u);
  ASSERT_EQ(attest::parse_semver("0.0.0", v), Status::ok);
  ASSERT_EQ(attest::parse_semver("4294967295.10.200", v), Status::ok);
  EXPECT_EQ(v.major, 4294967295u);
  for (const char* bad : {"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.3-rc1", "1.2.3+b", "a.b.c", "1..3",
                          "4294967296.0.0", " 1.2.3", "1.2.3 "}) {
    EXPECT_EQ(attest::parse_semver(bad, v), Status::decode_error) << bad;
  }
  attest::Semver a{1, 4, 2}, b{1, 10, 0};
  EXPECT_LT(attest::compare(a, b), 0);
  EXPECT_GT(attest::compare(b, a), 0);
  EXPECT_EQ(attest::compare(a, a), 0);
}

// ---- validate(): the builder refuses what the parser would refuse ----------------------------

TEST(ClaimsValidate, BuilderRefusesOutOfProfileClaims) {
  struct Case {
    const char* what;
    void (*mutate)(Claims&, ClaimsFixture&);
    Reason reason;
    std::int64_t claim;
  };
  static std::vector<std::uint8_t> short_nonce(7, 1), long_nonce(65, 1), ueid_imei(15, 3), oemid4(4, 0),
      hw33(33, 0x41), seed31(31, 0), digest31(31, 0), big_blob(attest::kTpmBlobMax + 1, 0);
  const Case cases[] = {
      {"no nonce", [](Claims& c, ClaimsFixture&) { c.nonce = {}; }, Reason::missing_claim, attest::kClaimNonce},
      {"7-byte nonce", [](Claims& c, ClaimsFixture&) { c.nonce = short_nonce; }, Reason::bad_claim_value,
       attest::kClaimNonce},
      {"65-byte nonce", [](Claims& c, ClaimsFixture&) { c.nonce = long_nonce; }, Reason::bad_claim_value,
       attest::kClaimNonce},
      {"IMEI ueid", [](Claims& c, ClaimsFixture&) { c.ueid = ueid_imei; }, Reason::bad_claim_value, attest::kClaimUeid},
      {"RAND ueid of 15", [](Claims& c, ClaimsFixture& f) { c.ueid = std::span(f.ueid).first(16); },
       Reason::bad_claim_value, attest::kClaimUeid},
      {"4-byte oemid", [](Claims& c, ClaimsFixture&) { c.oemid = oemid4; }, Reason::bad_claim_value,
       attest::kClaimOemid},
      {"33-byte hwmodel", [](Claims& c, ClaimsFixture&) { c.hwmodel = hw33; }, Reason::bad_claim_value,
       attest::kClaimHwModel},
      {"no swname", [](Claims& c, ClaimsFixture&) { c.swname = {}; }, Reason::missing_claim, attest::kClaimSwName},
      {"control char in swname", [](Claims& c, ClaimsFixture&) { c.swname = "app\n"; }, Reason::bad_claim_value,
       attest::kClaimSwName},
      {"swversion not semver", [](Claims& c, ClaimsFixture&) { c.swversion.version = "1.4"; }, Reason::bad_claim_value,
       attest::kClaimSwVersion},
      {"swversion scheme", [](Claims& c, ClaimsFixture&) { c.swversion.scheme = 1; }, Reason::bad_claim_value,
       attest::kClaimSwVersion},
      {"dbgstat 5", [](Claims& c, ClaimsFixture&) { c.dbgstat = static_cast<attest::DbgStat>(5); },
       Reason::bad_claim_value, attest::kClaimDbgStat},
      {"31-byte bootseed", [](Claims& c, ClaimsFixture&) { c.bootseed = seed31; }, Reason::bad_claim_value,
       attest::kClaimBootSeed},
      {"no measurements", [](Claims& c, ClaimsFixture&) { c.measurement_count = 0; }, Reason::missing_claim,
       attest::kClaimMeasurements},
      {"17 measurements", [](Claims& c, ClaimsFixture&) { c.measurement_count = 17; }, Reason::too_many_measurements,
       attest::kClaimMeasurements},
      {"digest length", [](Claims& c, ClaimsFixture&) { c.measurements[0].digest.value = digest31; },
       Reason::bad_claim_value, attest::kClaimMeasurements},
      {"unknown hash", [](Claims& c, ClaimsFixture&) { c.measurements[0].digest.alg = 2; }, Reason::bad_claim_value,
       attest::kClaimMeasurements},
      {"pcr 24", [](Claims& c, ClaimsFixture&) { c.measurements[2].pcr = 24; }, Reason::bad_claim_value,
       attest::kClaimMeasurements},
      {"duplicate name", [](Claims& c, ClaimsFixture&) { c.measurements[1].name = "bl2"; }, Reason::bad_claim_value,
       attest::kClaimMeasurements},
      {"duplicate pcr", [](Claims& c, ClaimsFixture&) { c.measurements[3].pcr = 0; }, Reason::bad_claim_value,
       attest::kClaimMeasurements},
      {"empty name", [](Claims& c, ClaimsFixture&) { c.measurements[0].name = {}; }, Reason::bad_claim_value,
       attest::kClaimMeasurements},
      {"pcr select 0", [](Claims& c, ClaimsFixture&) { c.tpm_quote.pcr_select = 0; }, Reason::bad_claim_value,
       attest::kClaimTpmQuote},
      {"pcr select bit 24", [](Claims& c, ClaimsFixture&) { c.tpm_quote.pcr_select = 1u << 24; },
       Reason::bad_claim_value, attest::kClaimTpmQuote},
      {"empty quote", [](Claims& c, ClaimsFixture&) { c.tpm_quote.attest = {}; }, Reason::bad_claim_value,
       attest::kClaimTpmQuote},
      {"huge quote signature", [](Claims& c, ClaimsFixture&) { c.tpm_quote.signature = big_blob; },
       Reason::bad_claim_value, attest::kClaimTpmQuote},
  };
  for (const Case& k : cases) {
    ClaimsFixture fx(true);
    k.mutate(fx.claims, fx);
    Diagnostic d;
    EXPECT_EQ(attest::validate(fx.claims, &d), Status::invalid_argument) << k.what;
    EXPECT_EQ(d.reason, k.reason) << k.what;
    EXPECT_EQ(d.claim, k.claim) << k.what;
    std::vector<std::uint8_t> buf(attest::kMaxPayloadSize);
    cbor::Encoder e(buf);
    EXPECT_EQ(attest::encode_claims(fx.claims, e), Status::invalid_argument) << k.what;
    EXPECT_EQ(e.size(), 0u) << k.what << ": nothing written";
  }
}

TEST(ClaimsValidate, EncoderBufferTooSmall) {
  ClaimsFixture fx(true);
  const auto full = encode(fx.claims);
  for (std::size_t n = 0; n < full.size(); n += 7) {
    std::vector<std::uint8_t> buf(n);
    cbor::Encoder e(buf);
    Diagnostic d;
    EXPECT_EQ(attest::encode_claims(fx.claims, e, &d), Status::buffer_too_small) << n;
    EXPECT_EQ(d.reason, Reason::buffer_too_small);
  }
}

// ---- parse_claims(): every rejection ---------------------------------------------------------

TEST_F(ClaimsParse, EntriesHelperReassemblesTheSameBytes) {
  ASSERT_EQ(entries.size(), 12u);
  EXPECT_EQ(to_hex(assemble(entries)), to_hex(payload));
}

TEST_F(ClaimsParse, EachMandatoryClaimMissing) {
  for (const std::int64_t key : {attest::kClaimNonce, attest::kClaimUeid, attest::kClaimOemid, attest::kClaimHwModel,
                                 attest::kClaimDbgStat, attest::kClaimProfile, attest::kClaimSwName,
                                 attest::kClaimSwVersion, attest::kClaimMeasurements}) {
    SCOPED_TRACE(key);
    EXPECT_REJECT(assemble(without(entries, key)), Reason::missing_claim, key);
  }
}

TEST_F(ClaimsParse, OptionalClaimsMayBeAbsent) {
  auto e = without(without(without(entries, attest::kClaimBootCount), attest::kClaimBootSeed), attest::kClaimTpmQuote);
  Claims c;
  EXPECT_EQ(attest::parse_claims(assemble(e), c), Status::ok);
}

TEST_F(ClaimsParse, UnknownClaimsRejected) {
  EXPECT_REJECT(assemble(with(entries, 261, "01")), Reason::unknown_claim, 261);        // uptime: not in profile
  EXPECT_REJECT(assemble(with(entries, 1, "6161")), Reason::unknown_claim, 1);          // iss
  EXPECT_REJECT(assemble(with(entries, -65538, "01")), Reason::unknown_claim, -65538);  // other private key
  auto e = entries;
  e.push_back({from_hex("63666f6f"), from_hex("01")});  // "foo": 1 (text key)
  EXPECT_REJECT(assemble(e), Reason::unknown_claim, 0);
}

TEST_F(ClaimsParse, WrongProfileRejected) {
  EXPECT_REJECT(assemble(with(entries, attest::kClaimProfile, "6474616731")), Reason::wrong_profile,
                attest::kClaimProfile);
  // An OID-form profile (RFC 9711 allows it) is not ours either.
  EXPECT_REJECT(assemble(with(entries, attest::kClaimProfile, "432a0304")), Reason::bad_claim_type,
                attest::kClaimProfile);
}

TEST_F(ClaimsParse, WrongTypesRejected) {
  EXPECT_REJECT(assemble(with(entries, attest::kClaimNonce, "6161")), Reason::bad_claim_type, attest::kClaimNonce);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimNonce, "81" "48" "0001020304050607")), Reason::bad_claim_type,
                attest::kClaimNonce);  // nonce array: allowed by RFC 9711, not by the profile
  EXPECT_REJECT(assemble(with(entries, attest::kClaimUeid, "01")), Reason::bad_claim_type, attest::kClaimUeid);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimOemid, "1a00010000")), Reason::bad_claim_type,
                attest::kClaimOemid);  // PEN form: not in profile
  EXPECT_REJECT(assemble(with(entries, attest::kClaimDbgStat, "f5")), Reason::bad_claim_type, attest::kClaimDbgStat);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimDbgStat, "20")), Reason::bad_claim_type, attest::kClaimDbgStat);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimSwName, "4161")), Reason::bad_claim_type, attest::kClaimSwName);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimSwVersion, "65312e342e32")), Reason::bad_claim_type,
                attest::kClaimSwVersion);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimSwVersion, "81 65312e342e32")), Reason::bad_claim_type,
                attest::kClaimSwVersion);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimBootCount, "20")), Reason::bad_claim_type,
                attest::kClaimBootCount);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimMeasurements, "a0")), Reason::bad_claim_type,
                attest::kClaimMeasurements);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimTpmQuote, "80")), Reason::bad_claim_type, attest::kClaimTpmQuote);
}

TEST_F(ClaimsParse, BadValuesRejected) {
  EXPECT_REJECT(assemble(with(entries, attest::kClaimNonce, "47 00010203040506")), Reason::bad_claim_value,
                attest::kClaimNonce);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimNonce, "40")), Reason::bad_claim_value, attest::kClaimNonce);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimUeid, "46 020001020304")), Reason::bad_claim_value,
                attest::kClaimUeid);  // EUI with 5 bytes (EUI-48 has 6)
  EXPECT_REJECT(assemble(with(entries, attest::kClaimUeid, "48 0300010203040506")), Reason::bad_claim_value,
                attest::kClaimUeid);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimDbgStat, "05")), Reason::bad_claim_value, attest::kClaimDbgStat);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimSwVersion, "82 63312e34 194000")), Reason::bad_claim_value,
                attest::kClaimSwVersion);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimSwVersion, "82 65312e342e32 01")), Reason::bad_claim_value,
                attest::kClaimSwVersion);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimBootSeed, "40")), Reason::bad_claim_value, attest::kClaimBootSeed);
  EXPECT_REJECT(assemble(with(entries, attest::kClaimMeasurements, "80")), Reason::bad_claim_value,
                attest::kClaimMeasurements);
}

TEST_F(ClaimsParse, MeasurementEntriesChecked) {
  const std::string digest = "5820" + to_hex(fx.bl2);
  auto one = [&](const std::string& entry_hex) {
    return assemble(with(entries, attest::kClaimMeasurements, "81" + entry_hex));
  };
  // [content-format, bstr .cbor map] with a shortest-form bstr head (maps here are < 256 bytes).
  auto comp_cf = [&](const std::string& cf_hex, const std::string& map_hex) {
    const auto m = from_hex(map_hex);
    const std::vector<std::uint8_t> head =
        m.size() < 24 ? std::vector<std::uint8_t>{static_cast<std::uint8_t>(0x40 + m.size())}
                      : std::vector<std::uint8_t>{0x58, static_cast<std::uint8_t>(m.size())};
    return "82" + cf_hex + to_hex(head) + to_hex(m);
  };
  auto comp = [&](const std::string& map_hex) { return comp_cf("183c", map_hex); };
  // The well-formed one is accepted.
  {
    Claims c;
    Diagnostic d;
    EXPECT_EQ(attest::parse_claims(one(comp("a2 01 63626c32 03 82 01 " + digest)), c, &d), Status::ok)
        << attest::to_string(d.reason);
  }
  const std::int64_t k = attest::kClaimMeasurements;
  EXPECT_REJECT(one(comp_cf("183d", "a2 01 63626c32 03 82 01 " + digest)), Reason::bad_claim_value, k);  // cf 61
  EXPECT_REJECT(one(comp("a1 01 63626c32")), Reason::bad_claim_type, k);                       // no digest
  EXPECT_REJECT(one(comp("a2 02 6131 03 82 01 " + digest)), Reason::bad_claim_type, k);         // no name
  EXPECT_REJECT(one(comp("a2 01 63626c32 03 82 02 " + digest)), Reason::bad_claim_value, k);    // sha-256-128 id
  EXPECT_REJECT(one(comp("a2 01 63626c32 03 82 0a 4100")), Reason::bad_claim_value, k);         // short digest
  EXPECT_REJECT(one(comp("a3 01 63626c32 02 60 03 82 01 " + digest)), Reason::bad_claim_value, k);  // empty version
  EXPECT_REJECT(one(comp("a3 01 63626c32 03 82 01 " + digest + " 04 18 18")), Reason::bad_claim_value, k);  // pcr 24
  EXPECT_REJECT(one(comp("a3 01 63626c32 03 82 01 " + digest + " 05 00")), Reason::bad_claim_type, k);  // key 5
  EXPECT_REJECT(one(comp("a2 01 63626c32 03 83 01 " + digest + " 00")), Reason::bad_claim_type, k);  // digest arity
  EXPECT_REJECT(one("83 183c 40 00"), Reason::bad_claim_type, k);    // entry arity
  EXPECT_REJECT(one("82 183c 6161"), Reason::bad_claim_type, k);     // content not bytes
  // Component map with unsorted keys inside the wrapped bstr: malformed CBOR.
  const Diagnostic d = parse_fail(one(comp("a2 03 82 01 " + digest + " 01 63626c32")));
  EXPECT_EQ(d.reason, Reason::malformed_cbor);
  EXPECT_EQ(d.cbor_error, cbor::Error::unsorted_keys);
}

TEST_F(ClaimsParse, TooManyMeasurementsRejected) {
  std::string arr = "91";  // array(17)
  for (int i = 0; i < 17; ++i) {
    // {1: "<letter>", 3: [1, digest]}: a distinct one-letter name per component.
    std::string map_hex = "a2 01 61";
    map_hex += to_hex(std::vector<std::uint8_t>{static_cast<std::uint8_t>('a' + i)});
    map_hex += " 03 82 01 5820";
    map_hex += to_hex(fx.bl2);
    const auto m = from_hex(map_hex);
    arr += "82183c58" + to_hex(std::vector<std::uint8_t>{static_cast<std::uint8_t>(m.size())}) + to_hex(m);
  }
  EXPECT_REJECT(assemble(with(entries, attest::kClaimMeasurements, arr)), Reason::too_many_measurements,
                attest::kClaimMeasurements);
}

TEST_F(ClaimsParse, TpmQuoteChecked) {
  const std::string d = "82 01 5820" + to_hex(fx.pcr_digest);
  const std::int64_t k = attest::kClaimTpmQuote;
  auto q = [&](const std::string& hex) { return assemble(with(entries, k, hex)); };
  {
    Claims c;
    EXPECT_EQ(attest::parse_claims(q("a4 01 4101 02 4102 03 " + d + " 04 18ff"), c), Status::ok);
    EXPECT_TRUE(c.has_tpm_quote);
    EXPECT_TRUE(c.tpm_quote.ak_public.empty());
  }
  EXPECT_REJECT(q("a3 01 4101 02 4102 03 " + d), Reason::bad_claim_type, k);                  // no pcr select
  EXPECT_REJECT(q("a4 01 4101 02 4102 03 " + d + " 05 4100"), Reason::bad_claim_type, k);     // 5 instead of 4
  EXPECT_REJECT(q("a5 01 4101 02 4102 03 " + d + " 04 18ff 05 40"), Reason::bad_claim_value, k);  // empty AK
  EXPECT_REJECT(q("a4 01 4101 02 4102 03 " + d + " 04 00"), Reason::bad_claim_value, k);      // select 0
  EXPECT_REJECT(q("a4 01 4101 02 4102 03 " + d + " 04 1b0000000100000000"), Reason::bad_claim_value, k);
  EXPECT_REJECT(q("a4 01 40 02 4102 03 " + d + " 04 18ff"), Reason::bad_claim_value, k);      // empty attest
  EXPECT_REJECT(q("a4 01 6101 02 4102 03 " + d + " 04 18ff"), Reason::bad_claim_type, k);     // attest as text
  EXPECT_REJECT(q("a6 01 4101 02 4102 03 " + d + " 04 18ff 05 4101 06 00"), Reason::bad_claim_type, k);
}

TEST_F(ClaimsParse, DuplicateClaimKeyRejected) {
  auto e = entries;
  e.push_back(e[0]);  // a second eat_nonce
  const Diagnostic d = parse_fail(assemble(e));
  EXPECT_EQ(d.reason, Reason::malformed_cbor);
  EXPECT_EQ(d.cbor_error, cbor::Error::duplicate_key);
}

TEST_F(ClaimsParse, UnsortedClaimsRejected) {
  auto e = entries;
  std::swap(e[0], e[1]);
  const Diagnostic d = parse_fail(assemble(e, false));
  EXPECT_EQ(d.reason, Reason::malformed_cbor);
  EXPECT_EQ(d.cbor_error, cbor::Error::unsorted_keys);
}

TEST_F(ClaimsParse, PayloadNotAMapRejected) {
  EXPECT_REJECT(from_hex("80"), Reason::payload_not_map, 0);
  EXPECT_REJECT(from_hex("d2 a0"), Reason::payload_not_map, 0);
  const Diagnostic d = parse_fail(from_hex("bf ff"));
  EXPECT_EQ(d.reason, Reason::malformed_cbor);
  EXPECT_EQ(d.cbor_error, cbor::Error::indefinite_length);
}

TEST_F(ClaimsParse, TrailingBytesRejected) {
  auto p = payload;
  p.push_back(0x00);
  const Diagnostic d = parse_fail(p);
  EXPECT_EQ(d.reason, Reason::malformed_cbor);
  EXPECT_EQ(d.cbor_error, cbor::Error::trailing_bytes);
}

TEST_F(ClaimsParse, OversizedPayloadRejected) {
  std::vector<std::uint8_t> big(attest::kMaxPayloadSize + 1, 0);
  EXPECT_REJECT(big, Reason::token_too_large, 0);
}

TEST_F(ClaimsParse, EveryTruncationRejected) {
  for (std::size_t n = 0; n < payload.size(); ++n) {
    std::vector<std::uint8_t> p(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(n));
    Claims c;
    EXPECT_EQ(attest::parse_claims(p, c), Status::decode_error) << n;
  }
}

TEST_F(ClaimsParse, EveryFlippedBitIsRejectedOrChangesAClaim) {
  // Without a signature a flipped bit can give another valid claims set (a different nonce
  // byte); what must never happen is a crash, an out-of-profile result, or the same claims
  // from different bytes. The signature tests cover "rejected".
  for (std::size_t bit = 0; bit < payload.size() * 8; ++bit) {
    auto p = payload;
    p[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    Claims c;
    if (attest::parse_claims(p, c) == Status::ok) {
      ASSERT_EQ(attest::validate(c), Status::ok) << bit;
      ASSERT_EQ(to_hex(encode(c)), to_hex(p)) << bit;
      ASSERT_NE(to_hex(p), to_hex(payload));
    }
  }
}

}  // namespace
