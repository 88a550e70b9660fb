// Manifest encoding and the strict parser (docs/secure-boot.md, Table 1).
#include "pqcea/boot/manifest.hpp"

#include "pqcea/core/bytes.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"

namespace pqcea::boot {
namespace {

std::uint16_t load16_le(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
void store16_le(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
}

constexpr std::uint16_t kSigAlgEncoded = static_cast<std::uint16_t>(kSigAlgMlDsa87);  // 0xFFCE

bool equal(const char* a, const char* b) {
  while (*a != 0 && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}

// Format of a manifest for this algorithm: 1 for ML-DSA-87, 2 for the rest.
std::uint16_t format_for(std::int32_t sig_alg) {
  return sig_alg == kSigAlgMlDsa87 ? kFormatVersion : kFormatVersion2;
}

// The algorithm and trailer-size rules (after the field rules, in field order). Format 1 can only
// express ML-DSA-87 with its fixed sizes; format 2 every other row of kSigAlgs, sizes in bounds.
ManifestError check_signature_fields(const Manifest& m, std::uint16_t format) {
  const SigAlgInfo* a = find_sig_alg(m.sig_alg);
  if (a == nullptr || format_for(m.sig_alg) != format) return ManifestError::bad_sig_alg;
  if (m.public_key_size < a->pk_min || m.public_key_size > a->pk_max) return ManifestError::bad_public_key_size;
  // HSS: u32 L || LMS public key with m = 24 or 32 (RFC 8554 §5.3, SP 800-208): nothing between.
  if (a->family == SigFamily::hss && m.public_key_size != a->pk_min && m.public_key_size != a->pk_max)
    return ManifestError::bad_public_key_size;
  if (m.signature_size < a->sig_min || m.signature_size > a->sig_max) return ManifestError::bad_signature_size;
  return ManifestError::none;
}

// The field rules shared by the encoder and the parser, in field order (the first broken rule is
// the one reported).
ManifestError check_fields(const Manifest& m) {
  if (m.payload_size < kMinPayloadSize || m.payload_size > kMaxPayloadSize)
    return ManifestError::payload_size_out_of_bounds;
  if (m.load_address % kLoadAlign != 0) return ManifestError::load_address_misaligned;
  if (static_cast<std::uint64_t>(m.load_address) + m.payload_size > 0x100000000ull)
    return ManifestError::load_address_wraps;
  if (m.security_counter > kMaxSecurityCounter) return ManifestError::security_counter_out_of_bounds;
  if (m.digest_alg != kDigestSha256 && m.digest_alg != kDigestSha3_256) return ManifestError::bad_digest_alg;
  return ManifestError::none;
}

}  // namespace

const SigAlgInfo* find_sig_alg(const char* name) {
  if (name == nullptr) return nullptr;
  for (const auto& a : kSigAlgs)
    if (equal(a.name, name)) return &a;
  return nullptr;
}

const char* to_string(ManifestError e) {
  switch (e) {
    case ManifestError::none: return "ok";
    case ManifestError::truncated: return "manifest truncated";
    case ManifestError::bad_magic: return "no image (bad magic)";
    case ManifestError::bad_format_version: return "unsupported format version";
    case ManifestError::bad_manifest_size: return "wrong manifest size";
    case ManifestError::bad_flags: return "unknown flags set";
    case ManifestError::payload_size_out_of_bounds: return "payload size out of bounds";
    case ManifestError::load_address_misaligned: return "load address misaligned";
    case ManifestError::load_address_wraps: return "load address + size beyond 4 GiB";
    case ManifestError::security_counter_out_of_bounds: return "security counter out of bounds";
    case ManifestError::bad_digest_alg: return "unsupported digest algorithm";
    case ManifestError::bad_sig_alg: return "unsupported signature algorithm";
    case ManifestError::bad_public_key_size: return "public key size does not fit the signature algorithm";
    case ManifestError::bad_signature_size: return "signature size does not fit the signature algorithm";
    case ManifestError::reserved_not_zero: return "reserved bytes not zero";
  }
  return "unknown manifest error";
}

Status encode_manifest(const Manifest& m, std::span<std::uint8_t, kManifestSize> out, ManifestError* err) {
  const std::uint16_t format = format_for(m.sig_alg);
  ManifestError e = check_fields(m);
  if (e == ManifestError::none) e = check_signature_fields(m, format);
  if (err != nullptr) *err = e;
  if (e != ManifestError::none) return Status::invalid_argument;
  std::uint8_t* p = out.data();
  for (std::size_t i = 0; i < kManifestSize; ++i) p[i] = 0;
  for (std::size_t i = 0; i < 4; ++i) p[offset::magic + i] = kManifestMagic[i];
  store16_le(p + offset::format_version, format);
  store16_le(p + offset::manifest_size, static_cast<std::uint16_t>(kManifestSize));
  store32_le(p + offset::flags, 0);
  store32_le(p + offset::payload_size, m.payload_size);
  store32_le(p + offset::load_address, m.load_address);
  p[offset::version_major] = m.version.major;
  p[offset::version_minor] = m.version.minor;
  store16_le(p + offset::version_patch, m.version.patch);
  store32_le(p + offset::version_build, m.version.build);
  store32_le(p + offset::security_counter, m.security_counter);
  store16_le(p + offset::digest_alg, m.digest_alg);
  if (format == kFormatVersion) {
    store16_le(p + offset::sig_alg, kSigAlgEncoded);
  } else {
    store32_le(p + offset::sig_alg32, static_cast<std::uint32_t>(m.sig_alg));
    store32_le(p + offset::public_key_size, m.public_key_size);
    store32_le(p + offset::signature_size, m.signature_size);
  }
  for (std::size_t i = 0; i < kDigestSize; ++i) p[offset::digest + i] = m.digest[i];
  for (std::size_t i = 0; i < kKeyIdSize; ++i) p[offset::key_id + i] = m.key_id[i];
  return Status::ok;
}

Status parse_manifest(std::span<const std::uint8_t> in, Manifest& out, ManifestError* err) {
  ManifestError e = ManifestError::none;
  Manifest m;
  const std::uint8_t* p = in.data();
  if (in.size() < kManifestSize) {
    e = ManifestError::truncated;
  } else if (p[0] != kManifestMagic[0] || p[1] != kManifestMagic[1] || p[2] != kManifestMagic[2] ||
             p[3] != kManifestMagic[3]) {
    e = ManifestError::bad_magic;
  } else if (load16_le(p + offset::format_version) != kFormatVersion &&
             load16_le(p + offset::format_version) != kFormatVersion2) {
    e = ManifestError::bad_format_version;
  } else if (load16_le(p + offset::manifest_size) != kManifestSize) {
    e = ManifestError::bad_manifest_size;
  } else if (load32_le(p + offset::flags) != 0) {
    e = ManifestError::bad_flags;
  } else {
    m.payload_size = load32_le(p + offset::payload_size);
    m.load_address = load32_le(p + offset::load_address);
    m.version.major = p[offset::version_major];
    m.version.minor = p[offset::version_minor];
    m.version.patch = load16_le(p + offset::version_patch);
    m.version.build = load32_le(p + offset::version_build);
    m.security_counter = load32_le(p + offset::security_counter);
    m.digest_alg = load16_le(p + offset::digest_alg);
    m.format_version = load16_le(p + offset::format_version);
    e = check_fields(m);
    std::size_t reserved_from = offset::reserved;
    if (m.format_version == kFormatVersion) {
      // Format 1: the int16 algorithm field must say ML-DSA-87; the trailer is fixed.
      if (e == ManifestError::none && load16_le(p + offset::sig_alg) != kSigAlgEncoded) e = ManifestError::bad_sig_alg;
    } else {
      m.sig_alg = static_cast<std::int32_t>(load32_le(p + offset::sig_alg32));
      m.public_key_size = load32_le(p + offset::public_key_size);
      m.signature_size = load32_le(p + offset::signature_size);
      if (e == ManifestError::none) e = check_signature_fields(m, kFormatVersion2);
      // Format 1's algorithm field is reserved in format 2: a zero there, nothing else.
      if (e == ManifestError::none && load16_le(p + offset::reserved_v2_sig_alg16) != 0)
        e = ManifestError::reserved_not_zero;
      reserved_from = offset::reserved_v2;
    }
    if (e == ManifestError::none) {
      for (std::size_t i = reserved_from; i < kManifestSize; ++i)
        if (p[i] != 0) e = ManifestError::reserved_not_zero;
    }
    if (e == ManifestError::none) {
      for (std::size_t i = 0; i < kDigestSize; ++i) m.digest[i] = p[offset::digest + i];
      for (std::size_t i = 0; i < kKeyIdSize; ++i) m.key_id[i] = p[offset::key_id + i];
    }
  }
  if (err != nullptr) *err = e;
  if (e != ManifestError::none) return Status::decode_error;
  out = m;
  return Status::ok;
}

Status payload_digest(std::uint16_t digest_alg, std::span<const std::uint8_t> payload,
                      std::span<std::uint8_t, kDigestSize> out) {
  if (digest_alg == kDigestSha256) {
    hash::Sha256::hash(out.data(), payload.data(), payload.size());
    return Status::ok;
  }
  if (digest_alg == kDigestSha3_256) {
    hash::Sha3_256::hash(out.data(), payload.data(), payload.size());
    return Status::ok;
  }
  return Status::unsupported;
}

void key_id_of(std::span<const std::uint8_t> public_key, std::span<std::uint8_t, kKeyIdSize> out) {
  hash::Sha256::hash(out.data(), public_key.data(), public_key.size());
}

}  // namespace pqcea::boot
