#include "pqcea/host/device_sim.hpp"

#include <cstring>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "pqcea/attest/measurement_log.hpp"
#include "pqcea/attest/mldsa_cose.hpp"
#include "pqcea/attest/token.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/host/hex.hpp"

namespace pqcea::sim {
namespace {
using P87 = mldsa::MlDsa87;
}  // namespace

Digest sha256(std::string_view text) {
  Digest d{};
  hash::Sha256::hash(d.data(), reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  return d;
}

KeyPair KeyPair::from_seed(std::span<const std::uint8_t, mldsa::kSeedBytes> seed) {
  KeyPair k;
  std::memcpy(k.seed.data(), seed.data(), seed.size());
  k.pk.resize(P87::pk_bytes);
  Bytes sk(P87::sk_bytes);
  if (mldsa::keygen_internal<P87>(std::span<std::uint8_t, P87::pk_bytes>(k.pk.data(), P87::pk_bytes),
                                  std::span<std::uint8_t, P87::sk_bytes>(sk.data(), P87::sk_bytes), seed) != Status::ok)
    throw std::runtime_error("ML-DSA-87 key generation failed");
  secure_wipe(sk.data(), sk.size());
  return k;
}

KeyPair KeyPair::generate() {
  std::array<std::uint8_t, mldsa::kSeedBytes> seed{};
  if (host::system_random(seed) != Status::ok) throw std::runtime_error("system entropy failed");
  KeyPair k = from_seed(seed);
  secure_wipe(seed.data(), seed.size());
  return k;
}

std::vector<Firmware> reference_firmware() {
  return {
      {"meter-x1", "1.2.0", "meter-fw", {{"bl2", sha256("meter bl2 1.2.0")}, {"app", sha256("meter app 1.2.0")}}, false},
      {"charger-e2", "2.0.1", "evse-fw",
       {{"bl2", sha256("charger bl2 2.0.1")}, {"app", sha256("charger app 2.0.1")}, {"ocpp", sha256("ocpp 2.0.1 stack")}},
       false},
      {"gateway-g3", "3.1.0", "gw-fw", {{"bl2", sha256("gateway bl2 3.1.0")}, {"app", sha256("gateway app 3.1.0")}}, true},
  };
}

Device make_device(std::size_t index, const Firmware& fw) {
  Device d;
  d.fw = &fw;
  auto h = sha256("demo device " + std::to_string(index));
  d.ueid.push_back(attest::kUeidRand);
  d.ueid.insert(d.ueid.end(), h.begin(), h.begin() + 16);
  d.id = host::device_id_for_ueid(d.ueid);
  d.key = KeyPair::generate();
  return d;
}

Bytes build_evidence(const Device& d, std::span<const std::uint8_t> nonce, const EvidenceOptions& opt) {
  static const std::uint8_t oemid[3] = {0x00, 0x1B, 0x63};  // an IEEE OUI
  attest::Claims c;
  c.nonce = nonce;
  c.ueid = d.ueid;
  c.oemid = oemid;
  c.hwmodel = std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(d.fw->model.data()), d.fw->model.size());
  c.swname = d.fw->swname;
  c.swversion.version = d.fw->version;
  c.dbgstat = attest::DbgStat::disabled_permanently;
  c.has_bootcount = true;
  c.bootcount = 7;
  // The measured-boot log: each stage records the next component before running it.
  attest::MeasurementLog log;
  for (const auto& [name, digest] : d.fw->components) {
    Digest value = digest;
    if (opt.tamper_app && name == "app") value[0] ^= 0x5A;  // a modified image
    if (log.add(name, d.fw->version, attest::kHashSha256, value) != Status::ok)
      throw std::runtime_error("measurement log full or entry out of profile");
  }
  log.fill(c);
  tpm::Quote quote;
  tpm::PcrValues pcrs{};
  Bytes ak;
  Digest pcr_digest{};
  static const char* kPcrNames[8] = {"pcr0", "pcr1", "pcr2", "pcr3", "pcr4", "pcr5", "pcr6", "pcr7"};
  if (opt.tpm != nullptr) {
    quote = opt.tpm->quote(nonce);
    pcrs = opt.tpm->read_pcrs();
    ak = opt.tpm->attestation_key();
    for (std::size_t i = 0; i < 8; ++i) {
      auto& m = c.measurements[c.measurement_count++];
      m.name = kPcrNames[i];
      m.digest = {attest::kHashSha256, pcrs[i]};
      m.has_pcr = true;
      m.pcr = static_cast<std::uint8_t>(i);
    }
    hash::Sha256 h;
    for (const auto& p : pcrs) h.update(p.data(), p.size());
    h.final(pcr_digest.data());
    c.has_tpm_quote = true;
    c.tpm_quote.attest = quote.attest;
    c.tpm_quote.signature = quote.signature;
    c.tpm_quote.pcr_digest = {attest::kHashSha256, pcr_digest};
    c.tpm_quote.pcr_select = 0xFF;
    c.tpm_quote.ak_public = ak;
  }
  const KeyPair& key = opt.signing_key != nullptr ? *opt.signing_key : d.key;
  attest::MlDsaSigner<P87> signer(mldsa::PrivateKey<P87>::seed(key.seed), host::system_rng());
  std::array<std::uint8_t, cose::kKidSize> kid{};
  cose::compute_kid(d.key.pk, kid);  // the device's kid, even when a forger signs
  Bytes scratch(attest::kScratchSize);
  Bytes out(attest::kMaxTokenSize);
  std::size_t len = 0;
  attest::Diagnostic diag;
  if (attest::build_token(c, signer, kid, scratch, out, len, &diag) != Status::ok)
    throw std::runtime_error(std::string("token build failed: ") + attest::to_string(diag.reason));
  out.resize(len);
  return out;
}

std::string policy_json(const std::vector<Firmware>& fws, const std::map<std::string, tpm::PcrValues>& pcr_refs) {
  nlohmann::json models = nlohmann::json::object();
  for (const auto& fw : fws) {
    nlohmann::json comps = nlohmann::json::object();
    for (const auto& [name, d] : fw.components) comps[name] = {{"alg", "sha-256"}, {"digest", host::hex_encode(d)}};
    nlohmann::json ref = {{"components", comps}};
    auto it = pcr_refs.find(fw.model);
    if (it != pcr_refs.end()) {
      nlohmann::json p = nlohmann::json::object();
      for (std::size_t i = 0; i < 8; ++i) p[std::to_string(i)] = host::hex_encode(it->second[i]);
      ref["pcrs"] = p;
    }
    models[fw.model] = {{"min_swversion", fw.version},
                        {"allow_debug", false},
                        {"require_tpm", fw.tpm},
                        {"firmware", {{fw.version, ref}}}};
  }
  return nlohmann::json{{"version", 1}, {"models", models}}.dump(2);
}

}  // namespace pqcea::sim
