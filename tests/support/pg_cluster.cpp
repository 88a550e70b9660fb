#include "pg_cluster.hpp"

#include "pqcea/host/loopback.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace pqcea::test {
namespace {

std::string find_bin() {
  std::error_code ec;
  for (int v = 17; v >= 13; --v) {
    std::string d = "/usr/lib/postgresql/" + std::to_string(v) + "/bin";
    if (std::filesystem::exists(d + "/initdb", ec)) return d;
  }
  return "";
}

void run(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("command failed: " + cmd);
}

}  // namespace

bool PgCluster::available() { return !find_bin().empty(); }

PgCluster::PgCluster() : bin_(find_bin()) {
  if (bin_.empty()) throw std::runtime_error("PostgreSQL server is not installed (scripts/bootstrap installs it)");
  char tmpl[] = "/tmp/pqcea-pg-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  if (::geteuid() == 0) {
    passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) throw std::runtime_error("no postgres user");
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("chown failed");
    run_as_ = "runuser -u postgres -- ";
  }
  port_ = host::find_free_loopback_ports(1, 30000 + (static_cast<int>(::getpid()) * 13) % 20000);
  if (port_ == 0) throw std::runtime_error("no free port for PostgreSQL");
  run(run_as_ + bin_ + "/initdb -A trust -U postgres -D " + dir_ + "/data > " + dir_ + "/initdb.log 2>&1");
  run(run_as_ + bin_ + "/pg_ctl -w -D " + dir_ + "/data -l " + dir_ + "/server.log -o \"-k " + dir_ + " -p " +
      std::to_string(port_) + " -c listen_addresses=127.0.0.1 -c fsync=off\" start > /dev/null");
}

PgCluster::~PgCluster() {
  std::string cmd = run_as_ + bin_ + "/pg_ctl -w -D " + dir_ + "/data -m immediate stop > /dev/null 2>&1";
  [[maybe_unused]] int rc = std::system(cmd.c_str());
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string PgCluster::url() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

std::string PgCluster::create_database(const std::string& name) const {
  run(run_as_ + bin_ + "/createdb -h 127.0.0.1 -p " + std::to_string(port_) + " -U postgres " + name);
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + name;
}

}  // namespace pqcea::test
