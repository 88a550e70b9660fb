// TPM 2.0 measurement source through tpm2-tss ESAPI (TCTI chosen by a string, e.g.
// "swtpm:host=127.0.0.1,port=2321"), and the verifier-side check of a TPM2_Quote.
//
// Device side: read PCRs 0-7 (SHA-256 bank), extend, create an attestation key (a restricted
// ECDSA P-256 signing key, primary in the owner hierarchy) and quote PCRs 0-7 with the verifier's
// nonce as qualifying data. The quote travels inside the ML-DSA-signed evidence, so an attacker
// must forge both signatures.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace pqcea::tpm {

using Digest = std::array<std::uint8_t, 32>;
constexpr int kQuotedPcrs = 8;  // PCR 0-7
using PcrValues = std::array<Digest, kQuotedPcrs>;

struct Quote {
  std::vector<std::uint8_t> attest;     // TPMS_ATTEST as the TPM produced it (the signed bytes)
  std::vector<std::uint8_t> signature;  // TPMT_SIGNATURE, marshalled (ECDSA P-256 / SHA-256)
};

class TpmError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Tpm {
 public:
  // Connects through the TCTI named by `tcti` (no resource manager is assumed: every transient
  // object this class creates is flushed by the destructor).
  explicit Tpm(const std::string& tcti);
  ~Tpm();
  Tpm(const Tpm&) = delete;
  Tpm& operator=(const Tpm&) = delete;

  PcrValues read_pcrs();
  void extend(int pcr, const Digest& sha256_digest);
  // Creates (or returns the already loaded) attestation key; returns its public point as the
  // 65-byte uncompressed SEC1 encoding 04 || x || y.
  std::vector<std::uint8_t> attestation_key();
  Quote quote(std::span<const std::uint8_t> nonce);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Verifier side: checks the quote's signature with the attestation key, that it is a quote over
// exactly PCRs 0-7 of the SHA-256 bank, that its qualifying data equals `nonce`, and that its PCR
// digest equals SHA-256 of the concatenated `claimed` PCR values. Returns an empty string when
// valid, otherwise the reason.
std::string verify_quote(std::span<const std::uint8_t> ak_public_point, const Quote& quote,
                         std::span<const std::uint8_t> nonce, const PcrValues& claimed);

// A real swtpm (TPM 2.0 simulator) on loopback, for tests and the demo: started on free ports in a
// fresh state folder, stopped and removed by the destructor.
class Swtpm {
 public:
  Swtpm();
  ~Swtpm();
  Swtpm(const Swtpm&) = delete;
  Swtpm& operator=(const Swtpm&) = delete;
  std::string tcti() const;
  int port() const { return port_; }

 private:
  int pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

// True if the swtpm binary is installed.
bool swtpm_available();

}  // namespace pqcea::tpm
