// Host simulator of the boot storage ports: a NOR flash area that enforces erase-before-write and
// can lose power at any operation, and a monotonic counter. The power-loss tests cut power at the
// n-th write or erase: that operation is torn (only a prefix takes effect, the rest of a written
// range keeps its erased bytes, the rest of an erased range keeps its old bytes) and every later
// operation fails until power is restored, which is what a real device sees before it resets.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "pqcea/boot/port.hpp"

namespace pqcea::boot::sim {

// Shared by all areas of one simulated device: counts write/erase operations and cuts power.
struct Power {
  std::size_t ops = 0;                          // write/erase operations started so far
  std::size_t cut_at = static_cast<std::size_t>(-1);  // the operation that is torn
  bool on = true;
  // Fraction of the torn operation that takes effect, in 1/256ths (varied by the tests).
  unsigned torn_fraction = 128;

  // Called at the start of each write/erase: false if the operation must not happen (power
  // already off), torn = true if this is the operation that loses power.
  bool begin(bool& torn) {
    torn = false;
    if (!on) return false;
    if (ops++ == cut_at) {
      torn = true;
      on = false;
    }
    return true;
  }
  void restore() {
    on = true;
    cut_at = static_cast<std::size_t>(-1);
  }
};

class Area final : public Flash {
 public:
  Area(Power& power, std::size_t size, std::size_t sector, std::size_t align, std::uint8_t fill = kErased)
      : power_(power), bytes_(size, fill), sector_(sector), align_(align) {}

  std::size_t size() const override { return bytes_.size(); }
  std::size_t sector_size() const override { return sector_; }
  std::size_t write_align() const override { return align_; }

  Status read(std::size_t off, std::span<std::uint8_t> out) override {
    if (!power_.on) return Status::unsupported;
    if (off > bytes_.size() || out.size() > bytes_.size() - off) return Status::invalid_argument;
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = bytes_[off + i];
    ++reads;
    return Status::ok;
  }
  Status write(std::size_t off, std::span<const std::uint8_t> in) override {
    if (off > bytes_.size() || in.size() > bytes_.size() - off || off % align_ != 0 || in.size() % align_ != 0)
      return Status::invalid_argument;
    for (std::size_t i = 0; i < in.size(); ++i)
      if (bytes_[off + i] != kErased) {
        ++program_violations;  // NOR/ECC flash: programming a programmed unit is a driver bug
        return Status::invalid_argument;
      }
    bool torn;
    if (!power_.begin(torn)) return Status::unsupported;
    const std::size_t n = torn ? in.size() * power_.torn_fraction / 256 : in.size();
    for (std::size_t i = 0; i < n; ++i) bytes_[off + i] = in[i];
    ++writes;
    return torn ? Status::unsupported : Status::ok;
  }
  Status erase(std::size_t off, std::size_t len) override {
    if (off % sector_ != 0 || len % sector_ != 0 || off > bytes_.size() || len > bytes_.size() - off)
      return Status::invalid_argument;
    bool torn;
    if (!power_.begin(torn)) return Status::unsupported;
    const std::size_t n = torn ? len * power_.torn_fraction / 256 : len;
    for (std::size_t i = 0; i < n; ++i) bytes_[off + i] = kErased;
    ++erases;
    return torn ? Status::unsupported : Status::ok;
  }

  std::vector<std::uint8_t>& bytes() { return bytes_; }
  std::size_t reads = 0, writes = 0, erases = 0, program_violations = 0;

 private:
  Power& power_;
  std::vector<std::uint8_t> bytes_;
  std::size_t sector_;
  std::size_t align_;
};

class Counter final : public MonotonicCounter {
 public:
  explicit Counter(Power& power, std::uint32_t max = 65535) : power_(power), max_(max) {}
  Status read(std::uint32_t& v) override {
    if (!power_.on) return Status::unsupported;
    v = value;
    return Status::ok;
  }
  // Atomic, as fuse and NV counters are: power loss happens before or after it, not within. It is
  // counted as an operation so the tests also cut power right at it.
  Status advance(std::uint32_t v) override {
    if (v < value || v > max_) return Status::invalid_argument;
    bool torn;
    if (!power_.begin(torn)) return Status::unsupported;
    if (torn) return Status::unsupported;  // power lost before the counter was programmed
    value = v;
    return Status::ok;
  }
  std::uint32_t max() const override { return max_; }
  std::uint32_t value = 0;

 private:
  Power& power_;
  std::uint32_t max_;
};

}  // namespace pqcea::boot::sim
