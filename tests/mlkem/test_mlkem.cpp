// ML-KEM scheme-level tests: round trips, implicit rejection, input checks, key forms, RNG errors.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "pqcea/hash/keccak.hpp"
#include "pqcea/mlkem.hpp"
#include "pqcea/rng/drbg.hpp"
#include "pqcea/host/hex.hpp"

using namespace pqcea;
using namespace pqcea::mlkem;

namespace {

void seed_rng(rng::ShakeDrbg& r, std::uint8_t tag) {
  std::uint8_t entropy[32];
  for (int i = 0; i < 32; ++i) entropy[i] = static_cast<std::uint8_t>(tag * 31 + i);
  ASSERT_EQ(r.instantiate(entropy, {}, {}), Status::ok);
}

class FailingRng final : public rng::RandomSource {
 public:
  Status generate(std::span<std::uint8_t> out) override {
    std::memset(out.data(), 0xAA, out.size());  // garbage that must not leak into outputs
    return Status::entropy_failure;
  }
};

template <class T>
bool all_zero(const T& bytes) {
  for (auto b : bytes)
    if (b != 0) return false;
  return true;
}

// J(z || c) computed here independently of the library's decaps (FIPS 203 Alg. 18 step 9).
template <Params P>
std::array<std::uint8_t, 32> implicit_key(std::span<const std::uint8_t> dk, std::span<const std::uint8_t> c) {
  std::array<std::uint8_t, 32> out{};
  hash::Shake256 j;
  j.absorb(dk.data() + P.dk_bytes() - 32, 32);
  j.absorb(c.data(), c.size());
  j.squeeze(out.data(), out.size());
  return out;
}

template <Params P>
struct KeyPair {
  EncapsKey<P> ek{};
  DecapsKey<P> dk;
  KeySeed seed;
};

template <Params P>
void make_keys(KeyPair<P>& kp, rng::RandomSource& r) {
  ASSERT_EQ(r.generate(kp.seed.span()), Status::ok);
  ASSERT_EQ(keygen_from_seed<P>(kp.ek, kp.dk.span(), kp.seed.span()), Status::ok);
}

template <class T>
class MlKem : public ::testing::Test {};
template <Params P>
struct Set {
  static constexpr Params params = P;
};
using Sets = ::testing::Types<Set<ml_kem_512>, Set<ml_kem_768>, Set<ml_kem_1024>>;
TYPED_TEST_SUITE(MlKem, Sets);

}  // namespace

TYPED_TEST(MlKem, RoundTripRandomized) {
  constexpr Params P = TypeParam::params;
  rng::ShakeDrbg r;
  seed_rng(r, 1);
  for (int it = 0; it < 20; ++it) {
    EncapsKey<P> ek{};
    DecapsKey<P> dk;
    ASSERT_EQ(keygen<P>(ek, dk.span(), r), Status::ok);
    ASSERT_EQ(check_encaps_key<P>(ek), Status::ok);
    ASSERT_EQ(check_decaps_key<P>(dk.span()), Status::ok);
    Ciphertext<P> c{};
    SharedKey k1, k2;
    ASSERT_EQ(encaps<P>(k1.span(), c, ek, r), Status::ok);
    ASSERT_EQ(decaps<P>(k2.span(), c, dk.span()), Status::ok);
    EXPECT_EQ(0, std::memcmp(k1.data(), k2.data(), 32)) << "iteration " << it;
    EXPECT_FALSE(all_zero(k1.span()));
  }
}

TYPED_TEST(MlKem, DeterministicFormsAreDeterministic) {
  constexpr Params P = TypeParam::params;
  std::array<std::uint8_t, 32> d{}, z{}, m{};
  d.fill(1);
  z.fill(2);
  m.fill(3);
  EncapsKey<P> ek1{}, ek2{};
  DecapsKey<P> dk1, dk2;
  ASSERT_EQ(keygen_internal<P>(ek1, dk1.span(), d, z), Status::ok);
  ASSERT_EQ(keygen_internal<P>(ek2, dk2.span(), d, z), Status::ok);
  EXPECT_EQ(ek1, ek2);
  EXPECT_EQ(0, std::memcmp(dk1.data(), dk2.data(), P.dk_bytes()));
  // dk = dk_PKE || ek || H(ek) || z (FIPS 203 Alg. 16).
  EXPECT_EQ(0, std::memcmp(dk1.data() + 384 * P.k, ek1.data(), P.ek_bytes()));
  std::uint8_t h[32];
  hash::Sha3_256::hash(h, ek1.data(), ek1.size());
  EXPECT_EQ(0, std::memcmp(dk1.data() + 768 * P.k + 32, h, 32));
  EXPECT_EQ(0, std::memcmp(dk1.data() + 768 * P.k + 64, z.data(), 32));
  // A different d changes ek; a different z changes only the last 32 bytes of dk.
  std::array<std::uint8_t, 32> z2 = z;
  z2[0] ^= 1;
  ASSERT_EQ(keygen_internal<P>(ek2, dk2.span(), d, z2), Status::ok);
  EXPECT_EQ(ek1, ek2);
  EXPECT_EQ(0, std::memcmp(dk1.data(), dk2.data(), P.dk_bytes() - 32));
  Ciphertext<P> c1{}, c2{};
  SharedKey k1, k2;
  ASSERT_EQ(encaps_internal<P>(k1.span(), c1, ek1, m), Status::ok);
  ASSERT_EQ(encaps_internal<P>(k2.span(), c2, ek1, m), Status::ok);
  EXPECT_EQ(c1, c2);
  EXPECT_EQ(0, std::memcmp(k1.data(), k2.data(), 32));
  m[31] ^= 0x80;
  ASSERT_EQ(encaps_internal<P>(k2.span(), c2, ek1, m), Status::ok);
  EXPECT_NE(c1, c2);
}

TYPED_TEST(MlKem, ImplicitRejection) {
  constexpr Params P = TypeParam::params;
  rng::ShakeDrbg r;
  seed_rng(r, 2);
  KeyPair<P> kp;
  make_keys<P>(kp, r);
  Ciphertext<P> c{};
  SharedKey k;
  ASSERT_EQ(encaps<P>(k.span(), c, kp.ek, r), Status::ok);
  // Flip one bit at several places: start and end of c1, start and end of c2.
  for (std::size_t pos : {std::size_t{0}, P.c1_bytes() - 1, P.c1_bytes(), P.ct_bytes() - 1}) {
    for (std::uint8_t bit : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
      Ciphertext<P> bad = c;
      bad[pos] ^= bit;
      SharedKey got, got_seed;
      ASSERT_EQ(decaps<P>(got.span(), bad, kp.dk.span()), Status::ok) << "a bad ciphertext is not an error";
      EXPECT_NE(0, std::memcmp(got.data(), k.data(), 32)) << "pos " << pos;
      const auto expect = implicit_key<P>(kp.dk.span(), bad);
      EXPECT_EQ(0, std::memcmp(got.data(), expect.data(), 32)) << "pos " << pos << ": not J(z || c)";
      // The seed form rejects identically.
      ASSERT_EQ(decaps_seed<P>(got_seed.span(), bad, kp.seed.span()), Status::ok);
      EXPECT_EQ(0, std::memcmp(got_seed.data(), expect.data(), 32));
    }
  }
  // The rejection key depends on z: the same bad ciphertext under a dk with another z.
  Ciphertext<P> bad = c;
  bad[5] ^= 4;
  DecapsKey<P> dk2;
  std::memcpy(dk2.data(), kp.dk.data(), P.dk_bytes());
  dk2.data()[P.dk_bytes() - 1] ^= 1;
  SharedKey a, b;
  ASSERT_EQ(decaps<P>(a.span(), bad, kp.dk.span()), Status::ok);
  ASSERT_EQ(decaps<P>(b.span(), bad, dk2.span()), Status::ok);
  EXPECT_NE(0, std::memcmp(a.data(), b.data(), 32));
  // ...while a valid ciphertext decapsulates to the real key whatever z is (z only feeds J).
  ASSERT_EQ(decaps<P>(b.span(), c, dk2.span()), Status::ok);
  EXPECT_EQ(0, std::memcmp(b.data(), k.data(), 32));
}

TYPED_TEST(MlKem, MalformedEncapsKeyRejected) {
  constexpr Params P = TypeParam::params;
  rng::ShakeDrbg r;
  seed_rng(r, 3);
  KeyPair<P> kp;
  make_keys<P>(kp, r);
  // Put the 12-bit value v into coefficient slot `slot` of polynomial `poly` (§7.2 modulus check).
  auto with_coeff = [&](unsigned poly, unsigned slot, unsigned v) {
    EncapsKey<P> ek = kp.ek;
    std::uint8_t* p = ek.data() + 384 * poly + 3 * (slot / 2);
    if (slot % 2 == 0) {
      p[0] = static_cast<std::uint8_t>(v);
      p[1] = static_cast<std::uint8_t>((p[1] & 0xF0) | (v >> 8));
    } else {
      p[1] = static_cast<std::uint8_t>((p[1] & 0x0F) | ((v & 0x0F) << 4));
      p[2] = static_cast<std::uint8_t>(v >> 4);
    }
    return ek;
  };
  for (unsigned poly : {0u, P.k - 1u}) {
    for (unsigned slot : {0u, 1u, 255u}) {
      EXPECT_EQ(check_encaps_key<P>(with_coeff(poly, slot, 3328)), Status::ok);  // q - 1 is fine
      for (unsigned v : {3329u, 4095u}) {
        const auto bad = with_coeff(poly, slot, v);
        EXPECT_EQ(check_encaps_key<P>(bad), Status::invalid_key);
        Ciphertext<P> c;
        c.fill(0x55);
        SharedKey k;
        std::memset(k.data(), 0x55, 32);
        std::array<std::uint8_t, 32> m{};
        EXPECT_EQ(encaps_internal<P>(k.span(), c, bad, m), Status::invalid_key);
        EXPECT_TRUE(all_zero(c)) << "outputs are zeroed on failure";
        EXPECT_TRUE(all_zero(k.span()));
        EXPECT_EQ(encaps<P>(k.span(), c, bad, r), Status::invalid_key);
      }
    }
  }
  // rho (the last 32 bytes) is not range-checked: any value is a valid seed.
  EncapsKey<P> ek = kp.ek;
  ek[P.ek_bytes() - 1] ^= 0xFF;
  EXPECT_EQ(check_encaps_key<P>(ek), Status::ok);
}

TYPED_TEST(MlKem, MalformedDecapsKeyRejected) {
  constexpr Params P = TypeParam::params;
  rng::ShakeDrbg r;
  seed_rng(r, 4);
  KeyPair<P> kp;
  make_keys<P>(kp, r);
  Ciphertext<P> c{};
  SharedKey k;
  ASSERT_EQ(encaps<P>(k.span(), c, kp.ek, r), Status::ok);
  // §7.3 hash check: corrupt H(ek), or ek inside dk, or both ends of that range.
  for (std::size_t pos : {768u * P.k + 32u, 768u * P.k + 63u, 384u * P.k, 768u * P.k + 31u}) {
    DecapsKey<P> dk;
    std::memcpy(dk.data(), kp.dk.data(), P.dk_bytes());
    dk.data()[pos] ^= 0x10;
    EXPECT_EQ(check_decaps_key<P>(dk.span()), Status::invalid_key) << pos;
    SharedKey out;
    std::memset(out.data(), 0x77, 32);
    EXPECT_EQ(decaps<P>(out.span(), c, dk.span()), Status::invalid_key) << pos;
    EXPECT_TRUE(all_zero(out.span()));
  }
  // The secret part (dk_PKE) and z are not covered by the hash: such a dk passes the check.
  DecapsKey<P> dk;
  std::memcpy(dk.data(), kp.dk.data(), P.dk_bytes());
  dk.data()[0] ^= 1;
  EXPECT_EQ(check_decaps_key<P>(dk.span()), Status::ok);
}

TYPED_TEST(MlKem, SeedFormEqualsExpandedForm) {
  constexpr Params P = TypeParam::params;
  rng::ShakeDrbg r;
  seed_rng(r, 5);
  for (int it = 0; it < 5; ++it) {
    // keygen_seed returns only ek and d||z; expanding the seed gives the same ek and a dk that
    // decapsulates exactly like decaps_seed, for valid and for modified ciphertexts.
    EncapsKey<P> ek{}, ek2{};
    KeySeed seed;
    ASSERT_EQ(keygen_seed<P>(ek, seed.span(), r), Status::ok);
    DecapsKey<P> dk;
    ASSERT_EQ(keygen_from_seed<P>(ek2, dk.span(), seed.span()), Status::ok);
    EXPECT_EQ(ek, ek2);
    std::array<std::uint8_t, 32> d{}, z{};
    std::memcpy(d.data(), seed.data(), 32);
    std::memcpy(z.data(), seed.data() + 32, 32);
    DecapsKey<P> dk3;
    ASSERT_EQ(keygen_internal<P>(ek2, dk3.span(), d, z), Status::ok);
    EXPECT_EQ(0, std::memcmp(dk.data(), dk3.data(), P.dk_bytes()));

    Ciphertext<P> c{};
    SharedKey k, a, b;
    ASSERT_EQ(encaps<P>(k.span(), c, ek, r), Status::ok);
    ASSERT_EQ(decaps<P>(a.span(), c, dk.span()), Status::ok);
    ASSERT_EQ(decaps_seed<P>(b.span(), c, seed.span()), Status::ok);
    EXPECT_EQ(0, std::memcmp(a.data(), k.data(), 32));
    EXPECT_EQ(0, std::memcmp(b.data(), k.data(), 32));
    c[static_cast<std::size_t>(it) * 37 % P.ct_bytes()] ^= 0x20;
    ASSERT_EQ(decaps<P>(a.span(), c, dk.span()), Status::ok);
    ASSERT_EQ(decaps_seed<P>(b.span(), c, seed.span()), Status::ok);
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), 32));
    EXPECT_NE(0, std::memcmp(a.data(), k.data(), 32));
  }
}

TYPED_TEST(MlKem, RngFailureIsReported) {
  constexpr Params P = TypeParam::params;
  FailingRng bad;
  EncapsKey<P> ek;
  ek.fill(1);
  DecapsKey<P> dk;
  std::memset(dk.data(), 1, P.dk_bytes());
  EXPECT_EQ(keygen<P>(ek, dk.span(), bad), Status::entropy_failure);
  EXPECT_TRUE(all_zero(ek));
  EXPECT_TRUE(all_zero(dk.span()));
  KeySeed seed;
  EXPECT_EQ(keygen_seed<P>(ek, seed.span(), bad), Status::entropy_failure);
  EXPECT_TRUE(all_zero(seed.span()));

  rng::ShakeDrbg r;
  seed_rng(r, 6);
  KeyPair<P> kp;
  make_keys<P>(kp, r);
  Ciphertext<P> c;
  c.fill(1);
  SharedKey k;
  EXPECT_EQ(encaps<P>(k.span(), c, kp.ek, bad), Status::entropy_failure);
  EXPECT_TRUE(all_zero(c));
  EXPECT_TRUE(all_zero(k.span()));
}

// ---- runtime-selected layer: lengths and key forms ------------------------------------------
TEST(MlKemAlg, ParseAndSizes) {
  Alg a{};
  EXPECT_TRUE(parse_alg("ML-KEM-768", a));
  EXPECT_EQ(a, Alg::mlkem768);
  EXPECT_TRUE(parse_alg("ML-KEM-1024", a));
  EXPECT_EQ(a, Alg::mlkem1024);
  EXPECT_FALSE(parse_alg("ML-KEM-76", a));
  EXPECT_FALSE(parse_alg("ML-KEM-7680", a));
  EXPECT_FALSE(parse_alg("Kyber768", a));
  EXPECT_EQ(sizes(Alg::mlkem512).ct, 768u);
  EXPECT_EQ(sizes(Alg::mlkem1024).dk, 3168u);
}

TEST(MlKemAlg, WrongLengthsAreInvalidLength) {
  for (Alg a : {Alg::mlkem512, Alg::mlkem768, Alg::mlkem1024}) {
    const auto sz = sizes(a);
    std::vector<std::uint8_t> ek(sz.ek), dk(sz.dk), c(sz.ct), k(32), seed(64, 7), d(32, 1), z(32, 2), m(32, 3);
    ASSERT_EQ(keygen_internal(a, ek, dk, d, z), Status::ok);
    ASSERT_EQ(encaps_internal(a, k, c, ek, m), Status::ok);
    std::vector<std::uint8_t> k2(32);
    ASSERT_EQ(decaps(a, k2, c, dk), Status::ok);
    EXPECT_EQ(k, k2);
    // Seed form through the same entry point, told apart by length.
    std::vector<std::uint8_t> dz(d);
    dz.insert(dz.end(), z.begin(), z.end());
    ASSERT_EQ(decaps(a, k2, c, dz), Status::ok);
    EXPECT_EQ(k, k2);

    auto shorter = [](std::vector<std::uint8_t> v) {
      v.pop_back();
      return v;
    };
    auto longer = [](std::vector<std::uint8_t> v) {
      v.push_back(0);
      return v;
    };
    std::vector<std::uint8_t> ek_s = shorter(ek), dk_s = shorter(dk), c_s = shorter(c), c_l = longer(c);
    EXPECT_EQ(keygen_internal(a, ek_s, dk, d, z), Status::invalid_length);
    EXPECT_EQ(keygen_internal(a, ek, dk_s, d, z), Status::invalid_length);
    EXPECT_EQ(keygen_internal(a, ek, dk, shorter(d), z), Status::invalid_length);
    EXPECT_EQ(keygen_from_seed(a, ek, dk, shorter(seed)), Status::invalid_length);
    EXPECT_EQ(encaps_internal(a, k, c, ek_s, m), Status::invalid_length);
    EXPECT_EQ(encaps_internal(a, k, c_s, ek, m), Status::invalid_length);
    EXPECT_EQ(encaps_internal(a, k, c, ek, longer(m)), Status::invalid_length);
    EXPECT_EQ(decaps(a, k2, c_s, dk), Status::invalid_length);
    EXPECT_EQ(decaps(a, k2, c_l, dk), Status::invalid_length);
    EXPECT_EQ(decaps(a, k2, c, dk_s), Status::invalid_length);
    EXPECT_EQ(decaps(a, k2, c, longer(seed)), Status::invalid_length);
    std::vector<std::uint8_t> k_s(31);
    EXPECT_EQ(decaps(a, k_s, c, dk), Status::invalid_length);
    EXPECT_EQ(check_encaps_key(a, ek_s), Status::invalid_length);
    EXPECT_EQ(check_decaps_key(a, dk_s), Status::invalid_length);
    EXPECT_EQ(check_encaps_key(a, ek), Status::ok);
    EXPECT_EQ(check_decaps_key(a, dk), Status::ok);
    // A key of another set has the wrong length here.
    const Alg other = a == Alg::mlkem512 ? Alg::mlkem768 : Alg::mlkem512;
    EXPECT_EQ(check_encaps_key(other, ek), Status::invalid_length);
    EXPECT_EQ(decaps(other, k2, c, dk), Status::invalid_length);
  }
}

// ---- the known answers the on-target test (firmware/tests/target_mlkem.cpp) checks -----------
// d = 00..1f, z = 20..3f, m = 40..5f; digest = SHA3-256(ek || dk || c || K || K_reject) where
// K_reject is the decapsulation of c with its first byte XOR 1. The same constants are in the
// firmware test, so the board must reproduce exactly what this (ACVP- and KAT-verified) host
// build computes.
namespace {
template <Params P>
std::string target_digest() {
  std::array<std::uint8_t, 32> d{}, z{}, m{};
  for (int i = 0; i < 32; ++i) {
    d[i] = static_cast<std::uint8_t>(i);
    z[i] = static_cast<std::uint8_t>(32 + i);
    m[i] = static_cast<std::uint8_t>(64 + i);
  }
  EncapsKey<P> ek{};
  DecapsKey<P> dk;
  Ciphertext<P> c{};
  SharedKey k, k2, kr;
  EXPECT_EQ(keygen_internal<P>(ek, dk.span(), d, z), Status::ok);
  EXPECT_EQ(encaps_internal<P>(k.span(), c, ek, m), Status::ok);
  EXPECT_EQ(decaps<P>(k2.span(), c, dk.span()), Status::ok);
  EXPECT_EQ(0, std::memcmp(k.data(), k2.data(), 32));
  c[0] ^= 1;
  EXPECT_EQ(decaps<P>(kr.span(), c, dk.span()), Status::ok);
  c[0] ^= 1;
  hash::Sha3_256 h;
  h.update(ek);
  h.update(dk.span());
  h.update(c);
  h.update(k.span());
  h.update(kr.span());
  std::uint8_t md[32];
  h.final(md);
  return host::hex_encode(md);
}
}  // namespace

TEST(MlKemTarget, KnownAnswersForTheBoard) {
  EXPECT_EQ(target_digest<ml_kem_512>(), "27caaf1b606507374803b4f5fd404a17babb9b945bee802c8f5b4a038f8e010c");
  EXPECT_EQ(target_digest<ml_kem_768>(), "b75c029b4ffb9dc38129e38fbdc4f893c581769c174e1a11b3f444da8ee23d01");
  EXPECT_EQ(target_digest<ml_kem_1024>(), "3c2d524af3c8c8ea7af7b421b7ae6e4404e602474b3d7b0140691af249434ec8");
}
