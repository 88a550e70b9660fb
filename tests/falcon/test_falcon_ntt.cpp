// NTT modulo q = 12289 and HashToPoint: products against schoolbook negacyclic multiplication,
// transform round trips, h = g / f and G = g F / f, and HashToPoint against values computed
// independently (Python hashlib.shake_256 following spec Alg. 3).
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <vector>

#include "falcon/hash_to_point.hpp"
#include "falcon/ntt.hpp"

using namespace pqcea::falcon;

namespace {

std::vector<std::uint16_t> schoolbook(const std::vector<std::uint16_t>& a, const std::vector<std::uint16_t>& b) {
  const std::size_t n = a.size();
  std::vector<std::int64_t> acc(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const std::int64_t p = std::int64_t{a[i]} * b[j];
      if (i + j < n) acc[i + j] += p;
      else acc[i + j - n] -= p;  // X^n = -1
    }
  std::vector<std::uint16_t> r(n);
  for (std::size_t i = 0; i < n; ++i) r[i] = static_cast<std::uint16_t>(((acc[i] % kQ) + kQ) % kQ);
  return r;
}

std::vector<std::uint16_t> random_poly(std::mt19937& g, std::size_t n) {
  std::uniform_int_distribution<int> d(0, kQ - 1);
  std::vector<std::uint16_t> a(n);
  for (auto& v : a) v = static_cast<std::uint16_t>(d(g));
  return a;
}

}  // namespace

TEST(FalconNtt, MultiplicationMatchesSchoolbook) {
  std::mt19937 g(11);
  // Every size (odd and even logn take different last/first passes), random and extreme values
  // (0 and q - 1 mixed: the largest magnitudes the lazy reductions see).
  std::bernoulli_distribution coin(0.5);
  for (std::size_t n = 2; n <= 1024; n *= 2) {
    for (int trial = 0; trial < 3; ++trial) {
      auto a = random_poly(g, n), b = random_poly(g, n);
      if (trial == 2)
        for (std::size_t i = 0; i < n; ++i) {
          a[i] = coin(g) ? kQ - 1 : 0;
          b[i] = coin(g) ? kQ - 1 : 1;
        }
      const auto want = schoolbook(a, b);
      auto a2 = a, b2 = b;
      mq::poly_mul(a, b);
      EXPECT_EQ(a, want) << "n = " << n << " trial " << trial;
      // The signed form verification uses (inputs as int16 in (-q, q): shift half of them down).
      std::vector<std::int16_t> as(n), bs(n);
      for (std::size_t i = 0; i < n; ++i) {
        as[i] = static_cast<std::int16_t>(i % 2 ? a2[i] - static_cast<int>(kQ) * (a2[i] > 0) : a2[i]);
        bs[i] = static_cast<std::int16_t>(b2[i]);
      }
      mq::ntt_signed(as);
      mq::ntt_signed(bs);
      std::vector<std::uint16_t> out(n);
      mq::mul_ntt_inverse(as, bs, out);
      EXPECT_EQ(out, want) << "signed, n = " << n << " trial " << trial;
    }
  }
}

TEST(FalconNtt, RoundTripAndExtremes) {
  std::mt19937 g(12);
  for (std::size_t n : {512u, 1024u}) {
    auto a = random_poly(g, n);
    const auto orig = a;
    mq::ntt(a);
    EXPECT_NE(a, orig);
    mq::intt(a);
    EXPECT_EQ(a, orig);
    // All coefficients q - 1: exercises the largest Montgomery inputs.
    std::vector<std::uint16_t> x(n, kQ - 1), y(n, kQ - 1);
    const auto want = schoolbook(x, y);
    mq::poly_mul(x, y);
    EXPECT_EQ(x, want);
  }
}

TEST(FalconNtt, SignedConversions) {
  EXPECT_EQ(mq::from_signed(-1), kQ - 1);
  EXPECT_EQ(mq::from_signed(-12288), 1);
  EXPECT_EQ(mq::from_signed(12288), 12288);
  EXPECT_EQ(mq::centred(6144), 6144);
  EXPECT_EQ(mq::centred(6145), -6144);
  EXPECT_EQ(mq::centred(0), 0);
  EXPECT_EQ(mq::centred(kQ - 1), -1);
}

TEST(FalconNtt, ComputePublicSatisfiesHTimesFEqualsG) {
  std::mt19937 g(13);
  std::uniform_int_distribution<int> d(-20, 20);
  constexpr std::size_t n = 512;
  std::vector<std::int8_t> f(n), gg(n);
  for (std::size_t i = 0; i < n; ++i) {
    f[i] = static_cast<std::int8_t>(d(g));
    gg[i] = static_cast<std::int8_t>(d(g));
  }
  std::vector<std::uint16_t> h(n), tmp(n);
  ASSERT_TRUE(mq::compute_public(h, f, gg, tmp));
  std::vector<std::uint16_t> fq(n), gq(n);
  for (std::size_t i = 0; i < n; ++i) {
    fq[i] = mq::from_signed(f[i]);
    gq[i] = mq::from_signed(gg[i]);
  }
  EXPECT_EQ(schoolbook(h, fq), gq);
  // A non-invertible f (every evaluation zero) is reported.
  std::vector<std::int8_t> zero(n, 0);
  EXPECT_FALSE(mq::compute_public(h, zero, gg, tmp));
}

TEST(FalconNtt, ComputeGFromMonomialF) {
  // f = 1, F = X^3: G = g X^3 mod (X^n + 1), the negacyclic shift of g.
  constexpr std::size_t n = 1024;
  std::mt19937 g(14);
  std::uniform_int_distribution<int> d(-15, 15);
  std::vector<std::int8_t> f(n, 0), gg(n), F(n, 0), G(n);
  f[0] = 1;
  F[3] = 1;
  for (auto& v : gg) v = static_cast<std::int8_t>(d(g));
  std::vector<std::uint16_t> t1(n), t2(n);
  ASSERT_TRUE(mq::compute_G(G, f, gg, F, t1, t2));
  for (std::size_t i = 0; i < n; ++i) {
    const int want = i >= 3 ? gg[i - 3] : -gg[n - 3 + i];
    ASSERT_EQ(G[i], want) << i;
  }
  // F = 100 X^0 and g with 2: G = 200 is out of the 8-bit range -> false.
  std::fill(F.begin(), F.end(), 0);
  F[0] = 100;
  std::fill(gg.begin(), gg.end(), 2);
  EXPECT_FALSE(mq::compute_G(G, f, gg, F, t1, t2));
}

TEST(FalconHashToPoint, MatchesIndependentComputation) {
  std::array<std::uint8_t, kNonceBytes> nonce{};
  for (std::size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<std::uint8_t>(i);
  const std::array<std::uint8_t, 3> msg{'a', 'b', 'c'};
  std::vector<std::uint16_t> c(512);
  hash_to_point(c, nonce, msg);
  const std::vector<std::uint16_t> head{10561, 6742, 10371, 6879, 7242, 2556, 11317, 9424};
  EXPECT_EQ(std::vector<std::uint16_t>(c.begin(), c.begin() + 8), head);
  EXPECT_EQ(std::vector<std::uint16_t>(c.end() - 4, c.end()), (std::vector<std::uint16_t>{2092, 126, 6914, 7701}));
  unsigned sum = 0;
  for (auto v : c) sum += v;
  EXPECT_EQ(sum % 65536, 46118u);
  std::vector<std::uint16_t> c2(1024);
  hash_to_point(c2, nonce, msg);
  EXPECT_TRUE(std::equal(c.begin(), c.end(), c2.begin()));  // a prefix of the same stream
  EXPECT_EQ(std::vector<std::uint16_t>(c2.end() - 4, c2.end()), (std::vector<std::uint16_t>{5426, 10170, 5338, 3958}));
  sum = 0;
  for (auto v : c2) sum += v;
  EXPECT_EQ(sum % 65536, 52757u);
}
