// NIST-style KAT text for ML-KEM-512/768/1024, regenerated with the AES-256 CTR DRBG discipline of
// ../shared/vectors/KAT_DIGESTS.md and checked against liboqs's SHA-256 digests of that text.
// Needs no vector folder: the digests are embedded below (copied from KAT_DIGESTS.md).
#include <gtest/gtest.h>

#include <cstring>

#include "kat.hpp"
#include "pqcea/mlkem.hpp"

using namespace pqcea;
using namespace pqcea::mlkem;

namespace {

struct Digests {
  const char* single;
  const char* all;
};

template <Params P>
std::string kat(int records) {
  return test::kat_text(records, false, [](std::string& text, test::NistDrbg& drbg, std::span<const std::uint8_t>) {
    EncapsKey<P> ek{};
    DecapsKey<P> dk;
    // keygen draws one 64-byte request (d || z), encaps one 32-byte request (m), as liboqs does.
    ASSERT_EQ(keygen<P>(ek, dk.span(), drbg), Status::ok);
    Ciphertext<P> c{};
    SharedKey ss, ss2;
    ASSERT_EQ(encaps<P>(ss.span(), c, ek, drbg), Status::ok);
    test::kat_line(text, "pk", ek);
    test::kat_line(text, "sk", dk.span());
    test::kat_line(text, "ct", c);
    test::kat_line(text, "ss", ss.span());
    // Self-check as in the KAT generator: decapsulation recovers the key (no randomness used).
    ASSERT_EQ(decaps<P>(ss2.span(), c, dk.span()), Status::ok);
    ASSERT_EQ(0, std::memcmp(ss.data(), ss2.data(), 32));
  });
}

template <Params P>
void check_kat_once(const Digests& want) {
  const std::string all = kat<P>(100);
  EXPECT_EQ(test::sha256_hex(all), want.all);
  // The first record alone is the `single` text (same DRBG stream, no trailing blank line).
  const std::string one = kat<P>(1);
  EXPECT_EQ(test::sha256_hex(one), want.single);
  EXPECT_EQ(all.compare(0, one.size(), one), 0);
}

// Every known answer runs on the native arithmetic (when this CPU has it) and on the portable one.
template <Params P>
void check_kat(const Digests& want) {
  if (native_backend_available()) {
    use_native_backend(true);
    SCOPED_TRACE(backend_name());
    check_kat_once<P>(want);
  }
  use_native_backend(false);
  {
    SCOPED_TRACE(backend_name());
    check_kat_once<P>(want);
  }
  use_native_backend(true);
}

}  // namespace

TEST(MlKemKat, MlKem512) {
  check_kat<ml_kem_512>({"c70041a761e01cd6426fa60e9fd6a4412c2be817386c8d0f3334898082512782",
                         "74b470e797cbdbd589a31d387d36c72aad5033446ab5159bf4014c24652b1173"});
}
TEST(MlKemKat, MlKem768) {
  check_kat<ml_kem_768>({"5352539586b6c3df58be6158a6250aeff402bd73060b0a3de68850ac074c17c3",
                         "e5d6911117c708d8342702db222f66bef5ac5b0314fb8bc36eb22a536c9b34fb"});
}
TEST(MlKemKat, MlKem1024) {
  check_kat<ml_kem_1024>({"f580d851e5fb27e6876e5e203fa18be4cdbfd49e05d48fec3d3992c8f43a13e6",
                          "81d1ae0468f62154885b6f2a293c0eb48f9339645357a88bbbc186c57ab0ace0"});
}
