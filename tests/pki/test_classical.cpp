// The classical (ECDSA P-256) track of the OCPP dual track: keys, CSRs with pqcKeyBinding, the CA
// and its leaves, OCPP CertificateHashData, the fleet files. Independent checks: Debian's openssl
// command verifies our CSRs and certificates; the hash data is recomputed from the DER with the
// project's own parser, not OpenSSL.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pki_test_util.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/classical_pki.hpp"
#include "pqcea/host/hex.hpp"

using namespace pqcea;
using namespace pqcea::pki::classical;
using pkitest::Bytes;
namespace fs = std::filesystem;

namespace {

Bytes sha256(der::ByteView b) {
  Bytes d(32);
  hash::Sha256::hash(d.data(), b.data(), b.size());
  return d;
}

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/pqcea-classical-XXXXXX";
    if (::mkdtemp(tmpl) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    if (!path_.empty()) fs::remove_all(path_);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

const Bytes kPqcKey = [] {
  Bytes k(2592);
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return k;
}();

// The PEM of `der` under `label`, for tampered copies.
std::string repem(const Bytes& der, const char* label) { return pki::to_pem(der, label); }

}  // namespace

TEST(Classical, KeyPemRoundTrip) {
  const EcKey k = EcKey::generate();
  const std::string pem = k.private_pem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  const EcKey back = EcKey::from_pem(pem);
  EXPECT_EQ(back.spki_der(), k.spki_der());
  EcKey moved = EcKey::from_pem(pem);
  EcKey target = std::move(moved);
  EXPECT_EQ(target.spki_der(), k.spki_der());
  EXPECT_THROW(EcKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), pki::Error);
}

TEST(Classical, RefusesKeysOtherThanP256) {
  EVP_PKEY* p384 = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  ASSERT_NE(p384, nullptr);
  try {
    EcKey::adopt(p384);  // frees it
    FAIL() << "P-384 accepted";
  } catch (const pki::Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected P-256"), std::string::npos) << e.what();
  }
  EVP_PKEY* ed = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  ASSERT_NE(ed, nullptr);
  try {
    EcKey::adopt(ed);
    FAIL() << "Ed25519 accepted";
  } catch (const pki::Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected EC P-256"), std::string::npos) << e.what();
  }
  // A CA refuses a P-384 key in a signer request.
  EVP_PKEY* other = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  ASSERT_NE(other, nullptr);
  unsigned char* buf = nullptr;
  const int n = i2d_PUBKEY(other, &buf);
  ASSERT_GT(n, 0);
  const Bytes spki(buf, buf + n);
  OPENSSL_free(buf);
  EVP_PKEY_free(other);
  const Ca ca = Ca::create("CA", "PQCEA", 10);
  EXPECT_THROW(ca.issue_signer_pem(spki, "signer", 10), pki::Error);
}

TEST(Classical, CsrRoundTripWithBinding) {
  const EcKey k = EcKey::generate();
  const std::string pem = make_csr_pem(k, "CS-0001", "Station Maker", kPqcKey);
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE REQUEST-----", 0), 0u);
  const Csr c = parse_csr_pem(pem);
  EXPECT_EQ(c.common_name, "CS-0001");
  EXPECT_EQ(c.organization, "Station Maker");
  EXPECT_EQ(c.spki_der, k.spki_der());
  EXPECT_EQ(c.pqc_key_hash, sha256(kPqcKey));
  EXPECT_EQ(c.pqc_key_hash, pqc_key_binding(kPqcKey));
  // The attribute as docs/ocpp.md specifies it: the OID, then SET { OCTET STRING (32) }.
  const Bytes attr_tail = [] {
    Bytes b = pkitest::hex("31 22 04 20");
    const Bytes h = sha256(kPqcKey);
    b.insert(b.end(), h.begin(), h.end());
    return b;
  }();
  // DER of 2.25.201361565676542678975966009313748703647.1 (X.690 §8.19), worked out by hand: our
  // own OID encoder stops at 64-bit arcs.
  EXPECT_NE(pkitest::find(c.der, pkitest::hex("06 15 69 82 AE FC E9 EB F3 EF FA A4 C9 8D F2 B7 E7 92 DA C7 B3 1F 01")),
            std::string::npos);
  EXPECT_NE(pkitest::find(c.der, attr_tail), std::string::npos);

  const Csr plain = parse_csr_pem(make_csr_pem(k, "CS-0002", "", {}));
  EXPECT_TRUE(plain.pqc_key_hash.empty());
  EXPECT_TRUE(plain.organization.empty());
}

TEST(Classical, CsrParserIsStrict) {
  const EcKey k = EcKey::generate();
  const std::string pem = make_csr_pem(k, "CS-0003", "Maker", kPqcKey);
  const Bytes der = pki::from_pem(pem, "CERTIFICATE REQUEST");
  auto refused = [](const std::string& text, const std::string& why, const std::string& want) {
    SCOPED_TRACE(why);
    try {
      parse_csr_pem(text);
      ADD_FAILURE() << "accepted";
    } catch (const pki::Error& e) {
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
    }
  };
  refused(pem + pem, "two CSRs", "more than one PEM block");
  refused("junk\n" + pem, "text before", "text outside");
  refused(repem(der, "CERTIFICATE"), "wrong label", "CERTIFICATE REQUEST");
  {
    Bytes bad = der;
    bad[bad.size() - 10] ^= 0x01;  // in the signature
    refused(repem(bad, "CERTIFICATE REQUEST"), "signature bit", "CSR");
  }
  {
    Bytes bad = der;
    const std::size_t at = pkitest::find(bad, Bytes{'C', 'S', '-'});
    ASSERT_NE(at, std::string::npos);
    bad[at + 3] ^= 0x01;  // in the signed subject
    refused(repem(bad, "CERTIFICATE REQUEST"), "subject bit", "CSR signature invalid");
  }
  {
    Bytes bad = der;
    bad.push_back(0);
    refused(repem(bad, "CERTIFICATE REQUEST"), "trailing byte", "");
  }
}

TEST(Classical, CaIssuesStationCertificates) {
  const Ca ca = Ca::create("PQCEA OCPP classical CA", "PQCEA", 3650);
  const CertInfo root = inspect_certificate_pem(ca.certificate_pem());
  EXPECT_EQ(root.common_name, "PQCEA OCPP classical CA");
  EXPECT_EQ(root.organization, "PQCEA");
  EXPECT_EQ(verify_certificate(ca.certificate_pem(), ca.certificate_pem(), now()), "");

  const EcKey k = EcKey::generate();
  const Csr csr = parse_csr_pem(make_csr_pem(k, "CS-0004", "Maker", kPqcKey));
  const std::string leaf = ca.issue_station_pem(csr, "CS-0004", "", 365);
  const CertInfo info = inspect_certificate_pem(leaf);
  EXPECT_EQ(info.common_name, "CS-0004");
  EXPECT_EQ(info.organization, "Maker");
  ASSERT_EQ(info.serial.size(), 16u);
  EXPECT_NE(info.serial[0], 0);
  EXPECT_LE(info.not_before, now());
  EXPECT_GE(info.not_after, now() + 364 * 86400);
  EXPECT_EQ(verify_certificate(leaf, ca.certificate_pem(), now()), "");
  EXPECT_NE(verify_certificate(leaf, ca.certificate_pem(), now() + 400LL * 86400), "");  // expired
  const Ca other = Ca::create("Other CA", "PQCEA", 10);
  EXPECT_NE(verify_certificate(leaf, other.certificate_pem(), now()), "");
  EXPECT_NE(inspect_certificate_pem(ca.issue_station_pem(csr, "CS-0004", "", 365)).serial, info.serial);
  EXPECT_EQ(inspect_certificate_pem(ca.issue_station_pem(csr, "CS-0004", "CSO Ltd", 365)).organization, "CSO Ltd");
  try {
    ca.issue_station_pem(csr, "CS-9999", "", 365);
    FAIL() << "issued for another identity";
  } catch (const pki::Error& e) {
    EXPECT_NE(std::string(e.what()).find("CSR names another identity"), std::string::npos) << e.what();
  }

  // Saved and loaded, the CA issues certificates that chain to the same root.
  const Ca loaded = Ca::load(ca.certificate_pem(), ca.key_pem());
  EXPECT_EQ(loaded.certificate_pem(), ca.certificate_pem());
  EXPECT_EQ(verify_certificate(loaded.issue_station_pem(csr, "CS-0004", "", 30), ca.certificate_pem(), now()), "");
  EXPECT_THROW(Ca::load(ca.certificate_pem(), other.key_pem()), pki::Error);
  EXPECT_THROW(Ca::load(leaf, k.private_pem()), pki::Error);  // not a CA

  const auto chain = split_pem_chain(leaf + ca.certificate_pem());
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(inspect_certificate_pem(chain[0]).common_name, "CS-0004");
  EXPECT_EQ(chain[1], ca.certificate_pem());
  EXPECT_THROW(split_pem_chain("-----BEGIN CERTIFICATE-----\nAAAA\n"), pki::Error);
}

TEST(Classical, FirmwareSignerSignatures) {
  const Ca ca = Ca::create("CA", "PQCEA", 100);
  const EcKey signer = EcKey::generate();
  const std::string cert = ca.issue_signer_pem(signer.spki_der(), "PQCEA firmware signer", 100);
  EXPECT_EQ(inspect_certificate_pem(cert).organization, "PQCEA");
  EXPECT_EQ(verify_certificate(cert, ca.certificate_pem(), now()), "");
  const Bytes data = {'f', 'i', 'r', 'm', 'w', 'a', 'r', 'e'};
  const Bytes sig = signer.sign_sha256(data);
  EXPECT_TRUE(verify_sha256(cert, data, sig));
  Bytes other = data;
  other[0] ^= 1;
  EXPECT_FALSE(verify_sha256(cert, other, sig));
  Bytes bad_sig = sig;
  bad_sig[bad_sig.size() - 1] ^= 1;
  EXPECT_FALSE(verify_sha256(cert, data, bad_sig));
  EXPECT_FALSE(verify_sha256(cert, data, Bytes{0x30, 0x00}));
}

TEST(Classical, CertificateHashDataMatchesTheDer) {
  const Ca ca = Ca::create("CA", "PQCEA", 100);
  const EcKey k = EcKey::generate();
  const std::string leaf = ca.issue_station_pem(parse_csr_pem(make_csr_pem(k, "CS-5", "", {})), "CS-5", "", 10);
  const CertificateHash h = certificate_hash_data(leaf, ca.certificate_pem());

  // Recomputed from the DER with the project's own parser (RFC 5280 §4.1).
  const Bytes leaf_der = inspect_certificate_pem(leaf).der;
  der::Element cert = der::parse_single(leaf_der, "Certificate");
  der::Reader top = der::contents(cert, der::tag::kSequence, "Certificate");
  der::Reader tbs = top.enter(der::tag::kSequence, "tbs");
  tbs.next(der::tag::context(0, true), "version");
  const Bytes serial = der::decode_unsigned_integer(tbs.next(der::tag::kInteger, "serial"));
  tbs.next(der::tag::kSequence, "signature");
  const der::Element issuer = tbs.next(der::tag::kSequence, "issuer");
  EXPECT_EQ(h.issuer_name_hash, host::hex_encode(sha256(issuer.encoding)));

  const Bytes ca_der = inspect_certificate_pem(ca.certificate_pem()).der;
  der::Element ca_cert = der::parse_single(ca_der, "Certificate");
  der::Reader ca_top = der::contents(ca_cert, der::tag::kSequence, "Certificate");
  der::Reader ca_tbs = ca_top.enter(der::tag::kSequence, "tbs");
  for (int i = 0; i < 6; ++i) ca_tbs.next();  // version, serial, signature, issuer, validity, subject
  der::Reader spki = ca_tbs.enter(der::tag::kSequence, "spki");
  spki.next(der::tag::kSequence, "algorithm");
  const Bytes key = der::decode_octet_aligned_bit_string(spki.next(der::tag::kBitString, "key"));
  EXPECT_EQ(key.size(), 65u);  // uncompressed P-256 point
  EXPECT_EQ(h.issuer_key_hash, host::hex_encode(sha256(key)));

  std::string hex = host::hex_encode(serial);
  hex.erase(0, hex.find_first_not_of('0'));
  EXPECT_EQ(h.serial_number, hex);
  EXPECT_EQ(h.serial_number.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(h.serial_number[0], '0');

  EXPECT_THROW(certificate_hash_data(leaf, Ca::create("Other", "PQCEA", 10).certificate_pem()), pki::Error);
}

TEST(Classical, EnsureFleetClassical) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const fs::path fleet = dir.path() / "fleet";
  ensure_fleet_classical(fleet);
  for (const char* f : {"ocpp-ca.pem", "ocpp-ca.key.pem", "firmware-signer.pem", "firmware-signer.key.pem"})
    EXPECT_TRUE(fs::exists(fleet / f)) << f;
  for (const char* f : {"ocpp-ca.key.pem", "firmware-signer.key.pem"}) {
    struct stat st {};
    ASSERT_EQ(::stat((fleet / f).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
  }
  const std::string ca_pem = read(fleet / "ocpp-ca.pem");
  const std::string ca_key = read(fleet / "ocpp-ca.key.pem");
  const std::string signer_pem = read(fleet / "firmware-signer.pem");
  EXPECT_EQ(inspect_certificate_pem(ca_pem).common_name, "PQCEA OCPP classical CA");
  EXPECT_EQ(verify_certificate(signer_pem, ca_pem, now()), "");
  const EcKey signer = EcKey::from_pem(read(fleet / "firmware-signer.key.pem"));
  const Bytes data = {1, 2, 3};
  EXPECT_TRUE(verify_sha256(signer_pem, data, signer.sign_sha256(data)));

  // A second run changes nothing.
  ensure_fleet_classical(fleet);
  EXPECT_EQ(read(fleet / "ocpp-ca.pem"), ca_pem);
  EXPECT_EQ(read(fleet / "ocpp-ca.key.pem"), ca_key);
  EXPECT_EQ(read(fleet / "firmware-signer.pem"), signer_pem);

  // A missing certificate is made again for the key that is there.
  fs::remove(fleet / "firmware-signer.pem");
  ensure_fleet_classical(fleet);
  const std::string reissued = read(fleet / "firmware-signer.pem");
  EXPECT_NE(reissued, signer_pem);
  EXPECT_TRUE(verify_sha256(reissued, data, signer.sign_sha256(data)));
  EXPECT_EQ(verify_certificate(reissued, ca_pem, now()), "");

  // A certificate without its key is refused, and nothing is replaced.
  fs::remove(fleet / "ocpp-ca.key.pem");
  EXPECT_THROW(ensure_fleet_classical(fleet), pki::Error);
  EXPECT_EQ(read(fleet / "ocpp-ca.pem"), ca_pem);
  EXPECT_FALSE(fs::exists(fleet / "ocpp-ca.key.pem"));
}

// Debian's OpenSSL command as the independent verifier of the classical objects.
TEST(Classical, OpensslCommandVerifiesCsrsAndCertificates) {
  PKITEST_REQUIRE_OPENSSL();
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const fs::path d = dir.path();
  const Ca ca = Ca::create("PQCEA OCPP classical CA", "PQCEA", 100);
  const EcKey k = EcKey::generate();
  const std::string csr_pem = make_csr_pem(k, "CS-0100", "Maker", kPqcKey);
  write(d / "station.csr", csr_pem);
  write(d / "ca.pem", ca.certificate_pem());
  write(d / "station.pem", ca.issue_station_pem(parse_csr_pem(csr_pem), "CS-0100", "", 30));
  write(d / "signer.pem", ca.issue_signer_pem(EcKey::generate().spki_der(), "PQCEA firmware signer", 30));
  pkitest::Cmd r = pkitest::run("openssl req -in " + (d / "station.csr").string() + " -verify -noout");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("verify OK"), std::string::npos) << r.output;
  r = pkitest::run("openssl req -in " + (d / "station.csr").string() + " -noout -text");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find(std::string(kPqcKeyBindingOid)), std::string::npos) << r.output;
  for (const char* leaf : {"station.pem", "signer.pem"}) {
    r = pkitest::run("openssl verify -x509_strict -CAfile " + (d / "ca.pem").string() + " " + (d / leaf).string());
    EXPECT_EQ(r.status, 0) << leaf << ": " << r.output;
  }
  r = pkitest::run("openssl verify -purpose sslclient -CAfile " + (d / "ca.pem").string() + " " + (d / "station.pem").string());
  EXPECT_EQ(r.status, 0) << r.output;
  r = pkitest::run("openssl x509 -in " + (d / "station.pem").string() + " -noout -serial -subject");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("CN = CS-0100"), std::string::npos) << r.output;

  // Tampered: a bit of the signed subject flipped; openssl refuses it too.
  Bytes der = pki::from_pem(csr_pem, "CERTIFICATE REQUEST");
  der[pkitest::find(der, Bytes{'C', 'S', '-'}) + 3] ^= 0x01;
  write(d / "bad.csr", repem(der, "CERTIFICATE REQUEST"));
  // (OpenSSL 3.0's `req -verify` reports the failure but may still exit 0.)
  r = pkitest::run("openssl req -in " + (d / "bad.csr").string() + " -verify -noout");
  EXPECT_TRUE(r.status != 0 || r.output.find("verify failure") != std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("verify OK"), std::string::npos) << r.output;
  // And a certificate from another CA does not verify.
  write(d / "other.pem", Ca::create("Other", "PQCEA", 10).certificate_pem());
  r = pkitest::run("openssl verify -CAfile " + (d / "other.pem").string() + " " + (d / "station.pem").string());
  EXPECT_NE(r.status, 0) << r.output;
}
