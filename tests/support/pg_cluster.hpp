// A throwaway PostgreSQL cluster for tests: initdb in a temporary folder, started on a free
// loopback port (unix socket in the same folder), stopped and removed by the destructor. Runs the
// server as the postgres user when the tests run as root (initdb refuses root).
#pragma once
#include <string>

namespace pqcea::test {

class PgCluster {
 public:
  PgCluster();  // throws std::runtime_error if PostgreSQL is not installed or does not start
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;
  // libpq connection URL of the cluster's "postgres" database.
  std::string url() const;
  // Creates a fresh database and returns its URL.
  std::string create_database(const std::string& name) const;
  static bool available();

 private:
  std::string run_as_;  // "runuser -u postgres -- " when root, else ""
  std::string bin_;
  std::string dir_;
  int port_ = 0;
};

}  // namespace pqcea::test
