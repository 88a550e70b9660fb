// Simulated devices for the demo and the load generator: ML-DSA-87 device keys, the reference
// firmware of a few models, and evidence built by the real freestanding token builder (and a
// real TPM quote where a TPM is given). Only the device hardware is simulated.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pqcea/host/tpm.hpp"
#include "pqcea/mldsa.hpp"

namespace pqcea::sim {

using Bytes = std::vector<std::uint8_t>;
using Digest = std::array<std::uint8_t, 32>;

Digest sha256(std::string_view text);

// An ML-DSA-87 key pair kept as its 32-byte seed (the preferred storage form).
struct KeyPair {
  std::array<std::uint8_t, mldsa::kSeedBytes> seed{};
  Bytes pk;
  static KeyPair generate();
  static KeyPair from_seed(std::span<const std::uint8_t, mldsa::kSeedBytes> seed);
};

// A model's firmware: the components the bootloader measures and their SHA-256 digests.
struct Firmware {
  std::string model, version, swname;
  std::vector<std::pair<std::string, Digest>> components;
  bool tpm = false;
};

// Three demo models: a smart meter, an EV charger, and a TPM-equipped grid gateway.
std::vector<Firmware> reference_firmware();

struct Device {
  std::string id;  // the verifier's id for the UEID (host::device_id_for_ueid)
  Bytes ueid;      // RAND type, derived from the index so runs are comparable
  const Firmware* fw = nullptr;
  KeyPair key;
};
Device make_device(std::size_t index, const Firmware& fw);

struct EvidenceOptions {
  const KeyPair* signing_key = nullptr;  // default: the device's own key (another key = forgery)
  bool tamper_app = false;               // report a modified "app" image
  tpm::Tpm* tpm = nullptr;               // quote PCR 0-7 with the nonce and claim them
};
// A COSE_Sign1 EAT for `nonce`, signed with ML-DSA-87.
Bytes build_evidence(const Device& d, std::span<const std::uint8_t> nonce, const EvidenceOptions& opt = {});

// The reference values and policy document (docs/verifier.md format) for `fws`, with expected PCR
// values for models listed in `pcr_refs`.
std::string policy_json(const std::vector<Firmware>& fws, const std::map<std::string, tpm::PcrValues>& pcr_refs = {});

}  // namespace pqcea::sim
