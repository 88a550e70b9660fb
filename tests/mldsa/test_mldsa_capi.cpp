// The C API (include/pqcea/mldsa.h): the same results as the C++ API, every input kind, both
// memory modes, and its error codes (NULL pointers, bad lengths, bad keys, failing RNG).
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "pqcea/mldsa.h"
#include "pqcea/mldsa.hpp"

extern "C" int pqcea_mldsa_c_roundtrip(void);

using namespace pqcea;
using namespace pqcea::mldsa;

namespace {

int failing_rng(void*, std::uint8_t*, std::size_t) { return -1; }
int fixed_rng(void* ctx, std::uint8_t* out, std::size_t len) {
  auto* b = static_cast<std::uint8_t*>(ctx);
  for (std::size_t i = 0; i < len; ++i) out[i] = static_cast<std::uint8_t>(*b + i);
  return 0;
}

TEST(MlDsaCApi, CompiledAsC) { EXPECT_EQ(pqcea_mldsa_c_roundtrip(), 0); }

TEST(MlDsaCApi, MatchesCppApiInEveryMode) {
  std::array<std::uint8_t, 32> xi{};
  xi.fill(0x42);
  std::array<std::uint8_t, PQCEA_MLDSA65_PK_BYTES> pk{}, pk2{};
  std::array<std::uint8_t, PQCEA_MLDSA65_SK_BYTES> sk{}, sk2{};
  ASSERT_EQ(pqcea_mldsa65_keypair_derand(pk.data(), sk.data(), xi.data()), PQCEA_STATUS_OK);
  ASSERT_EQ((keygen_internal<MlDsa65>(pk2, sk2, xi)), Status::ok);
  EXPECT_EQ(pk, pk2);
  EXPECT_EQ(sk, sk2);
  const std::vector<std::uint8_t> msg(1000, 0x17), ctx = {1, 2, 3};
  std::array<std::uint8_t, 64> mu{};
  mu.fill(7);
  std::array<std::uint8_t, 32> rnd{};
  rnd.fill(9);
  const pqcea_mldsa_input inputs[] = {
      {PQCEA_MLDSA_PURE, 0, msg.data(), msg.size(), ctx.data(), ctx.size()},
      {PQCEA_MLDSA_PREHASH, PQCEA_MLDSA_SHAKE128, msg.data(), msg.size(), ctx.data(), ctx.size()},
      {PQCEA_MLDSA_INTERNAL, 0, msg.data(), msg.size(), nullptr, 0},
      {PQCEA_MLDSA_EXTERNAL_MU, 0, mu.data(), mu.size(), nullptr, 0},
  };
  const Input cpp[] = {Input::pure(msg, ctx), Input::prehash(PreHash::shake128, msg, ctx), Input::internal(msg),
                       Input::external_mu(mu)};
  for (std::size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    std::array<std::uint8_t, PQCEA_MLDSA65_SIG_BYTES> a{}, b{}, c{};
    ASSERT_EQ(pqcea_mldsa65_sign_derand(a.data(), sk.data(), sk.size(), &inputs[i], rnd.data(), PQCEA_MLDSA_FAST),
              PQCEA_STATUS_OK);
    ASSERT_EQ(pqcea_mldsa65_sign_derand(b.data(), xi.data(), xi.size(), &inputs[i], rnd.data(), PQCEA_MLDSA_LOW_MEMORY),
              PQCEA_STATUS_OK);
    ASSERT_EQ((sign_internal<MlDsa65>(c, PrivateKey<MlDsa65>::expanded(sk), cpp[i], rnd)), Status::ok);
    EXPECT_EQ(a, c);
    EXPECT_EQ(b, c);
    EXPECT_EQ(pqcea_mldsa65_verify_ex(pk.data(), pk.size(), &inputs[i], a.data(), a.size(), PQCEA_MLDSA_LOW_MEMORY),
              PQCEA_STATUS_OK);
    a[5] ^= 1;
    EXPECT_EQ(pqcea_mldsa65_verify_ex(pk.data(), pk.size(), &inputs[i], a.data(), a.size(), PQCEA_MLDSA_FAST),
              PQCEA_STATUS_INVALID_SIGNATURE);
    EXPECT_EQ(pqcea_mldsa65_verify_ex(pk.data(), pk.size(), &inputs[i], a.data(), a.size() - 1, PQCEA_MLDSA_FAST),
              PQCEA_STATUS_INVALID_SIGNATURE);
  }
}

TEST(MlDsaCApi, ErrorCodes) {
  std::array<std::uint8_t, 32> xi{};
  std::array<std::uint8_t, PQCEA_MLDSA44_PK_BYTES> pk{};
  std::array<std::uint8_t, PQCEA_MLDSA44_SK_BYTES> sk{};
  std::array<std::uint8_t, PQCEA_MLDSA44_SIG_BYTES> sig{};
  std::uint8_t seedbyte = 3;
  EXPECT_EQ(pqcea_mldsa44_keypair(pk.data(), sk.data(), failing_rng, nullptr), PQCEA_STATUS_ENTROPY_FAILURE);
  EXPECT_EQ(pqcea_mldsa44_keypair(nullptr, sk.data(), fixed_rng, &seedbyte), PQCEA_STATUS_INVALID_ARGUMENT);
  ASSERT_EQ(pqcea_mldsa44_keypair_derand(pk.data(), sk.data(), xi.data()), PQCEA_STATUS_OK);
  const std::uint8_t msg[3] = {1, 2, 3};
  sig.fill(0xAA);
  EXPECT_EQ(pqcea_mldsa44_sign(sig.data(), sk.data(), msg, 3, nullptr, 0, failing_rng, nullptr),
            PQCEA_STATUS_ENTROPY_FAILURE);
  EXPECT_EQ(sig, decltype(sig){});  // zeroed
  std::vector<std::uint8_t> ctx(256, 1);
  EXPECT_EQ(pqcea_mldsa44_sign(sig.data(), sk.data(), msg, 3, ctx.data(), ctx.size(), fixed_rng, &seedbyte),
            PQCEA_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(pqcea_mldsa44_sign(sig.data(), sk.data(), nullptr, 3, nullptr, 0, fixed_rng, &seedbyte),
            PQCEA_STATUS_INVALID_ARGUMENT);
  ASSERT_EQ(pqcea_mldsa44_sign(sig.data(), sk.data(), msg, 3, nullptr, 0, fixed_rng, &seedbyte), PQCEA_STATUS_OK);
  EXPECT_EQ(pqcea_mldsa44_verify(pk.data(), msg, 3, nullptr, 0, sig.data()), PQCEA_STATUS_OK);
  const pqcea_mldsa_input bad_mu{PQCEA_MLDSA_EXTERNAL_MU, 0, msg, 3, nullptr, 0};
  const std::array<std::uint8_t, 32> rnd{};
  EXPECT_EQ(pqcea_mldsa44_sign_derand(sig.data(), sk.data(), sk.size(), &bad_mu, rnd.data(), 0),
            PQCEA_STATUS_INVALID_LENGTH);
  const pqcea_mldsa_input bad_kind{9, 0, msg, 3, nullptr, 0};
  EXPECT_EQ(pqcea_mldsa44_sign_derand(sig.data(), sk.data(), sk.size(), &bad_kind, rnd.data(), 0),
            PQCEA_STATUS_INVALID_ARGUMENT);
  const pqcea_mldsa_input bad_hash{PQCEA_MLDSA_PREHASH, 12, msg, 3, nullptr, 0};
  EXPECT_EQ(pqcea_mldsa44_sign_derand(sig.data(), sk.data(), sk.size(), &bad_hash, rnd.data(), 0),
            PQCEA_STATUS_INVALID_ARGUMENT);
  const pqcea_mldsa_input pure{PQCEA_MLDSA_PURE, 0, msg, 3, nullptr, 0};
  EXPECT_EQ(pqcea_mldsa44_sign_derand(sig.data(), sk.data(), 100, &pure, rnd.data(), 0), PQCEA_STATUS_INVALID_LENGTH);
  EXPECT_EQ(pqcea_mldsa44_sign_derand(sig.data(), sk.data(), sk.size(), &pure, rnd.data(), 7),
            PQCEA_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(pqcea_mldsa44_verify_ex(pk.data(), pk.size() - 1, &pure, sig.data(), sig.size(), 0),
            PQCEA_STATUS_INVALID_KEY);
  // A corrupt expanded key: s1 code 7 > 2 eta.
  auto bad = sk;
  bad[128] = 0xFF;
  EXPECT_EQ(pqcea_mldsa44_check_sk(bad.data()), PQCEA_STATUS_INVALID_KEY);
  EXPECT_EQ(pqcea_mldsa44_check_sk(sk.data()), PQCEA_STATUS_OK);
  EXPECT_EQ(pqcea_mldsa44_sign_derand(sig.data(), bad.data(), bad.size(), &pure, rnd.data(), 0), PQCEA_STATUS_INVALID_KEY);
}

}  // namespace
