// PKCS#10 certificate requests (RFC 2986) with ML-DSA (RFC 9881), station certificates issued from
// them, and the RFC 9763 related-certificate extension.
#include "pqcea/host/csr.hpp"

#include <algorithm>
#include <cstring>

#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/entropy_linux.hpp"

namespace pqcea::pki {

namespace {

[[noreturn]] void fail(const std::string& why) { throw Error("CSR: " + why); }

Bytes sha256(ByteView data) {
  Bytes d(32);
  hash::Sha256::hash(d.data(), data.data(), data.size());
  return d;
}

// X.690 §11.6: the components of a DER SET OF are in ascending order of their encodings.
bool set_of_sorted(const std::vector<ByteView>& encodings) {
  for (std::size_t i = 1; i < encodings.size(); ++i) {
    const ByteView a = encodings[i - 1], b = encodings[i];
    if (std::lexicographical_compare(b.begin(), b.end(), a.begin(), a.end())) return false;
  }
  return true;
}

// The values of one Attribute: `values` is the whole SET (RFC 2986 §4.1: SET SIZE(1..MAX)).
std::vector<der::Element> attribute_values(ByteView set_der, const std::string& type) {
  der::Element set = der::parse_single(set_der, "Attribute values");
  der::Reader r = der::contents(set, der::tag::kSet, "Attribute values");
  std::vector<der::Element> values;
  std::vector<ByteView> encodings;
  while (!r.empty()) {
    values.push_back(r.next());
    encodings.push_back(values.back().encoding);
  }
  if (values.empty()) fail("attribute " + type + " has no value (SET SIZE(1..MAX), RFC 2986 §4.1)");
  if (!set_of_sorted(encodings)) fail("attribute " + type + " values are not in DER SET OF order (X.690 §11.6)");
  return values;
}

std::vector<Extension> decode_extension_request(ByteView set_der) {
  const std::vector<der::Element> values = attribute_values(set_der, std::string(oid::kExtensionRequest));
  // RFC 2985 §5.4.2: extensionRequest is SINGLE VALUE.
  if (values.size() != 1) fail("extensionRequest must have exactly one value (RFC 2985 §5.4.2)");
  der::Reader exts = der::contents(values[0], der::tag::kSequence, "Extensions");
  if (exts.empty()) fail("empty extensionRequest (Extensions SIZE (1..MAX), RFC 5280 §4.1)");
  std::vector<Extension> out;
  while (!exts.empty()) {
    Extension x = decode_extension(exts.next(der::tag::kSequence, "Extension"));
    for (const Extension& seen : out)
      if (seen.oid == x.oid) fail("requested extension " + x.oid + " appears twice (RFC 5280 §4.2)");
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace

Bytes random_serial() {
  // RFC 5280 §4.1.2.2: positive, at most 20 octets; CA/B-style unpredictable serials. The top bit
  // is cleared (positive) and the next one set, so the serial is always exactly 16 octets with a
  // non-zero first octet (126 random bits).
  Bytes s(16);
  if (host::system_random(s) != Status::ok) throw Error("serial: system entropy failed");
  s[0] = static_cast<std::uint8_t>((s[0] & 0x7F) | 0x40);
  return s;
}

// ---- building ---------------------------------------------------------------------------------

std::pair<std::string, Bytes> extension_request_attribute(std::span<const Extension> extensions) {
  if (extensions.empty()) throw Error("CSR: extensionRequest needs at least one extension (RFC 5280 §4.1)");
  std::vector<Bytes> exts;
  for (const Extension& e : extensions) exts.push_back(encode_extension(e));
  return {std::string(oid::kExtensionRequest), der::set_of({der::sequence(exts)})};
}

Bytes build_csr(const Name& subject, const Signer& key, std::span<const std::pair<std::string, Bytes>> attributes) {
  if (subject.common_name.empty()) throw Error("CSR: the subject needs a common name");
  std::vector<Bytes> attrs;
  std::vector<std::string> types;
  for (const auto& [type, values] : attributes) {
    if (std::find(types.begin(), types.end(), type) != types.end())
      throw Error("CSR: attribute " + type + " given twice");
    types.push_back(type);
    // Refuse here what parse_csr would refuse, so a request we build is one we accept.
    der::check_tree(values);
    attribute_values(values, type);
    attrs.push_back(der::sequence({der::oid(type), values}));
  }
  // RFC 2986 §4.1: CertificationRequestInfo ::= SEQUENCE { version INTEGER { v1(0) }, subject,
  // subjectPKInfo, attributes [0] IMPLICIT SET OF Attribute } (present even when empty).
  const Bytes info = der::sequence({der::integer(0), encode_name(subject), encode_spki(key.algorithm(), key.public_key()),
                                    der::implicit_tag(0, der::set_of(std::move(attrs)))});
  // RFC 9881 §3: pure ML-DSA, empty context, over the DER CertificationRequestInfo.
  const Bytes sig = key.sign(info);
  if (sig.size() != signature_size(key.algorithm())) throw Error("CSR: signer returned a signature of the wrong size");
  return der::sequence({info, encode_algorithm_identifier(key.algorithm()), der::bit_string(sig)});
}

// ---- parsing ----------------------------------------------------------------------------------

CertificationRequest parse_csr(ByteView input) {
  CertificationRequest c;
  c.der.assign(input.begin(), input.end());
  const ByteView data(c.der);
  der::check_tree(data);  // every TLV, the nesting depth and DER forms, before interpreting any

  // RFC 2986 §4.2: CertificationRequest ::= SEQUENCE { certificationRequestInfo,
  // signatureAlgorithm AlgorithmIdentifier, signature BIT STRING }.
  der::Element top_e = der::parse_single(data, "CertificationRequest");
  der::Reader top = der::contents(top_e, der::tag::kSequence, "CertificationRequest");
  der::Element info_e = top.next(der::tag::kSequence, "certificationRequestInfo");
  der::Element alg_e = top.next(der::tag::kSequence, "signatureAlgorithm");
  der::Element sig_e = top.next(der::tag::kBitString, "signature");
  top.finish("CertificationRequest");
  c.info.assign(info_e.encoding.begin(), info_e.encoding.end());

  der::Reader info = top.enter(info_e, "certificationRequestInfo");
  if (der::decode_int64(info.next(der::tag::kInteger, "version")) != 0)
    fail("version is not v1 (0) (RFC 2986 §4.1)");
  c.subject = decode_name(info.next(der::tag::kSequence, "subject"));
  if (c.subject.name.common_name.empty()) fail("subject has no common name");
  {
    der::Element spki = info.next(der::tag::kSequence, "subjectPKInfo");
    auto [alg, pk] = decode_spki(spki.encoding);
    c.algorithm = alg;
    c.public_key = std::move(pk);
  }
  {
    // attributes [0] IMPLICIT SET OF Attribute: not OPTIONAL in RFC 2986 §4.1.
    der::Element attrs_e = info.next(der::tag::context(0, true), "attributes");
    der::Reader attrs = info.enter(attrs_e, "attributes");
    std::vector<ByteView> encodings;
    std::vector<std::string> types;
    while (!attrs.empty()) {
      der::Element a = attrs.next(der::tag::kSequence, "Attribute");
      encodings.push_back(a.encoding);
      der::Reader ar = attrs.enter(a, "Attribute");
      std::string type = der::decode_oid(ar.next(der::tag::kOid, "Attribute.type"));
      der::Element values = ar.next(der::tag::kSet, "Attribute.values");
      ar.finish("Attribute");
      if (std::find(types.begin(), types.end(), type) != types.end()) fail("attribute " + type + " appears twice");
      types.push_back(type);
      if (type == oid::kExtensionRequest) {
        c.requested_extensions = decode_extension_request(values.encoding);
      } else {
        attribute_values(values.encoding, type);
        c.other_attributes.emplace_back(type, Bytes(values.encoding.begin(), values.encoding.end()));
      }
    }
    if (!set_of_sorted(encodings)) fail("attributes are not in DER SET OF order (X.690 §11.6)");
  }
  info.finish("certificationRequestInfo");

  // The signature algorithm must be the key's (RFC 9881 §3: the signer's parameter set).
  const Algorithm sig_alg = decode_algorithm_identifier(alg_e);
  if (sig_alg != c.algorithm)
    fail(std::string("signature algorithm ") + std::string(algorithm_name(sig_alg)) + " is not the key's " +
         std::string(algorithm_name(c.algorithm)));
  c.signature = der::decode_octet_aligned_bit_string(sig_e);
  if (c.signature.size() != signature_size(c.algorithm))
    fail(std::string(algorithm_name(c.algorithm)) + " signature has the wrong size (" +
         std::to_string(c.signature.size()) + " bytes)");
  return c;
}

bool verify_csr(const CertificationRequest& csr, const VerifyFn& verify) {
  // RFC 2986 §3: the signature over the CertificationRequestInfo by the subject's own key is the
  // proof of possession.
  return verify && verify(csr.algorithm, csr.public_key, csr.info, csr.signature);
}

// ---- station certificates ----------------------------------------------------------------------

Certificate issue_station_certificate(const CertificateAuthority& ca, const CertificationRequest& csr,
                                      const StationCertificateRequest& req, const VerifyFn& verify) {
  if (!verify_csr(csr, verify)) throw Error("CSR signature invalid");
  if (req.station_id.empty()) throw Error("CA: empty station id");
  if (csr.subject.name.common_name != req.station_id)
    throw Error("CSR names another identity: subject CN '" + csr.subject.name.common_name + "', station id '" +
                req.station_id + "'");
  CertificateTemplate t;
  t.serial = random_serial();
  t.subject.organization = req.organization.empty() ? ca.certificate().subject.organization : req.organization;
  t.subject.common_name = req.station_id;
  t.validity = req.validity;
  t.public_key_algorithm = csr.algorithm;
  t.public_key = csr.public_key;
  t.is_ca = false;
  t.key_usage = kDigitalSignature;
  // Nothing from csr.requested_extensions: the CA's profile alone decides (docs/pki.md).
  if (!req.related_certificate_der.empty()) t.extra_extensions.push_back(related_certificate_extension(req.related_certificate_der));
  return ca.issue(t);
}

#if defined(PQCEA_PKI_HAVE_MLDSA)
Certificate issue_station_certificate(const CertificateAuthority& ca, const CertificationRequest& csr,
                                      const StationCertificateRequest& req) {
  return issue_station_certificate(ca, csr, req, mldsa_verify);
}
#endif

// ---- RFC 9763 related certificate -------------------------------------------------------------

Extension related_certificate_extension(ByteView certificate_der) {
  // Only a single well-formed DER element is hashed: a stray byte would name no certificate.
  der::check_tree(certificate_der);
  if (der::parse_single(certificate_der, "related certificate").tag != der::tag::kSequence)
    throw Error("related certificate: not a DER Certificate SEQUENCE");
  // RFC 9763 §4: RelatedCertificate ::= SEQUENCE { hashAlgorithm DigestAlgorithmIdentifier,
  // hashValue OCTET STRING }, the hash over the DER of the whole related certificate. RFC 5754
  // §2: SHA-2 AlgorithmIdentifiers are generated with absent parameters. Non-critical: a relying
  // party that does not know it still uses the certificate alone.
  const Bytes value =
      der::sequence({der::sequence({der::oid(oid::kSha256)}), der::octet_string(sha256(certificate_der))});
  return Extension{std::string(oid::kRelatedCertificate), false, value};
}

std::optional<Bytes> related_certificate_hash(const Certificate& cert) {
  const Extension* ext = cert.find_extension(oid::kRelatedCertificate);
  if (ext == nullptr) return std::nullopt;
  der::Element e = der::parse_single(ext->value, "RelatedCertificate");
  der::Reader r = der::contents(e, der::tag::kSequence, "RelatedCertificate");
  {
    der::Reader alg = r.enter(der::tag::kSequence, "RelatedCertificate.hashAlgorithm");
    const std::string o = der::decode_oid(alg.next(der::tag::kOid, "hashAlgorithm.algorithm"));
    if (o != oid::kSha256) throw Error("RelatedCertificate: unsupported hash algorithm " + o + " (only SHA-256)");
    // RFC 5754 §2: absent parameters are generated, NULL ones must be accepted too.
    if (auto p = alg.next_if(der::tag::kNull)) der::decode_null(*p);
    alg.finish("RelatedCertificate.hashAlgorithm");
  }
  ByteView h = der::decode_octet_string(r.next(der::tag::kOctetString, "RelatedCertificate.hashValue"));
  r.finish("RelatedCertificate");
  if (h.size() != 32) throw Error("RelatedCertificate: a SHA-256 hash is 32 bytes, this one is " + std::to_string(h.size()));
  return Bytes(h.begin(), h.end());
}

}  // namespace pqcea::pki
