// The fleet demo (docs/attestation.md): every step is the real code path a deployment uses —
// ML-DSA-87 keys and certificates, EAT tokens built by the freestanding builder, a real swtpm
// quote, the SQLite store and the appraiser. Only the devices are simulated.
#include <time.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "pqcea/attest/mldsa_cose.hpp"
#include "pqcea/attest/token.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/demo.hpp"
#include "pqcea/host/device_sim.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/host/pki.hpp"
#include "pqcea/host/tpm.hpp"
#include "pqcea/host/verifier/appraisal.hpp"
#include "pqcea/mldsa.hpp"

namespace pqcea::demo {
namespace {

using Bytes = std::vector<std::uint8_t>;
using Clock = std::chrono::steady_clock;

// CPU time of this thread: the machine is shared, so rates are measured in CPU seconds.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
using P87 = mldsa::MlDsa87;

enum class Fault { none, wrong_firmware, replayed_nonce, revoked, forged_signature };
const char* fault_name(Fault f) {
  switch (f) {
    case Fault::none: return "none";
    case Fault::wrong_firmware: return "wrong firmware";
    case Fault::replayed_nonce: return "replayed nonce";
    case Fault::revoked: return "revoked certificate";
    case Fault::forged_signature: return "forged signature";
  }
  return "?";
}

using sim::Firmware;
using sim::KeyPair;
using sim::sha256;

struct Device : sim::Device {
  Fault fault = Fault::none;
  bool tpm = false;
};

// What the demo expects the verifier to say for each planted fault.
struct Expectation {
  bool rejected;
  std::string code_or_status;  // rejection code, or the appraisal status
};
Expectation expected(const Device& d) {
  switch (d.fault) {
    case Fault::none: return {false, "affirming"};
    case Fault::wrong_firmware: return {false, "contraindicated"};
    case Fault::replayed_nonce: return {true, "nonce_used"};  // for the replayed copy
    case Fault::revoked: return {true, "device_revoked"};
    case Fault::forged_signature: return {true, "signature_invalid"};  // refused: not a verdict
  }
  return {false, ""};
}

// The fleet's trust anchors: the CA that certifies devices, the operator who signs reference
// values, the verifier that signs results. All ML-DSA-87.
struct Authorities {
  KeyPair ca_key = KeyPair::generate(), operator_key = KeyPair::generate(), verifier_key = KeyPair::generate();
  std::unique_ptr<pki::CertificateAuthority> ca;
  pki::TrustStore trust;
};

Authorities make_authorities(std::int64_t now) {
  Authorities a;
  auto ca_signer = pki::mldsa_signer(pki::Algorithm::MlDsa87, a.ca_key.seed);
  pki::Name ca_name;
  ca_name.organization = "PQC-Edge-Attestor demo fleet";
  ca_name.common_name = "Fleet Root CA (ML-DSA-87)";
  a.ca = std::make_unique<pki::CertificateAuthority>(
      pki::CertificateAuthority::create_root(ca_name, {now - 60, now + 10 * 365 * 86400LL}, ca_signer));
  a.trust.add(a.ca->certificate(), pki::mldsa_verify);
  return a;
}

// One gateway measures its boot into a real swtpm: each stage extends its image digest into
// PCR 0 (bl2) and PCR 4 (app). The reference PCR values follow from the same chain on a fresh TPM
// (all zero at startup).
struct GatewayTpm {
  std::unique_ptr<tpm::Swtpm> swtpm;
  std::unique_ptr<tpm::Tpm> tpm;
  std::map<std::string, tpm::PcrValues> pcr_refs;
  bool present() const { return tpm != nullptr; }
};

GatewayTpm start_gateway_tpm(const Firmware& gw) {
  GatewayTpm g;
  g.swtpm = std::make_unique<tpm::Swtpm>();
  g.tpm = std::make_unique<tpm::Tpm>(g.swtpm->tcti());
  tpm::PcrValues ref = g.tpm->read_pcrs();
  auto extend = [&](int pcr, const std::array<std::uint8_t, 32>& d) {
    g.tpm->extend(pcr, d);
    std::uint8_t cat[64];
    std::memcpy(cat, ref[static_cast<std::size_t>(pcr)].data(), 32);
    std::memcpy(cat + 32, d.data(), 32);
    hash::Sha256::hash(ref[static_cast<std::size_t>(pcr)].data(), cat, 64);
  };
  extend(0, gw.components[0].second);
  extend(4, gw.components[1].second);
  g.pcr_refs[gw.model] = ref;
  return g;
}

// The operator signs the reference values; the verifier loads them only through that signature.
verifier::Policy sign_and_load_policy(const std::vector<Firmware>& fws, const GatewayTpm& gw, const KeyPair& operator_key,
                                      const std::filesystem::path& policy_file) {
  const std::string policy_text = sim::policy_json(fws, gw.pcr_refs);
  auto operator_signer = pki::mldsa_signer(pki::Algorithm::MlDsa87, operator_key.seed);
  Bytes policy_sig = operator_signer->sign(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(policy_text.data()), policy_text.size()));
  std::ofstream(policy_file) << policy_text;
  return verifier::load_signed_policy(
      policy_text, policy_sig, [&](std::span<const std::uint8_t> m, std::span<const std::uint8_t> s) {
        return pki::mldsa_verify(pki::Algorithm::MlDsa87, operator_key.pk, m, s);
      });
}

// Makes the devices (planting the faults), certifies each and registers it. Registration
// validates the chain once; appraisal then trusts the registered key.
std::vector<Device> provision_fleet(std::size_t count, const std::vector<Firmware>& fws, const Authorities& auth,
                                    const GatewayTpm& gw, verifier::Store& store, std::int64_t now) {
  std::vector<Device> devices(count);
  const std::map<std::size_t, Fault> planted = {{3, Fault::wrong_firmware}, {4, Fault::wrong_firmware},
                                                {5, Fault::replayed_nonce}, {6, Fault::revoked},
                                                {7, Fault::forged_signature}};
  const std::size_t tpm_index = gw.present() ? 8 : SIZE_MAX;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    Device& d = devices[i];
    static_cast<sim::Device&>(d) = sim::make_device(i, (i == tpm_index) ? fws[2] : fws[i % 2]);
    d.tpm = i == tpm_index;
    if (auto it = planted.find(i); it != planted.end()) d.fault = it->second;

    pki::DeviceRequest req;
    req.device_id = d.id;
    req.public_key = d.key.pk;
    req.validity = {now - 60, now + 5 * 365 * 86400LL};
    pki::Certificate cert = auth.ca->issue_device(req);
    auto chain = pki::validate_chain(cert, {}, auth.trust, now, pki::mldsa_verify);
    if (!chain) throw std::runtime_error("device certificate does not validate: " + chain.reason);
    verifier::Device rec;
    rec.id = d.id;
    rec.model = d.fw->model;
    rec.sig_alg = "ML-DSA-87";
    rec.public_key = d.key.pk;
    rec.certificate = cert.der;
    rec.not_after = cert.validity.not_after;
    rec.registered_at = now;
    if (d.tpm) rec.tpm_ak = gw.tpm->attestation_key();
    store.put_device(rec);
  }
  return devices;
}

// The verifier keeps its key expanded: it signs one Merkle root per batch of results. The signer
// refers to the expanded key, so both live together, in place, and the key is wiped with them.
struct ResultSigner {
  std::array<std::uint8_t, P87::sk_bytes> sk{};
  std::optional<attest::MlDsaSigner<P87>> signer;
  explicit ResultSigner(const KeyPair& verifier_key) {
    std::array<std::uint8_t, P87::pk_bytes> pk{};
    if (mldsa::keygen_internal<P87>(pk, sk, std::span<const std::uint8_t, 32>(verifier_key.seed)) != Status::ok)
      throw std::runtime_error("verifier key expansion failed");
    signer.emplace(mldsa::PrivateKey<P87>::expanded(sk), host::system_rng());
  }
  ResultSigner(const ResultSigner&) = delete;
  ResultSigner& operator=(const ResultSigner&) = delete;
  ~ResultSigner() { secure_wipe(sk.data(), sk.size()); }
};

struct Attempt {
  std::size_t device;
  Bytes token;
  bool replay = false;
};

// Each device is challenged and answers with evidence; planted faults shape the evidence. The
// revoked device is revoked after it was challenged, and the replayed copy goes last, after the
// original was accepted.
std::vector<Attempt> collect_evidence(std::vector<Device>& devices, verifier::Appraiser& appraiser, verifier::Store& store,
                                      tpm::Tpm* gateway_tpm, std::int64_t now) {
  std::vector<Attempt> attempts;
  KeyPair forger = KeyPair::generate();
  for (std::size_t i = 0; i < devices.size(); ++i) {
    Device& d = devices[i];
    std::string err;
    Bytes nonce = appraiser.challenge(d.id, now, 300, &err);
    if (nonce.empty()) throw std::runtime_error("challenge failed for " + d.id + ": " + err);
    const KeyPair& key = d.fault == Fault::forged_signature ? forger : d.key;
    sim::EvidenceOptions eo;
    eo.signing_key = &key;
    eo.tamper_app = d.fault == Fault::wrong_firmware;
    eo.tpm = d.tpm ? gateway_tpm : nullptr;
    attempts.push_back({i, sim::build_evidence(d, nonce, eo), false});
    if (d.fault == Fault::revoked) store.revoke(d.id);
  }
  for (std::size_t i = 0; i < devices.size(); ++i)
    if (devices[i].fault == Fault::replayed_nonce)
      for (const auto& a : attempts)
        if (a.device == i) {
          attempts.push_back({i, a.token, true});
          break;
        }
  return attempts;
}

// Tokens arrive in batches (as a service would collect concurrent requests); each batch's
// results share one ML-DSA signature over their Merkle root.
std::vector<verifier::Outcome> appraise_all(verifier::Appraiser& appraiser, const std::vector<Attempt>& attempts,
                                            std::int64_t now) {
  std::vector<verifier::Outcome> outcomes;
  outcomes.reserve(attempts.size());
  constexpr std::size_t kBatch = 64;
  for (std::size_t b = 0; b < attempts.size(); b += kBatch) {
    std::vector<std::span<const std::uint8_t>> batch;
    for (std::size_t k = b; k < std::min(attempts.size(), b + kBatch); ++k) batch.emplace_back(attempts[k].token);
    for (auto& o : appraiser.appraise_batch(batch, now)) outcomes.push_back(std::move(o));
  }
  return outcomes;
}

// Raw ML-DSA-87 verifications per CPU-second on this machine, now, for comparison with the
// appraisal rate.
double raw_verify_rate(const attest::MlDsaVerifier<P87>& v87, const Bytes& sample, std::span<const std::uint8_t> pk,
                       std::size_t n) {
  cose::Sign1 msg;
  if (attest::decode_token(sample, msg) != Status::ok) throw std::runtime_error("sample token");
  Bytes tbs(attest::kScratchSize);
  std::size_t tbs_len = 0;
  if (cose::encode_sig_structure(msg.protected_bstr, msg.payload_bstr, tbs, tbs_len) != Status::ok)
    throw std::runtime_error("sig structure");
  const double cpu0 = thread_cpu_seconds();
  for (std::size_t i = 0; i < n; ++i)
    if (v87.verify(pk, std::span<const std::uint8_t>(tbs.data(), tbs_len), msg.signature) != Status::ok)
      throw std::runtime_error("raw verify failed");
  return static_cast<double>(n) / (thread_cpu_seconds() - cpu0);
}

// Every outcome compared with what was planted.
struct Tally {
  std::size_t affirming = 0, contraindicated = 0, warning = 0, rejected = 0, mismatches = 0;
  std::map<std::string, std::size_t> reasons;
  std::vector<std::string> fault_lines;
};

Tally check_outcomes(const std::vector<Device>& devices, const std::vector<Attempt>& attempts,
                     const std::vector<verifier::Outcome>& outcomes) {
  Tally t;
  for (std::size_t k = 0; k < attempts.size(); ++k) {
    const auto& a = attempts[k];
    const auto& o = outcomes[k];
    const Device& d = devices[a.device];
    Expectation e = expected(d);
    if (d.fault == Fault::replayed_nonce && !a.replay) e = {false, "affirming"};
    const bool ok = e.rejected ? (o.rejected && o.error == e.code_or_status) : (!o.rejected && o.status == e.code_or_status);
    if (!ok) ++t.mismatches;
    if (o.rejected) {
      ++t.rejected;
      ++t.reasons["rejected: " + o.message];
    } else if (o.status == "affirming") {
      ++t.affirming;
    } else {
      (o.status == "warning" ? t.warning : t.contraindicated)++;
      for (const auto& [claim, why] : o.claims.items())
        if (why.get<std::string>() != "ok") ++t.reasons[o.status + ": " + claim + ": " + why.get<std::string>()];
    }
    if (d.fault != Fault::none || d.tpm || !ok) {
      std::string what = o.rejected ? "rejected (" + o.error + ")" : o.status;
      std::string plant = d.tpm ? "TPM quote (swtpm)" : fault_name(d.fault);
      if (a.replay) plant += " (replay)";
      t.fault_lines.push_back((ok ? "  caught   " : "  MISSED   ") + d.id.substr(0, 12) + "  " + plant + " -> " + what);
    }
  }
  return t;
}

}  // namespace

int run_fleet_demo(const Options& opt, std::ostream& out) {
  if (opt.devices < 10) throw std::runtime_error("the demo needs at least 10 devices (--devices)");
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count();
  const auto t_start = Clock::now();

  const std::filesystem::path dir = opt.out_dir.empty() ? std::filesystem::path("build/demo") : std::filesystem::path(opt.out_dir);
  std::filesystem::create_directories(dir);
  const std::filesystem::path db_path = dir / "verifier.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path.string() + suffix);
  auto store = verifier::open_store("sqlite:" + db_path.string());

  // The firmware the manufacturer ships, the authorities, the one gateway with a TPM, the policy.
  const std::vector<Firmware> fws = sim::reference_firmware();
  const Authorities auth = make_authorities(now);
  const GatewayTpm gw = opt.use_tpm && tpm::swtpm_available() ? start_gateway_tpm(fws[2]) : GatewayTpm{};
  const verifier::Policy policy = sign_and_load_policy(fws, gw, auth.operator_key, dir / "policy.json");

  const auto t_prov = Clock::now();
  std::vector<Device> devices = provision_fleet(opt.devices, fws, auth, gw, *store, now);
  const double provision_s = std::chrono::duration<double>(Clock::now() - t_prov).count();

  attest::MlDsaVerifier<P87> v87;
  const auto result_signer = std::make_unique<ResultSigner>(auth.verifier_key);
  std::vector<std::uint8_t> verifier_kid(cose::kKidSize);
  cose::compute_kid(auth.verifier_key.pk, std::span<std::uint8_t, cose::kKidSize>(verifier_kid.data(), cose::kKidSize));
  verifier::Appraiser appraiser(*store, policy, {{cose::kAlgMlDsa87, &v87}}, {&*result_signer->signer, verifier_kid});

  const std::vector<Attempt> attempts = collect_evidence(devices, appraiser, *store, gw.tpm.get(), now);
  const double cpu_app = thread_cpu_seconds();
  const std::vector<verifier::Outcome> outcomes = appraise_all(appraiser, attempts, now);
  const double rate = static_cast<double>(attempts.size()) / (thread_cpu_seconds() - cpu_app);
  const double raw_rate = raw_verify_rate(v87, attempts[0].token, devices[0].key.pk, std::min<std::size_t>(attempts.size(), 1000));
  const Tally t = check_outcomes(devices, attempts, outcomes);

  // Every stored result is signed by the verifier: open one.
  auto last = store->last_result(devices[0].id);
  nlohmann::json ear = verifier::open_result(last->ear, v87, auth.verifier_key.pk);

  out << "PQC-Edge-Attestor fleet attestation demo\n";
  out << "  fleet CA            ML-DSA-87 root, " << devices.size() << " device certificates ("
      << std::fixed << std::setprecision(2) << provision_s << " s to provision and register)\n";
  out << "  reference values    " << fws.size() << " models, signed by the operator (ML-DSA-87): " << (dir / "policy.json").string() << "\n";
  out << "  TPM                 " << (gw.present() ? "one gateway quotes PCR 0-7 through a real swtpm" : "swtpm not available, skipped") << "\n\n";
  out << "  attestations        " << attempts.size() << "\n";
  out << "  affirming           " << t.affirming << "\n";
  out << "  warning             " << t.warning << "\n";
  out << "  contraindicated     " << t.contraindicated << "\n";
  out << "  rejected            " << t.rejected << " (bad input: nothing stored)\n";
  out << "\n  reasons:\n";
  for (const auto& [r, n] : t.reasons) out << "    " << std::setw(4) << n << "  " << r << "\n";
  out << "\n  planted faults and special devices:\n";
  for (const auto& l : t.fault_lines) out << l << "\n";
  out << "\n  appraisal throughput  " << std::setprecision(0) << rate << " attestations per CPU-second on one core (no HTTP)\n";
  out << "  raw ML-DSA-87 verify  " << raw_rate << " verifications per CPU-second -> appraisal at "
      << std::setprecision(0) << 100.0 * rate / raw_rate << "% of the raw rate\n";
  out << "  results stored        " << store->result_count() << " in " << db_path.string() << "\n";
  out << "  signed result (EAR)   " << ear["submods"].begin().value()["ear.status"].get<std::string>() << " for device "
      << ear["submods"].begin().key().substr(0, 12) << "..., verified with the verifier's ML-DSA-87 key\n";
  out << "  total time            " << std::setprecision(1)
      << std::chrono::duration<double>(Clock::now() - t_start).count() << " s\n\n";
  const bool pass = t.mismatches == 0;
  out << (pass ? "RESULT: exactly the planted faults were caught\n"
               : "RESULT: FAILED - " + std::to_string(t.mismatches) + " outcome(s) differ from what was planted\n");
  return pass ? 0 : 1;
}

}  // namespace pqcea::demo
