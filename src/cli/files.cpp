// File helpers of the commands: public outputs as ordinary files, secret outputs through the one
// secret-file helper (docs/key-files.md). Shared by `pqcea` and the cross builds' `pqcea-image`.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "commands.hpp"
#include "pqcea/host/secret_file.hpp"

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

void add_force_flag(CLI::App* cmd, bool& force) {
  cmd->add_flag("--force", force, "replace an existing private-key / secret output file");
}

void refuse_existing(std::initializer_list<std::string> secret_paths, bool force) {
  if (force) return;
  for (const auto& p : secret_paths) {
    std::error_code ec;
    if (!p.empty() && std::filesystem::symlink_status(p, ec).type() != std::filesystem::file_type::not_found && !ec)
      throw host::SecretFileExists(p);
  }
}

void write_secret(const std::string& path, std::span<const std::uint8_t> bytes, bool force) {
  host::write_secret_file(path, bytes, force ? host::Replace::yes : host::Replace::no);
}

}  // namespace pqcea::cli
