// `pqcea ocpp stations|install-root|certificates|delete-certificate|trigger|firmware`: the
// operator's commands against a running CSMS's operator interface (`pqcea csms --admin-listen`,
// docs/ocpp.md "Operator interface"). Each prints the CSMS's JSON answer.
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "pqcea/host/device_client.hpp"
#include "pqcea/host/service.hpp"

namespace pqcea::cli {

namespace {

using json = nlohmann::json;

constexpr std::size_t kPemLimit = 64 * 1024;
constexpr std::size_t kImageLimit = 16u << 20;

ServerOptions server;

// Exit status: 0 when the CSMS answered 200 and, for a station operation, the station's status is
// one of `accepted`; 1 for a well-formed refusal (a 4xx of the CSMS, or the station's Rejected /
// NotFound / Failed); 4 otherwise (no answer, a CALLERROR, a transport failure).
int run(std::string_view method, const std::string& target, const json& body,
        std::initializer_list<std::string_view> accepted) {
  service::HttpClient client(server.server, server.ca());
  const auto r = client.request(method, target, body.is_null() ? "" : body.dump(), "application/json", server.admin_token());
  const int code = report(r, 200);
  if (code != kExitValid || accepted.size() == 0) return code;
  const auto answer = json::parse(r.body, nullptr, false);
  const auto status = answer.is_object() && answer.contains("answer") ? answer["answer"].value("status", "") : "";
  for (auto want : accepted)
    if (status == want) return kExitValid;
  std::cerr << "pqcea: the station answered " << (status.empty() ? "without a status" : status) << "\n";
  return kExitInvalid;
}

std::string station_target(const std::string& station, const char* op) {
  return "/admin/stations/" + station + "/" + op;
}

}  // namespace

void add_ocpp_operator(CLI::App& ocpp) {
  static std::string station, type = "CSMSRootCertificate", cert, pqc_cert, message, image, version, name;
  static std::vector<std::string> types;
  auto with_server = [](CLI::App* cmd) {
    server.add(cmd);
    return cmd;
  };

  auto* list = with_server(ocpp.add_subcommand("stations", "List the stations connected to the CSMS (security "
                                                           "profile, boot status, attestation, firmware version)"));
  list->callback([] { std::exit(run("GET", "/admin/stations", json(), {})); });

  auto* install = with_server(ocpp.add_subcommand(
      "install-root", "M05 InstallCertificate: send a root certificate to a station (profiles 2 and 3 only), with "
                      "its ML-DSA twin in customData.pqcCertificate"));
  install->add_option("--station", station, "station id")->required();
  install->add_option("--type", type, "CSMSRootCertificate, ManufacturerRootCertificate, V2GRootCertificate or "
                                      "MORootCertificate")->capture_default_str();
  install->add_option("--cert", cert, "the classical root (PEM)")->required();
  install->add_option("--pqc-cert", pqc_cert, "its ML-DSA root (PEM, self-signed CA)");
  install->callback([] {
    json body{{"certificateType", type}, {"certificate", read_text_file(cert, kPemLimit)}};
    if (!pqc_cert.empty()) body["pqcCertificate"] = read_text_file(pqc_cert, kPemLimit);
    std::exit(run("POST", station_target(station, "install-certificate"), body, {"Accepted"}));
  });

  auto* certs = with_server(ocpp.add_subcommand(
      "certificates", "M03 GetInstalledCertificateIds: the root certificates a station holds (CertificateHashData)"));
  certs->add_option("--station", station, "station id")->required();
  certs->add_option("--type", types, "only these certificate types (repeat)");
  certs->callback([] {
    json body = json::object();
    if (!types.empty()) body["certificateType"] = types;
    std::exit(run("POST", station_target(station, "get-installed-certificate-ids"), body, {"Accepted"}));
  });

  auto* del = with_server(ocpp.add_subcommand(
      "delete-certificate", "M04 DeleteCertificate: remove a root certificate (and its ML-DSA twin) from a station"));
  del->add_option("--station", station, "station id")->required();
  del->add_option("--cert", cert, "the certificate to delete (PEM; its CertificateHashData is computed)")->required();
  del->callback([] {
    std::exit(run("POST", station_target(station, "delete-certificate"),
                  json{{"certificate", read_text_file(cert, kPemLimit)}}, {"Accepted"}));
  });

  auto* trigger = with_server(ocpp.add_subcommand("trigger", "F06 TriggerMessage: ask a station for a message"));
  trigger->add_option("--station", station, "station id")->required();
  trigger->add_option("--message", message, "BootNotification, Heartbeat, StatusNotification, "
                                            "SignChargingStationCertificate or FirmwareStatusNotification")->required();
  trigger->callback([] {
    std::exit(run("POST", station_target(station, "trigger-message"), json{{"requestedMessage", message}}, {"Accepted"}));
  });

  auto* fw = with_server(ocpp.add_subcommand(
      "firmware", "L01 firmware campaign: offer a signed `pqcea image` to every connected station running another "
                  "version, and to later boots (replaces the running campaign)"));
  fw->add_option("--image", image, "the signed image (`pqcea image sign`)")->required();
  fw->add_option("--version", version, "its version, as the stations report it after the update")->required();
  fw->add_option("--name", name, "the file name it is served under (default: the image's file name)");
  fw->callback([] {
    const auto bytes = read_input(image, Expect{"a signed firmware image", {}, kImageLimit});
    const std::string served = name.empty() ? std::filesystem::path(image).filename().string() : name;
    std::exit(run("PUT", "/admin/firmware",
                  json{{"version", version}, {"name", served}, {"image", service::base64_encode_text(bytes)}}, {}));
  });
}

}  // namespace pqcea::cli
