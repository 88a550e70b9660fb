// Fault-injection hardening of the boot verdict (docs/secure-boot.md, "Fault-injection hardening").
//
// A glitch (voltage, clock, EM) typically skips one instruction or corrupts one register. The
// verdict that decides whether code runs is therefore never a bool or 0/1:
//  - the verdicts are 32-bit constants far apart (Hamming distance 32), neither 0 nor all-ones, so a
//    skipped store or a zeroed register never reads as "accept";
//  - a hardened verdict keeps a second, masked copy; both must agree on every read;
//  - a control-flow counter adds a distinct constant at every check, so skipping a check leaves a
//    sum the final test does not accept;
//  - the final test is done twice with a compiler barrier between, so one skipped branch is not
//    enough.
// The arithmetic of the checks themselves (parsing, hashing, ML-DSA) stays plain C++ (DESIGN.md:
// hardening only at the security decisions).
#pragma once
#include <cstddef>
#include <cstdint>

#include "pqcea/core/ct.hpp"

namespace pqcea::boot {

enum class Verdict : std::uint32_t {
  accept = 0x5A3CC3A5u,
  reject = 0xA5C33C5Au,  // = ~accept
};

namespace fih {

// Stops the compiler from merging or reordering the two halves of a double check.
inline void barrier() {
#if defined(__GNUC__)
  __asm__ volatile("" ::: "memory");
#endif
}

// A verdict stored twice: as is and XOR-masked. A corrupted copy makes it read as reject.
class HardenedVerdict {
 public:
  HardenedVerdict() { set(Verdict::reject); }
  void set(Verdict v) {
    value_ = static_cast<std::uint32_t>(v);
    masked_ = static_cast<std::uint32_t>(v) ^ kMask;
  }
  // True only if both copies say accept, read twice.
  bool accepted() const {
    const std::uint32_t a = value_;
    const std::uint32_t b = masked_ ^ kMask;
    if (a != static_cast<std::uint32_t>(Verdict::accept)) return false;
    barrier();
    if (b != static_cast<std::uint32_t>(Verdict::accept)) return false;
    barrier();
    return value_ == (masked_ ^ kMask);
  }
  // False if the copies disagree (a fault, not a verdict).
  bool consistent() const { return value_ == (masked_ ^ kMask); }
  Verdict get() const { return accepted() ? Verdict::accept : Verdict::reject; }

 private:
  static constexpr std::uint32_t kMask = 0x9E3779B9u;  // any constant with about half the bits set
  volatile std::uint32_t value_;
  volatile std::uint32_t masked_;
};

// Control-flow counter: every check adds its own odd constant.
class FlowCounter {
 public:
  void step(std::uint32_t token) { n_ = n_ + token; }
  std::uint32_t value() const { return n_; }
  void reset() { n_ = 0; }

 private:
  volatile std::uint32_t n_ = 0;
};

// Equality of two byte strings, computed twice (constant time each time). False unless both
// computations say equal.
inline bool equal_twice(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  if (ct::equal_mask(a, b, n) != 0xFF) return false;
  barrier();
  if (ct::equal_mask(a, b, n) != 0xFF) return false;
  return true;
}

}  // namespace fih
}  // namespace pqcea::boot
