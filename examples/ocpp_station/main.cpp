// How a charger firmware embeds the OCPP 2.0.1 station library (docs/ocpp.md, "Embedding the
// station library"). The library's core is sans-I/O: it owns no socket, thread or clock. The
// firmware implements StationPorts, owns the WebSocket (subprotocol "ocpp2.0.1", OCPP 2.0.1 Part 4
// §3) and drives the Station from its own event loop. This file shows the calls; the transport is
// left as comments because every firmware already has one.
#include <cstdio>
#include <ctime>
#include <optional>
#include <utility>

#include "pqcea/host/ocpp/station.hpp"

namespace {

// What only the device can do: sign evidence with its ML-DSA-87 key (secure element / TPM),
// fetch files, and swap the running image.
class MyChargerPorts final : public pqcea::ocpp::StationPorts {
 public:
  // The EAT must carry `eat_nonce` = SHA-256(CSMS nonce || TLS exporter) as its nonce claim;
  // the station computed it, the device only signs (pqcea::sim::build_evidence shows one way).
  pqcea::ocpp::Bytes evidence(std::span<const std::uint8_t> eat_nonce) override {
    std::printf("attestation asked for a %zu-byte nonce\n", eat_nonce.size());
    return {};  // the COSE_Sign1 EAT from the secure element
  }
  std::string device_certificate_pem() override { return {}; }  // provisioned at the factory
  // Asynchronous: start the HTTP GET here, call Station::download_done when it finishes.
  void start_download(std::int64_t request_id, const std::string& url) override {
    pending_download = request_id;
    std::printf("download %s\n", url.c_str());
  }
  // Both signatures held (classical + the image's ML-DSA/Falcon) and the counter did not go back:
  // write the payload to the inactive slot and reboot (the bootloader checks it again).
  void reboot_into(const pqcea::ocpp::Bytes& payload, const std::string& version) override {
    std::printf("install %zu bytes as %s, then reboot\n", payload.size(), version.c_str());
  }
  std::optional<std::int64_t> pending_download;
};

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace

int main() {
  pqcea::ocpp::StationConfig cfg;
  cfg.station_id = "CS-000001";  // = URL identity = serialNumber = certificate CN (Part 2 A00)
  cfg.mode = pqcea::ocpp::PqcMode::hybrid;
  cfg.security_profile = 2;      // wss:// with HTTP Basic (Part 2 A00)
  // cfg.classical_root_pem, cfg.pqc_root_pem, cfg.image_key_id, cfg.security_counter: from flash.
  MyChargerPorts ports;
  pqcea::ocpp::Station station(cfg, ports);

  // 1. The WebSocket to wss://csms/ocpp/CS-000001 is open: pass the TLS exporter value (RFC 8446
  //    §7.5, label EXPORTER-pqcea-ocpp-attestation, 32 bytes) so evidence is bound to this session.
  station.connected(now(), /*tls_exporter=*/{});

  for (int turn = 0; turn < 3; ++turn) {  // the firmware's loop; it never ends on a charger
    // 2. Send what the station queued (BootNotification first), one WebSocket text message each.
    for (const std::string& frame : station.take_outgoing()) std::printf("send %s\n", frame.c_str());
    // 3. Feed each text message that arrived; the station answers CALLs and handles CALLRESULTs.
    //    for (const std::string& msg : ws.read_all()) station.received(msg, now());
    // 4. A download the ports started has finished (bytes, or std::nullopt on failure).
    if (ports.pending_download) station.download_done(*std::exchange(ports.pending_download, std::nullopt), std::nullopt, now());
    // 5. Timers: heartbeats, boot retries while Pending/Rejected, calls that were never answered.
    station.tick(now());
  }
  // On a closed connection: station.disconnected(); reconnect with backoff, then connected() again.
  station.disconnected();
  return 0;
}
