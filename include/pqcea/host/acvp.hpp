// ACVP JSON runner: reads NIST ACVP vector sets (internalProjection.json, or a folder holding
// prompt.json + expectedResults.json) and checks every test against this project's code.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pqcea::acvp {

using json = nlohmann::json;

struct Tally {
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::vector<std::string> failures;  // "tgId/tcId: reason", first few kept

  void pass() { ++passed; }
  void fail(const json& group, const json& test, const std::string& why);
  // Records a whole group this build cannot run: it counts as failed, never as skipped.
  void unsupported_group(const json& group, const std::string& why);
  // Compares and records; returns whether it matched.
  bool check(const json& group, const json& test, bool ok, const std::string& what);
};

// One runner per algorithm family. `vs` is the vector set with expected values already merged
// into each test (expectedResults fields copied next to the prompt fields).
using Runner = void (*)(const json& vs, Tally& tally);

struct Entry {
  const char* algorithm;  // ACVP "algorithm" field, e.g. "SHA3-256", "ML-KEM"
  Runner run;
};

std::span<const Entry> registry();

// Runs every path (file or folder) and prints per-file results and "N passed, N failed" last.
// A non-empty `test_types` (ACVP testType values: AFT, MCT, LDT, VOT, ...) runs only those groups.
// Returns 0 only if nothing failed, every test run was supported and at least one test ran.
int run_paths(const std::vector<std::string>& paths, std::ostream& out,
              const std::vector<std::string>& test_types = {});

// Hex helpers for vector fields.
std::vector<std::uint8_t> unhex(const std::string& hex);
std::string to_hex(std::span<const std::uint8_t> bytes);
inline std::vector<std::uint8_t> bytes_field(const json& test, const char* name) {
  return unhex(test.at(name).get<std::string>());
}

// Family runners (one file each under src/host/acvp/).
void run_sha2(const json& vs, Tally& tally);
void run_sha3(const json& vs, Tally& tally);
void run_shake(const json& vs, Tally& tally);
void run_mlkem(const json& vs, Tally& tally);
void run_mldsa(const json& vs, Tally& tally);
void run_lms(const json& vs, Tally& tally);
void run_slhdsa(const json& vs, Tally& tally);

}  // namespace pqcea::acvp
