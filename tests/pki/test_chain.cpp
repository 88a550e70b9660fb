// Chain validation: leaf -> (intermediates) -> trusted root, success and every failure with its reason.
#include <gtest/gtest.h>

#include <atomic>

#include "pki_test_util.hpp"

using namespace pqcea;
using pki::Algorithm;
using pkitest::at;
using pkitest::Bytes;

namespace {

pki::Name ca_name(const std::string& cn) {
  pki::Name n;
  n.organization = "PQC Edge Fleet";
  n.common_name = cn;
  return n;
}

class ChainTest : public ::testing::Test {
 protected:
  std::shared_ptr<const pki::Signer> root_key = pkitest::make_signer(Algorithm::MlDsa87, 11);
  std::shared_ptr<const pki::Signer> int_key = pkitest::make_signer(Algorithm::MlDsa65, 12);
  std::shared_ptr<const pki::Signer> dev_key = pkitest::make_signer(Algorithm::MlDsa44, 13);
  std::shared_ptr<const pki::Signer> dev87_key = pkitest::make_signer(Algorithm::MlDsa87, 14);
  pki::CertificateAuthority root = pki::CertificateAuthority::create_root(
      ca_name("Fleet Root"), {at(2025, 1, 1), at(2045, 1, 1)}, root_key);
  pki::CertificateAuthority inter = root.create_intermediate(
      ca_name("Fleet Issuing CA 1"), {at(2025, 1, 1), at(2035, 1, 1)}, int_key, 0);
  pki::TrustStore trust;
  pki::Time now = at(2026, 6, 1);

  void SetUp() override { trust.add(root.certificate(), pkitest::verify_fn()); }

  pki::Certificate device(const pki::CertificateAuthority& ca, const std::string& id,
                          pki::Validity v = {at(2025, 6, 1), at(2030, 6, 1)}) {
    pki::DeviceRequest r;
    r.device_id = id;
    r.algorithm = Algorithm::MlDsa87;
    r.public_key = dev87_key->public_key();
    r.validity = v;
    return ca.issue_device(r);
  }

  pki::ChainResult validate(const pki::Certificate& leaf, std::vector<pki::Certificate> chain,
                            pki::Time t = 0, const pki::ValidationOptions& o = {}) {
    return pki::validate_chain(leaf, chain, trust, t == 0 ? now : t, pkitest::verify_fn(), o);
  }
};

void expect_fail(const pki::ChainResult& r, const std::string& fragment, std::size_t index) {
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.reason.find(fragment), std::string::npos) << "reason: " << r.reason;
  EXPECT_EQ(r.index, index) << "reason: " << r.reason;
}

Bytes flip(Bytes b, std::size_t i, std::uint8_t mask = 0x01) {
  b[i] ^= mask;
  return b;
}

}  // namespace

TEST_F(ChainTest, RootToLeafValidates) {
  pki::Certificate leaf = device(root, "dev-1");
  pki::ChainResult r = validate(leaf, {});
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_TRUE(r.reason.empty());
}

TEST_F(ChainTest, ThroughAnIntermediateWithMixedParameterSets) {
  // Root ML-DSA-87 -> intermediate ML-DSA-65 -> device ML-DSA-87 (and one ML-DSA-44 device).
  pki::Certificate leaf = device(inter, "dev-2");
  EXPECT_EQ(leaf.signature_algorithm, Algorithm::MlDsa65);
  EXPECT_EQ(inter.certificate().signature_algorithm, Algorithm::MlDsa87);
  EXPECT_TRUE(validate(leaf, {inter.certificate()}).ok) << validate(leaf, {inter.certificate()}).reason;
  pki::DeviceRequest r;
  r.device_id = "dev-44";
  r.algorithm = Algorithm::MlDsa44;
  r.public_key = dev_key->public_key();
  r.validity = {at(2025, 6, 1), at(2030, 6, 1)};
  pki::Certificate leaf44 = inter.issue_device(r);
  EXPECT_TRUE(validate(leaf44, {inter.certificate()}).ok);
  // The root may be passed at the end of the chain too.
  EXPECT_TRUE(validate(leaf, {inter.certificate(), root.certificate()}).ok);
  // Without the intermediate there is no path.
  expect_fail(validate(leaf, {}), "no trusted root", 0);
}

TEST_F(ChainTest, Expired) {
  pki::Certificate leaf = device(root, "dev-old", {at(2020, 1, 1), at(2026, 1, 1)});
  expect_fail(validate(leaf, {}), "has expired", 0);
  EXPECT_TRUE(validate(leaf, {}, at(2025, 12, 31, 23, 59, 59)).ok);
  EXPECT_TRUE(validate(leaf, {}, at(2026, 1, 1)).ok);  // notAfter is inclusive (RFC 5280 §4.1.2.5)
  expect_fail(validate(leaf, {}, at(2026, 1, 1, 0, 0, 1)), "notAfter 2026-01-01T00:00:00Z", 0);
  // An expired intermediate or root fails the chain too.
  expect_fail(validate(device(inter, "dev-3"), {inter.certificate()}, at(2035, 1, 2)), "Fleet Issuing CA 1' has expired", 1);
  expect_fail(validate(device(root, "dev-4", {at(2025, 1, 1), at(2099, 1, 1)}), {}, at(2046, 1, 1)), "trusted root", 1);
}

TEST_F(ChainTest, NotYetValid) {
  pki::Certificate leaf = device(root, "dev-future", {at(2027, 1, 1), at(2030, 1, 1)});
  expect_fail(validate(leaf, {}), "not yet valid", 0);
  EXPECT_TRUE(validate(leaf, {}, at(2027, 1, 1)).ok);
  expect_fail(validate(leaf, {}, at(2026, 12, 31, 23, 59, 59)), "notBefore 2027-01-01T00:00:00Z", 0);
  expect_fail(validate(device(root, "dev-5"), {}, at(2024, 12, 31)), "trusted root: certificate 'Fleet Root' is not yet valid", 1);
}

TEST_F(ChainTest, WrongIssuer) {
  // A device certificate from another root that has the same name but a different key.
  auto other_key = pkitest::make_signer(Algorithm::MlDsa87, 99);
  auto other = pki::CertificateAuthority::create_root(ca_name("Fleet Root"), {at(2025, 1, 1), at(2045, 1, 1)}, other_key);
  pki::Certificate leaf = device(other, "dev-rogue");
  // AKI does not match the trusted root's SKI, so no trusted root is found.
  expect_fail(validate(leaf, {}), "no trusted root", 0);
  // From an unrelated name.
  auto stranger = pki::CertificateAuthority::create_root(ca_name("Stranger CA"), {at(2025, 1, 1), at(2045, 1, 1)}, other_key);
  expect_fail(validate(device(stranger, "dev-x"), {}), "no trusted root", 0);
  // A leaf presented with the wrong intermediate: names do not chain.
  auto inter2 = root.create_intermediate(ca_name("Fleet Issuing CA 2"), {at(2025, 1, 1), at(2035, 1, 1)}, int_key);
  expect_fail(validate(device(inter, "dev-6"), {inter2.certificate()}), "does not match the subject", 0);
  // Right issuer name and AKI, but signed with another key: only the signature check catches it.
  pki::Certificate impostor = root.certificate();
  impostor.public_key = other_key->public_key();
  pki::CertificateTemplate t;
  t.subject.common_name = "dev-forged";
  t.validity = {at(2025, 6, 1), at(2030, 6, 1)};
  t.public_key = dev87_key->public_key();
  pki::Certificate forged = pki::parse_certificate(pki::issue_certificate(t, &impostor, *other_key));
  EXPECT_EQ(forged.authority_key_id, root.certificate().subject_key_id);
  EXPECT_EQ(forged.issuer_der, root.certificate().subject_der);
  expect_fail(validate(forged, {}), "signature of 'dev-forged' does not verify with the key of 'Fleet Root'", 0);
}

TEST_F(ChainTest, TamperedTbsByte) {
  pki::Certificate leaf = device(root, "dev-7");
  // Change one letter of the CN inside the TBS: still well-formed, so only the signature catches it.
  std::size_t pos = pkitest::find(leaf.der, Bytes{'d', 'e', 'v', '-', '7'});
  ASSERT_NE(pos, std::string::npos);
  pki::Certificate t = pki::parse_certificate(flip(leaf.der, pos + 4, 0x01));  // '7' -> '6'
  EXPECT_EQ(t.subject.common_name, "dev-6");
  expect_fail(validate(t, {}), "signature of 'dev-6' does not verify", 0);
  // One flipped bit in the public key.
  std::size_t kpos = pkitest::find(leaf.der, leaf.public_key) + 100;
  expect_fail(validate(pki::parse_certificate(flip(leaf.der, kpos, 0x80)), {}), "does not verify", 0);
}

TEST_F(ChainTest, TamperedSignature) {
  pki::Certificate leaf = device(root, "dev-8");
  for (std::size_t off : {std::size_t{1}, std::size_t{2000}, leaf.signature.size()}) {
    pki::Certificate t = pki::parse_certificate(flip(leaf.der, leaf.der.size() - off));
    expect_fail(validate(t, {}), "does not verify", 0);
  }
  // A tampered intermediate signature is caught at its position.
  pki::Certificate ic = pki::parse_certificate(flip(inter.certificate().der, inter.certificate().der.size() - 5));
  expect_fail(validate(device(inter, "dev-9"), {ic}), "signature of 'Fleet Issuing CA 1'", 1);
}

TEST_F(ChainTest, EveryFlippedByteIsCaught) {
  // Any single-byte change in a device certificate either fails parsing or fails validation.
  pki::Certificate leaf = device(root, "dev-10");
  std::size_t parse_errors = 0, invalid = 0;
  for (std::size_t i = 0; i < leaf.der.size(); i += 7) {
    Bytes b = flip(leaf.der, i, 0x10);
    try {
      pki::Certificate t = pki::parse_certificate(b);
      EXPECT_FALSE(validate(t, {}).ok) << "byte " << i;
      ++invalid;
    } catch (const std::runtime_error&) {
      ++parse_errors;
    }
  }
  EXPECT_GT(parse_errors, 0u);
  EXPECT_GT(invalid, 0u);
}

TEST_F(ChainTest, LeafUsedAsCa) {
  pki::Certificate leaf = device(root, "dev-11");
  // The device key signs a certificate for another device, with the device as issuer.
  pki::CertificateTemplate t;
  t.subject.common_name = "dev-12";
  t.validity = {at(2025, 6, 1), at(2030, 6, 1)};
  t.public_key = dev87_key->public_key();
  pki::Certificate sub = pki::parse_certificate(pki::issue_certificate(t, &leaf, *dev87_key));
  expect_fail(validate(sub, {leaf}), "issuer 'dev-11' is not a CA", 1);
  // The CA wrapper refuses to act for a device certificate at all.
  EXPECT_THROW(pki::CertificateAuthority(leaf, dev87_key), pki::Error);
}

TEST_F(ChainTest, MissingKeyCertSign) {
  // A CA certificate whose keyUsage is cRLSign only.
  pki::CertificateTemplate t;
  t.subject = ca_name("CRL-only CA");
  t.validity = {at(2025, 1, 1), at(2035, 1, 1)};
  t.public_key_algorithm = Algorithm::MlDsa65;
  t.public_key = int_key->public_key();
  t.is_ca = true;
  t.key_usage = pki::kCrlSign;
  pki::Certificate crl_ca = root.issue(t);
  EXPECT_THROW(pki::CertificateAuthority(crl_ca, int_key), pki::Error);
  pki::CertificateTemplate d;
  d.subject.common_name = "dev-13";
  d.validity = {at(2025, 6, 1), at(2030, 6, 1)};
  d.public_key = dev87_key->public_key();
  pki::Certificate leaf = pki::parse_certificate(pki::issue_certificate(d, &crl_ca, *int_key));
  expect_fail(validate(leaf, {crl_ca}), "lacks keyUsage keyCertSign", 1);
}

TEST_F(ChainTest, PathLenConstraint) {
  // inter has pathLen 0: it may issue devices but no further CA below it.
  auto sub_key = pkitest::make_signer(Algorithm::MlDsa87, 15);
  pki::CertificateTemplate t;
  t.subject = ca_name("Sub CA");
  t.validity = {at(2025, 1, 1), at(2035, 1, 1)};
  t.public_key = sub_key->public_key();
  t.is_ca = true;
  EXPECT_THROW(inter.issue(t), pki::Error);  // the CA wrapper refuses
  pki::Certificate sub = pki::parse_certificate(pki::issue_certificate(t, &inter.certificate(), *int_key));
  pki::CertificateAuthority sub_ca(sub, sub_key);
  pki::Certificate leaf = device(sub_ca, "dev-14");
  expect_fail(validate(leaf, {sub, inter.certificate()}), "pathLenConstraint 0 of 'Fleet Issuing CA 1' exceeded", 2);
  // Under a root without pathLen, two levels are fine.
  auto inter_free = root.create_intermediate(ca_name("Free CA"), {at(2025, 1, 1), at(2035, 1, 1)}, int_key);
  pki::Certificate sub2 = inter_free.issue(t);
  pki::CertificateAuthority sub2_ca(sub2, sub_key);
  EXPECT_TRUE(validate(device(sub2_ca, "dev-15"), {sub2, inter_free.certificate()}).ok);
  // A path longer than the configured maximum.
  pki::ValidationOptions o;
  o.max_path = 2;
  expect_fail(validate(device(sub2_ca, "dev-15"), {sub2, inter_free.certificate()}, 0, o), "path longer", 2);
}

TEST_F(ChainTest, LeafNeedsDigitalSignature) {
  pki::CertificateTemplate t;
  t.subject.common_name = "dev-16";
  t.validity = {at(2025, 6, 1), at(2030, 6, 1)};
  t.public_key = dev87_key->public_key();
  t.key_usage = pki::kNonRepudiation;
  pki::Certificate leaf = root.issue(t);
  expect_fail(validate(leaf, {}), "lacks the required keyUsage", 0);
  pki::ValidationOptions o;
  o.required_leaf_usage = pki::kNonRepudiation;
  EXPECT_TRUE(validate(leaf, {}, 0, o).ok);
}

TEST_F(ChainTest, AuthorityKeyIdentifierMustMatch) {
  // A certificate naming the intermediate as issuer but carrying a different AKI.
  pki::Certificate good = device(inter, "dev-17");
  std::size_t pos = pkitest::find(good.der, good.authority_key_id);
  ASSERT_NE(pos, std::string::npos);
  pki::Certificate bad = pki::parse_certificate(flip(good.der, pos));
  expect_fail(validate(bad, {inter.certificate()}), "authorityKeyIdentifier", 0);
}

TEST_F(ChainTest, TrustStoreChecksRoots) {
  pki::TrustStore s;
  EXPECT_THROW(s.add(device(root, "dev-18"), pkitest::verify_fn()), pki::Error);        // not self-issued
  EXPECT_THROW(s.add(inter.certificate(), pkitest::verify_fn()), pki::Error);           // not self-issued
  Bytes bad_sig = flip(root.certificate().der, root.certificate().der.size() - 3);
  try {
    s.add(bad_sig, pkitest::verify_fn());
    ADD_FAILURE() << "accepted a root with a bad self-signature";
  } catch (const pki::Error& e) {
    EXPECT_NE(std::string(e.what()).find("self-signature"), std::string::npos) << e.what();
  }
  // A self-signed end-entity certificate is not a trust anchor.
  pki::CertificateTemplate t;
  t.subject.common_name = "self";
  t.validity = {at(2025, 1, 1), at(2030, 1, 1)};
  t.public_key = dev87_key->public_key();
  pki::Certificate self = pki::parse_certificate(pki::issue_certificate(t, nullptr, *dev87_key));
  EXPECT_THROW(s.add(self, pkitest::verify_fn()), pki::Error);
  s.add(root.certificate(), pkitest::verify_fn());
  s.add(root.certificate(), pkitest::verify_fn());  // idempotent
  EXPECT_EQ(s.roots().size(), 1u);
  // An empty store trusts nothing.
  pki::TrustStore empty;
  EXPECT_FALSE(pki::validate_chain(device(root, "dev-19"), {}, empty, now, pkitest::verify_fn()).ok);
}

TEST_F(ChainTest, SignatureCacheSkipsRepeatedVerification) {
  std::atomic<int> calls{0};
  pki::VerifyFn counting = [&](Algorithm a, der::ByteView pk, der::ByteView m, der::ByteView s) {
    ++calls;
    return pkitest::verify(a, pk, m, s);
  };
  pki::SignatureCache cache;
  pki::ValidationOptions o;
  o.cache = &cache;
  pki::Certificate leaf = device(inter, "dev-20");
  std::vector<pki::Certificate> chain{inter.certificate()};
  EXPECT_TRUE(pki::validate_chain(leaf, chain, trust, now, counting, o).ok);
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(pki::validate_chain(leaf, chain, trust, now, counting, o).ok);
  EXPECT_EQ(calls.load(), 2);  // both signatures came from the cache
  // The cache never turns a bad signature good, and time is still checked on a hit.
  pki::Certificate bad = pki::parse_certificate(flip(leaf.der, leaf.der.size() - 9));
  EXPECT_FALSE(pki::validate_chain(bad, chain, trust, now, counting, o).ok);
  EXPECT_EQ(calls.load(), 3);
  EXPECT_FALSE(pki::validate_chain(leaf, chain, trust, at(2031, 1, 1), counting, o).ok);
  // Without the cache every validation verifies.
  calls = 0;
  EXPECT_TRUE(pki::validate_chain(leaf, chain, trust, now, counting).ok);
  EXPECT_EQ(calls.load(), 2);
}

TEST_F(ChainTest, RejectionsCostNoSignatureWork) {
  std::atomic<int> calls{0};
  pki::VerifyFn counting = [&](Algorithm a, der::ByteView pk, der::ByteView m, der::ByteView s) {
    ++calls;
    return pkitest::verify(a, pk, m, s);
  };
  pki::Certificate leaf = device(root, "dev-21", {at(2020, 1, 1), at(2021, 1, 1)});
  EXPECT_FALSE(pki::validate_chain(leaf, {}, trust, now, counting).ok);
  EXPECT_EQ(calls.load(), 0);
}
