#include <iostream>

#include "commands.hpp"
#include "pqcea/host/acvp.hpp"

namespace pqcea::cli {

void add_acvp(CLI::App& app) {
  auto* cmd = app.add_subcommand("acvp", "Run NIST ACVP JSON vector files or folders; prints 'N passed, N failed'");
  static std::vector<std::string> paths;
  static std::vector<std::string> test_types;
  cmd->add_option("paths", paths, "internalProjection.json files, or folders (prompt.json + expectedResults.json)")
      ->required();
  cmd->add_option("--test-type", test_types, "Run only groups of these ACVP test types (AFT, MCT, LDT, VOT, ...)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->callback([] { std::exit(acvp::run_paths(paths, std::cout, test_types)); });
}

}  // namespace pqcea::cli
