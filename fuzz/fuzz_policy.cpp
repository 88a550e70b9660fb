// libFuzzer target for the signed policy document (src/host/verifier/policy.cpp): the JSON the
// operator uploads to POST /v1/policy, read after its signature verified, and the version
// comparison it relies on.
//
// A rejection is PolicyError; any other exception escapes and libFuzzer reports it (the service
// turns PolicyError into a 400 and anything else into a 500). Properties, checked with a trap:
//  1. load_signed_policy never returns a policy whose signature check failed, and with a passing
//     check gives the same verdict as parse_policy;
//  2. compare_versions is a total order on what it accepts: antisymmetric and reflexive, for
//     every version string of an accepted policy and for the input split at its first newline.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "pqcea/host/verifier/policy.hpp"

namespace {

namespace v = pqcea::verifier;

[[noreturn]] void broken() { __builtin_trap(); }

// Property 2 for one pair (PolicyError for a malformed version is a valid answer).
void check_order(const std::string& a, const std::string& b) {
  int ab = 0, ba = 0;
  try {
    ab = v::compare_versions(a, b);
    ba = v::compare_versions(b, a);
  } catch (const v::PolicyError&) {
    return;
  }
  if (ab != -ba || (ab != 0 && ab != 1 && ab != -1)) broken();
  if (v::compare_versions(a, a) != 0) broken();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::vector<std::uint8_t> sig = {1, 2, 3};

  // Property 1, refused signature: nothing is parsed.
  try {
    (void)v::load_signed_policy(text, sig, [](std::span<const std::uint8_t>, std::span<const std::uint8_t>) { return false; });
    broken();
  } catch (const v::PolicyError&) {
  }

  bool parsed = false;
  v::Policy p;
  try {
    p = v::parse_policy(text);
    parsed = true;
  } catch (const v::PolicyError&) {
  }
  bool signed_parsed = false;
  try {
    (void)v::load_signed_policy(text, sig, [](std::span<const std::uint8_t>, std::span<const std::uint8_t>) { return true; });
    signed_parsed = true;
  } catch (const v::PolicyError&) {
  }
  if (parsed != signed_parsed) broken();

  if (parsed) {
    if (p.version != 1 || p.models.empty()) broken();
    for (const auto& [name, m] : p.models) {
      if (p.model(name) != &m || m.firmware.empty()) broken();
      for (const auto& [ver, ref] : m.firmware) {
        check_order(m.min_swversion, ver);
        if (ref.components.empty()) broken();
      }
    }
  }

  const std::size_t nl = text.find('\n');
  if (nl != std::string::npos && size < 256) check_order(text.substr(0, nl), text.substr(nl + 1));
  return 0;
}
