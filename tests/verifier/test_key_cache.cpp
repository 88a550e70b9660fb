// The verifier's prepared-key cache: the same verdicts as plain ML-DSA verification, bounded.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <vector>

#include "pqcea/host/verifier/key_cache.hpp"

namespace pqcea {
namespace {

using P87 = mldsa::MlDsa87;

struct Key {
  std::vector<std::uint8_t> pk = std::vector<std::uint8_t>(P87::pk_bytes);
  std::array<std::uint8_t, mldsa::kSeedBytes> seed{};
};

Key make_key(std::uint8_t tag) {
  Key k;
  k.seed.fill(tag);
  std::vector<std::uint8_t> sk(P87::sk_bytes);
  EXPECT_EQ(mldsa::keygen_internal<P87>(std::span<std::uint8_t, P87::pk_bytes>(k.pk.data(), P87::pk_bytes),
                                        std::span<std::uint8_t, P87::sk_bytes>(sk.data(), P87::sk_bytes), k.seed),
            Status::ok);
  return k;
}

std::vector<std::uint8_t> sign(const Key& k, std::span<const std::uint8_t> msg) {
  std::vector<std::uint8_t> sig(P87::sig_bytes);
  EXPECT_EQ(mldsa::sign_deterministic<P87>(std::span<std::uint8_t, P87::sig_bytes>(sig.data(), P87::sig_bytes),
                                           mldsa::PrivateKey<P87>::seed(k.seed), mldsa::Input::pure(msg)),
            Status::ok);
  return sig;
}

TEST(KeyCache, SameVerdictsAsPlainVerification) {
  const verifier::CachedMlDsaVerifier<P87> cached(1u << 20);
  const Key a = make_key(1), b = make_key(2);
  const std::array<std::uint8_t, 5> msg = {'h', 'e', 'l', 'l', 'o'};
  auto sig = sign(a, msg);
  for (int round = 0; round < 2; ++round) {  // a miss, then a hit
    EXPECT_EQ(cached.verify(a.pk, msg, sig), Status::ok);
    EXPECT_EQ(cached.verify(b.pk, msg, sig), Status::invalid_signature);  // another device's key
  }
  sig[100] ^= 1;
  EXPECT_EQ(cached.verify(a.pk, msg, sig), Status::invalid_signature);
  EXPECT_EQ(mldsa::verify<P87>(std::span<const std::uint8_t>(a.pk), mldsa::Input::pure(msg), sig),
            Status::invalid_signature);
  EXPECT_EQ(cached.verify(std::span<const std::uint8_t>(a.pk).first(100), msg, sig), Status::invalid_key);
  const auto st = cached.stats();
  EXPECT_EQ(st.misses, 2u);
  EXPECT_EQ(st.hits, 3u);
  EXPECT_EQ(st.entries, 2u);
}

TEST(KeyCache, BoundedByItsBudget) {
  // Room for two prepared ML-DSA-87 keys: a third evicts the least recently used.
  const std::size_t two = 2 * (sizeof(mldsa::PreparedPublicKey<P87>) + P87::pk_bytes);
  const verifier::CachedMlDsaVerifier<P87> cached(two);
  const std::array<std::uint8_t, 1> msg = {7};
  const Key keys[3] = {make_key(1), make_key(2), make_key(3)};
  for (const auto& k : keys) EXPECT_EQ(cached.verify(k.pk, msg, sign(k, msg)), Status::ok);
  EXPECT_EQ(cached.stats().entries, 2u);
  EXPECT_EQ(cached.verify(keys[0].pk, msg, sign(keys[0], msg)), Status::ok);  // evicted: a miss again
  EXPECT_EQ(cached.stats().misses, 4u);
  // Off: every call prepares, nothing is kept, verdicts unchanged.
  const verifier::CachedMlDsaVerifier<P87> off(0);
  EXPECT_EQ(off.verify(keys[1].pk, msg, sign(keys[1], msg)), Status::ok);
  EXPECT_EQ(off.stats().entries, 0u);
}

TEST(KeyCache, UnpreparedKeyIsRefused) {
  const auto prepared = std::make_unique<mldsa::PreparedPublicKey<P87>>();
  const std::array<std::uint8_t, 1> msg = {7};
  std::vector<std::uint8_t> sig(P87::sig_bytes);
  EXPECT_EQ(mldsa::verify<P87>(*prepared, mldsa::Input::pure(msg), sig), Status::invalid_key);
  EXPECT_EQ(prepared->prepare(std::vector<std::uint8_t>(10)), Status::invalid_key);
  EXPECT_FALSE(prepared->prepared());
}

}  // namespace
}  // namespace pqcea
