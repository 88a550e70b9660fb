// EAT token builder and parser (RFC 9711 claims in a COSE_Sign1, RFC 9052), profile in
// docs/eat-profile.md.
//
// The encoding is a bijection on valid claim sets: optional claims are either absent or
// non-empty (an empty optional is rejected, never treated as absent), and the CBOR is
// deterministic. So parse(payload) succeeding implies encode(parse(payload)) == payload, a
// property the fuzz target checks.
#include "pqcea/attest/token.hpp"

namespace pqcea::attest {

namespace {

// ---- encoding -------------------------------------------------------------------------------

void encode_digest(cbor::Encoder& e, const Digest& d) {
  // CoSWID-style hash-entry (RFC 9393 §2.9.1): [alg id, digest value].
  e.begin_array(2);
  e.add_int(d.alg);
  e.add_bytes(d.value);
}

void encode_measurement(cbor::Encoder& e, const Measurement& m) {
  // RFC 9711 §4.2.16 measurements-format: [content-type, content-format (bytes)].
  e.begin_array(2);
  e.add_uint(kMeasurementContentFormat);
  e.begin_bstr_wrapped();
  e.begin_map(2 + (m.version.empty() ? 0u : 1u) + (m.has_pcr ? 1u : 0u));
  e.add_uint(kComponentName);
  e.add_text(m.name);
  if (!m.version.empty()) {
    e.add_uint(kComponentVersion);
    e.add_text(m.version);
  }
  e.add_uint(kComponentDigest);
  encode_digest(e, m.digest);
  if (m.has_pcr) {
    e.add_uint(kComponentPcr);
    e.add_uint(m.pcr);
  }
}

void encode_tpm_quote(cbor::Encoder& e, const TpmQuote& q) {
  e.begin_map(q.ak_public.empty() ? 4 : 5);
  e.add_uint(kQuoteAttest);
  e.add_bytes(q.attest);
  e.add_uint(kQuoteSignature);
  e.add_bytes(q.signature);
  e.add_uint(kQuotePcrDigest);
  encode_digest(e, q.pcr_digest);
  e.add_uint(kQuotePcrSelect);
  e.add_uint(q.pcr_select);
  if (!q.ak_public.empty()) {
    e.add_uint(kQuoteAkPublic);
    e.add_bytes(q.ak_public);
  }
}

// Claims in the order of their encoded keys (RFC 8949 §4.2.1): the positive keys ascending,
// then the private-use negative key (major type 1 sorts after major type 0).
void encode_claims_unchecked(const Claims& c, cbor::Encoder& e) {
  const std::uint64_t pairs = 9 + (c.has_bootcount ? 1u : 0u) + (c.bootseed.empty() ? 0u : 1u) +
                              (c.has_tpm_quote ? 1u : 0u);
  e.begin_map(pairs);
  e.add_int(kClaimNonce);
  e.add_bytes(c.nonce);
  e.add_int(kClaimUeid);
  e.add_bytes(c.ueid);
  e.add_int(kClaimOemid);
  e.add_bytes(c.oemid);
  e.add_int(kClaimHwModel);
  e.add_bytes(c.hwmodel);
  e.add_int(kClaimDbgStat);
  e.add_uint(static_cast<std::uint8_t>(c.dbgstat));
  e.add_int(kClaimProfile);
  e.add_text(kProfileId);
  if (c.has_bootcount) {
    e.add_int(kClaimBootCount);
    e.add_uint(c.bootcount);
  }
  if (!c.bootseed.empty()) {
    e.add_int(kClaimBootSeed);
    e.add_bytes(c.bootseed);
  }
  e.add_int(kClaimSwName);
  e.add_text(c.swname);
  e.add_int(kClaimSwVersion);
  e.begin_array(2);  // RFC 9711 §4.2.7: [version, version-scheme]
  e.add_text(c.swversion.version);
  e.add_int(c.swversion.scheme);
  e.add_int(kClaimMeasurements);
  e.begin_array(c.measurement_count);
  for (std::size_t i = 0; i < c.measurement_count; ++i) encode_measurement(e, c.measurements[i]);
  if (c.has_tpm_quote) {
    e.add_int(kClaimTpmQuote);
    encode_tpm_quote(e, c.tpm_quote);
  }
}

// ---- parsing --------------------------------------------------------------------------------

Status fail(Diagnostic* diag, Reason r, std::int64_t claim, cbor::Error ce = cbor::Error::none) {
  if (diag != nullptr) {
    *diag = Diagnostic{};
    diag->reason = r;
    diag->claim = claim;
    diag->cbor_error = ce;
  }
  return Status::decode_error;
}

// A typed read failed: a wrong type is the claim's fault; anything else is malformed CBOR.
Status cbor_fail(const cbor::Decoder& d, Diagnostic* diag, std::int64_t claim) {
  const cbor::Error e = d.error();
  if (e == cbor::Error::unexpected_type || e == cbor::Error::value_out_of_range) {
    return fail(diag, Reason::bad_claim_type, claim, e);
  }
  return fail(diag, Reason::malformed_cbor, claim, e);
}

Status parse_digest(cbor::Decoder& d, Digest& out, Diagnostic* diag, std::int64_t claim) {
  std::uint64_t n = 0;
  if (d.read_array(n) != Status::ok) return cbor_fail(d, diag, claim);
  if (n != 2) return fail(diag, Reason::bad_claim_type, claim);
  if (d.read_int(out.alg) != Status::ok || d.read_bytes(out.value) != Status::ok) return cbor_fail(d, diag, claim);
  return Status::ok;
}

Status parse_component(std::span<const std::uint8_t> bytes, Measurement& m, Diagnostic* diag) {
  constexpr std::int64_t claim = kClaimMeasurements;
  cbor::Decoder d(bytes);
  std::uint64_t pairs = 0;
  if (d.read_map(pairs) != Status::ok) return cbor_fail(d, diag, claim);
  if (pairs < 2 || pairs > 4) return fail(diag, Reason::bad_claim_type, claim);
  bool have_name = false, have_digest = false;
  for (std::uint64_t i = 0; i < pairs; ++i) {
    std::uint64_t key = 0;
    if (d.read_uint(key) != Status::ok) return cbor_fail(d, diag, claim);
    switch (key) {
      case kComponentName:
        if (d.read_text(m.name) != Status::ok) return cbor_fail(d, diag, claim);
        have_name = true;
        break;
      case kComponentVersion:
        if (d.read_text(m.version) != Status::ok) return cbor_fail(d, diag, claim);
        if (m.version.empty()) return fail(diag, Reason::bad_claim_value, claim);  // absent, not empty
        break;
      case kComponentDigest:
        if (parse_digest(d, m.digest, diag, claim) != Status::ok) return Status::decode_error;
        have_digest = true;
        break;
      case kComponentPcr: {
        std::uint64_t pcr = 0;
        if (d.read_uint(pcr) != Status::ok) return cbor_fail(d, diag, claim);
        if (pcr > kMaxPcrIndex) return fail(diag, Reason::bad_claim_value, claim);
        m.has_pcr = true;
        m.pcr = static_cast<std::uint8_t>(pcr);
        break;
      }
      default:
        return fail(diag, Reason::bad_claim_type, claim);
    }
  }
  if (d.finish() != Status::ok) return cbor_fail(d, diag, claim);
  if (!have_name || !have_digest) return fail(diag, Reason::bad_claim_type, claim);
  return Status::ok;
}

Status parse_measurements(cbor::Decoder& d, Claims& out, Diagnostic* diag) {
  constexpr std::int64_t claim = kClaimMeasurements;
  std::uint64_t n = 0;
  if (d.read_array(n) != Status::ok) return cbor_fail(d, diag, claim);
  if (n == 0) return fail(diag, Reason::bad_claim_value, claim);
  if (n > kMaxMeasurements) return fail(diag, Reason::too_many_measurements, claim);
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint64_t k = 0, content_type = 0;
    std::span<const std::uint8_t> bytes;
    if (d.read_array(k) != Status::ok) return cbor_fail(d, diag, claim);
    if (k != 2) return fail(diag, Reason::bad_claim_type, claim);
    if (d.read_uint(content_type) != Status::ok) return cbor_fail(d, diag, claim);
    if (content_type != kMeasurementContentFormat) return fail(diag, Reason::bad_claim_value, claim);
    if (d.read_bytes(bytes) != Status::ok) return cbor_fail(d, diag, claim);
    if (parse_component(bytes, out.measurements[static_cast<std::size_t>(i)], diag) != Status::ok) {
      return Status::decode_error;
    }
  }
  out.measurement_count = static_cast<std::size_t>(n);
  return Status::ok;
}

Status parse_tpm_quote(cbor::Decoder& d, TpmQuote& q, Diagnostic* diag) {
  constexpr std::int64_t claim = kClaimTpmQuote;
  std::uint64_t pairs = 0;
  if (d.read_map(pairs) != Status::ok) return cbor_fail(d, diag, claim);
  if (pairs < 4 || pairs > 5) return fail(diag, Reason::bad_claim_type, claim);
  unsigned seen = 0;
  for (std::uint64_t i = 0; i < pairs; ++i) {
    std::uint64_t key = 0;
    if (d.read_uint(key) != Status::ok) return cbor_fail(d, diag, claim);
    Status s = Status::ok;
    switch (key) {
      case kQuoteAttest: s = d.read_bytes(q.attest); break;
      case kQuoteSignature: s = d.read_bytes(q.signature); break;
      case kQuotePcrDigest:
        if (parse_digest(d, q.pcr_digest, diag, claim) != Status::ok) return Status::decode_error;
        break;
      case kQuotePcrSelect: {
        std::uint64_t v = 0;
        s = d.read_uint(v);
        if (s == Status::ok && v > 0xFFFFFFFFu) return fail(diag, Reason::bad_claim_value, claim);
        q.pcr_select = static_cast<std::uint32_t>(v);
        break;
      }
      case kQuoteAkPublic:
        s = d.read_bytes(q.ak_public);
        if (s == Status::ok && q.ak_public.empty()) return fail(diag, Reason::bad_claim_value, claim);
        break;
      default:
        return fail(diag, Reason::bad_claim_type, claim);
    }
    if (s != Status::ok) return cbor_fail(d, diag, claim);
    seen |= 1u << key;
  }
  constexpr unsigned required = (1u << kQuoteAttest) | (1u << kQuoteSignature) | (1u << kQuotePcrDigest) |
                                (1u << kQuotePcrSelect);
  if ((seen & required) != required) return fail(diag, Reason::bad_claim_type, claim);
  return Status::ok;
}

// Bit per claim for the presence check.
enum : std::uint32_t {
  kSeenNonce = 1u << 0,
  kSeenUeid = 1u << 1,
  kSeenOemid = 1u << 2,
  kSeenHwModel = 1u << 3,
  kSeenDbgStat = 1u << 4,
  kSeenProfile = 1u << 5,
  kSeenSwName = 1u << 6,
  kSeenSwVersion = 1u << 7,
  kSeenMeasurements = 1u << 8,
};

Status parse_claims_impl(std::span<const std::uint8_t> payload, Claims& out, Diagnostic* diag) {
  if (payload.size() > kMaxPayloadSize) return fail(diag, Reason::token_too_large, 0);
  cbor::Decoder d(payload);
  std::uint64_t pairs = 0;
  if (d.read_map(pairs) != Status::ok) {
    return d.error() == cbor::Error::unexpected_type ? fail(diag, Reason::payload_not_map, 0, d.error())
                                                     : fail(diag, Reason::malformed_cbor, 0, d.error());
  }
  std::uint32_t seen = 0;
  for (std::uint64_t i = 0; i < pairs; ++i) {
    std::int64_t key = 0;
    if (d.read_int(key) != Status::ok) {
      // Text or other non-integer keys are not claims of this profile.
      const cbor::Error e = d.error();
      return e == cbor::Error::unexpected_type || e == cbor::Error::value_out_of_range
                 ? fail(diag, Reason::unknown_claim, 0, e)
                 : fail(diag, Reason::malformed_cbor, 0, e);
    }
    // Duplicate keys cannot reach here: the decoder rejects them (RFC 8949 §5.6) while reading.
    Status s = Status::ok;
    switch (key) {
      case kClaimNonce:
        s = d.read_bytes(out.nonce);
        seen |= kSeenNonce;
        break;
      case kClaimUeid:
        s = d.read_bytes(out.ueid);
        seen |= kSeenUeid;
        break;
      case kClaimOemid:
        s = d.read_bytes(out.oemid);
        seen |= kSeenOemid;
        break;
      case kClaimHwModel:
        s = d.read_bytes(out.hwmodel);
        seen |= kSeenHwModel;
        break;
      case kClaimDbgStat: {
        std::uint64_t v = 0;
        s = d.read_uint(v);
        if (s == Status::ok && v > static_cast<std::uint8_t>(DbgStat::disabled_fully_and_permanently)) {
          return fail(diag, Reason::bad_claim_value, key);
        }
        out.dbgstat = static_cast<DbgStat>(v);
        seen |= kSeenDbgStat;
        break;
      }
      case kClaimProfile: {
        std::string_view p;
        s = d.read_text(p);
        if (s == Status::ok && p != kProfileId) return fail(diag, Reason::wrong_profile, key);
        seen |= kSeenProfile;
        break;
      }
      case kClaimBootCount:
        s = d.read_uint(out.bootcount);
        out.has_bootcount = true;
        break;
      case kClaimBootSeed:
        s = d.read_bytes(out.bootseed);
        if (s == Status::ok && out.bootseed.empty()) return fail(diag, Reason::bad_claim_value, key);
        break;
      case kClaimSwName:
        s = d.read_text(out.swname);
        seen |= kSeenSwName;
        break;
      case kClaimSwVersion: {
        std::uint64_t n = 0;
        s = d.read_array(n);
        if (s != Status::ok) break;
        if (n != 2) return fail(diag, Reason::bad_claim_type, key);
        s = d.read_text(out.swversion.version);
        if (s == Status::ok) s = d.read_int(out.swversion.scheme);
        seen |= kSeenSwVersion;
        break;
      }
      case kClaimMeasurements:
        if (parse_measurements(d, out, diag) != Status::ok) return Status::decode_error;
        seen |= kSeenMeasurements;
        break;
      case kClaimTpmQuote:
        if (parse_tpm_quote(d, out.tpm_quote, diag) != Status::ok) return Status::decode_error;
        out.has_tpm_quote = true;
        break;
      default:
        // RFC 9711 lets a profile decide; ours rejects unknown claims so that nothing signed is
        // silently ignored by one verifier and honoured by another.
        return fail(diag, Reason::unknown_claim, key);
    }
    if (s != Status::ok) return cbor_fail(d, diag, key);
  }
  if (d.finish() != Status::ok) return fail(diag, Reason::malformed_cbor, 0, d.error());

  struct Required {
    std::uint32_t bit;
    std::int64_t key;
  };
  constexpr Required required[] = {
      {kSeenNonce, kClaimNonce},         {kSeenUeid, kClaimUeid},       {kSeenOemid, kClaimOemid},
      {kSeenHwModel, kClaimHwModel},     {kSeenDbgStat, kClaimDbgStat}, {kSeenProfile, kClaimProfile},
      {kSeenSwName, kClaimSwName},       {kSeenSwVersion, kClaimSwVersion},
      {kSeenMeasurements, kClaimMeasurements},
  };
  for (const Required& r : required) {
    if ((seen & r.bit) == 0) return fail(diag, Reason::missing_claim, r.key);
  }

  Diagnostic vd;
  if (validate(out, &vd) != Status::ok) {
    // Every mandatory claim is present at this point, so "missing" from validate() means
    // present but empty.
    return fail(diag, vd.reason == Reason::missing_claim ? Reason::bad_claim_value : vd.reason, vd.claim);
  }
  if (diag != nullptr) *diag = Diagnostic{};
  return Status::ok;
}

// Length of a byte string's content given the length of the whole encoded item.
std::size_t bstr_content_len(std::size_t item_len) {
  for (const std::size_t h : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{5}, std::size_t{9}}) {
    if (item_len >= h && cbor::head_size(item_len - h) == h) return item_len - h;
  }
  return item_len;
}

}  // namespace

Status encode_claims(const Claims& c, cbor::Encoder& enc, Diagnostic* diag) {
  const Status v = validate(c, diag);
  if (v != Status::ok) return v;
  encode_claims_unchecked(c, enc);
  if (enc.status() != Status::ok) {
    if (diag != nullptr) diag->reason = Reason::buffer_too_small;
    return enc.status();
  }
  return Status::ok;
}

Status build_token(const Claims& c, cose::Signer& signer, std::span<const std::uint8_t, cose::kKidSize> kid,
                   std::span<std::uint8_t> scratch, std::span<std::uint8_t> out, std::size_t& token_len,
                   Diagnostic* diag) {
  // The shipped path is ML-DSA only (RFC 9964 ids); anything else is a configuration error.
  if (!cose::is_mldsa_alg(signer.alg())) {
    if (diag != nullptr) *diag = Diagnostic{Reason::unsupported_algorithm, 0, {}, {}};
    return Status::invalid_argument;
  }
  const Status v = validate(c, diag);
  if (v != Status::ok) return v;

  cose::Sign1Writer w(out, signer.alg(), kid);
  cbor::Encoder& e = w.begin_payload();
  const std::size_t payload_start = e.size();
  encode_claims_unchecked(c, e);
  if (e.status() != Status::ok) {
    if (diag != nullptr) *diag = Diagnostic{Reason::buffer_too_small, 0, {}, {}};
    return e.status();
  }
  // Never produce a token the parser would refuse.
  if (bstr_content_len(e.size() - payload_start) > kMaxPayloadSize ||
      e.size() + cbor::string_size(signer.signature_size()) > kMaxTokenSize) {
    if (diag != nullptr) *diag = Diagnostic{Reason::token_too_large, 0, {}, {}};
    return Status::invalid_argument;
  }
  std::size_t len = 0;
  const Status s = w.finish(signer, scratch, len);
  if (s != Status::ok) {
    if (diag != nullptr) {
      *diag = Diagnostic{};
      diag->reason = s == Status::buffer_too_small ? Reason::buffer_too_small : Reason::signature;
      diag->cose_error = w.error();
    }
    return s;
  }
  token_len = len;
  if (diag != nullptr) *diag = Diagnostic{};
  return Status::ok;
}

Status decode_token(std::span<const std::uint8_t> token, cose::Sign1& msg, Diagnostic* diag) {
  if (token.size() > kMaxTokenSize) return fail(diag, Reason::token_too_large, 0);
  cose::Error ce = cose::Error::none;
  cbor::Error be = cbor::Error::none;
  cose::Sign1 m;
  if (cose::decode_sign1(token, m, &ce, &be) != Status::ok) {
    const Status f = fail(diag, ce == cose::Error::malformed ? Reason::malformed_cbor : Reason::not_cose_sign1, 0, be);
    if (diag != nullptr) diag->cose_error = ce;
    return f;
  }
  if (!cose::is_mldsa_alg(m.alg)) return fail(diag, Reason::unsupported_algorithm, 0);
  if (m.payload.size() > kMaxPayloadSize) return fail(diag, Reason::token_too_large, 0);
  msg = m;
  if (diag != nullptr) *diag = Diagnostic{};
  return Status::ok;
}

Status parse_claims(std::span<const std::uint8_t> payload, Claims& out, Diagnostic* diag) {
  out = Claims{};
  const Status s = parse_claims_impl(payload, out, diag);
  if (s != Status::ok) out = Claims{};  // outputs zeroed on failure (DESIGN.md)
  return s;
}

Status verify_token(const cose::Sign1& msg, const cose::Verifier& verifier, std::span<const std::uint8_t> public_key,
                    std::span<std::uint8_t> scratch, Claims& out, Diagnostic* diag) {
  out = Claims{};
  if (!cose::is_mldsa_alg(msg.alg)) return fail(diag, Reason::unsupported_algorithm, 0);
  cose::Error ce = cose::Error::none;
  const Status s = cose::verify_sign1(msg, verifier, public_key, scratch, &ce);
  if (s != Status::ok) {
    if (diag != nullptr) {
      *diag = Diagnostic{};
      diag->reason = s == Status::buffer_too_small ? Reason::buffer_too_small : Reason::signature;
      diag->cose_error = ce;
    }
    return s;
  }
  // The claims returned here are authenticated: they are parsed again from the signed payload
  // once the signature holds. (The verifier also parses the payload before this call, strictly
  // and bounded, only to learn which device's key to check it with; nothing from that earlier
  // parse is trusted or recorded.)
  return parse_claims(msg.payload, out, diag);
}

Status verify_token(std::span<const std::uint8_t> token, const cose::Verifier& verifier,
                    std::span<const std::uint8_t> public_key, std::span<std::uint8_t> scratch, Claims& out,
                    Diagnostic* diag) {
  cose::Sign1 msg;
  if (decode_token(token, msg, diag) != Status::ok) {
    out = Claims{};
    return Status::decode_error;
  }
  return verify_token(msg, verifier, public_key, scratch, out, diag);
}

}  // namespace pqcea::attest
