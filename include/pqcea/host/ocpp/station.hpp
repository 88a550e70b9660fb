// The OCPP 2.0.1 charging-station library (docs/ocpp.md): what a charger firmware links to speak
// to a CSMS with the post-quantum dual track. The core is sans-I/O: no threads, no sockets, no
// clock of its own. The firmware's event loop feeds it what arrived (received), tells it about
// the connection (connected / disconnected) and the time (tick), sends what it hands out
// (take_outgoing), and performs the few actions it asks for through StationPorts (make the
// attestation evidence, download a firmware file, reboot into a new image).
//
// Use cases: B01/B02 boot (Pending until attested), A02/A03 certificate update (classical CSR +
// ML-DSA CSR, the old certificate kept until the new one was used), L01/L02 firmware update
// (classical signature AND the image's post-quantum signature, anti-rollback), A04 security
// events, M01-M06 root certificates, Heartbeat, StatusNotification, TransactionEvent.
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pqcea/boot/manifest.hpp"
#include "pqcea/host/ocpp/rpc.hpp"
#include "pqcea/host/pki.hpp"

namespace pqcea::ocpp {

using Bytes = std::vector<std::uint8_t>;

// Off: classical only. Hybrid: the post-quantum track when the peer offers it, a downgrade is
// reported. Required: a peer that does not complete the post-quantum track is refused.
enum class PqcMode { off, hybrid, required };
const char* to_string(PqcMode m);  // "Off" | "Hybrid" | "Required"
std::optional<PqcMode> pqc_mode_from(std::string_view text);  // the same names, any case

// What the firmware provides.
class StationPorts {
 public:
  virtual ~StationPorts() = default;
  // The attestation evidence (COSE_Sign1 EAT signed by the device's ML-DSA key) whose nonce claim
  // is `eat_nonce`, measuring the running firmware; and the device certificate (PEM) naming that key.
  virtual Bytes evidence(std::span<const std::uint8_t> eat_nonce) = 0;
  virtual std::string device_certificate_pem() = 0;
  // Start fetching `url`; answer later with Station::download_done(request_id, ...).
  virtual void start_download(std::int64_t request_id, const std::string& url) = 0;
  // The image was accepted and installed (its payload is `payload`): restart into it. The host
  // closes the connection; the station reconnects with reason FirmwareUpdate.
  virtual void reboot_into(const Bytes& payload, const std::string& version) = 0;
};

struct StationConfig {
  std::string station_id;                 // the URL identity = serialNumber = certificate CN
  std::string model = "PQCEA-AC22";       // ChargingStationType.model (at most 20 characters)
  std::string vendor = "PQC-Edge-Attestor";
  std::string firmware_version = "1.0.0";
  std::string organization = "PQCEA Charging";  // O of the certificates it requests
  PqcMode mode = PqcMode::hybrid;
  int security_profile = 1;               // of the connection (1: ws://, 2/3: wss://)
  // Trust anchors (PEM): the classical root(s) of the CSMS PKI and of firmware signers, and the
  // fleet's ML-DSA root; the image key id the bootloader pins (SHA-256 of the image public key).
  std::string classical_root_pem;
  std::string pqc_root_pem;
  std::array<std::uint8_t, 32> image_key_id{};
  std::uint32_t security_counter = 0;     // the device's stored anti-rollback counter
  std::int64_t renew_before_seconds = 30 * 86400;  // A03: renew when the certificate expires sooner
  // A02.FR.17/18 (and A03's twins), SecurityCtrlr.CertSigningWaitMinimum / CertSigningRepeatTimes:
  // after an Accepted SignCertificate, the station waits this long for CertificateSigned, then
  // sends the request again, doubling the wait each time, at most this many times.
  std::int64_t cert_signing_wait_minimum = 60;
  int cert_signing_repeat_times = 3;
  bool boot_after_firmware_update = false;  // reason FirmwareUpdate on the next boot
};

// The certificates a station holds (A02/A03): the classical one for TLS and the ML-DSA one.
struct StationCertificates {
  std::string classical_pem, classical_key_pem;  // leaf (+ chain) and its P-256 key (PKCS#8)
  std::string pqc_chain_pem;                     // ML-DSA leaf, fleet CA
  std::array<std::uint8_t, 32> pqc_seed{};       // the ML-DSA-87 key of pqc_chain_pem
  std::int64_t not_after = 0;                    // of the classical leaf
  bool empty() const { return classical_pem.empty(); }
};

// What happened, for the simulator's summary and the firmware's log.
struct StationStatus {
  enum class Boot { disconnected, sent, pending, accepted, rejected } boot = Boot::disconnected;
  int boots_accepted = 0, boots_rejected = 0;
  bool attested = false;             // the CSMS said affirming
  std::string attestation_status;    // affirming | warning | contraindicated | error code
  int certificates_installed = 0, certificates_refused = 0;
  int firmware_installed = 0;
  std::string last_firmware_status;  // the last FirmwareStatusNotification sent
  std::vector<std::string> security_events;  // types sent
  std::vector<std::string> protocol_errors;  // CALLERRORs received or sent, with their text
};

class Station {
 public:
  Station(StationConfig config, StationPorts& ports);
  ~Station();
  Station(const Station&) = delete;
  Station& operator=(const Station&) = delete;

  // The WebSocket is open; `tls_exporter` is the connection's exporter value (32 bytes, label
  // EXPORTER-pqcea-ocpp-attestation) or empty on security profile 1. Sends BootNotification.
  void connected(std::int64_t now, Bytes tls_exporter = {});
  void disconnected();
  void received(std::string_view frame, std::int64_t now);
  // Timers: heartbeats, boot retries while Pending or Rejected, calls that were never answered.
  void tick(std::int64_t now);
  std::vector<std::string> take_outgoing();

  // The answer to StationPorts::start_download.
  void download_done(std::int64_t request_id, std::optional<Bytes> file, std::int64_t now);

  // A charging session for simulations: TransactionEvent Started / Updated / Ended with meter
  // values, and the connector's StatusNotification around it. Only once Accepted.
  void start_transaction(std::int64_t now, const std::string& id_token);
  void stop_transaction(std::int64_t now);

  const StationStatus& status() const;
  const StationCertificates& certificates() const;
  void set_certificates(StationCertificates c);  // what the firmware kept from an earlier run
  // A03: after CertificateSigned the old certificates stay until a boot over a connection made
  // with the new ones was Accepted. While that is pending, previous_certificates() holds the old
  // ones; certificate_unusable() (the firmware could not connect with the new classical
  // certificate) puts them back and reports why on the next connection.
  bool certificate_unconfirmed() const;
  const StationCertificates& previous_certificates() const;
  void certificate_unusable(const std::string& why);
  const StationConfig& config() const;
  // True while calls are in flight or queued (the simulator waits for quiet before it stops).
  bool busy() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace pqcea::ocpp
