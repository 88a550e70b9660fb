// The reference device client for Linux-class devices (gateways, chargers, meters running Linux)
// and the offline operator steps around the verifier service (docs/device-client.md):
//
//   operator   fleet CA and operator key from the fleet folder (`pqcea fleet-init`), device
//              certificates from a device's public key, signed policy bodies;
//   device     its identity (ML-DSA-87 key kept as the 32-byte seed, 0600; UEID and id derived
//              from the public key as the firmware does), file measurements, and one
//              challenge -> evidence -> result round with a verifier.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <optional>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "pqcea/host/device_sim.hpp"
#include "pqcea/host/pki.hpp"
#include "pqcea/host/verifier/appraisal.hpp"

namespace pqcea::service {

// ---- operator side -----------------------------------------------------------------------------
// The fleet CA (DIR/ca.pem with DIR/ca.key.pem).
pki::CertificateAuthority load_fleet_ca(const std::filesystem::path& fleet);
// The operator's policy-signing key (DIR/operator.key.pem).
std::shared_ptr<const pki::Signer> load_operator_signer(const std::filesystem::path& fleet);
// The body of PUT /v1/admin/policy: {"document": <the text>, "signature": <base64 ML-DSA>}.
nlohmann::json signed_policy_body(const std::string& document, const pki::Signer& operator_key);
// A device certificate for `public_key` (ML-DSA-87 raw key) with the id derived from the key:
// subject CN and serialNumber = device_id_for_key(public_key). A charging station's names its OCPP
// identity too: SAN URI kStationUriPrefix + station_id (what the CSMS checks, docs/ocpp.md).
inline constexpr std::string_view kStationUriPrefix = "urn:pqcea:station:";
pki::Certificate issue_device_certificate(const pki::CertificateAuthority& ca, const pki::Bytes& public_key,
                                          std::int64_t valid_days, const std::string& station_id = "");

// Base64 (standard alphabet, padded or not) of the service's JSON bodies; nullopt if malformed.
std::optional<pki::Bytes> base64_decode_text(std::string_view text);
std::string base64_encode_text(std::span<const std::uint8_t> data);

// ---- device identity ---------------------------------------------------------------------------
// The UEID of a device key, as the firmware derives it: type RAND (0x01) || SHA-256(public key)
// (the COSE kid), 33 bytes; and its verifier id (host::device_id_for_ueid, 53 characters).
pki::Bytes ueid_for_key(const pki::Bytes& public_key);
std::string device_id_for_key(const pki::Bytes& public_key);

struct DeviceIdentity {
  sim::KeyPair key;
  pki::Bytes ueid;
  std::string id;
  std::string model;
};
// Files of a device folder: device.key.pem (PKCS#8 seed, 0600), device.pub.pem (SPKI),
// device.json ({"device_id", "model"}).
// Creates them; refuses (host::SecretFileExists) to replace an existing key unless `force`.
DeviceIdentity enroll_device(const std::filesystem::path& dir, const std::string& model, bool force);
DeviceIdentity load_device(const std::filesystem::path& dir);

// ---- attestation -------------------------------------------------------------------------------
struct Measurement {
  std::string name;              // component name in the policy, e.g. "app"
  std::filesystem::path file;    // what is hashed (SHA-256, streamed)
};
// The TPM's attestation key (65-byte SEC1 point, hex) and PCR 0-7 as the policy's "pcrs" object
// ({"0": hex, ...}): what the operator records for a device with a TPM (`pqcea device tpm`).
struct TpmIdentity {
  std::string attestation_key_hex;
  nlohmann::json pcrs;
};
TpmIdentity read_tpm_identity(const std::string& tcti);

// Parses NAME=FILE; throws std::invalid_argument naming the text otherwise.
Measurement parse_measurement(const std::string& text);

struct AttestSettings {
  std::string server;            // http(s)://HOST:PORT
  std::string tls_ca;            // certificate to trust for https
  std::vector<Measurement> components;
  std::string swname = "linux-fw";
  std::string swversion = "1.0.0";
  // A TPM 2.0 (tpm2-tss TCTI, e.g. "device:/dev/tpmrm0" or "swtpm:host=127.0.0.1,port=2321"):
  // the evidence then also carries PCR 0-7 and a TPM2_Quote of them over the verifier's nonce by
  // the TPM's attestation key (registered with the device: `device register --tpm-ak-file`).
  std::string tpm_tcti;
};
struct AttestAnswer {
  int http_status = 0;
  nlohmann::json body;           // the verifier's answer (the signed result on 200)
  std::string status() const;    // ear status on 200 ("affirming", ...), else "error"
};
// One round: POST /v1/challenge, measure, build and sign the EAT, POST /v1/attest.
AttestAnswer attest_once(const DeviceIdentity& device, const AttestSettings& settings);
// The evidence alone (COSE_Sign1 EAT) for a given nonce, measured and signed as attest_once does.
pki::Bytes build_device_evidence(const DeviceIdentity& device, const AttestSettings& settings,
                                 std::span<const std::uint8_t> nonce);

// Offline appraisal (no server, no database): `token` appraised against `policy` for the device
// of `certificate` (validated against `ca` first) registered as `model`, with the verifier's
// own appraisal steps. The token's nonce is taken as issued: freshness cannot be judged offline.
// Returns the outcome (status and per-claim reasons, or the refusal).
verifier::Outcome appraise_offline(std::span<const std::uint8_t> token, const verifier::Policy& policy,
                                   const pki::Certificate& certificate, const pki::Certificate& ca,
                                   const std::string& model);

}  // namespace pqcea::service
