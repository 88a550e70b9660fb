// Secure-boot port of the mps2-an505 as QEMU models it (layout: boot.cmake, passed in as
// PQCEA_BOOT_* definitions). QEMU gives this board no flash, no OTP and no TRNG:
//  - flash areas are SSRAM1 regions driven with NOR semantics in software (erase to 0xFF, program
//    only erased bytes, 8-byte program unit as on the STM32L5), so the boot logic meets the same
//    rules it meets on a part;
//  - the security counter is one RAM word that this port only lets go up ("OTP");
//  - the key store and the verifier's challenge are RAM blocks the test loads with
//    `-device loader` (provisioning and transport emulated);
//  - entropy reports failure: there is no random source to offer.
// Nothing here persists across QEMU runs (docs/secure-boot.md, "Running it by hand").
#include "boot_port.hpp"

#include <cstring>

#include "cortex_m.hpp"
#include "handover.hpp"

#ifndef PQCEA_BOOT_STATE_BASE
#error "the boot layout (firmware/board/mps2-an505/boot.cmake) was not passed in"
#endif

namespace pqcea::board::boot_port {
namespace {

using cortex_m::reg;

constexpr std::size_t kWriteUnit = 8;

template <typename T = std::uint8_t>
T* at(std::uintptr_t addr) {
  return reinterpret_cast<T*>(addr);
}

class RamFlash final : public boot::Flash {
 public:
  RamFlash(std::uintptr_t base, std::size_t size, std::size_t sector) : base_(base), size_(size), sector_(sector) {}
  std::size_t size() const override { return size_; }
  std::size_t sector_size() const override { return sector_; }
  std::size_t write_align() const override { return kWriteUnit; }

  Status read(std::size_t off, std::span<std::uint8_t> out) override {
    if (off > size_ || out.size() > size_ - off) return Status::invalid_argument;
    std::memcpy(out.data(), at(base_ + off), out.size());
    return Status::ok;
  }
  Status write(std::size_t off, std::span<const std::uint8_t> in) override {
    if (off > size_ || in.size() > size_ - off || off % kWriteUnit != 0 || in.size() % kWriteUnit != 0)
      return Status::invalid_argument;
    std::uint8_t* p = at(base_ + off);
    for (std::size_t i = 0; i < in.size(); ++i)
      if (p[i] != kErased) return Status::invalid_argument;  // NOR: program erased units only
    std::memcpy(p, in.data(), in.size());
    return Status::ok;
  }
  Status erase(std::size_t off, std::size_t len) override {
    if (off % sector_ != 0 || len % sector_ != 0 || off > size_ || len > size_ - off) return Status::invalid_argument;
    std::memset(at(base_ + off), kErased, len);
    return Status::ok;
  }

 private:
  std::uintptr_t base_;
  std::size_t size_;
  std::size_t sector_;
};

class RamCounter final : public boot::MonotonicCounter {
 public:
  Status read(std::uint32_t& value) override {
    value = *at<volatile std::uint32_t>(PQCEA_BOOT_COUNTER_BASE);
    return Status::ok;
  }
  Status advance(std::uint32_t value) override {
    volatile std::uint32_t* word = at<volatile std::uint32_t>(PQCEA_BOOT_COUNTER_BASE);
    if (value < *word || value > max()) return Status::invalid_argument;
    *word = value;
    return *word == value ? Status::ok : Status::unsupported;  // the write did not stick
  }
  std::uint32_t max() const override { return boot::kMaxSecurityCounter; }
};

RamFlash g_slot_a(PQCEA_BOOT_SLOT_A_BASE, PQCEA_BOOT_SLOT_SIZE, PQCEA_BOOT_SECTOR_SIZE);
RamFlash g_slot_b(PQCEA_BOOT_SLOT_B_BASE, PQCEA_BOOT_SLOT_SIZE, PQCEA_BOOT_SECTOR_SIZE);
RamFlash g_state(PQCEA_BOOT_STATE_BASE, PQCEA_BOOT_STATE_SIZE, PQCEA_BOOT_SECTOR_SIZE);
RamCounter g_counter;

// ARMv8-M MPU (PMSAv8, ARMv8-M ARM B3.5): the instance of the current security state.
constexpr std::uintptr_t MPU_CTRL = 0xE000ED94;
constexpr std::uintptr_t MPU_RNR = 0xE000ED98;
constexpr std::uintptr_t MPU_RBAR = 0xE000ED9C;
constexpr std::uintptr_t MPU_RLAR = 0xE000EDA0;
constexpr std::uintptr_t MPU_MAIR0 = 0xE000EDC0;
constexpr std::uint32_t kMpuEnable = 1u << 0;
constexpr std::uint32_t kMpuPrivDefEna = 1u << 2;  // the default map for everything else
constexpr std::uint32_t kRbarApReadOnlyAny = 0b11u << 1;
constexpr std::uint32_t kRbarXn = 1u << 0;
constexpr std::uint32_t kRlarEnable = 1u << 0;

constexpr std::array<std::uint8_t, 4> kIdentityMagic = {'P', 'Q', 'I', 'D'};
constexpr std::array<std::uint8_t, 4> kChallengeMagic = {'P', 'Q', 'N', 'C'};

bool has_magic(std::uintptr_t addr, const std::array<std::uint8_t, 4>& magic) {
  return std::memcmp(at(addr), magic.data(), magic.size()) == 0;
}

}  // namespace

boot::Flash& flash(Area area) {
  switch (area) {
    case Area::slot_a: return g_slot_a;
    case Area::slot_b: return g_slot_b;
    case Area::state: break;
  }
  return g_state;
}

boot::MonotonicCounter& security_counter() { return g_counter; }

boot::ExecRegion exec_region() {
  return boot::ExecRegion{PQCEA_BOOT_EXEC_BASE, std::span<std::uint8_t>(at(PQCEA_BOOT_EXEC_BASE), PQCEA_BOOT_EXEC_SIZE)};
}

std::span<std::uint8_t, boot::kBootRecordSize> boot_record_area() {
  return std::span<std::uint8_t, boot::kBootRecordSize>(at(PQCEA_BOOT_RECORD_BASE), boot::kBootRecordSize);
}

void protect_boot_record() {
  static_assert(boot::kBootRecordSize % 32 == 0 && PQCEA_BOOT_RECORD_BASE % 32 == 0);
  reg(MPU_CTRL) = 0;
  cortex_m::dsb();
  reg(MPU_MAIR0) = 0x44;  // attribute 0: normal memory, non-cacheable
  reg(MPU_RNR) = 0;
  reg(MPU_RBAR) = PQCEA_BOOT_RECORD_BASE | kRbarApReadOnlyAny | kRbarXn;
  reg(MPU_RLAR) = (PQCEA_BOOT_RECORD_BASE + boot::kBootRecordSize - 32) | kRlarEnable;  // limit: last 32-byte block
  reg(MPU_CTRL) = kMpuEnable | kMpuPrivDefEna;
  cortex_m::dsb();
  cortex_m::isb();
}

std::uint32_t note_restart() {
  volatile std::uint32_t* guard = at<volatile std::uint32_t>(PQCEA_BOOT_GUARD_BASE);
  *guard = *guard + 1;
  return *guard;
}

void start_image(std::uint32_t vector_table) { cortex_m::handover(vector_table); }

void restart() {
  reg(MPU_CTRL) = 0;  // a reset would clear it; the bootloader rewrites the boot record
  cortex_m::dsb();
  cortex_m::isb();
  cortex_m::handover(PQCEA_BOOT_CODE_BASE);
}

std::span<const std::uint8_t> staged_update() {
  if (!has_magic(PQCEA_BOOT_STAGING_BASE, boot::kManifestMagic)) return {};
  return std::span<const std::uint8_t>(at(PQCEA_BOOT_STAGING_BASE), PQCEA_BOOT_SLOT_SIZE);
}

void clear_staged_update() { std::memset(at(PQCEA_BOOT_STAGING_BASE), 0xFF, boot::kManifestSize); }

Status device_key_seed(std::span<std::uint8_t, 32> out) {
  if (!has_magic(PQCEA_BOOT_KEYSTORE_BASE, kIdentityMagic)) return Status::invalid_key;
  std::memcpy(out.data(), at(PQCEA_BOOT_KEYSTORE_BASE + 4), out.size());
  return Status::ok;
}

Status entropy(std::span<std::uint8_t>) { return Status::entropy_failure; }

std::span<const std::uint8_t> challenge() {
  if (!has_magic(PQCEA_BOOT_MAILBOX_BASE, kChallengeMagic)) return {};
  const std::size_t n = *at(PQCEA_BOOT_MAILBOX_BASE + 4);
  if (n < 8 || n > 64) return {};  // RFC 9711 §4.1 nonce sizes (8..64 bytes)
  return std::span<const std::uint8_t>(at(PQCEA_BOOT_MAILBOX_BASE + 5), n);
}

}  // namespace pqcea::board::boot_port
