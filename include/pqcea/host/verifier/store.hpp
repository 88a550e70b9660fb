// Storage for the verifier: device registry, single-use nonces, attestation-result history.
// One interface, two engines (SQLite by default, PostgreSQL at scale) with the same schema and
// migrations. The database, not process memory, decides whether a nonce is still unused, so
// several verifier processes can serve one database.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace pqcea::verifier {

using Bytes = std::vector<std::uint8_t>;

struct Device {
  std::string id;
  std::string model;
  std::string sig_alg;      // e.g. "ML-DSA-87"
  Bytes public_key;         // the device's evidence-signing key
  Bytes certificate;        // DER, validated against the fleet CA at registration
  Bytes tpm_ak;             // TPM attestation key point (empty if the device has no TPM)
  std::int64_t not_after = 0;  // certificate expiry (seconds since the epoch)
  bool revoked = false;
  std::int64_t registered_at = 0;
};

struct ResultRecord {
  std::string id;         // public id: 128 random bits as 32 lower-case hex characters
  std::string device_id;
  std::string status;     // affirming | warning | contraindicated
  std::string detail;     // JSON: per-claim appraisal reasons
  Bytes ear;              // the signed attestation result (COSE_Sign1)
  Bytes nonce;
  std::int64_t created_at = 0;
};

// A signed reference-value / policy document as uploaded by the operator (docs/verifier.md).
// The database keeps every revision; replicas appraise with the latest one.
struct StoredPolicy {
  std::int64_t revision = 0;
  std::string document;  // the JSON text exactly as signed
  Bytes signature;       // the operator's ML-DSA signature over `document`
  std::int64_t uploaded_at = 0;
};

// OCPP (docs/ocpp.md): a charging station as the CSMS knows it, and its event log (boots,
// attestation outcomes, certificates issued, firmware statuses, security events).
struct OcppStation {
  std::string id;                // the station's OCPP identity (URL path, certificate CN)
  std::string device_id;         // the verifier's device id of its attestation key ("" if none)
  std::string model, firmware_version;
  std::string boot_status;       // Accepted | Pending | Rejected
  std::string attestation;       // affirming | warning | contraindicated | the refusal code | ""
  std::string classical_serial, pqc_serial;  // of the certificates last issued (hex)
  std::int64_t updated_at = 0;
};
struct OcppEvent {
  std::string station_id;
  std::string kind;    // boot | attestation | certificate | firmware | security (from the station) | csms-security
  std::string type;    // e.g. Accepted, InvalidFirmwareSignature, Installed
  std::string detail;
  std::int64_t at = 0;
};

enum class NonceCheck { ok, unknown, used, expired, wrong_device };
const char* to_string(NonceCheck c);

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  virtual ~Store() = default;
  // Applies every migration not yet applied (idempotent).
  virtual void migrate() = 0;
  virtual int schema_version() = 0;

  // Registry. put_device fails (StoreError) if the id exists.
  virtual void put_device(const Device& d) = 0;
  // with_certificate = false leaves Device::certificate empty: appraisal needs only the key,
  // the chain was validated at registration.
  virtual std::optional<Device> device(const std::string& id, bool with_certificate = true) = 0;
  virtual bool revoke(const std::string& id) = 0;
  // Removes a device with its nonces and results, in one transaction (a retired or test device:
  // nothing of it stays). False if no such device.
  virtual bool delete_device(const std::string& id) = 0;
  // Up to `limit` devices with ids greater than `after` (empty: from the start), in id order,
  // without certificates: one page of the registry.
  virtual std::vector<Device> list_devices(const std::string& after, std::size_t limit) = 0;
  virtual std::size_t device_count() = 0;

  // Stores a fresh nonce and, in the same transaction, drops the device's oldest unused nonces
  // beyond `max_outstanding` (the new one counts), so a device has a bounded number in flight.
  virtual void put_nonce(const std::string& device_id, std::span<const std::uint8_t> nonce, std::int64_t expires_at,
                         std::size_t max_outstanding) = 0;
  // Deletes at most `limit` nonces (used or not) that expired before `expired_before`; returns
  // how many. Bounded so a sweep never holds the write lock for long.
  virtual std::size_t sweep_nonces(std::int64_t expired_before, std::size_t limit) = 0;
  virtual std::size_t nonce_count() = 0;
  // Looks at a nonce without consuming it.
  virtual NonceCheck check_nonce(const std::string& device_id, std::span<const std::uint8_t> nonce,
                                 std::int64_t now) = 0;
  // In one transaction: consumes the nonce (it must be unused, unexpired and issued to this
  // device) and stores the result. If the nonce check fails nothing is written and the reason
  // is returned. The result's id (new_result_id) and created_at are filled on success.
  struct PendingResult {
    std::span<const std::uint8_t> nonce;
    ResultRecord* record;
    NonceCheck outcome;
  };
  NonceCheck commit_result(std::span<const std::uint8_t> nonce, std::int64_t now, ResultRecord& r) {
    PendingResult one{nonce, &r, NonceCheck::unknown};
    commit_results(std::span<PendingResult>(&one, 1), now);
    return one.outcome;
  }
  // The same for a batch, in ONE transaction (one durable commit for the batch): each entry's
  // nonce is checked and consumed and its result stored, or its outcome says why not; entries
  // do not affect each other.
  virtual void commit_results(std::span<PendingResult> batch, std::int64_t now) = 0;

  virtual std::optional<ResultRecord> last_result(const std::string& device_id) = 0;
  virtual std::optional<ResultRecord> result(const std::string& id) = 0;
  virtual std::size_t result_count() = 0;

  // Policy revisions. put_policy stores a document whose signature the caller has checked and
  // returns its revision (increasing); latest_policy_revision is 0 when none was stored.
  virtual std::int64_t put_policy(const std::string& document, std::span<const std::uint8_t> signature,
                                  std::int64_t now) = 0;
  virtual std::optional<StoredPolicy> latest_policy() = 0;
  virtual std::int64_t latest_policy_revision() = 0;

  // OCPP stations (insert or update; an empty device_id or certificate serial keeps the stored one:
  // a new connection knows the station's boot, not yet its certificates) and their event log.
  virtual void put_ocpp_station(const OcppStation& s) = 0;
  virtual std::optional<OcppStation> ocpp_station(const std::string& id) = 0;
  virtual void add_ocpp_event(const OcppEvent& e) = 0;
  virtual std::vector<OcppEvent> ocpp_events(const std::string& station_id, std::size_t limit) = 0;
  virtual std::size_t ocpp_station_count() = 0;

  // Bulk-loads `count` placeholder registry rows with ids prefix + 0 .. prefix + (count - 1),
  // generated inside the database (no per-row round trip), for registry-size benchmarks.
  // Their key is a fixed placeholder (not a valid ML-DSA key), so they can never attest.
  virtual void bulk_fill(const std::string& prefix, std::size_t count, std::int64_t now) = 0;
};

// A fresh public result id: 16 bytes from the system RNG, lower-case hex.
std::string new_result_id();

// "sqlite:PATH" (PATH may be ":memory:") or, where built, "postgresql://...".
std::unique_ptr<Store> open_store(const std::string& url);

}  // namespace pqcea::verifier
