#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"pqcea - PQC-Edge-Attestor: post-quantum crypto, attestation and tools"};
  app.require_subcommand(1);
  // The project version from CMake, and `git describe` of the source tree when it was configured
  // from a git checkout (src/cli/CMakeLists.txt).
  app.set_version_flag("--version", std::string("pqcea ") + PQCEA_VERSION +
                                        (std::string_view(PQCEA_GIT_DESCRIBE).empty()
                                             ? std::string()
                                             : std::string(" (git ") + PQCEA_GIT_DESCRIBE + ")"));
  pqcea::cli::add_acvp(app);
  pqcea::cli::add_hash(app);
  pqcea::cli::add_demo(app);
  pqcea::cli::add_fleet_demo(app);
  pqcea::cli::add_kem(app);
  pqcea::cli::add_sig(app);
  pqcea::cli::add_serve(app);
  pqcea::cli::add_loadgen(app);
  pqcea::cli::add_image(app);
  pqcea::cli::add_fleet_tools(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "pqcea: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
