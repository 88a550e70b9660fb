#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>

#include "pqcea/host/acvp.hpp"
#include "pqcea/host/hex.hpp"

namespace pqcea::acvp {
namespace fs = std::filesystem;

namespace {

std::string test_id(const json& group, const json& test) {
  std::string id = "tg " + std::to_string(group.value("tgId", 0));
  if (!test.is_null()) id += " tc " + std::to_string(test.value("tcId", 0));
  return id;
}

json load_json(const fs::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot open " + p.string());
  return json::parse(in);
}

// Copies each expected test's fields into the matching prompt test (by tgId, tcId).
void merge_expected(json& prompt, const json& expected) {
  std::map<std::pair<int, int>, const json*> index;
  for (const auto& g : expected.at("testGroups"))
    for (const auto& t : g.at("tests")) index[{g.at("tgId").get<int>(), t.at("tcId").get<int>()}] = &t;
  for (auto& g : prompt.at("testGroups")) {
    for (auto& t : g.at("tests")) {
      auto it = index.find({g.at("tgId").get<int>(), t.at("tcId").get<int>()});
      if (it == index.end()) continue;
      for (const auto& [k, v] : it->second->items())
        if (!t.contains(k)) t[k] = v;
    }
  }
}

// With a non-empty `types`, drops the groups whose testType is not listed (e.g. the multi-GiB LDT
// groups, which `make test-long` runs on their own); returns how many were dropped.
std::size_t keep_test_types(json& vs, const std::vector<std::string>& types) {
  if (types.empty()) return 0;
  auto& groups = vs.at("testGroups");
  const std::size_t before = groups.size();
  json kept = json::array();
  for (auto& g : groups)
    if (std::find(types.begin(), types.end(), g.value("testType", "")) != types.end()) kept.push_back(std::move(g));
  groups = std::move(kept);
  return before - groups.size();
}

}  // namespace

void Tally::fail(const json& group, const json& test, const std::string& why) {
  ++failed;
  if (failures.size() < 20) failures.push_back(test_id(group, test) + ": " + why);
}

void Tally::unsupported_group(const json& group, const std::string& why) {
  std::size_t n = group.contains("tests") ? group.at("tests").size() : 1;
  failed += n;
  if (failures.size() < 20) failures.push_back(test_id(group, json()) + ": unsupported: " + why);
}

bool Tally::check(const json& group, const json& test, bool ok, const std::string& what) {
  if (ok) {
    pass();
  } else {
    fail(group, test, what);
  }
  return ok;
}

// ACVP's conventions (upper-case output) on the host's one hex codec.
std::vector<std::uint8_t> unhex(const std::string& hex) { return host::hex_decode_or_throw(hex, "ACVP hex field"); }

std::string to_hex(std::span<const std::uint8_t> bytes) { return host::hex_encode(bytes, host::HexCase::upper); }

int run_paths(const std::vector<std::string>& paths, std::ostream& out, const std::vector<std::string>& test_types) {
  std::size_t passed = 0, failed = 0;
  for (const auto& arg : paths) {
    fs::path p(arg);
    json vs;
    try {
      if (fs::is_directory(p)) {
        if (fs::exists(p / "prompt.json") && fs::exists(p / "expectedResults.json")) {
          vs = load_json(p / "prompt.json");
          merge_expected(vs, load_json(p / "expectedResults.json"));
        } else if (fs::exists(p / "internalProjection.json")) {
          vs = load_json(p / "internalProjection.json");
        } else {
          out << arg << ": no internalProjection.json or prompt.json + expectedResults.json\n";
          ++failed;
          continue;
        }
      } else {
        vs = load_json(p);
      }
    } catch (const std::exception& e) {
      out << arg << ": " << e.what() << "\n";
      ++failed;
      continue;
    }
    const std::string alg = vs.value("algorithm", "");
    const Entry* entry = nullptr;
    for (const auto& e : registry())
      if (alg == e.algorithm) entry = &e;
    const std::size_t left_out = keep_test_types(vs, test_types);
    if (left_out > 0) out << arg << ": " << left_out << " test group(s) of other test types left out\n";
    Tally t;
    if (entry == nullptr) {
      std::size_t n = 0;
      for (const auto& g : vs.at("testGroups")) n += g.at("tests").size();
      out << arg << ": algorithm '" << alg << "' is not supported (" << n << " tests counted as failed)\n";
      failed += n;
      continue;
    }
    try {
      entry->run(vs, t);
    } catch (const std::exception& e) {
      t.failed += 1;
      t.failures.push_back(std::string("exception: ") + e.what());
    }
    out << arg << " [" << alg << " " << vs.value("mode", "") << " " << vs.value("revision", "") << "]: " << t.passed
        << " passed, " << t.failed << " failed\n";
    for (const auto& f : t.failures) out << "  FAIL " << f << "\n";
    passed += t.passed;
    failed += t.failed;
  }
  out << passed << " passed, " << failed << " failed\n";
  return (failed == 0 && passed > 0) ? 0 : 1;
}

}  // namespace pqcea::acvp
