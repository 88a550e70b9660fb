// LFDI/SFDI (IEEE 2030.5-2018 §6.3.2-6.3.4).
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include "pqcea/host/der.hpp"
#include "pqcea/host/grid2030/identity.hpp"
#include "pqcea/host/hex.hpp"
#include "pqcea/host/pki.hpp"

namespace g = pqcea::grid2030;
namespace pki = pqcea::pki;
namespace der = pqcea::der;

namespace {

// §6.3.2-6.3.4 worked example: the fingerprint, its LFDI and SFDI as the standard prints them.
constexpr const char* kExampleLfdi = "3E4F45AB31EDFE5B67E343E5E4562E31984E23E5";
constexpr const char* kExampleLfdiDisplay = "3E4F-45AB-31ED-FE5B-67E3-43E5-E456-2E31-984E-23E5";
constexpr std::uint64_t kExampleSfdi = 167261211391;

std::array<std::uint8_t, 32> seed(std::uint8_t v) {
  std::array<std::uint8_t, 32> s;
  s.fill(v);
  return s;
}

pki::Certificate mldsa_device_certificate(pki::Algorithm alg, std::uint8_t key_seed) {
  const auto det = pki::SigningMode::deterministic;
  auto t = [](int y) { return der::to_time({y, 1, 1, 0, 0, 0}); };
  auto root_key = pki::mldsa_signer(pki::Algorithm::MlDsa65, seed(1), det);
  auto device_key = pki::mldsa_signer(alg, seed(key_seed), det);
  auto root = pki::CertificateAuthority::create_root({"US", "Grid Test", "", "2030.5 Test Root", ""},
                                                     {t(2025), t(2050)}, root_key, 0);
  pki::DeviceRequest req;
  req.device_id = "der-0001";
  req.algorithm = alg;
  req.public_key = device_key->public_key();
  req.validity = {t(2025), t(2045)};
  return root.issue_device(req);
}

}  // namespace

TEST(Grid2030Identity, StandardExampleSfdi) {
  const auto lfdi = g::lfdi_from_hex(kExampleLfdi);
  ASSERT_TRUE(lfdi);
  EXPECT_EQ(g::sfdi_from_lfdi(*lfdi), kExampleSfdi);
  EXPECT_EQ(g::sfdi_check_digit(16726121139), 1u);  // "Expressed as a decimal: 16726121139"
  EXPECT_TRUE(g::sfdi_is_valid(kExampleSfdi));
  EXPECT_EQ(g::lfdi_to_hex(*lfdi), kExampleLfdi);
  EXPECT_EQ(g::lfdi_to_display(*lfdi), kExampleLfdiDisplay);
  EXPECT_EQ(g::lfdi_from_hex(kExampleLfdiDisplay), lfdi);
}

TEST(Grid2030Identity, StandardExampleFromFingerprint) {
  // The full fingerprint of §6.3.2: the LFDI is its first 20 octets.
  g::Fingerprint fp{};
  ASSERT_TRUE(pqcea::host::hex_decode_into("3E4F45AB31EDFE5B67E343E5E4562E31984E23E5349E2AD745672ED145EE213A", fp));
  const g::Lfdi lfdi = g::lfdi_from_fingerprint(fp);
  EXPECT_EQ(g::lfdi_to_hex(lfdi), kExampleLfdi);
  EXPECT_EQ(g::sfdi_from_lfdi(lfdi), kExampleSfdi);
}

TEST(Grid2030Identity, SfdiValidation) {
  EXPECT_FALSE(g::sfdi_is_valid(167261211392));  // wrong check digit
  EXPECT_FALSE(g::sfdi_is_valid(167261211390));
  EXPECT_TRUE(g::sfdi_is_valid(0));              // fingerprint starting with 36 zero bits
  EXPECT_TRUE(g::sfdi_is_valid(g::kMaxSfdi / 10 * 10 + g::sfdi_check_digit(g::kMaxSfdi / 10)));
  EXPECT_FALSE(g::sfdi_is_valid(g::kMaxSfdi + 1 + 10));  // more than 36 bits before the check digit
  // All-ones LFDI: 36 bits of ones = 68719476735, digit sum 63, check digit 7.
  g::Lfdi ones{};
  ones.fill(0xFF);
  EXPECT_EQ(g::sfdi_from_lfdi(ones), 687194767357u);
}

TEST(Grid2030Identity, LfdiHexIsStrict) {
  EXPECT_FALSE(g::lfdi_from_hex(""));
  EXPECT_FALSE(g::lfdi_from_hex("3E4F45AB31EDFE5B67E343E5E4562E31984E23E"));    // 39 digits
  EXPECT_FALSE(g::lfdi_from_hex("3E4F45AB31EDFE5B67E343E5E4562E31984E23E5A1"));  // 42 digits
  EXPECT_FALSE(g::lfdi_from_hex("3E4F45AB31EDFE5B67E343E5E4562E31984E23EG"));    // not hex
  EXPECT_FALSE(g::lfdi_from_hex("3E4F:45AB-31ED-FE5B-67E3-43E5-E456-2E31-984E-23E5"));
  EXPECT_TRUE(g::lfdi_from_hex("3e4f45ab31edfe5b67e343e5e4562e31984e23e5"));
}

TEST(Grid2030Identity, MlDsaCertificate) {
  for (auto alg : {pki::Algorithm::MlDsa44, pki::Algorithm::MlDsa65, pki::Algorithm::MlDsa87}) {
    const pki::Certificate cert = mldsa_device_certificate(alg, 7);
    const g::DeviceIdentity id = g::identity_from_certificate(cert.der);
    // Independent SHA-256 (OpenSSL) over the whole DER certificate.
    std::array<std::uint8_t, 32> expected{};
    SHA256(cert.der.data(), cert.der.size(), expected.data());
    EXPECT_EQ(id.fingerprint, expected) << pki::algorithm_name(alg);
    EXPECT_TRUE(std::equal(id.lfdi.begin(), id.lfdi.end(), expected.begin()));
    std::uint64_t top36 = 0;
    for (int i = 0; i < 5; ++i) top36 = (top36 << 8) | expected[i];
    top36 >>= 4;
    EXPECT_EQ(id.sfdi / 10, top36);
    EXPECT_TRUE(g::sfdi_is_valid(id.sfdi));
  }
}

TEST(Grid2030Identity, NewKeyMeansNewIdentity) {
  const auto a = g::identity_from_certificate(mldsa_device_certificate(pki::Algorithm::MlDsa44, 7).der);
  const auto b = g::identity_from_certificate(mldsa_device_certificate(pki::Algorithm::MlDsa44, 8).der);
  EXPECT_NE(a.lfdi, b.lfdi);
}

TEST(Grid2030Identity, RefusesWhatIsNotOneDerCertificate) {
  const pki::Certificate cert = mldsa_device_certificate(pki::Algorithm::MlDsa44, 7);
  std::vector<std::uint8_t> trailing = cert.der;
  trailing.push_back(0);
  EXPECT_THROW(g::identity_from_certificate(trailing), g::IdentityError);
  const std::string pem = pki::to_pem(cert.der, "CERTIFICATE");
  EXPECT_THROW(g::identity_from_certificate(std::span(reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size())),
               g::IdentityError);
  std::vector<std::uint8_t> truncated(cert.der.begin(), cert.der.end() - 1);
  EXPECT_THROW(g::identity_from_certificate(truncated), g::IdentityError);
  EXPECT_THROW(g::identity_from_certificate(std::vector<std::uint8_t>{}), g::IdentityError);
}
