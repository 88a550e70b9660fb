// Signed firmware image format of the secure bootloader (docs/secure-boot.md, "Image format").
//
//   image = manifest (128 bytes) || payload || public key (ML-DSA-87, 2592) || signature (4627)
//           || end marker ("PQFE", image size)
//
// The ML-DSA-87 signature covers the 128 manifest bytes only (pure ML-DSA, FIPS 204 Alg. 2/3,
// context kSignatureContext). The manifest holds the digest of the payload, so the large payload is
// signed through its hash (hash-then-sign); the bootloader hashes the payload itself. The public key
// travels in the image and is trusted only if its SHA-256 equals a key id fixed in the bootloader
// ("OTP"); the manifest names that key id, so the signature also binds the key.
//
// Every field has a stated bound and the parser rejects anything else, including non-zero
// reserved bytes: one byte string has exactly one meaning.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/core/status.hpp"

namespace pqcea::boot {

// ---- format constants (docs/secure-boot.md, Table 1) ----------------------------------------
inline constexpr std::array<std::uint8_t, 4> kManifestMagic = {'P', 'Q', 'F', 'W'};
inline constexpr std::array<std::uint8_t, 4> kEndMagic = {'P', 'Q', 'F', 'E'};
inline constexpr std::uint16_t kFormatVersion = 1;
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

// Signature algorithm: COSE alg id of ML-DSA-87 (RFC 9964), stored as a 16-bit two's complement.
inline constexpr std::int16_t kSigAlgMlDsa87 = -50;
inline constexpr std::size_t kPublicKeySize = 2592;  // FIPS 204 Table 2, ML-DSA-87 pk
inline constexpr std::size_t kSignatureSize = 4627;  // FIPS 204 Table 2, ML-DSA-87 signature
inline constexpr std::size_t kKeyIdSize = 32;        // SHA-256 of the public key (as a COSE kid)
inline constexpr std::size_t kEndMarkerSize = 8;     // kEndMagic || image size (u32 LE)
inline constexpr std::size_t kTrailerSize = kPublicKeySize + kSignatureSize + kEndMarkerSize;

// ML-DSA context string (FIPS 204 §5.2): separates manifest signatures from every other use of
// a signing key.
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
}  // namespace offset
static_assert(offset::key_id + kKeyIdSize == offset::reserved && offset::reserved + 28 == kManifestSize);

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
  bad_format_version,           // not kFormatVersion
  bad_manifest_size,            // not kManifestSize
  bad_flags,                    // a flag bit set (version 1 defines none)
  payload_size_out_of_bounds,   // outside [kMinPayloadSize, kMaxPayloadSize]
  load_address_misaligned,      // not a multiple of kLoadAlign
  load_address_wraps,           // load_address + payload_size beyond 2^32
  security_counter_out_of_bounds,  // above kMaxSecurityCounter
  bad_digest_alg,               // neither SHA-256 (1) nor SHA3-256 (10)
  bad_sig_alg,                  // not ML-DSA-87 (-50)
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
// a parsed manifest (payload_size <= kMaxPayloadSize).
constexpr std::size_t image_size(const Manifest& m) {
  return kManifestSize + static_cast<std::size_t>(m.payload_size) + kTrailerSize;
}
constexpr std::size_t public_key_offset(const Manifest& m) { return kManifestSize + m.payload_size; }
constexpr std::size_t signature_offset(const Manifest& m) { return public_key_offset(m) + kPublicKeySize; }
constexpr std::size_t end_marker_offset(const Manifest& m) { return signature_offset(m) + kSignatureSize; }

// Hashes a payload with the manifest's digest algorithm (SHA-256 or SHA3-256).
[[nodiscard]] Status payload_digest(std::uint16_t digest_alg, std::span<const std::uint8_t> payload,
                                    std::span<std::uint8_t, kDigestSize> out);

// SHA-256 of an ML-DSA-87 public key: the signer key id (the value "OTP" holds).
void key_id_of(std::span<const std::uint8_t, kPublicKeySize> public_key, std::span<std::uint8_t, kKeyIdSize> out);

}  // namespace pqcea::boot
