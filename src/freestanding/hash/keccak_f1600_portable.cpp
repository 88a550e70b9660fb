// Portable Keccak-f[1600] (FIPS 202 §3.3: theta, rho, pi, chi, iota; 24 rounds).
#include <cstdint>

#include "pqcea/hash/keccak.hpp"

namespace pqcea::hash {
namespace {

// Round constants RC[ir] (FIPS 202 Alg. 5/6), computed at compile time from the LFSR rc(t).
consteval std::uint64_t round_constant(int ir) {
  std::uint64_t rc = 0;
  std::uint8_t lfsr = 1;  // rc(t) state, FIPS 202 Alg. 5
  for (int t = 0; t < 7 * ir; ++t) lfsr = static_cast<std::uint8_t>((lfsr << 1) ^ ((lfsr & 0x80) ? 0x71 : 0));
  for (int j = 0; j <= 6; ++j) {
    if (lfsr & 1) rc |= std::uint64_t{1} << ((1 << j) - 1);
    lfsr = static_cast<std::uint8_t>((lfsr << 1) ^ ((lfsr & 0x80) ? 0x71 : 0));
  }
  return rc;
}

struct Tables {
  std::uint64_t rc[24];
  int rho[25];       // rotation offset of lane x + 5y (FIPS 202 Alg. 2)
  int pi_src[25];    // pi: A'[x,y] = A[(x + 3y) mod 5, x]
};

consteval Tables make_tables() {
  Tables t{};
  for (int i = 0; i < 24; ++i) t.rc[i] = round_constant(i);
  t.rho[0] = 0;
  int x = 1, y = 0;
  for (int k = 0; k < 24; ++k) {
    t.rho[x + 5 * y] = ((k + 1) * (k + 2) / 2) % 64;
    int nx = y, ny = (2 * x + 3 * y) % 5;
    x = nx;
    y = ny;
  }
  for (int yy = 0; yy < 5; ++yy)
    for (int xx = 0; xx < 5; ++xx) t.pi_src[xx + 5 * yy] = ((xx + 3 * yy) % 5) + 5 * xx;
  return t;
}

constexpr Tables kT = make_tables();
static_assert(kT.rc[0] == 0x0000000000000001ULL && kT.rc[23] == 0x8000000080008008ULL);
static_assert(kT.rho[1] == 1 && kT.rho[2] == 62 && kT.rho[24] == 14);

inline std::uint64_t rotl(std::uint64_t v, int n) { return n == 0 ? v : (v << n) | (v >> (64 - n)); }

}  // namespace

void keccak_f1600_portable(std::uint64_t a[25]) {
  std::uint64_t b[25];
  std::uint64_t c[5], d[5];
  for (int round = 0; round < 24; ++round) {
    // theta
#pragma GCC unroll 5
    for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
#pragma GCC unroll 5
    for (int x = 0; x < 5; ++x) d[x] = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
    // theta applied while gathering, then rho and pi into b
#pragma GCC unroll 25
    for (int i = 0; i < 25; ++i) {
      const int src = kT.pi_src[i];
      b[i] = rotl(a[src] ^ d[src % 5], kT.rho[src]);
    }
    // chi
#pragma GCC unroll 5
    for (int y = 0; y < 25; y += 5) {
#pragma GCC unroll 5
      for (int x = 0; x < 5; ++x) a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
    }
    // iota
    a[0] ^= kT.rc[round];
  }
}

}  // namespace pqcea::hash
