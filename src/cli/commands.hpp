// Each subcommand family registers itself on the app; main() calls every add_* below.
#pragma once
#include <CLI/CLI.hpp>

namespace pqcea::cli {

void add_acvp(CLI::App& app);
void add_hash(CLI::App& app);
void add_demo(CLI::App& app);        // selftest
void add_fleet_demo(CLI::App& app);  // demo
void add_kem(CLI::App& app);
void add_sig(CLI::App& app);
void add_serve(CLI::App& app);    // serve, fleet-init, registry-fill
void add_loadgen(CLI::App& app);
void add_image(CLI::App& app);

// Shared file helpers for commands that read and write raw binary files.
std::vector<std::uint8_t> read_file(const std::string& path);
void write_file(const std::string& path, const std::uint8_t* data, std::size_t n);

}  // namespace pqcea::cli
