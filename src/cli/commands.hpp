// Each subcommand family registers itself on the app; main() calls every add_* below.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <span>
#include <string>
#include <vector>

#include "pqcea/host/secret_file.hpp"

namespace pqcea::service {
struct HttpResult;
}

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
void add_ocpp(CLI::App& app);         // csms, charger
void add_ocpp_ledger(CLI::App& app);  // ocpp ledger (docs/ocpp.md, "Size ledger"), then:
void add_ocpp_operator(CLI::App& ocpp);  // ocpp stations|install-root|... (docs/ocpp.md, "Operator interface")
void add_csr(CLI::App& app);          // ca csr, ca issue-csr (after add_fleet_tools: joins `ca`)

// ---- talking to a running server (verifier admin endpoints, the CSMS's operator interface) --------
// Where an admin command finds the server and its token (FLEET/admin.token).
struct ServerOptions {
  std::string server;
  std::string fleet;
  std::string tls_ca;
  void add(CLI::App* cmd, bool needs_fleet = true);
  std::string ca() const;           // the certificate to trust for https ("" for http)
  std::string admin_token() const;
};
// Prints the answer's body; exit 0 on the expected status, 1 for a well-formed refusal of the
// server (4xx), 4 for anything else.
int report(const service::HttpResult& r, int expected);
// A text input (PEM, JSON, a token) through the commands' one bounded input reader.
std::string read_text_file(const std::string& path, std::size_t max_bytes);

// ---- inputs (docs/cli.md, "Inputs and errors") ----------------------------------------------------
// What a command expects of one input file; every refusal names the file and says this.
struct Expect {
  std::string what;                    // "an ML-DSA-87 public key", "the message to sign"
  std::vector<std::size_t> lengths{};  // the exact lengths allowed; empty: any length up to max_bytes
  std::uint64_t max_bytes = 0;         // the bound without lengths (0: none, for streamed inputs)
};
// "expected WHAT (2592 bytes)" / "expected WHAT (32 or 4896 bytes)" / "expected WHAT (at most 16 MiB)"
std::string expected(const Expect& e);
// "PATH: PROBLEM", unless another module's message already starts with the path.
std::string about(const std::string& path, const std::string& problem);
// BadInput "PATH: N bytes; expected ..." unless `have` is one of e.lengths (or, without lengths,
// at most e.max_bytes).
void check_length(const std::string& path, std::uint64_t have, const Expect& e);
// The one way a command opens an input: from the file's metadata (fstat) before any byte is read, a
// missing file, a directory or a regular file of the wrong size is refused (BadInput); pipes and
// devices are read with the bound enforced while reading. stream_input hands the bytes over in
// chunks (constant memory); read_input returns them whole (at most e.max_bytes are ever held).
void stream_input(const std::string& path, const Expect& e,
                  const std::function<void(std::span<const std::uint8_t>)>& chunk);
std::vector<std::uint8_t> read_input(const std::string& path, const Expect& e);
// Secret inputs (a file, or "-" for standard input): the same checks, then host::read_secret_file;
// every failure is BadInput naming the file.
host::SecretBytes read_secret_input(const std::string& path, const Expect& e);
// The metadata checks alone, for inputs another module opens itself (key files of `pqcea image`,
// stateful key files): BadInput for a missing file, a directory, or a size outside e.
void check_input(const std::string& path, const Expect& e);

// ---- algorithm names ------------------------------------------------------------------------------
// A list of names in brace form, grouped where they differ in one part:
// {"ML-DSA-44","ML-DSA-65","ML-DSA-87","Falcon-512","Falcon-1024"} -> "ML-DSA-{44,65,87}, Falcon-{512,1024}".
// Exact (every name, no other). `brief` also folds a family that does not factor (the XMSS^MT sets)
// into one pattern marked "(N of these)": short, for error messages.
std::string group_names(const std::vector<std::string>& names, bool brief = false);
// A CLI11 check that the value is one of `names`; the refusal (exit 2) lists them grouped:
// "ML-DSA-88 is not a signature algorithm; expected one of ML-DSA-{44,65,87}, ...".
CLI::Validator one_of(std::vector<std::string> names, const std::string& kind);

// Shared file helpers for commands that read and write raw binary files. write_file is for public
// outputs (public keys, signatures, ciphertexts, images). read_file is read_input with a 1 GiB bound.
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
