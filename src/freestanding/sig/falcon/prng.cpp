// ChaCha20-based sampler PRNG of the Falcon round-3 reference (see prng.hpp for the layout).
#include "prng.hpp"

#include "pqcea/core/secret.hpp"

namespace pqcea::falcon {

namespace {

constexpr std::uint32_t kSigma[4] = {0x61707865u, 0x3320646Eu, 0x79622D32u, 0x6B206574u};  // "expand 32-byte k"

constexpr std::uint32_t rotl(std::uint32_t x, unsigned r) { return (x << r) | (x >> (32 - r)); }

inline void quarter(std::uint32_t* s, int a, int b, int c, int d) {
  s[a] += s[b];
  s[d] = rotl(s[d] ^ s[a], 16);
  s[c] += s[d];
  s[b] = rotl(s[b] ^ s[c], 12);
  s[a] += s[b];
  s[d] = rotl(s[d] ^ s[a], 8);
  s[c] += s[d];
  s[b] = rotl(s[b] ^ s[c], 7);
}

inline std::uint32_t load32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

}  // namespace

void SamplerPrng::init(hash::Shake256& src) {
  std::uint8_t seed[kSeedBytes];
  src.squeeze(seed, kSeedBytes);
  init(seed);
  secure_wipe(seed, sizeof seed);
}

void SamplerPrng::init(const std::uint8_t seed[kSeedBytes]) {
  // Little-endian words: 12 key/IV words, then the 64-bit counter (low word first).
  for (std::size_t i = 0; i < 12; ++i) key_[i] = load32(seed + 4 * i);
  counter_ = static_cast<std::uint64_t>(load32(seed + 48)) | (static_cast<std::uint64_t>(load32(seed + 52)) << 32);
  refill();
}

void SamplerPrng::refill() {
  for (std::size_t u = 0; u < 8; ++u) {
    std::uint32_t in[16];
    for (std::size_t v = 0; v < 4; ++v) in[v] = kSigma[v];
    for (std::size_t v = 0; v < 12; ++v) in[4 + v] = key_[v];
    in[14] ^= static_cast<std::uint32_t>(counter_);
    in[15] ^= static_cast<std::uint32_t>(counter_ >> 32);
    std::uint32_t s[16];
    for (std::size_t v = 0; v < 16; ++v) s[v] = in[v];
    for (int r = 0; r < 10; ++r) {  // 20 rounds: column round then diagonal round
      quarter(s, 0, 4, 8, 12);
      quarter(s, 1, 5, 9, 13);
      quarter(s, 2, 6, 10, 14);
      quarter(s, 3, 7, 11, 15);
      quarter(s, 0, 5, 10, 15);
      quarter(s, 1, 6, 11, 12);
      quarter(s, 2, 7, 8, 13);
      quarter(s, 3, 4, 9, 14);
    }
    for (std::size_t v = 0; v < 16; ++v) {
      const std::uint32_t w = s[v] + in[v];
      std::uint8_t* out = buf_ + (u << 2) + (v << 5);  // eight-way interleave
      out[0] = static_cast<std::uint8_t>(w);
      out[1] = static_cast<std::uint8_t>(w >> 8);
      out[2] = static_cast<std::uint8_t>(w >> 16);
      out[3] = static_cast<std::uint8_t>(w >> 24);
    }
    ++counter_;
    secure_wipe(s, sizeof s);
    secure_wipe(in, sizeof in);
  }
  ptr_ = 0;
}

void SamplerPrng::wipe() {
  secure_wipe(buf_, sizeof buf_);
  secure_wipe(key_, sizeof key_);
  secure_wipe(&counter_, sizeof counter_);
  ptr_ = 0;
}

}  // namespace pqcea::falcon
