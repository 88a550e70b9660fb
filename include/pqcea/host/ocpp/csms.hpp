// The CSMS (`pqcea csms`, docs/ocpp.md): OCPP 2.0.1 over WebSocket (Boost.Beast) at
// /ocpp/{stationId}, with the post-quantum dual track. Stations are attested by the verifier's own
// appraisal engine (the same database, policy and keys as `pqcea serve`), certificates are issued
// from the fleet folder's CAs (ML-DSA-87 fleet CA and the classical P-256 CA), and firmware
// campaigns are served from the same port (GET /firmware/{name}).
// Security profile 1 (ws://, loopback only), 2 (wss:// + HTTP Basic) and 3 (wss:// + client
// certificates, CN = station id).
#pragma once
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "pqcea/host/ocpp/station.hpp"

namespace pqcea::ocpp {

struct CsmsConfig {
  std::string listen = "127.0.0.1:0";       // HOST:PORT; profile 1 refuses addresses off loopback
  std::string db = "sqlite:csms.db";        // sqlite:PATH or postgresql://...
  std::filesystem::path fleet;              // `pqcea fleet-init` folder (+ the classical CA, made if missing)
  PqcMode mode = PqcMode::hybrid;
  std::string policy_file;                  // optional: signed policy ({"document","signature"}) to install
  std::int64_t heartbeat_interval = 300;    // BootNotificationResponse.interval
  std::int64_t pending_interval = 5;        // the interval while Pending
  std::int64_t certificate_days = 365;
  // Firmware campaign: stations that boot Accepted with another firmwareVersion get this image.
  std::filesystem::path firmware_image;
  std::string firmware_version;
  // Security profiles 2/3: TLS with this certificate and key (PEM); with tls_client_ca_file the
  // stations must present a client certificate from that CA whose CN is their id (profile 3).
  std::string tls_cert_file, tls_key_file, tls_client_ca_file;
  std::string tls_groups;                   // "" = tls::kDefaultGroups (hybrids first)
  bool require_pqc_kex = false;             // refuse a TLS connection without an ML-KEM group
  // Security profile 1 authentication (Part 2 A00): HTTP Basic, user = station id; empty = none.
  std::string station_password;
  // The operator interface (HOST:PORT on loopback; "" = none): HTTP with the fleet's admin token
  // (FLEET/admin.token) to send InstallCertificate / GetInstalledCertificateIds / DeleteCertificate
  // / TriggerMessage to a connected station and to start firmware campaigns (docs/ocpp.md).
  std::string admin_listen;
  bool quiet = false;
};

// What the CSMS saw (the closing line of `pqcea csms`, and tests).
struct CsmsCounters {
  std::atomic<long> connections{0}, boots_accepted{0}, boots_rejected{0}, attest_affirming{0}, attest_refused{0},
      certificates_issued{0}, certificates_refused{0}, firmware_offered{0}, firmware_installed{0},
      firmware_failed{0}, security_events{0}, protocol_errors{0}, auth_refused{0};
};

class Csms {
 public:
  explicit Csms(CsmsConfig config);
  ~Csms();
  Csms(const Csms&) = delete;
  Csms& operator=(const Csms&) = delete;
  void start();                // opens the database, loads the fleet, binds; throws on failure
  std::uint16_t port() const;
  std::uint16_t admin_port() const;  // 0 without the operator interface
  void run_until_signal();     // SIGINT / SIGTERM
  void stop();
  const CsmsCounters& counters() const;
  std::string summary() const;  // one line of counts

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The station simulator (`pqcea charger`): N stations of the station library, each with its own
// ML-DSA-87 device key and factory certificate from the fleet CA, against a CSMS.
struct ChargerConfig {
  std::string csms_url;                     // ws://HOST:PORT/ocpp (the station id is appended)
  std::filesystem::path fleet;              // for the factory certificates and the trust anchors
  std::size_t stations = 1;
  std::string id_prefix = "CS-";
  std::string model = "PQCEA-AC22";
  std::string firmware_version = "1.0.0";
  std::filesystem::path firmware;           // the installed payload (measured as component "app")
  std::filesystem::path image_public_key;   // the key the stations' bootloader pins (pqcea image keygen)
  PqcMode mode = PqcMode::hybrid;
  std::size_t bad_firmware = 0;             // the last stations run a modified payload
  std::size_t forged = 0;                   // ... or sign their evidence with a key not in their certificate
  std::string expect_firmware_version;      // a station is done only once it runs this version ("" = any)
  // When a station is done: "boot" (Accepted or refused), "certificate" (and its certificates
  // installed), "firmware" (and expect_firmware_version running). "" = firmware if
  // expect_firmware_version is set, else certificate.
  std::string until;
  std::vector<std::filesystem::path> classical_roots;  // "" = FLEET/ocpp-ca.pem
  std::string password;                     // HTTP Basic (security profiles 1 and 2); "" = none
  // wss:// (profiles 2/3): the CSMS certificate to trust, the groups to offer ("" = hybrids
  // first), and client certificates (profile 3: made per station from FLEET/ocpp-ca.key.pem).
  std::filesystem::path tls_ca;
  std::string tls_groups;
  bool client_certificates = false;
  int timeout_seconds = 120;
  std::int64_t renew_days = 30;             // A03: a station renews when its certificate expires sooner
  int hold_seconds = 0;                     // stay connected this long after every station is done
  bool quiet = false;
  bool charge = true;                       // one charging session per accepted station
};
struct ChargerReport {
  std::size_t stations = 0, accepted = 0, refused = 0, attested = 0, certificates = 0, firmware_updated = 0,
              lost = 0;
  std::string line() const;
};
ChargerReport run_chargers(const ChargerConfig& config);

}  // namespace pqcea::ocpp
