// EAT claims (RFC 9711) of the PQC-Edge-Attestor profile (docs/eat-profile.md).
//
// One Claims struct serves both sides: the device fills it and builds a token; the verifier
// gets it back from the parser. It holds views (spans / string_views), never copies: on the
// parsing side they point into the token buffer, which must outlive the Claims. Capacities are
// fixed (kMaxMeasurements) and every length is bounded by the profile, so a parsed token can
// never make the verifier allocate or overrun.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "pqcea/cbor.hpp"
#include "pqcea/core/status.hpp"
#include "pqcea/cose.hpp"

namespace pqcea::attest {

// ---- claim keys (RFC 9711 §4, CWT Claims registry) ------------------------------------------
inline constexpr std::int64_t kClaimNonce = 10;
inline constexpr std::int64_t kClaimUeid = 256;
inline constexpr std::int64_t kClaimOemid = 258;
inline constexpr std::int64_t kClaimHwModel = 259;
inline constexpr std::int64_t kClaimDbgStat = 263;
inline constexpr std::int64_t kClaimProfile = 265;
inline constexpr std::int64_t kClaimBootCount = 267;
inline constexpr std::int64_t kClaimBootSeed = 268;
inline constexpr std::int64_t kClaimSwName = 270;
inline constexpr std::int64_t kClaimSwVersion = 271;
inline constexpr std::int64_t kClaimMeasurements = 273;
// Private-use claim (CWT claim keys below -65536 are private use, RFC 8392 §9.1): the TPM 2.0
// quote that travels inside the ML-DSA-signed evidence.
inline constexpr std::int64_t kClaimTpmQuote = -65537;

// ---- profile --------------------------------------------------------------------------------
// eat_profile (RFC 9711 §4.3.2) value naming this profile.
inline constexpr std::string_view kProfileId = "tag:pqc-edge-attestor,2026:eat-profile-v1";

// Sizes (docs/eat-profile.md, "Sizes"). Lower bounds follow RFC 9711 where it sets them.
inline constexpr std::size_t kNonceMin = 8, kNonceMax = 64;        // RFC 9711 §4.1
inline constexpr std::size_t kHwModelMax = 32;                      // RFC 9711 §4.2.4
inline constexpr std::size_t kBootSeedMin = 32, kBootSeedMax = 64;  // RFC 9711 §4.3.4
inline constexpr std::size_t kSwNameMax = 64;
inline constexpr std::size_t kSwVersionMax = 32;
inline constexpr std::size_t kMaxMeasurements = 16;
inline constexpr std::size_t kComponentNameMax = 32;
inline constexpr std::size_t kComponentVersionMax = 32;
inline constexpr std::size_t kMaxPcrIndex = 23;
inline constexpr std::size_t kTpmBlobMax = 1024;  // TPMS_ATTEST, TPMT_SIGNATURE, AK public key each
inline constexpr std::size_t kMaxPayloadSize = 8192;
inline constexpr std::size_t kMaxTokenSize = 16384;  // payload + headers + ML-DSA-87 signature (4627)

// swversion version-scheme (RFC 9711 §4.2.7, CoSWID $version-scheme): semver.
inline constexpr std::int64_t kVersionSchemeSemver = 16384;

// measurements (RFC 9711 §4.2.16): each entry is [content-type, bytes]. Our entries use CoAP
// content format 60 (application/cbor) and the bytes hold one measured-component map defined
// by this profile.
inline constexpr std::uint64_t kMeasurementContentFormat = 60;

// measured-component map keys (docs/eat-profile.md): {1: name, ?2: version, 3: digest, ?4: pcr}.
inline constexpr std::uint64_t kComponentName = 1;
inline constexpr std::uint64_t kComponentVersion = 2;
inline constexpr std::uint64_t kComponentDigest = 3;
inline constexpr std::uint64_t kComponentPcr = 4;

// tpm-quote map keys: {1: attest, 2: signature, 3: pcr-digest, 4: pcr-select, ?5: ak-public}.
inline constexpr std::uint64_t kQuoteAttest = 1;
inline constexpr std::uint64_t kQuoteSignature = 2;
inline constexpr std::uint64_t kQuotePcrDigest = 3;
inline constexpr std::uint64_t kQuotePcrSelect = 4;
inline constexpr std::uint64_t kQuoteAkPublic = 5;

// Digest algorithms: IANA "Named Information Hash Algorithm Registry" ids, as CoSWID
// hash-entry (RFC 9393 §2.9.1) uses them.
inline constexpr std::int64_t kHashSha256 = 1;
inline constexpr std::int64_t kHashSha384 = 7;
inline constexpr std::int64_t kHashSha512 = 8;
inline constexpr std::int64_t kHashSha3_256 = 10;
inline constexpr std::int64_t kHashSha3_384 = 11;
inline constexpr std::int64_t kHashSha3_512 = 12;
// Digest length for an allowed algorithm, 0 if the algorithm is not allowed by the profile.
constexpr std::size_t digest_size(std::int64_t alg) {
  switch (alg) {
    case kHashSha256: return 32;
    case kHashSha384: return 48;
    case kHashSha512: return 64;
    case kHashSha3_256: return 32;
    case kHashSha3_384: return 48;
    case kHashSha3_512: return 64;
    default: return 0;
  }
}

// dbgstat values (RFC 9711 §4.2.9).
enum class DbgStat : std::uint8_t {
  enabled = 0,
  disabled = 1,
  disabled_since_boot = 2,
  disabled_permanently = 3,
  disabled_fully_and_permanently = 4,
};

// UEID types (RFC 9711 §4.2.1). The profile accepts RAND (16, 24 or 32 bytes) and IEEE EUI
// (6 or 8 bytes); IMEI is not used by our devices.
inline constexpr std::uint8_t kUeidRand = 0x01;
inline constexpr std::uint8_t kUeidEui = 0x02;

struct Digest {
  std::int64_t alg = kHashSha256;
  std::span<const std::uint8_t> value;
};

// One measured component: a boot stage or firmware image (name, version, digest) or a TPM PCR
// (name, pcr index, digest = the PCR value in that bank).
struct Measurement {
  std::string_view name;     // 1..kComponentNameMax, e.g. "bl2", "app", "pcr0"
  std::string_view version;  // empty: absent
  Digest digest;
  bool has_pcr = false;
  std::uint8_t pcr = 0;  // 0..kMaxPcrIndex when has_pcr
};

// The TPM 2.0 quote: the verifier checks `signature` over `attest` with the device's
// attestation key, that `attest` is a TPM_ST_ATTEST_QUOTE whose extraData is the nonce and whose
// pcrDigest equals `pcr_digest`, and that `pcr_digest` is the hash of the claimed PCR values.
struct TpmQuote {
  std::span<const std::uint8_t> attest;     // TPMS_ATTEST as marshalled by the TPM
  std::span<const std::uint8_t> signature;  // TPMT_SIGNATURE as marshalled by the TPM
  Digest pcr_digest;                        // the quote's PCR composite digest
  std::uint32_t pcr_select = 0;             // bit i set: PCR i is in the quote (i < 24)
  // Optional: the attestation key's public key as the verifier's quote check takes it (for the
  // ECDSA P-256 AK of include/pqcea/host/tpm.hpp, the 65-byte SEC1 point 04||x||y). A verifier
  // compares it with the AK registered at provisioning; it never trusts it on its own.
  std::span<const std::uint8_t> ak_public;
};

struct SwVersion {
  std::string_view version;  // "MAJOR.MINOR.PATCH"
  std::int64_t scheme = kVersionSchemeSemver;
};

struct Claims {
  std::span<const std::uint8_t> nonce;    // eat_nonce (10), mandatory
  std::span<const std::uint8_t> ueid;     // ueid (256), mandatory
  std::span<const std::uint8_t> oemid;    // oemid (258), mandatory: 3 (IEEE OUI) or 16 bytes (random)
  std::span<const std::uint8_t> hwmodel;  // hwmodel (259), mandatory
  std::string_view swname;                // swname (270), mandatory
  SwVersion swversion;                    // swversion (271), mandatory
  DbgStat dbgstat = DbgStat::disabled;    // dbgstat (263), mandatory
  bool has_bootcount = false;             // bootcount (267), optional
  std::uint64_t bootcount = 0;
  std::span<const std::uint8_t> bootseed;  // bootseed (268), optional (empty: absent)
  std::array<Measurement, kMaxMeasurements> measurements{};  // measurements (273), mandatory, >= 1
  std::size_t measurement_count = 0;
  bool has_tpm_quote = false;  // tpm quote (-65537), optional
  TpmQuote tpm_quote;
  // eat_profile (265) is always kProfileId: written by the builder, required by the parser.
};

// Why a token or claims set was rejected.
enum class Reason : std::uint8_t {
  none = 0,
  token_too_large,        // over kMaxTokenSize / payload over kMaxPayloadSize
  malformed_cbor,         // not well-formed or not deterministic CBOR (see cbor_error)
  not_cose_sign1,         // COSE structure or headers out of profile (see cose_error)
  unsupported_algorithm,  // COSE alg is not ML-DSA
  signature,              // alg/kid mismatch or the signature does not verify (see cose_error)
  payload_not_map,        // payload is not a CBOR map
  unknown_claim,          // a claim key this profile does not define
  missing_claim,          // a mandatory claim is absent
  bad_claim_type,         // a claim has the wrong CBOR type or shape
  bad_claim_value,        // a claim value is outside the profile (size, range, format)
  wrong_profile,          // eat_profile is not kProfileId
  too_many_measurements,  // more than kMaxMeasurements
  buffer_too_small,       // builder: output or scratch buffer too small
};
const char* to_string(Reason r);

// Diagnostic for the verifier's per-claim result ("reason per claim").
struct Diagnostic {
  Reason reason = Reason::none;
  std::int64_t claim = 0;  // the claim key concerned, 0 if none
  cbor::Error cbor_error = cbor::Error::none;  // when reason is malformed_cbor (or a CBOR-level cause)
  cose::Error cose_error = cose::Error::none;  // for not_cose_sign1 and signature
};

// Checks every claim against the profile (mandatory claims, sizes, ranges, formats). The
// builder runs it before encoding and the parser after decoding, so both sides share one
// definition of "in profile". Status::invalid_argument with `diag` on failure.
[[nodiscard]] Status validate(const Claims& c, Diagnostic* diag = nullptr);

// Parses "MAJOR.MINOR.PATCH" (decimal, no leading zeros, each < 2^32). Status::decode_error if
// the text is anything else.
struct Semver {
  std::uint32_t major = 0, minor = 0, patch = 0;
};
[[nodiscard]] Status parse_semver(std::string_view text, Semver& out);
// -1, 0, 1 like memcmp.
constexpr int compare(const Semver& a, const Semver& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  return 0;
}

}  // namespace pqcea::attest
