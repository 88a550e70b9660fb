// `pqcea`: every command family registers on one CLI11 app. Exit status (docs/cli.md, "Exit codes"):
// 0 valid / done, 1 invalid signature or verdict, 2 bad input or usage, 3 exhausted stateful key,
// 4 anything else.
#include <filesystem>
#include <iostream>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "pqcea/host/pki.hpp"
#include "pqcea/host/verifier/policy.hpp"

int main(int argc, char** argv) {
  using namespace pqcea::cli;
  CLI::App app{"pqcea - PQC-Edge-Attestor: post-quantum crypto, attestation and tools"};
  app.require_subcommand(1);
  // The project version from CMake, and `git describe` of the source tree when it was configured
  // from a git checkout (src/cli/CMakeLists.txt).
  app.set_version_flag("--version", std::string("pqcea ") + PQCEA_VERSION +
                                        (std::string_view(PQCEA_GIT_DESCRIBE).empty()
                                             ? std::string()
                                             : std::string(" (git ") + PQCEA_GIT_DESCRIBE + ")"));
  app.footer("Exit status: 0 valid/done, 1 invalid signature or verdict, 2 bad input or usage, "
             "3 exhausted stateful key, 4 internal error (docs/cli.md).");
  add_acvp(app);
  add_hash(app);
  add_demo(app);
  add_fleet_demo(app);
  add_kem(app);
  add_sig(app);
  add_serve(app);
  add_loadgen(app);
  add_image(app);
  add_fleet_tools(app);
  add_ocpp(app);
  add_ocpp_ledger(app);
  add_csr(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command's verdict: 1 invalid, 3 exhausted (it printed why)
  } catch (const CLI::ParseError& e) {
    // Usage errors (unknown option, missing argument, a value the option's check refuses) print
    // CLI11's message; --help and friends exit 0.
    return app.exit(e) == 0 ? kExitValid : kExitBadInput;
  } catch (const BadInput& e) {
    std::cerr << "pqcea: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const pqcea::host::SecretFileExists& e) {
    std::cerr << "pqcea: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const pqcea::host::SecretFileError& e) {  // a key or token file missing, too large, unreadable
    std::cerr << "pqcea: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const pqcea::pki::Error& e) {  // a certificate, PEM or key that does not parse
    std::cerr << "pqcea: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const pqcea::verifier::PolicyError& e) {
    std::cerr << "pqcea: policy: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << "pqcea: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::invalid_argument& e) {  // an option's value, a file the command cannot use
    std::cerr << "pqcea: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    std::cerr << "pqcea: internal error: out of memory\n";
    return kExitInternal;
  } catch (const std::exception& e) {
    std::cerr << "pqcea: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitValid;
}
