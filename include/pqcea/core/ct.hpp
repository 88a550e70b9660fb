// The one constant-time header: masks, selection, comparison, value barriers, and the hooks the
// valgrind constant-time check uses to mark data secret (poison) or public (declassify).
//
// Rules (DESIGN.md): no branch, memory index or division on secret data. Every declassify() call
// names its reason in the `why` argument so the reason sits next to the code.
#pragma once
#include <cstddef>
#include <cstdint>

#if defined(PQCEA_CT_CHECK)
#include <valgrind/memcheck.h>
#endif

namespace pqcea::ct {

// Hides a value from the optimiser so it cannot turn mask arithmetic back into a branch.
template <typename T>
inline T value_barrier(T x) {
#if defined(__GNUC__)
  __asm__ volatile("" : "+r"(x));
#endif
  return x;
}

// All-ones if x != 0, else 0.
inline std::uint32_t mask_nonzero(std::uint32_t x) {
  x = value_barrier(x);
  return static_cast<std::uint32_t>(0) - ((x | (static_cast<std::uint32_t>(0) - x)) >> 31);
}
inline std::uint32_t mask_zero(std::uint32_t x) { return ~mask_nonzero(x); }
inline std::uint64_t mask_nonzero64(std::uint64_t x) {
  x = value_barrier(x);
  return static_cast<std::uint64_t>(0) - ((x | (static_cast<std::uint64_t>(0) - x)) >> 63);
}
// All-ones if a < b (unsigned 32-bit), else 0.
inline std::uint32_t mask_lt(std::uint32_t a, std::uint32_t b) {
  std::uint64_t d = static_cast<std::uint64_t>(value_barrier(a)) - b;
  return static_cast<std::uint32_t>(0) - static_cast<std::uint32_t>(d >> 63);
}
// All-ones if the signed value is negative, else 0.
inline std::uint32_t mask_negative(std::int32_t x) {
  return static_cast<std::uint32_t>(value_barrier(x) >> 31);
}

// mask ? a : b, mask must be all-ones or zero.
inline std::uint32_t select(std::uint32_t mask, std::uint32_t a, std::uint32_t b) {
  return b ^ (value_barrier(mask) & (a ^ b));
}
inline std::uint8_t select8(std::uint8_t mask, std::uint8_t a, std::uint8_t b) {
  return static_cast<std::uint8_t>(b ^ (value_barrier(mask) & (a ^ b)));
}

// dst = src if mask (all-ones byte 0xFF), else dst unchanged.
inline void cmov(std::uint8_t* dst, const std::uint8_t* src, std::size_t n, std::uint8_t mask) {
  mask = value_barrier(mask);
  for (std::size_t i = 0; i < n; ++i) dst[i] ^= static_cast<std::uint8_t>(mask & (dst[i] ^ src[i]));
}

// Returns 0xFF if the two buffers are equal, 0x00 otherwise, reading every byte.
inline std::uint8_t equal_mask(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  std::uint32_t diff = 0;
  for (std::size_t i = 0; i < n; ++i) diff |= static_cast<std::uint32_t>(a[i] ^ b[i]);
  return static_cast<std::uint8_t>(mask_zero(diff));
}

// Constant-time equality as a boolean, for public verdicts (the result itself is public).
inline bool equal(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  return equal_mask(a, b, n) == 0xFF;
}

// Marks memory as secret for the valgrind check: any branch or index that depends on it is
// reported. A no-op outside the host-ct build.
inline void poison([[maybe_unused]] const void* p, [[maybe_unused]] std::size_t n) {
#if defined(PQCEA_CT_CHECK)
  VALGRIND_MAKE_MEM_UNDEFINED(p, n);
#endif
}

// Marks memory as public again. `why` states the reason this value may be revealed.
inline void declassify([[maybe_unused]] const void* p, [[maybe_unused]] std::size_t n,
                       [[maybe_unused]] const char* why) {
#if defined(PQCEA_CT_CHECK)
  VALGRIND_MAKE_MEM_DEFINED(p, n);
#endif
}

template <typename T>
inline T declassify_value(T v, const char* why) {
  declassify(&v, sizeof v, why);
  return v;
}

}  // namespace pqcea::ct
