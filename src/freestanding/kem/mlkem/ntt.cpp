// Portable NTT, inverse NTT and NTT-domain multiplication (FIPS 203 §4.3, Alg. 9-12).
#include "ntt.hpp"

namespace pqcea::mlkem::detail {

namespace {
constexpr const std::int16_t* zetas = ntt_tables.zetas;
constexpr const std::int16_t* gammas = ntt_tables.gammas;
}  // namespace

// FIPS 203 Alg. 9: Cooley-Tukey butterflies, len = 128 .. 2, zeta index i = 1 .. 127.
// A Montgomery product is < q whatever the other input, so seven layers grow |coeff| from < q to
// < 8q (fits int16); one Barrett pass at the end gives the contract's output range.
void ntt_portable(Poly& p) {
  std::int16_t* f = p.c;
  unsigned i = 1;
  for (int len = 128; len >= 2; len >>= 1) {
    for (int start = 0; start < n; start += 2 * len) {
      const std::int16_t zeta = zetas[i++];  // Alg. 9 step 5
      for (int j = start; j < start + len; ++j) {
        const std::int16_t t = fqmul(zeta, f[j + len]);  // step 7
        f[j + len] = static_cast<std::int16_t>(f[j] - t);
        f[j] = static_cast<std::int16_t>(f[j] + t);
      }
    }
  }
  poly_reduce(p);
}

// FIPS 203 Alg. 10: Gentleman-Sande butterflies, len = 2 .. 128, zeta index i = 127 .. 1.
// Bounds: inputs < 4q. Sums are Barrett-reduced in the first layer (< 8q before) and the fourth
// (inputs there < 4q, so sums < 8q); differences go through a Montgomery product (< q). In
// between, sums at most double from <= q. The final factor multiplies by 128^-1 (step 14) and by
// 2^16 twice over 2^-16 (Montgomery).
void invntt_tomont_portable(Poly& p) {
  std::int16_t* f = p.c;
  unsigned i = 127;
  int layer = 0;
  for (int len = 2; len <= 128; len <<= 1, ++layer) {
    const bool reduce = layer == 0 || layer == 3;
    for (int start = 0; start < n; start += 2 * len) {
      const std::int16_t zeta = zetas[i--];  // Alg. 10 step 5
      for (int j = start; j < start + len; ++j) {
        const std::int16_t t = f[j];
        const auto sum = static_cast<std::int16_t>(t + f[j + len]);   // step 8
        f[j] = reduce ? barrett_reduce(sum) : sum;
        f[j + len] = fqmul(zeta, static_cast<std::int16_t>(f[j + len] - t));  // step 9
      }
    }
  }
  for (auto& x : p.c) x = fqmul(x, invntt_factor);  // step 14, with the Montgomery correction
}

// FIPS 203 Alg. 11/12 over the 128 degree-one factors X^2 - gamma_i:
//   c0 = a0 b0 + a1 b1 gamma,  c1 = a0 b1 + a1 b0,  each times 2^-16.
// b comes as ByteEncode_12 (3 bytes -> 2 coefficients, values < 2^12). With |a| < q and b < 2^12
// every int32 intermediate stays below q * 2^15, the Montgomery input bound.
void basemul_acc_portable(Poly& acc, const Poly& a, const std::uint8_t* b) {
  for (int i = 0; i < 128; ++i) {
    const std::int32_t b0 = b[3 * i] | ((b[3 * i + 1] & 0x0F) << 8);
    const std::int32_t b1 = (b[3 * i + 1] >> 4) | (b[3 * i + 2] << 4);
    const std::int32_t a0 = a.c[2 * i], a1 = a.c[2 * i + 1];
    const std::int16_t a1b1 = montgomery_reduce(a1 * b1);
    const std::int16_t c0 = montgomery_reduce(a0 * b0 + static_cast<std::int32_t>(a1b1) * gammas[i]);
    const std::int16_t c1 = montgomery_reduce(a0 * b1 + a1 * b0);
    acc.c[2 * i] = static_cast<std::int16_t>(acc.c[2 * i] + c0);
    acc.c[2 * i + 1] = static_cast<std::int16_t>(acc.c[2 * i + 1] + c1);
  }
}

}  // namespace pqcea::mlkem::detail
