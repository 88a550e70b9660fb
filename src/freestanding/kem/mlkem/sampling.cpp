#include "sampling.hpp"

#include "pqcea/core/bytes.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/hash/keccak.hpp"

namespace pqcea::mlkem::detail {

unsigned rej_uniform_portable(std::int16_t* out, unsigned need, const std::uint8_t* buf, std::size_t len) {
  unsigned j = 0;
  std::size_t pos = 0;
  // While two more values fit, store both candidates and advance by the acceptance bits (no
  // unpredictable branch); the tail handles the last one or two values exactly.
  for (; pos + 3 <= len && j + 2 <= need; pos += 3) {
    // Alg. 7 steps 5-6: two 12-bit candidates from three bytes.
    const unsigned d1 = buf[pos] | ((buf[pos + 1] & 0x0Fu) << 8);
    const unsigned d2 = (buf[pos + 1] >> 4) | (static_cast<unsigned>(buf[pos + 2]) << 4);
    out[j] = static_cast<std::int16_t>(d1);
    j += d1 < static_cast<unsigned>(q);  // steps 7-9
    out[j] = static_cast<std::int16_t>(d2);
    j += d2 < static_cast<unsigned>(q);  // steps 10-12
  }
  for (; pos + 3 <= len && j < need; pos += 3) {
    const unsigned d1 = buf[pos] | ((buf[pos + 1] & 0x0Fu) << 8);
    const unsigned d2 = (buf[pos + 1] >> 4) | (static_cast<unsigned>(buf[pos + 2]) << 4);
    if (d1 < static_cast<unsigned>(q)) out[j++] = static_cast<std::int16_t>(d1);
    if (d2 < static_cast<unsigned>(q) && j < need) out[j++] = static_cast<std::int16_t>(d2);
  }
  return j;
}

void sample_ntt(Poly& a, const std::uint8_t rho[32], std::uint8_t b0, std::uint8_t b1) {
  hash::Shake128 xof;  // Alg. 7 steps 1-2: XOF.Absorb(rho || b0 || b1)
  xof.absorb(rho, 32);
  const std::uint8_t idx[2] = {b0, b1};
  xof.absorb(idx, 2);
  // One SHAKE128 block (168 bytes = 56 candidate triples) at a time keeps the stack small; about
  // three blocks are needed on average (112 candidates per block, 81% accepted).
  constexpr std::size_t block = hash::Shake128::block_size;
  static_assert(block % 3 == 0);
  std::uint8_t buf[block];
  unsigned got = 0;
  while (got < static_cast<unsigned>(n)) {
    xof.squeeze(buf, block);
    got += rej_uniform(a.c + got, n - got, buf, block);
  }
}

namespace {
// Alg. 8 for eta = 2: coefficient i uses bits 4i..4i+3 (x = first two, y = next two).
void cbd2(Poly& p, const std::uint8_t* b) {
  for (int i = 0; i < n / 8; ++i) {
    const std::uint32_t t = load32_le(b + 4 * i);
    // Each 2-bit field of d holds the sum of the two bits it replaced.
    const std::uint32_t d = (t & 0x55555555u) + ((t >> 1) & 0x55555555u);
    for (int j = 0; j < 8; ++j) {
      const auto x = static_cast<std::int16_t>((d >> (4 * j)) & 3u);
      const auto y = static_cast<std::int16_t>((d >> (4 * j + 2)) & 3u);
      p.c[8 * i + j] = static_cast<std::int16_t>(x - y);
    }
  }
}
// Alg. 8 for eta = 3: coefficient i uses bits 6i..6i+5.
void cbd3(Poly& p, const std::uint8_t* b) {
  for (int i = 0; i < n / 4; ++i) {
    const std::uint32_t t = b[3 * i] | (static_cast<std::uint32_t>(b[3 * i + 1]) << 8) |
                            (static_cast<std::uint32_t>(b[3 * i + 2]) << 16);
    const std::uint32_t d = (t & 0x249249u) + ((t >> 1) & 0x249249u) + ((t >> 2) & 0x249249u);
    for (int j = 0; j < 4; ++j) {
      const auto x = static_cast<std::int16_t>((d >> (6 * j)) & 7u);
      const auto y = static_cast<std::int16_t>((d >> (6 * j + 3)) & 7u);
      p.c[4 * i + j] = static_cast<std::int16_t>(x - y);
    }
  }
}
}  // namespace

template <unsigned Eta>
void sample_cbd(Poly& p, const std::uint8_t sigma[32], std::uint8_t nonce) {
  static_assert(Eta == 2 || Eta == 3);
  std::uint8_t buf[64 * Eta];  // PRF_eta output (§4.1 Eq. 4.3), secret
  hash::Shake256 prf;
  prf.absorb(sigma, 32);
  prf.absorb(&nonce, 1);
  prf.squeeze(buf, sizeof buf);
  if constexpr (Eta == 2) cbd2(p, buf);
  else cbd3(p, buf);
  secure_wipe(buf, sizeof buf);
}

template void sample_cbd<2>(Poly&, const std::uint8_t*, std::uint8_t);
template void sample_cbd<3>(Poly&, const std::uint8_t*, std::uint8_t);

}  // namespace pqcea::mlkem::detail
