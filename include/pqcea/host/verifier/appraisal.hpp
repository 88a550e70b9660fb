// Appraisal of attestation evidence (RFC 9334 Verifier role): a COSE_Sign1 EAT from a device in,
// a signed attestation result (EAR shape) out, stored before it is returned.
//
// Two outcomes:
//  - rejected: the request is bad input (malformed or oversized token, wrong algorithm, a
//    signature that does not verify under the registered key or a device that is not registered:
//    "signature_invalid"; revoked device; nonce not issued / used / expired / for another
//    device). A clear error code and message; nothing is written and the nonce stays usable.
//  - appraised: the token is well formed, addressed to a live nonce of a registered device and
//    signed with that device's registered key. The verdict (affirming / warning /
//    contraindicated, with the reason per claim) is signed, committed together with the nonce's
//    consumption, and returned. Only authenticated evidence ever becomes a verdict.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pqcea/attest/claims.hpp"
#include "pqcea/cose.hpp"
#include "pqcea/host/verifier/policy.hpp"
#include "pqcea/host/verifier/store.hpp"

namespace pqcea::verifier {

struct Outcome {
  bool rejected = false;
  std::string error;    // rejected: machine-readable code (e.g. "nonce_used", "unknown_device")
  std::string message;  // rejected: human-readable reason (for the server log: it may quote the input)
  std::string device_id;
  std::string status;       // appraised: affirming | warning | contraindicated
  nlohmann::json claims;    // appraised: claim -> reason ("ok" or what was wrong)
  ResultRecord record;      // appraised: what was stored (id, signed EAR)
};

// Signs attestation results (the verifier's own ML-DSA key).
struct ResultSigner {
  cose::Signer* signer = nullptr;
  std::vector<std::uint8_t> kid;  // SHA-256 of the verifier's public key
};

class Appraiser {
 public:
  // `verifiers`: one cose::Verifier per accepted COSE alg (ML-DSA-44/65/87).
  Appraiser(Store& store, const Policy& policy, std::map<std::int64_t, const cose::Verifier*> verifiers,
            ResultSigner result_signer, std::string verifier_id = "pqcea-verifier");

  // A fresh 32-byte nonce. Stored (bounded: set_max_outstanding_nonces) only for a registered,
  // unrevoked device; any other id gets an unstored one, so the answer does not tell which ids
  // exist. Empty only if the system RNG failed (error "entropy_failure").
  std::vector<std::uint8_t> challenge(const std::string& device_id, std::int64_t now, std::int64_t ttl_seconds,
                                      std::string* error = nullptr);
  // Unused nonces a device may hold; issuing one more drops its oldest (default 8).
  void set_max_outstanding_nonces(std::size_t n) { max_outstanding_nonces_ = n; }

  Outcome appraise(std::span<const std::uint8_t> token, std::int64_t now);

  // Appraises several tokens and signs their results with ONE ML-DSA signature over the Merkle
  // root of the results (each stored result carries its inclusion proof; see docs/attestation.md
  // "Signed results"). Signing per result would cost more than the ML-DSA verification of the
  // evidence itself; a batch amortises it. Outcomes are in the order of `tokens`.
  std::vector<Outcome> appraise_batch(std::span<const std::span<const std::uint8_t>> tokens, std::int64_t now);


  struct Vector;  // the trustworthiness vector under construction (appraisal.cpp)

 private:
  struct Pending;
  struct Envelope;
  // evaluate's steps; each returns the rejection that ends the appraisal, if any.
  Pending evaluate(std::span<const std::uint8_t> token, std::int64_t now);
  std::optional<Outcome> open_envelope(std::span<const std::uint8_t> token, Envelope& env) const;
  std::optional<Outcome> authenticate(const Envelope& env, const Device* dev, attest::Claims& claims) const;
  std::optional<Outcome> check_standing(const Envelope& env, const Device& dev, std::int64_t now);
  void appraise_claims(const attest::Claims& claims, const Device& dev, std::int64_t now, Vector& v) const;
  std::string ear_payload(const std::string& device_id, std::span<const std::uint8_t> nonce, const Vector& v,
                          std::int64_t now) const;

  Store& store_;
  const Policy& policy_;
  std::map<std::int64_t, const cose::Verifier*> verifiers_;
  ResultSigner result_signer_;
  std::string verifier_id_;
  std::size_t max_outstanding_nonces_ = 8;
};

// Checks a signed attestation result (the batch root's COSE_Sign1 and the result's inclusion
// proof) with the verifier's public key and returns the result's JSON. Throws
// std::runtime_error if the signature, the proof or the format is wrong.
nlohmann::json open_result(std::span<const std::uint8_t> ear, const cose::Verifier& verifier,
                           std::span<const std::uint8_t> verifier_public_key);

}  // namespace pqcea::verifier
