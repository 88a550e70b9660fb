// ACVP runner for LMS (SP 800-208 / RFC 8554), revisions 1.0 and SP800-208:
//   keyGen: the public key from SEED and I (RFC 8554 Appendix A keys), compared byte for byte;
//   sigGen: NIST's public key and signatures are verified (the sample gives no private key, so they
//           are "must verify" vectors; see ../shared/vectors/acvp/README.md "LMS");
//   sigVer: the verdict must equal testPassed.
#include "pqcea/host/acvp.hpp"
#include "pqcea/host/stateful.hpp"
#include "pqcea/lms.hpp"

namespace pqcea::acvp {
namespace {

using host::stateful::LmsLevel;

bool group_level(const json& g, LmsLevel& lv, Tally& t) {
  const std::string lm = g.value("lmsMode", ""), ots = g.value("lmOtsMode", "");
  lv = LmsLevel{nullptr, nullptr};
  for (const auto& x : lms::kLmsTypes)
    if (lm == x.name) lv.lms = &x;
  for (const auto& x : lms::kOtsTypes)
    if (ots == x.name) lv.ots = &x;
  if (lv.lms == nullptr || lv.ots == nullptr) {
    t.unsupported_group(g, "lmsMode '" + lm + "' / lmOtsMode '" + ots + "'");
    return false;
  }
  return true;
}

// The message of a test; SP800-208 tests also give messageLength in bits (always whole bytes).
std::vector<std::uint8_t> message_of(const json& test) {
  auto msg = bytes_field(test, "message");
  if (test.contains("messageLength") && test.at("messageLength").get<std::size_t>() != 8 * msg.size())
    throw std::runtime_error("messageLength is not the message's length in bits");
  return msg;
}

}  // namespace

void run_lms(const json& vs, Tally& t) {
  const std::string mode = vs.value("mode", "");
  for (const auto& g : vs.at("testGroups")) {
    LmsLevel lv{};
    if (!group_level(g, lv, t)) continue;
    for (const auto& test : g.at("tests")) {
      if (mode == "keyGen") {
        const auto seed = bytes_field(test, "seed");
        const auto I = bytes_field(test, "i");
        if (I.size() != lms::kIdBytes || seed.size() != lv.ots->n) {
          t.fail(g, test, "seed or I length");
          continue;
        }
        const auto pk = host::stateful::lms_public_key(lv, std::span<const std::uint8_t, lms::kIdBytes>(I.data(), 16), seed);
        t.check(g, test, to_hex(pk) == test.at("publicKey").get<std::string>(), "public key mismatch");
      } else if (mode == "sigGen" || mode == "sigVer") {
        const auto pk = bytes_field(mode == "sigGen" ? g : test.contains("publicKey") ? test : g, "publicKey");
        const auto msg = message_of(test);
        const auto sig = bytes_field(test, "signature");
        const bool valid = lms::lms_verify(pk, msg, sig) == Status::ok;
        const bool expected = mode == "sigGen" ? true : test.at("testPassed").get<bool>();
        t.check(g, test, valid == expected,
                std::string("verdict ") + (valid ? "valid" : "invalid") + ", expected " + (expected ? "valid" : "invalid"));
      } else {
        t.unsupported_group(g, "mode " + mode);
        break;
      }
    }
  }
}

}  // namespace pqcea::acvp
