// Each subcommand family registers itself on the app; main() calls every add_* below.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <span>
#include <string>
#include <vector>

#include "pqcea/host/secret_file.hpp"

namespace pqcea::cli {

// Exit status of every command (docs/cli.md, "Exit codes"): distinct, so a script can tell a
// refused signature or verdict from a mistake in what it passed.
enum Exit : int {
  kExitValid = 0,      // the signature verifies / the verdict is affirming / the command did its job
  kExitInvalid = 1,    // a well-formed input that does not verify, or a verdict other than affirming
  kExitBadInput = 2,   // usage error, unreadable / malformed / wrong-algorithm input
  kExitExhausted = 3,  // a stateful (LMS/HSS, XMSS) key has no signature left
  kExitInternal = 4,   // anything else (a bug, or the machine: out of memory, disk full)
};

// A bad input or usage: main() prints "pqcea: <what>" and exits kExitBadInput. The message names
// the file and what was expected of it (length, algorithm, format).
struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void add_acvp(CLI::App& app);
void add_hash(CLI::App& app);
void add_demo(CLI::App& app);        // selftest
void add_fleet_demo(CLI::App& app);  // demo
void add_kem(CLI::App& app);
void add_sig(CLI::App& app);
void add_serve(CLI::App& app);    // serve, fleet-init, registry-fill
void add_loadgen(CLI::App& app);
void add_image(CLI::App& app);
void add_fleet_tools(CLI::App& app);  // ca, policy, device, result

// Shared file helpers for commands that read and write raw binary files. write_file is for public
// outputs (public keys, signatures, ciphertexts, images).
std::vector<std::uint8_t> read_file(const std::string& path);
void write_file(const std::string& path, const std::uint8_t* data, std::size_t n);

// Secret outputs and inputs (docs/key-files.md). Every command that writes a secret takes --force
// (add_force_flag); without it an existing file is never replaced and the command exits 2 with
// "FILE exists; use --force to replace it".
void add_force_flag(CLI::App* cmd, bool& force);
// Before anything is written: fails as above if any non-empty path exists and !force, so a refused
// command leaves every output (public ones included) untouched.
void refuse_existing(std::initializer_list<std::string> secret_paths, bool force);
void write_secret(const std::string& path, std::span<const std::uint8_t> bytes, bool force);
// Secret inputs: host::read_secret_file (a file, or "-" for standard input).

}  // namespace pqcea::cli
