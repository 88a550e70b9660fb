// The reference device client and the offline operator steps (include/pqcea/host/device_client.hpp).
#include "pqcea/host/device_client.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <stdexcept>

#include "internal.hpp"
#include "pqcea/attest/mldsa_cose.hpp"
#include "pqcea/attest/token.hpp"
#include "pqcea/cose.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/attest/claims.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/hex.hpp"
#include "pqcea/host/secret_file.hpp"
#include "pqcea/host/service.hpp"

namespace pqcea::service {
namespace fs = std::filesystem;
using json = nlohmann::json;

// ---- operator side -----------------------------------------------------------------------------

pki::CertificateAuthority load_fleet_ca(const fs::path& fleet) {
  return pki::CertificateAuthority(
      pki::parse_certificate(pki::from_pem(detail::read_text(fleet / "ca.pem"), "CERTIFICATE")),
      detail::load_signer(fleet / "ca.key.pem"));
}

std::shared_ptr<const pki::Signer> load_operator_signer(const fs::path& fleet) {
  return detail::load_signer(fleet / "operator.key.pem");
}

json signed_policy_body(const std::string& document, const pki::Signer& operator_key) {
  const auto sig =
      operator_key.sign(std::span(reinterpret_cast<const std::uint8_t*>(document.data()), document.size()));
  return json{{"document", document}, {"signature", detail::base64_encode(sig)}};
}

pki::Certificate issue_device_certificate(const pki::CertificateAuthority& ca, const pki::Bytes& public_key,
                                          std::int64_t valid_days, const std::string& station_id) {
  if (public_key.size() != mldsa::MlDsa87::pk_bytes)
    throw std::invalid_argument("an ML-DSA-87 public key is " + std::to_string(mldsa::MlDsa87::pk_bytes) +
                                " bytes, this one is " + std::to_string(public_key.size()));
  const std::int64_t now = detail::unix_now();
  pki::DeviceRequest req;
  req.device_id = device_id_for_key(public_key);
  req.algorithm = pki::Algorithm::MlDsa87;
  req.public_key = public_key;
  req.validity = {now - 300, now + valid_days * 86400};  // 5 minutes of clock skew allowed
  if (!station_id.empty()) req.san_uri = std::string(kStationUriPrefix) + station_id;
  return ca.issue_device(req);
}

std::optional<pki::Bytes> base64_decode_text(std::string_view text) { return detail::base64_decode(text); }
std::string base64_encode_text(std::span<const std::uint8_t> data) { return detail::base64_encode(data); }

// ---- device identity ---------------------------------------------------------------------------

pki::Bytes ueid_for_key(const pki::Bytes& public_key) {
  std::array<std::uint8_t, cose::kKidSize> kid{};
  cose::compute_kid(public_key, kid);
  pki::Bytes ueid(1 + kid.size());
  ueid[0] = attest::kUeidRand;
  std::copy(kid.begin(), kid.end(), ueid.begin() + 1);
  return ueid;
}

std::string device_id_for_key(const pki::Bytes& public_key) {
  return host::device_id_for_ueid(ueid_for_key(public_key));
}

namespace {

DeviceIdentity identity_of(sim::KeyPair key, std::string model) {
  DeviceIdentity d;
  d.ueid = ueid_for_key(key.pk);
  d.id = host::device_id_for_ueid(d.ueid);
  d.key = std::move(key);
  d.model = std::move(model);
  return d;
}

}  // namespace

DeviceIdentity load_device(const fs::path& dir) {
  const json meta = json::parse(detail::read_text(dir / "device.json"), nullptr, /*allow_exceptions=*/false);
  if (!meta.is_object() || !meta.contains("model") || !meta["model"].is_string())
    throw std::invalid_argument((dir / "device.json").string() + ": expected a JSON object with a string \"model\"");
  const host::SecretBytes pem = host::read_secret_file((dir / "device.key.pem").string(), 16 * 1024);
  auto [alg, seed] = pki::decode_private_key_seed(pki::from_pem(
      std::string_view(reinterpret_cast<const char*>(pem.span().data()), pem.span().size()), "PRIVATE KEY"));
  if (alg != pki::Algorithm::MlDsa87) {
    secure_wipe(seed.data(), seed.size());
    throw std::invalid_argument((dir / "device.key.pem").string() + ": expected an ML-DSA-87 private key");
  }
  sim::KeyPair key = sim::KeyPair::from_seed(seed);
  secure_wipe(seed.data(), seed.size());
  DeviceIdentity d = identity_of(std::move(key), meta["model"].get<std::string>());
  if (meta.contains("device_id") && meta["device_id"] != d.id)
    throw std::invalid_argument((dir / "device.json").string() + ": device_id does not belong to device.key.pem");
  return d;
}

DeviceIdentity enroll_device(const fs::path& dir, const std::string& model, bool force) {
  if (model.empty()) throw std::invalid_argument("a model name is required (the policy's model of this device)");
  fs::create_directories(dir);
  auto signer = detail::new_key(dir, "device", force);
  const std::string id = device_id_for_key(signer->public_key());
  std::ofstream out(dir / "device.json", std::ios::trunc);
  out << json{{"device_id", id}, {"model", model}}.dump(2) << "\n";
  if (!out) throw std::runtime_error("cannot write " + (dir / "device.json").string());
  out.close();
  return load_device(dir);
}

// ---- attestation -------------------------------------------------------------------------------

Measurement parse_measurement(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == 0 || eq == std::string::npos || eq + 1 == text.size())
    throw std::invalid_argument("measurement '" + text + "': expected NAME=FILE");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

namespace {

sim::Digest sha256_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw std::invalid_argument(file.string() + ": not a regular file to measure");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot read " + file.string());
  hash::Sha256 h;
  std::array<char, 64 * 1024> buf{};
  while (in) {
    in.read(buf.data(), buf.size());
    h.update(reinterpret_cast<const std::uint8_t*>(buf.data()), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw std::runtime_error("read error: " + file.string());
  sim::Digest d{};
  h.final(d.data());
  return d;
}

}  // namespace

std::string AttestAnswer::status() const {
  if (http_status == 200 && body.is_object() && body.contains("status") && body["status"].is_string())
    return body["status"].get<std::string>();
  return "error";
}

pki::Bytes build_device_evidence(const DeviceIdentity& device, const AttestSettings& settings,
                                 std::span<const std::uint8_t> nonce) {
  if (settings.components.empty()) throw std::invalid_argument("at least one measurement (NAME=FILE) is needed");
  sim::Firmware fw;
  fw.model = device.model;
  fw.version = settings.swversion;
  fw.swname = settings.swname;
  for (const auto& m : settings.components) fw.components.emplace_back(m.name, sha256_file(m.file));
  sim::Device d;
  d.id = device.id;
  d.ueid = device.ueid;
  d.fw = &fw;
  d.key = device.key;
  if (settings.tpm_tcti.empty()) return sim::build_evidence(d, nonce);
  tpm::Tpm tpm(settings.tpm_tcti);
  sim::EvidenceOptions options;
  options.tpm = &tpm;
  return sim::build_evidence(d, nonce, options);
}

TpmIdentity read_tpm_identity(const std::string& tcti) {
  tpm::Tpm tpm(tcti);
  TpmIdentity t;
  t.attestation_key_hex = host::hex_encode(tpm.attestation_key());
  t.pcrs = json::object();
  const auto pcrs = tpm.read_pcrs();
  for (std::size_t i = 0; i < pcrs.size(); ++i) t.pcrs[std::to_string(i)] = host::hex_encode(pcrs[i]);
  return t;
}

AttestAnswer attest_once(const DeviceIdentity& device, const AttestSettings& settings) {
  HttpClient client(settings.server, settings.tls_ca);
  AttestAnswer a;
  auto c = client.request("POST", "/v1/challenge", json{{"device_id", device.id}}.dump());
  if (c.status != 200) {
    a.http_status = c.status;
    a.body = json::parse(c.body, nullptr, false);
    return a;
  }
  const auto nonce = host::hex_decode(json::parse(c.body).at("nonce").get<std::string>());
  if (!nonce) throw std::runtime_error("the verifier's nonce is not hex");
  const auto evidence = build_device_evidence(device, settings, *nonce);
  auto r = client.request("POST", "/v1/attest",
                          std::string_view(reinterpret_cast<const char*>(evidence.data()), evidence.size()),
                          "application/cose");
  a.http_status = r.status;
  a.body = json::parse(r.body, nullptr, false);
  return a;
}

verifier::Outcome appraise_offline(std::span<const std::uint8_t> token, const verifier::Policy& policy,
                                   const pki::Certificate& certificate, const pki::Certificate& ca,
                                   const std::string& model) {
  const std::int64_t now = detail::unix_now();
  pki::TrustStore trust;
  trust.add(ca, pki::mldsa_verify);
  if (auto v = pki::validate_chain(certificate, {}, trust, now, pki::mldsa_verify); !v)
    throw std::runtime_error("the device certificate does not validate against the CA: " + v.reason);
  // The verifier's registry, for this one device, in a database that lives as long as the call.
  auto store = verifier::open_store("sqlite::memory:");
  store->migrate();
  verifier::Device dev;
  dev.id = certificate.subject.serial_number.empty() ? certificate.subject.common_name : certificate.subject.serial_number;
  dev.model = model;
  dev.sig_alg = std::string(pki::algorithm_name(certificate.public_key_algorithm));
  dev.public_key = certificate.public_key;
  dev.certificate = certificate.der;
  dev.not_after = certificate.validity.not_after;
  dev.registered_at = now;
  store->put_device(dev);
  // The token's own nonce, read before any check, is recorded as issued to this device: offline
  // there is no challenge to compare with (the signature still covers it).
  cose::Sign1 msg;
  attest::Claims unverified;
  if (attest::decode_token(token, msg) == Status::ok && attest::parse_claims(msg.payload, unverified) == Status::ok)
    store->put_nonce(dev.id, unverified.nonce, now + 300, 1);
  // Results are signed by a key of this call only: nothing here is a verifier's statement.
  const sim::KeyPair ephemeral = sim::KeyPair::generate();
  attest::MlDsaSigner<mldsa::MlDsa87> signer(mldsa::PrivateKey<mldsa::MlDsa87>::seed(ephemeral.seed), host::system_rng());
  std::vector<std::uint8_t> kid(cose::kKidSize);
  cose::compute_kid(ephemeral.pk, std::span<std::uint8_t, cose::kKidSize>(kid.data(), cose::kKidSize));
  attest::MlDsaVerifier<mldsa::MlDsa44> v44;
  attest::MlDsaVerifier<mldsa::MlDsa65> v65;
  attest::MlDsaVerifier<mldsa::MlDsa87> v87;
  verifier::Appraiser appraiser(*store, policy,
                                {{cose::kAlgMlDsa44, &v44}, {cose::kAlgMlDsa65, &v65}, {cose::kAlgMlDsa87, &v87}},
                                {&signer, kid}, "pqcea-appraise-offline");
  return appraiser.appraise(token, now);
}

}  // namespace pqcea::service
