// The secure-boot port of a board (namespace pqcea::board::boot_port): flash areas, the
// anti-rollback counter, the trusted key ids ("OTP"), the key store, entropy, the execution region,
// the boot record area and the hand-over between bootloader and application. The bootloader
// (firmware/bootloader) and the device application (firmware/app) use only these; a board folder
// implements them (mps2-an505: boot_port.cpp, layout in boot.cmake). A real STM32L5 or nRF9160
// port is a new folder: its flash controller, OTP / NV counters, TRNG and key storage behind the
// same functions.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/boot/bootloader.hpp"
#include "pqcea/boot/port.hpp"
#include "pqcea/boot/record.hpp"
#include "pqcea/core/status.hpp"

namespace pqcea::board::boot_port {

// ---- storage ----------------------------------------------------------------------------------
enum class Area : std::uint8_t { slot_a, slot_b, state };
boot::Flash& flash(Area area);
inline boot::Flash& slot(boot::Slot s) { return flash(s == boot::Slot::a ? Area::slot_a : Area::slot_b); }
boot::MonotonicCounter& security_counter();

// SHA-256 of the public keys the bootloader trusts, as fused into OTP. On QEMU the bootloader build
// supplies them (generated from its signing key); only the bootloader links this.
std::span<const boot::KeyId> otp_key_ids();

// ---- execution ----------------------------------------------------------------------------------
boot::ExecRegion exec_region();
// The boot record the bootloader writes and the application reads.
std::span<std::uint8_t, boot::kBootRecordSize> boot_record_area();
// Makes the boot record read-only (MPU) until the next reset.
void protect_boot_record();
// Counts restarts within one power-on (QEMU session); the bootloader stops a reset loop.
std::uint32_t note_restart();
// Hands the CPU to the image whose vector table is at `vector_table` (initial SP, reset vector):
// interrupts and SysTick off, VTOR, MSP, then the reset vector.
[[noreturn]] void start_image(std::uint32_t vector_table);
// Restarts the device through the bootloader (on QEMU a jump to the bootloader's reset vector,
// since a real reset would reload the emulated flash from the image files).
[[noreturn]] void restart();

// ---- application side: update download, identity, randomness, verifier challenge -------------
// A downloaded update waiting to be installed (empty if there is none), and its removal.
std::span<const std::uint8_t> staged_update();
void clear_staged_update();
// The device's ML-DSA-87 identity key seed (provisioned). invalid_key if the device was never
// provisioned.
[[nodiscard]] Status device_key_seed(std::span<std::uint8_t, 32> out);
// Hardware randomness. entropy_failure on a board without a TRNG (QEMU's mps2-an505 has none).
[[nodiscard]] Status entropy(std::span<std::uint8_t> out);
// The verifier's challenge (nonce) delivered to the device, empty if none.
std::span<const std::uint8_t> challenge();

}  // namespace pqcea::board::boot_port
