// A host-native `pqcea-image` for the cross builds: the same `pqcea image` command
// (src/cli/cmd_image.cpp) without the rest of the host layer, so that the Cortex-M build can sign
// the images its tests boot (with the commands' file helpers, src/cli/files.cpp). Built with the
// host compiler by firmware/bootloader/CMakeLists.txt.
#include <iostream>
#include <stdexcept>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"pqcea-image - signed firmware images (host build of `pqcea image`)"};
  app.require_subcommand(1);
  pqcea::cli::add_image(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "pqcea-image: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
