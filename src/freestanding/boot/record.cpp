// Boot record encoding (docs/secure-boot.md, "Boot record", Table 3).
#include "pqcea/boot/record.hpp"

#include "pqcea/core/bytes.hpp"
#include "pqcea/hash/keccak.hpp"

namespace pqcea::boot {
namespace {

// magic(4) version(2) size(2) slot(1) flags(1) digest_alg(2) boot_count(4) version(8)
// security_counter(4) stored_counter(4) load_address(4) payload_size(4) digest(32) key_id(32)
// manifest_hash(32) reserved(88) check(32)
constexpr std::size_t kDigestAt = 40;
constexpr std::size_t kKeyIdAt = 72;
constexpr std::size_t kManifestHashAt = 104;
constexpr std::size_t kReservedAt = 136;
constexpr std::size_t kCheckAt = kBootRecordSize - 32;
constexpr std::uint8_t kFlagTrial = 0x01;

std::uint16_t load16_le(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
void store16_le(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
}

}  // namespace

Status encode_boot_record(const BootRecord& r, std::span<std::uint8_t, kBootRecordSize> out) {
  if (r.slot != Slot::a && r.slot != Slot::b) return Status::invalid_argument;
  std::uint8_t* p = out.data();
  for (std::size_t i = 0; i < kBootRecordSize; ++i) p[i] = 0;
  for (std::size_t i = 0; i < 4; ++i) p[i] = kBootRecordMagic[i];
  store16_le(p + 4, kBootRecordVersion);
  store16_le(p + 6, static_cast<std::uint16_t>(kBootRecordSize));
  p[8] = static_cast<std::uint8_t>(r.slot);
  p[9] = r.trial ? kFlagTrial : 0;
  store16_le(p + 10, r.digest_alg);
  store32_le(p + 12, r.boot_count);
  p[16] = r.version.major;
  p[17] = r.version.minor;
  store16_le(p + 18, r.version.patch);
  store32_le(p + 20, r.version.build);
  store32_le(p + 24, r.security_counter);
  store32_le(p + 28, r.stored_counter);
  store32_le(p + 32, r.load_address);
  store32_le(p + 36, r.payload_size);
  for (std::size_t i = 0; i < 32; ++i) {
    p[kDigestAt + i] = r.digest[i];
    p[kKeyIdAt + i] = r.key_id[i];
    p[kManifestHashAt + i] = r.manifest_hash[i];
  }
  hash::Sha3_256::hash(p + kCheckAt, p, kCheckAt);
  return Status::ok;
}

Status decode_boot_record(std::span<const std::uint8_t, kBootRecordSize> in, BootRecord& out) {
  const std::uint8_t* p = in.data();
  for (std::size_t i = 0; i < 4; ++i)
    if (p[i] != kBootRecordMagic[i]) return Status::decode_error;
  if (load16_le(p + 4) != kBootRecordVersion || load16_le(p + 6) != kBootRecordSize) return Status::decode_error;
  std::uint8_t check[32];
  hash::Sha3_256::hash(check, p, kCheckAt);
  for (std::size_t i = 0; i < 32; ++i)
    if (check[i] != p[kCheckAt + i]) return Status::decode_error;
  if (p[8] > 1 || (p[9] & ~kFlagTrial) != 0) return Status::decode_error;
  const std::uint16_t alg = load16_le(p + 10);
  if (alg != kDigestSha256 && alg != kDigestSha3_256) return Status::decode_error;
  for (std::size_t i = kReservedAt; i < kCheckAt; ++i)
    if (p[i] != 0) return Status::decode_error;
  BootRecord r;
  r.slot = static_cast<Slot>(p[8]);
  r.trial = (p[9] & kFlagTrial) != 0;
  r.digest_alg = alg;
  r.boot_count = load32_le(p + 12);
  r.version.major = p[16];
  r.version.minor = p[17];
  r.version.patch = load16_le(p + 18);
  r.version.build = load32_le(p + 20);
  r.security_counter = load32_le(p + 24);
  r.stored_counter = load32_le(p + 28);
  r.load_address = load32_le(p + 32);
  r.payload_size = load32_le(p + 36);
  for (std::size_t i = 0; i < 32; ++i) {
    r.digest[i] = p[kDigestAt + i];
    r.key_id[i] = p[kKeyIdAt + i];
    r.manifest_hash[i] = p[kManifestHashAt + i];
  }
  out = r;
  return Status::ok;
}

}  // namespace pqcea::boot
