// ML-DSA PKCS#10 requests (RFC 2986, RFC 9881) and station certificates issued from them: round
// trips, strict parsing, proof of possession, the CA deciding every extension and the serial, and
// the RFC 9763 related-certificate extension. Debian's openssl parses the request's structure.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "pki_test_util.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/classical_pki.hpp"
#include "pqcea/host/csr.hpp"

using namespace pqcea;
using pki::Algorithm;
using pkitest::Bytes;

namespace {

constexpr Algorithm kAlgs[] = {Algorithm::MlDsa44, Algorithm::MlDsa65, Algorithm::MlDsa87};

pki::Name station_name(const std::string& cn) { return pki::Name{"", "Station Maker", "", cn, ""}; }

Bytes sha256(pqcea::der::ByteView b) {
  Bytes d(32);
  hash::Sha256::hash(d.data(), b.data(), b.size());
  return d;
}

const pki::Validity kValidity{pkitest::at(2025, 1, 1), pkitest::at(2030, 1, 1)};

// An ML-DSA-87 fleet root (the fleet CA's role in docs/ocpp.md).
const pki::CertificateAuthority& fleet_ca() {
  static const pki::CertificateAuthority ca = pki::CertificateAuthority::create_root(
      {"DE", "PQC Edge Fleet", "", "PQCEA Fleet Root CA", ""}, {pkitest::at(2024, 1, 1), pkitest::at(2040, 1, 1)},
      pkitest::make_signer(Algorithm::MlDsa87, 0x11));
  return ca;
}

pki::StationCertificateRequest station_request(const std::string& id) {
  pki::StationCertificateRequest r;
  r.station_id = id;
  r.validity = kValidity;
  return r;
}

pki::Certificate issue(const pki::CertificationRequest& csr, const pki::StationCertificateRequest& req) {
  return pki::issue_station_certificate(fleet_ca(), csr, req, pkitest::verify_fn());
}

}  // namespace

TEST(Csr, RoundTripEveryParameterSet) {
  for (Algorithm a : kAlgs) {
    SCOPED_TRACE(std::string(pki::algorithm_name(a)));
    auto key = pkitest::make_signer(a, 0x21);
    const Bytes der = pki::build_csr(station_name("CS-0001"), *key);
    const pki::CertificationRequest csr = pki::parse_csr(der);
    EXPECT_EQ(csr.der, der);
    EXPECT_EQ(csr.algorithm, a);
    EXPECT_EQ(csr.public_key, key->public_key());
    EXPECT_EQ(csr.signature.size(), pki::signature_size(a));
    EXPECT_EQ(csr.subject.name, station_name("CS-0001"));
    EXPECT_TRUE(csr.requested_extensions.empty());
    EXPECT_TRUE(csr.other_attributes.empty());
    // The signed bytes are the CertificationRequestInfo right after the outer header.
    ASSERT_LT(csr.info.size(), der.size());
    EXPECT_TRUE(std::search(der.begin(), der.end(), csr.info.begin(), csr.info.end()) == der.begin() + 4 ||
                std::search(der.begin(), der.end(), csr.info.begin(), csr.info.end()) == der.begin() + 5);
    EXPECT_TRUE(pki::verify_csr(csr, pkitest::verify_fn()));
    // RFC 9881 §2 AlgorithmIdentifier with absent parameters after the info.
    const Bytes alg_id = pki::encode_algorithm_identifier(a);
    EXPECT_NE(pkitest::find(der, alg_id, true), std::string::npos);
  }
}

TEST(Csr, EmptyAttributesAreEncoded) {
  // RFC 2986 §4.1: attributes [0] is not OPTIONAL; an empty set is A0 00 at the end of the info.
  auto key = pkitest::make_signer(Algorithm::MlDsa44, 0x22);
  const pki::CertificationRequest csr = pki::parse_csr(pki::build_csr(station_name("CS-1"), *key));
  ASSERT_GE(csr.info.size(), 2u);
  EXPECT_EQ(csr.info[csr.info.size() - 2], 0xA0);
  EXPECT_EQ(csr.info[csr.info.size() - 1], 0x00);
}

TEST(Csr, TamperedRequestRefused) {
  auto key = pkitest::make_signer(Algorithm::MlDsa65, 0x23);
  const Bytes der = pki::build_csr(station_name("CS-0002"), *key);
  const pki::CertificationRequest good = pki::parse_csr(der);
  // Flip one bit in the subject, in the public key, and in the signature: each either fails to
  // parse or fails the proof of possession, and the CA refuses it.
  const std::size_t cn_at = pkitest::find(der, Bytes{'C', 'S', '-'});
  ASSERT_NE(cn_at, std::string::npos);
  for (std::size_t at : {cn_at + 3, std::size_t{200}, der.size() - 100}) {
    SCOPED_TRACE(at);
    Bytes bad = der;
    bad[at] ^= 0x01;
    pki::CertificationRequest csr;
    try {
      csr = pki::parse_csr(bad);
    } catch (const std::exception&) {
      continue;  // refused by the parser: fine
    }
    EXPECT_FALSE(pki::verify_csr(csr, pkitest::verify_fn()));
    auto req = station_request(csr.subject.name.common_name);
    try {
      issue(csr, req);
      ADD_FAILURE() << "a tampered CSR was issued a certificate";
    } catch (const pki::Error& e) {
      EXPECT_STREQ(e.what(), "CSR signature invalid");
    }
  }
  EXPECT_TRUE(pki::verify_csr(good, pkitest::verify_fn()));
}

TEST(Csr, WrongCommonNameRefused) {
  auto key = pkitest::make_signer(Algorithm::MlDsa87, 0x24);
  const pki::CertificationRequest csr = pki::parse_csr(pki::build_csr(station_name("CS-0003"), *key));
  try {
    issue(csr, station_request("CS-9999"));
    FAIL() << "issued for another identity";
  } catch (const pki::Error& e) {
    EXPECT_NE(std::string(e.what()).find("CSR names another identity"), std::string::npos) << e.what();
  }
}

TEST(Csr, RequestedExtensionsNeverReachTheCertificate) {
  auto key = pkitest::make_signer(Algorithm::MlDsa87, 0x25);
  // A request asking for a CA certificate, keyCertSign and a name of its choosing.
  const std::vector<pki::Extension> asked = {
      {std::string(pki::oid::kBasicConstraints), true, der::sequence({der::boolean(true)})},
      {std::string(pki::oid::kKeyUsage), true, der::named_bit_string(pki::kKeyCertSign | pki::kCrlSign)},
      {std::string(pki::oid::kSubjectAltName), false, der::sequence({der::implicit_tag(2, der::ia5_string("evil.example"))})},
  };
  // challengePassword (PKCS#9 1.2.840.113549.1.9.7) as an unrelated attribute.
  const std::pair<std::string, Bytes> attrs[] = {
      pki::extension_request_attribute(asked),
      {"1.2.840.113549.1.9.7", der::set_of({der::utf8_string("secret")})},
  };
  const pki::CertificationRequest csr = pki::parse_csr(pki::build_csr(station_name("CS-0004"), *key, attrs));
  ASSERT_EQ(csr.requested_extensions.size(), 3u);
  EXPECT_EQ(csr.requested_extensions[0].oid, pki::oid::kBasicConstraints);
  EXPECT_TRUE(csr.requested_extensions[0].critical);
  ASSERT_EQ(csr.other_attributes.size(), 1u);
  EXPECT_EQ(csr.other_attributes[0].first, "1.2.840.113549.1.9.7");
  EXPECT_EQ(csr.other_attributes[0].second, attrs[1].second);

  const pki::Certificate cert = issue(csr, station_request("CS-0004"));
  EXPECT_FALSE(cert.is_ca);
  ASSERT_TRUE(cert.key_usage.has_value());
  EXPECT_EQ(*cert.key_usage, pki::kDigitalSignature);
  EXPECT_TRUE(cert.san_dns_names.empty());
  std::set<std::string> oids;
  for (const auto& e : cert.extensions) oids.insert(e.oid);
  EXPECT_EQ(oids, (std::set<std::string>{std::string(pki::oid::kBasicConstraints), std::string(pki::oid::kKeyUsage),
                                         std::string(pki::oid::kSubjectKeyIdentifier),
                                         std::string(pki::oid::kAuthorityKeyIdentifier)}));
}

TEST(Csr, StrictParserRefusesMalformedRequests) {
  auto key = pkitest::make_signer(Algorithm::MlDsa44, 0x26);
  const Bytes der = pki::build_csr(station_name("CS-5"), *key);
  const pki::CertificationRequest csr = pki::parse_csr(der);
  const Bytes spki = pki::encode_spki(Algorithm::MlDsa44, key->public_key());
  auto signed_csr = [&](const Bytes& info, Algorithm sig_alg) {
    return der::sequence({info, pki::encode_algorithm_identifier(sig_alg), der::bit_string(key->sign(info))});
  };
  auto info_with = [&](std::int64_t version, const Bytes& attrs) {
    return der::sequence({der::integer(version), pki::encode_name(station_name("CS-5")), spki, attrs});
  };
  const Bytes no_attrs = der::implicit_tag(0, der::set_of({}));
  auto refused = [](const Bytes& bad, const char* why) {
    SCOPED_TRACE(why);
    EXPECT_ANY_THROW(pki::parse_csr(bad));
  };
  {
    Bytes trailing = der;
    trailing.push_back(0);
    refused(trailing, "trailing byte");
  }
  refused(Bytes(der.begin(), der.end() - 1), "truncated");
  refused(signed_csr(info_with(1, no_attrs), Algorithm::MlDsa44), "version 1");
  refused(signed_csr(der::sequence({der::integer(0), pki::encode_name(station_name("CS-5")), spki}), Algorithm::MlDsa44),
          "attributes absent");
  refused(signed_csr(info_with(0, no_attrs), Algorithm::MlDsa65), "signature algorithm not the key's");
  {
    const Bytes attr = der::sequence({der::oid("1.2.840.113549.1.9.7"), der::set_of({der::utf8_string("x")})});
    Bytes twice = der::tlv(0xA0, [&] {
      Bytes b = attr;
      der::append(b, attr);
      return b;
    }());
    refused(signed_csr(info_with(0, twice), Algorithm::MlDsa44), "attribute twice");
    refused(signed_csr(info_with(0, der::implicit_tag(0, der::set_of({der::sequence({der::oid("1.2.840.113549.1.9.7"),
                                                                                          der::tlv(0x31, {})})}))),
                       Algorithm::MlDsa44),
            "attribute without values");
  }
  refused(signed_csr(info_with(0, der::implicit_tag(0, der::set_of({der::sequence(
                                                       {der::oid(pki::oid::kExtensionRequest),
                                                        der::set_of({der::sequence(std::vector<Bytes>{})})})}))),
                     Algorithm::MlDsa44),
          "empty extensionRequest");
  {
    // HashML-DSA is not allowed (RFC 9881 §3).
    Bytes hash_alg = der::sequence({der::oid(pki::oid::kHashMlDsa44)});
    const Bytes info = info_with(0, no_attrs);
    refused(der::sequence({info, hash_alg, der::bit_string(key->sign(info))}), "HashML-DSA");
  }
  {
    // A signature one byte short.
    const Bytes info = info_with(0, no_attrs);
    Bytes sig = key->sign(info);
    sig.pop_back();
    refused(der::sequence({info, pki::encode_algorithm_identifier(Algorithm::MlDsa44), der::bit_string(sig)}),
            "short signature");
  }
  // The well-formed twin of the above parses and verifies.
  EXPECT_TRUE(pki::verify_csr(pki::parse_csr(signed_csr(info_with(0, no_attrs), Algorithm::MlDsa44)), pkitest::verify_fn()));
  EXPECT_TRUE(pki::verify_csr(csr, pkitest::verify_fn()));
}

TEST(Csr, BuildRefusesBadAttributes) {
  auto key = pkitest::make_signer(Algorithm::MlDsa44, 0x27);
  const std::pair<std::string, Bytes> twice[] = {{"1.2.3.4", der::set_of({der::null()})}, {"1.2.3.4", der::set_of({der::null()})}};
  EXPECT_THROW(pki::build_csr(station_name("CS-6"), *key, twice), pki::Error);
  const std::pair<std::string, Bytes> not_a_set[] = {{"1.2.3.4", der::null()}};
  EXPECT_ANY_THROW(pki::build_csr(station_name("CS-6"), *key, not_a_set));
  EXPECT_THROW(pki::build_csr(station_name(""), *key), pki::Error);
}

TEST(CsrStation, IssuedCertificateFollowsTheProfile) {
  auto key = pkitest::make_signer(Algorithm::MlDsa65, 0x31);
  const pki::CertificationRequest csr = pki::parse_csr(pki::build_csr(station_name("CS-0010"), *key));
  auto req = station_request("CS-0010");
  req.organization = "Charging Station Operator GmbH";
  const pki::Certificate cert = issue(csr, req);
  const pki::Certificate again = pki::parse_certificate(cert.der);
  EXPECT_EQ(again.subject.common_name, "CS-0010");
  EXPECT_EQ(again.subject.organization, "Charging Station Operator GmbH");
  EXPECT_EQ(again.public_key_algorithm, Algorithm::MlDsa65);
  EXPECT_EQ(again.public_key, key->public_key());
  EXPECT_TRUE(again.has_basic_constraints);
  EXPECT_FALSE(again.is_ca);
  EXPECT_EQ(again.subject_key_id, pki::key_identifier(key->public_key()));
  EXPECT_EQ(again.authority_key_id, fleet_ca().certificate().subject_key_id);
  EXPECT_EQ(again.validity.not_before, kValidity.not_before);
  EXPECT_FALSE(pki::related_certificate_hash(again).has_value());

  pki::TrustStore trust;
  trust.add(fleet_ca().certificate(), pkitest::verify_fn());
  const pki::ChainResult r = pki::validate_chain(again, {}, trust, pkitest::at(2026, 6, 1), pkitest::verify_fn());
  EXPECT_TRUE(r.ok) << r.reason;

  // Empty organization: the CA's.
  const pki::Certificate own = issue(csr, station_request("CS-0010"));
  EXPECT_EQ(own.subject.organization, "PQC Edge Fleet");
}

TEST(CsrStation, SerialsAreRandom) {
  auto key = pkitest::make_signer(Algorithm::MlDsa44, 0x32);
  const pki::CertificationRequest csr = pki::parse_csr(pki::build_csr(station_name("CS-0011"), *key));
  const pki::Certificate a = issue(csr, station_request("CS-0011"));
  const pki::Certificate b = issue(csr, station_request("CS-0011"));
  EXPECT_NE(a.serial, b.serial);
  for (const auto* c : {&a, &b}) {
    ASSERT_EQ(c->serial.size(), 16u);
    EXPECT_NE(c->serial[0], 0);
    EXPECT_LT(c->serial[0], 0x80);
  }
  const Bytes s = pki::random_serial();
  EXPECT_EQ(s.size(), 16u);
  EXPECT_NE(s, pki::random_serial());
}

TEST(CsrStation, RelatedCertificateExtension) {
  // The classical certificate issued beside it (docs/ocpp.md): an ECDSA P-256 leaf.
  const auto classical_ca = pki::classical::Ca::create("Test classical CA", "PQCEA", 30);
  const auto ec = pki::classical::EcKey::generate();
  const auto ec_csr = pki::classical::parse_csr_pem(pki::classical::make_csr_pem(ec, "CS-0012", "Maker", {}));
  const std::string leaf_pem = classical_ca.issue_station_pem(ec_csr, "CS-0012", "", 30);
  const Bytes classical_der = pki::classical::inspect_certificate_pem(leaf_pem).der;

  auto key = pkitest::make_signer(Algorithm::MlDsa87, 0x33);
  const pki::CertificationRequest csr = pki::parse_csr(pki::build_csr(station_name("CS-0012"), *key));
  auto req = station_request("CS-0012");
  req.related_certificate_der = classical_der;
  const pki::Certificate cert = pki::parse_certificate(issue(csr, req).der);  // the existing parser

  const pki::Extension* ext = cert.find_extension(pki::oid::kRelatedCertificate);
  ASSERT_NE(ext, nullptr);
  EXPECT_FALSE(ext->critical);
  // RFC 9763 §4: SEQUENCE { SEQUENCE { id-sha256 } (parameters absent), OCTET STRING (32) }.
  Bytes want = pkitest::hex("30 2F 30 0B 06 09 60 86 48 01 65 03 04 02 01 04 20");
  const Bytes h = sha256(classical_der);
  want.insert(want.end(), h.begin(), h.end());
  EXPECT_EQ(ext->value, want);
  const auto got = pki::related_certificate_hash(cert);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, h);

  // Malformed related certificates and extensions are refused.
  req.related_certificate_der = {0x30, 0x03, 0x01};
  EXPECT_ANY_THROW(issue(csr, req));
  pki::Certificate bad = cert;
  for (auto& e : bad.extensions)
    if (e.oid == pki::oid::kRelatedCertificate) e.value[6] ^= 0x01;  // another hash OID
  EXPECT_THROW(pki::related_certificate_hash(bad), pki::Error);
  // NULL parameters are accepted (RFC 5754 §2).
  pki::Certificate with_null = cert;
  for (auto& e : with_null.extensions)
    if (e.oid == pki::oid::kRelatedCertificate)
      e.value = der::sequence({der::sequence({der::oid(pki::oid::kSha256), der::null()}), der::octet_string(h)});
  EXPECT_EQ(pki::related_certificate_hash(with_null), h);
}

// Debian's OpenSSL 3.0 has no ML-DSA, but its ASN.1 parser walks the whole request.
TEST(Csr, OpensslParsesTheStructure) {
  PKITEST_REQUIRE_OPENSSL();
  char tmpl[] = "/tmp/pqcea-csr-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  auto key = pkitest::make_signer(Algorithm::MlDsa87, 0x41);
  const std::pair<std::string, Bytes> attrs[] = {pki::extension_request_attribute(
      std::vector<pki::Extension>{{std::string(pki::oid::kKeyUsage), true, der::named_bit_string(pki::kDigitalSignature)}})};
  const Bytes der = pki::build_csr(station_name("CS-0020"), *key, attrs);
  const std::string path = dir + "/req.der";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(der.data()), static_cast<std::streamsize>(der.size()));
  const pkitest::Cmd r = pkitest::run("openssl asn1parse -inform DER -i -in " + path);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("2.16.840.1.101.3.4.3.19"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Extension Request"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("CS-0020"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("BIT STRING"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Error"), std::string::npos) << r.output;
}
