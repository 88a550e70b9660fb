// The size ledger (include/pqcea/host/ocpp/size_ledger.hpp; docs/ocpp.md, "Size ledger"). Every
// number comes from an object the product built with the code that builds it in production (the
// station's CSRs, the CSMS's certificates, `pqcea image`, the simulated device's evidence), never
// from a formula, so the ledger moves when the encoders do.
#include "pqcea/host/ocpp/size_ledger.hpp"

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "pqcea/boot/manifest.hpp"
#include "pqcea/host/boot_image.hpp"
#include "pqcea/host/classical_pki.hpp"
#include "pqcea/host/csr.hpp"
#include "pqcea/host/device_client.hpp"
#include "pqcea/host/device_sim.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/host/ocpp/rpc.hpp"
#include "pqcea/host/pki.hpp"
#include "ocpp_internal.hpp"

namespace pqcea::ocpp::ledger {

namespace classical = pki::classical;
using Kind = Row::Kind;

namespace {

// The names the simulator uses (`pqcea charger`): the sizes depend on them by a few characters.
constexpr const char* kStationId = "CS-000001";
constexpr const char* kOrganization = "PQCEA Charging";
// The longest OCPP-J message id (36 characters, a UUID): the frames are measured at their worst.
constexpr const char* kMessageId = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
constexpr std::int64_t kDay = 86400;

// 10036 -> "10,036" (built forwards: GCC 12 reports a false -Wrestrict on string::insert here).
std::string thousands(std::size_t n) {
  const std::string digits = std::to_string(n);
  std::string s;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) s += ',';
    s += digits[i];
  }
  return s;
}

std::string frame_cap_text() { return "kMaxFrameBytes (" + thousands(kMaxFrameBytes) + ")"; }

// What one column (one post-quantum algorithm) produced; absent objects stay empty.
struct Objects {
  std::optional<std::string> classical_csr, pqc_csr, classical_chain, pqc_chain, pqc_leaf;
  std::optional<std::string> signing_certificate, classical_signature_b64;
  std::optional<std::size_t> pqc_public_key, pqc_signature;  // raw bytes
  std::optional<std::string> pqc_signature_b64;
  std::optional<std::size_t> image_overhead;  // signed image minus payload
  std::optional<std::string> sign_certificate_frame, certificate_signed_frame, update_firmware_frame;
};

// A fresh temporary folder for the image key files (they are secrets: 0600, removed afterwards).
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::array<std::uint8_t, 8> r{};
    if (host::system_random(r) != Status::ok) throw std::runtime_error("system entropy failed");
    path = std::filesystem::temp_directory_path() / ("pqcea-ledger-" + host_hex(r));
    std::filesystem::create_directories(path);
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  static std::string host_hex(std::span<const std::uint8_t> b) {
    static constexpr char k[] = "0123456789abcdef";
    std::string s;
    for (auto c : b) s += {k[c >> 4], k[c & 15]};
    return s;
  }
};

// The firmware payload: 64 KiB, the size of a small application image; its size does not enter
// any field (the file travels by `location`).
detail::Bytes firmware_payload() {
  detail::Bytes p(64 * 1024);
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>(i * 131 + 7);
  return p;
}

// A `pqcea image` signed with `alg` (boot_image::keygen + sign_image, as `pqcea image keygen|sign`),
// checked as the station checks it (check_image), so the measured image is one the product accepts.
struct SignedImage {
  detail::Bytes file;
  std::size_t public_key = 0;
  detail::Bytes signature;  // as the image carries it
};
std::ptrdiff_t file_offset(std::size_t n) { return static_cast<std::ptrdiff_t>(n); }

SignedImage signed_image(const std::string& alg, const TempDir& dir) {
  const auto choice = host::boot_image::parse_algorithm(alg);
  const auto sk = (dir.path / (alg + ".key")).string();
  const auto pk = host::boot_image::keygen(choice, sk, host::system_rng());
  boot::ImageParams params;
  params.version = {2, 0, 1, 0};
  params.security_counter = 3;
  const auto payload = firmware_payload();
  SignedImage out;
  out.file = host::boot_image::sign_image(sk, params, payload);
  boot::KeyId key_id{};
  boot::key_id_of(pk, key_id);
  const auto check = host::boot_image::check_image(out.file, key_id, 0);
  if (!check.ok) throw std::runtime_error(alg + " image does not verify: " + check.reason);
  out.public_key = pk.size();
  const auto& m = check.image.manifest;
  const auto at = file_offset(boot::signature_offset(m));
  out.signature.assign(out.file.begin() + at, out.file.begin() + at + static_cast<std::ptrdiff_t>(m.signature_size));
  return out;
}

// The classical firmware-signing material of UpdateFirmware (L01): a P-256 signer certificate from
// the classical CA and its signature over SHA-256 of the whole image file, base64.
void classical_firmware_fields(Objects& o, const classical::Ca& ca, const detail::Bytes& file) {
  const auto signer = classical::EcKey::generate();
  o.signing_certificate = ca.issue_signer_pem(signer.spki_der(), "PQCEA firmware signer", 365);
  o.classical_signature_b64 = detail::base64(signer.sign_sha256(file));
  Json fw{{"location", "https://csms.example.net/firmware/charger-e2-2.0.1.img"},
          {"retrieveDateTime", rfc3339(0)},
          {"signingCertificate", *o.signing_certificate},
          {"signature", *o.classical_signature_b64}};
  Json cd = custom_data();
  cd["pqcImage"] = true;
  o.update_firmware_frame = call_frame(kMessageId, "UpdateFirmware", Json{{"requestId", 1}, {"firmware", fw}, {"customData", cd}});
}

// One ML-DSA column: the A02 exchange as the station and the CSMS build it (station.cpp
// start_certificate_update, csms.cpp on_sign_certificate), with a fleet CA of the same algorithm.
Objects mldsa_column(pki::Algorithm alg, const classical::Ca& classical_ca, const TempDir& dir) {
  Objects o;
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  std::array<std::uint8_t, 32> seed{}, ca_seed{};
  if (host::system_random(seed) != Status::ok || host::system_random(ca_seed) != Status::ok)
    throw std::runtime_error("system entropy failed");
  const auto key = pki::mldsa_signer(alg, seed);
  const auto ca_key = pki::mldsa_signer(alg, ca_seed);
  pki::Name ca_name;
  ca_name.organization = "PQC-Edge-Attestor fleet";
  ca_name.common_name = "Fleet Root CA (" + std::string(pki::algorithm_name(alg)) + ")";
  const auto ca = pki::CertificateAuthority::create_root(ca_name, {now - 60, now + 20 * 365 * kDay}, ca_key);

  // SignCertificateRequest: the classical CSR binds the ML-DSA key (pqcKeyBinding).
  const auto ec = classical::EcKey::generate();
  o.classical_csr = classical::make_csr_pem(ec, kStationId, kOrganization, key->public_key());
  pki::Name subject;
  subject.organization = kOrganization;
  subject.common_name = kStationId;
  o.pqc_csr = pki::to_pem(pki::build_csr(subject, *key), "CERTIFICATE REQUEST");
  Json cd = custom_data();
  cd["pqcCsr"] = *o.pqc_csr;
  o.sign_certificate_frame = call_frame(
      kMessageId, "SignCertificate",
      Json{{"csr", *o.classical_csr}, {"certificateType", "ChargingStationCertificate"}, {"customData", cd}});

  // CertificateSignedRequest: classical leaf + CA; the ML-DSA leaf names it (RFC 9763) + the fleet CA.
  const auto leaf = classical_ca.issue_station_pem(classical::parse_csr_pem(*o.classical_csr), kStationId, "", 365);
  o.classical_chain = leaf + classical_ca.certificate_pem();
  pki::StationCertificateRequest r;
  r.station_id = kStationId;
  r.validity = {now - 60, now + 365 * kDay};
  r.related_certificate_der = classical::inspect_certificate_pem(leaf).der;
  const auto cert = pki::issue_station_certificate(ca, pki::parse_csr(pki::from_pem(*o.pqc_csr, "CERTIFICATE REQUEST")), r);
  o.pqc_leaf = pki::to_pem(cert.der, "CERTIFICATE");
  o.pqc_chain = *o.pqc_leaf + pki::to_pem(ca.certificate().der, "CERTIFICATE");
  Json cd2 = custom_data();
  cd2["pqcCertificateChain"] = *o.pqc_chain;
  o.certificate_signed_frame = call_frame(
      kMessageId, "CertificateSigned",
      Json{{"certificateChain", *o.classical_chain}, {"certificateType", "ChargingStationCertificate"}, {"customData", cd2}});

  o.pqc_public_key = key->public_key().size();
  if (alg == pki::Algorithm::MlDsa87) {
    // The image format signs with ML-DSA-87 (format 1): measure the real image.
    const auto img = signed_image("ML-DSA-87", dir);
    o.pqc_signature = img.signature.size();
    o.image_overhead = img.file.size() - firmware_payload().size();
    o.pqc_signature_b64 = detail::base64(img.signature);
    classical_firmware_fields(o, classical_ca, img.file);
  } else {
    // No image format for ML-DSA-44/65: a real signature by the same signer over the same digest.
    const auto sig = key->sign(detail::sha256(firmware_payload()));
    o.pqc_signature = sig.size();
    o.pqc_signature_b64 = detail::base64(sig);
  }
  return o;
}

Objects falcon_column(const classical::Ca& classical_ca, const TempDir& dir) {
  Objects o;
  const auto img = signed_image("Falcon-1024", dir);
  o.pqc_public_key = img.public_key;
  o.pqc_signature = img.signature.size();
  o.image_overhead = img.file.size() - firmware_payload().size();
  o.pqc_signature_b64 = detail::base64(img.signature);
  classical_firmware_fields(o, classical_ca, img.file);
  return o;
}

constexpr const char* kNoFalconX509 = "n/a (no Falcon X.509 in this product)";

Cell cell_of(const std::optional<std::string>& s, const char* missing) {
  return s ? Cell{s->size(), ""} : Cell{std::nullopt, missing};
}
Cell cell_of(const std::optional<std::size_t>& n, const char* missing) {
  return n ? Cell{*n, ""} : Cell{std::nullopt, missing};
}

}  // namespace

bool Row::fits() const {
  if (kind == Kind::info) return true;
  for (const auto& c : cells)
    if (c.size && *c.size > limit) return false;
  return true;
}

const Row* Ledger::find(const std::string& field) const {
  for (const auto& r : rows)
    if (r.field == field) return &r;
  return nullptr;
}

Ledger build() {
  TempDir dir;
  const auto classical_ca = classical::Ca::create("PQCEA OCPP classical CA", kOrganization, 3650);
  std::array<Objects, 4> col{mldsa_column(pki::Algorithm::MlDsa44, classical_ca, dir),
                             mldsa_column(pki::Algorithm::MlDsa65, classical_ca, dir),
                             mldsa_column(pki::Algorithm::MlDsa87, classical_ca, dir),
                             falcon_column(classical_ca, dir)};

  // Attestation (B01 + DataTransfer): always ML-DSA-87, whatever the certificate track uses. The
  // device as `pqcea charger` makes it: its own key, a certificate from an ML-DSA-87 fleet CA, and
  // evidence from the freestanding token builder over SHA-256(nonce || exporter).
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  std::array<std::uint8_t, 32> ca_seed{};
  if (host::system_random(ca_seed) != Status::ok) throw std::runtime_error("system entropy failed");
  pki::Name ca_name;
  ca_name.organization = "PQC-Edge-Attestor fleet";
  ca_name.common_name = "Fleet Root CA (ML-DSA-87)";
  const auto fleet = pki::CertificateAuthority::create_root(ca_name, {now - 60, now + 20 * 365 * kDay},
                                                            pki::mldsa_signer(pki::Algorithm::MlDsa87, ca_seed));
  const auto firmware = sim::reference_firmware();
  sim::Device device;
  device.key = sim::KeyPair::generate();
  device.ueid = service::ueid_for_key(device.key.pk);
  device.id = service::device_id_for_key(device.key.pk);
  device.fw = &firmware[1];  // charger-e2
  pki::DeviceRequest dreq;
  dreq.device_id = device.id;
  dreq.public_key = device.key.pk;
  dreq.validity = {now - 60, now + 365 * kDay};
  dreq.san_uri = std::string(service::kStationUriPrefix) + kStationId;
  const auto device_cert = pki::to_pem(fleet.issue_device(dreq).der, "CERTIFICATE");
  detail::Bytes nonce(32), exporter(32);
  if (host::system_random(nonce) != Status::ok || host::system_random(exporter) != Status::ok)
    throw std::runtime_error("system entropy failed");
  const auto evidence = detail::base64(sim::build_evidence(device, detail::binding_nonce(nonce, exporter)));
  const auto evidence_frame = call_frame(
      kMessageId, "DataTransfer",
      Json{{"vendorId", std::string(kVendorId)},
           {"messageId", "AttestationEvidence"},
           {"data", Json{{"requestId", 1}, {"evidence", evidence}, {"certificate", device_cert}}}});

  Ledger l;
  auto add = [&](Kind k, std::string field, std::string in, std::size_t lim, std::string lim_text, auto get,
                 const char* missing) {
    Row r{k, std::move(field), std::move(in), lim, std::move(lim_text), {}};
    for (std::size_t i = 0; i < 4; ++i) r.cells[i] = cell_of(get(col[i]), missing);
    l.rows.push_back(std::move(r));
  };
  const auto cap = frame_cap_text();
  // A02: SignCertificate.
  add(Kind::carried, "`csr` (classical P-256 PKCS#10, PEM)", "SignCertificateRequest", limit::kCsr, "5,500",
      [](const Objects& o) { return o.classical_csr; }, kNoFalconX509);
  add(Kind::carried, "`customData.pqcCsr` (ML-DSA PKCS#10, PEM)", "SignCertificateRequest", kMaxFrameBytes, cap,
      [](const Objects& o) { return o.pqc_csr; }, kNoFalconX509);
  add(Kind::what_if, "what if: ML-DSA CSR in `csr`", "SignCertificateRequest", limit::kCsr, "5,500",
      [](const Objects& o) { return o.pqc_csr; }, kNoFalconX509);
  // A02: CertificateSigned.
  add(Kind::carried, "`certificateChain` (classical leaf + CA, PEM)", "CertificateSignedRequest",
      limit::kCertificateChain, "10,000", [](const Objects& o) { return o.classical_chain; }, kNoFalconX509);
  add(Kind::carried, "`customData.pqcCertificateChain` (ML-DSA leaf + CA, PEM)", "CertificateSignedRequest",
      kMaxFrameBytes, cap, [](const Objects& o) { return o.pqc_chain; }, kNoFalconX509);
  add(Kind::what_if, "what if: ML-DSA chain in `certificateChain`", "CertificateSignedRequest",
      limit::kCertificateChain, "10,000", [](const Objects& o) { return o.pqc_chain; }, kNoFalconX509);
  add(Kind::what_if, "what if: ML-DSA leaf certificate in a 5,500 field", "InstallCertificate / signingCertificate",
      limit::kCertificate, "5,500", [](const Objects& o) { return o.pqc_leaf; }, kNoFalconX509);
  // L01: UpdateFirmware.
  add(Kind::carried, "`firmware.signingCertificate` (classical P-256, PEM)", "UpdateFirmwareRequest",
      limit::kSigningCertificate, "5,500", [](const Objects& o) { return o.signing_certificate; },
      "n/a (the image format has no ML-DSA-44/65)");
  add(Kind::carried, "`firmware.signature` (ECDSA over SHA-256 of the image, base64)", "UpdateFirmwareRequest",
      limit::kFirmwareSignature, "800", [](const Objects& o) { return o.classical_signature_b64; },
      "n/a (the image format has no ML-DSA-44/65)");
  add(Kind::what_if, "what if: PQC signature in `firmware.signature` (base64)", "UpdateFirmwareRequest",
      limit::kFirmwareSignature, "800", [](const Objects& o) { return o.pqc_signature_b64; }, "");
  add(Kind::info, "PQC signature, raw bytes (inside the image for ML-DSA-87 / Falcon-1024)", "the image file",
      0, "none (the file travels by `location`)", [](const Objects& o) { return o.pqc_signature; }, "");
  add(Kind::info, "PQC public key, raw bytes", "the image file / certificate", 0, "none",
      [](const Objects& o) { return o.pqc_public_key; }, "");
  add(Kind::info, "signed image minus payload (manifest + key + signature + end marker), bytes", "the image file",
      0, "none", [](const Objects& o) { return o.image_overhead; }, "n/a (the image format has no ML-DSA-44/65)");
  // B01 + attestation: the same ML-DSA-87 objects in every column.
  auto same = [&](Kind k, std::string field, std::string in, std::size_t lim, std::string lim_text, std::size_t v) {
    Row r{k, std::move(field), std::move(in), lim, std::move(lim_text), {}};
    for (auto& c : r.cells) c = Cell{v, ""};
    l.rows.push_back(std::move(r));
  };
  same(Kind::carried, "`data.evidence` (COSE_Sign1 EAT, always ML-DSA-87, base64)", "DataTransfer AttestationEvidence",
       kMaxFrameBytes, cap, evidence.size());
  same(Kind::carried, "`data.certificate` (device certificate, always ML-DSA-87, PEM)",
       "DataTransfer AttestationEvidence", kMaxFrameBytes, cap, device_cert.size());
  same(Kind::what_if, "what if: device certificate in a 5,500 field", "InstallCertificate / signingCertificate",
       limit::kCertificate, "5,500", device_cert.size());
  // Whole frames against the transport cap.
  add(Kind::carried, "whole frame: SignCertificate", "OCPP-J CALL", kMaxFrameBytes, cap,
      [](const Objects& o) { return o.sign_certificate_frame; }, kNoFalconX509);
  add(Kind::carried, "whole frame: CertificateSigned", "OCPP-J CALL", kMaxFrameBytes, cap,
      [](const Objects& o) { return o.certificate_signed_frame; }, kNoFalconX509);
  add(Kind::carried, "whole frame: UpdateFirmware", "OCPP-J CALL", kMaxFrameBytes, cap,
      [](const Objects& o) { return o.update_firmware_frame; }, "n/a (the image format has no ML-DSA-44/65)");
  same(Kind::carried, "whole frame: DataTransfer AttestationEvidence", "OCPP-J CALL", kMaxFrameBytes, cap,
       evidence_frame.size());
  return l;
}

std::string to_markdown(const Ledger& l) {
  std::ostringstream s;
  s << "| field | carried in | limit |";
  for (auto c : kColumns) s << " " << c << " |";
  s << " fits? |\n|---|---|---|";
  for (std::size_t i = 0; i < kColumns.size(); ++i) s << "--:|";
  s << "---|\n";
  for (const auto& r : l.rows) {
    s << "| " << r.field << " | " << r.carried_in << " | " << r.limit_text << " |";
    std::vector<std::string> over;
    for (std::size_t i = 0; i < r.cells.size(); ++i) {
      const auto& c = r.cells[i];
      if (!c.size) {
        s << " " << (c.note.empty() ? "n/a" : c.note) << " |";
        continue;
      }
      s << " " << thousands(*c.size);
      if (r.kind != Kind::info) {
        const bool ok = *c.size <= r.limit;
        s << (ok ? " ✓" : " ✗");
        if (!ok) over.push_back(std::string(kColumns[i]) + " " + thousands(*c.size) + " > " + thousands(r.limit));
      }
      s << " |";
    }
    if (r.kind == Kind::info) {
      s << " (no limit) |\n";
    } else if (over.empty()) {
      s << (r.kind == Kind::carried ? " ✓ yes |\n" : " ✓ would fit |\n");
    } else {
      s << " ✗ ";
      for (std::size_t i = 0; i < over.size(); ++i) s << (i ? "; " : "") << over[i];
      s << (r.kind == Kind::what_if ? " (hence the dual track) |\n" : " |\n");
    }
  }
  return s.str();
}

std::string check_invariants(const Ledger& l) {
  for (const auto& r : l.rows) {
    if (r.kind != Kind::carried) continue;
    for (std::size_t i = 0; i < r.cells.size(); ++i)
      if (r.cells[i].size && *r.cells[i].size > r.limit)
        return r.field + " (" + kColumns[i] + "): " + std::to_string(*r.cells[i].size) + " > " + std::to_string(r.limit);
    if (r.limit > kMaxFrameBytes) return r.field + ": limit above kMaxFrameBytes";
  }
  const auto* leaf = l.find("what if: ML-DSA leaf certificate in a 5,500 field");
  if (leaf == nullptr || !leaf->cells[2].size) return "no ML-DSA-87 certificate measured";
  if (*leaf->cells[2].size <= limit::kCertificate)
    return "the ML-DSA-87 certificate PEM (" + std::to_string(*leaf->cells[2].size) +
           ") fits 5,500: the dual track would not be needed";
  return "";
}

}  // namespace pqcea::ocpp::ledger
