// Falcon key generation: exact algebraic checks (f G - g F = q over the integers, h f = g mod q),
// bounds, determinism, constant-time helper units (binary GCD), and agreement with an
// independent implementation on fixed seeds (digests recorded below).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cctype>
#include <cstdlib>
#include <type_traits>
#include <string>
#include <vector>

#include "pqcea/falcon.hpp"
#include "falcon/keygen.hpp"
#include "falcon/codec.hpp"
#include "falcon/ntru_solve.hpp"
#include "falcon/ntt.hpp"
#include "pqcea/falcon.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"
#include "nist_drbg.hpp"
#include "pqcea/host/hex.hpp"

namespace {

using namespace pqcea;
using namespace pqcea::falcon;

std::string hex(const std::uint8_t* p, std::size_t n) { return host::hex_encode(std::span<const std::uint8_t>(p, n)); }

template <class P>
struct KeyPair {
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::array<std::uint8_t, P::sk_bytes> sk{};
};

template <class P, class Fpr = void>
KeyPair<P> make_keys(std::span<const std::uint8_t> seed) {
  KeyPair<P> kp;
  // Exactly the published budget: the keygen must fit in it.
  std::vector<std::uint64_t> ws((Budget<P>::keygen_workspace_bytes + 7) / 8);
  const auto call = [&](auto pk, auto sk, auto sd, auto w) {
    if constexpr (std::is_void_v<Fpr>) return keygen_internal<P>(pk, sk, sd, w);
    else return pqcea::falcon::detail::keygen_with<P, Fpr>(pk, sk, sd, w);
  };
  const Status st = call(std::span<std::uint8_t, P::pk_bytes>(kp.pk), std::span<std::uint8_t, P::sk_bytes>(kp.sk),
                                       seed, std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(ws.data()), ws.size() * 8));
  EXPECT_EQ(st, Status::ok);
  return kp;
}

template <class P>
std::string digest(const KeyPair<P>& kp) {
  hash::Sha256Family<32> h;
  h.update(kp.pk.data(), kp.pk.size());
  h.update(kp.sk.data(), kp.sk.size());
  std::uint8_t d[32];
  h.final(d);
  return hex(d, 32);
}

std::vector<std::uint8_t> counting_seed() {
  std::vector<std::uint8_t> s(48);
  for (std::size_t i = 0; i < 48; ++i) s[i] = static_cast<std::uint8_t>(i);
  return s;
}

// The keygen seed of NIST KAT record i: the outer DRBG (entropy 00..2F) gives seed_i then msg_i
// (33 (i + 1) bytes); the DRBG instantiated with seed_i gives one 48-byte request (KAT_DIGESTS.md).
std::vector<std::uint8_t> kat_keygen_seed(int record) {
  std::array<std::uint8_t, 48> ent{};
  for (std::size_t i = 0; i < 48; ++i) ent[i] = static_cast<std::uint8_t>(i);
  pqcea::test::NistDrbg outer(ent);
  std::array<std::uint8_t, 48> seed{};
  for (int i = 0; i <= record; ++i) {
    outer.randombytes(seed.data(), 48);
    std::vector<std::uint8_t> msg(33 * static_cast<std::size_t>(i + 1));
    outer.randombytes(msg.data(), msg.size());
  }
  pqcea::test::NistDrbg inner(seed);
  std::vector<std::uint8_t> ks(48);
  inner.randombytes(ks.data(), 48);
  return ks;
}

// SHA-256(pk || sk) of the key pairs that @noble/post-quantum 0.7.1 (an independent round-3
// Falcon in TypeScript, bigint NTRU solver) produces from the same 48-byte seeds:
// `falcon512.keygen(seed)`; index = KAT record.
const char* const kNoble512[] = {
    "15e22f5a8071353be3e31fa19b9d45d59dadcd1a442fbebf913e9cbc0d621cd1",
    "4ed00ec69b39455a15fda29b94d3935a3b7398e93d3e68a3e78e0fc39924127b",
    "40dc3ebdabe9820f9f4eed27736868c29d2c3773e1f83bb4f5d34d27b4cf883e",
    "b02e75720af74a06d1f8ec4e6fccc3dc5aa94f4d557f5a92cc7f3131ed6accba",
    "bfcef3097e428970464b2cc365ec30f05159f77daaf07605b36c7a105ad2229d",
    "ff9e80d92aa615033e9e65e3e830e35df35ee11c221ac2bdcb26c218e6d7cfff",
    "19e7386a1fbdf0bfdb1b54905c9a5eea113fdc46c1394d8aa0c35a1f8beb036e",
    "8e5a81fa6247fbdcd7cb84923bf9ea4018d9a6e79f6c7f9d24a9521606fe7c17",
    "e1646b747746d9d8e810741d35c7411582e543a8ee286ba86f4caebaaaccf63b",
    "3b530df4f497323e4a3e6f067b0e4e8e8f410f867db0a8da5dedeba6539d3dda",
};
const char* const kNoble1024[] = {
    "8738a7cb53108c59e6390b12a11d76dd45494ac7c44e3cae621cc52afe21fe2a",
    "cd46b226f9a3eb706dcbff53474b5dc7fabb25ee2fc9ea5c01257da8fd8bc7b1",
    "168f5422d4fb436ae5f25f8e4f12d9f8630250d7cdb6df463a13293a425c3093",
    "f35c3034eacc236c7cd0b35306d528287bf786fd4ccf7144da6464f395e515e6",
    "96089e861f83a38a66f4f01ca99120ec58692ac475af1560ac0f20328f0b6930",
};
// The same tool on the counting seed 00 01 .. 2F.
constexpr const char* kNobleCounting512 = "e76a287ea9c9e5cc5d72f2e2a3a673c3db291ee29089f5796d31d996d07cd9b6";
constexpr const char* kNobleCounting1024 = "b7ddf2474709b55f101c0b9316eb72f16c1bbe331b9bef968d486a283e9b7c03";

// pk of record count = 0 of the official NIST round-3 falcon512-KAT.rsp (carried over).
// (tests/falcon/falcon_vectors.hpp kKat512Pk is a different key: 09 AF F0 A3 ...)
constexpr const char* kKat512Record0Pk =
    "096BA86CB658A8F445C9A5E4C28374BEC879C8655F68526923240918074D0147C03162E4A49200648C652803C6FD7509"
    "AE9AA799D6310D0BD42724E0635920186207000767CA5A8546B1755308C304B84FC93B069E265985B398D6B834698287"
    "FF829AA820F17A7F4226AB21F601EBD7175226BAB256D8888F009032566D6383D68457EA155A94301870D589C678ED30"
    "4259E9D37B193BC2A7CCBCBEC51D69158C44073AEC9792630253318BC954DBF50D15028290DC2D309C7B7B02A6823744"
    "D463DA17749595CB77E6D16D20D1B4C3AAD89D320EBE5A672BB96D6CD5C1EFEC8B811200CBB062E473352540EDDEF8AF"
    "9499F8CDD1DC7C6873F0C7A6BCB7097560271F946849B7F373640BB69CA9B518AA380A6EB0A7275EE84E9C221AED88F5"
    "BFBAF43A3EDE8E6AA42558104FAF800E018441930376C6F6E751569971F47ADBCA5CA00C801988F317A18722A2929892"
    "5EA154DBC9024E120524A2D41DC0F18FD8D909F6C50977404E201767078BA9A1F9E40A8B2BA9C01B7DA3A0B73A4C2A6B"
    "4F518BBEE3455D0AF2204DDC031C805C72CCB647940B1E6794D859AAEBCEA0DEB581D61B9248BD9697B5CB974A8176E8"
    "F910469CAE0AB4ED92D2AEE9F7EB50296DAF8057476305C1189D1D9840A0944F0447FB81E511420E67891B98FA6C2570"
    "34D5A063437D379177CE8D3FA6EAF12E2DBB7EB8E498481612B1929617DA5FB45E4CDF893927D8BA842AA861D9C50471"
    "C6D0C6DF7E2BB26465A0EB6A3A709DE792AAFAAF922AA95DD5920B72B4B8856C6E632860B10F5CC08450003671AF3889"
    "61872B466400ADB815BA81EA794945D19A100622A6CA0D41C4EA620C21DC125119E372418F04402D9FA7180F7BC89AFA"
    "54F8082244A42F46E5B5ABCE87B50A7D6FEBE8D7BBBAC92657CBDA1DB7C25572A4C1D0BAEA30447A865A2B1036B88003"
    "7E2F4D26D453E9E913259779E9169B28A62EB809A5C744E04E260E1F2BBDA874F1AC674839DDB47B3148C5946DE01801"
    "48B7973D63C58193B17CD05D16E80CD7928C2A338363A23A81C0608C87505589B9DA1C617E7B70786B6754FBB30A5816"
    "810B9E126CFCC5AA49326E9D842973874B6359B5DB75610BA68A98C7B5E83F125A82522E13B83FB8F864E2A97B73B5D5"
    "44A7415B6504A13939EAB1595D64FAF41FAB25A864A574DE524405E878339877886D2FC07FA0311508252413EDFA1158"
    "466667AFF78386DAF7CB4C9B850992F96E20525330599AB601D454688E294C8C3E";

TEST(FalconKeygen, Record0PublicKeyIsTheNistKat512) {
  const auto kp = make_keys<Falcon512>(kat_keygen_seed(0));
  std::string want(kKat512Record0Pk);
  for (auto& c : want) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(hex(kp.pk.data(), kp.pk.size()), want);
}

TEST(FalconKeygen, MatchesIndependentImplementation512) {
  for (int i = 0; i < 10; ++i) EXPECT_EQ(digest(make_keys<Falcon512>(kat_keygen_seed(i))), kNoble512[i]) << "record " << i;
  EXPECT_EQ(digest(make_keys<Falcon512>(counting_seed())), kNobleCounting512);
}

TEST(FalconKeygen, MatchesIndependentImplementation1024) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(digest(make_keys<Falcon1024>(kat_keygen_seed(i))), kNoble1024[i]) << "record " << i;
  EXPECT_EQ(digest(make_keys<Falcon1024>(counting_seed())), kNobleCounting1024);
}

// The integer-emulated binary64 (the portable / Cortex-M path) gives the same keys.
TEST(FalconKeygen, EmulatedFloatingPointGivesTheSameKeys) {
  EXPECT_EQ(digest(make_keys<Falcon512, pqcea::falcon::fpr::Emu>(kat_keygen_seed(0))), kNoble512[0]);
  EXPECT_EQ(digest(make_keys<Falcon512, pqcea::falcon::fpr::Emu>(kat_keygen_seed(3))), kNoble512[3]);
  EXPECT_EQ(digest(make_keys<Falcon1024, pqcea::falcon::fpr::Emu>(kat_keygen_seed(1))), kNoble1024[1]);
}

// Exact checks on a decoded key: f G - g F = q over Z[x]/(x^n + 1) (G recomputed by the solver
// and cross-checked against mq::compute_G), h f = g mod q, coefficient bounds and norms.
template <class P>
void check_key_algebra(const KeyPair<P>& kp) {
  constexpr std::size_t n = P::n;
  std::array<std::int8_t, n> f{}, g{}, F{}, G{}, G2{};
  std::array<std::uint16_t, n> h{}, t1{}, t2{};
  ASSERT_EQ((codec::decode_private_key<P>(f, g, F, kp.sk)), Status::ok);
  ASSERT_EQ((codec::decode_public_key<P>(h, kp.pk)), Status::ok);
  ASSERT_TRUE(mq::compute_G(G, f, g, F, t1, t2));
  // The solver on the decoded (f, g) reproduces F and gives the same G.
  std::vector<std::uint32_t> ws(ntru::workspace_words(P::logn) + 2);
  std::array<std::int8_t, n> F3{};
  ASSERT_TRUE(ntru::solve<pqcea::falcon::fpr::Default>(P::logn, F3.data(), G2.data(), f.data(), g.data(), ws));
  EXPECT_EQ(F3, F);
  EXPECT_EQ(G2, G);
  // f G - g F over the integers, negacyclic.
  std::vector<std::int64_t> r(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const std::int64_t v = std::int64_t{f[i]} * G[j] - std::int64_t{g[i]} * F[j];
      if (i + j < n) r[i + j] += v;
      else r[i + j - n] -= v;
    }
  EXPECT_EQ(r[0], 12289);
  for (std::size_t i = 1; i < n; ++i) ASSERT_EQ(r[i], 0) << i;
  // h f = g mod q
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t acc = 0;
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t k = (i + n - j) % n;  // h_j f_k contributes to i = j + k
      const std::int64_t v = std::int64_t{h[j]} * f[k];
      acc += (j + k < n) ? v : -v;
    }
    ASSERT_EQ(((acc - g[i]) % 12289 + 12289) % 12289, 0) << i;
  }
  const int lim = 1 << (P::fg_bits - 1);
  std::int64_t norm = 0;
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_LT(std::abs(f[i]), lim);
    EXPECT_LT(std::abs(g[i]), lim);
    EXPECT_LE(std::abs(F[i]), 127);
    EXPECT_LE(std::abs(G[i]), 127);
    norm += f[i] * f[i] + g[i] * g[i];
  }
  EXPECT_LT(norm, 16823);
  // Sum of coefficients of f and g is odd (resultants odd).
  int sf = 0, sg = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sf += f[i];
    sg += g[i];
  }
  EXPECT_NE(sf & 1, 0);
  EXPECT_NE(sg & 1, 0);
}

TEST(FalconKeygen, KeyAlgebra512) {
  for (int i = 0; i < 3; ++i) check_key_algebra(make_keys<Falcon512>(kat_keygen_seed(i)));
}
TEST(FalconKeygen, KeyAlgebra1024) { check_key_algebra(make_keys<Falcon1024>(kat_keygen_seed(0))); }

TEST(FalconKeygen, DeterministicFromTheSeed) {
  const auto s = kat_keygen_seed(2);
  const auto a = make_keys<Falcon512>(s), b = make_keys<Falcon512>(s);
  EXPECT_EQ(a.pk, b.pk);
  EXPECT_EQ(a.sk, b.sk);
  auto s2 = s;
  s2[47] ^= 1;
  const auto c = make_keys<Falcon512>(s2);
  EXPECT_NE(a.pk, c.pk);
  EXPECT_NE(a.sk, c.sk);
}

// keygen() draws exactly one 48-byte request and uses it as the seed.
class Counting : public pqcea::rng::RandomSource {
 public:
  pqcea::Status generate(std::span<std::uint8_t> out) override {
    ++calls;
    last = out.size();
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(i);
    return pqcea::Status::ok;
  }
  int calls = 0;
  std::size_t last = 0;
};
class Failing : public pqcea::rng::RandomSource {
 public:
  pqcea::Status generate(std::span<std::uint8_t>) override { return pqcea::Status::entropy_failure; }
};

TEST(FalconKeygen, RandomizedFormUsesOne48ByteRequest) {
  Counting rng;
  KeyPair<Falcon512> kp;
  std::vector<std::uint64_t> ws((Budget<Falcon512>::keygen_workspace_bytes + 7) / 8);
  const std::span<std::uint8_t> w(reinterpret_cast<std::uint8_t*>(ws.data()), ws.size() * 8);
  ASSERT_EQ(keygen<Falcon512>(kp.pk, kp.sk, rng, w), Status::ok);
  EXPECT_EQ(rng.calls, 1);
  EXPECT_EQ(rng.last, 48u);
  EXPECT_EQ(digest(kp), kNobleCounting512);
  Failing bad;
  EXPECT_EQ(keygen<Falcon512>(kp.pk, kp.sk, bad, w), Status::entropy_failure);
}

TEST(FalconKeygen, WorkspaceChecks) {
  KeyPair<Falcon512> kp;
  std::vector<std::uint64_t> ws((Budget<Falcon512>::keygen_workspace_bytes + 15) / 8);
  const auto seed = counting_seed();
  auto* base = reinterpret_cast<std::uint8_t*>(ws.data());
  EXPECT_EQ(keygen_internal<Falcon512>(kp.pk, kp.sk, seed, std::span<std::uint8_t>(base, 4096)), Status::buffer_too_small);
  EXPECT_EQ(keygen_internal<Falcon512>(kp.pk, kp.sk, seed,
                                       std::span<std::uint8_t>(base + 4, Budget<Falcon512>::keygen_workspace_bytes)),
            Status::invalid_argument);
  // The workspace is wiped on return.
  ASSERT_EQ(keygen_internal<Falcon512>(kp.pk, kp.sk, seed, std::span<std::uint8_t>(base, Budget<Falcon512>::keygen_workspace_bytes)),
            Status::ok);
  std::uint8_t any = 0;
  for (std::size_t i = 0; i < Budget<Falcon512>::keygen_workspace_bytes; ++i) any |= base[i];
  EXPECT_EQ(any, 0);
}

TEST(FalconKeygen, WorkspaceBoundHolds) {
  for (unsigned logn = 1; logn <= 10; ++logn) {
    EXPECT_LE(ntru::workspace_words(logn), ntru::workspace_words_bound(logn)) << logn;
  }
}

// NTRUSolve rejects (f, g) without a solution: g = f (the resultants are equal, not coprime),
// and an f whose coefficient sum is even (even resultant: the binary GCD needs odd inputs).
TEST(FalconKeygen, SolverRejectsUnsolvablePairs) {
  const auto kp = make_keys<Falcon512>(counting_seed());
  std::array<std::int8_t, 512> f{}, g{}, F{}, G{};
  ASSERT_EQ((codec::decode_private_key<Falcon512>(f, g, F, kp.sk)), Status::ok);
  std::vector<std::uint32_t> ws(ntru::workspace_words(9) + 2);
  using D = pqcea::falcon::fpr::Default;
  EXPECT_TRUE(ntru::solve<D>(9, F.data(), G.data(), f.data(), g.data(), ws));
  EXPECT_FALSE(ntru::solve<D>(9, F.data(), G.data(), f.data(), f.data(), ws));
  auto f2 = f;
  f2[0] = static_cast<std::int8_t>(f2[0] + 1);
  EXPECT_FALSE(ntru::solve<D>(9, F.data(), G.data(), f2.data(), g.data(), ws));
  // A too-small workspace is refused, not overrun.
  std::vector<std::uint32_t> small(16);
  EXPECT_FALSE(ntru::solve<D>(9, F.data(), G.data(), f.data(), g.data(), small));
}

// Small degrees exercise every level of the solver quickly: random f, g with odd sums; whenever
// the solver succeeds the equation must hold exactly.
TEST(FalconKeygen, SolverSmallDegrees) {
  using D = pqcea::falcon::fpr::Default;
  std::uint32_t state = 12345;
  int a = 1;
  auto next = [&]() {
    state = state * 1103515245u + 12345u;
    return static_cast<int>((state >> 16) % static_cast<std::uint32_t>(2 * a + 1)) - a;
  };
  int solved = 0;
  for (unsigned logn = 3; logn <= 6; ++logn) {
    const std::size_t n = std::size_t{1} << logn;
    // Uniform in [-a, a] with the standard deviation of Falcon's f, g at this degree,
    // 1.17 sqrt(q / 2n), so that |F|, |G| <= 127 is usually met (as at n = 512, 1024).
    const int a_by_logn[7] = {0, 0, 0, 55, 39, 28, 19};
    a = a_by_logn[logn];
    std::vector<std::uint32_t> ws(ntru::workspace_words(logn) + 2);
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<std::int8_t> f(n), g(n), F(n), G(n);
      int sf = 0, sg = 0;
      for (std::size_t i = 0; i < n; ++i) {
        f[i] = static_cast<std::int8_t>(next());
        g[i] = static_cast<std::int8_t>(next());
        sf += f[i];
        sg += g[i];
      }
      if ((sf & 1) == 0) f[0] = static_cast<std::int8_t>(f[0] + 1);
      if ((sg & 1) == 0) g[0] = static_cast<std::int8_t>(g[0] + 1);
      if (!ntru::solve<D>(logn, F.data(), G.data(), f.data(), g.data(), ws)) continue;
      ++solved;
      std::vector<std::int64_t> r(n, 0);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
          const std::int64_t v = std::int64_t{f[i]} * G[j] - std::int64_t{g[i]} * F[j];
          if (i + j < n) r[i + j] += v;
          else r[i + j - n] -= v;
        }
      EXPECT_EQ(r[0], 12289) << logn;
      for (std::size_t i = 1; i < n; ++i) EXPECT_EQ(r[i], 0) << logn;
    }
  }
  EXPECT_GT(solved, 20);
}

// The constant-time binary extended GCD on its own.
TEST(FalconKeygen, BezoutSmallAndMultiword) {
  std::uint32_t u[3], v[3], tmp[12];  // tmp: 6 len words
  {
    const std::uint32_t x[1] = {35}, y[1] = {9};
    ASSERT_TRUE(ntru::detail::bezout(u, v, x, y, 1, tmp));
    EXPECT_EQ(std::int64_t{35} * u[0] - std::int64_t{9} * v[0], 1);
    const std::uint32_t x2[1] = {15};
    EXPECT_FALSE(ntru::detail::bezout(u, v, x2, y, 1, tmp));  // gcd 3
    const std::uint32_t x3[1] = {14};
    EXPECT_FALSE(ntru::detail::bezout(u, v, x3, y, 1, tmp));  // even input
  }
  // Two-word values (below 2^59: non-negative with the room the function asks for).
  std::uint64_t state = 0x9E3779B97F4A7C15u;
  int coprime = 0;
  for (int t = 0; t < 200; ++t) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const std::uint64_t X = (state >> 5) | 1, Y = ((state * 0x2545F4914F6CDD1Du) >> 5) | 1;
    const std::uint32_t x[2] = {static_cast<std::uint32_t>(X & 0x7FFFFFFF), static_cast<std::uint32_t>(X >> 31)};
    const std::uint32_t y[2] = {static_cast<std::uint32_t>(Y & 0x7FFFFFFF), static_cast<std::uint32_t>(Y >> 31)};
    std::uint64_t a = X, b = Y;
    while (b != 0) {
      const std::uint64_t r = a % b;
      a = b;
      b = r;
    }
    const bool ok = ntru::detail::bezout(u, v, x, y, 2, tmp);
    ASSERT_EQ(ok, a == 1) << X << " " << Y;
    if (!ok) continue;
    ++coprime;
    const unsigned __int128 U = (static_cast<unsigned __int128>(u[1]) << 31) | u[0];
    const unsigned __int128 V = (static_cast<unsigned __int128>(v[1]) << 31) | v[0];
    EXPECT_EQ(static_cast<unsigned __int128>(X) * U - static_cast<unsigned __int128>(Y) * V, 1u);
    EXPECT_LT(U, Y);
    EXPECT_LT(V, X);
  }
  EXPECT_GT(coprime, 50);
}

// The batched GCD against the one-step-per-pass one on larger values (up to 40 words), including
// values of very different sizes and a common factor.
TEST(FalconKeygen, BezoutBatchedMatchesBitwise) {
  std::uint64_t state = 0x0123456789ABCDEFu;
  auto word = [&]() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<std::uint32_t>(state) & 0x7FFFFFFFu;
  };
  int agree = 0, coprime = 0;
  for (std::size_t len : {3u, 7u, 20u, 40u}) {
    for (int t = 0; t < 12; ++t) {
      std::vector<std::uint32_t> x(len), y(len), u1(len), v1(len), u2(len), v2(len), tmp(6 * len);
      const std::size_t xl = t % 3 == 0 ? 1 + len / 3 : len;  // sometimes much shorter x
      for (std::size_t i = 0; i < len; ++i) {
        x[i] = i < xl ? word() : 0;
        y[i] = word();
      }
      x[xl - 1] &= 0x0FFFFFFFu;  // below 2^(31 len - 3)
      y[len - 1] &= 0x0FFFFFFFu;
      x[0] |= 1;
      y[0] |= 1;
      if (t == 5) {  // common factor 3: x = 3 x', y = 3 y' (still odd)
        std::uint64_t cx = 0, cy = 0;
        for (std::size_t i = 0; i < len; ++i) {
          x[i] &= 0x1FFFFFFF;
          y[i] &= 0x1FFFFFFF;
        }
        for (std::size_t i = 0; i < len; ++i) {
          cx += static_cast<std::uint64_t>(x[i]) * 3;
          x[i] = static_cast<std::uint32_t>(cx) & 0x7FFFFFFFu;
          cx >>= 31;
          cy += static_cast<std::uint64_t>(y[i]) * 3;
          y[i] = static_cast<std::uint32_t>(cy) & 0x7FFFFFFFu;
          cy >>= 31;
        }
      }
      const bool a = ntru::detail::bezout(u1.data(), v1.data(), x.data(), y.data(), len, tmp.data());
      const bool b = ntru::detail::bezout_bitwise(u2.data(), v2.data(), x.data(), y.data(), len, tmp.data());
      ASSERT_EQ(a, b) << len << " " << t;
      if (t == 5) {
        EXPECT_FALSE(a);
      }
      if (!a) continue;
      ++coprime;
      // Both solutions are the unique one with 0 <= u < y.
      if (u1 == u2 && v1 == v2) ++agree;
    }
  }
  EXPECT_GT(coprime, 20);
  EXPECT_EQ(agree, coprime);
}

}  // namespace
