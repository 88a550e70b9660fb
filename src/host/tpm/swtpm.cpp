// Starts a real swtpm (TPM 2.0 simulator) on loopback for tests and the demo.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "pqcea/host/loopback.hpp"
#include "pqcea/host/tpm.hpp"

extern char** environ;

namespace pqcea::tpm {
namespace {

std::string find_swtpm() {
  for (const char* p : {"/usr/bin/swtpm", "/usr/local/bin/swtpm"})
    if (::access(p, X_OK) == 0) return p;
  return "";
}

}  // namespace

bool swtpm_available() { return !find_swtpm().empty(); }

Swtpm::Swtpm() {
  const std::string bin = find_swtpm();
  if (bin.empty()) throw TpmError("swtpm is not installed (scripts/bootstrap installs it)");
  char tmpl[] = "/tmp/pqcea-swtpm-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw TpmError("cannot create swtpm state folder");
  dir_ = tmpl;
  // Pick a free pair of ports (server P, control P+1), starting from a pid-dependent offset so
  // parallel tests rarely race for the same pair.
  port_ = host::find_free_loopback_ports(2, 20000 + (static_cast<int>(::getpid()) * 7) % 20000);
  if (port_ == 0) throw TpmError("no free loopback port pair for swtpm");
  const std::string server = "type=tcp,port=" + std::to_string(port_) + ",bindaddr=127.0.0.1";
  const std::string ctrl = "type=tcp,port=" + std::to_string(port_ + 1) + ",bindaddr=127.0.0.1";
  const std::string state = "dir=" + dir_;
  const char* argv[] = {bin.c_str(), "socket", "--tpm2", "--server", server.c_str(), "--ctrl", ctrl.c_str(),
                        "--tpmstate", state.c_str(), "--flags", "not-need-init,startup-clear", nullptr};
  pid_t pid = 0;
  if (::posix_spawn(&pid, bin.c_str(), nullptr, nullptr, const_cast<char* const*>(argv), environ) != 0)
    throw TpmError("cannot start swtpm");
  pid_ = pid;
  for (int i = 0; i < 200; ++i) {  // up to 10 s for the simulator to listen
    if (host::loopback_port_accepts(port_)) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw TpmError("swtpm exited at start");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw TpmError("swtpm did not start listening");
}

Swtpm::~Swtpm() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string Swtpm::tcti() const { return "swtpm:host=127.0.0.1,port=" + std::to_string(port_); }

}  // namespace pqcea::tpm
