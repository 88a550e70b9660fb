// Measured boot: the boot record the bootloader hands the application in a protected RAM area
// (docs/secure-boot.md, "Boot record"). It says what was booted (image digest, version, signer key
// id, security counter, slot, boot count); the application builds its attestation token from it.
//
// A fixed 256-byte encoding with a SHA3-256 check value, so the application can tell a record the
// bootloader wrote from leftover RAM.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/boot/manifest.hpp"
#include "pqcea/boot/state.hpp"
#include "pqcea/core/status.hpp"

namespace pqcea::boot {

inline constexpr std::array<std::uint8_t, 4> kBootRecordMagic = {'P', 'Q', 'B', 'R'};
inline constexpr std::uint16_t kBootRecordVersion = 1;
inline constexpr std::size_t kBootRecordSize = 256;

struct BootRecord {
  Slot slot = Slot::none;
  bool trial = false;                  // the image runs on trial and must confirm itself
  std::uint32_t boot_count = 0;
  Version version;
  std::uint32_t security_counter = 0;  // the image's
  std::uint32_t stored_counter = 0;    // the device's anti-rollback counter after this boot
  std::uint32_t load_address = 0;
  std::uint32_t payload_size = 0;
  std::uint16_t digest_alg = kDigestSha256;
  std::array<std::uint8_t, kDigestSize> digest{};          // payload digest, as checked
  std::array<std::uint8_t, kKeyIdSize> key_id{};           // signer key id (SHA-256 of its key)
  std::array<std::uint8_t, kDigestSize> manifest_hash{};   // SHA3-256 of the signed manifest
};

// Writes the 256-byte encoding with its check value.
[[nodiscard]] Status encode_boot_record(const BootRecord& r, std::span<std::uint8_t, kBootRecordSize> out);
// decode_error unless magic, version, size, field ranges, reserved bytes and check value are right.
[[nodiscard]] Status decode_boot_record(std::span<const std::uint8_t, kBootRecordSize> in, BootRecord& out);

}  // namespace pqcea::boot
