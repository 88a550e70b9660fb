#include "pqcea/host/verifier/appraisal.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "pqcea/attest/token.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/host/hex.hpp"
#include "pqcea/host/tpm.hpp"
#include "signed_result.hpp"

namespace pqcea::verifier {
namespace {

using json = nlohmann::json;

// AR4SI trustworthiness tiers (draft-ietf-rats-ar4si): 2 affirming, 32 warning, 96 contraindicated.
constexpr int kAffirming = 2, kWarning = 32, kContraindicated = 96;

const char* hash_name(std::int64_t alg) {
  switch (alg) {
    case attest::kHashSha256: return "sha-256";
    case attest::kHashSha384: return "sha-384";
    case attest::kHashSha512: return "sha-512";
    case attest::kHashSha3_256: return "sha3-256";
    case attest::kHashSha3_384: return "sha3-384";
    case attest::kHashSha3_512: return "sha3-512";
    default: return "?";
  }
}

Outcome reject(std::string code, std::string message, std::string device = "") {
  Outcome o;
  o.rejected = true;
  o.error = std::move(code);
  o.message = std::move(message);
  o.device_id = std::move(device);
  return o;
}

}  // namespace

// The AR4SI trustworthiness vector being built, and the per-claim reasons behind it.
struct Appraiser::Vector {
  std::map<std::string, int> tiers{{"instance-identity", 0}, {"configuration", 0}, {"executables", 0},
                                   {"hardware", 0}};
  json reasons = json::object();
  void set(const std::string& dim, const std::string& claim, int tier, const std::string& reason) {
    tiers[dim] = std::max(tiers[dim], tier);
    reasons[claim] = reason;
  }
  std::string status() const {
    int worst = 0;
    for (const auto& [k, v] : tiers) worst = std::max(worst, v);
    return worst >= kContraindicated ? "contraindicated" : worst >= kWarning ? "warning" : "affirming";
  }
};

namespace {

using Vector = Appraiser::Vector;

// The measurements claimed for a firmware version against its reference components.
void appraise_measurements(const attest::Claims& claims, const FirmwareReference& ref, Vector& v) {
  json per = json::object();
  int tier = kAffirming;
  for (const auto& [name, want] : ref.components) {
    const attest::Measurement* m = nullptr;
    for (std::size_t i = 0; i < claims.measurement_count; ++i)
      if (!claims.measurements[i].has_pcr && claims.measurements[i].name == name) m = &claims.measurements[i];
    if (m == nullptr) {
      per[name] = "missing";
      tier = std::max(tier, kContraindicated);
    } else if (hash_name(m->digest.alg) != want.alg || m->digest.value.size() != want.value.size() ||
               !std::equal(want.value.begin(), want.value.end(), m->digest.value.begin())) {
      per[name] = "digest differs from the reference value";
      tier = std::max(tier, kContraindicated);
    } else {
      per[name] = "ok";
    }
  }
  for (std::size_t i = 0; i < claims.measurement_count; ++i) {
    const auto& m = claims.measurements[i];
    if (!m.has_pcr && !ref.components.count(std::string(m.name))) {
      per[std::string(m.name)] = "not in the reference values";
      tier = std::max(tier, kWarning);
    }
  }
  v.set("executables", "measurements", tier, tier == kAffirming ? "ok" : per.dump());
}

// TPM: a device registered with an attestation key (or whose model's policy requires one) must
// send a quote that verifies over the nonce and the claimed PCR values, and those must match
// any PCR reference values of its firmware (`ref` null: the version has none).
void appraise_tpm(const attest::Claims& claims, const Device& dev, const ModelPolicy& mp, const FirmwareReference* ref,
                  Vector& v) {
  if (dev.tpm_ak.empty() && !mp.require_tpm) return;
  tpm::PcrValues pcrs{};
  std::uint32_t seen = 0;
  for (std::size_t i = 0; i < claims.measurement_count; ++i) {
    const auto& m = claims.measurements[i];
    if (m.has_pcr && m.pcr < tpm::kQuotedPcrs && m.digest.alg == attest::kHashSha256 && m.digest.value.size() == 32) {
      std::memcpy(pcrs[m.pcr].data(), m.digest.value.data(), 32);
      seen |= 1u << m.pcr;
    }
  }
  if (dev.tpm_ak.empty()) return v.set("hardware", "tpm_quote", kContraindicated, "policy requires a TPM but none is registered");
  if (!claims.has_tpm_quote) return v.set("hardware", "tpm_quote", kContraindicated, "TPM quote missing");
  if (seen != 0xFF) return v.set("hardware", "tpm_quote", kContraindicated, "PCR 0-7 (SHA-256) not all claimed");
  tpm::Quote q{{claims.tpm_quote.attest.begin(), claims.tpm_quote.attest.end()},
               {claims.tpm_quote.signature.begin(), claims.tpm_quote.signature.end()}};
  if (std::string why = tpm::verify_quote(dev.tpm_ak, q, claims.nonce, pcrs); !why.empty())
    return v.set("hardware", "tpm_quote", kContraindicated, why);
  std::string pcr_issue;
  if (ref != nullptr)
    for (const auto& [idx, val] : ref->pcrs)
      if (!std::equal(val.begin(), val.end(), pcrs[static_cast<std::size_t>(idx)].begin()))
        pcr_issue += (pcr_issue.empty() ? "PCR " : ", PCR ") + std::to_string(idx);
  if (!pcr_issue.empty()) return v.set("hardware", "tpm_quote", kContraindicated, pcr_issue + " differ from the reference values");
  v.set("hardware", "tpm_quote", kAffirming, "ok");
}

}  // namespace

Appraiser::Appraiser(Store& store, const Policy& policy, std::map<std::int64_t, const cose::Verifier*> verifiers,
                     ResultSigner result_signer, std::string verifier_id)
    : store_(store),
      policy_(policy),
      verifiers_(std::move(verifiers)),
      result_signer_(std::move(result_signer)),
      verifier_id_(std::move(verifier_id)) {}


std::vector<std::uint8_t> Appraiser::challenge(const std::string& device_id, std::int64_t now, std::int64_t ttl,
                                               std::string* error) {
  std::vector<std::uint8_t> nonce(32);
  if (host::system_random(nonce) != Status::ok) {
    if (error) *error = "entropy_failure";
    return {};
  }
  // An unknown or revoked device gets a nonce too, just not a stored one: the answer must not
  // tell a stranger which device ids exist, and the nonce will simply be refused as unknown.
  auto dev = store_.device(device_id, /*with_certificate=*/false);
  if (dev && !dev->revoked) store_.put_nonce(device_id, nonce, now + ttl, max_outstanding_nonces_);
  return nonce;
}

struct Appraiser::Pending {
  Pending(Outcome o) : outcome(std::move(o)) {}  // NOLINT: a rejection converts implicitly
  Outcome outcome;
  std::vector<std::uint8_t> nonce;
  std::string payload;  // the EAR JSON to sign (empty when rejected)
};

// The token as the device sent it: decoded, with the claims read but not yet trusted.
struct Appraiser::Envelope {
  cose::Sign1 msg;
  attest::Claims unverified;
  const cose::Verifier* verifier = nullptr;
  std::string device_id;  // the device the claims name (unverified until the signature checks)
};

std::optional<Outcome> Appraiser::open_envelope(std::span<const std::uint8_t> token, Envelope& env) const {
  // Size, COSE_Sign1 structure, ML-DSA algorithm: no cryptography yet.
  if (token.size() > attest::kMaxTokenSize)
    return reject("token_too_large", "token exceeds " + std::to_string(attest::kMaxTokenSize) + " bytes");
  attest::Diagnostic diag;
  if (attest::decode_token(token, env.msg, &diag) != Status::ok) {
    if (diag.reason == attest::Reason::unsupported_algorithm)
      return reject("unsupported_algorithm", "evidence must be signed with ML-DSA (COSE alg -48/-49/-50)");
    return reject("malformed_token", std::string("malformed evidence: ") + attest::to_string(diag.reason) + " (" +
                                         cose::to_string(diag.cose_error) + ", " + cbor::to_string(diag.cbor_error) +
                                         ")");
  }
  auto vit = verifiers_.find(env.msg.alg);
  if (vit == verifiers_.end())
    return reject("unsupported_algorithm", "no verifier for COSE alg " + std::to_string(env.msg.alg));
  env.verifier = vit->second;
  // The claims are parsed (strictly, bounded) before the signature is checked, only to find the
  // device's key and its nonce; nothing they say is believed until the signature verifies.
  if (attest::parse_claims(env.msg.payload, env.unverified, &diag) != Status::ok)
    return reject("malformed_claims", std::string("claims out of profile: ") + attest::to_string(diag.reason) +
                                          " (claim " + std::to_string(diag.claim) + ")");
  env.device_id = host::device_id_for_ueid(env.unverified.ueid);
  return std::nullopt;
}

std::optional<Outcome> Appraiser::authenticate(const Envelope& env, const Device* dev, attest::Claims& claims) const {
  // Evidence that does not verify under the registered key says nothing about the device it
  // names (anyone can write any UEID): it is refused, never recorded as a verdict. An unknown
  // device has no registered key, so its evidence is refused the same way: a stranger who
  // forges evidence learns nothing about which devices exist. The signature is checked before
  // anything about the device's state (revoked, nonces) is revealed, for the same reason.
  if (dev == nullptr) return reject("signature_invalid", "device " + env.device_id + " is not registered", env.device_id);
  if (dev->sig_alg != "ML-DSA-87" && dev->sig_alg != "ML-DSA-65" && dev->sig_alg != "ML-DSA-44")
    return reject("signature_invalid", "the registered key's algorithm (" + dev->sig_alg + ") is not accepted",
                  env.device_id);
  std::vector<std::uint8_t> scratch(attest::kScratchSize);
  attest::Diagnostic diag;
  if (attest::verify_token(env.msg, *env.verifier, dev->public_key, scratch, claims, &diag) != Status::ok)
    return reject("signature_invalid",
                  std::string("evidence does not verify under the registered key: ") + cose::to_string(diag.cose_error),
                  env.device_id);
  return std::nullopt;
}

std::optional<Outcome> Appraiser::check_standing(const Envelope& env, const Device& dev, std::int64_t now) {
  if (dev.revoked) return reject("device_revoked", "device " + env.device_id + " is revoked", env.device_id);
  // Looked at, not consumed: the nonce is consumed only in the transaction that stores the
  // verdict (appraise_batch), so evidence refused before that leaves it usable.
  NonceCheck nc = store_.check_nonce(env.device_id, env.unverified.nonce, now);
  if (nc == NonceCheck::ok) return std::nullopt;
  const char* code = nc == NonceCheck::used ? "nonce_used" : nc == NonceCheck::expired ? "nonce_expired"
                     : nc == NonceCheck::wrong_device ? "nonce_wrong_device" : "nonce_unknown";
  return reject(code, to_string(nc), env.device_id);
}

void Appraiser::appraise_claims(const attest::Claims& claims, const Device& dev, std::int64_t now, Vector& v) const {
  v.set("instance-identity", "signature", kAffirming, "ok");
  if (dev.not_after <= now) v.set("instance-identity", "certificate", kContraindicated, "device certificate expired");
  const std::string hwmodel(claims.hwmodel.begin(), claims.hwmodel.end());
  const ModelPolicy* mp = policy_.model(dev.model);
  if (hwmodel != dev.model)
    return v.set("configuration", "hwmodel", kContraindicated, "hwmodel '" + hwmodel + "' differs from the registered model");
  if (mp == nullptr) return v.set("configuration", "hwmodel", kContraindicated, "no policy for model '" + hwmodel + "'");
  v.set("configuration", "hwmodel", kAffirming, "ok");

  const std::string ver(claims.swversion.version);
  if (compare_versions(ver, mp->min_swversion) < 0)
    v.set("executables", "swversion", kContraindicated, "version " + ver + " below minimum " + mp->min_swversion);
  else
    v.set("executables", "swversion", kAffirming, "ok");
  if (claims.dbgstat == attest::DbgStat::enabled && !mp->allow_debug)
    v.set("configuration", "dbgstat", kContraindicated, "debug enabled, policy forbids it");
  else
    v.set("configuration", "dbgstat", kAffirming, "ok");

  auto fw = mp->firmware.find(ver);
  const FirmwareReference* ref = fw == mp->firmware.end() ? nullptr : &fw->second;
  if (ref == nullptr)
    v.set("executables", "measurements", kContraindicated, "no reference values for firmware " + ver);
  else
    appraise_measurements(claims, *ref, v);
  appraise_tpm(claims, dev, *mp, ref, v);
}

std::string Appraiser::ear_payload(const std::string& device_id, std::span<const std::uint8_t> nonce,
                                   const Vector& v, std::int64_t now) const {
  json tv = json::object();
  for (const auto& [k, t] : v.tiers) tv[k] = t;
  json ear = {{"eat_profile", "tag:github.com,2023:veraison/ear"},
              {"iat", now},
              {"eat_nonce", host::hex_encode(nonce)},
              {"ear.verifier-id", {{"build", "pqcea-0.1.0"}, {"developer", verifier_id_}}},
              {"submods",
               {{device_id,
                 {{"ear.status", v.status()},
                  {"ear.trustworthiness-vector", tv},
                  {"ear.appraisal-policy-id", "policy:pqcea/v" + std::to_string(policy_.version)},
                  {"pqcea.reasons", v.reasons}}}}}};
  return ear.dump();
}

// The steps; only evidence that passes all of them becomes a verdict (signed and committed by
// appraise_batch together with the nonce's consumption).
Appraiser::Pending Appraiser::evaluate(std::span<const std::uint8_t> token, std::int64_t now) {
  Envelope env;
  if (auto refused = open_envelope(token, env)) return std::move(*refused);
  const std::optional<Device> dev = store_.device(env.device_id, /*with_certificate=*/false);
  attest::Claims claims;
  if (auto refused = authenticate(env, dev ? &*dev : nullptr, claims)) return std::move(*refused);
  if (auto refused = check_standing(env, *dev, now)) return std::move(*refused);

  Vector v;
  appraise_claims(claims, *dev, now, v);
  Outcome o;
  o.device_id = env.device_id;
  o.status = v.status();
  o.claims = v.reasons;
  Pending p(std::move(o));
  p.nonce.assign(claims.nonce.begin(), claims.nonce.end());
  p.payload = ear_payload(env.device_id, claims.nonce, v, now);
  return p;
}

Outcome Appraiser::appraise(std::span<const std::uint8_t> token, std::int64_t now) {
  std::span<const std::uint8_t> one[1] = {token};
  return std::move(appraise_batch(one, now).front());
}

std::vector<Outcome> Appraiser::appraise_batch(std::span<const std::span<const std::uint8_t>> tokens,
                                               std::int64_t now) {
  std::vector<Pending> pending;
  pending.reserve(tokens.size());
  for (auto t : tokens) pending.push_back(evaluate(t, now));

  // One signature for the whole batch: a Merkle tree over the results, the root signed.
  std::vector<std::size_t> to_sign;
  std::vector<std::span<const std::uint8_t>> leaves;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (pending[i].outcome.rejected) continue;
    to_sign.push_back(i);
    leaves.emplace_back(reinterpret_cast<const std::uint8_t*>(pending[i].payload.data()), pending[i].payload.size());
  }
  if (!to_sign.empty()) {
    MerkleTree tree(leaves);
    const auto root = tree.root();
    std::vector<std::uint8_t> root_token(root.size() + 8192);
    std::vector<std::uint8_t> scratch(cose::sig_structure_size(result_signer_.signer->alg(), root.size()));
    std::size_t len = 0;
    if (result_signer_.kid.size() != cose::kKidSize ||
        cose::sign1(*result_signer_.signer,
                    std::span<const std::uint8_t, cose::kKidSize>(result_signer_.kid.data(), cose::kKidSize), root,
                    scratch, root_token, len) != Status::ok)
      throw std::runtime_error("cannot sign the attestation results");
    root_token.resize(len);
    std::vector<Store::PendingResult> commits;
    commits.reserve(to_sign.size());
    for (std::size_t k = 0; k < to_sign.size(); ++k) {
      Pending& p = pending[to_sign[k]];
      p.outcome.record.device_id = p.outcome.device_id;
      p.outcome.record.status = p.outcome.status;
      p.outcome.record.detail = p.outcome.claims.dump();
      p.outcome.record.ear = encode_signed_result(leaves[k], k, tree, root_token);
      commits.push_back({p.nonce, &p.outcome.record, NonceCheck::unknown});
    }
    // The verdicts are committed, together with the nonces' consumption (one transaction for the
    // batch), before any of them is returned.
    store_.commit_results(commits, now);
    for (std::size_t k = 0; k < to_sign.size(); ++k) {
      Pending& p = pending[to_sign[k]];
      const NonceCheck c = commits[k].outcome;
      if (c != NonceCheck::ok)  // lost a race with another replica for the same nonce
        p.outcome = reject(c == NonceCheck::used ? "nonce_used" : "nonce_invalid", to_string(c), p.outcome.device_id);
    }
  }
  std::vector<Outcome> out;
  out.reserve(pending.size());
  for (auto& p : pending) out.push_back(std::move(p.outcome));
  return out;
}

nlohmann::json open_result(std::span<const std::uint8_t> ear, const cose::Verifier& verifier,
                           std::span<const std::uint8_t> verifier_public_key) {
  SignedResult r = decode_signed_result(ear);
  cose::Sign1 msg;
  if (cose::decode_sign1(r.root_token, msg) != Status::ok) throw std::runtime_error("result root is not a COSE_Sign1");
  std::vector<std::uint8_t> scratch(cose::sig_structure_size(msg.alg, msg.payload.size()));
  if (cose::verify_sign1(msg, verifier, verifier_public_key, scratch) != Status::ok)
    throw std::runtime_error("attestation result signature invalid");
  if (msg.payload.size() != 32 || !MerkleTree::verify(r.payload, r.index, r.size, r.path, msg.payload))
    throw std::runtime_error("attestation result is not in the signed batch");
  // Documented to throw std::runtime_error only; json::parse_error is not one (found by
  // fuzz_signed_result: a signed non-JSON result escaped the callers' handlers).
  json result = json::parse(r.payload.begin(), r.payload.end(), nullptr, /*allow_exceptions=*/false);
  if (result.is_discarded()) throw std::runtime_error("attestation result is not JSON");
  return result;
}

}  // namespace pqcea::verifier
