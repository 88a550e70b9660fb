// The NIST round-3 KAT text for Falcon-512/1024 and Falcon-padded-512/1024 (100 records each),
// regenerated through the public randomized API and hashed: the SHA-256 must equal the digests of
// ../shared/vectors/KAT_DIGESTS.md (embedded here). Per record (KAT_DIGESTS.md): keygen draws one
// 48-byte request; sign draws a 40-byte nonce request, then a 48-byte sampler-seed request, so the
// test also pins the request sizes of keygen() and sign(). sm layout: compressed = length (2 bytes,
// big-endian) || nonce || msg || 0x20 + logn || s2; padded = the 0x30 + logn signature || msg.
// verify() runs on every signature as a self-check.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "falcon/codec.hpp"
#include "kat.hpp"
#include "pqcea/falcon.hpp"

using namespace pqcea;
using namespace pqcea::falcon;

namespace {

template <class P>
std::string kat(int records, Format format) {
  return test::kat_text(records, true, [format](std::string& out, test::NistDrbg& drbg, std::span<const std::uint8_t> msg) {
    std::array<std::uint8_t, P::pk_bytes> pk{};
    std::array<std::uint8_t, P::sk_bytes> sk{};
    std::vector<std::uint64_t> ws((std::max(Budget<P>::keygen_workspace_bytes, Budget<P>::sign_workspace_bytes) + 7) / 8);
    const std::span<std::uint8_t> wsb(reinterpret_cast<std::uint8_t*>(ws.data()), ws.size() * 8);
    ASSERT_EQ(keygen<P>(pk, sk, drbg, wsb), Status::ok);
    std::vector<std::uint8_t> sig(format == Format::padded ? P::sig_padded_bytes : P::sig_max_bytes);
    std::size_t len = 0;
    ASSERT_EQ(sign<P>(sig, len, sk, msg, format, drbg, wsb), Status::ok);
    sig.resize(len);
    std::vector<std::uint8_t> sm;
    if (format == Format::compressed) {
      const std::size_t L = len - kNonceBytes;  // header byte + compressed s2
      sm = {static_cast<std::uint8_t>(L >> 8), static_cast<std::uint8_t>(L)};
      sm.insert(sm.end(), sig.begin() + 1, sig.begin() + 1 + kNonceBytes);
      sm.insert(sm.end(), msg.begin(), msg.end());
      sm.push_back(static_cast<std::uint8_t>(codec::kNistSmHeader + P::logn));
      sm.insert(sm.end(), sig.begin() + 1 + kNonceBytes, sig.end());
    } else {
      sm = sig;
      sm.insert(sm.end(), msg.begin(), msg.end());
    }
    test::kat_line(out, "pk", pk);
    test::kat_line(out, "sk", sk);
    test::kat_line(out, "smlen", sm.size());
    test::kat_line(out, "sm", sm);
    EXPECT_EQ(verify<P>(pk, msg, sig, format), Status::ok);
  });
}

// SHA-256 of the KAT text (KAT_DIGESTS.md, liboqs 0.16; the Falcon `all` digests equal the
// official NIST round-3 .rsp files without their header lines).
constexpr const char* kSingle512 = "da27fe8a462de7307ddf1f9b00072a457d9c5b14e838c148fbe2662094b9a2ca";
constexpr const char* kSingle1024 = "e699d88eb214fef30597385f40814baeb84ac505d5f05f5c257b0726fc4530b8";
constexpr const char* kSinglePadded512 = "91842d41138e7cfaf6e2e8f12a03c3b3411302255121e4d07d02f91a003c0395";
constexpr const char* kSinglePadded1024 = "ddcc5683293388249e6fe85e992ea19d0986d34e060a44f82bc3db524a8c8390";
constexpr const char* kAll512 = "f4f23c1153682007d5dec02c35e47061c17900fcf0adb3fd0437f1988fa13655";
constexpr const char* kAll1024 = "46f9682ebf6fd31bae60c3191ed1a6c56aa09fb4945a266f86732a90c6c4db67";
constexpr const char* kAllPadded512 = "362ecc0537ca1fe25143fb7ccb04de8ee7703469d13ebcf311ab124a5c374a65";
constexpr const char* kAllPadded1024 = "907a4931ddc2ce8360478a45f1bffededd6a04015b00233ecd851a62ecba06c1";

}  // namespace

// Count 0 only: the quick diagnosis (public API, both formats, both sets).
TEST(FalconKat, Single) {
  EXPECT_EQ(test::sha256_hex(kat<Falcon512>(1, Format::compressed)), kSingle512);
  EXPECT_EQ(test::sha256_hex(kat<Falcon1024>(1, Format::compressed)), kSingle1024);
  EXPECT_EQ(test::sha256_hex(kat<Falcon512>(1, Format::padded)), kSinglePadded512);
  EXPECT_EQ(test::sha256_hex(kat<Falcon1024>(1, Format::padded)), kSinglePadded1024);
}
TEST(FalconKat, All512) { EXPECT_EQ(test::sha256_hex(kat<Falcon512>(100, Format::compressed)), kAll512); }
TEST(FalconKat, All1024) { EXPECT_EQ(test::sha256_hex(kat<Falcon1024>(100, Format::compressed)), kAll1024); }
TEST(FalconKat, AllPadded512) { EXPECT_EQ(test::sha256_hex(kat<Falcon512>(100, Format::padded)), kAllPadded512); }
TEST(FalconKat, AllPadded1024) { EXPECT_EQ(test::sha256_hex(kat<Falcon1024>(100, Format::padded)), kAllPadded1024); }
