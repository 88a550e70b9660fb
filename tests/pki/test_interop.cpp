// Interoperability: Debian's OpenSSL 3.0 command line parses our certificates. OpenSSL 3.0 has no
// ML-DSA, so it prints the dotted OIDs and cannot check signatures; it does check the whole
// X.509 structure, names, times and extensions. Also PEM and PKCS#8 round trips.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "pki_test_util.hpp"

using namespace pqcea;
using pki::Algorithm;
using pkitest::at;
using pkitest::Bytes;

namespace {

using pkitest::Cmd;
using pkitest::have_openssl;
using pkitest::run;

std::string hex_colons(const Bytes& b) {
  std::string s;
  char t[4];
  for (std::size_t i = 0; i < b.size(); ++i) {
    std::snprintf(t, sizeof t, "%02X", b[i]);
    if (i) s += ':';
    s += t;
  }
  return s;
}

class OpenSslInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    PKITEST_REQUIRE_OPENSSL();
    char tmpl[] = "/tmp/pqcea-pki-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string write(const std::string& name, const Bytes& b) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()),
                                                static_cast<std::streamsize>(b.size()));
    return path;
  }
  std::string read_text(const std::string& path) {
    std::ifstream f(path);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }

  std::string dir_;
  std::shared_ptr<const pki::Signer> root_key = pkitest::make_signer(Algorithm::MlDsa87, 31);
  std::shared_ptr<const pki::Signer> dev_key = pkitest::make_signer(Algorithm::MlDsa87, 32);
  pki::CertificateAuthority root = pki::CertificateAuthority::create_root(
      {"DE", "PQC Edge Fleet", "", "PQCEA Fleet Root CA", ""}, {at(2025, 1, 1), at(2045, 1, 1)}, root_key, 1);
};

}  // namespace

TEST_F(OpenSslInterop, ParsesRootCertificate) {
  std::string f = write("root.der", root.certificate().der);
  Cmd r = run("openssl x509 -inform DER -noout -text -in " + f);
  ASSERT_EQ(r.status, 0) << r.output;
  for (const char* want : {"Version: 3 (0x2)",
                           "Signature Algorithm: 2.16.840.1.101.3.4.3.19",
                           "Issuer: C = DE, O = PQC Edge Fleet, CN = PQCEA Fleet Root CA",
                           "Subject: C = DE, O = PQC Edge Fleet, CN = PQCEA Fleet Root CA",
                           "Not Before: Jan  1 00:00:00 2025 GMT",
                           "Not After : Jan  1 00:00:00 2045 GMT",
                           "Public Key Algorithm: 2.16.840.1.101.3.4.3.19",
                           "X509v3 Basic Constraints: critical",
                           "CA:TRUE, pathlen:1",
                           "X509v3 Key Usage: critical",
                           "Certificate Sign, CRL Sign",
                           "X509v3 Subject Key Identifier"}) {
    EXPECT_NE(r.output.find(want), std::string::npos) << "missing \"" << want << "\" in\n" << r.output;
  }
  EXPECT_NE(r.output.find(hex_colons(root.certificate().subject_key_id)), std::string::npos) << r.output;
  // The serial OpenSSL prints is ours.
  Cmd s = run("openssl x509 -inform DER -noout -serial -in " + f);
  ASSERT_EQ(s.status, 0) << s.output;
  std::string serial_hex = hex_colons(root.certificate().serial);
  serial_hex.erase(std::remove(serial_hex.begin(), serial_hex.end(), ':'), serial_hex.end());
  EXPECT_EQ(s.output, "serial=" + serial_hex + "\n");
  // asn1parse walks every element.
  Cmd a = run("openssl asn1parse -inform DER -in " + f);
  ASSERT_EQ(a.status, 0) << a.output;
  EXPECT_NE(a.output.find(":2.16.840.1.101.3.4.3.19"), std::string::npos) << a.output;
  EXPECT_NE(a.output.find("UTCTIME"), std::string::npos);
  EXPECT_NE(a.output.find("X509v3 Basic Constraints"), std::string::npos);
}

TEST_F(OpenSslInterop, ParsesDeviceCertificatesOfEveryParameterSet) {
  const std::pair<Algorithm, const char*> sets[] = {{Algorithm::MlDsa44, "2.16.840.1.101.3.4.3.17"},
                                                    {Algorithm::MlDsa65, "2.16.840.1.101.3.4.3.18"},
                                                    {Algorithm::MlDsa87, "2.16.840.1.101.3.4.3.19"}};
  for (const auto& [alg, oid] : sets) {
    auto key = pkitest::make_signer(alg, 40);
    pki::DeviceRequest req;
    req.device_id = "meter-0042";
    req.algorithm = alg;
    req.public_key = key->public_key();
    req.validity = {at(2025, 3, 1, 12), at(2051, 3, 1, 12)};  // notAfter needs GeneralizedTime
    req.san_uri = "urn:pqcea:device:meter-0042";
    req.san_dns_name = "meter-0042.fleet.example";
    pki::Certificate c = root.issue_device(req);
    std::string f = write("dev.der", c.der);
    Cmd r = run("openssl x509 -inform DER -noout -text -in " + f);
    ASSERT_EQ(r.status, 0) << r.output;
    for (std::string want : {std::string("Public Key Algorithm: ") + oid,
                             std::string("Signature Algorithm: 2.16.840.1.101.3.4.3.19"),
                             std::string("Subject: O = PQC Edge Fleet, CN = meter-0042, serialNumber = meter-0042"),
                             std::string("Issuer: C = DE, O = PQC Edge Fleet, CN = PQCEA Fleet Root CA"),
                             std::string("Not Before: Mar  1 12:00:00 2025 GMT"),
                             std::string("Not After : Mar  1 12:00:00 2051 GMT"),
                             std::string("CA:FALSE"), std::string("Digital Signature"),
                             std::string("DNS:meter-0042.fleet.example"),
                             std::string("URI:urn:pqcea:device:meter-0042"),
                             std::string("X509v3 Authority Key Identifier")}) {
      EXPECT_NE(r.output.find(want), std::string::npos) << "missing \"" << want << "\" in\n" << r.output;
    }
    EXPECT_NE(r.output.find(hex_colons(root.certificate().subject_key_id)), std::string::npos);
    Cmd a = run("openssl asn1parse -inform DER -in " + f);
    ASSERT_EQ(a.status, 0) << a.output;
    EXPECT_NE(a.output.find("GENERALIZEDTIME"), std::string::npos) << a.output;
  }
}

TEST_F(OpenSslInterop, PemMatchesOpenSsl) {
  const Bytes& d = root.certificate().der;
  std::string f = write("root.der", d);
  Cmd r = run("openssl x509 -inform DER -outform PEM -in " + f);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, pki::to_pem(d, "CERTIFICATE"));
  EXPECT_EQ(pki::from_pem(r.output, "CERTIFICATE"), d);
  // And OpenSSL reads our PEM back to the same DER.
  std::ofstream(dir_ + "/root.pem") << pki::to_pem(d, "CERTIFICATE");
  Cmd back = run("openssl x509 -in " + dir_ + "/root.pem -outform DER -out " + dir_ + "/back.der");
  ASSERT_EQ(back.status, 0) << back.output;
  std::ifstream in(dir_ + "/back.der", std::ios::binary);
  Bytes got((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(got, d);
  EXPECT_THROW(pki::from_pem("-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----\n", "CERTIFICATE"), pki::Error);
  EXPECT_THROW(pki::from_pem(r.output, "PRIVATE KEY"), pki::Error);
  EXPECT_EQ(pki::from_pem(pki::to_pem(Bytes{1, 2}, "X"), "X"), (Bytes{1, 2}));
  EXPECT_EQ(pki::from_pem(pki::to_pem(Bytes{1, 2, 3, 4}, "X"), "X"), (Bytes{1, 2, 3, 4}));
}

TEST_F(OpenSslInterop, OpenSslRejectsWhatWeReject) {
  // Negative control: the harness really sees OpenSSL failures.
  Bytes cut(root.certificate().der.begin(), root.certificate().der.end() - 10);
  std::string f = write("cut.der", cut);
  EXPECT_NE(run("openssl x509 -inform DER -noout -text -in " + f).status, 0);
  EXPECT_THROW(pki::parse_certificate(cut), std::runtime_error);
}

TEST_F(OpenSslInterop, PrivateKeySeedFormat) {
  std::array<std::uint8_t, 32> seed{};
  for (std::size_t i = 0; i < 32; ++i) seed[i] = static_cast<std::uint8_t>(i);
  Bytes k = pki::encode_private_key_seed(Algorithm::MlDsa87, seed);
  // SEQUENCE { INTEGER 0, SEQUENCE { id-ml-dsa-87 }, OCTET STRING { [0] 32 bytes } } (RFC 9881 §6)
  Bytes head = pkitest::hex("3034 020100 300B0609608648016503040313 0422 8020");
  ASSERT_EQ(k.size(), head.size() + 32);
  EXPECT_TRUE(std::equal(head.begin(), head.end(), k.begin()));
  auto [alg, back] = pki::decode_private_key_seed(k);
  EXPECT_EQ(alg, Algorithm::MlDsa87);
  EXPECT_EQ(back, seed);
  Cmd a = run("openssl asn1parse -inform DER -in " + write("key.der", k));
  ASSERT_EQ(a.status, 0) << a.output;
  EXPECT_NE(a.output.find(":2.16.840.1.101.3.4.3.19"), std::string::npos);
  // The expanded form and a short seed are refused.
  Bytes expanded = der::sequence({der::integer(0), pki::encode_algorithm_identifier(Algorithm::MlDsa87),
                                  der::octet_string(der::octet_string(Bytes(4896, 1)))});
  EXPECT_THROW(pki::decode_private_key_seed(expanded), pki::Error);
  Bytes short_seed = der::sequence({der::integer(0), pki::encode_algorithm_identifier(Algorithm::MlDsa87),
                                    der::octet_string(der::implicit_tag(0, der::octet_string(Bytes(31, 1))))});
  EXPECT_THROW(pki::decode_private_key_seed(short_seed), pki::Error);
}
