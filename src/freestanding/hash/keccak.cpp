// FIPS 202 sponge construction over Keccak-f[1600].
#include "pqcea/hash/keccak.hpp"

#include "pqcea/core/bytes.hpp"
#include "pqcea/core/secret.hpp"

namespace pqcea::hash {

// The permutation the sponge calls. Native backends plug in here.
void keccak_f1600(std::uint64_t state[25]) { keccak_f1600_portable(state); }

KeccakSponge::~KeccakSponge() { secure_wipe(s_, sizeof s_); }

void KeccakSponge::reset() {
  for (auto& lane : s_) lane = 0;
  pos_ = 0;
  squeezing_ = false;
}

namespace {
inline void xor_byte(std::uint64_t* s, std::size_t pos, std::uint8_t b) {
  s[pos / 8] ^= static_cast<std::uint64_t>(b) << (8 * (pos % 8));
}
inline std::uint8_t get_byte(const std::uint64_t* s, std::size_t pos) {
  return static_cast<std::uint8_t>(s[pos / 8] >> (8 * (pos % 8)));
}
}  // namespace

void KeccakSponge::absorb(const std::uint8_t* in, std::size_t n) {
  std::size_t pos = pos_;
  // Finish a partial block byte by byte.
  while (n > 0 && pos != 0) {
    xor_byte(s_, pos, *in++);
    --n;
    if (++pos == rate_) {
      keccak_f1600(s_);
      pos = 0;
    }
  }
  // Whole blocks lane by lane (every rate is a multiple of 8 bytes).
  while (n >= rate_) {
    for (std::size_t i = 0; i < rate_ / 8u; ++i) s_[i] ^= load64_le(in + 8 * i);
    keccak_f1600(s_);
    in += rate_;
    n -= rate_;
  }
  for (; n > 0; --n) xor_byte(s_, pos++, *in++);
  pos_ = static_cast<std::uint8_t>(pos);
}

void KeccakSponge::finalize_bits(std::uint8_t last, unsigned nbits) {
  // The partial bits come first, then the domain suffix and the first pad bit (FIPS 202 §B.2);
  // together they may spill into the next byte.
  std::uint32_t v = (static_cast<std::uint32_t>(last) & ((1u << nbits) - 1u)) |
                    (static_cast<std::uint32_t>(domain_) << nbits);
  xor_byte(s_, pos_, static_cast<std::uint8_t>(v));
  if ((v >> 8) != 0) {
    if (++pos_ == rate_) {
      keccak_f1600(s_);
      pos_ = 0;
    }
    xor_byte(s_, pos_, static_cast<std::uint8_t>(v >> 8));
  } else if (pos_ == rate_ - 1u && (v & 0x80u) != 0) {
    // The first pad bit took the block's last bit: pad10*1 needs one more block for its final 1.
    keccak_f1600(s_);
  }
  xor_byte(s_, rate_ - 1u, 0x80);  // last bit of pad10*1
  keccak_f1600(s_);
  pos_ = 0;
  squeezing_ = true;
}

void KeccakSponge::squeeze(std::uint8_t* out, std::size_t n) {
  if (!squeezing_) finalize();
  std::size_t pos = pos_;
  while (n > 0) {
    if (pos == rate_) {
      keccak_f1600(s_);
      pos = 0;
    }
    if (pos == 0 && n >= rate_) {
      for (std::size_t i = 0; i < rate_ / 8u; ++i) store64_le(out + 8 * i, s_[i]);
      out += rate_;
      n -= rate_;
      pos = rate_;
      continue;
    }
    *out++ = get_byte(s_, pos++);
    --n;
  }
  pos_ = static_cast<std::uint8_t>(pos);
}

}  // namespace pqcea::hash
