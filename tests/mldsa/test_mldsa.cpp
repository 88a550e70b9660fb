// ML-DSA API tests for every parameter set and both memory modes: round trips in every signing
// mode, the equivalences between modes (streaming mu, pre-hash digest, seed vs expanded key,
// fast vs low memory), and rejection of wrong inputs and of malformed signatures and keys.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "pqcea/mldsa.hpp"
#include "pqcea/rng/drbg.hpp"

using namespace pqcea;
using namespace pqcea::mldsa;

namespace {

template <class P_, Memory M_>
struct Cfg {
  using P = P_;
  static constexpr Memory M = M_;
};

// A deterministic RandomSource for reproducible tests.
class TestRng final : public rng::RandomSource {
 public:
  explicit TestRng(std::uint8_t seed) {
    std::array<std::uint8_t, 32> e{};
    e.fill(seed);
    if (drbg_.instantiate(e, {}, {}) != Status::ok) std::abort();
  }
  Status generate(std::span<std::uint8_t> out) override { return drbg_.generate(out); }

 private:
  rng::ShakeDrbg drbg_;
};

template <class C>
class MlDsa : public ::testing::Test {
 protected:
  using Params = typename C::P;
  static constexpr Memory kMem = C::M;
  using Sig = std::array<std::uint8_t, Params::sig_bytes>;

  void SetUp() override {
    for (std::size_t i = 0; i < xi_.size(); ++i) xi_[i] = static_cast<std::uint8_t>(i * 7 + 1);
    ASSERT_EQ((keygen_internal<Params, kMem>(pk_, sk_, xi_)), Status::ok);
    for (std::size_t i = 0; i < msg_.size(); ++i) msg_[i] = static_cast<std::uint8_t>(i * 13);
  }
  PrivateKey<Params> key() const { return PrivateKey<Params>::expanded(sk_); }
  Status verify_in(const Input& in, std::span<const std::uint8_t> s) const { return verify<Params, kMem>(pk_, in, s); }
  Sig sign_det(const Input& in) {
    Sig s{};
    EXPECT_EQ((sign_deterministic<Params, kMem>(s, key(), in)), Status::ok);
    return s;
  }

  std::array<std::uint8_t, 32> xi_{};
  std::array<std::uint8_t, Params::pk_bytes> pk_{};
  std::array<std::uint8_t, Params::sk_bytes> sk_{};
  std::array<std::uint8_t, 300> msg_{};
  const std::array<std::uint8_t, 5> ctx_{{'c', 't', 'x', '-', '1'}};
  const std::array<std::uint8_t, 5> ctx2_{{'c', 't', 'x', '-', '2'}};
};

using Configs = ::testing::Types<Cfg<MlDsa44, Memory::fast>, Cfg<MlDsa65, Memory::fast>, Cfg<MlDsa87, Memory::fast>,
                                 Cfg<MlDsa44, Memory::low>, Cfg<MlDsa65, Memory::low>, Cfg<MlDsa87, Memory::low>>;
TYPED_TEST_SUITE(MlDsa, Configs);

TYPED_TEST(MlDsa, PureRoundTripAndWrongContextOrMessage) {
  auto s = this->sign_det(Input::pure(this->msg_, this->ctx_));
  EXPECT_EQ(this->verify_in(Input::pure(this->msg_, this->ctx_), s), Status::ok);
  EXPECT_EQ(this->verify_in(Input::pure(this->msg_, this->ctx2_), s), Status::invalid_signature);
  EXPECT_EQ(this->verify_in(Input::pure(this->msg_), s), Status::invalid_signature);
  auto m2 = this->msg_;
  m2[17] ^= 1;
  EXPECT_EQ(this->verify_in(Input::pure(m2, this->ctx_), s), Status::invalid_signature);
  // The same bytes as HashML-DSA or internal M' are different messages.
  EXPECT_EQ(this->verify_in(Input::internal(this->msg_), s), Status::invalid_signature);
}

TYPED_TEST(MlDsa, ContextLengthLimits) {
  using P = typename TestFixture::Params;
  std::vector<std::uint8_t> c255(255, 0xA5), c256(256, 0xA5);
  auto s = this->sign_det(Input::pure(this->msg_, c255));
  EXPECT_EQ(this->verify_in(Input::pure(this->msg_, c255), s), Status::ok);
  typename TestFixture::Sig s2{};
  s2.fill(0x55);
  EXPECT_EQ((sign_deterministic<P, TestFixture::kMem>(s2, this->key(), Input::pure(this->msg_, c256))),
            Status::invalid_argument);
  EXPECT_EQ(s2, typename TestFixture::Sig{});  // zeroed on failure
  EXPECT_EQ(this->verify_in(Input::pure(this->msg_, c256), s), Status::invalid_argument);
}

TYPED_TEST(MlDsa, EveryPreHashRoundTripsAndIsBoundToItsHash) {
  using P = typename TestFixture::Params;
  for (std::size_t a = 0; a < kPreHashCount; ++a) {
    const auto alg = static_cast<PreHash>(a);
    SCOPED_TRACE(prehash_name(alg));
    auto s = this->sign_det(Input::prehash(alg, this->msg_, this->ctx_));
    EXPECT_EQ(this->verify_in(Input::prehash(alg, this->msg_, this->ctx_), s), Status::ok);
    const auto other = static_cast<PreHash>((a + 1) % kPreHashCount);
    EXPECT_EQ(this->verify_in(Input::prehash(other, this->msg_, this->ctx_), s), Status::invalid_signature);
    EXPECT_EQ(this->verify_in(Input::prehash(alg, this->msg_, this->ctx2_), s), Status::invalid_signature);
    EXPECT_EQ(this->verify_in(Input::pure(this->msg_, this->ctx_), s), Status::invalid_signature);
    // Streaming pre-hash in pieces, then signing the digest, gives the same signature.
    PreHasher ph(alg);
    ph.update(std::span<const std::uint8_t>(this->msg_).first(100));
    ph.update(std::span<const std::uint8_t>(this->msg_).subspan(100));
    std::vector<std::uint8_t> d(prehash_digest_bytes(alg));
    ASSERT_EQ(ph.finish(d), Status::ok);
    EXPECT_EQ(this->sign_det(Input::prehashed(alg, d, this->ctx_)), s);
    d.push_back(0);
    typename TestFixture::Sig s2{};
    EXPECT_EQ((sign_deterministic<P, TestFixture::kMem>(s2, this->key(), Input::prehashed(alg, d, this->ctx_))),
              Status::invalid_length);
  }
}

TYPED_TEST(MlDsa, InternalAndExternalMuAgreeWithStreamingMu) {
  using P = typename TestFixture::Params;
  // M' for pure ML-DSA, built by hand: 0 || |ctx| || ctx || M (FIPS 204 Alg. 2 step 10)
  std::vector<std::uint8_t> mp = {0x00, static_cast<std::uint8_t>(this->ctx_.size())};
  mp.insert(mp.end(), this->ctx_.begin(), this->ctx_.end());
  mp.insert(mp.end(), this->msg_.begin(), this->msg_.end());
  auto s_pure = this->sign_det(Input::pure(this->msg_, this->ctx_));
  EXPECT_EQ(this->sign_det(Input::internal(mp)), s_pure);
  EXPECT_EQ(this->verify_in(Input::internal(mp), s_pure), Status::ok);
  // mu streamed in pieces
  std::array<std::uint8_t, kTrBytes> tr{};
  public_key_hash<P>(tr, this->pk_);
  MuBuilder b;
  ASSERT_EQ(b.start_pure(tr, this->ctx_), Status::ok);
  for (std::size_t off = 0; off < this->msg_.size(); off += 37)
    b.update(std::span<const std::uint8_t>(this->msg_).subspan(off, std::min<std::size_t>(37, this->msg_.size() - off)));
  std::array<std::uint8_t, kMuBytes> mu{};
  b.finish(mu);
  EXPECT_EQ(this->sign_det(Input::external_mu(mu)), s_pure);
  EXPECT_EQ(this->verify_in(Input::external_mu(mu), s_pure), Status::ok);
  mu[0] ^= 1;
  EXPECT_EQ(this->verify_in(Input::external_mu(mu), s_pure), Status::invalid_signature);
}

TYPED_TEST(MlDsa, HedgedDiffersDeterministicRepeatsSeedKeyMatches) {
  using P = typename TestFixture::Params;
  constexpr Memory M = TestFixture::kMem;
  TestRng rng(3);
  typename TestFixture::Sig h1{}, h2{};
  ASSERT_EQ((sign<P, M>(h1, this->key(), Input::pure(this->msg_), rng)), Status::ok);
  ASSERT_EQ((sign<P, M>(h2, this->key(), Input::pure(this->msg_), rng)), Status::ok);
  EXPECT_NE(h1, h2);
  EXPECT_EQ(this->verify_in(Input::pure(this->msg_), h1), Status::ok);
  EXPECT_EQ(this->verify_in(Input::pure(this->msg_), h2), Status::ok);
  auto d1 = this->sign_det(Input::pure(this->msg_));
  EXPECT_EQ(this->sign_det(Input::pure(this->msg_)), d1);
  // Explicit all-zero rnd is the deterministic variant; a seed-form key signs identically.
  const std::array<std::uint8_t, 32> zero{};
  typename TestFixture::Sig d2{}, d3{};
  ASSERT_EQ((sign_internal<P, M>(d2, this->key(), Input::pure(this->msg_), zero)), Status::ok);
  EXPECT_EQ(d2, d1);
  ASSERT_EQ((sign_internal<P, M>(d3, PrivateKey<P>::seed(this->xi_), Input::pure(this->msg_), zero)), Status::ok);
  EXPECT_EQ(d3, d1);
}

TYPED_TEST(MlDsa, MemoryModesAgree) {
  using P = typename TestFixture::Params;
  constexpr Memory Other = TestFixture::kMem == Memory::fast ? Memory::low : Memory::fast;
  std::array<std::uint8_t, P::pk_bytes> pk2{};
  std::array<std::uint8_t, P::sk_bytes> sk2{};
  ASSERT_EQ((keygen_internal<P, Other>(pk2, sk2, this->xi_)), Status::ok);
  EXPECT_EQ(pk2, this->pk_);
  EXPECT_EQ(sk2, this->sk_);
  for (std::uint8_t r = 0; r < 4; ++r) {
    std::array<std::uint8_t, 32> rnd{};
    rnd.fill(r);
    typename TestFixture::Sig a{}, b{};
    ASSERT_EQ((sign_internal<P, TestFixture::kMem>(a, this->key(), Input::pure(this->msg_, this->ctx_), rnd)), Status::ok);
    ASSERT_EQ((sign_internal<P, Other>(b, this->key(), Input::pure(this->msg_, this->ctx_), rnd)), Status::ok);
    EXPECT_EQ(a, b);
    EXPECT_EQ((verify<P, Other>(this->pk_, Input::pure(this->msg_, this->ctx_), a)), Status::ok);
  }
}

TYPED_TEST(MlDsa, KeygenFromRandomSourceAndSeedForm) {
  using P = typename TestFixture::Params;
  constexpr Memory M = TestFixture::kMem;
  TestRng rng(9);
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::array<std::uint8_t, kSeedBytes> seed{};
  ASSERT_EQ((keygen_seed<P, M>(pk, seed, rng)), Status::ok);
  typename TestFixture::Sig s{};
  ASSERT_EQ((sign<P, M>(s, PrivateKey<P>::seed(seed), Input::pure(this->msg_), rng)), Status::ok);
  EXPECT_EQ((verify<P, M>(pk, Input::pure(this->msg_), s)), Status::ok);
  EXPECT_EQ(this->verify_in(Input::pure(this->msg_), s), Status::invalid_signature);  // other key
}

TYPED_TEST(MlDsa, MalformedSignaturesAreRejected) {
  using P = typename TestFixture::Params;
  const auto in = Input::pure(this->msg_);
  const auto good = this->sign_det(in);
  ASSERT_EQ(this->verify_in(in, good), Status::ok);
  const std::size_t h = P::sig_bytes - P::omega - P::k;  // hint field
  const std::size_t z = P::ctilde_bytes;                  // z field
  auto expect_bad = [&](const std::vector<std::uint8_t>& s, const char* what) {
    SCOPED_TRACE(what);
    EXPECT_NE(this->verify_in(in, s), Status::ok);
  };
  std::vector<std::uint8_t> s(good.begin(), good.end());
  // lengths
  expect_bad(std::vector<std::uint8_t>(s.begin(), s.end() - 1), "truncated");
  {
    auto t = s;
    t.push_back(0);
    expect_bad(t, "extended");
  }
  expect_bad({}, "empty");
  // c~ modified
  {
    auto t = s;
    t[0] ^= 0x80;
    expect_bad(t, "c~");
  }
  // z coefficient 0 encoded as gamma1 - z = 2^z_bits - 1 => z = gamma1 - 2^z_bits + 1: out of bound
  {
    auto t = s;
    t[z] = 0xFF;
    t[z + 1] = 0xFF;
    t[z + 2] |= static_cast<std::uint8_t>((1u << (P::z_bits - 16)) - 1u);
    expect_bad(t, "z out of bound (negative)");
  }
  {
    // z coefficient 0 = gamma1 - beta exactly (the bound is strict): value gamma1 - z = beta
    auto t = s;
    const std::uint32_t v = static_cast<std::uint32_t>(P::beta);
    t[z] = static_cast<std::uint8_t>(v);
    t[z + 1] = static_cast<std::uint8_t>(v >> 8);
    t[z + 2] = static_cast<std::uint8_t>((t[z + 2] & ~((1u << (P::z_bits - 16)) - 1u)) | (v >> 16));
    expect_bad(t, "z at the bound");
  }
  // hint counts: decreasing, above omega
  {
    auto t = s;
    t[h + P::omega + P::k - 1] = static_cast<std::uint8_t>(P::omega + 1);
    expect_bad(t, "hint count above omega");
  }
  {
    auto t = s;
    t[h + P::omega] = static_cast<std::uint8_t>(t[h + P::omega + 1] + 1);
    if (t[h + P::omega + 1] < P::omega) expect_bad(t, "hint counts decreasing");
  }
  // positions not strictly increasing within a row: give row 0 two equal positions
  {
    auto t = s;
    for (int i = 0; i < P::k; ++i) t[h + P::omega + i] = 2;  // row 0 holds entries 0,1; others none
    t[h + 0] = 5;
    t[h + 1] = 5;
    for (int i = 2; i < P::omega; ++i) t[h + i] = 0;
    expect_bad(t, "equal positions");
    t[h + 1] = 4;
    expect_bad(t, "decreasing positions");
  }
  // unused hint positions must be zero
  {
    auto t = s;
    const int used = t[h + P::omega + P::k - 1];
    if (used < P::omega) {
      t[h + P::omega - 1] = 1;
      expect_bad(t, "non-zero padding");
    }
  }
  // one hint bit more or less changes w1' (or the encoding): rejected
  {
    auto t = s;
    const int used = t[h + P::omega + P::k - 1];
    if (used > 0) {
      // drop the last hint of the last non-empty row
      for (int i = 0; i < P::k; ++i)
        if (t[h + P::omega + i] == used) t[h + P::omega + i] = static_cast<std::uint8_t>(used - 1);
      t[h + used - 1] = 0;
      expect_bad(t, "hint removed");
    }
  }
}

TYPED_TEST(MlDsa, MalformedKeys) {
  using P = typename TestFixture::Params;
  const auto in = Input::pure(this->msg_);
  const auto s = this->sign_det(in);
  // public key: wrong length, or altered rho / t1
  std::vector<std::uint8_t> pk(this->pk_.begin(), this->pk_.end());
  EXPECT_EQ((verify<P, TestFixture::kMem>(std::span<const std::uint8_t>(pk).first(pk.size() - 1), in, s)),
            Status::invalid_key);
  pk.push_back(0);
  EXPECT_EQ((verify<P, TestFixture::kMem>(pk, in, s)), Status::invalid_key);
  pk.pop_back();
  pk[3] ^= 1;
  EXPECT_EQ((verify<P, TestFixture::kMem>(pk, in, s)), Status::invalid_signature);
  pk[3] ^= 1;
  pk[P::pk_bytes - 1] ^= 0x40;
  EXPECT_EQ((verify<P, TestFixture::kMem>(pk, in, s)), Status::invalid_signature);
  // private key: s1 coefficient code above 2 eta
  EXPECT_EQ(check_private_key<P>(this->key()), Status::ok);
  EXPECT_EQ(check_private_key<P>(PrivateKey<P>::seed(this->xi_)), Status::ok);
  auto bad = this->sk_;
  bad[128] |= static_cast<std::uint8_t>((1u << P::eta_bits) - 1u);  // first s1 code = 2^bits - 1 > 2 eta
  EXPECT_EQ(check_private_key<P>(PrivateKey<P>::expanded(bad)), Status::invalid_key);
  auto bad2 = this->sk_;
  bad2[P::sk_bytes - 32 * 13 * P::k - 1] |= 0xF0;  // last s2 byte: top code(s) out of range
  EXPECT_EQ(check_private_key<P>(PrivateKey<P>::expanded(bad2)), Status::invalid_key);
}

}  // namespace

// The known answers firmware/tests/target_mldsa.cpp checks on the Cortex-M33, computed here on the
// host from the same inputs: xi = 00..1f, message 3 i (i < 64), context "target", deterministic.
#include "pqcea/hash/keccak.hpp"
namespace {
template <class P, Memory M>
void target_known_answer(const char* keys_hex, const char* sig_hex) {
  std::array<std::uint8_t, 32> xi{};
  for (int i = 0; i < 32; ++i) xi[i] = static_cast<std::uint8_t>(i);
  std::array<std::uint8_t, 64> msg{};
  for (int i = 0; i < 64; ++i) msg[i] = static_cast<std::uint8_t>(3 * i);
  const std::uint8_t ctx[6] = {'t', 'a', 'r', 'g', 'e', 't'};
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::array<std::uint8_t, P::sk_bytes> sk{};
  std::array<std::uint8_t, P::sig_bytes> sig{};
  ASSERT_EQ((keygen_internal<P, M>(pk, sk, xi)), Status::ok);
  ASSERT_EQ((sign_deterministic<P, M>(sig, PrivateKey<P>::expanded(sk), Input::pure(msg, ctx))), Status::ok);
  auto hex = [](const std::uint8_t* d) {
    std::string s;
    for (int i = 0; i < 32; ++i) {
      char b[3];
      std::snprintf(b, sizeof b, "%02x", d[i]);
      s += b;
    }
    return s;
  };
  pqcea::hash::Sha3_256 h;
  h.update(pk.data(), pk.size());
  h.update(sk.data(), sk.size());
  std::uint8_t d[32];
  h.final(d);
  EXPECT_EQ(hex(d), keys_hex);
  pqcea::hash::Sha3_256::hash(d, sig.data(), sig.size());
  EXPECT_EQ(hex(d), sig_hex);
}
}  // namespace
TEST(MlDsaTargetKnownAnswers, SameAsOnTheCortexM33) {
  const char* k44 = "13f879d1467819ce257611a985ba3b4475bf3f73143621437bfb7676670e9692";
  const char* s44 = "60e62ee055ce404d8bd5c4ef8f14c186ad555bb75546d0f0d829849da1c964eb";
  const char* k65 = "ab8ba472fde4daae190c03d8f26f63bb8bfd0f6dfd09ebbe637b357aecf34f4a";
  const char* s65 = "1aa22cb5d50f7f9c1ddd3e9fdf3602fdac2354264a60afbf6cf6b45ed353516e";
  const char* k87 = "35c1b5c4b9faf6ae7a7e412c72993ee51f307f4ffc2b826137e3064af2a41805";
  const char* s87 = "44245e65adacb95947fa2968e605996e4ce23c8ea32eea28ea8431b0dc3fe247";
  target_known_answer<MlDsa44, Memory::fast>(k44, s44);
  target_known_answer<MlDsa44, Memory::low>(k44, s44);
  target_known_answer<MlDsa65, Memory::fast>(k65, s65);
  target_known_answer<MlDsa65, Memory::low>(k65, s65);
  target_known_answer<MlDsa87, Memory::fast>(k87, s87);
  target_known_answer<MlDsa87, Memory::low>(k87, s87);
}
