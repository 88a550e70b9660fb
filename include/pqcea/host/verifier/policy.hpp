// Reference values and appraisal policy: data, not code. The fleet operator publishes one JSON
// document (format in docs/verifier.md) and signs it with its ML-DSA key; the verifier loads it
// only if the signature verifies under the operator key it was configured with.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace pqcea::verifier {

struct FirmwareReference {
  // component name -> expected digest (algorithm name "sha-256" / "sha3-256" / "sha-384" and bytes)
  struct Digest {
    std::string alg;
    std::vector<std::uint8_t> value;
  };
  std::map<std::string, Digest> components;
  // PCR index -> expected SHA-256 value (optional; only for devices with a TPM)
  std::map<int, std::vector<std::uint8_t>> pcrs;
};

struct ModelPolicy {
  std::string min_swversion;                        // semantic version, e.g. "1.2.0"
  bool allow_debug = false;                         // dbgstat other than disabled is acceptable
  bool require_tpm = false;                         // evidence must carry a valid TPM quote
  std::map<std::string, FirmwareReference> firmware;  // swversion -> reference values
};

struct Policy {
  int version = 0;
  std::map<std::string, ModelPolicy> models;  // hwmodel -> policy

  const ModelPolicy* model(const std::string& name) const {
    auto it = models.find(name);
    return it == models.end() ? nullptr : &it->second;
  }
};

class PolicyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses the JSON document strictly (unknown fields, wrong types, bad hex -> PolicyError).
Policy parse_policy(const std::string& json_text);

// Verifies `signature` over the document bytes with `verify` (the operator's key), then parses.
using SignatureCheck = std::function<bool(std::span<const std::uint8_t> message, std::span<const std::uint8_t> sig)>;
Policy load_signed_policy(const std::string& json_text, std::span<const std::uint8_t> signature,
                          const SignatureCheck& verify);

// Compares dotted numeric versions ("1.10.0" > "1.9.3"); throws PolicyError on malformed input.
int compare_versions(const std::string& a, const std::string& b);

}  // namespace pqcea::verifier
