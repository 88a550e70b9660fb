// The sampler's PRNG of the Falcon round-3 reference implementation (what the NIST KAT files were
// produced with; the specification leaves the PRNG free, so bit-exact KATs need this one).
//
// A SHAKE-256 stream (seeded by the caller) supplies 56 bytes per instance: a 48-byte ChaCha20
// key-and-IV block and a 64-bit block counter. One refill runs eight ChaCha20 blocks (counter
// c..c+7, each XORed into the last two input words) and stores them interleaved as an eight-way
// vectorised implementation would: 32-bit word v of block u lands at byte offset 4u + 32v. Bytes
// are consumed in order; a 64-bit read that would cross the end of the 512-byte buffer refills
// first (dropping the tail), an 8-bit read refills right after taking the last byte.
// Signing creates a fresh instance from the same SHAKE-256 stream on every retry.
#pragma once
#include <cstddef>
#include <cstdint>

#include "pqcea/hash/keccak.hpp"

namespace pqcea::falcon {

class SamplerPrng {
 public:
  static constexpr std::size_t kSeedBytes = 56;
  static constexpr std::size_t kBufferBytes = 512;

  SamplerPrng() = default;
  SamplerPrng(const SamplerPrng&) = delete;
  SamplerPrng& operator=(const SamplerPrng&) = delete;
  ~SamplerPrng() { wipe(); }

  // Takes the next 56 bytes of `src` (already absorbing-finished or not: squeeze finalizes).
  void init(hash::Shake256& src);
  // Same from 56 explicit bytes (tests).
  void init(const std::uint8_t seed[kSeedBytes]);

  std::uint64_t u64() {
    if (ptr_ >= kBufferBytes - 9) refill();  // position is public: it only counts draws
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | buf_[ptr_ + static_cast<std::size_t>(i)];
    ptr_ += 8;
    return v;
  }
  unsigned u8() {
    const unsigned v = buf_[ptr_++];
    if (ptr_ == kBufferBytes) refill();
    return v;
  }
  void wipe();

 private:
  void refill();
  std::uint8_t buf_[kBufferBytes] = {};
  std::uint32_t key_[12] = {};  // ChaCha20 input words 4..15 before the counter is XORed in
  std::uint64_t counter_ = 0;
  std::size_t ptr_ = 0;
};

}  // namespace pqcea::falcon
