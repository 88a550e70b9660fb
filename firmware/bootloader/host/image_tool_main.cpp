// A host-native `pqcea-image` for the cross builds: the same `pqcea image` command
// (src/cli/cmd_image.cpp) without the rest of the host layer, so that the Cortex-M build can sign
// the images its tests boot. Built with the host compiler by firmware/bootloader/CMakeLists.txt.
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>

#include "commands.hpp"

namespace pqcea::cli {

void add_image(CLI::App& app);  // src/cli/cmd_image.cpp (also declared in commands.hpp)

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::uint8_t* data, std::size_t n) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n));
  if (!out) throw std::runtime_error("write failed: " + path);
}

}  // namespace pqcea::cli

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
