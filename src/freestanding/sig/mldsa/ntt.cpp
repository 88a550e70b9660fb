// NTT over Z_q[X]/(X^256 + 1) (FIPS 204 §7.5, Alg. 41/42). zeta = 1753 is a primitive 512th root
// of unity mod q. The table holds zeta^BitRev8(m) in Montgomery form (times 2^32 mod q), centred,
// computed at compile time.
#include <array>

#include "poly.hpp"

namespace pqcea::mldsa::detail {
namespace {

consteval std::int64_t powmod(std::int64_t b, std::int64_t e) {
  std::int64_t r = 1;
  b %= Q;
  while (e > 0) {
    if (e & 1) r = r * b % Q;
    b = b * b % Q;
    e >>= 1;
  }
  return r;
}
consteval int bitrev8(int x) {
  int r = 0;
  for (int i = 0; i < 8; ++i) r |= ((x >> i) & 1) << (7 - i);
  return r;
}
consteval std::int32_t centred(std::int64_t x) {
  x %= Q;
  if (x < 0) x += Q;
  return static_cast<std::int32_t>(x > Q / 2 ? x - Q : x);
}

constexpr std::int64_t kMont = (std::int64_t{1} << 32) % Q;  // 2^32 mod q

consteval std::array<std::int32_t, 256> make_zetas() {
  std::array<std::int32_t, 256> z{};
  for (int m = 0; m < 256; ++m) z[m] = centred(powmod(1753, bitrev8(m)) * kMont % Q);
  return z;
}
constexpr std::array<std::int32_t, 256> kZetas = make_zetas();
static_assert(powmod(1753, 256) == Q - 1, "1753 is a primitive 512th root of unity (FIPS 204 §7.5)");
// 2^64 / 256 mod q: mont_mul(kF, x) = x * 2^32 / 256, the 1/256 of Alg. 42 step 21 plus the 2^32
// that cancels a pointwise product's 2^-32.
constexpr std::int32_t kF = centred(powmod(2, 56));

}  // namespace

void ntt(Poly& p) {
  std::int32_t* a = p.c;
  int m = 0;
  for (int len = 128; len >= 1; len >>= 1) {
    for (int start = 0; start < N; start += 2 * len) {
      const std::int32_t z = kZetas[++m];
      for (int j = start; j < start + len; ++j) {
        const std::int32_t t = mont_mul(z, a[j + len]);  // Alg. 41 step 9
        a[j + len] = a[j] - t;
        a[j] = a[j] + t;
      }
    }
  }
}

void invntt_tomont(Poly& p) {
  std::int32_t* a = p.c;
  int m = 256;
  for (int len = 1; len < N; len <<= 1) {
    for (int start = 0; start < N; start += 2 * len) {
      const std::int32_t z = -kZetas[--m];  // Alg. 42 step 7
      for (int j = start; j < start + len; ++j) {
        const std::int32_t t = a[j];
        a[j] = t + a[j + len];
        a[j + len] = mont_mul(z, t - a[j + len]);
      }
    }
    // Keep the growing upper sums well inside int32 (inputs below q would reach 256 q otherwise).
    if (len == 16) {
      for (int j = 0; j < N; ++j) a[j] = reduce32(a[j]);
    }
  }
  for (int j = 0; j < N; ++j) a[j] = mont_mul(kF, a[j]);
}

}  // namespace pqcea::mldsa::detail
