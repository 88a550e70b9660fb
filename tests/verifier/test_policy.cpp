#include <gtest/gtest.h>

#include "pqcea/host/verifier/policy.hpp"

using namespace pqcea::verifier;

namespace {
const char* kGood = R"({
  "version": 1,
  "models": {
    "meter-x1": {
      "min_swversion": "1.2.0",
      "allow_debug": false,
      "firmware": {
        "1.2.0": {"components": {"bootloader": {"alg": "sha-256", "digest": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}},
                  "pcrs": {"0": "0000000000000000000000000000000000000000000000000000000000000001"}}
      }
    }
  }
})";
}  // namespace

TEST(Policy, ParsesTheDocumentedFormat) {
  Policy p = parse_policy(kGood);
  const ModelPolicy* m = p.model("meter-x1");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->min_swversion, "1.2.0");
  EXPECT_FALSE(m->allow_debug);
  ASSERT_EQ(m->firmware.count("1.2.0"), 1u);
  EXPECT_EQ(m->firmware.at("1.2.0").components.at("bootloader").value.size(), 32u);
  EXPECT_EQ(m->firmware.at("1.2.0").pcrs.at(0).back(), 1);
  EXPECT_EQ(p.model("unknown"), nullptr);
}

TEST(Policy, RejectsMalformedDocuments) {
  std::string good = kGood;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  EXPECT_THROW(parse_policy("{"), PolicyError);
  EXPECT_THROW(parse_policy(with("\"version\": 1", "\"version\": 2")), PolicyError);
  EXPECT_THROW(parse_policy(with("\"allow_debug\"", "\"allow_debugg\"")), PolicyError);   // unknown field
  EXPECT_THROW(parse_policy(with("\"sha-256\"", "\"md5\"")), PolicyError);               // unknown alg
  EXPECT_THROW(parse_policy(with("00112233", "0011223")), PolicyError);                  // odd hex
  EXPECT_THROW(parse_policy(with("00112233", "0011zz33")), PolicyError);                 // bad digit
  EXPECT_THROW(parse_policy(with("\"1.2.0\",", "\"1.x\",")), PolicyError);               // bad version
  EXPECT_THROW(parse_policy(with("\"0\":", "\"9\":")), PolicyError);                     // PCR out of range
  EXPECT_THROW(parse_policy(with("\"allow_debug\": false", "\"allow_debug\": 0")), PolicyError);  // wrong type
}

// Regression (fuzz_policy, fuzz/corpus/fuzz_policy/crash-missing-digest): a missing required
// member escaped as json::out_of_range instead of PolicyError.
TEST(Policy, MissingMembersArePolicyErrors) {
  const std::string head = R"({"version":1,"models":{"m":{"min_swversion":"1","firmware":{"1":{"components":{"c":)";
  const std::string tail = "}}}}}}";
  EXPECT_THROW(parse_policy(head + R"({"alg":"sha-256"})" + tail), PolicyError);  // no digest
  EXPECT_THROW(parse_policy(R"({"version":1})"), PolicyError);                     // no models
  EXPECT_THROW(parse_policy(R"({"version":1,"models":{"m":{"min_swversion":"1"}}})"), PolicyError);  // no firmware
  EXPECT_THROW(parse_policy(R"({"version":1,"models":{"m":{"min_swversion":"1","firmware":{"1":{}}}}})"),
               PolicyError);  // no components
}

TEST(Policy, SignatureIsCheckedBeforeUse) {
  bool called = false;
  auto accept = [&](std::span<const std::uint8_t> m, std::span<const std::uint8_t>) {
    called = true;
    return m.size() == std::string(kGood).size();
  };
  auto reject = [](std::span<const std::uint8_t>, std::span<const std::uint8_t>) { return false; };
  std::vector<std::uint8_t> sig(10);
  EXPECT_NO_THROW(load_signed_policy(kGood, sig, accept));
  EXPECT_TRUE(called);
  EXPECT_THROW(load_signed_policy(kGood, sig, reject), PolicyError);
}

TEST(Policy, VersionComparison) {
  EXPECT_LT(compare_versions("1.9.3", "1.10.0"), 0);
  EXPECT_EQ(compare_versions("1.2", "1.2.0"), 0);
  EXPECT_GT(compare_versions("2.0.0", "1.99.99"), 0);
  EXPECT_THROW(compare_versions("1..2", "1.2"), PolicyError);
  EXPECT_THROW(compare_versions("", "1"), PolicyError);
}
