// X.509 with ML-DSA (RFC 9881): issuance of a root and device certificates, the exact encodings of
// the algorithm identifiers and SPKI, and strict parsing (every rejection has a reason).
#include <gtest/gtest.h>

#include "pki_test_util.hpp"
#if defined(PQCEA_PKI_HAVE_MLDSA)
#include "pqcea/mldsa.hpp"
#endif

using namespace pqcea;
using pki::Algorithm;
using pkitest::at;
using pkitest::Bytes;
using pkitest::hex;

namespace {

pki::Name root_name() {
  pki::Name n;
  n.country = "DE";
  n.organization = "PQC Edge Fleet";
  n.common_name = "PQCEA Fleet Root CA";
  return n;
}

pki::Validity years(int from, int to) { return {at(from, 1, 1), at(to, 1, 1)}; }

template <class F>
void expect_pki_error(F f, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one containing \"" << fragment << "\"";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)
        << "message \"" << e.what() << "\" lacks \"" << fragment << "\"";
  }
}

// Replaces every occurrence (or only the last) of `from` by `to` (same length).
Bytes replace_bytes(Bytes b, const Bytes& from, const Bytes& to, bool only_last = false) {
  std::size_t start = 0;
  bool any = false;
  while (true) {
    std::size_t i = std::string::npos;
    if (only_last) {
      i = pkitest::find(b, from, true);
    } else {
      for (std::size_t k = start; k + from.size() <= b.size(); ++k)
        if (std::equal(from.begin(), from.end(), b.begin() + static_cast<std::ptrdiff_t>(k))) {
          i = k;
          break;
        }
    }
    if (i == std::string::npos) break;
    std::copy(to.begin(), to.end(), b.begin() + static_cast<std::ptrdiff_t>(i));
    any = true;
    start = i + to.size();
    if (only_last) break;
  }
  EXPECT_TRUE(any) << "pattern not found";
  return b;
}

const Bytes kAlgId87 = hex("300B 0609608648016503040313");  // SEQUENCE { id-ml-dsa-87 }, no parameters

class X509Test : public ::testing::Test {
 protected:
  std::shared_ptr<const pki::Signer> root_key = pkitest::make_signer(Algorithm::MlDsa87, 1);
  std::shared_ptr<const pki::Signer> dev_key = pkitest::make_signer(Algorithm::MlDsa87, 2);
  pki::CertificateAuthority root = pki::CertificateAuthority::create_root(root_name(), years(2025, 2045), root_key, 1);

  pki::Certificate device(const std::string& id = "dev-000001") {
    pki::DeviceRequest r;
    r.device_id = id;
    r.public_key = dev_key->public_key();
    r.validity = years(2025, 2035);
    r.san_uri = "urn:pqcea:device:" + id;
    return root.issue_device(r);
  }
};

}  // namespace

TEST(X509Algorithms, IdentifiersAndSizes) {
  EXPECT_EQ(pki::encode_algorithm_identifier(Algorithm::MlDsa44), hex("300B 0609608648016503040311"));
  EXPECT_EQ(pki::encode_algorithm_identifier(Algorithm::MlDsa65), hex("300B 0609608648016503040312"));
  EXPECT_EQ(pki::encode_algorithm_identifier(Algorithm::MlDsa87), kAlgId87);
  EXPECT_EQ(pki::public_key_size(Algorithm::MlDsa44), 1312u);
  EXPECT_EQ(pki::public_key_size(Algorithm::MlDsa65), 1952u);
  EXPECT_EQ(pki::public_key_size(Algorithm::MlDsa87), 2592u);
  EXPECT_EQ(pki::signature_size(Algorithm::MlDsa44), 2420u);
  EXPECT_EQ(pki::signature_size(Algorithm::MlDsa65), 3309u);
  EXPECT_EQ(pki::signature_size(Algorithm::MlDsa87), 4627u);
  EXPECT_EQ(pki::algorithm_from_name("ML-DSA-65"), Algorithm::MlDsa65);
  EXPECT_EQ(pki::algorithm_from_name("mldsa44"), Algorithm::MlDsa44);
  EXPECT_FALSE(pki::algorithm_from_name("ML-DSA-99").has_value());
  for (Algorithm a : {Algorithm::MlDsa44, Algorithm::MlDsa65, Algorithm::MlDsa87}) {
    Bytes e = pki::encode_algorithm_identifier(a);
    EXPECT_EQ(pki::decode_algorithm_identifier(der::parse_single(e, "alg")), a);
  }
}

TEST(X509Algorithms, RejectsParametersHashMlDsaAndUnknownOids) {
  auto dec = [](const Bytes& b) { return pki::decode_algorithm_identifier(der::parse_single(b, "alg")); };
  expect_pki_error([&] { dec(hex("300D 0609608648016503040313 0500")); }, "parameters must be absent");
  expect_pki_error([&] { dec(hex("300B 0609608648016503040320")); }, "HashML-DSA");
  expect_pki_error([&] { dec(hex("300B 0609608648016503040321")); }, "HashML-DSA");
  expect_pki_error([&] { dec(hex("300B 0609608648016503040322")); }, "HashML-DSA");
  expect_pki_error([&] { dec(hex("300B 0609608648016503040314")); }, "unsupported algorithm");  // SLH-DSA
  expect_pki_error([&] { dec(hex("300A 06082A8648CE3D040303")); }, "unsupported algorithm");    // ecdsa-with-SHA384
  expect_pki_error([&] { dec(hex("3100")); }, "expected SEQUENCE");
}

TEST(X509Spki, RawKeyInBitStringRfc9881) {
  auto key = pkitest::make_signer(Algorithm::MlDsa87, 9)->public_key();
  Bytes spki = pki::encode_spki(Algorithm::MlDsa87, key);
  // SEQUENCE (2610) { SEQUENCE { OID ml-dsa-87 }, BIT STRING (2593) { 0 unused bits, key } }
  Bytes header = hex("30820A32 300B0609608648016503040313 03820A21 00");
  ASSERT_EQ(spki.size(), header.size() + key.size());
  EXPECT_EQ(Bytes(spki.begin(), spki.begin() + static_cast<std::ptrdiff_t>(header.size())), header);
  EXPECT_EQ(Bytes(spki.begin() + static_cast<std::ptrdiff_t>(header.size()), spki.end()), key);
  auto [alg, pk] = pki::decode_spki(spki);
  EXPECT_EQ(alg, Algorithm::MlDsa87);
  EXPECT_EQ(pk, key);
  expect_pki_error([&] { pki::encode_spki(Algorithm::MlDsa65, key); }, "wrong size");
  Bytes short_key = replace_bytes(spki, hex("300B0609608648016503040313"), hex("300B0609608648016503040312"));
  expect_pki_error([&] { pki::decode_spki(short_key); }, "wrong size");
}

TEST_F(X509Test, RootCertificateFields) {
  const pki::Certificate& c = root.certificate();
  EXPECT_EQ(c.version, 3);
  EXPECT_TRUE(c.self_issued());
  EXPECT_EQ(c.subject, root_name());
  EXPECT_EQ(c.issuer, root_name());
  EXPECT_EQ(c.validity.not_before, at(2025, 1, 1));
  EXPECT_EQ(c.validity.not_after, at(2045, 1, 1));
  EXPECT_EQ(c.signature_algorithm, Algorithm::MlDsa87);
  EXPECT_EQ(c.public_key_algorithm, Algorithm::MlDsa87);
  EXPECT_EQ(c.public_key, root_key->public_key());
  EXPECT_EQ(c.signature.size(), 4627u);
  EXPECT_TRUE(c.has_basic_constraints);
  EXPECT_TRUE(c.is_ca);
  ASSERT_TRUE(c.path_len.has_value());
  EXPECT_EQ(*c.path_len, 1u);
  ASSERT_TRUE(c.key_usage.has_value());
  EXPECT_EQ(*c.key_usage, pki::kKeyCertSign | pki::kCrlSign);
  EXPECT_EQ(c.subject_key_id, pki::key_identifier(c.public_key));
  EXPECT_EQ(c.subject_key_id.size(), 20u);
  EXPECT_EQ(c.authority_key_id, c.subject_key_id);
  EXPECT_EQ(c.serial.size(), 16u);
  ASSERT_NE(c.find_extension(pki::oid::kBasicConstraints), nullptr);
  EXPECT_TRUE(c.find_extension(pki::oid::kBasicConstraints)->critical);
  EXPECT_TRUE(c.find_extension(pki::oid::kKeyUsage)->critical);
  EXPECT_FALSE(c.find_extension(pki::oid::kSubjectKeyIdentifier)->critical);
  EXPECT_FALSE(c.find_extension(pki::oid::kAuthorityKeyIdentifier)->critical);
  // The extension values, byte for byte.
  EXPECT_EQ(c.find_extension(pki::oid::kBasicConstraints)->value, hex("30060101FF020101"));
  EXPECT_EQ(c.find_extension(pki::oid::kKeyUsage)->value, hex("03020106"));
  // The signature is over exactly the DER TBSCertificate, with the root's own key.
  EXPECT_TRUE(pkitest::verify(Algorithm::MlDsa87, c.public_key, c.tbs, c.signature));
  // Both AlgorithmIdentifiers are the bare OID: once in the TBS, once outside (plus the SPKI's).
  std::size_t first = pkitest::find(c.der, kAlgId87);
  std::size_t last = pkitest::find(c.der, kAlgId87, true);
  EXPECT_LT(first, c.tbs.size());
  EXPECT_EQ(last, 4u + c.tbs.size());  // right after the TBS inside the outer SEQUENCE header
  der::check_tree(c.der);
  // Reparsing our own encoding gives the same bytes back.
  EXPECT_EQ(pki::parse_certificate(c.der).der, c.der);
}

TEST_F(X509Test, DeviceCertificateFields) {
  pki::Certificate c = device();
  EXPECT_EQ(c.subject.common_name, "dev-000001");
  EXPECT_EQ(c.subject.serial_number, "dev-000001");
  EXPECT_EQ(c.subject.organization, "PQC Edge Fleet");
  EXPECT_EQ(c.issuer_der, root.certificate().subject_der);
  EXPECT_TRUE(c.has_basic_constraints);
  EXPECT_FALSE(c.is_ca);
  EXPECT_FALSE(c.path_len.has_value());
  EXPECT_EQ(c.find_extension(pki::oid::kBasicConstraints)->value, hex("3000"));
  EXPECT_EQ(*c.key_usage, pki::kDigitalSignature);
  EXPECT_EQ(c.find_extension(pki::oid::kKeyUsage)->value, hex("03020780"));
  EXPECT_EQ(c.authority_key_id, root.certificate().subject_key_id);
  EXPECT_EQ(c.subject_key_id, pki::key_identifier(dev_key->public_key()));
  ASSERT_EQ(c.san_uris.size(), 1u);
  EXPECT_EQ(c.san_uris[0], "urn:pqcea:device:dev-000001");
  EXPECT_TRUE(pkitest::verify(Algorithm::MlDsa87, root_key->public_key(), c.tbs, c.signature));
  // serialNumber attribute is a PrintableString (X.520).
  Bytes attr = der::sequence({der::oid("2.5.4.5"), der::printable_string("dev-000001")});
  EXPECT_NE(pkitest::find(c.subject_der, attr), std::string::npos);
  // Distinct devices get distinct serials; the same request gives the same certificate.
  EXPECT_NE(device("dev-000002").serial, c.serial);
  EXPECT_EQ(device().der, c.der);
}

TEST_F(X509Test, NamesRoundTrip) {
  pki::Name n;
  n.country = "FR";
  n.organization = "Énergie \xE2\x9A\xA1";
  n.organizational_unit = "Gateways";
  n.common_name = "gw-17";
  n.serial_number = "SN 17/A";
  Bytes d = pki::encode_name(n);
  EXPECT_EQ(pki::decode_name(der::parse_single(d, "name")).name, n);
  n.serial_number = "dev_17";  // '_' is not a PrintableString character
  EXPECT_THROW(pki::encode_name(n), der::Error);
  n.serial_number.clear();
  n.country = "FRA";
  EXPECT_THROW(pki::encode_name(n), pki::Error);
  // Unknown attribute types are kept aside; duplicates and multi-valued RDNs are refused.
  Bytes other = der::sequence({der::set_of({der::sequence({der::oid("2.5.4.7"), der::utf8_string("Berlin")})})});
  auto pn = pki::decode_name(der::parse_single(other, "name"));
  ASSERT_EQ(pn.other.size(), 1u);
  EXPECT_EQ(pn.other[0].second, "Berlin");
  Bytes cn = der::set_of({der::sequence({der::oid("2.5.4.3"), der::utf8_string("a")})});
  expect_pki_error([&] { pki::decode_name(der::parse_single(der::sequence({cn, cn}), "n")); }, "twice");
  Bytes multi = der::set_of({der::sequence({der::oid("2.5.4.3"), der::utf8_string("a")}),
                             der::sequence({der::oid("2.5.4.10"), der::utf8_string("b")})});
  expect_pki_error([&] { pki::decode_name(der::parse_single(der::sequence({multi}), "n")); }, "multi-valued");
}

TEST_F(X509Test, IssuanceRefusesInconsistentTemplates) {
  pki::CertificateTemplate t;
  t.subject.common_name = "x";
  t.validity = years(2025, 2026);
  t.public_key = dev_key->public_key();
  auto issue = [&] { return pki::issue_certificate(t, &root.certificate(), *root_key); };
  EXPECT_NO_THROW(issue());
  t.validity = {at(2026, 1, 1), at(2025, 1, 1)};
  expect_pki_error(issue, "notAfter");
  t.validity = years(2025, 2026);
  t.key_usage = pki::kKeyEncipherment;
  expect_pki_error(issue, "RFC 9881");
  t.key_usage = pki::kKeyCertSign;
  expect_pki_error(issue, "keyCertSign without cA");
  t.key_usage = 0;
  t.path_len = 0;
  expect_pki_error(issue, "pathLenConstraint on a non-CA");
  t.path_len.reset();
  t.public_key_algorithm = Algorithm::MlDsa65;
  expect_pki_error(issue, "needs 1952");
  t.public_key_algorithm = Algorithm::MlDsa87;
  t.serial = Bytes(21, 1);
  expect_pki_error(issue, "20 octets");
  t.serial = Bytes(3, 0);
  expect_pki_error(issue, "positive");
  t.serial = hex("01");
  EXPECT_EQ(pki::parse_certificate(issue()).serial, hex("01"));
  t.serial.clear();
  // The signer must hold the issuer's key; a self-signed certificate must carry the signer's key.
  expect_pki_error([&] { pki::issue_certificate(t, &root.certificate(), *dev_key); }, "issuer certificate's key");
  expect_pki_error([&] { pki::issue_certificate(t, nullptr, *root_key); }, "self-signed");
  // The CA wrapper refuses a key that is not the certificate's.
  expect_pki_error([&] { pki::CertificateAuthority(root.certificate(), dev_key); }, "not the certificate's key");
  expect_pki_error([&] { pki::CertificateAuthority(device(), dev_key); }, "not a CA");
}

TEST_F(X509Test, TimesAcross2050UseGeneralizedTime) {
  pki::DeviceRequest r;
  r.device_id = "dev-long";
  r.public_key = dev_key->public_key();
  r.validity = {at(2049, 6, 1), at(2051, 6, 1)};
  pki::Certificate c = root.issue_device(r);
  EXPECT_EQ(c.validity.not_before, at(2049, 6, 1));
  EXPECT_EQ(c.validity.not_after, at(2051, 6, 1));
  EXPECT_NE(pkitest::find(c.tbs, der::utc_time(at(2049, 6, 1))), std::string::npos);
  EXPECT_NE(pkitest::find(c.tbs, der::generalized_time(at(2051, 6, 1))), std::string::npos);
}

TEST_F(X509Test, ParserRejectsHashMlDsaAndMismatchedAlgorithms) {
  const Bytes& der = root.certificate().der;
  Bytes hash87 = hex("300B 0609608648016503040322");
  expect_pki_error([&] { pki::parse_certificate(replace_bytes(der, kAlgId87, hash87)); }, "HashML-DSA");
  // Only the outer signatureAlgorithm changed to ML-DSA-65.
  Bytes outer65 = replace_bytes(der, kAlgId87, hex("300B 0609608648016503040312"), true);
  expect_pki_error([&] { pki::parse_certificate(outer65); }, "differs from tbsCertificate.signature");
  // Only the inner one changed.
  std::size_t first = pkitest::find(der, kAlgId87);
  Bytes inner65 = der;
  inner65[first + kAlgId87.size() - 1] = 0x12;
  expect_pki_error([&] { pki::parse_certificate(inner65); }, "differs");
}

TEST_F(X509Test, ParserRejectsUnknownCriticalExtensionsAndDuplicates) {
  pki::CertificateTemplate t;
  t.subject.common_name = "ext";
  t.validity = years(2025, 2026);
  t.public_key = dev_key->public_key();
  t.extra_extensions.push_back({"1.3.6.1.4.1.99999.7", false, der::null()});
  pki::Certificate ok = pki::parse_certificate(pki::issue_certificate(t, &root.certificate(), *root_key));
  ASSERT_NE(ok.find_extension("1.3.6.1.4.1.99999.7"), nullptr);  // unknown non-critical: kept
  t.extra_extensions[0].critical = true;
  Bytes crit = pki::issue_certificate(t, &root.certificate(), *root_key);
  expect_pki_error([&] { pki::parse_certificate(crit); }, "unknown critical extension 1.3.6.1.4.1.99999.7");
  t.extra_extensions[0] = {std::string(pki::oid::kSubjectKeyIdentifier), false, der::octet_string(hex("01"))};
  expect_pki_error([&] { pki::parse_certificate(pki::issue_certificate(t, &root.certificate(), *root_key)); },
                   "appears twice");
}

TEST_F(X509Test, ParserRejectsMalformedEncodings) {
  const Bytes& good = root.certificate().der;
  Bytes trailing = good;
  trailing.push_back(0);
  expect_pki_error([&] { pki::parse_certificate(trailing); }, "trailing");
  Bytes truncated(good.begin(), good.end() - 1);
  expect_pki_error([&] { pki::parse_certificate(truncated); }, "exceeds");
  expect_pki_error([&] { pki::parse_certificate({}); }, "end of data");
  // Outer length in non-minimal form (0x83 00 xx xx).
  Bytes nonmin = {0x30, 0x83, 0x00};
  nonmin.insert(nonmin.end(), good.begin() + 2, good.end());
  expect_pki_error([&] { pki::parse_certificate(nonmin); }, "minimal");
  // Indefinite outer length.
  Bytes indef = {0x30, 0x80};
  indef.insert(indef.end(), good.begin() + 4, good.end());
  indef.push_back(0);
  indef.push_back(0);
  expect_pki_error([&] { pki::parse_certificate(indef); }, "indefinite");
  // Every truncation is rejected.
  for (std::size_t n = 0; n < good.size(); n += 97) {
    EXPECT_THROW(pki::parse_certificate(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n))),
                 std::runtime_error) << n;
  }
}

namespace {

// A certificate taken apart into its TBS fields, to build malformed variants and re-sign them.
struct Parts {
  std::vector<Bytes> tbs;  // version, serial, signature, issuer, validity, subject, spki, [3] extensions
  std::vector<Bytes> exts;
  Bytes alg;
  enum { kVersion, kSerial, kSig, kIssuer, kValidity, kSubject, kSpki, kExts };

  explicit Parts(const Bytes& cert) {
    der::Reader top = der::contents(der::parse_single(cert, "c"), der::tag::kSequence, "c");
    der::Element tbs_e = top.next();
    der::Element alg_e = top.next();
    alg.assign(alg_e.encoding.begin(), alg_e.encoding.end());
    der::Reader r = der::contents(tbs_e, der::tag::kSequence, "tbs");
    while (!r.empty()) {
      der::Element e = r.next();
      tbs.emplace_back(e.encoding.begin(), e.encoding.end());
    }
    der::Reader w = der::contents(der::parse_single(tbs[kExts], "x"), der::tag::context(3, true), "x");
    der::Reader x = w.enter(der::tag::kSequence, "exts");
    while (!x.empty()) {
      der::Element e = x.next();
      exts.emplace_back(e.encoding.begin(), e.encoding.end());
    }
  }
  // Reassembles (extensions from `exts` unless `keep_ext_field`), signs with `signer`.
  Bytes build(const pki::Signer& signer, bool keep_ext_field = false) const {
    std::vector<Bytes> fields = tbs;
    if (!keep_ext_field) fields[kExts] = der::explicit_tag(3, der::sequence(exts));
    Bytes t = der::sequence(fields);
    return der::sequence({t, alg, der::bit_string(signer.sign(t))});
  }
  std::size_t ext_index(std::string_view oid) const {
    Bytes enc = der::oid(oid);
    for (std::size_t i = 0; i < exts.size(); ++i)
      if (pkitest::find(exts[i], enc) != std::string::npos) return i;
    return exts.size();
  }
};

Bytes ext(std::string_view oid, int critical, const Bytes& value) {
  // critical: -1 absent, 0 written-out FALSE, 1 TRUE
  if (critical < 0) return der::sequence({der::oid(oid), der::octet_string(value)});
  return der::sequence({der::oid(oid), der::boolean(critical == 1), der::octet_string(value)});
}

}  // namespace

TEST_F(X509Test, RebuiltCertificateParses) {
  // The test scaffolding itself: taking a certificate apart and re-signing gives the same bytes.
  Parts p(device().der);
  EXPECT_EQ(p.build(*root_key), device().der);
  EXPECT_EQ(p.tbs.size(), 8u);
  EXPECT_EQ(p.exts.size(), 5u);
}

TEST_F(X509Test, ParserRejectsVersionAndSerialViolations) {
  const Bytes base = device().der;
  auto with = [&](int field, const Bytes& value) {
    Parts p(base);
    p.tbs[static_cast<std::size_t>(field)] = value;
    return p.build(*root_key);
  };
  auto without = [&](int field) {
    Parts p(base);
    p.tbs.erase(p.tbs.begin() + field);
    return p.build(*root_key, true);
  };
  expect_pki_error([&] { pki::parse_certificate(without(Parts::kVersion)); }, "v1");
  expect_pki_error([&] { pki::parse_certificate(with(Parts::kVersion, der::explicit_tag(0, der::integer(0)))); }, "DEFAULT");
  expect_pki_error([&] { pki::parse_certificate(with(Parts::kVersion, der::explicit_tag(0, der::integer(1)))); }, "not v3");
  expect_pki_error([&] { pki::parse_certificate(with(Parts::kSerial, der::integer(-5))); }, "negative serialNumber");
  expect_pki_error([&] { pki::parse_certificate(with(Parts::kSerial, der::integer(0))); }, "zero");
  expect_pki_error([&] { pki::parse_certificate(with(Parts::kSerial, der::integer_unsigned(Bytes(21, 0x11)))); }, "20 octets");
  EXPECT_NO_THROW(pki::parse_certificate(with(Parts::kSerial, der::integer_unsigned(Bytes(20, 0x11)))));
  expect_pki_error([&] { pki::parse_certificate(with(Parts::kSerial, hex("02020001"))); }, "minimal");
  expect_pki_error([&] { pki::parse_certificate(with(Parts::kIssuer, der::sequence(std::vector<Bytes>{}))); }, "empty issuer");
  // issuerUniqueID [1] between the SPKI and the extensions.
  Parts u(base);
  u.tbs.insert(u.tbs.begin() + Parts::kExts, der::tlv(der::tag::context(1, false), hex("0001")));
  expect_pki_error([&] { pki::parse_certificate(u.build(*root_key, true)); }, "UniqueID");
  // Extensions absent or empty; an extra field after them.
  expect_pki_error([&] { pki::parse_certificate(without(Parts::kExts)); }, "extensions absent");
  Parts e(base);
  e.exts.clear();
  expect_pki_error([&] { pki::parse_certificate(e.build(*root_key)); }, "empty Extensions");
  Parts tr(base);
  tr.tbs.push_back(der::null());
  expect_pki_error([&] { pki::parse_certificate(tr.build(*root_key, true)); }, "trailing");
}

TEST_F(X509Test, ParserRejectsValidityViolations) {
  Parts p(device().der);
  p.tbs[Parts::kValidity] = der::sequence({der::generalized_time(at(2025, 1, 1)), der::utc_time(at(2035, 1, 1))});
  expect_pki_error([&] { pki::parse_certificate(p.build(*root_key)); }, "must be UTCTime");
  p.tbs[Parts::kValidity] = der::sequence({der::utc_time(at(2025, 1, 1))});
  expect_pki_error([&] { pki::parse_certificate(p.build(*root_key)); }, "end of data");
  std::string frac = "250101000000.5Z";
  p.tbs[Parts::kValidity] = der::sequence({der::tlv(der::tag::kUtcTime, Bytes(frac.begin(), frac.end())),
                                           der::utc_time(at(2035, 1, 1))});
  expect_pki_error([&] { pki::parse_certificate(p.build(*root_key)); }, "YYMMDDHHMMSSZ");
  p.tbs[Parts::kValidity] = der::sequence({der::utc_time(at(2025, 1, 1)), der::generalized_time(at(2050, 1, 1))});
  EXPECT_EQ(pki::parse_certificate(p.build(*root_key)).validity.not_after, at(2050, 1, 1));
}

TEST_F(X509Test, ParserRejectsExtensionViolations) {
  const Bytes base = root.certificate().der;
  auto with_ext = [&](std::string_view oid, const Bytes& replacement) {
    Parts p(base);
    std::size_t i = p.ext_index(oid);
    EXPECT_LT(i, p.exts.size());
    p.exts[i] = replacement;
    return p.build(*root_key);
  };
  auto add_ext = [&](const Bytes& e) {
    Parts p(base);
    p.exts.push_back(e);
    return p.build(*root_key);
  };
  using namespace pki::oid;
  // DER DEFAULT values written out.
  expect_pki_error([&] { pki::parse_certificate(with_ext(kSubjectKeyIdentifier, ext(kSubjectKeyIdentifier, 0, der::octet_string(hex("01"))))); }, "critical FALSE");
  expect_pki_error([&] { pki::parse_certificate(with_ext(kBasicConstraints, ext(kBasicConstraints, 1, der::sequence({der::boolean(false)})))); }, "cA FALSE");
  // basicConstraints of a CA must be critical; pathLen only with cA.
  expect_pki_error([&] { pki::parse_certificate(with_ext(kBasicConstraints, ext(kBasicConstraints, -1, der::sequence({der::boolean(true)})))); }, "must be critical");
  expect_pki_error([&] { pki::parse_certificate(with_ext(kBasicConstraints, ext(kBasicConstraints, 1, der::sequence({der::integer(0)})))); }, "without cA");
  expect_pki_error([&] { pki::parse_certificate(with_ext(kBasicConstraints, ext(kBasicConstraints, 1, der::sequence({der::boolean(true), der::integer(-1)})))); }, "out of range");
  // keyUsage: DER named bits, no encipherment for ML-DSA, not empty.
  expect_pki_error([&] { pki::parse_certificate(with_ext(kKeyUsage, ext(kKeyUsage, 1, hex("03020104")))); }, "trailing zero");
  expect_pki_error([&] { pki::parse_certificate(with_ext(kKeyUsage, ext(kKeyUsage, 1, der::named_bit_string(pki::kKeyCertSign | pki::kKeyEncipherment)))); }, "RFC 9881");
  expect_pki_error([&] { pki::parse_certificate(with_ext(kKeyUsage, ext(kKeyUsage, 1, hex("030100")))); }, "no bit set");
  // Key identifiers must not be critical; AKI's issuer/serial come in pairs.
  expect_pki_error([&] { pki::parse_certificate(with_ext(kSubjectKeyIdentifier, ext(kSubjectKeyIdentifier, 1, der::octet_string(hex("01"))))); }, "must not be critical");
  expect_pki_error([&] { pki::parse_certificate(with_ext(kAuthorityKeyIdentifier, ext(kAuthorityKeyIdentifier, 1, der::sequence({der::implicit_tag(0, der::octet_string(hex("01")))})))); }, "must not be critical");
  expect_pki_error([&] { pki::parse_certificate(with_ext(kAuthorityKeyIdentifier, ext(kAuthorityKeyIdentifier, -1, der::sequence({der::tlv(der::tag::context(2, false), hex("01"))})))); }, "together");
  expect_pki_error([&] { pki::parse_certificate(with_ext(kSubjectKeyIdentifier, ext(kSubjectKeyIdentifier, -1, der::octet_string({})))); }, "empty subjectKeyIdentifier");
  // An extension value that is not one DER element.
  expect_pki_error([&] { pki::parse_certificate(with_ext(kKeyUsage, ext(kKeyUsage, 1, hex("03020106 00")))); }, "trailing");
  // subjectAltName: not empty, IA5 only.
  expect_pki_error([&] { pki::parse_certificate(add_ext(ext(kSubjectAltName, -1, der::sequence(std::vector<Bytes>{})))); }, "empty subjectAltName");
  expect_pki_error([&] { pki::parse_certificate(add_ext(ext(kSubjectAltName, -1, der::sequence({der::tlv(0x86, hex("C3A9"))})))); }, "non-IA5");
  pki::Certificate san = pki::parse_certificate(add_ext(ext(kSubjectAltName, -1, der::sequence({der::implicit_tag(2, der::ia5_string("gw.example")), der::implicit_tag(6, der::ia5_string("urn:x"))}))));
  EXPECT_EQ(san.san_dns_names, std::vector<std::string>{"gw.example"});
  EXPECT_EQ(san.san_uris, std::vector<std::string>{"urn:x"});
}

TEST_F(X509Test, ParserRejectsKeyAndSignatureShapes) {
  const Bytes base = device().der;
  Parts p(base);
  // A 2591-byte key under the ML-DSA-87 OID.
  Bytes key = dev_key->public_key();
  key.pop_back();
  p.tbs[Parts::kSpki] = der::sequence({kAlgId87, der::bit_string(key)});
  expect_pki_error([&] { pki::parse_certificate(p.build(*root_key)); }, "public key has the wrong size");
  // Key BIT STRING with unused bits; SPKI with parameters.
  Parts q(base);
  Bytes k2 = dev_key->public_key();
  k2.back() &= 0xF0;
  q.tbs[Parts::kSpki] = der::sequence({kAlgId87, der::bit_string(k2, 4)});
  expect_pki_error([&] { pki::parse_certificate(q.build(*root_key)); }, "whole octets");
  q.tbs[Parts::kSpki] = der::sequence({der::sequence({der::oid(pki::oid::kMlDsa87), der::null()}), der::bit_string(dev_key->public_key())});
  expect_pki_error([&] { pki::parse_certificate(q.build(*root_key)); }, "parameters must be absent");
  // A signature of the wrong length.
  Parts s(base);
  Bytes t = der::sequence(s.tbs);
  Bytes sig = root_key->sign(t);
  sig.push_back(0);
  expect_pki_error([&] { pki::parse_certificate(der::sequence({t, s.alg, der::bit_string(sig)})); }, "signature has the wrong size");
  // Extra element after signatureValue.
  sig.pop_back();
  expect_pki_error([&] { pki::parse_certificate(der::sequence({t, s.alg, der::bit_string(sig), der::null()})); }, "trailing");
}

#if defined(PQCEA_PKI_HAVE_MLDSA)
TEST(X509MlDsa, CertificateSignaturesArePureMlDsaWithEmptyContext) {
  std::array<std::uint8_t, 32> seed;
  seed.fill(0x5A);
  auto hedged = pki::mldsa_signer(Algorithm::MlDsa87, seed);
  auto det = pki::mldsa_signer(Algorithm::MlDsa87, seed, pki::SigningMode::deterministic);
  ASSERT_EQ(hedged->public_key(), det->public_key());  // same seed, same key (FIPS 204 Alg. 6)
  pki::Name n;
  n.common_name = "ML-DSA root";
  auto ca = pki::CertificateAuthority::create_root(n, {at(2025, 1, 1), at(2030, 1, 1)}, hedged);
  const pki::Certificate& c = ca.certificate();
  const Bytes pk = hedged->public_key();
  using mldsa::Input;
  const Bytes ctx{'x'};
  EXPECT_EQ(mldsa::verify<mldsa::MlDsa87>(pk, Input::pure(c.tbs), c.signature), Status::ok);
  EXPECT_NE(mldsa::verify<mldsa::MlDsa87>(pk, Input::pure(c.tbs, ctx), c.signature), Status::ok);
  EXPECT_NE(mldsa::verify<mldsa::MlDsa87>(pk, Input::prehash(mldsa::PreHash::sha2_512, c.tbs), c.signature), Status::ok);
  EXPECT_TRUE(pki::mldsa_verify(Algorithm::MlDsa87, pk, c.tbs, c.signature));
  EXPECT_FALSE(pki::mldsa_verify(Algorithm::MlDsa65, pk, c.tbs, c.signature));
  // Hedged signing: two signatures of one message differ and both verify; deterministic repeats.
  Bytes s1 = hedged->sign(c.tbs), s2 = hedged->sign(c.tbs);
  EXPECT_NE(s1, s2);
  EXPECT_TRUE(pki::mldsa_verify(Algorithm::MlDsa87, pk, c.tbs, s1));
  EXPECT_TRUE(pki::mldsa_verify(Algorithm::MlDsa87, pk, c.tbs, s2));
  EXPECT_EQ(det->sign(c.tbs), det->sign(c.tbs));
  // Another key does not verify it.
  seed.fill(0x5B);
  auto other = pki::mldsa_signer(Algorithm::MlDsa87, seed);
  EXPECT_FALSE(pki::mldsa_verify(Algorithm::MlDsa87, other->public_key(), c.tbs, c.signature));
  // A PKCS#8 seed file gives back the same key.
  auto [alg, back] = pki::decode_private_key_seed(pki::encode_private_key_seed(Algorithm::MlDsa87, seed));
  EXPECT_EQ(pki::mldsa_signer(alg, back)->public_key(), other->public_key());
  // All three parameter sets round-trip through a certificate.
  for (Algorithm a : {Algorithm::MlDsa44, Algorithm::MlDsa65, Algorithm::MlDsa87}) {
    auto k = pki::mldsa_signer(a, seed);
    EXPECT_EQ(k->public_key().size(), pki::public_key_size(a));
    auto r = pki::CertificateAuthority::create_root(n, {at(2025, 1, 1), at(2030, 1, 1)}, k);
    pki::TrustStore ts;
    ts.add(r.certificate(), pki::mldsa_verify);
    pki::DeviceRequest d;
    d.device_id = "d1";
    d.algorithm = a;
    d.public_key = k->public_key();
    d.validity = {at(2025, 1, 1), at(2030, 1, 1)};
    auto leaf = r.issue_device(d);
    EXPECT_EQ(leaf.signature.size(), pki::signature_size(a));
    EXPECT_TRUE(pki::validate_chain(leaf, {}, ts, at(2026, 1, 1), pki::mldsa_verify).ok);
  }
}
#endif

TEST_F(X509Test, ParserSurvivesRandomMutations) {
  // Random byte changes, insertions, deletions and length-field edits: the parser either accepts
  // or throws der::Error / pki::Error; nothing else (run under ASan/UBSan by PQCEA_SANITIZE=ON).
  const Bytes base = device().der;
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  auto rnd = [&](std::size_t n) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<std::size_t>(state % n);
  };
  std::size_t accepted = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    Bytes b = base;
    int edits = 1 + static_cast<int>(rnd(4));
    for (int e = 0; e < edits; ++e) {
      switch (rnd(4)) {
        case 0: b[rnd(b.size())] = static_cast<std::uint8_t>(rnd(256)); break;
        case 1: b.insert(b.begin() + static_cast<std::ptrdiff_t>(rnd(b.size())), static_cast<std::uint8_t>(rnd(256))); break;
        case 2: b.erase(b.begin() + static_cast<std::ptrdiff_t>(rnd(b.size()))); break;
        default: b.resize(rnd(b.size()) + 1); break;
      }
    }
    try {
      pki::parse_certificate(b);
      ++accepted;
    } catch (const der::Error&) {
    } catch (const pki::Error&) {
    }
  }
  EXPECT_LT(accepted, 3000u);
}
