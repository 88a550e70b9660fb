// Profile rules for EAT claims (docs/eat-profile.md), shared by the builder and the parser.
#include "pqcea/attest/claims.hpp"

namespace pqcea::attest {

namespace {

Status reject(Diagnostic* diag, Reason r, std::int64_t claim) {
  if (diag != nullptr) {
    diag->reason = r;
    diag->claim = claim;
  }
  return Status::invalid_argument;
}

// Names and versions are printable ASCII in this profile: they end up in logs and verifier
// reports, where control characters or look-alike Unicode would mislead a reader.
bool printable_ascii(std::string_view s) {
  for (const char ch : s) {
    if (ch < 0x20 || ch > 0x7E) return false;
  }
  return true;
}

bool text_ok(std::string_view s, std::size_t max) { return !s.empty() && s.size() <= max && printable_ascii(s); }

bool digest_ok(const Digest& d) {
  const std::size_t n = digest_size(d.alg);
  return n != 0 && d.value.size() == n;
}

// RFC 9711 §4.2.1: first byte is the UEID type, then the type's value.
bool ueid_ok(std::span<const std::uint8_t> u) {
  if (u.empty()) return false;
  const std::size_t n = u.size() - 1;
  if (u[0] == kUeidRand) return n == 16 || n == 24 || n == 32;
  if (u[0] == kUeidEui) return n == 6 || n == 8;
  return false;
}

}  // namespace

Status parse_semver(std::string_view text, Semver& out) {
  std::uint32_t parts[3] = {0, 0, 0};
  std::size_t i = 0;
  for (int k = 0; k < 3; ++k) {
    if (k > 0) {
      if (i >= text.size() || text[i] != '.') return Status::decode_error;
      ++i;
    }
    const std::size_t start = i;
    std::uint64_t v = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      v = v * 10 + static_cast<std::uint64_t>(text[i] - '0');
      if (v > 0xFFFFFFFFu) return Status::decode_error;
      ++i;
    }
    const std::size_t len = i - start;
    // semver 2.0.0 §2: non-negative integers without leading zeroes.
    if (len == 0 || (len > 1 && text[start] == '0')) return Status::decode_error;
    parts[k] = static_cast<std::uint32_t>(v);
  }
  if (i != text.size()) return Status::decode_error;  // no pre-release or build suffix in profile
  out.major = parts[0];
  out.minor = parts[1];
  out.patch = parts[2];
  return Status::ok;
}

Status validate(const Claims& c, Diagnostic* diag) {
  if (c.nonce.empty()) return reject(diag, Reason::missing_claim, kClaimNonce);
  if (c.nonce.size() < kNonceMin || c.nonce.size() > kNonceMax) {
    return reject(diag, Reason::bad_claim_value, kClaimNonce);
  }
  if (c.ueid.empty()) return reject(diag, Reason::missing_claim, kClaimUeid);
  if (!ueid_ok(c.ueid)) return reject(diag, Reason::bad_claim_value, kClaimUeid);
  if (c.oemid.empty()) return reject(diag, Reason::missing_claim, kClaimOemid);
  // RFC 9711 §4.2.3: IEEE OUI (3 bytes) or random (16 bytes); PEN is not used in this profile.
  if (c.oemid.size() != 3 && c.oemid.size() != 16) return reject(diag, Reason::bad_claim_value, kClaimOemid);
  if (c.hwmodel.empty()) return reject(diag, Reason::missing_claim, kClaimHwModel);
  if (c.hwmodel.size() > kHwModelMax) return reject(diag, Reason::bad_claim_value, kClaimHwModel);
  if (c.swname.empty()) return reject(diag, Reason::missing_claim, kClaimSwName);
  if (!text_ok(c.swname, kSwNameMax)) return reject(diag, Reason::bad_claim_value, kClaimSwName);
  if (c.swversion.version.empty()) return reject(diag, Reason::missing_claim, kClaimSwVersion);
  Semver sv;
  if (c.swversion.version.size() > kSwVersionMax || c.swversion.scheme != kVersionSchemeSemver ||
      parse_semver(c.swversion.version, sv) != Status::ok) {
    return reject(diag, Reason::bad_claim_value, kClaimSwVersion);
  }
  if (static_cast<std::uint8_t>(c.dbgstat) > static_cast<std::uint8_t>(DbgStat::disabled_fully_and_permanently)) {
    return reject(diag, Reason::bad_claim_value, kClaimDbgStat);
  }
  if (!c.bootseed.empty() && (c.bootseed.size() < kBootSeedMin || c.bootseed.size() > kBootSeedMax)) {
    return reject(diag, Reason::bad_claim_value, kClaimBootSeed);
  }

  if (c.measurement_count == 0) return reject(diag, Reason::missing_claim, kClaimMeasurements);
  if (c.measurement_count > kMaxMeasurements) return reject(diag, Reason::too_many_measurements, kClaimMeasurements);
  for (std::size_t i = 0; i < c.measurement_count; ++i) {
    const Measurement& m = c.measurements[i];
    if (!text_ok(m.name, kComponentNameMax) || !digest_ok(m.digest) ||
        (!m.version.empty() && !text_ok(m.version, kComponentVersionMax)) || (m.has_pcr && m.pcr > kMaxPcrIndex)) {
      return reject(diag, Reason::bad_claim_value, kClaimMeasurements);
    }
    // A component or PCR named twice would let a device report a good and a bad value and leave
    // the verifier to pick one.
    for (std::size_t j = 0; j < i; ++j) {
      const Measurement& o = c.measurements[j];
      if (o.name == m.name || (o.has_pcr && m.has_pcr && o.pcr == m.pcr)) {
        return reject(diag, Reason::bad_claim_value, kClaimMeasurements);
      }
    }
  }

  if (c.has_tpm_quote) {
    const TpmQuote& q = c.tpm_quote;
    if (q.attest.empty() || q.attest.size() > kTpmBlobMax || q.signature.empty() ||
        q.signature.size() > kTpmBlobMax || !digest_ok(q.pcr_digest) || q.pcr_select == 0 ||
        q.pcr_select >= (1u << (kMaxPcrIndex + 1)) || q.ak_public.size() > kTpmBlobMax) {
      return reject(diag, Reason::bad_claim_value, kClaimTpmQuote);
    }
  }
  if (diag != nullptr) *diag = Diagnostic{};
  return Status::ok;
}

const char* to_string(Reason r) {
  switch (r) {
    case Reason::none: return "none";
    case Reason::token_too_large: return "token too large";
    case Reason::malformed_cbor: return "malformed or non-deterministic CBOR";
    case Reason::not_cose_sign1: return "not a COSE_Sign1 in profile";
    case Reason::unsupported_algorithm: return "signature algorithm is not ML-DSA";
    case Reason::signature: return "signature check failed";
    case Reason::payload_not_map: return "payload is not a claims map";
    case Reason::unknown_claim: return "claim not defined by the profile";
    case Reason::missing_claim: return "mandatory claim missing";
    case Reason::bad_claim_type: return "claim has the wrong type";
    case Reason::bad_claim_value: return "claim value out of profile";
    case Reason::wrong_profile: return "eat_profile is not ours";
    case Reason::too_many_measurements: return "too many measurements";
    case Reason::buffer_too_small: return "buffer too small";
  }
  return "unknown";
}

}  // namespace pqcea::attest
