// The storage ports of the boot logic: a flash area and a monotonic counter (DESIGN.md, "Ports,
// not ifdefs"). The QEMU board implements them over RAM (firmware/board/mps2-an505/boot_port.cpp),
// the host tests over a simulated flash that can lose power at any write (tests/boot/sim_flash.hpp),
// a real STM32L5 or nRF9160 over its flash controller and OTP / NV counters.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/core/status.hpp"

namespace pqcea::boot {

// One flash area (a slot, the boot-state area): NOR semantics. Erase sets whole sectors to
// kErased; write programs bytes that are erased (a write into programmed bytes is a caller bug and
// fails with invalid_argument on the emulations, as ECC flash such as the STM32L5's would).
// Offsets are relative to the start of the area. On failure (e.g. power lost) the content of the
// range written or erased is undefined; nothing outside it changes.
class Flash {
 public:
  static constexpr std::uint8_t kErased = 0xFF;

  virtual std::size_t size() const = 0;
  virtual std::size_t sector_size() const = 0;  // erase unit; size() is a multiple of it
  virtual std::size_t write_align() const = 0;  // program unit: offsets and lengths of write() are multiples

  virtual Status read(std::size_t off, std::span<std::uint8_t> out) = 0;
  virtual Status write(std::size_t off, std::span<const std::uint8_t> in) = 0;
  // [off, off + len) must be whole sectors.
  virtual Status erase(std::size_t off, std::size_t len) = 0;

 protected:
  ~Flash() = default;  // not deleted through the interface (no heap on the device)
};

// A counter that can only go up (fuses, an NV counter, a secure element's counter). Holds the
// lowest security counter an image may carry to boot (anti-rollback).
class MonotonicCounter {
 public:
  virtual Status read(std::uint32_t& value) = 0;
  // Raises the counter to `value`. invalid_argument if value is below the current value or above
  // max(); the counter never goes down.
  virtual Status advance(std::uint32_t value) = 0;
  virtual std::uint32_t max() const = 0;

 protected:
  ~MonotonicCounter() = default;
};

}  // namespace pqcea::boot
