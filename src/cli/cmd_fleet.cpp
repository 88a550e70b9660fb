// The operator and device commands around the verifier service (docs/device-client.md):
//   pqcea ca issue        device certificate from the device's public key (id derived from the key)
//   pqcea policy sign|show|upload
//   pqcea device enroll|attest|run        the reference device client
//   pqcea device register|revoke|delete|list   the admin API
//   pqcea result verify   a saved attestation result, offline, with the verifier's public key
#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "pqcea/attest/mldsa_cose.hpp"
#include "pqcea/host/device_client.hpp"
#include "pqcea/host/hex.hpp"
#include "pqcea/host/service.hpp"
#include "pqcea/host/verifier/appraisal.hpp"
#include "pqcea/host/verifier/policy.hpp"

namespace pqcea::cli {

std::string read_text_file(const std::string& path, std::size_t max_bytes) {
  const auto bytes = read_input(path, Expect{"a text file (PEM, JSON or token)", {}, max_bytes});
  return std::string(bytes.begin(), bytes.end());
}

void ServerOptions::add(CLI::App* cmd, bool needs_fleet) {
  cmd->add_option("--server", server, "the verifier's base URL, http(s)://HOST:PORT")->required();
  auto* f = cmd->add_option("--fleet", fleet, "fleet folder (admin.token; tls.pem for https)");
  if (needs_fleet) f->required();
  cmd->add_option("--tls-ca", tls_ca, "certificate to trust for https (default FLEET/tls.pem)");
}

std::string ServerOptions::ca() const {
  if (!tls_ca.empty() || server.rfind("https://", 0) != 0) return tls_ca;
  return (std::filesystem::path(fleet) / "tls.pem").string();
}

std::string ServerOptions::admin_token() const {
  return service::read_token_file(std::filesystem::path(fleet) / "admin.token");
}

int report(const service::HttpResult& r, int expected) {
  std::cout << r.body << (r.body.empty() || r.body.back() != '\n' ? "\n" : "");
  if (r.status == expected) return kExitValid;
  std::cerr << "pqcea: the server answered " << r.status << "\n";
  return r.status >= 400 && r.status < 500 ? kExitInvalid : kExitInternal;
}

namespace {
namespace fs = std::filesystem;
using json = nlohmann::json;


json read_json_file(const std::string& path) {
  json j = json::parse(read_text_file(path, 1 << 20), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw BadInput(path + ": expected a JSON object");
  return j;
}

// A signed policy file ({document, signature}, from `policy sign`) and the operator's public key:
// whether the signature verifies, and the document.
struct SignedPolicy {
  std::string document;
  bool signature_valid = false;
  pki::Algorithm operator_alg{};
};
SignedPolicy read_signed_policy(const std::string& path, const std::string& operator_key_file) {
  const json body = read_json_file(path);
  if (!body.contains("document") || !body["document"].is_string() || !body.contains("signature") ||
      !body["signature"].is_string())
    throw BadInput(path + ": expected {\"document\": string, \"signature\": base64 string}");
  auto [alg, pk] = pki::decode_spki(pki::from_pem(read_text_file(operator_key_file, 64 * 1024), "PUBLIC KEY"));
  const auto sig = service::base64_decode_text(body["signature"].get<std::string>());
  if (!sig) throw BadInput(path + ": \"signature\" is not base64");
  SignedPolicy p;
  p.document = body["document"].get<std::string>();
  p.operator_alg = alg;
  p.signature_valid = pki::mldsa_verify(
      alg, pk, std::span(reinterpret_cast<const std::uint8_t*>(p.document.data()), p.document.size()), *sig);
  return p;
}

void write_text_file(const std::string& path, const std::string& text) {
  write_file(path, reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

void add_ca(CLI::App& app) {
  auto* ca = app.add_subcommand("ca", "The fleet CA's offline steps");
  ca->require_subcommand(1);
  auto* issue = ca->add_subcommand("issue", "Issue a device certificate for a device's ML-DSA-87 public key; "
                                            "the device id (subject CN and serialNumber) is derived from the key");
  static std::string fleet, pubkey, out, station;
  static std::int64_t days = 3650;
  issue->add_option("--fleet", fleet, "fleet folder (ca.pem, ca.key.pem)")->required();
  issue->add_option("--pubkey", pubkey, "the device's public key (PEM SubjectPublicKeyInfo, device.pub.pem)")->required();
  issue->add_option("--out", out, "certificate file to write (PEM)")->required();
  issue->add_option("--days", days, "validity in days (default 3650)")->check(CLI::Range(1, 36500));
  issue->add_option("--station", station, "an OCPP charging station's identity, named in the certificate "
                                          "(SAN URI urn:pqcea:station:ID; docs/ocpp.md)");
  issue->callback([] {
    pki::Bytes pk;
    try {
      auto [alg, key] = pki::decode_spki(pki::from_pem(read_text_file(pubkey, 64 * 1024), "PUBLIC KEY"));
      if (alg != pki::Algorithm::MlDsa87) throw BadInput(pubkey + ": expected an ML-DSA-87 public key");
      pk = std::move(key);
    } catch (const pki::Error& e) {
      throw BadInput(pubkey + ": expected a PEM ML-DSA-87 public key (" + e.what() + ")");
    }
    const auto ca_obj = service::load_fleet_ca(fleet);
    const auto cert = service::issue_device_certificate(ca_obj, pk, days, station);
    write_text_file(out, pki::to_pem(cert.der, "CERTIFICATE"));
    std::cout << "device id " << service::device_id_for_key(pk) << "\n";
  });
}

void add_policy(CLI::App& app) {
  auto* pol = app.add_subcommand("policy", "Reference values and policy: sign offline, show, upload");
  pol->require_subcommand(1);
  static std::string fleet, in, out, key;
  static ServerOptions so;
  auto* sign = pol->add_subcommand("sign", "Sign a policy document (docs/verifier.md) with the operator key");
  sign->add_option("document", in, "policy JSON document")->required();
  sign->add_option("--fleet", fleet, "fleet folder (operator.key.pem)")->required();
  sign->add_option("--out", out, "signed policy to write ({document, signature})")->required();
  sign->callback([] {
    const std::string doc = read_text_file(in, 1 << 20);
    try {
      verifier::parse_policy(doc);
    } catch (const std::exception& e) {
      throw BadInput(in + ": not a valid policy document: " + e.what());
    }
    write_text_file(out, service::signed_policy_body(doc, *service::load_operator_signer(fleet)).dump(2) + "\n");
  });
  auto* show = pol->add_subcommand("show", "Check a signed policy's signature and list its models");
  show->add_option("signed", in, "signed policy ({document, signature})")->required();
  show->add_option("--operator-key", key, "operator public key (FLEET/operator.pub.pem)")->required();
  show->callback([] {
    const SignedPolicy sp = read_signed_policy(in, key);
    if (!sp.signature_valid) {
      std::cout << "signature: INVALID\n";
      std::exit(kExitInvalid);
    }
    const std::string& doc = sp.document;
    const auto alg = sp.operator_alg;
    const auto p = verifier::parse_policy(doc);
    std::cout << "signature: valid (" << pki::algorithm_name(alg) << ")\n";
    for (const auto& [name, mp] : p.models) {
      std::cout << "model " << name << ": min_swversion " << mp.min_swversion << ", firmware";
      for (const auto& [version, ref] : mp.firmware) std::cout << " " << version;
      std::cout << (mp.require_tpm ? ", TPM required" : "") << "\n";
    }
  });
  auto* upload = pol->add_subcommand("upload", "PUT a signed policy to the verifier (admin token)");
  upload->add_option("signed", in, "signed policy ({document, signature})")->required();
  so.add(upload);
  upload->callback([] {
    const json body = read_json_file(in);
    service::HttpClient c(so.server, so.ca());
    std::exit(report(c.request("PUT", "/v1/admin/policy", body.dump(), "application/json", so.admin_token()), 200));
  });
}

void add_device(CLI::App& app) {
  auto* dev = app.add_subcommand("device", "The reference device client, and the registry's admin commands");
  dev->require_subcommand(1);
  static std::string dir, model, cert, id, result_out, swname = "linux-fw", swversion = "1.0.0", after, tpm_tcti,
      tpm_ak_file;
  static std::vector<std::string> measures;
  static bool force = false;
  static double interval = 3600;
  static std::size_t rounds = 0, limit = 100;
  static ServerOptions so;

  auto* enroll = dev->add_subcommand("enroll", "Create the device's identity: ML-DSA-87 key (0600), public key, "
                                               "device id; then `pqcea ca issue` makes its certificate");
  enroll->add_option("--dir", dir, "device folder (device.key.pem, device.pub.pem, device.json)")->required();
  enroll->add_option("--model", model, "the device's model name in the policy")->required();
  add_force_flag(enroll, force);
  enroll->callback([] {
    const auto d = service::enroll_device(dir, model, force);
    std::cout << "device id " << d.id << "\npublic key " << (fs::path(dir) / "device.pub.pem").string() << "\n";
  });

  auto attest_settings = [] {
    service::AttestSettings s;
    s.server = so.server;
    s.tls_ca = so.tls_ca;
    s.swname = swname;
    s.swversion = swversion;
    s.tpm_tcti = tpm_tcti;
    for (const auto& m : measures) {
      try {
        s.components.push_back(service::parse_measurement(m));
      } catch (const std::invalid_argument& e) {
        throw BadInput(e.what());
      }
    }
    return s;
  };
  auto add_attest_options = [](CLI::App* cmd) {
    cmd->add_option("--dir", dir, "device folder (from `device enroll`)")->required();
    cmd->add_option("--server", so.server, "the verifier's base URL, http(s)://HOST:PORT")->required();
    cmd->add_option("--tls-ca", so.tls_ca, "certificate to trust for https");
    cmd->add_option("--measure", measures, "NAME=FILE: a component the verifier's policy names, hashed "
                                           "with SHA-256 (repeat for each)")->required();
    cmd->add_option("--swname", swname, "software name claim (default linux-fw)");
    cmd->add_option("--swversion", swversion, "software version claim, x.y.z (default 1.0.0)");
    cmd->add_option("--tpm", tpm_tcti, "TPM 2.0 TCTI (e.g. device:/dev/tpmrm0): add PCR 0-7 and a TPM2_Quote");
  };
  auto* attest = dev->add_subcommand("attest", "Measure, build and sign the evidence (EAT), run challenge/attest "
                                               "and print the verdict; exit 0 affirming, 1 otherwise");
  add_attest_options(attest);
  attest->add_option("--result-out", result_out, "save the verifier's signed answer here (for `result verify`)");
  attest->callback([attest_settings] {
    const auto d = service::load_device(dir);
    const auto a = service::attest_once(d, attest_settings());
    if (!result_out.empty()) write_text_file(result_out, a.body.dump(2) + "\n");
    std::cout << "device " << d.id << ": " << a.status();
    if (a.http_status != 200) std::cout << " (HTTP " << a.http_status << " " << a.body.value("error", "") << ")";
    else if (a.status() != "affirming") std::cout << " " << a.body.value("claims", json::object()).dump();
    std::cout << "\n";
    std::exit(a.status() == "affirming" ? kExitValid : kExitInvalid);
  });
  auto* evidence = dev->add_subcommand("evidence", "Build and sign the evidence (EAT) for a given nonce, offline "
                                                   "(for `pqcea appraise` or a transport of your own)");
  static std::string nonce_hex, evidence_out;
  evidence->add_option("--dir", dir, "device folder (from `device enroll`)")->required();
  evidence->add_option("--measure", measures, "NAME=FILE: a component to hash with SHA-256 (repeat)")->required();
  evidence->add_option("--swname", swname, "software name claim (default linux-fw)");
  evidence->add_option("--swversion", swversion, "software version claim, x.y.z (default 1.0.0)");
  evidence->add_option("--tpm", tpm_tcti, "TPM 2.0 TCTI: add PCR 0-7 and a TPM2_Quote");
  evidence->add_option("--nonce", nonce_hex, "the challenge, 8-64 bytes in hex")->required();
  evidence->add_option("--out", evidence_out, "COSE_Sign1 file to write")->required();
  evidence->callback([attest_settings] {
    const auto nonce = host::hex_decode(nonce_hex);
    if (!nonce || nonce->size() < 8 || nonce->size() > 64) throw BadInput("--nonce: expected 8-64 bytes in hex");
    const auto token = service::build_device_evidence(service::load_device(dir), attest_settings(), *nonce);
    write_file(evidence_out, token.data(), token.size());
  });

  auto* run = dev->add_subcommand("run", "Keep attesting every --interval seconds (SIGINT/SIGTERM stop it)");
  add_attest_options(run);
  run->add_option("--interval", interval, "seconds between attestations (default 3600)")->check(CLI::Range(1.0, 86400.0 * 30));
  run->add_option("--rounds", rounds, "stop after this many (default 0: until stopped)");
  run->callback([attest_settings] {
    static volatile std::sig_atomic_t stop = 0;
    std::signal(SIGINT, [](int) { stop = 1; });
    std::signal(SIGTERM, [](int) { stop = 1; });
    const auto d = service::load_device(dir);
    const auto s = attest_settings();
    std::size_t done = 0, affirming = 0;
    while (!stop && (rounds == 0 || done < rounds)) {
      std::string status;
      try {
        status = service::attest_once(d, s).status();
      } catch (const std::exception& e) {
        status = std::string("error (") + e.what() + ")";  // the verifier is down: try again next round
      }
      ++done;
      if (status == "affirming") ++affirming;
      std::cout << "round " << done << ": " << status << std::endl;
      const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(interval);
      while (!stop && (rounds == 0 || done < rounds) && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::cout << "rounds " << done << ", affirming " << affirming << "\n";
    std::exit(done == affirming ? kExitValid : kExitInvalid);
  });

  auto* tpm = dev->add_subcommand("tpm", "Read the TPM's attestation key and PCR 0-7 (JSON): the AK goes to "
                                         "`device register --tpm-ak-file`, the PCRs into the policy's \"pcrs\"");
  tpm->add_option("--tpm", tpm_tcti, "TPM 2.0 TCTI (e.g. device:/dev/tpmrm0)")->required();
  tpm->add_option("--ak-out", tpm_ak_file, "also write the attestation key (hex) to this file");
  tpm->callback([] {
    const auto t = service::read_tpm_identity(tpm_tcti);
    if (!tpm_ak_file.empty()) write_text_file(tpm_ak_file, t.attestation_key_hex + "\n");
    std::cout << json{{"attestation_key", t.attestation_key_hex}, {"pcrs", t.pcrs}}.dump(2) << "\n";
  });

  auto* reg = dev->add_subcommand("register", "Register a device certificate with the verifier (admin token)");
  reg->add_option("--cert", cert, "device certificate (PEM, from `pqcea ca issue`)")->required();
  reg->add_option("--model", model, "the device's model name in the policy")->required();
  reg->add_option("--tpm-ak-file", tpm_ak_file, "the device TPM's attestation key (hex, from `device tpm --ak-out`)");
  so.add(reg);
  reg->callback([] {
    const std::string pem = read_text_file(cert, 64 * 1024);
    json body = {{"certificate", pem}, {"model", model}};
    if (!tpm_ak_file.empty()) {
      std::string ak = read_text_file(tpm_ak_file, 1024);
      while (!ak.empty() && (ak.back() == '\n' || ak.back() == '\r' || ak.back() == ' ')) ak.pop_back();
      const auto raw = host::hex_decode(ak);
      if (!raw || raw->size() != 65 || (*raw)[0] != 0x04)
        throw BadInput(tpm_ak_file + ": expected a TPM attestation key, 65 bytes (04 || x || y) in hex");
      body["tpm_ak"] = ak;
    }
    service::HttpClient c(so.server, so.ca());
    std::exit(report(c.request("POST", "/v1/admin/devices", body.dump(), "application/json", so.admin_token()), 201));
  });
  auto* revoke = dev->add_subcommand("revoke", "Revoke a device: its evidence is refused from now on");
  revoke->add_option("id", id, "device id")->required();
  so.add(revoke);
  revoke->callback([] {
    service::HttpClient c(so.server, so.ca());
    std::exit(report(c.request("POST", "/v1/admin/devices/" + id + "/revoke", "", "application/json", so.admin_token()), 200));
  });
  auto* del = dev->add_subcommand("delete", "Delete a device with its nonces and results");
  del->add_option("id", id, "device id")->required();
  so.add(del);
  del->callback([] {
    service::HttpClient c(so.server, so.ca());
    std::exit(report(c.request("DELETE", "/v1/admin/devices/" + id, "", "application/json", so.admin_token()), 200));
  });
  auto* list = dev->add_subcommand("list", "List registered devices, one page (--after the last id of the previous)");
  list->add_option("--after", after, "start after this device id");
  list->add_option("--limit", limit, "devices per page, 1-1000 (default 100)")->check(CLI::Range(1, 1000));
  so.add(list);
  list->callback([] {
    service::HttpClient c(so.server, so.ca());
    std::string target = "/v1/admin/devices?limit=" + std::to_string(limit);
    if (!after.empty()) target += "&after=" + after;
    std::exit(report(c.request("GET", target, "", "application/json", so.admin_token()), 200));
  });
}

void add_result(CLI::App& app) {
  auto* res = app.add_subcommand("result", "Signed attestation results");
  res->require_subcommand(1);
  static std::string in, key;
  auto* verify = res->add_subcommand("verify", "Check a saved result (the /v1/attest answer) offline with the "
                                               "verifier's public key; exit 0 if signed and affirming");
  verify->add_option("result", in, "the verifier's answer (JSON with an \"ear\" field)")->required();
  verify->add_option("--verifier-key", key, "the verifier's public key (FLEET/verifier.pub.pem)")->required();
  verify->callback([] {
    const json answer = read_json_file(in);
    if (!answer.contains("ear") || !answer["ear"].is_string())
      throw BadInput(in + ": expected the /v1/attest answer, a JSON object with a base64 \"ear\"");
    auto [alg, pk] = pki::decode_spki(pki::from_pem(read_text_file(key, 64 * 1024), "PUBLIC KEY"));
    if (alg != pki::Algorithm::MlDsa87) throw BadInput(key + ": expected the verifier's ML-DSA-87 public key");
    const auto ear = service::base64_decode_text(answer["ear"].get<std::string>());
    if (!ear) throw BadInput(in + ": \"ear\" is not base64");
    json result;
    try {
      attest::MlDsa87CoseVerifier v;
      result = verifier::open_result(*ear, v, pk);
    } catch (const std::exception& e) {
      std::cout << "signature: INVALID (" << e.what() << ")\n";
      std::exit(kExitInvalid);
    }
    // The signed EAR decides; the answer's outer fields are only a convenience copy.
    const auto& submods = result.at("submods");
    if (!submods.is_object() || submods.size() != 1) throw BadInput(in + ": the EAR has no single device");
    const std::string device = submods.begin().key();
    const std::string status = submods.begin().value().at("ear.status").get<std::string>();
    std::cout << "signature: valid (verifier ML-DSA-87)\ndevice: " << device << "\nstatus: " << status
              << "\nnonce: " << result.value("eat_nonce", "") << "\niat: " << result.value("iat", 0) << "\n";
    if (answer.value("status", status) != status || answer.value("device_id", device) != device) {
      std::cout << "the answer's outer status/device_id differ from the signed EAR\n";
      std::exit(kExitInvalid);
    }
    std::exit(status == "affirming" ? kExitValid : kExitInvalid);
  });
}

void add_appraise(CLI::App& app) {
  auto* cmd = app.add_subcommand("appraise", "Appraise a token offline against a signed policy, with the verifier's "
                                             "own steps; exit 0 affirming, 1 otherwise (no server, no database)");
  static std::string token_file, cert, ca, policy_file, operator_key, model;
  cmd->add_option("token", token_file, "the evidence (COSE_Sign1 EAT)")->required();
  cmd->add_option("--cert", cert, "the device certificate (PEM)")->required();
  cmd->add_option("--ca", ca, "the fleet CA certificate the device certificate must chain to (FLEET/ca.pem)")->required();
  cmd->add_option("--policy", policy_file, "signed policy ({document, signature}, from `policy sign`)")->required();
  cmd->add_option("--operator-key", operator_key, "operator public key (FLEET/operator.pub.pem)")->required();
  cmd->add_option("--model", model, "the device's model name in the policy")->required();
  cmd->callback([] {
    const std::string token = read_text_file(token_file, 64 * 1024);
    const SignedPolicy sp = read_signed_policy(policy_file, operator_key);
    if (!sp.signature_valid) {
      std::cout << "policy: the signature does not verify under " << operator_key << "\n";
      std::exit(kExitInvalid);
    }
    verifier::Policy policy;
    try {
      policy = verifier::parse_policy(sp.document);
    } catch (const std::exception& e) {
      throw BadInput(policy_file + ": not a valid policy document: " + e.what());
    }
    const auto device_cert = pki::parse_certificate(pki::from_pem(read_text_file(cert, 64 * 1024), "CERTIFICATE"));
    const auto ca_cert = pki::parse_certificate(pki::from_pem(read_text_file(ca, 64 * 1024), "CERTIFICATE"));
    const auto outcome = service::appraise_offline(
        std::span(reinterpret_cast<const std::uint8_t*>(token.data()), token.size()), policy, device_cert, ca_cert, model);
    if (outcome.rejected) {
      std::cout << "refused: " << outcome.error << " (" << outcome.message << ")\n";
      std::exit(kExitInvalid);
    }
    std::cout << "device " << outcome.device_id << ": " << outcome.status << "\n" << outcome.claims.dump(2) << "\n";
    std::exit(outcome.status == "affirming" ? kExitValid : kExitInvalid);
  });
}

}  // namespace

void add_fleet_tools(CLI::App& app) {
  add_ca(app);
  add_policy(app);
  add_device(app);
  add_result(app);
  add_appraise(app);
}

}  // namespace pqcea::cli
