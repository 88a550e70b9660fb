// `pqcea csms` and `pqcea charger`: OCPP 2.0.1 with the post-quantum dual track (docs/ocpp.md).
#include <iostream>

#include "commands.hpp"
#include "pqcea/host/ocpp/csms.hpp"
#include "pqcea/host/service.hpp"

namespace pqcea::cli {

namespace {

ocpp::PqcMode parse_mode(const std::string& text) {
  const auto m = ocpp::pqc_mode_from(text);
  if (!m) throw BadInput("--pqc-mode " + text + ": expected Off, Hybrid or Required");
  return *m;
}

}  // namespace

void add_ocpp(CLI::App& app) {
  static ocpp::CsmsConfig csms;
  static std::string csms_mode = "Hybrid", fleet, firmware;
  auto* c = app.add_subcommand("csms", "OCPP 2.0.1 CSMS with post-quantum attestation, certificates and firmware "
                                       "(WebSocket at /ocpp/{stationId})");
  c->add_option("--listen", csms.listen, "HOST:PORT (port 0: any free port; ws:// serves loopback only)")
      ->capture_default_str();
  c->add_option("--db", csms.db, "sqlite:PATH or postgresql://... (the verifier's database)")->capture_default_str();
  c->add_option("--fleet", fleet, "fleet folder from `pqcea fleet-init` (the classical OCPP CA is added if missing)")
      ->required();
  c->add_option("--pqc-mode", csms_mode, "Off, Hybrid or Required")->capture_default_str();
  c->add_option("--policy", csms.policy_file, "signed policy to install (`pqcea policy sign` output)");
  c->add_option("--firmware", firmware, "firmware campaign: a signed `pqcea image` offered to every station that "
                                        "boots with another version");
  c->add_option("--firmware-version", csms.firmware_version, "the campaign's version (MAJOR.MINOR.PATCH)");
  c->add_option("--heartbeat", csms.heartbeat_interval, "heartbeat interval given to stations (s)")->capture_default_str();
  c->add_option("--certificate-days", csms.certificate_days, "validity of issued certificates")->capture_default_str();
  c->add_option("--tls-cert", csms.tls_cert_file, "TLS certificate chain (PEM): wss://, security profile 2");
  c->add_option("--tls-key", csms.tls_key_file, "its private key (PEM)");
  c->add_option("--tls-client-ca", csms.tls_client_ca_file, "profile 3: stations present a client certificate from "
                                                           "this CA with CN = their id");
  c->add_option("--tls-groups", csms.tls_groups, "key-exchange groups (default: X25519MLKEM768 and the other hybrids "
                                                 "first, with the pqcea provider loaded through OPENSSL_CONF)");
  c->add_flag("--require-pqc-kex", csms.require_pqc_kex, "refuse TLS connections that did not negotiate an ML-KEM group");
  static std::string password_file;
  c->add_option("--password-file", password_file, "security profile 1: stations authenticate with HTTP Basic "
                                                  "(user = station id) with the password in this file");
  c->add_option("--admin-listen", csms.admin_listen, "operator interface on loopback HOST:PORT (HTTP, FLEET/admin.token; "
                                                    "`pqcea ocpp install-root|certificates|delete-certificate|trigger|firmware`)");
  c->add_flag("--quiet", csms.quiet, "no log lines");
  c->callback([] {
    csms.mode = parse_mode(csms_mode);
    csms.fleet = fleet;
    csms.firmware_image = firmware;
    if (!password_file.empty()) csms.station_password = service::read_token_file(password_file);
    ocpp::Csms server(csms);
    server.start();
    std::cout << "csms listening on " << (csms.tls_cert_file.empty() ? "ws://" : "wss://") << csms.listen.substr(0, csms.listen.rfind(':')) << ":" << server.port()
              << "/ocpp" << std::endl;
    if (server.admin_port() != 0)
      std::cout << "csms operator interface on http://" << csms.admin_listen.substr(0, csms.admin_listen.rfind(':')) << ":"
                << server.admin_port() << "/admin" << std::endl;
    server.run_until_signal();
    std::cout << server.summary() << std::endl;
  });

  static ocpp::ChargerConfig ch;
  static std::string charger_mode = "Hybrid", ch_fleet, ch_firmware, ch_image_pub;
  auto* s = app.add_subcommand("charger", "Simulated OCPP 2.0.1 charging stations (the station library) against a "
                                          "CSMS; prints counts per outcome and `lost: K`");
  s->add_option("--csms", ch.csms_url, "ws://HOST:PORT/ocpp")->required();
  s->add_option("--fleet", ch_fleet, "fleet folder (factory certificates from its CA, trust anchors)")->required();
  s->add_option("--stations", ch.stations, "how many stations")->capture_default_str();
  s->add_option("--firmware", ch_firmware, "the payload the stations run (measured as component \"app\")")->required();
  s->add_option("--firmware-version", ch.firmware_version, "its version")->capture_default_str();
  s->add_option("--image-pub", ch_image_pub, "image public key the stations' bootloader pins (`pqcea image keygen --pub`)")
      ->required();
  s->add_option("--expect-firmware", ch.expect_firmware_version, "a station is done once it runs this version");
  s->add_option("--pqc-mode", charger_mode, "Off, Hybrid or Required")->capture_default_str();
  s->add_option("--bad-firmware", ch.bad_firmware, "planted: stations running a modified payload")->capture_default_str();
  s->add_option("--forged", ch.forged, "planted: stations signing evidence with a key not in their certificate")
      ->capture_default_str();
  s->add_option("--id-prefix", ch.id_prefix, "station ids: PREFIX000001 ...")->capture_default_str();
  s->add_option("--timeout", ch.timeout_seconds, "seconds before unfinished stations count as lost")->capture_default_str();
  s->add_option("--until", ch.until, "a station is done at: boot, certificate or firmware (default: firmware with "
                                      "--expect-firmware, else certificate)");
  s->add_option("--classical-root", ch.classical_roots, "classical root the stations trust (PEM; repeat; default "
                                                        "FLEET/ocpp-ca.pem)");
  s->add_option("--tls-ca", ch.tls_ca, "wss://: the CSMS certificate (or its CA) to trust");
  s->add_option("--tls-groups", ch.tls_groups, "key-exchange groups to offer (default: hybrids first)");
  s->add_flag("--client-certificates", ch.client_certificates, "profile 3: each station presents a client "
                                                               "certificate (CN = its id) from FLEET/ocpp-ca.key.pem");
  static std::string ch_password_file;
  s->add_option("--password-file", ch_password_file, "HTTP Basic password (security profile 1)");
  s->add_flag("!--no-charge", ch.charge, "no charging session");
  s->add_option("--renew-days", ch.renew_days, "A03: renew the certificate when it expires within this many days")
      ->capture_default_str();
  s->add_option("--hold", ch.hold_seconds, "stay connected this many seconds after every station is done")
      ->capture_default_str();
  s->add_flag("--quiet", ch.quiet, "only the closing line");
  s->callback([] {
    ch.mode = parse_mode(charger_mode);
    ch.fleet = ch_fleet;
    ch.firmware = ch_firmware;
    ch.image_public_key = ch_image_pub;
    if (!ch_password_file.empty()) ch.password = service::read_token_file(ch_password_file);
    const auto report = ocpp::run_chargers(ch);
    std::cout << report.line() << std::endl;
    if (report.lost != 0) throw CLI::RuntimeError(1);
  });
}

}  // namespace pqcea::cli
