// The charging-station core (include/pqcea/host/ocpp/station.hpp; docs/ocpp.md).
#include "pqcea/host/ocpp/station.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/boot_image.hpp"
#include "pqcea/host/classical_pki.hpp"
#include "pqcea/host/csr.hpp"
#include "pqcea/host/device_sim.hpp"
#include "pqcea/host/hex.hpp"
#include "ocpp_internal.hpp"

namespace pqcea::ocpp {

namespace classical = pki::classical;

const char* to_string(PqcMode m) {
  switch (m) {
    case PqcMode::off: return "Off";
    case PqcMode::hybrid: return "Hybrid";
    case PqcMode::required: return "Required";
  }
  return "?";
}

std::optional<PqcMode> pqc_mode_from(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "off") return PqcMode::off;
  if (t == "hybrid") return PqcMode::hybrid;
  if (t == "required") return PqcMode::required;
  return std::nullopt;
}

namespace {
constexpr std::int64_t kCallTimeout = 30;    // seconds before an unanswered call counts as lost
constexpr std::int64_t kBootRetry = 10;      // default interval while Pending / Rejected
}  // namespace

struct Station::Impl {
  StationConfig cfg;
  StationPorts& ports;
  StationStatus st;
  StationCertificates certs;
  StationCertificates previous;  // kept until the new certificate was used successfully (A03)
  bool new_certificate_unconfirmed = false;
  IdSource ids{"s"};
  std::deque<std::string> out;
  Bytes exporter;
  bool online = false;

  // Calls in flight: id -> (action, when sent, what to do with the result).
  struct Pending {
    std::string action;
    std::int64_t sent = 0;
    std::function<void(const Json&)> on_result;
  };
  std::map<std::string, Pending> pending;

  std::int64_t heartbeat_interval = 0, next_heartbeat = 0, next_boot = 0;
  std::int64_t boot_interval = kBootRetry;
  std::int64_t now = 0;

  // Certificate update in progress (A02): the keys of the CSRs sent.
  std::optional<classical::EcKey> pending_ec;
  std::optional<sim::KeyPair> pending_pqc;
  // A02.FR.17/18: the SignCertificate request the CSMS accepted, sent again (same CSRs, same keys,
  // so a late CertificateSigned for an earlier copy still fits) while no CertificateSigned comes.
  Json sign_request;
  std::int64_t certificate_due = 0;  // when to send it again; 0 = not waiting
  int sign_resends = 0;
  // A security event to send once a boot is Accepted (the connection it concerns failed).
  std::optional<std::pair<std::string, std::string>> deferred_security_event;

  // Firmware update in progress (L01).
  struct Update {
    std::int64_t request_id = 0;
    std::string location, signing_certificate;
    Bytes signature;
  };
  std::optional<Update> update;
  bool report_installed_after_boot = false;
  std::int64_t installed_request_id = 0;

  // Charging session.
  std::string transaction_id;
  int seq_no = 0;
  double meter_wh = 0;

  Impl(StationConfig c, StationPorts& p) : cfg(std::move(c)), ports(p) {}

  void send_call(std::string_view action, Json payload, std::function<void(const Json&)> on_result = {}) {
    const std::string id = ids.next();
    out.push_back(call_frame(id, action, payload));
    pending[id] = Pending{std::string(action), now, std::move(on_result)};
  }

  void security_event(const std::string& type, const std::string& tech_info) {
    st.security_events.push_back(type);
    send_call("SecurityEventNotification",
              Json{{"type", type}, {"timestamp", rfc3339(now)}, {"techInfo", tech_info.substr(0, limit::kTechInfo)}});
  }

  // ---- B01/B02 ------------------------------------------------------------------------------
  void send_boot() {
    Json cs{{"model", cfg.model}, {"vendorName", cfg.vendor}, {"serialNumber", cfg.station_id.substr(0, limit::kSerialNumber)},
            {"firmwareVersion", cfg.firmware_version}};
    Json req{{"reason", cfg.boot_after_firmware_update ? "FirmwareUpdate" : "PowerUp"}, {"chargingStation", cs}};
    if (cfg.mode != PqcMode::off) {
      Json cd = custom_data();
      cd["pqcMode"] = to_string(cfg.mode);
      cd["attestation"] = true;
      req["customData"] = cd;
    }
    st.boot = StationStatus::Boot::sent;
    send_call("BootNotification", req, [this](const Json& r) { on_boot_result(r); });
  }

  void on_boot_result(const Json& r) {
    const auto status = enum_field(r, "status", {"Accepted", "Pending", "Rejected"});
    const auto interval = r.contains("interval") && r["interval"].is_number_integer() ? r["interval"].get<std::int64_t>() : 0;
    if (status == "Accepted") {
      if (cfg.mode == PqcMode::required && !st.attested) {
        // The CSMS skipped the post-quantum track: a downgrade this station does not accept.
        security_event("PqcDowngradeAttempt", "BootNotification Accepted without attestation");
        st.boot = StationStatus::Boot::rejected;
        ++st.boots_rejected;
        next_boot = now + kBootRetry;
        return;
      }
      if (cfg.mode == PqcMode::hybrid && !st.attested)
        security_event("PqcDowngradeAttempt", "CSMS accepted the boot without the post-quantum attestation");
      st.boot = StationStatus::Boot::accepted;
      ++st.boots_accepted;
      heartbeat_interval = interval > 0 ? interval : 300;
      next_heartbeat = now + heartbeat_interval;
      // A03: the new certificate has now been used on a connection that the CSMS accepted.
      if (new_certificate_unconfirmed) {
        previous = StationCertificates{};
        new_certificate_unconfirmed = false;
      }
      send_call("StatusNotification", Json{{"timestamp", rfc3339(now)},
                                           {"connectorStatus", "Available"},
                                           {"evseId", 1},
                                           {"connectorId", 1}});
      if (report_installed_after_boot) {
        report_installed_after_boot = false;
        firmware_status("Installed", installed_request_id);
        ++st.firmware_installed;
      }
      if (deferred_security_event) {
        security_event(deferred_security_event->first, deferred_security_event->second);
        deferred_security_event.reset();
      }
      if (certificate_due_for_renewal()) start_certificate_update();
    } else {
      st.boot = status == "Pending" ? StationStatus::Boot::pending : StationStatus::Boot::rejected;
      if (status == "Rejected") ++st.boots_rejected;
      boot_interval = interval > 0 ? interval : kBootRetry;
      next_boot = now + boot_interval;
    }
  }

  // ---- DataTransfer (the post-quantum track) -----------------------------------------------
  Json on_data_transfer(const Json& req) {
    const auto vendor = string_field(req, "vendorId", limit::kVendorIdLength);
    if (vendor != kVendorId) return Json{{"status", "UnknownVendorId"}};
    const auto message = optional_string(req, "messageId", limit::kMessageId).value_or("");
    if (message != "AttestationChallenge") return Json{{"status", "UnknownMessageId"}};
    if (cfg.mode == PqcMode::off) return Json{{"status", "Rejected"}};
    const auto it = req.find("data");
    if (it == req.end() || !it->is_object()) throw RpcError("FormatViolation", "AttestationChallenge: data is not an object");
    const auto request_id = int_field(*it, "requestId");
    const auto nonce = host::hex_decode(string_field(*it, "nonce", 128));
    if (!nonce || nonce->size() < 16 || nonce->size() > 64)
      throw RpcError("PropertyConstraintViolation", "AttestationChallenge: nonce is not 16..64 bytes of hex");
    // The evidence is bound to this connection: its nonce claim is SHA-256(nonce || exporter).
    const auto eat_nonce = detail::binding_nonce(*nonce, exporter);
    const Bytes evidence = ports.evidence(eat_nonce);
    Json data{{"requestId", request_id},
              {"evidence", detail::base64(evidence)},
              {"certificate", ports.device_certificate_pem()}};
    send_call("DataTransfer",
              Json{{"vendorId", std::string(kVendorId)}, {"messageId", "AttestationEvidence"}, {"data", data}},
              [this](const Json& r) { on_evidence_answer(r); });
    return Json{{"status", "Accepted"}};
  }

  void on_evidence_answer(const Json& r) {
    const auto status = string_field(r, "status", 32);
    const auto it = r.find("data");
    if (status == "Accepted" && it != r.end() && it->is_object()) {
      st.attestation_status = optional_string(*it, "status", 32).value_or("");
      st.attested = st.attestation_status == "affirming";
    } else {
      st.attestation_status = it != r.end() && it->is_object() ? optional_string(*it, "error", 64).value_or(status) : status;
      st.attested = false;
    }
  }

  // ---- A02/A03 certificate update -------------------------------------------------------------
  // Forgets the certificate request in progress (answered, refused, given up, or its connection gone).
  void end_certificate_request() {
    pending_ec.reset();
    pending_pqc.reset();
    sign_request = Json();
    certificate_due = 0;
    sign_resends = 0;
  }

  void start_certificate_update() {
    if (pending_ec) return;  // one at a time
    pending_ec = classical::EcKey::generate();
    Json req;
    if (cfg.mode != PqcMode::off) {
      pending_pqc = sim::KeyPair::generate();
      req["csr"] = classical::make_csr_pem(*pending_ec, cfg.station_id, cfg.organization, pending_pqc->pk);
      const auto signer = pki::mldsa_signer(pki::Algorithm::MlDsa87, pending_pqc->seed);
      pki::Name subject;
      subject.organization = cfg.organization;
      subject.common_name = cfg.station_id;
      Json cd = custom_data();
      cd["pqcCsr"] = pki::to_pem(pki::build_csr(subject, *signer), "CERTIFICATE REQUEST");
      req["customData"] = cd;
    } else {
      req["csr"] = classical::make_csr_pem(*pending_ec, cfg.station_id, cfg.organization, {});
    }
    req["certificateType"] = "ChargingStationCertificate";
    sign_request = std::move(req);
    send_sign_request();
  }

  void send_sign_request() {
    send_call("SignCertificate", sign_request, [this](const Json& r) {
      if (!pending_ec) return;  // CertificateSigned came before this answer
      if (string_field(r, "status", 16) != "Accepted") {
        end_certificate_request();
        ++st.certificates_refused;
        return;
      }
      // A02.FR.17/18: wait CertSigningWaitMinimum, doubled for every resend.
      certificate_due = now + (cfg.cert_signing_wait_minimum << sign_resends);
    });
  }

  // Called by tick(): the CSMS accepted the request but sent no CertificateSigned in time.
  void certificate_wait_over() {
    certificate_due = 0;
    if (sign_resends >= cfg.cert_signing_repeat_times) {
      st.protocol_errors.push_back("SignCertificate: no CertificateSigned after " + std::to_string(sign_resends + 1) +
                                   " requests (CertSigningRepeatTimes " + std::to_string(cfg.cert_signing_repeat_times) + ")");
      end_certificate_request();
      ++st.certificates_refused;
      return;
    }
    ++sign_resends;
    send_sign_request();
  }

  // A03: whether the certificates call for a new one (none yet, or expiring within the threshold).
  bool certificate_due_for_renewal() const {
    return certs.empty() || certs.not_after - now < cfg.renew_before_seconds;
  }

  // Why a CertificateSigned is refused, or "" to install it.
  std::string check_certificate_signed(const std::string& chain, const Json* cd, std::string& pqc_chain) {
    if (!pending_ec) return "no certificate request outstanding";
    const auto parts = classical::split_pem_chain(chain);
    if (parts.empty()) return "certificateChain holds no certificate";
    if (const auto why = classical_chain_problem(parts[0]); !why.empty())
      return "classical certificate: " + why;
    const auto leaf = classical::inspect_certificate_pem(parts[0]);
    if (leaf.common_name != cfg.station_id) return "classical certificate names " + leaf.common_name;
    if (detail::classical_spki(parts[0]) != pending_ec->spki_der())
      return "classical certificate is not for the key of the request";
    if (!pending_pqc) return "";
    if (cd == nullptr || !cd->contains("pqcCertificateChain") || !(*cd)["pqcCertificateChain"].is_string())
      return "no pqcCertificateChain";
    pqc_chain = (*cd)["pqcCertificateChain"].get<std::string>();
    const auto pqc = detail::parse_pem_certificates(pqc_chain);
    if (pqc.empty()) return "pqcCertificateChain holds no certificate";
    if (pqc[0].public_key != pending_pqc->pk) return "ML-DSA certificate is not for the key of the request";
    if (pqc[0].subject.common_name != cfg.station_id) return "ML-DSA certificate names " + pqc[0].subject.common_name;
    const pki::TrustStore trust = pqc_trust();
    if (trust.roots().empty()) return "no ML-DSA root configured or installed";
    const auto chain_ok = pki::validate_chain(pqc[0], std::span<const pki::Certificate>(pqc).subspan(1), trust, now,
                                              pki::mldsa_verify);
    if (!chain_ok) return "ML-DSA certificate: " + chain_ok.reason;
    // The binding (RFC 9763): the ML-DSA certificate names the classical one issued with it.
    const auto related = pki::related_certificate_hash(pqc[0]);
    if (!related || *related != detail::sha256(leaf.der)) return "ML-DSA certificate does not name the classical one";
    return "";
  }

  Json on_certificate_signed(const Json& req) {
    const auto chain = string_field(req, "certificateChain", limit::kCertificateChain);
    const Json* cd = our_custom_data(req);
    std::string pqc_chain;
    std::string why;
    try {
      why = check_certificate_signed(chain, cd, pqc_chain);
    } catch (const std::exception& e) {
      why = e.what();
    }
    if (why == "no pqcCertificateChain" && cfg.mode == PqcMode::hybrid) {
      // A classical CSMS: install the classical certificate, report the downgrade.
      security_event("PqcDowngradeAttempt", "CertificateSigned without the ML-DSA certificate");
      pending_pqc.reset();
      why.clear();
    }
    if (!why.empty()) {
      end_certificate_request();
      ++st.certificates_refused;
      security_event(why == "no pqcCertificateChain" ? "PqcDowngradeAttempt" : "InvalidChargingStationCertificate", why);
      return Json{{"status", "Rejected"}};
    }
    previous = certs;
    new_certificate_unconfirmed = !previous.empty();
    certs.classical_pem = chain;
    certs.classical_key_pem = pending_ec->private_pem();
    certs.not_after = classical::inspect_certificate_pem(classical::split_pem_chain(chain)[0]).not_after;
    certs.pqc_chain_pem = pqc_chain;
    if (pending_pqc) certs.pqc_seed = pending_pqc->seed;
    end_certificate_request();
    ++st.certificates_installed;
    return Json{{"status", "Accepted"}};
  }

  // ---- L01/L02 firmware update ------------------------------------------------------------
  void firmware_status(const std::string& status, std::int64_t request_id) {
    st.last_firmware_status = status;
    send_call("FirmwareStatusNotification", Json{{"status", status}, {"requestId", request_id}});
  }

  Json on_update_firmware(const Json& req) {
    const auto request_id = int_field(req, "requestId");
    const auto& fw = object_field(req, "firmware");
    Update u;
    u.request_id = request_id;
    u.location = string_field(fw, "location", limit::kFirmwareLocation);
    string_field(fw, "retrieveDateTime", 64);
    u.signing_certificate = optional_string(fw, "signingCertificate", limit::kSigningCertificate).value_or("");
    const auto sig_b64 = optional_string(fw, "signature", limit::kFirmwareSignature).value_or("");
    if (update) return Json{{"status", "Rejected"}};
    // L01.FR.02: an invalid signing certificate is refused before anything is downloaded.
    std::string cert_problem;
    if (u.signing_certificate.empty() || sig_b64.empty()) {
      cert_problem = "no signing certificate or signature";
    } else {
      try {
        cert_problem = classical_chain_problem(u.signing_certificate);
      } catch (const std::exception& e) {
        cert_problem = e.what();
      }
    }
    if (!cert_problem.empty()) {
      security_event("InvalidFirmwareSigningCertificate", cert_problem);
      return Json{{"status", "InvalidCertificate"}};
    }
    const auto sig = detail::unbase64(sig_b64);
    if (!sig) throw RpcError("PropertyConstraintViolation", "firmware.signature is not base64");
    u.signature = *sig;
    update = u;
    // The answer goes out before the first status notification (L01.FR.01 order).
    out_after_answer.push_back([this, request_id, loc = u.location] {
      firmware_status("Downloading", request_id);
      ports.start_download(request_id, loc);
    });
    return Json{{"status", "Accepted"}};
  }
  std::vector<std::function<void()>> out_after_answer;

  void on_download(std::int64_t request_id, std::optional<Bytes> file) {
    if (!update || update->request_id != request_id) return;
    const Update u = *update;
    update.reset();
    if (!file) {
      firmware_status("DownloadFailed", request_id);
      return;
    }
    firmware_status("Downloaded", request_id);
    // Both signatures must hold: the classical one over SHA-256 of the file (standard field) and the
    // post-quantum one inside the image, by the key the bootloader pins.
    bool classical_ok = false;
    try {
      classical_ok = classical::verify_sha256(u.signing_certificate, *file, u.signature);
    } catch (const std::exception&) {
    }
    if (!classical_ok) {
      firmware_status("InvalidSignature", request_id);
      security_event("InvalidFirmwareSignature", "classical signature does not verify");
      return;
    }
    const auto check = host::boot_image::check_image(*file, cfg.image_key_id, cfg.security_counter);
    if (!check.ok && check.why.reason == boot::Reject::rollback) {
      firmware_status("InstallVerificationFailed", request_id);
      security_event("FirmwareRollbackAttempt", check.reason);
      return;
    }
    if (!check.ok) {
      firmware_status("InvalidSignature", request_id);
      security_event("InvalidFirmwareSignature", "post-quantum image signature: " + check.reason);
      return;
    }
    firmware_status("SignatureVerified", request_id);
    firmware_status("Installing", request_id);
    firmware_status("InstallRebooting", request_id);
    cfg.security_counter = std::max(cfg.security_counter, check.image.manifest.security_counter);
    const auto& v = check.image.manifest.version;
    cfg.firmware_version = std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
    cfg.boot_after_firmware_update = true;
    report_installed_after_boot = true;
    installed_request_id = request_id;
    ports.reboot_into(check.payload, cfg.firmware_version);
  }

  // ---- M01-M06 (roots) -----------------------------------------------------------------------
  // The installed roots, by certificate type (M01-M06). The configured classical roots start as
  // CSMS roots (they also anchor the firmware signers); the classical verification anchor is their
  // union. A root may have an ML-DSA twin (customData.pqcCertificate, docs/ocpp.md "PQC roots over
  // the extension"): it joins the ML-DSA anchor next to the configured fleet root, and is listed
  // and deleted with its classical root.
  struct InstalledRoot {
    std::string type, pem;
    std::optional<pki::Certificate> pqc;
  };
  std::vector<InstalledRoot> roots;
  void load_roots() {
    if (!roots.empty()) return;
    for (auto& pem : classical::split_pem_chain(cfg.classical_root_pem)) roots.push_back({"CSMSRootCertificate", pem, {}});
  }
  void rebuild_anchor() {
    cfg.classical_root_pem.clear();
    for (const auto& r : roots) cfg.classical_root_pem += r.pem;
  }
  // The ML-DSA anchors: the configured fleet root(s) and the twins installed with classical roots.
  pki::TrustStore pqc_trust() {
    load_roots();
    pki::TrustStore trust;
    for (const auto& c : detail::parse_pem_certificates(cfg.pqc_root_pem)) trust.add(c, pki::mldsa_verify);
    for (const auto& r : roots)
      if (r.pqc) trust.add(*r.pqc, pki::mldsa_verify);
    return trust;
  }
  // Why `leaf_pem` chains to none of the installed classical roots, or "". verify_certificate
  // trusts one root, so each is tried: before, only the first of the PEM text counted and a root
  // installed with InstallCertificate anchored nothing (found by OcppStationRoots.* unit tests).
  std::string classical_chain_problem(const std::string& leaf_pem) {
    load_roots();
    std::string first_problem = "no classical root installed";
    for (const auto& r : roots) {
      const auto problem = classical::verify_certificate(leaf_pem, r.pem, now);
      if (problem.empty()) return "";
      if (&r == &roots.front()) first_problem = problem;
    }
    return first_problem;
  }
  // Root changes over security profile 1 would let anyone on the path replace the trust anchors.
  bool refuse_on_profile_1(const std::string& what) {
    if (cfg.security_profile >= 2) return false;
    security_event("InvalidCsmsCertificate", what + " refused over security profile 1");
    return true;
  }

  Json on_install_certificate(const Json& req) {
    const auto type = enum_field(req, "certificateType", {"V2GRootCertificate", "MORootCertificate",
                                                         "CSMSRootCertificate", "ManufacturerRootCertificate"});
    const auto cert = string_field(req, "certificate", limit::kCertificate);
    if (refuse_on_profile_1("InstallCertificate")) return Json{{"status", "Rejected"}};
    load_roots();
    try {
      const auto info = classical::inspect_certificate_pem(cert);
      if (info.not_after < now) return Json{{"status", "Rejected"}};
    } catch (const std::exception&) {
      return Json{{"status", "Failed"}};
    }
    InstalledRoot installed{type, classical::split_pem_chain(cert).at(0), {}};
    // A station off the dual track installs the classical root only, whatever rides along.
    if (cfg.mode != PqcMode::off) {
      const Json* cd = our_custom_data(req);
      const auto pqc_pem = cd != nullptr ? optional_string(*cd, "pqcCertificate", limit::kPqcCertificate) : std::nullopt;
      if (pqc_pem) {
        pki::Certificate twin;
        if (const auto why = detail::pqc_root_problem(*pqc_pem, now, twin); !why.empty()) {
          security_event("InvalidCsmsCertificate", "InstallCertificate pqcCertificate: " + why);
          return Json{{"status", "Rejected"}};
        }
        installed.pqc = std::move(twin);
      } else if (cfg.mode == PqcMode::required && type == "CSMSRootCertificate") {
        // A CSMS root without its ML-DSA twin would let the CSMS PKI stay classical only.
        security_event("PqcDowngradeAttempt", "InstallCertificate CSMSRootCertificate without pqcCertificate");
        return Json{{"status", "Rejected"}};
      }
    }
    roots.push_back(std::move(installed));
    rebuild_anchor();
    return Json{{"status", "Accepted"}};
  }

  // OCPP 2.0.1 CertificateHashDataType of a root (self-issued: its own name and key are the issuer's).
  static Json hash_data_json(const classical::CertificateHash& h) {
    return Json{{"hashAlgorithm", "SHA256"},
                {"issuerNameHash", h.issuer_name_hash},
                {"issuerKeyHash", h.issuer_key_hash},
                {"serialNumber", h.serial_number}};
  }
  static Json hash_data(const std::string& pem) { return hash_data_json(classical::certificate_hash_data(pem, pem)); }
  static Json hash_data(const pki::Certificate& root) {
    return hash_data_json(classical::certificate_hash_of(root.issuer_der, root.public_key, root.serial));
  }

  Json on_get_installed_ids(const Json& req) {
    load_roots();
    std::vector<std::string> wanted;
    if (const auto it = req.find("certificateType"); it != req.end()) {
      if (!it->is_array()) throw RpcError("TypeConstraintViolation", "'certificateType' is not an array");
      for (const auto& t : *it) {
        if (!t.is_string()) throw RpcError("TypeConstraintViolation", "'certificateType' holds a non-string");
        wanted.push_back(t.get<std::string>());
      }
    }
    Json chain = Json::array();
    for (const auto& r : roots) {
      if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), r.type) == wanted.end()) continue;
      Json entry{{"certificateType", r.type}, {"certificateHashData", hash_data(r.pem)}};
      if (r.pqc) {
        Json cd = custom_data();
        cd["pqcCertificateHashData"] = hash_data(*r.pqc);
        entry["customData"] = cd;
      }
      chain.push_back(entry);
    }
    if (chain.empty()) return Json{{"status", "NotFound"}};
    return Json{{"status", "Accepted"}, {"certificateHashDataChain", chain}};
  }

  Json on_delete_certificate(const Json& req) {
    const auto& want = object_field(req, "certificateHashData");
    const auto name_hash = string_field(want, "issuerNameHash", 128);
    const auto key_hash = string_field(want, "issuerKeyHash", 128);
    const auto serial = string_field(want, "serialNumber", 40);
    if (refuse_on_profile_1("DeleteCertificate")) return Json{{"status", "Failed"}};
    load_roots();
    for (auto it = roots.begin(); it != roots.end(); ++it) {
      const auto h = hash_data(it->pem);
      if (h["issuerNameHash"] != name_hash || h["issuerKeyHash"] != key_hash || h["serialNumber"] != serial) continue;
      // The last CSMS root is never deleted: the station could not trust any CSMS afterwards (M04).
      const auto csms_roots = std::count_if(roots.begin(), roots.end(), [](const auto& r) { return r.type == "CSMSRootCertificate"; });
      if (it->type == "CSMSRootCertificate" && csms_roots == 1) return Json{{"status", "Failed"}};
      roots.erase(it);  // with its ML-DSA twin, which leaves the ML-DSA anchor too
      rebuild_anchor();
      return Json{{"status", "Accepted"}};
    }
    return Json{{"status", "NotFound"}};
  }

  Json on_trigger(const Json& req) {
    const auto what = string_field(req, "requestedMessage", 64);
    if (what == "BootNotification") {
      if (st.boot == StationStatus::Boot::accepted) return Json{{"status", "Rejected"}};  // B01.FR.?: only while not Accepted
      out_after_answer.push_back([this] { send_boot(); });
      return Json{{"status", "Accepted"}};
    }
    // A station whose boot ended Rejected (by the CSMS, or by itself: a Required-mode station
    // facing a CSMS without the post-quantum track) acts on no request but a new boot; before,
    // it took a SignChargingStationCertificate trigger from the CSMS it had just refused and
    // sent it a CSR (found against csms_peer, tests/ocpp/station_vs_csms_peer.sh).
    if (st.boot == StationStatus::Boot::rejected) return Json{{"status", "Rejected"}};
    if (what == "Heartbeat") {
      out_after_answer.push_back([this] { send_call("Heartbeat", Json::object()); });
      return Json{{"status", "Accepted"}};
    }
    if (what == "SignChargingStationCertificate") {
      out_after_answer.push_back([this] { start_certificate_update(); });
      return Json{{"status", "Accepted"}};
    }
    return Json{{"status", "NotImplemented"}};
  }

  Json on_get_variables(const Json& req) {
    const auto it = req.find("getVariableData");
    if (it == req.end() || !it->is_array() || it->empty()) throw RpcError("OccurrenceConstraintViolation", "getVariableData");
    Json results = Json::array();
    for (const auto& d : *it) {
      const auto& comp = object_field(d, "component");
      const auto& var = object_field(d, "variable");
      const auto cname = string_field(comp, "name", 50);
      const auto vname = string_field(var, "name", 50);
      const auto inst = optional_string(var, "instance", 50).value_or("");
      Json r{{"component", comp}, {"variable", var}};
      if (cname == "CustomizationCtrlr" && vname == "CustomImplementationEnabled" && inst == kVendorId) {
        r["attributeStatus"] = "Accepted";
        r["attributeValue"] = cfg.mode == PqcMode::off ? "false" : "true";
      } else if (cname == "PqcCtrlr" && vname == "Mode") {
        r["attributeStatus"] = "Accepted";
        r["attributeValue"] = to_string(cfg.mode);
      } else {
        r["attributeStatus"] = "UnknownComponent";
      }
      results.push_back(r);
    }
    return Json{{"getVariableResult", results}};
  }

  // ---- dispatch -----------------------------------------------------------------------------
  Json handle_call(const Frame& f) {
    if (f.action == "DataTransfer") return on_data_transfer(f.payload);
    if (f.action == "TriggerMessage") return on_trigger(f.payload);
    if (f.action == "CertificateSigned") return on_certificate_signed(f.payload);
    if (f.action == "UpdateFirmware") return on_update_firmware(f.payload);
    if (f.action == "InstallCertificate") return on_install_certificate(f.payload);
    if (f.action == "GetInstalledCertificateIds") return on_get_installed_ids(f.payload);
    if (f.action == "DeleteCertificate") return on_delete_certificate(f.payload);
    if (f.action == "GetVariables") return on_get_variables(f.payload);
    throw RpcError("NotImplemented", f.action + " is not implemented by this station");
  }

  void received(std::string_view text) {
    std::string id;
    Frame f;
    try {
      f = parse_frame(text, &id);
    } catch (const RpcError& e) {
      st.protocol_errors.push_back(e.code() + ": " + e.what());
      out.push_back(error_frame(id, e.code(), e.what()));
      return;
    }
    if (f.type == FrameType::call) {
      // The answer goes out before any call the handler made (its evidence, a security event):
      // the CSMS hears the outcome of its request first.
      const auto answer_at = static_cast<std::ptrdiff_t>(out.size());
      try {
        const Json answer = handle_call(f);
        out.insert(out.begin() + answer_at, result_frame(f.id, answer));
      } catch (const RpcError& e) {
        st.protocol_errors.push_back(f.action + ": " + e.code() + ": " + e.what());
        out.insert(out.begin() + answer_at, error_frame(f.id, e.code(), e.what()));
      } catch (const std::exception& e) {
        st.protocol_errors.push_back(f.action + ": InternalError: " + e.what());
        out.insert(out.begin() + answer_at, error_frame(f.id, "InternalError", e.what()));
      }
      auto followups = std::move(out_after_answer);
      out_after_answer.clear();
      for (auto& fn : followups) fn();
      return;
    }
    const auto it = pending.find(f.id);
    if (it == pending.end()) return;  // an answer to nothing we asked: ignored (Part 4 §4.1.4)
    Pending p = std::move(it->second);
    pending.erase(it);
    if (f.type == FrameType::error) {
      st.protocol_errors.push_back(p.action + " answered " + f.error_code + ": " + f.error_description);
      if (p.action == "BootNotification") next_boot = now + kBootRetry;
      return;
    }
    if (!p.on_result) return;
    try {
      p.on_result(f.payload);
    } catch (const std::exception& e) {
      st.protocol_errors.push_back(p.action + " result: " + e.what());
    }
  }

  void tick() {
    if (!online) return;
    for (auto it = pending.begin(); it != pending.end();) {
      if (now - it->second.sent > kCallTimeout) {
        st.protocol_errors.push_back(it->second.action + ": no answer within " + std::to_string(kCallTimeout) + " s");
        if (it->second.action == "BootNotification") next_boot = now;
        it = pending.erase(it);
      } else {
        ++it;
      }
    }
    const bool boot_waiting = st.boot == StationStatus::Boot::pending || st.boot == StationStatus::Boot::rejected;
    if (boot_waiting && next_boot != 0 && now >= next_boot) {
      next_boot = 0;
      send_boot();
    }
    if (certificate_due != 0 && now >= certificate_due) certificate_wait_over();
    if (st.boot == StationStatus::Boot::accepted && now >= next_heartbeat) {
      next_heartbeat = now + heartbeat_interval;
      send_call("Heartbeat", Json::object());
    }
  }

  // ---- charging session ---------------------------------------------------------------------
  void transaction_event(const std::string& type, const std::string& trigger, const Json& extra) {
    Json req{{"eventType", type},
             {"timestamp", rfc3339(now)},
             {"triggerReason", trigger},
             {"seqNo", seq_no++},
             {"transactionInfo", Json{{"transactionId", transaction_id}}},
             {"evse", Json{{"id", 1}, {"connectorId", 1}}}};
    for (auto& [k, v] : extra.items()) req[k] = v;
    send_call("TransactionEvent", req);
  }
};

Station::Station(StationConfig config, StationPorts& ports) : impl_(std::make_unique<Impl>(std::move(config), ports)) {}
Station::~Station() = default;

void Station::connected(std::int64_t now, Bytes tls_exporter) {
  impl_->now = now;
  impl_->online = true;
  impl_->exporter = std::move(tls_exporter);
  impl_->st.attested = false;
  impl_->send_boot();
}

void Station::disconnected() {
  impl_->online = false;
  impl_->pending.clear();
  // A certificate request dies with its connection (the CSMS answers on the one it came from).
  impl_->end_certificate_request();
  impl_->out.clear();
  impl_->st.boot = StationStatus::Boot::disconnected;
}

void Station::received(std::string_view frame, std::int64_t now) {
  impl_->now = now;
  impl_->received(frame);
}

void Station::tick(std::int64_t now) {
  impl_->now = now;
  impl_->tick();
}

std::vector<std::string> Station::take_outgoing() {
  std::vector<std::string> v(std::make_move_iterator(impl_->out.begin()), std::make_move_iterator(impl_->out.end()));
  impl_->out.clear();
  return v;
}

void Station::download_done(std::int64_t request_id, std::optional<Bytes> file, std::int64_t now) {
  impl_->now = now;
  impl_->on_download(request_id, std::move(file));
}

void Station::start_transaction(std::int64_t now, const std::string& id_token) {
  auto& i = *impl_;
  i.now = now;
  if (i.st.boot != StationStatus::Boot::accepted || !i.transaction_id.empty()) return;
  i.transaction_id = i.cfg.station_id.substr(0, 12) + "-" + std::to_string(now % 1000000);
  i.meter_wh = 0;
  i.send_call("StatusNotification",
              Json{{"timestamp", rfc3339(now)}, {"connectorStatus", "Occupied"}, {"evseId", 1}, {"connectorId", 1}});
  i.transaction_event("Started", "Authorized",
                      Json{{"idToken", Json{{"idToken", id_token}, {"type", "ISO14443"}}},
                           {"meterValue", Json::array({Json{{"timestamp", rfc3339(now)},
                                                            {"sampledValue", Json::array({Json{{"value", 0}}})}}})}});
  i.meter_wh += 7400.0 / 4;  // a quarter of an hour at 7.4 kW
  i.transaction_event("Updated", "MeterValuePeriodic",
                      Json{{"meterValue", Json::array({Json{{"timestamp", rfc3339(now)},
                                                            {"sampledValue", Json::array({Json{{"value", i.meter_wh}}})}}})}});
}

void Station::stop_transaction(std::int64_t now) {
  auto& i = *impl_;
  i.now = now;
  if (i.transaction_id.empty()) return;
  i.meter_wh += 7400.0 / 4;
  Json info{{"transactionId", i.transaction_id}, {"stoppedReason", "EVDisconnected"}};
  i.transaction_event("Ended", "EVCommunicationLost",
                      Json{{"transactionInfo", info},
                           {"meterValue", Json::array({Json{{"timestamp", rfc3339(now)},
                                                            {"sampledValue", Json::array({Json{{"value", i.meter_wh}}})}}})}});
  i.transaction_id.clear();
  i.send_call("StatusNotification",
              Json{{"timestamp", rfc3339(now)}, {"connectorStatus", "Available"}, {"evseId", 1}, {"connectorId", 1}});
}

const StationStatus& Station::status() const { return impl_->st; }
const StationCertificates& Station::certificates() const { return impl_->certs; }
void Station::set_certificates(StationCertificates c) { impl_->certs = std::move(c); }
bool Station::certificate_unconfirmed() const { return impl_->new_certificate_unconfirmed; }
const StationCertificates& Station::previous_certificates() const { return impl_->previous; }

void Station::certificate_unusable(const std::string& why) {
  auto& i = *impl_;
  if (!i.new_certificate_unconfirmed) return;
  // A03: the old certificate was kept for this; the CSMS hears why once a boot is Accepted again.
  i.certs = std::move(i.previous);
  i.previous = StationCertificates{};
  i.new_certificate_unconfirmed = false;
  i.deferred_security_event.emplace("FailedToAuthenticateAtCsms", "renewed certificate: " + why);
}
const StationConfig& Station::config() const { return impl_->cfg; }
bool Station::busy() const { return !impl_->pending.empty() || !impl_->out.empty() || impl_->update.has_value(); }

}  // namespace pqcea::ocpp
