// Signed firmware image format of the secure bootloader (docs/secure-boot.md, "Image format").
//
//   image = manifest (128 bytes) || payload || public key || signature || end marker ("PQFE", size)
//
// Format version 1 is ML-DSA-87 only: fixed trailer (public key 2592, signature 4627). Format
// version 2 carries the other algorithms (SLH-DSA, HSS/LMS, Falcon-1024): the manifest names
// the algorithm as a 32-bit COSE id and the public-key and signature sizes, each bounded by the
// algorithm's table row (exact for fixed-size schemes, [min, max] for HSS, whose signature length
// depends on the levels). ML-DSA-87 images stay version 1 (bootloaders in the field keep booting
// them) and version 2 refuses ML-DSA-87, so every image has exactly one encoding.
//
// The signature covers the 128 manifest bytes only: pure ML-DSA / SLH-DSA with the context string
// kSignatureContext; HSS/LMS and Falcon (no context input) over kSignatureContext framed as FIPS 204
// frames a context, prepended to the manifest (context_message_prefix). The manifest holds the digest of the payload,
// so the large payload is signed through its hash (hash-then-sign); the bootloader hashes the
// payload itself. The public key travels in the image and is trusted only if its SHA-256 equals a
// key id fixed in the bootloader ("OTP"); the manifest names that key id, so the signature also
// binds the key.
//
// Every field has a stated bound and the parser rejects anything else, including non-zero
// reserved bytes: one byte string has exactly one meaning.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/core/status.hpp"
#include "pqcea/falcon.hpp"
#include "pqcea/lms.hpp"
#include "pqcea/slhdsa.hpp"

namespace pqcea::boot {

// ---- format constants (docs/secure-boot.md, Table 1) ----------------------------------------
inline constexpr std::array<std::uint8_t, 4> kManifestMagic = {'P', 'Q', 'F', 'W'};
inline constexpr std::array<std::uint8_t, 4> kEndMagic = {'P', 'Q', 'F', 'E'};
inline constexpr std::uint16_t kFormatVersion = 1;    // ML-DSA-87, fixed trailer
inline constexpr std::uint16_t kFormatVersion2 = 2;   // sig_alg (int32) and trailer sizes in the manifest
inline constexpr std::size_t kManifestSize = 128;

// The smallest payload is a Cortex-M vector table's first two words (initial SP, reset vector);
// the largest is a format bound (a board bounds it further by its slot and execution region).
inline constexpr std::uint32_t kMinPayloadSize = 8;
inline constexpr std::uint32_t kMaxPayloadSize = 16u * 1024 * 1024;
// Load addresses are aligned so that the payload's vector table can be installed in VTOR
// (ARMv8-M: aligned to the table size rounded up to a power of two; 256 bytes covers 64 vectors).
inline constexpr std::uint32_t kLoadAlign = 256;
// Security counters fit every monotonic counter we port to (fuse or NV counters with up to 2^16
// states); a board with a smaller counter refuses higher values when it advances.
inline constexpr std::uint32_t kMaxSecurityCounter = 65535;

// Payload digest algorithms: IANA "Named Information Hash Algorithm" ids (the same numbering the
// attestation measurements use, include/pqcea/attest/claims.hpp).
inline constexpr std::uint16_t kDigestSha256 = 1;
inline constexpr std::uint16_t kDigestSha3_256 = 10;
inline constexpr std::size_t kDigestSize = 32;

// Signature algorithm: COSE alg id of ML-DSA-87 (RFC 9964), stored as a 16-bit two's complement in
// format 1. Its trailer sizes are the format-1 constants below.
inline constexpr std::int16_t kSigAlgMlDsa87 = -50;
inline constexpr std::size_t kPublicKeySize = 2592;  // FIPS 204 Table 2, ML-DSA-87 pk
inline constexpr std::size_t kSignatureSize = 4627;  // FIPS 204 Table 2, ML-DSA-87 signature
inline constexpr std::size_t kKeyIdSize = 32;        // SHA-256 of the public key (as a COSE kid)
inline constexpr std::size_t kEndMarkerSize = 8;     // kEndMagic || image size (u32 LE)
inline constexpr std::size_t kTrailerSize = kPublicKeySize + kSignatureSize + kEndMarkerSize;  // format 1

// Format-2 algorithm ids (docs/secure-boot.md, "Signature algorithms").
//  - HSS-LMS: -46, registered by RFC 8778 (the COSE "HSS-LMS" algorithm; a single LMS tree is HSS
//    with L = 1, RFC 8554 §6).
//  - SLH-DSA: no COSE id is registered yet (draft-ietf-cose-sphincs-plus still lists TBD), and
//    ../shared/STANDARDS.md names none, so the 12 sets take values from COSE's private-use range
//    (below -65536, RFC 9053 §11): -65792 - i. A registered id replaces them with a new format
//    version, never by reinterpreting these.
//  - Falcon-1024 (FN-DSA, FIPS 206 not published, no COSE id registered): private use, -65808. The
//    padded signature format (Falcon spec §3.11.6: exactly 1,280 bytes) keeps the size fixed.
inline constexpr std::int32_t kSigAlgHssLms = -46;
inline constexpr std::int32_t kSigAlgPrivateBase = -65792;  // = -(0x10100)
inline constexpr std::int32_t kSigAlgSlhDsaSha2_128s = kSigAlgPrivateBase - 0;
inline constexpr std::int32_t kSigAlgSlhDsaSha2_128f = kSigAlgPrivateBase - 1;
inline constexpr std::int32_t kSigAlgSlhDsaSha2_192s = kSigAlgPrivateBase - 2;
inline constexpr std::int32_t kSigAlgSlhDsaSha2_192f = kSigAlgPrivateBase - 3;
inline constexpr std::int32_t kSigAlgSlhDsaSha2_256s = kSigAlgPrivateBase - 4;
inline constexpr std::int32_t kSigAlgSlhDsaSha2_256f = kSigAlgPrivateBase - 5;
inline constexpr std::int32_t kSigAlgSlhDsaShake_128s = kSigAlgPrivateBase - 6;
inline constexpr std::int32_t kSigAlgSlhDsaShake_128f = kSigAlgPrivateBase - 7;
inline constexpr std::int32_t kSigAlgSlhDsaShake_192s = kSigAlgPrivateBase - 8;
inline constexpr std::int32_t kSigAlgSlhDsaShake_192f = kSigAlgPrivateBase - 9;
inline constexpr std::int32_t kSigAlgSlhDsaShake_256s = kSigAlgPrivateBase - 10;
inline constexpr std::int32_t kSigAlgSlhDsaShake_256f = kSigAlgPrivateBase - 11;
inline constexpr std::int32_t kSigAlgFalcon1024 = kSigAlgPrivateBase - 16;

enum class SigFamily : std::uint8_t { mldsa, slhdsa, hss, falcon };

// One row of the algorithm table: the bounds the parser holds the manifest's trailer sizes to.
// Fixed-size schemes have min == max. For HSS the public key is u32 L || LMS public key (RFC 8554
// §6.1: 52 bytes for m = 24, 60 for m = 32) and the signature length follows from the levels the
// signature names, so the parser bounds it by the shortest and longest HSS signature of SP 800-208
// parameters (L = 1..8) and the verifier then requires the exact length (trailing bytes rejected).
struct SigAlgInfo {
  std::int32_t id;
  const char* name;
  SigFamily family;
  std::uint32_t pk_min, pk_max;
  std::uint32_t sig_min, sig_max;
};

namespace detail {
// Shortest / longest LMS signature over the (LMS, LM-OTS) pairs RFC 8554 and SP 800-208 allow
// (same hash, n == m).
constexpr std::size_t lms_sig_extreme(bool longest) {
  std::size_t best = longest ? 0 : ~std::size_t{0};
  for (const auto& l : lms::kLmsTypes)
    for (const auto& o : lms::kOtsTypes) {
      if (l.hash != o.hash || l.m != o.n) continue;
      const std::size_t b = lms::lms_sig_bytes(l, o);
      if (longest ? b > best : b < best) best = b;
    }
  return best;
}
}  // namespace detail
// RFC 8554 §6.2: u32str(Nspk) || (Nspk signed public keys) || bottom signature, Nspk = L - 1.
inline constexpr std::size_t kHssMinSigBytes = 4 + detail::lms_sig_extreme(false);
inline constexpr std::size_t kHssMaxSigBytes =
    4 + lms::kMaxLevels * detail::lms_sig_extreme(true) + (lms::kMaxLevels - 1) * lms::kMaxLmsPkBytes;
static_assert(detail::lms_sig_extreme(false) == 4 + 652 + 4 + 5 * 24);    // M24 H5 with N24 W8
static_assert(detail::lms_sig_extreme(true) == 4 + 8516 + 4 + 25 * 32);   // M32 H25 with N32 W1

namespace detail {
template <class P>
constexpr SigAlgInfo slh(std::int32_t id) {
  return SigAlgInfo{id, P::name, SigFamily::slhdsa, P::pk_bytes, P::pk_bytes, P::sig_bytes, P::sig_bytes};
}
}  // namespace detail

inline constexpr SigAlgInfo kSigAlgs[] = {
    {kSigAlgMlDsa87, "ML-DSA-87", SigFamily::mldsa, kPublicKeySize, kPublicKeySize, kSignatureSize, kSignatureSize},
    {kSigAlgHssLms, "HSS-LMS", SigFamily::hss, 4 + 8 + lms::kIdBytes + 24, 4 + 8 + lms::kIdBytes + 32,
     kHssMinSigBytes, kHssMaxSigBytes},
    detail::slh<slhdsa::Sha2_128s>(kSigAlgSlhDsaSha2_128s),   detail::slh<slhdsa::Sha2_128f>(kSigAlgSlhDsaSha2_128f),
    detail::slh<slhdsa::Sha2_192s>(kSigAlgSlhDsaSha2_192s),   detail::slh<slhdsa::Sha2_192f>(kSigAlgSlhDsaSha2_192f),
    detail::slh<slhdsa::Sha2_256s>(kSigAlgSlhDsaSha2_256s),   detail::slh<slhdsa::Sha2_256f>(kSigAlgSlhDsaSha2_256f),
    detail::slh<slhdsa::Shake_128s>(kSigAlgSlhDsaShake_128s), detail::slh<slhdsa::Shake_128f>(kSigAlgSlhDsaShake_128f),
    detail::slh<slhdsa::Shake_192s>(kSigAlgSlhDsaShake_192s), detail::slh<slhdsa::Shake_192f>(kSigAlgSlhDsaShake_192f),
    detail::slh<slhdsa::Shake_256s>(kSigAlgSlhDsaShake_256s), detail::slh<slhdsa::Shake_256f>(kSigAlgSlhDsaShake_256f),
    {kSigAlgFalcon1024, falcon::Falcon1024::name, SigFamily::falcon, falcon::Falcon1024::pk_bytes,
     falcon::Falcon1024::pk_bytes, falcon::Falcon1024::sig_padded_bytes, falcon::Falcon1024::sig_padded_bytes},
};
// The row of `id`, or nullptr for an algorithm the format does not define.
constexpr const SigAlgInfo* find_sig_alg(std::int32_t id) {
  for (const auto& a : kSigAlgs)
    if (a.id == id) return &a;
  return nullptr;
}
// The row named `name` (as in kSigAlgs: "ML-DSA-87", "SLH-DSA-SHA2-128s", "HSS-LMS"), or nullptr.
const SigAlgInfo* find_sig_alg(const char* name);
inline constexpr std::size_t kMaxPublicKeyBytes = kPublicKeySize;  // ML-DSA-87 is the largest
inline constexpr std::size_t kMaxSignatureBytes = slhdsa::kMaxSigBytes > kHssMaxSigBytes ? slhdsa::kMaxSigBytes
                                                                                         : kHssMaxSigBytes;
namespace detail {
// Every row fits the buffers sized by the two maxima (validate_image relies on it).
constexpr bool rows_within_maxima() {
  for (const auto& a : kSigAlgs)
    if (a.pk_min > a.pk_max || a.sig_min > a.sig_max || a.pk_max > kMaxPublicKeyBytes || a.sig_max > kMaxSignatureBytes)
      return false;
  return true;
}
}  // namespace detail
static_assert(detail::rows_within_maxima());
static_assert(find_sig_alg(kSigAlgSlhDsaSha2_128s)->sig_max == 7856 && find_sig_alg(kSigAlgSlhDsaSha2_128s)->pk_max == 32);
static_assert(find_sig_alg(kSigAlgSlhDsaShake_256f)->sig_max == 49856);
static_assert(find_sig_alg(kSigAlgFalcon1024)->pk_max == 1793 && find_sig_alg(kSigAlgFalcon1024)->sig_max == 1280);

// Context string (FIPS 204 §5.2, FIPS 205 §10.2): separates manifest signatures from every other
// use of a signing key. Also the domain-separation prefix of HSS manifest signatures (hss_message).
inline constexpr std::array<std::uint8_t, 13> kSignatureContext = {'p', 'q', 'c', 'e', 'a', '-', 'b',
                                                                   'o', 'o', 't', '-', 'v', '1'};

// Byte offsets of the manifest fields (all integers little-endian).
namespace offset {
inline constexpr std::size_t magic = 0;
inline constexpr std::size_t format_version = 4;
inline constexpr std::size_t manifest_size = 6;
inline constexpr std::size_t flags = 8;
inline constexpr std::size_t payload_size = 12;
inline constexpr std::size_t load_address = 16;
inline constexpr std::size_t version_major = 20;
inline constexpr std::size_t version_minor = 21;
inline constexpr std::size_t version_patch = 22;
inline constexpr std::size_t version_build = 24;
inline constexpr std::size_t security_counter = 28;
inline constexpr std::size_t digest_alg = 32;
inline constexpr std::size_t sig_alg = 34;
inline constexpr std::size_t digest = 36;
inline constexpr std::size_t key_id = 68;
inline constexpr std::size_t reserved = 100;
// Format 2: offset 34 (format 1's int16 sig_alg) is reserved and zero; the algorithm and trailer
// sizes live in what format 1 reserves.
inline constexpr std::size_t reserved_v2_sig_alg16 = 34;
inline constexpr std::size_t sig_alg32 = 100;
inline constexpr std::size_t public_key_size = 104;
inline constexpr std::size_t signature_size = 108;
inline constexpr std::size_t reserved_v2 = 112;
}  // namespace offset
static_assert(offset::key_id + kKeyIdSize == offset::reserved && offset::reserved + 28 == kManifestSize);
static_assert(offset::reserved_v2 + 16 == kManifestSize);

// HSS and Falcon have no context input: the message they sign is 0x00 || u8(len(ctx)) || ctx ||
// manifest, the framing pure ML-DSA and SLH-DSA apply to a context (FIPS 204 Alg. 2 step 10,
// FIPS 205 Alg. 22 step 8), so a manifest signature cannot be mistaken for a signature over any
// other message.
inline constexpr std::size_t kContextMessagePrefixSize = 2 + kSignatureContext.size();
inline constexpr std::array<std::uint8_t, kContextMessagePrefixSize> context_message_prefix() {
  std::array<std::uint8_t, kContextMessagePrefixSize> p{};
  p[0] = 0;
  p[1] = static_cast<std::uint8_t>(kSignatureContext.size());
  for (std::size_t i = 0; i < kSignatureContext.size(); ++i) p[2 + i] = kSignatureContext[i];
  return p;
}

// Semantic version plus a build number (as MCUboot's image version: major.minor.patch+build).
struct Version {
  std::uint8_t major = 0;
  std::uint8_t minor = 0;
  std::uint16_t patch = 0;
  std::uint32_t build = 0;
};
// -1, 0, 1 (build number included).
constexpr int compare(const Version& a, const Version& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  if (a.build != b.build) return a.build < b.build ? -1 : 1;
  return 0;
}

struct Manifest {
  // The algorithm and the trailer sizes. Defaults: ML-DSA-87 (format 1). The encoder writes format 1
  // for ML-DSA-87 and format 2 for every other algorithm; the parser reports which it read.
  std::int32_t sig_alg = kSigAlgMlDsa87;
  std::uint32_t public_key_size = kPublicKeySize;
  std::uint32_t signature_size = kSignatureSize;
  std::uint16_t format_version = kFormatVersion;  // set by the parser; ignored by the encoder
  std::uint32_t payload_size = 0;
  std::uint32_t load_address = 0;
  Version version;
  std::uint32_t security_counter = 0;
  std::uint16_t digest_alg = kDigestSha256;
  std::array<std::uint8_t, kDigestSize> digest{};
  std::array<std::uint8_t, kKeyIdSize> key_id{};
};

// Why a manifest was rejected (the first failing rule, in field order).
enum class ManifestError : std::uint8_t {
  none = 0,
  truncated,                    // fewer than kManifestSize bytes
  bad_magic,                    // not "PQFW" (also: an erased or empty slot)
  bad_format_version,           // neither 1 nor 2
  bad_manifest_size,            // not kManifestSize
  bad_flags,                    // a flag bit set (version 1 defines none)
  payload_size_out_of_bounds,   // outside [kMinPayloadSize, kMaxPayloadSize]
  load_address_misaligned,      // not a multiple of kLoadAlign
  load_address_wraps,           // load_address + payload_size beyond 2^32
  security_counter_out_of_bounds,  // above kMaxSecurityCounter
  bad_digest_alg,               // neither SHA-256 (1) nor SHA3-256 (10)
  bad_sig_alg,                  // format 1: not ML-DSA-87 (-50); format 2: not in kSigAlgs, or ML-DSA-87
  bad_public_key_size,          // format 2: outside the algorithm's public-key size
  bad_signature_size,           // format 2: outside the algorithm's signature size (bounds)
  reserved_not_zero,            // a reserved byte is not zero
};
const char* to_string(ManifestError e);

// Writes the 128-byte encoding. Status::invalid_argument (with `err`) if a field is out of bounds,
// so no out-of-profile manifest can be produced, not even by the signing tool.
[[nodiscard]] Status encode_manifest(const Manifest& m, std::span<std::uint8_t, kManifestSize> out,
                                     ManifestError* err = nullptr);

// Parses the first kManifestSize bytes of `in` (the rest is ignored: the caller passes a slot or a
// whole image). Status::decode_error with `err` on any rule of Table 1; `out` is written only on
// success.
[[nodiscard]] Status parse_manifest(std::span<const std::uint8_t> in, Manifest& out, ManifestError* err = nullptr);

// Size of the whole image a manifest describes (manifest + payload + trailer). Never overflows for
// a parsed manifest (payload_size <= kMaxPayloadSize, trailer sizes bounded by kSigAlgs).
constexpr std::size_t trailer_size(const Manifest& m) {
  return static_cast<std::size_t>(m.public_key_size) + m.signature_size + kEndMarkerSize;
}
constexpr std::size_t image_size(const Manifest& m) {
  return kManifestSize + static_cast<std::size_t>(m.payload_size) + trailer_size(m);
}
constexpr std::size_t public_key_offset(const Manifest& m) { return kManifestSize + m.payload_size; }
constexpr std::size_t signature_offset(const Manifest& m) { return public_key_offset(m) + m.public_key_size; }
constexpr std::size_t end_marker_offset(const Manifest& m) { return signature_offset(m) + m.signature_size; }

// Hashes a payload with the manifest's digest algorithm (SHA-256 or SHA3-256).
[[nodiscard]] Status payload_digest(std::uint16_t digest_alg, std::span<const std::uint8_t> payload,
                                    std::span<std::uint8_t, kDigestSize> out);

// SHA-256 of a public key: the signer key id (the value "OTP" holds).
void key_id_of(std::span<const std::uint8_t> public_key, std::span<std::uint8_t, kKeyIdSize> out);

}  // namespace pqcea::boot
