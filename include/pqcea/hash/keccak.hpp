// Keccak-f[1600] and the FIPS 202 sponge: SHA3-224/256/384/512, SHAKE128/256.
//
// Backend contract: keccak_f1600() permutes 25 lanes in place (FIPS 202 §3.3, 24 rounds, lane
// (x,y) at index x + 5y, little-endian byte order within a lane). The portable C++ version always
// builds; a native backend (x86-64, Cortex-M assembly) replaces only this function.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

namespace pqcea::hash {

void keccak_f1600(std::uint64_t state[25]);
void keccak_f1600_portable(std::uint64_t state[25]);

// Incremental sponge: absorb any number of times, then squeeze any number of times, any length.
// The domain byte holds the suffix bits and the first padding bit (FIPS 202 §B.2): 0x06 for SHA-3,
// 0x1F for SHAKE.
class KeccakSponge {
 public:
  KeccakSponge(std::size_t rate_bytes, std::uint8_t domain) : rate_(static_cast<std::uint8_t>(rate_bytes)), domain_(domain) {
    reset();
  }
  KeccakSponge(const KeccakSponge&) = default;
  KeccakSponge& operator=(const KeccakSponge&) = default;
  ~KeccakSponge();

  void reset();
  void absorb(const std::uint8_t* in, std::size_t n);
  void absorb(std::span<const std::uint8_t> in) { absorb(in.data(), in.size()); }
  // Absorbs the low `nbits` (0..7) bits of `last` as a final partial byte, then pads. Used for
  // bit-oriented messages (ACVP); finalize() is finalize_bits(0, 0).
  void finalize_bits(std::uint8_t last, unsigned nbits);
  void finalize() { finalize_bits(0, 0); }
  // Squeezes n bytes; finalizes first if still absorbing.
  void squeeze(std::uint8_t* out, std::size_t n);
  void squeeze(std::span<std::uint8_t> out) { squeeze(out.data(), out.size()); }
  std::size_t rate() const { return rate_; }

 private:
  std::uint64_t s_[25];
  std::uint8_t rate_;
  std::uint8_t domain_;
  std::uint8_t pos_ = 0;
  bool squeezing_ = false;
};

// SHA3 with a fixed digest length (FIPS 202 §6.1).
template <std::size_t DigestBytes>
class Sha3 {
 public:
  static constexpr std::size_t digest_size = DigestBytes;
  static constexpr std::size_t block_size = 200 - 2 * DigestBytes;
  Sha3() : sponge_(block_size, 0x06) {}
  void update(const std::uint8_t* in, std::size_t n) { sponge_.absorb(in, n); }
  void update(std::span<const std::uint8_t> in) { sponge_.absorb(in); }
  void final(std::uint8_t* out) {
    sponge_.finalize();
    sponge_.squeeze(out, DigestBytes);
  }
  void final_bits(std::uint8_t last, unsigned nbits, std::uint8_t* out) {
    sponge_.finalize_bits(last, nbits);
    sponge_.squeeze(out, DigestBytes);
  }
  void reset() { sponge_.reset(); }
  static void hash(std::uint8_t* out, const std::uint8_t* in, std::size_t n) {
    Sha3 h;
    h.update(in, n);
    h.final(out);
  }

 private:
  KeccakSponge sponge_;
};
using Sha3_224 = Sha3<28>;
using Sha3_256 = Sha3<32>;
using Sha3_384 = Sha3<48>;
using Sha3_512 = Sha3<64>;

// SHAKE extendable-output functions (FIPS 202 §6.2). Security strength 128 or 256.
template <std::size_t Strength>
class Shake : public KeccakSponge {
 public:
  static constexpr std::size_t block_size = 200 - Strength / 4;
  Shake() : KeccakSponge(block_size, 0x1F) {}
  static void hash(std::uint8_t* out, std::size_t out_len, const std::uint8_t* in, std::size_t n) {
    Shake x;
    x.absorb(in, n);
    x.squeeze(out, out_len);
  }
};
using Shake128 = Shake<128>;
using Shake256 = Shake<256>;

}  // namespace pqcea::hash
