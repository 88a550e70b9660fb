#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>

#include "commands.hpp"

namespace pqcea::cli {

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
  CLI::App app{"pqcea - PQC-Edge-Attestor: post-quantum crypto, attestation and tools"};
  app.require_subcommand(1);
  pqcea::cli::add_acvp(app);
  pqcea::cli::add_hash(app);
  pqcea::cli::add_demo(app);
  pqcea::cli::add_fleet_demo(app);
  pqcea::cli::add_kem(app);
  pqcea::cli::add_sig(app);
  pqcea::cli::add_serve(app);
  pqcea::cli::add_loadgen(app);
  pqcea::cli::add_image(app);
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
