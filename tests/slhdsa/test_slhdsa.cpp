// SLH-DSA (FIPS 205) API tests: round trips for every parameter set (pure with context,
// HashSLH-DSA, internal), deterministic and hedged signing, rejection of wrong messages, contexts,
// pre-hash functions, altered signatures (in every part: R, FORS, every hypertree layer), wrong
// signature and key lengths, bad inputs, and key-pair consistency.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "pqcea/hash/backend.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/slhdsa.hpp"
#include "pqcea/host/hex.hpp"

using namespace pqcea;
using namespace pqcea::slhdsa;

namespace {

// A deterministic RandomSource (counter bytes) so failures reproduce.
class CounterRng final : public rng::RandomSource {
 public:
  explicit CounterRng(std::uint8_t start) : next_(start) {}
  Status generate(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = next_++;
    return Status::ok;
  }

 private:
  std::uint8_t next_;
};

class FailingRng final : public rng::RandomSource {
 public:
  Status generate(std::span<std::uint8_t>) override { return Status::entropy_failure; }
};

template <class P>
struct Keys {
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::array<std::uint8_t, P::sk_bytes> sk{};
  explicit Keys(std::uint8_t seed) {
    CounterRng rng(seed);
    EXPECT_EQ(keygen<P>(pk, sk, rng), Status::ok);
  }
};

std::vector<std::uint8_t> bytes(std::size_t n, std::uint8_t mul) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * mul + 1);
  return v;
}

// The full check every parameter set gets once: keys, pure signing with a context (deterministic:
// identical to sign_internal on the M' of Alg. 22 built by hand, and to addrnd = PK.seed),
// verification, and rejection of a wrong message, context, interface and flipped signature bits.
template <class P>
void round_trip() {
  SCOPED_TRACE(P::name);
  Keys<P> k(0x10);
  // keygen puts PK.seed || PK.root at the end of sk and in pk (FIPS 205 Alg. 18 step 4).
  EXPECT_EQ(0, std::memcmp(k.pk.data(), k.sk.data() + 2 * P::n, P::pk_bytes));
  EXPECT_EQ(check_key_pair<P>(k.sk), Status::ok);

  const auto msg = bytes(200, 7);
  const auto ctx = bytes(17, 3);
  std::vector<std::uint8_t> sig(P::sig_bytes);
  const std::span<std::uint8_t, P::sig_bytes> s(sig.data(), P::sig_bytes);
  ASSERT_EQ(sign_deterministic<P>(s, k.sk, Input::pure(msg, ctx)), Status::ok);
  EXPECT_EQ(verify<P>(k.pk, Input::pure(msg, ctx), sig), Status::ok);

  // The same signature from the internal interface on M' = 0x00 || |ctx| || ctx || M.
  std::vector<std::uint8_t> mprime = {0x00, static_cast<std::uint8_t>(ctx.size())};
  mprime.insert(mprime.end(), ctx.begin(), ctx.end());
  mprime.insert(mprime.end(), msg.begin(), msg.end());
  std::vector<std::uint8_t> sig2(P::sig_bytes);
  const std::span<std::uint8_t, P::sig_bytes> s2(sig2.data(), P::sig_bytes);
  const std::span<const std::uint8_t, P::n> pk_seed(k.pk.data(), P::n);
  ASSERT_EQ(sign_internal<P>(s2, k.sk, Input::internal(mprime), pk_seed), Status::ok);
  EXPECT_EQ(sig, sig2);
  EXPECT_EQ(verify<P>(k.pk, Input::internal(mprime), sig), Status::ok);

  // Rejections.
  auto other = msg;
  other[5] ^= 0x20;
  EXPECT_EQ(verify<P>(k.pk, Input::pure(other, ctx), sig), Status::invalid_signature);
  auto other_ctx = ctx;
  other_ctx[0] ^= 1;
  EXPECT_EQ(verify<P>(k.pk, Input::pure(msg, other_ctx), sig), Status::invalid_signature);
  EXPECT_EQ(verify<P>(k.pk, Input::pure(msg), sig), Status::invalid_signature);
  EXPECT_EQ(verify<P>(k.pk, Input::internal(msg), sig), Status::invalid_signature);
  EXPECT_EQ(verify<P>(k.pk, Input::prehash(PreHash::sha2_256, msg, ctx), sig), Status::invalid_signature);
  for (std::size_t pos : {std::size_t{0}, P::n, P::n + P::fors_sig_bytes, P::sig_bytes - 1}) {
    sig[pos] ^= 0x80;
    EXPECT_EQ(verify<P>(k.pk, Input::pure(msg, ctx), sig), Status::invalid_signature) << "byte " << pos;
    sig[pos] ^= 0x80;
  }
  auto pk2 = k.pk;
  pk2[P::n] ^= 1;  // PK.root
  EXPECT_EQ(verify<P>(pk2, Input::pure(msg, ctx), sig), Status::invalid_signature);
  pk2 = k.pk;
  pk2[0] ^= 1;  // PK.seed
  EXPECT_EQ(verify<P>(pk2, Input::pure(msg, ctx), sig), Status::invalid_signature);
  EXPECT_EQ(verify<P>(k.pk, Input::pure(msg, ctx), sig), Status::ok);
}

// Fast ("f") sets: more modes.
template <class P>
void modes() {
  SCOPED_TRACE(P::name);
  Keys<P> k(0x40);
  const auto msg = bytes(1000, 13);
  const auto ctx = bytes(255, 1);  // the longest context
  std::vector<std::uint8_t> a(P::sig_bytes), b(P::sig_bytes);
  const std::span<std::uint8_t, P::sig_bytes> sa(a.data(), P::sig_bytes), sb(b.data(), P::sig_bytes);

  // Hedged: fresh randomness gives another valid signature; deterministic repeats itself.
  CounterRng rng(0x99);
  ASSERT_EQ(sign<P>(sa, k.sk, Input::pure(msg, ctx), rng), Status::ok);
  ASSERT_EQ(sign<P>(sb, k.sk, Input::pure(msg, ctx), rng), Status::ok);
  EXPECT_NE(a, b);
  EXPECT_EQ(verify<P>(k.pk, Input::pure(msg, ctx), a), Status::ok);
  EXPECT_EQ(verify<P>(k.pk, Input::pure(msg, ctx), b), Status::ok);
  ASSERT_EQ(sign_deterministic<P>(sa, k.sk, Input::pure(msg, ctx)), Status::ok);
  ASSERT_EQ(sign_deterministic<P>(sb, k.sk, Input::pure(msg, ctx)), Status::ok);
  EXPECT_EQ(a, b);
  // opt_rand = PK.seed is the deterministic variant (Alg. 22 step 6).
  ASSERT_EQ(sign_internal<P>(sb, k.sk, Input::pure(msg, ctx), std::span<const std::uint8_t, P::n>(k.pk.data(), P::n)),
            Status::ok);
  EXPECT_EQ(a, b);

  // HashSLH-DSA with every pre-hash: the message hashed here equals the caller's digest; a
  // signature for one pre-hash does not verify under another or as pure.
  for (std::size_t i = 0; i < kPreHashCount; ++i) {
    const auto ph = static_cast<PreHash>(i);
    SCOPED_TRACE(prehash_name(ph));
    ASSERT_EQ(sign_deterministic<P>(sa, k.sk, Input::prehash(ph, msg, ctx)), Status::ok);
    EXPECT_EQ(verify<P>(k.pk, Input::prehash(ph, msg, ctx), a), Status::ok);
    std::vector<std::uint8_t> digest(prehash_digest_bytes(ph));
    ASSERT_EQ(prehash_digest(ph, msg, digest), Status::ok);
    ASSERT_EQ(sign_deterministic<P>(sb, k.sk, Input::prehashed(ph, digest, ctx)), Status::ok);
    EXPECT_EQ(a, b);
    EXPECT_EQ(verify<P>(k.pk, Input::prehashed(ph, digest, ctx), a), Status::ok);
    const auto other = static_cast<PreHash>((i + 1) % kPreHashCount);
    EXPECT_EQ(verify<P>(k.pk, Input::prehash(other, msg, ctx), a), Status::invalid_signature);
    EXPECT_EQ(verify<P>(k.pk, Input::pure(msg, ctx), a), Status::invalid_signature);
  }

  // Empty message and empty context.
  ASSERT_EQ(sign_deterministic<P>(sa, k.sk, Input::pure({})), Status::ok);
  EXPECT_EQ(verify<P>(k.pk, Input::pure({}), a), Status::ok);
  EXPECT_EQ(verify<P>(k.pk, Input::pure(msg), a), Status::invalid_signature);
}

// Lengths and arguments (cheap: rejected before any hashing of trees).
template <class P>
void malformed() {
  SCOPED_TRACE(P::name);
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::vector<std::uint8_t> sig(P::sig_bytes + 1);
  const std::vector<std::uint8_t> msg = {1, 2, 3};
  const std::span<const std::uint8_t> whole(sig);
  for (std::size_t len : {std::size_t{0}, std::size_t{1}, P::sig_bytes - 1, P::sig_bytes + 1, P::n})
    EXPECT_EQ(verify<P>(pk, Input::pure(msg), whole.first(len)), Status::invalid_signature) << len;
  EXPECT_EQ(verify<P>(std::span<const std::uint8_t>(pk).first(P::pk_bytes - 1), Input::pure(msg),
                      whole.first(P::sig_bytes)),
            Status::invalid_key);
  std::vector<std::uint8_t> longpk(P::pk_bytes + 1);
  EXPECT_EQ(verify<P>(longpk, Input::pure(msg), whole.first(P::sig_bytes)), Status::invalid_key);
  const std::vector<std::uint8_t> ctx256(256, 0xAA);
  EXPECT_EQ(verify<P>(pk, Input::pure(msg, ctx256), whole.first(P::sig_bytes)), Status::invalid_argument);
  EXPECT_EQ(verify<P>(pk, Input::prehash(PreHash::sha2_256, msg, ctx256), whole.first(P::sig_bytes)),
            Status::invalid_argument);
  const std::vector<std::uint8_t> digest31(31);
  EXPECT_EQ(verify<P>(pk, Input::prehashed(PreHash::sha2_256, digest31), whole.first(P::sig_bytes)),
            Status::invalid_length);
  Input bad = Input::prehash(PreHash::sha2_256, msg);
  bad.hash = static_cast<PreHash>(kPreHashCount);
  EXPECT_EQ(verify<P>(pk, bad, whole.first(P::sig_bytes)), Status::invalid_argument);

  // Signing refuses the same inputs and zeroes the signature.
  std::array<std::uint8_t, P::sk_bytes> sk{};
  std::vector<std::uint8_t> out(P::sig_bytes, 0x5A);
  const std::span<std::uint8_t, P::sig_bytes> so(out.data(), P::sig_bytes);
  EXPECT_EQ(sign_deterministic<P>(so, sk, Input::pure(msg, ctx256)), Status::invalid_argument);
  EXPECT_EQ(out, std::vector<std::uint8_t>(P::sig_bytes, 0));
  std::fill(out.begin(), out.end(), 0x5A);
  FailingRng fail;
  EXPECT_EQ(sign<P>(so, sk, Input::pure(msg), fail), Status::entropy_failure);
  EXPECT_EQ(out, std::vector<std::uint8_t>(P::sig_bytes, 0));
  std::array<std::uint8_t, P::pk_bytes> pk_out{};
  EXPECT_EQ(keygen<P>(pk_out, sk, fail), Status::entropy_failure);
}

}  // namespace

TEST(SlhDsa, Table2Sizes) {
  // Spot values of FIPS 205 Table 2 (the header static_asserts all of them).
  EXPECT_EQ(Sha2_128s::sig_bytes, 7856u);
  EXPECT_EQ(Shake_256f::sig_bytes, 49856u);
  EXPECT_EQ(Sha2_192f::len, 51);
  EXPECT_EQ(Shake_128s::m, 30u);
  EXPECT_EQ(prehash_oid(PreHash::sha2_256)[10], 0x01);
  EXPECT_EQ(prehash_oid(PreHash::shake256)[10], 0x0C);
}

TEST(SlhDsa, RoundTripSha2_128f) { round_trip<Sha2_128f>(); }
TEST(SlhDsa, RoundTripSha2_192f) { round_trip<Sha2_192f>(); }
TEST(SlhDsa, RoundTripSha2_256f) { round_trip<Sha2_256f>(); }
TEST(SlhDsa, RoundTripShake_128f) { round_trip<Shake_128f>(); }
TEST(SlhDsa, RoundTripShake_192f) { round_trip<Shake_192f>(); }
TEST(SlhDsa, RoundTripShake_256f) { round_trip<Shake_256f>(); }
// The slow sets (seconds per signature) once each.
TEST(SlhDsa, RoundTripSha2_128s) { round_trip<Sha2_128s>(); }
TEST(SlhDsa, RoundTripSha2_192s) { round_trip<Sha2_192s>(); }
TEST(SlhDsa, RoundTripSha2_256s) { round_trip<Sha2_256s>(); }
TEST(SlhDsa, RoundTripShake_128s) { round_trip<Shake_128s>(); }
TEST(SlhDsa, RoundTripShake_192s) { round_trip<Shake_192s>(); }
TEST(SlhDsa, RoundTripShake_256s) { round_trip<Shake_256s>(); }

TEST(SlhDsa, ModesSha2_128f) { modes<Sha2_128f>(); }
TEST(SlhDsa, ModesSha2_256f) { modes<Sha2_256f>(); }
TEST(SlhDsa, ModesShake_128f) { modes<Shake_128f>(); }

TEST(SlhDsa, Malformed) {
  malformed<Sha2_128s>();
  malformed<Sha2_128f>();
  malformed<Sha2_192s>();
  malformed<Sha2_192f>();
  malformed<Sha2_256s>();
  malformed<Sha2_256f>();
  malformed<Shake_128s>();
  malformed<Shake_128f>();
  malformed<Shake_192s>();
  malformed<Shake_192f>();
  malformed<Shake_256s>();
  malformed<Shake_256f>();
}

// Every single-bit change in each part of a SHA2-128f signature is rejected: R, every FORS tree
// (secret value and authentication path), and every layer of the hypertree (WOTS+ and AUTH).
TEST(SlhDsa, EveryPartOfTheSignatureMatters) {
  using P = Sha2_128f;
  Keys<P> k(0x77);
  const auto msg = bytes(64, 5);
  std::vector<std::uint8_t> sig(P::sig_bytes);
  ASSERT_EQ(sign_deterministic<P>(std::span<std::uint8_t, P::sig_bytes>(sig.data(), P::sig_bytes), k.sk, Input::pure(msg)),
            Status::ok);
  ASSERT_EQ(verify<P>(k.pk, Input::pure(msg), sig), Status::ok);
  std::vector<std::size_t> positions = {0, P::n - 1};
  for (int i = 0; i < P::k; ++i) {
    const std::size_t base = P::n + static_cast<std::size_t>(i) * (P::a + 1) * P::n;
    positions.push_back(base);                           // sk of tree i
    positions.push_back(base + P::n + (i % P::a) * P::n); // one auth node
  }
  for (int j = 0; j < P::d; ++j) {
    const std::size_t base = P::n + P::fors_sig_bytes + static_cast<std::size_t>(j) * P::xmss_sig_bytes;
    positions.push_back(base + (j % P::len) * P::n);                                  // a WOTS+ element
    positions.push_back(base + P::len * P::n + (j % P::hp) * P::n + P::n / 2);        // an AUTH node
  }
  for (std::size_t pos : positions) {
    for (int bit : {0, 7}) {
      sig[pos] ^= static_cast<std::uint8_t>(1 << bit);
      EXPECT_EQ(verify<P>(k.pk, Input::pure(msg), sig), Status::invalid_signature) << "byte " << pos << " bit " << bit;
      sig[pos] ^= static_cast<std::uint8_t>(1 << bit);
    }
  }
  EXPECT_EQ(verify<P>(k.pk, Input::pure(msg), sig), Status::ok);
}

// A private key whose PK.root does not belong to SK.seed is refused: check_key_pair says so, and
// signing (which rebuilds the top tree anyway) returns invalid_key with the signature zeroed
// rather than releasing a signature that cannot verify.
TEST(SlhDsa, InconsistentKeyRefused) {
  using P = Shake_128f;
  Keys<P> k(0x21);
  auto bad = k.sk;
  bad[3 * P::n] ^= 0x01;  // PK.root
  EXPECT_EQ(check_key_pair<P>(bad), Status::invalid_key);
  std::vector<std::uint8_t> sig(P::sig_bytes, 0x33);
  const std::vector<std::uint8_t> msg = {9, 9, 9};
  EXPECT_EQ(sign_deterministic<P>(std::span<std::uint8_t, P::sig_bytes>(sig.data(), P::sig_bytes), bad, Input::pure(msg)),
            Status::invalid_key);
  EXPECT_EQ(sig, std::vector<std::uint8_t>(P::sig_bytes, 0));
  bad = k.sk;
  bad[0] ^= 0x01;  // SK.seed
  EXPECT_EQ(check_key_pair<P>(bad), Status::invalid_key);
}

// keygen_internal (Alg. 18) is a function of the three seeds only; keygen draws them in the order
// SK.seed, SK.prf, PK.seed (Alg. 21).
TEST(SlhDsa, KeygenFromSeeds) {
  using P = Sha2_128f;
  const auto seeds = bytes(3 * P::n, 1);
  std::array<std::uint8_t, P::pk_bytes> pk1{}, pk2{};
  std::array<std::uint8_t, P::sk_bytes> sk1{}, sk2{};
  ASSERT_EQ(keygen_internal<P>(pk1, sk1, std::span<const std::uint8_t, P::n>(seeds.data(), P::n),
                               std::span<const std::uint8_t, P::n>(seeds.data() + P::n, P::n),
                               std::span<const std::uint8_t, P::n>(seeds.data() + 2 * P::n, P::n)),
            Status::ok);
  CounterRng rng(1);  // yields 1, 2, 3, ... = bytes(3n, 1)
  ASSERT_EQ(keygen<P>(pk2, sk2, rng), Status::ok);
  EXPECT_EQ(pk1, pk2);
  EXPECT_EQ(sk1, sk2);
  EXPECT_EQ(0, std::memcmp(sk1.data(), seeds.data(), 3 * P::n));
}

// The known answers firmware/tests/target_slhdsa.cpp checks on the Cortex-M33: seeds 00 01 .. (3n
// bytes: SK.seed, SK.prf, PK.seed), message 3 i for i < 64, context "target", deterministic.
// SHA3-256 of pk || sk and of the signature. (The sets themselves are validated by the ACVP
// vectors; these pin the target's results to the host's.)
namespace {
template <class P>
void target_kat(const char* keys_hex, const char* sig_hex) {
  SCOPED_TRACE(P::name);
  std::array<std::uint8_t, 3 * P::n> seeds{};
  for (std::size_t i = 0; i < seeds.size(); ++i) seeds[i] = static_cast<std::uint8_t>(i);
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::array<std::uint8_t, P::sk_bytes> sk{};
  ASSERT_EQ(keygen_internal<P>(pk, sk, std::span<const std::uint8_t, P::n>(seeds.data(), P::n),
                               std::span<const std::uint8_t, P::n>(seeds.data() + P::n, P::n),
                               std::span<const std::uint8_t, P::n>(seeds.data() + 2 * P::n, P::n)),
            Status::ok);
  std::array<std::uint8_t, 64> msg{};
  for (int i = 0; i < 64; ++i) msg[i] = static_cast<std::uint8_t>(3 * i);
  const std::array<std::uint8_t, 6> ctx = {'t', 'a', 'r', 'g', 'e', 't'};
  std::vector<std::uint8_t> sig(P::sig_bytes);
  ASSERT_EQ(sign_deterministic<P>(std::span<std::uint8_t, P::sig_bytes>(sig.data(), P::sig_bytes), sk, Input::pure(msg, ctx)),
            Status::ok);
  auto hex = [](const std::uint8_t* d) { return host::hex_encode(std::span<const std::uint8_t>(d, 32)); };
  std::uint8_t d[32];
  hash::Sha3_256 h;
  h.update(pk.data(), pk.size());
  h.update(sk.data(), sk.size());
  h.final(d);
  EXPECT_EQ(hex(d), keys_hex);
  hash::Sha3_256::hash(d, sig.data(), sig.size());
  EXPECT_EQ(hex(d), sig_hex);
}
}  // namespace

TEST(SlhDsa, TargetKnownAnswers) {
  target_kat<Sha2_128f>("88f6dc2411727f039a0de890ada317ade81a904a42e1665b5aedaffc41cfdbe1",
                        "6f48f93cc7e71757f9dafdd993e3023ff78df6db3b55fdee50bc316a116e908f");
  target_kat<Shake_128f>("e884720280e86d01899100df816a601b4a23cf785ffdc772f43fb9f86d9a52eb",
                         "f15b17e2e2384dfa4a71a812f08976351bd871ebcbb9d22700911d836381b2a8");
}

// Every SHA2 result is the same with the native SHA-256 backend (SHA-NI where present) switched
// off: the portable compression behind the same contract.
TEST(SlhDsa, PortableSha256BackendGivesTheSameSignatures) {
  using P = Sha2_128f;
  Keys<P> k(0x31);
  const auto msg = bytes(77, 9);
  std::vector<std::uint8_t> a(P::sig_bytes), b(P::sig_bytes);
  ASSERT_EQ(sign_deterministic<P>(std::span<std::uint8_t, P::sig_bytes>(a.data(), P::sig_bytes), k.sk, Input::pure(msg)),
            Status::ok);
  hash::set_native_backends(false);
  EXPECT_STREQ(hash::sha256_backend(), "portable");
  const Status st =
      sign_deterministic<P>(std::span<std::uint8_t, P::sig_bytes>(b.data(), P::sig_bytes), k.sk, Input::pure(msg));
  const Status vst = verify<P>(k.pk, Input::pure(msg), a);
  hash::set_native_backends(true);
  ASSERT_EQ(st, Status::ok);
  EXPECT_EQ(vst, Status::ok);
  EXPECT_EQ(a, b);
}
