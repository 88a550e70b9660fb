// The project's own chain validator (pki::validate_chain with the project's ML-DSA) on a chain
// made by the openssl CLI with the pqcea provider. argv: root.pem leaf.pem [expect=ok|fail].
#include <ctime>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "pqcea/host/pki.hpp"

namespace {
std::string slurp(const char* path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}
}  // namespace

int main(int argc, char** argv) {
  using namespace pqcea::pki;
  if (argc < 3) return 2;
  const bool expect_ok = argc < 4 || std::string(argv[3]) == "ok";
  try {
    const Certificate root = parse_certificate(from_pem(slurp(argv[1]), "CERTIFICATE"));
    const Certificate leaf = parse_certificate(from_pem(slurp(argv[2]), "CERTIFICATE"));
    std::cout << "root: " << root.subject.common_name << " " << algorithm_name(root.public_key_algorithm)
              << "; leaf: " << leaf.subject.common_name << " " << algorithm_name(leaf.public_key_algorithm)
              << " signed with " << algorithm_name(leaf.signature_algorithm) << "\n";
    TrustStore trust;
    trust.add(root, mldsa_verify);
    const ChainResult r = validate_chain(leaf, {}, trust, static_cast<Time>(std::time(nullptr)), mldsa_verify);
    std::cout << "pki::validate_chain: " << (r.ok ? "ok" : "rejected: " + r.reason) << "\n";
    return r.ok == expect_ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cout << "error: " << e.what() << "\n";
    return expect_ok ? 1 : 0;
  }
}
