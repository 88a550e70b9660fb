// `pqcea acvp PATH...`: NIST ACVP vector sets. Every path is checked before any vector runs: a
// missing file, a folder without the vector files, or a file that is not JSON is bad input (exit 2,
// naming the file); a vector that fails is a verdict (exit 1).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "pqcea/host/acvp.hpp"

namespace pqcea::cli {
namespace {

// Far above the largest official vector file (ML-DSA sigGen, a few MB).
constexpr std::uint64_t kMaxVectorFileBytes = std::uint64_t{1} << 30;

// A JSON vector file: size from its metadata, then a parse without building the document (the
// runner builds it); BadInput naming the file and the parse error otherwise.
void check_vector_file(const std::string& path, const Expect& e) {
  check_input(path, e);
  std::ifstream in(path, std::ios::binary);
  if (!in || acvp::json::accept(in)) return;  // unreadable: the runner reports it
  std::ifstream again(path, std::ios::binary);
  try {
    const auto doc = acvp::json::parse(again);
    (void)doc;
  } catch (const acvp::json::parse_error& err) {
    throw BadInput(path + ": not JSON (" + err.what() + "); " + expected(e));
  }
}

void check_path(const std::string& arg) {
  namespace fs = std::filesystem;
  const Expect file{"an ACVP vector set (internalProjection.json, or a folder with prompt.json + expectedResults.json)",
                    {}, kMaxVectorFileBytes};
  std::error_code ec;
  if (!fs::is_directory(arg, ec)) return check_vector_file(arg, file);
  const fs::path p(arg);
  if (fs::exists(p / "prompt.json", ec) && fs::exists(p / "expectedResults.json", ec)) {
    check_vector_file((p / "prompt.json").string(), file);
    check_vector_file((p / "expectedResults.json").string(), file);
  } else if (fs::exists(p / "internalProjection.json", ec)) {
    check_vector_file((p / "internalProjection.json").string(), file);
  } else {
    throw BadInput(arg + ": a folder without internalProjection.json or prompt.json + expectedResults.json; " +
                   expected(file));
  }
}

}  // namespace

void add_acvp(CLI::App& app) {
  auto* cmd = app.add_subcommand("acvp", "Run NIST ACVP JSON vector files or folders; prints 'N passed, N failed'");
  static std::vector<std::string> paths;
  static std::vector<std::string> test_types;
  cmd->add_option("paths", paths, "internalProjection.json files, or folders (prompt.json + expectedResults.json)")
      ->required();
  cmd->add_option("--test-type", test_types, "Run only groups of these ACVP test types (AFT, MCT, LDT, VOT, ...)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->callback([] {
    for (const auto& p : paths) check_path(p);
    std::cout.flush();
    std::exit(acvp::run_paths(paths, std::cout, test_types) == 0 ? kExitValid : kExitInvalid);
  });
}

}  // namespace pqcea::cli
