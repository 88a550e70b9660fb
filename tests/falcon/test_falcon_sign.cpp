// Falcon signing: the emulated binary64 against SSE2 hardware bit for bit (random and edge
// operands), the FFT against exact integer products, split/merge, the sampler PRNG against the
// RFC 8439 ChaCha20 block vector through the eight-way interleave, the base sampler and SamplerZ
// against their target distributions (fixed seed), and sign-then-verify on both backends with
// negative cases. The bit-exact KAT check (NIST DRBG -> keygen -> sign; the count-0 record text
// hashed and compared with the published `single` digests of Falcon-512/1024, compressed and
// padded) runs on both backends too.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <cctype>
#include <vector>

#include "pqcea/falcon.hpp"
#include "falcon/fft.hpp"
#include "falcon/fpr.hpp"
#include "falcon/prng.hpp"
#include "falcon/sampler.hpp"
#include "falcon/sign.hpp"
#include "nist_drbg.hpp"
#include "pqcea/falcon.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/hex.hpp"

using namespace pqcea;
using namespace pqcea::falcon;

namespace {

std::uint64_t b(double x) { return std::bit_cast<std::uint64_t>(x); }

// Random doubles over a wide but Falcon-like range (no subnormals, no overflow), with zeros,
// small integers and exact ties mixed in.
struct Gen {
  std::mt19937_64 r{12345};
  double operator()() {
    const unsigned kind = static_cast<unsigned>(r() % 16);
    if (kind == 0) return 0.0;
    if (kind == 1) return -0.0;
    if (kind == 2) return static_cast<double>(static_cast<std::int64_t>(r() % 2001) - 1000);
    if (kind == 3) return (static_cast<double>(static_cast<std::int64_t>(r() % 2001) - 1000)) + 0.5;  // ties
    const double m = std::ldexp(static_cast<double>(r() >> 11), -53) + 0.5;
    const int e = static_cast<int>(r() % 200) - 100;
    const double v = std::ldexp(m, e);
    return (r() & 1) ? -v : v;
  }
};

}  // namespace

TEST(FalconFpr, ArithmeticMatchesHardwareBitForBit) {
  Gen g;
  for (int i = 0; i < 1000000; ++i) {
    const double x = g(), y = g();
    const std::uint64_t X = b(x), Y = b(y);
    ASSERT_EQ(fpr::Emu::add(X, Y), b(x + y)) << x << " + " << y;
    ASSERT_EQ(fpr::Emu::sub(X, Y), b(x - y)) << x << " - " << y;
    ASSERT_EQ(fpr::Emu::mul(X, Y), b(x * y)) << x << " * " << y;
    if (y != 0) {
      ASSERT_EQ(fpr::Emu::div(X, Y), b(x / y)) << x << " / " << y;
    }
    ASSERT_EQ(fpr::Emu::sqrt(b(std::fabs(x))), b(std::sqrt(std::fabs(x)))) << x;
    ASSERT_EQ(fpr::Emu::half(X), b(x * 0.5));
    ASSERT_EQ(fpr::Emu::twice(X), b(x + x));
    ASSERT_EQ(fpr::Emu::lt(X, Y), x < y ? 1 : 0) << x << " < " << y;
    const std::int64_t k = static_cast<std::int64_t>(g.r()) >> (g.r() % 64);
    ASSERT_EQ(fpr::Emu::of(k), b(static_cast<double>(k))) << k;
    ASSERT_EQ(fpr::Emu::scaled(k, -20), b(std::ldexp(static_cast<double>(k), -20))) << k;
    if (std::fabs(x) < 1e18) {
      ASSERT_EQ(fpr::Emu::rint(X), std::llrint(x)) << x;
      ASSERT_EQ(fpr::Emu::floor(X), static_cast<std::int64_t>(std::floor(x))) << x;
      ASSERT_EQ(fpr::Emu::trunc(X), static_cast<std::int64_t>(std::trunc(x))) << x;
#if defined(PQCEA_FALCON_FPR_HAVE_NATIVE)
      ASSERT_EQ(fpr::Native::rint(x), std::llrint(x)) << x;
      ASSERT_EQ(fpr::Native::floor(x), static_cast<std::int64_t>(std::floor(x))) << x;
      ASSERT_EQ(fpr::Native::trunc(x), static_cast<std::int64_t>(std::trunc(x))) << x;
      ASSERT_EQ(fpr::Native::lt(x, y), x < y ? 1 : 0);
#endif
    }
  }
}

TEST(FalconFpr, EdgeCases) {
  using E = fpr::Emu;
  // Signs of exact zeros (round to nearest: +0 unless both are negative).
  EXPECT_EQ(E::add(b(1.5), b(-1.5)), b(0.0));
  EXPECT_EQ(E::add(b(-0.0), b(-0.0)), b(-0.0));
  EXPECT_EQ(E::add(b(-0.0), b(0.0)), b(0.0));
  EXPECT_EQ(E::mul(b(-3.0), b(0.0)), b(-0.0));
  // Ties to even in rounding of add, of and rint.
  EXPECT_EQ(E::add(b(1.0), b(std::ldexp(1.0, -53))), b(1.0));
  EXPECT_EQ(E::add(b(1.0 + std::ldexp(1.0, -52)), b(std::ldexp(1.0, -53))), b(1.0 + std::ldexp(1.0, -51)));
  EXPECT_EQ(E::of((std::int64_t{1} << 53) + 1), b(9007199254740992.0));
  EXPECT_EQ(E::of((std::int64_t{1} << 53) + 3), b(9007199254740996.0));
  EXPECT_EQ(E::of(INT64_MIN), b(-9223372036854775808.0));
  EXPECT_EQ(E::rint(b(2.5)), 2);
  EXPECT_EQ(E::rint(b(3.5)), 4);
  EXPECT_EQ(E::rint(b(-2.5)), -2);
  EXPECT_EQ(E::rint(b(0.49999999999999994)), 0);
  EXPECT_EQ(E::floor(b(-0.25)), -1);
  EXPECT_EQ(E::floor(b(-1e-300)), -1);
  EXPECT_EQ(E::floor(b(-0.0)), 0);
  EXPECT_EQ(E::trunc(b(-7.9)), -7);
  // Cancellation down to a single bit, and a product that just reaches the next binade.
  EXPECT_EQ(E::sub(b(1.0000000000000002), b(1.0)), b(2.220446049250313e-16));
  EXPECT_EQ(E::mul(b(1.9999999999999998), b(1.9999999999999998)), b(1.9999999999999998 * 1.9999999999999998));
  EXPECT_EQ(E::div(b(1.0), b(3.0)), b(1.0 / 3.0));
  EXPECT_EQ(E::sqrt(b(2.0)), b(std::sqrt(2.0)));
  // Results below the normal range flush to zero (no subnormals in the emulation).
  EXPECT_EQ(E::mul(b(1e-200), b(1e-200)), b(0.0));
  // Alg. 13 on its range ends: exp(0) ~ 1 and ccs scaling.
  const double p63 = 9223372036854775808.0;
  for (double x : {0.0, 0.1, 0.5, 0.6931471805599453}) {
    for (double ccs : {0.25, 0.75, 0.999}) {
      const double got = static_cast<double>(E::expm_p63(b(x), b(ccs))) / p63;
      EXPECT_NEAR(got, ccs * std::exp(-x), 1e-15) << x << " " << ccs;
#if defined(PQCEA_FALCON_FPR_HAVE_NATIVE)
      EXPECT_EQ(fpr::Native::expm_p63(x, ccs), E::expm_p63(b(x), b(ccs)));
#endif
    }
  }
}

namespace {

template <class F>
std::vector<fpr_t<F>> to_fpr(const std::vector<std::int32_t>& v) {
  std::vector<fpr_t<F>> r(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) r[i] = F::of(v[i]);
  return r;
}

// Negacyclic product in Z[x]/(x^n + 1).
std::vector<std::int64_t> negacyclic(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& c) {
  const std::size_t n = a.size();
  std::vector<std::int64_t> r(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const std::int64_t p = static_cast<std::int64_t>(a[i]) * c[j];
      if (i + j < n) r[i + j] += p; else r[i + j - n] -= p;
    }
  return r;
}

template <class F>
void fft_products(unsigned logn) {
  const std::size_t n = std::size_t{1} << logn;
  std::mt19937 r(logn);
  std::vector<std::int32_t> a(n), c(n);
  for (auto& x : a) x = static_cast<std::int32_t>(r() % 4001) - 2000;
  for (auto& x : c) x = static_cast<std::int32_t>(r() % 41) - 20;
  auto fa = to_fpr<F>(a), fc = to_fpr<F>(c);
  fft<F>(fa.data(), logn);
  fft<F>(fc.data(), logn);
  // a * c and a * adj(c) = a(x) c(1/x).
  auto prod = fa, prod_adj = fa;
  poly_mul_fft<F>(prod.data(), fc.data(), logn);
  poly_muladj_fft<F>(prod_adj.data(), fc.data(), logn);
  ifft<F>(prod.data(), logn);
  ifft<F>(prod_adj.data(), logn);
  const auto want = negacyclic(a, c);
  std::vector<std::int32_t> cadj(n);
  cadj[0] = c[0];
  for (std::size_t i = 1; i < n; ++i) cadj[i] = -c[n - i];
  const auto want_adj = negacyclic(a, cadj);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(F::rint(prod[i]), want[i]) << "logn " << logn << " i " << i;
    ASSERT_EQ(F::rint(prod_adj[i]), want_adj[i]) << "logn " << logn << " i " << i;
  }
  // a / c * c = a; split then merge is the identity (exactly, up to rounding of halving: exact).
  auto q = fa;
  poly_div_fft<F>(q.data(), fc.data(), logn);
  poly_mul_fft<F>(q.data(), fc.data(), logn);
  ifft<F>(q.data(), logn);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(F::rint(q[i]), a[i]);
  if (logn >= 1) {
    std::vector<fpr_t<F>> f0(n / 2), f1(n / 2), m(n);
    poly_split_fft<F>(f0.data(), f1.data(), fa.data(), logn);
    // split in the FFT domain equals splitting the coefficients into even and odd parts.
    ifft<F>(f0.data(), logn - 1);
    ifft<F>(f1.data(), logn - 1);
    for (std::size_t i = 0; i < n / 2; ++i) {
      ASSERT_EQ(F::rint(f0[i]), a[2 * i]);
      ASSERT_EQ(F::rint(f1[i]), a[2 * i + 1]);
    }
    fft<F>(f0.data(), logn - 1);
    fft<F>(f1.data(), logn - 1);
    poly_merge_fft<F>(m.data(), f0.data(), f1.data(), logn);
    ifft<F>(m.data(), logn);
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(F::rint(m[i]), a[i]);
  }
}

}  // namespace

TEST(FalconFft, ProductsSplitMergeEmu) {
  for (unsigned logn = 1; logn <= 10; ++logn) fft_products<fpr::Emu>(logn);
}

#if defined(PQCEA_FALCON_FPR_HAVE_NATIVE)
TEST(FalconFft, ProductsSplitMergeNative) {
  for (unsigned logn = 1; logn <= 10; ++logn) fft_products<fpr::Native>(logn);
}

// Every FFT-domain operation gives the same bits on both backends.
TEST(FalconFft, BackendsAgreeBitForBit) {
  const unsigned logn = 10;
  const std::size_t n = 1024;
  std::mt19937 r(7);
  std::vector<std::int32_t> a(n), c(n), e(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = static_cast<std::int32_t>(r() % 255) - 127;
    c[i] = static_cast<std::int32_t>(r() % 31) - 15;
    e[i] = static_cast<std::int32_t>(r() % 31) - 15;
  }
  auto run = [&]<class F>(F) {
    auto fa = to_fpr<F>(a), fc = to_fpr<F>(c), fe = to_fpr<F>(e);
    fft<F>(fa.data(), logn);
    fft<F>(fc.data(), logn);
    fft<F>(fe.data(), logn);
    std::vector<fpr_t<F>> out, t(n), t2(n), t3(n);
    auto push = [&](const std::vector<fpr_t<F>>& v) {
      for (auto x : v) out.push_back(x);
    };
    t = fa; poly_mul_fft<F>(t.data(), fc.data(), logn); push(t);
    t = fa; poly_muladj_fft<F>(t.data(), fc.data(), logn); push(t);
    t = fa; poly_mulselfadj_fft<F>(t.data(), logn); push(t);
    t = fa; poly_div_fft<F>(t.data(), fc.data(), logn); push(t);
    poly_invnorm2_fft<F>(t.data(), fc.data(), fe.data(), logn); push(t);
    poly_add_muladj_fft<F>(t.data(), fa.data(), fc.data(), fe.data(), fc.data(), logn); push(t);
    t2 = fc; poly_mulselfadj_fft<F>(t2.data(), logn);
    t = fa; poly_mul_autoadj_fft<F>(t.data(), t2.data(), logn); push(t);
    t = fa; poly_div_autoadj_fft<F>(t.data(), t2.data(), logn); push(t);
    t = t2; t3 = fa; poly_ldl_fft<F>(t.data(), t3.data(), t2.data(), logn); push(t3); push(t2);
    t.assign(n / 2, {}); t2.assign(n / 2, {});
    poly_split_fft<F>(t.data(), t2.data(), fa.data(), logn); push(t); push(t2);
    t = fa; poly_mulconst<F>(t.data(), F::inv(F::of(12289)), logn); ifft<F>(t.data(), logn); push(t);
    std::vector<std::uint64_t> bits;
    for (auto x : out) bits.push_back(F::to_bits(x));
    return bits;
  };
  EXPECT_EQ(run(fpr::Emu{}), run(fpr::Native{}));
}
#endif

// RFC 8439 §2.3.2 block function vector through the reference PRNG's layout: with key 00..1f,
// counter word 1 and nonce 00000009 0000004a 00000000 placed in the seed, block 0 of a refill is
// the RFC block, stored word v at byte 32 v.
TEST(FalconPrng, ChaCha20BlockAndInterleave) {
  std::uint8_t seed[SamplerPrng::kSeedBytes] = {};
  for (int i = 0; i < 32; ++i) seed[i] = static_cast<std::uint8_t>(i);
  const std::uint32_t words[4] = {1, 0x09000000u, 0x4A000000u, 0};
  for (int w = 0; w < 4; ++w)
    for (int k = 0; k < 4; ++k) seed[32 + 4 * w + k] = static_cast<std::uint8_t>(words[w] >> (8 * k));
  // bytes 48..55: counter 0 (XORed into words 14 and 15).
  static const std::uint8_t kRfc[64] = {
      0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4,
      0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e,
      0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2,
      0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e};
  SamplerPrng p;
  p.init(seed);
  std::uint8_t buf[512];
  for (auto& x : buf) x = static_cast<std::uint8_t>(p.u8());
  for (int v = 0; v < 16; ++v)
    for (int k = 0; k < 4; ++k) ASSERT_EQ(buf[32 * v + k], kRfc[4 * v + k]) << "word " << v;
  // Block 1 used counter 1: it differs from block 0 (and from the RFC block) in every word.
  int same = 0;
  for (int v = 0; v < 16; ++v) same += std::memcmp(buf + 32 * v, buf + 32 * v + 4, 4) == 0;
  EXPECT_EQ(same, 0);
  // The next refill continues the counter: the first byte after 512 is block 8's word 0.
  SamplerPrng q;
  q.init(seed);
  for (int i = 0; i < 512; ++i) (void)q.u8();
  const unsigned next = q.u8();
  SamplerPrng r8;
  std::uint8_t seed8[SamplerPrng::kSeedBytes];
  std::memcpy(seed8, seed, sizeof seed8);
  seed8[48] = 8;
  r8.init(seed8);
  EXPECT_EQ(next, r8.u8());
  // u64 refills when fewer than 9 bytes remain: after 63 u64 reads (504 bytes) the next read
  // starts a new buffer.
  SamplerPrng s;
  s.init(seed);
  for (int i = 0; i < 63; ++i) (void)s.u64();
  SamplerPrng t8;
  t8.init(seed8);
  std::uint64_t want = 0;
  std::uint8_t nb[8];
  for (auto& x : nb) x = static_cast<std::uint8_t>(t8.u8());
  for (int i = 7; i >= 0; --i) want = (want << 8) | nb[i];
  EXPECT_EQ(s.u64(), want);
}

TEST(FalconSampler, BaseSamplerDistribution) {
  // P(z0 = k) = (RCDT[k-1] - RCDT[k]) / 2^72 with RCDT[-1] = 2^72: a half-Gaussian of sigma 1.8205.
  std::uint8_t seed[SamplerPrng::kSeedBytes] = {42};
  SamplerPrng p;
  p.init(seed);
  const int N = 400000;
  std::array<int, 20> hist{};
  for (int i = 0; i < N; ++i) {
    const int z = base_sampler(p);
    ASSERT_GE(z, 0);
    ASSERT_LE(z, 18);
    ++hist[static_cast<std::size_t>(z)];
  }
  double norm = 0;
  for (int k = 0; k < 19; ++k) norm += std::exp(-k * k / (2 * 1.8205 * 1.8205));
  for (int k = 0; k < 6; ++k) {
    const double expect = N * std::exp(-k * k / (2 * 1.8205 * 1.8205)) / norm;
    EXPECT_NEAR(hist[static_cast<std::size_t>(k)], expect, 5 * std::sqrt(expect) + 1) << "k " << k;
  }
}

namespace {
template <class F>
void samplerz_moments(double mu, double sigma) {
  std::uint8_t seed[SamplerPrng::kSeedBytes] = {7, static_cast<std::uint8_t>(sigma * 10)};
  SamplerPrng p;
  p.init(seed);
  SamplerZ<F> s{p, F::from_bits(fpr::bits::sigma_min_9)};
  const int N = 200000;
  double sum = 0, sq = 0;
  for (int i = 0; i < N; ++i) {
    const int z = s(F::from_bits(b(mu)), F::from_bits(b(1.0 / sigma)));
    sum += z;
    sq += (z - mu) * (z - mu);
  }
  const double mean = sum / N, var = sq / N;
  EXPECT_NEAR(mean, mu, 5 * sigma / std::sqrt(N)) << mu << " " << sigma;
  EXPECT_NEAR(var, sigma * sigma, 0.02 * sigma * sigma) << mu << " " << sigma;
}
}  // namespace

TEST(FalconSampler, SamplerZMoments) {
  samplerz_moments<fpr::Emu>(0.3, 1.5);
  samplerz_moments<fpr::Emu>(-17.75, 1.3);
  samplerz_moments<fpr::Emu>(1000.5, 1.8);
}

// ---- signing -----------------------------------------------------------------------------------

namespace {

template <class P>
struct Keys {
  std::vector<std::uint8_t> pk = std::vector<std::uint8_t>(P::pk_bytes), sk = std::vector<std::uint8_t>(P::sk_bytes);
};

template <class P>
Keys<P> make_keys(std::uint8_t tag) {
  Keys<P> k;
  std::array<std::uint8_t, kKeygenSeedBytes> seed{};
  seed.fill(tag);
  std::vector<std::uint8_t> ws(Budget<P>::keygen_workspace_bytes);
  EXPECT_EQ(keygen_internal<P>(std::span<std::uint8_t, P::pk_bytes>(k.pk.data(), P::pk_bytes),
                               std::span<std::uint8_t, P::sk_bytes>(k.sk.data(), P::sk_bytes), seed, ws),
            Status::ok);
  return k;
}

template <class P, class F>
std::vector<std::uint8_t> sign_with(const Keys<P>& k, std::span<const std::uint8_t> msg,
                                    std::span<const std::uint8_t, kNonceBytes> nonce,
                                    std::span<const std::uint8_t, kSignSeedBytes> seed, Format fmt,
                                    Status expect = Status::ok) {
  std::vector<std::uint8_t> sig(fmt == Format::padded ? P::sig_padded_bytes : P::sig_max_bytes);
  std::vector<std::uint8_t> ws(Budget<P>::sign_workspace_bytes + 7);
  std::size_t len = 0;
  // An odd workspace address: the signer aligns it itself.
  const Status st = sign_internal_with<P, F>(sig, len, std::span<const std::uint8_t, P::sk_bytes>(k.sk.data(), P::sk_bytes),
                                            msg, nonce, seed, fmt, std::span<std::uint8_t>(ws).subspan(1));
  EXPECT_EQ(st, expect);
  sig.resize(st == Status::ok ? len : 0);
  return sig;
}

template <class P, class F>
void sign_verify() {
  const Keys<P> k = make_keys<P>(static_cast<std::uint8_t>(P::logn));
  const std::span<const std::uint8_t, P::pk_bytes> pk(k.pk.data(), P::pk_bytes);
  std::array<std::uint8_t, kNonceBytes> nonce{};
  std::array<std::uint8_t, kSignSeedBytes> seed{};
  for (int m = 0; m < 3; ++m) {
    std::vector<std::uint8_t> msg(static_cast<std::size_t>(10 + 50 * m), static_cast<std::uint8_t>(m));
    nonce.fill(static_cast<std::uint8_t>(0xA0 + m));
    seed.fill(static_cast<std::uint8_t>(0x50 + m));
    for (Format fmt : {Format::compressed, Format::padded}) {
      const auto sig = sign_with<P, F>(k, msg, nonce, seed, fmt);
      ASSERT_FALSE(sig.empty());
      if (fmt == Format::padded) {
        EXPECT_EQ(sig.size(), P::sig_padded_bytes);
      }
      EXPECT_LE(sig.size(), P::sig_max_bytes);
      EXPECT_EQ(sig[0], 0x30 + P::logn);
      EXPECT_EQ(0, (std::memcmp(sig.data() + 1, nonce.data(), kNonceBytes)));
      EXPECT_EQ(verify<P>(pk, msg, sig, fmt), Status::ok);
      // Deterministic in (sk, msg, nonce, seed).
      EXPECT_EQ((sign_with<P, F>(k, msg, nonce, seed, fmt)), sig);
      // Negative cases: another message, a flipped s2 bit, a different sampler seed gives a
      // different (still valid) signature.
      auto other = msg;
      other[0] ^= 1;
      EXPECT_EQ(verify<P>(pk, other, sig, fmt), Status::invalid_signature);
      auto bad = sig;
      bad[1 + kNonceBytes + 3] ^= 0x04;
      EXPECT_NE(verify<P>(pk, msg, bad, fmt), Status::ok);
      auto seed2 = seed;
      seed2[0] ^= 1;
      const auto sig2 = sign_with<P, F>(k, msg, nonce, seed2, fmt);
      EXPECT_NE(sig2, sig);
      EXPECT_EQ(verify<P>(pk, msg, sig2, fmt), Status::ok);
    }
  }
  // Bad inputs: a corrupted private-key header, a short signature buffer, a short workspace.
  Keys<P> broken = k;
  broken.sk[0] ^= 1;
  std::vector<std::uint8_t> msg{1, 2, 3};
  (void)sign_with<P, F>(broken, msg, nonce, seed, Format::compressed, Status::invalid_key);
  std::vector<std::uint8_t> small(P::sig_padded_bytes - 1), ws(Budget<P>::sign_workspace_bytes);
  std::size_t len = 0;
  const std::span<const std::uint8_t, P::sk_bytes> sk(k.sk.data(), P::sk_bytes);
  EXPECT_EQ((sign_internal_with<P, F>(small, len, sk, msg, nonce, seed, Format::padded, ws)), Status::invalid_length);
  std::vector<std::uint8_t> sig(P::sig_max_bytes), ws_small(Budget<P>::sign_workspace_bytes - 100);
  EXPECT_EQ((sign_internal_with<P, F>(sig, len, sk, msg, nonce, seed, Format::compressed, ws_small)),
            Status::buffer_too_small);
}

}  // namespace

TEST(FalconSign, SignVerify512Emu) { sign_verify<Falcon512, fpr::Emu>(); }
TEST(FalconSign, SignVerify1024Emu) { sign_verify<Falcon1024, fpr::Emu>(); }
#if defined(PQCEA_FALCON_FPR_HAVE_NATIVE)
TEST(FalconSign, SignVerify512Native) { sign_verify<Falcon512, fpr::Native>(); }
TEST(FalconSign, SignVerify1024Native) { sign_verify<Falcon1024, fpr::Native>(); }

// Both backends produce the same signature bytes.
TEST(FalconSign, BackendsAgree) {
  const Keys<Falcon1024> k = make_keys<Falcon1024>(77);
  std::array<std::uint8_t, kNonceBytes> nonce{};
  std::array<std::uint8_t, kSignSeedBytes> seed{};
  for (int i = 0; i < 4; ++i) {
    nonce.fill(static_cast<std::uint8_t>(i));
    seed.fill(static_cast<std::uint8_t>(i * 3));
    const std::vector<std::uint8_t> msg(5, static_cast<std::uint8_t>(i));
    EXPECT_EQ((sign_with<Falcon1024, fpr::Emu>(k, msg, nonce, seed, Format::padded)),
              (sign_with<Falcon1024, fpr::Native>(k, msg, nonce, seed, Format::padded)));
  }
}
#endif

// NIST KAT record count 0 (../shared/vectors/KAT_DIGESTS.md): outer DRBG(00..2F) -> seed, msg;
// DRBG(seed) -> keygen seed (48), nonce (40), sampler seed (48). The record text (count, seed,
// mlen, msg, pk, sk, smlen, sm) must hash to the published `single` SHA-256 digest, for the
// compressed (sm = len || nonce || msg || 0x20+logn || s2) and padded (sm = signature || msg) sets.
namespace {
std::string hexu(const std::uint8_t* p, std::size_t n) {
  return host::hex_encode(std::span<const std::uint8_t>(p, n), host::HexCase::upper);
}
template <class P, class F>
std::string kat_single_digest(Format fmt) {
  std::array<std::uint8_t, 48> ent{};
  for (std::size_t i = 0; i < 48; ++i) ent[i] = static_cast<std::uint8_t>(i);
  test::NistDrbg outer(ent);
  std::array<std::uint8_t, 48> seed{};
  outer.randombytes(seed.data(), seed.size());
  std::vector<std::uint8_t> msg(33);
  outer.randombytes(msg.data(), msg.size());
  test::NistDrbg inner(seed);
  std::array<std::uint8_t, kKeygenSeedBytes> kseed{};
  inner.randombytes(kseed.data(), kseed.size());
  Keys<P> k;
  std::vector<std::uint64_t> ws(Budget<P>::keygen_workspace_bytes / 8 + 1);
  EXPECT_EQ(keygen_internal<P>(std::span<std::uint8_t, P::pk_bytes>(k.pk.data(), P::pk_bytes),
                               std::span<std::uint8_t, P::sk_bytes>(k.sk.data(), P::sk_bytes), kseed,
                               std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(ws.data()), ws.size() * 8)),
            Status::ok);
  std::array<std::uint8_t, kNonceBytes> nonce{};
  std::array<std::uint8_t, kSignSeedBytes> sseed{};
  inner.randombytes(nonce.data(), nonce.size());
  inner.randombytes(sseed.data(), sseed.size());
  const auto sig = sign_with<P, F>(k, msg, nonce, sseed, fmt);
  std::vector<std::uint8_t> sm;
  if (fmt == Format::compressed) {
    const std::size_t L = sig.size() - kNonceBytes;  // header byte + s2
    sm = {static_cast<std::uint8_t>(L >> 8), static_cast<std::uint8_t>(L)};
    sm.insert(sm.end(), nonce.begin(), nonce.end());
    sm.insert(sm.end(), msg.begin(), msg.end());
    sm.push_back(static_cast<std::uint8_t>(0x20 + P::logn));
    sm.insert(sm.end(), sig.begin() + 1 + kNonceBytes, sig.end());
  } else {
    sm = sig;
    sm.insert(sm.end(), msg.begin(), msg.end());
  }
  std::string t = "count = 0\nseed = " + hexu(seed.data(), 48) + "\nmlen = 33\nmsg = " + hexu(msg.data(), 33) +
                  "\npk = " + hexu(k.pk.data(), P::pk_bytes) + "\nsk = " + hexu(k.sk.data(), P::sk_bytes) +
                  "\nsmlen = " + std::to_string(sm.size()) + "\nsm = " + hexu(sm.data(), sm.size()) + "\n";
  std::array<std::uint8_t, 32> h{};
  hash::Sha256::hash(h.data(), reinterpret_cast<const std::uint8_t*>(t.data()), t.size());
  std::string r = hexu(h.data(), 32);
  for (auto& c : r) c = static_cast<char>(std::tolower(c));
  return r;
}
template <class F>
void kat_single_all() {
  EXPECT_EQ((kat_single_digest<Falcon512, F>(Format::compressed)),
            "da27fe8a462de7307ddf1f9b00072a457d9c5b14e838c148fbe2662094b9a2ca");
  EXPECT_EQ((kat_single_digest<Falcon1024, F>(Format::compressed)),
            "e699d88eb214fef30597385f40814baeb84ac505d5f05f5c257b0726fc4530b8");
  EXPECT_EQ((kat_single_digest<Falcon512, F>(Format::padded)),
            "91842d41138e7cfaf6e2e8f12a03c3b3411302255121e4d07d02f91a003c0395");
  EXPECT_EQ((kat_single_digest<Falcon1024, F>(Format::padded)),
            "ddcc5683293388249e6fe85e992ea19d0986d34e060a44f82bc3db524a8c8390");
}
}  // namespace

TEST(FalconSign, NistKatSingleDigestsEmu) { kat_single_all<fpr::Emu>(); }
#if defined(PQCEA_FALCON_FPR_HAVE_NATIVE)
TEST(FalconSign, NistKatSingleDigestsNative) { kat_single_all<fpr::Native>(); }
#endif
