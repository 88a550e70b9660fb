// Shared helpers for the PKI tests: keys, signers, times, byte edits.
#pragma once
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pqcea/hash/keccak.hpp"
#include "pqcea/host/pki.hpp"

namespace pkitest {

using pqcea::der::Bytes;
using pqcea::pki::Algorithm;

// Fallback for a build without the ML-DSA module only (PQCEA_PKI_HAVE_MLDSA unset): a "signature"
// that anyone holding the public key can compute (SHAKE-256 of key and message), with ML-DSA's
// sizes. With ML-DSA present (the normal build) every test below uses real ML-DSA keys.
class StandInSigner final : public pqcea::pki::Signer {
 public:
  StandInSigner(Algorithm a, std::uint8_t seed_byte) : alg_(a) {
    std::array<std::uint8_t, 33> in{};
    in.fill(seed_byte);
    in[32] = static_cast<std::uint8_t>(a);
    pk_.resize(pqcea::pki::public_key_size(a));
    pqcea::hash::Shake256::hash(pk_.data(), pk_.size(), in.data(), in.size());
  }
  Algorithm algorithm() const override { return alg_; }
  Bytes public_key() const override { return pk_; }
  Bytes sign(pqcea::der::ByteView msg) const override { return compute(alg_, pk_, msg); }
  static Bytes compute(Algorithm a, pqcea::der::ByteView pk, pqcea::der::ByteView msg) {
    pqcea::hash::Shake256 x;
    x.absorb(pk.data(), pk.size());
    x.absorb(msg.data(), msg.size());
    Bytes sig(pqcea::pki::signature_size(a));
    x.squeeze(sig.data(), sig.size());
    return sig;
  }

 private:
  Algorithm alg_;
  Bytes pk_;
};

#if defined(PQCEA_PKI_HAVE_MLDSA)
inline constexpr bool kRealMlDsa = true;
// A real ML-DSA key from the seed seed_byte^32; deterministic signing so certificates repeat.
inline std::shared_ptr<const pqcea::pki::Signer> make_signer(Algorithm a, std::uint8_t seed_byte) {
  std::array<std::uint8_t, 32> seed;
  seed.fill(seed_byte);
  return pqcea::pki::mldsa_signer(a, seed, pqcea::pki::SigningMode::deterministic);
}

inline bool verify(Algorithm a, pqcea::der::ByteView pk, pqcea::der::ByteView msg,
                   pqcea::der::ByteView sig) {
  return pqcea::pki::mldsa_verify(a, pk, msg, sig);
}
#else
inline constexpr bool kRealMlDsa = false;
inline std::shared_ptr<const pqcea::pki::Signer> make_signer(Algorithm a, std::uint8_t seed_byte) {
  return std::make_shared<StandInSigner>(a, seed_byte);
}

inline bool verify(Algorithm a, pqcea::der::ByteView pk, pqcea::der::ByteView msg,
                   pqcea::der::ByteView sig) {
  if (pk.size() != pqcea::pki::public_key_size(a) || sig.size() != pqcea::pki::signature_size(a))
    return false;
  Bytes expect = StandInSigner::compute(a, pk, msg);
  return std::equal(expect.begin(), expect.end(), sig.begin(), sig.end());
}
#endif

inline pqcea::pki::VerifyFn verify_fn() { return verify; }

inline pqcea::der::Time at(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return pqcea::der::to_time({y, mo, d, h, mi, s});
}

inline Bytes hex(const std::string& h) {
  Bytes out;
  std::string clean;
  for (char c : h)
    if (c != ' ') clean += c;
  for (std::size_t i = 0; i + 1 < clean.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoul(clean.substr(i, 2), nullptr, 16)));
  return out;
}

// Index of the first (or last) occurrence of `needle` in `hay`; npos if absent.
inline std::size_t find(const Bytes& hay, const Bytes& needle, bool last = false) {
  std::size_t found = std::string::npos;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (std::equal(needle.begin(), needle.end(), hay.begin() + static_cast<std::ptrdiff_t>(i))) {
      found = i;
      if (!last) break;
    }
  }
  return found;
}

// A shell command's exit status and its output (stdout and stderr).
struct Cmd {
  int status = -1;
  std::string output;
};

inline Cmd run(const std::string& cmd) {
  Cmd r;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

inline bool have_openssl() { return run("openssl version").status == 0; }
inline bool under_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

}  // namespace pkitest

// The openssl command is an independent checker: without it a test is skipped, except under
// CI=true, where every tool must be present and a missing one fails the test.
#define PKITEST_REQUIRE_OPENSSL()                                                           \
  do {                                                                                      \
    if (!pkitest::have_openssl()) {                                                         \
      if (pkitest::under_ci()) FAIL() << "the openssl command is not installed (CI=true)"; \
      GTEST_SKIP() << "the openssl command is not installed";                               \
    }                                                                                       \
  } while (0)
