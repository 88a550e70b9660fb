#include <iostream>

#include "commands.hpp"
#include "pqcea/host/acvp.hpp"

namespace pqcea::cli {

void add_acvp(CLI::App& app) {
  auto* cmd = app.add_subcommand("acvp", "Run NIST ACVP JSON vector files or folders; prints 'N passed, N failed'");
  static std::vector<std::string> paths;
  cmd->add_option("paths", paths, "internalProjection.json files, or folders (prompt.json + expectedResults.json)")
      ->required();
  cmd->callback([] { std::exit(acvp::run_paths(paths, std::cout)); });
}

}  // namespace pqcea::cli
