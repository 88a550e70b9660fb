// Tests of the ML-DSA building blocks against direct transcriptions of FIPS 204: the NTT against
// schoolbook multiplication in Z_q[X]/(X^256+1), Decompose / Power2Round exhaustively over
// [0, q), and the constant-time samplers (RejBoundedPoly, SampleInBall) against the plain
// rejection loops of Alg. 31 and Alg. 29.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "mldsa/poly.hpp"
#include "mldsa/sampling.hpp"
#include "pqcea/hash/keccak.hpp"

using namespace pqcea::mldsa::detail;

namespace {

std::int64_t mod_q(std::int64_t a) {
  a %= Q;
  return a < 0 ? a + Q : a;
}

TEST(MlDsaInternal, NttMultipliesInTheRing) {
  std::mt19937 gen(1);
  std::uniform_int_distribution<std::int32_t> coef(-(Q - 1), Q - 1);
  for (int trial = 0; trial < 5; ++trial) {
    Poly a, b, ah, bh, r;
    for (int i = 0; i < N; ++i) {
      a.c[i] = coef(gen);
      b.c[i] = coef(gen);
    }
    std::int64_t want[N] = {};
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j) {
        const std::int64_t p = mod_q(static_cast<std::int64_t>(a.c[i]) * b.c[j]);
        if (i + j < N) want[i + j] = mod_q(want[i + j] + p);
        else want[i + j - N] = mod_q(want[i + j - N] - p);  // X^256 = -1
      }
    ah = a;
    bh = b;
    ntt(ah);
    ntt(bh);
    poly_pointwise(r, ah, bh);
    invntt_tomont(r);
    for (int i = 0; i < N; ++i) ASSERT_EQ(mod_q(r.c[i]), want[i]) << i;
    // ntt then invntt_tomont without a product is the identity times 2^32.
    Poly x = a;
    ntt(x);
    invntt_tomont(x);
    for (int i = 0; i < N; ++i) ASSERT_EQ(mod_q(x.c[i]), mod_q(static_cast<std::int64_t>(a.c[i]) * ((std::int64_t{1} << 32) % Q)));
  }
}

template <std::int32_t G2>
void check_decompose() {
  const std::int32_t m = (Q - 1) / (2 * G2);
  for (std::int32_t r = 0; r < Q; ++r) {
    // FIPS 204 Alg. 36 literally
    std::int32_t r0 = r % (2 * G2);
    if (r0 > G2) r0 -= 2 * G2;
    std::int32_t r1;
    if (r - r0 == Q - 1) {
      r1 = 0;
      r0 -= 1;
    } else {
      r1 = (r - r0) / (2 * G2);
    }
    std::int32_t a1, a0;
    decompose<G2>(r, a1, a0);
    ASSERT_EQ(a1, r1) << r;
    ASSERT_EQ(a0, r0) << r;
    ASSERT_LT(a1, m);
  }
}
TEST(MlDsaInternal, DecomposeExhaustive88) { check_decompose<(Q - 1) / 88>(); }
TEST(MlDsaInternal, DecomposeExhaustive32) { check_decompose<(Q - 1) / 32>(); }

TEST(MlDsaInternal, Power2RoundExhaustive) {
  for (std::int32_t r = 0; r < Q; ++r) {
    std::int32_t r0 = r % 8192;
    if (r0 > 4096) r0 -= 8192;
    std::int32_t a1, a0;
    power2round(r, a1, a0);
    ASSERT_EQ(a0, r0);
    ASSERT_EQ(a1, (r - r0) >> 13);
  }
}

TEST(MlDsaInternal, ExceedsMaskIsTheInfinityNormCheck) {
  for (std::int32_t a : {-100000, -5, -4, -3, 0, 3, 4, 5, 100000, Q - 1, -(Q - 1)})
    for (std::int32_t b : {1, 4, 5, 100000})
      EXPECT_EQ(exceeds_mask(a, b), (a >= b || -a >= b) ? 0xFFFFFFFFu : 0u) << a << " " << b;
}

// Alg. 31 as written, for comparison.
template <int Eta>
void rej_bounded_reference(Poly& a, const std::uint8_t rho[64], std::uint16_t r) {
  std::uint8_t seed[66];
  std::memcpy(seed, rho, 64);
  seed[64] = static_cast<std::uint8_t>(r);
  seed[65] = static_cast<std::uint8_t>(r >> 8);
  pqcea::hash::Shake256 h;
  h.absorb(seed, 66);
  int j = 0;
  while (j < N) {
    std::uint8_t z;
    h.squeeze(&z, 1);
    for (int t : {z & 15, z >> 4}) {
      if (j == N) break;
      if (Eta == 2 && t < 15) a.c[j++] = 2 - t % 5;
      if (Eta == 4 && t < 9) a.c[j++] = 4 - t;
    }
  }
}

template <int Eta>
void check_rej_bounded() {
  std::mt19937 gen(Eta);
  for (int trial = 0; trial < 200; ++trial) {
    std::uint8_t rho[64];
    for (auto& b : rho) b = static_cast<std::uint8_t>(gen());
    Poly got, want;
    EXPECT_TRUE(rej_bounded_poly<Eta>(got, rho, static_cast<std::uint16_t>(trial)));
    rej_bounded_reference<Eta>(want, rho, static_cast<std::uint16_t>(trial));
    for (int i = 0; i < N; ++i) ASSERT_EQ(got.c[i], want.c[i]) << "trial " << trial << " i " << i;
  }
}
TEST(MlDsaInternal, RejBoundedEta2MatchesAlg31) { check_rej_bounded<2>(); }
TEST(MlDsaInternal, RejBoundedEta4MatchesAlg31) { check_rej_bounded<4>(); }

template <int Tau>
void check_sample_in_ball() {
  std::mt19937 gen(Tau);
  for (int trial = 0; trial < 300; ++trial) {
    std::uint8_t ct[64];
    for (auto& b : ct) b = static_cast<std::uint8_t>(gen());
    // Alg. 29 as written
    pqcea::hash::Shake256 h;
    h.absorb(ct, sizeof ct);
    std::uint8_t s[8];
    h.squeeze(s, 8);
    int want[N] = {};
    for (int i = N - Tau; i < N; ++i) {
      std::uint8_t j;
      do {
        h.squeeze(&j, 1);
      } while (j > i);
      want[i] = want[j];
      const int k = i + Tau - N;
      want[j] = ((s[k / 8] >> (k % 8)) & 1) ? -1 : 1;
    }
    Challenge c;
    sample_in_ball<Tau>(c, ct, sizeof ct);
    Poly got;
    challenge_to_poly(got, c);
    int weight = 0;
    for (int i = 0; i < N; ++i) {
      ASSERT_EQ(got.c[i], want[i]) << "trial " << trial << " i " << i;
      weight += got.c[i] != 0;
    }
    EXPECT_EQ(weight, Tau);
  }
}
TEST(MlDsaInternal, SampleInBallMatchesAlg29Tau39) { check_sample_in_ball<39>(); }
TEST(MlDsaInternal, SampleInBallMatchesAlg29Tau49) { check_sample_in_ball<49>(); }
TEST(MlDsaInternal, SampleInBallMatchesAlg29Tau60) { check_sample_in_ball<60>(); }

}  // namespace
