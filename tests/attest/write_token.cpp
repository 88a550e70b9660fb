// Writes real ML-DSA-87 tokens of the test fixture for the checks that run outside GoogleTest:
//   write_token DIR          DIR/token.cbor (full claims), DIR/tbs.bin (the exact bytes that
//                            were signed), DIR/pk.bin (the device's public key)
//   write_token --corpus DIR seed corpus for the fuzzer: full and mandatory-only tokens and their
//                            payloads (one file each)
// Exit status 0 on success.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "attest_fixture.hpp"
#include "mldsa_device.hpp"
#include "pqcea/attest/token.hpp"

namespace {

bool write_file(const std::string& path, std::span<const std::uint8_t> bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(f);
}

bool make_token(const pqcea::attest::Claims& claims, pqcea::cose::Signer& signer,
                std::span<const std::uint8_t, pqcea::cose::kKidSize> kid, std::vector<std::uint8_t>& token) {
  token.assign(pqcea::attest::kMaxTokenSize, 0);
  std::vector<std::uint8_t> scratch(pqcea::attest::kScratchSize);
  std::size_t len = 0;
  pqcea::attest::Diagnostic d;
  if (pqcea::attest::build_token(claims, signer, kid, scratch, token, len, &d) != pqcea::Status::ok) {
    std::fprintf(stderr, "write_token: build_token failed: %s (claim %lld)\n", pqcea::attest::to_string(d.reason),
                 static_cast<long long>(d.claim));
    return false;
  }
  token.resize(len);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && !(argc == 3 && std::string(argv[1]) == "--corpus")) {
    std::fprintf(stderr, "usage: write_token DIR | write_token --corpus DIR\n");
    return 2;
  }
  const pqcea::test::MlDsaDevice<pqcea::mldsa::MlDsa87> dev(0x10);
  if (dev.pk.empty()) return 1;
  auto inner = dev.signer();
  pqcea::test::RecordingSigner signer(inner);

  if (argc == 2) {
    const std::string dir = argv[1];
    pqcea::test::ClaimsFixture fx(true);
    std::vector<std::uint8_t> token;
    if (!make_token(fx.claims, signer, dev.kid, token)) return 1;
    if (!write_file(dir + "/token.cbor", token) || !write_file(dir + "/tbs.bin", signer.tbs()) ||
        !write_file(dir + "/pk.bin", dev.pk)) {
      std::fprintf(stderr, "write_token: cannot write to %s\n", dir.c_str());
      return 1;
    }
    std::printf("write_token: %zu-byte ML-DSA-87 token in %s\n", token.size(), dir.c_str());
    return 0;
  }

  const std::string dir = argv[2];
  int n = 0;
  for (const bool full : {true, false}) {
    pqcea::test::ClaimsFixture fx(full);
    std::vector<std::uint8_t> token;
    if (!make_token(fx.claims, signer, dev.kid, token)) return 1;
    pqcea::cose::Sign1 msg;
    if (pqcea::attest::decode_token(token, msg) != pqcea::Status::ok) return 1;
    const std::string tag = full ? "full" : "mandatory";
    if (!write_file(dir + "/token-" + tag, token) || !write_file(dir + "/payload-" + tag, msg.payload)) return 1;
    n += 2;
  }
  std::printf("write_token: %d seed files in %s\n", n, dir.c_str());
  return 0;
}
