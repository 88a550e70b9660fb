// The NIST-style KAT text for ML-DSA-44/65/87 (100 records each), regenerated and hashed:
// the SHA-256 must equal the `all` digests of ../shared/vectors/KAT_DIGESTS.md (liboqs 0.16),
// embedded here so the test needs no vector folder. Per record (KAT_DIGESTS.md): key pair from one
// 32-byte request (xi); pure ML-DSA.Sign with an empty context, hedged, rnd = one 32-byte request;
// sm = signature || msg; verification as a self-check. Both memory modes must give the same text.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "kat.hpp"
#include "pqcea/mldsa.hpp"

using namespace pqcea;
using namespace pqcea::mldsa;

namespace {

template <class P, Memory M>
std::string kat(int records) {
  return test::kat_text(records, true, [](std::string& out, test::NistDrbg& drbg, std::span<const std::uint8_t> msg) {
    std::array<std::uint8_t, P::pk_bytes> pk{};
    std::array<std::uint8_t, P::sk_bytes> sk{};
    ASSERT_EQ((keygen<P, M>(pk, sk, drbg)), Status::ok);
    std::vector<std::uint8_t> sm(P::sig_bytes + msg.size());
    const std::span<std::uint8_t, P::sig_bytes> sig(sm.data(), P::sig_bytes);
    ASSERT_EQ((sign<P, M>(sig, PrivateKey<P>::expanded(sk), Input::pure(msg), drbg)), Status::ok);
    std::copy(msg.begin(), msg.end(), sm.begin() + P::sig_bytes);
    test::kat_line(out, "pk", pk);
    test::kat_line(out, "sk", sk);
    test::kat_line(out, "smlen", sm.size());
    test::kat_line(out, "sm", sm);
    EXPECT_EQ((verify<P, M>(pk, Input::pure(msg), sig)), Status::ok);
  });
}

// SHA-256 of the KAT text, `all` column of KAT_DIGESTS.md.
constexpr const char* kAll44 = "54322d25c05b96941aec73eb3ee27a975d38a34bfb53ef4cb9fd4a8e9cab554c";
constexpr const char* kAll65 = "47e1ca6d4a45e9853e381954cf97206eca22993deade3cade45bd9d9457c93f9";
constexpr const char* kAll87 = "12382114979d5b64436aebfe6db02d61c07859429233105e936752cb77cc585a";
// `single` column (count 0 only), a quicker first diagnosis.
constexpr const char* kSingle44 = "9a196e7fb32fbc93757dc2d8dc1924460eab66303c0c08aeb8b798fb8d8f8cf3";
constexpr const char* kSingle65 = "7cb96242eac9907a55b5c84c202f0ebd552419c50b2e986dc2e28f07ecebf072";
constexpr const char* kSingle87 = "4537905d2aabcf302fab2f242baed293459ecda7c230e6a67063b02c7e2840ed";

}  // namespace

TEST(MlDsaKat, Single) {
  EXPECT_EQ(test::sha256_hex(kat<MlDsa44, Memory::fast>(1)), kSingle44);
  EXPECT_EQ(test::sha256_hex(kat<MlDsa65, Memory::fast>(1)), kSingle65);
  EXPECT_EQ(test::sha256_hex(kat<MlDsa87, Memory::fast>(1)), kSingle87);
}
TEST(MlDsaKat, All44) { EXPECT_EQ(test::sha256_hex(kat<MlDsa44, Memory::fast>(100)), kAll44); }
TEST(MlDsaKat, All65) { EXPECT_EQ(test::sha256_hex(kat<MlDsa65, Memory::fast>(100)), kAll65); }
TEST(MlDsaKat, All87) { EXPECT_EQ(test::sha256_hex(kat<MlDsa87, Memory::fast>(100)), kAll87); }
TEST(MlDsaKat, All44LowMemory) { EXPECT_EQ(test::sha256_hex(kat<MlDsa44, Memory::low>(100)), kAll44); }
TEST(MlDsaKat, All65LowMemory) { EXPECT_EQ(test::sha256_hex(kat<MlDsa65, Memory::low>(100)), kAll65); }
TEST(MlDsaKat, All87LowMemory) { EXPECT_EQ(test::sha256_hex(kat<MlDsa87, Memory::low>(100)), kAll87); }
