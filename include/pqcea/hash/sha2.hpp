// SHA-2 (FIPS 180-4): SHA-224, SHA-256, SHA-384, SHA-512, SHA-512/224, SHA-512/256.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

namespace pqcea::hash {

// SHA-256 family engine (32-bit words, 64-byte blocks). DigestBytes is 32 or 28.
template <std::size_t DigestBytes>
class Sha256Family {
 public:
  static constexpr std::size_t digest_size = DigestBytes;
  static constexpr std::size_t block_size = 64;
  Sha256Family() { reset(); }
  ~Sha256Family();
  Sha256Family(const Sha256Family&) = default;
  Sha256Family& operator=(const Sha256Family&) = default;
  void reset();
  void update(const std::uint8_t* in, std::size_t n);
  void update(std::span<const std::uint8_t> in) { update(in.data(), in.size()); }
  void final(std::uint8_t* out);
  // Bit-oriented messages (FIPS 180-4 allows any bit length; ACVP tests them): the message ends
  // with the `nbits` (< 8) most significant bits of `last`, FIPS 180-4's big-endian bit order.
  void final_bits(std::uint8_t last, unsigned nbits, std::uint8_t* out);
  static void hash(std::uint8_t* out, const std::uint8_t* in, std::size_t n) {
    Sha256Family h;
    h.update(in, n);
    h.final(out);
  }

 private:
  // Padding and output from the byte that follows the whole message bytes (it holds the pad's 1 bit).
  void finish(std::uint8_t pad_byte, std::uint64_t bits, std::uint8_t* out);
  std::uint32_t h_[8];
  std::uint8_t buf_[64];
  std::uint64_t total_ = 0;
  std::size_t used_ = 0;
};

// SHA-512 family engine (64-bit words, 128-byte blocks). Variant selects the initial value:
// 0 = SHA-512, 1 = SHA-384, 2 = SHA-512/256, 3 = SHA-512/224.
template <std::size_t DigestBytes, int Variant>
class Sha512Family {
 public:
  static constexpr std::size_t digest_size = DigestBytes;
  static constexpr std::size_t block_size = 128;
  Sha512Family() { reset(); }
  ~Sha512Family();
  Sha512Family(const Sha512Family&) = default;
  Sha512Family& operator=(const Sha512Family&) = default;
  void reset();
  void update(const std::uint8_t* in, std::size_t n);
  void update(std::span<const std::uint8_t> in) { update(in.data(), in.size()); }
  void final(std::uint8_t* out);
  // As Sha256Family::final_bits: the message ends with the top `nbits` (< 8) bits of `last`.
  void final_bits(std::uint8_t last, unsigned nbits, std::uint8_t* out);
  static void hash(std::uint8_t* out, const std::uint8_t* in, std::size_t n) {
    Sha512Family h;
    h.update(in, n);
    h.final(out);
  }

 private:
  void finish(std::uint8_t pad_byte, std::uint64_t bits, std::uint8_t* out);  // as Sha256Family
  std::uint64_t h_[8];
  std::uint8_t buf_[128];
  std::uint64_t total_ = 0;  // bytes; messages beyond 2^61 bytes are out of scope
  std::size_t used_ = 0;
};

using Sha224 = Sha256Family<28>;
using Sha256 = Sha256Family<32>;
using Sha512 = Sha512Family<64, 0>;
using Sha384 = Sha512Family<48, 1>;
using Sha512_256 = Sha512Family<32, 2>;
using Sha512_224 = Sha512Family<28, 3>;

// Compression functions (backend contract: one or more whole blocks). A SHA-NI or Cortex-M
// backend replaces these.
void sha256_blocks(std::uint32_t state[8], const std::uint8_t* blocks, std::size_t nblocks);
void sha512_blocks(std::uint64_t state[8], const std::uint8_t* blocks, std::size_t nblocks);

}  // namespace pqcea::hash
