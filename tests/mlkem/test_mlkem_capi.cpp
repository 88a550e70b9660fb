// Runs the C-language test of include/pqcea/mlkem.h and compares its outputs with the C++ API.
#include <gtest/gtest.h>

#include <cstring>

#include "pqcea/mlkem.hpp"

extern "C" int mlkem_c_selftest(void);
extern "C" int mlkem_c_derand_768(std::uint8_t* ek, std::uint8_t* ct, std::uint8_t* key, const std::uint8_t* seed,
                                  const std::uint8_t* m);

using namespace pqcea;
using namespace pqcea::mlkem;

TEST(MlKemCApi, SelfTestFromC) { EXPECT_EQ(mlkem_c_selftest(), 0) << "line of the failed CHECK in test_mlkem_c.c"; }

TEST(MlKemCApi, SameResultsAsCpp) {
  std::array<std::uint8_t, 64> seed{};
  std::array<std::uint8_t, 32> m{};
  for (int i = 0; i < 64; ++i) seed[i] = static_cast<std::uint8_t>(3 * i);
  for (int i = 0; i < 32; ++i) m[i] = static_cast<std::uint8_t>(100 + i);
  EncapsKey<ml_kem_768> ek_c{}, ek{};
  Ciphertext<ml_kem_768> ct_c{}, ct{};
  std::array<std::uint8_t, 32> key_c{}, key{};
  ASSERT_EQ(mlkem_c_derand_768(ek_c.data(), ct_c.data(), key_c.data(), seed.data(), m.data()), 0);
  DecapsKey<ml_kem_768> dk;
  ASSERT_EQ(keygen_from_seed<ml_kem_768>(ek, dk.span(), seed), Status::ok);
  ASSERT_EQ(encaps_internal<ml_kem_768>(key, ct, ek, m), Status::ok);
  EXPECT_EQ(ek_c, ek);
  EXPECT_EQ(ct_c, ct);
  EXPECT_EQ(key_c, key);
}
