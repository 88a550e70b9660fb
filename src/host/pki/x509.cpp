// X.509 v3 certificates (RFC 5280 §4) with ML-DSA (RFC 9881): building, signing and strict parsing.
#include <algorithm>

#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/pki.hpp"

namespace pqcea::pki {

namespace {

[[noreturn]] void fail(const std::string& why) { throw Error("certificate: " + why); }

struct AlgInfo {
  Algorithm alg;
  std::string_view name;
  std::string_view oid;
  std::size_t pk_size;
  std::size_t sig_size;
};

// FIPS 204 Table 2 sizes; RFC 9881 §2 identifiers.
constexpr AlgInfo kAlgs[] = {
    {Algorithm::MlDsa44, "ML-DSA-44", oid::kMlDsa44, 1312, 2420},
    {Algorithm::MlDsa65, "ML-DSA-65", oid::kMlDsa65, 1952, 3309},
    {Algorithm::MlDsa87, "ML-DSA-87", oid::kMlDsa87, 2592, 4627},
};

const AlgInfo& info(Algorithm a) {
  for (const AlgInfo& i : kAlgs)
    if (i.alg == a) return i;
  throw Error("unknown algorithm");
}


Bytes attribute(std::string_view type, const Bytes& value) {
  Bytes atv = der::sequence({der::oid(type), value});
  return der::set_of({atv});
}

}  // namespace

std::string_view algorithm_name(Algorithm a) { return info(a).name; }
std::string_view algorithm_oid(Algorithm a) { return info(a).oid; }
std::size_t public_key_size(Algorithm a) { return info(a).pk_size; }
std::size_t signature_size(Algorithm a) { return info(a).sig_size; }

std::optional<Algorithm> algorithm_from_name(std::string_view name) {
  for (const AlgInfo& i : kAlgs) {
    if (name == i.name) return i.alg;
    std::string compact = "mldsa" + std::string(i.name.substr(7));
    if (name == compact) return i.alg;
  }
  return std::nullopt;
}

Bytes encode_algorithm_identifier(Algorithm a) {
  // RFC 9881 §2: parameters MUST be absent.
  return der::sequence({der::oid(info(a).oid)});
}

Algorithm decode_algorithm_identifier(const der::Element& e) {
  der::Reader r = der::contents(e, der::tag::kSequence, "AlgorithmIdentifier");
  std::string o = der::decode_oid(r.next(der::tag::kOid, "AlgorithmIdentifier.algorithm"));
  if (o == oid::kHashMlDsa44 || o == oid::kHashMlDsa65 || o == oid::kHashMlDsa87)
    fail("HashML-DSA (" + o + ") is not allowed in certificates (RFC 9881 §3)");
  const AlgInfo* found = nullptr;
  for (const AlgInfo& i : kAlgs)
    if (o == i.oid) found = &i;
  if (!found) fail("unsupported algorithm " + o + " (only ML-DSA-44/65/87)");
  if (!r.empty())
    fail(std::string(found->name) + " AlgorithmIdentifier parameters must be absent (RFC 9881 §2)");
  return found->alg;
}

// ---- names ------------------------------------------------------------------------------------

Bytes encode_name(const Name& n) {
  std::vector<Bytes> rdns;
  if (!n.country.empty()) {
    if (n.country.size() != 2) throw Error("name: country must be a two-letter code");
    rdns.push_back(attribute(oid::kCountry, der::printable_string(n.country)));
  }
  if (!n.organization.empty())
    rdns.push_back(attribute(oid::kOrganization, der::utf8_string(n.organization)));
  if (!n.organizational_unit.empty())
    rdns.push_back(attribute(oid::kOrganizationalUnit, der::utf8_string(n.organizational_unit)));
  if (!n.common_name.empty())
    rdns.push_back(attribute(oid::kCommonName, der::utf8_string(n.common_name)));
  if (!n.serial_number.empty())
    rdns.push_back(attribute(oid::kSerialNumber, der::printable_string(n.serial_number)));
  return der::sequence(rdns);
}

ParsedName decode_name(const der::Element& e) {
  ParsedName out;
  der::Reader rdns = der::contents(e, der::tag::kSequence, "Name");
  std::vector<std::string> seen;
  while (!rdns.empty()) {
    der::Reader rdn = rdns.enter(der::tag::kSet, "RelativeDistinguishedName");
    if (rdn.empty()) fail("empty RelativeDistinguishedName");
    der::Reader atv = rdn.enter(der::tag::kSequence, "AttributeTypeAndValue");
    if (!rdn.empty()) fail("multi-valued RelativeDistinguishedName is outside this profile");
    std::string type = der::decode_oid(atv.next(der::tag::kOid, "AttributeType"));
    der::Element v = atv.next();
    atv.finish("AttributeTypeAndValue");
    std::string value = der::decode_string(v);
    auto set_once = [&](std::string& field) {
      if (std::find(seen.begin(), seen.end(), type) != seen.end())
        fail("name attribute " + type + " appears twice");
      seen.push_back(type);
      field = value;
    };
    if (type == oid::kCountry) {
      if (v.tag != der::tag::kPrintableString || value.size() != 2)
        fail("countryName must be a two-letter PrintableString");
      set_once(out.name.country);
    } else if (type == oid::kOrganization) {
      set_once(out.name.organization);
    } else if (type == oid::kOrganizationalUnit) {
      set_once(out.name.organizational_unit);
    } else if (type == oid::kCommonName) {
      set_once(out.name.common_name);
    } else if (type == oid::kSerialNumber) {
      if (v.tag != der::tag::kPrintableString) fail("serialNumber must be a PrintableString");
      set_once(out.name.serial_number);
    } else {
      out.other.emplace_back(type, value);
    }
  }
  return out;
}

// ---- key identifiers ------------------------------------------------------------------------

Bytes key_identifier(ByteView public_key) {
  std::uint8_t d[32];
  hash::Sha256::hash(d, public_key.data(), public_key.size());
  return Bytes(d, d + 20);
}

const Extension* Certificate::find_extension(std::string_view o) const {
  for (const Extension& e : extensions)
    if (e.oid == o) return &e;
  return nullptr;
}

// ---- building ---------------------------------------------------------------------------------

Bytes encode_extension(const Extension& e) {
  // RFC 5280 §4.1: critical is DEFAULT FALSE, so DER omits it when false (X.690 §11.5).
  if (e.critical) return der::sequence({der::oid(e.oid), der::boolean(true), der::octet_string(e.value)});
  return der::sequence({der::oid(e.oid), der::octet_string(e.value)});
}

Extension decode_extension(const der::Element& e) {
  der::Reader ext = der::contents(e, der::tag::kSequence, "Extension");
  Extension x;
  x.oid = der::decode_oid(ext.next(der::tag::kOid, "extnID"));
  if (auto crit = ext.next_if(der::tag::kBoolean)) {
    if (!der::decode_boolean(*crit)) fail("extension " + x.oid + ": critical FALSE must be omitted (DER DEFAULT)");
    x.critical = true;
  }
  ByteView v = der::decode_octet_string(ext.next(der::tag::kOctetString, "extnValue"));
  ext.finish("Extension");
  x.value.assign(v.begin(), v.end());
  return x;
}

namespace {

Bytes encode_extension(std::string_view o, bool critical, const Bytes& value) {
  return encode_extension(Extension{std::string(o), critical, value});
}

Bytes derive_serial(ByteView tbs_without_serial) {
  // A deterministic 16-octet positive serial: SHA-256 over everything else in the TBS, so two
  // different certificates from one issuer get different serials (docs/pki.md).
  std::uint8_t d[32];
  hash::Sha256::hash(d, tbs_without_serial.data(), tbs_without_serial.size());
  Bytes s(d, d + 16);
  s[0] = static_cast<std::uint8_t>((s[0] & 0x7F) | 0x40);  // positive, and always 16 octets
  return s;
}

}  // namespace

Bytes issue_certificate(const CertificateTemplate& t, const Certificate* issuer, const Signer& signer) {
  const AlgInfo& spki_alg = info(t.public_key_algorithm);
  if (t.public_key.size() != spki_alg.pk_size)
    throw Error("issue: public key is " + std::to_string(t.public_key.size()) + " bytes, " +
                std::string(spki_alg.name) + " needs " + std::to_string(spki_alg.pk_size));
  if (t.validity.not_after < t.validity.not_before)
    throw Error("issue: notAfter is before notBefore");
  if (t.serial.size() > 20) throw Error("issue: serial longer than 20 octets (RFC 5280 §4.1.2.2)");
  if (!t.serial.empty() && std::all_of(t.serial.begin(), t.serial.end(), [](std::uint8_t b) { return b == 0; }))
    throw Error("issue: serial must be positive");
  if (t.path_len && !t.is_ca) throw Error("issue: pathLenConstraint on a non-CA certificate");
  std::uint32_t ku = t.key_usage;
  if (ku == 0) ku = t.is_ca ? (kKeyCertSign | kCrlSign) : kDigitalSignature;
  // RFC 9881 §5: ML-DSA keys are for signing only.
  if (ku & (kKeyEncipherment | kDataEncipherment | kKeyAgreement | kEncipherOnly | kDecipherOnly))
    throw Error("issue: keyUsage with encipherment or agreement bits on an ML-DSA key (RFC 9881 §5)");
  if (!t.is_ca && (ku & kKeyCertSign)) throw Error("issue: keyCertSign without cA (RFC 5280 §4.2.1.9)");
  const Bytes subject = encode_name(t.subject);
  if (t.subject.common_name.empty() && t.subject.serial_number.empty() && t.subject.organization.empty())
    throw Error("issue: empty subject name");

  const Algorithm sig_alg = signer.algorithm();
  const Bytes signer_pk = signer.public_key();
  Bytes issuer_name;
  Bytes aki;
  if (issuer == nullptr) {
    if (sig_alg != t.public_key_algorithm || signer_pk != t.public_key)
      throw Error("issue: self-signed certificate but the signer's key is not the subject key");
    issuer_name = subject;
    aki = key_identifier(t.public_key);
  } else {
    if (sig_alg != issuer->public_key_algorithm || signer_pk != issuer->public_key)
      throw Error("issue: the signer's key is not the issuer certificate's key");
    issuer_name = issuer->subject_der;
    aki = issuer->subject_key_id.empty() ? key_identifier(issuer->public_key) : issuer->subject_key_id;
  }

  // Extensions (RFC 5280 §4.2).
  std::vector<Bytes> exts;
  {
    std::vector<Bytes> bc;
    if (t.is_ca) {
      bc.push_back(der::boolean(true));
      if (t.path_len) bc.push_back(der::integer(*t.path_len));
    }
    exts.push_back(encode_extension(oid::kBasicConstraints, true, der::sequence(bc)));
  }
  exts.push_back(encode_extension(oid::kKeyUsage, true, der::named_bit_string(ku)));
  exts.push_back(encode_extension(oid::kSubjectKeyIdentifier, false,
                                  der::octet_string(key_identifier(t.public_key))));
  exts.push_back(encode_extension(oid::kAuthorityKeyIdentifier, false,
                                  der::sequence({der::implicit_tag(0, der::octet_string(aki))})));
  if (!t.san_uris.empty() || !t.san_dns_names.empty()) {
    std::vector<Bytes> names;
    for (const std::string& d : t.san_dns_names) names.push_back(der::implicit_tag(2, der::ia5_string(d)));
    for (const std::string& u : t.san_uris) names.push_back(der::implicit_tag(6, der::ia5_string(u)));
    exts.push_back(encode_extension(oid::kSubjectAltName, false, der::sequence(names)));
  }
  for (const Extension& e : t.extra_extensions) exts.push_back(encode_extension(e));

  const Bytes version = der::explicit_tag(0, der::integer(2));  // v3
  const Bytes alg_id = encode_algorithm_identifier(sig_alg);
  const Bytes validity =
      der::sequence({der::x509_time(t.validity.not_before), der::x509_time(t.validity.not_after)});
  const Bytes spki = encode_spki(t.public_key_algorithm, t.public_key);
  const Bytes extensions = der::explicit_tag(3, der::sequence(exts));

  Bytes serial = t.serial;
  if (serial.empty())
    serial = derive_serial(der::sequence({version, alg_id, issuer_name, validity, subject, spki, extensions}));
  const Bytes tbs = der::sequence(
      {version, der::integer_unsigned(serial), alg_id, issuer_name, validity, subject, spki, extensions});

  // RFC 9881 §3: ML-DSA pure mode, empty context, over the DER TBSCertificate.
  const Bytes sig = signer.sign(tbs);
  if (sig.size() != info(sig_alg).sig_size) throw Error("issue: signer returned a signature of the wrong size");
  return der::sequence({tbs, alg_id, der::bit_string(sig)});
}

// ---- parsing ----------------------------------------------------------------------------------

namespace {

void decode_basic_constraints(ByteView v, Certificate& c) {
  der::Element e = der::parse_single(v, "basicConstraints");
  der::Reader r = der::contents(e, der::tag::kSequence, "basicConstraints");
  c.has_basic_constraints = true;
  if (auto ca = r.next_if(der::tag::kBoolean)) {
    if (!der::decode_boolean(*ca)) fail("basicConstraints cA FALSE must be omitted (DER DEFAULT)");
    c.is_ca = true;
  }
  if (auto pl = r.next_if(der::tag::kInteger)) {
    std::int64_t n = der::decode_int64(*pl);
    if (n < 0 || n > 1000) fail("basicConstraints pathLenConstraint out of range");
    if (!c.is_ca) fail("pathLenConstraint without cA (RFC 5280 §4.2.1.9)");
    c.path_len = static_cast<unsigned>(n);
  }
  r.finish("basicConstraints");
}

void decode_key_usage(ByteView v, Certificate& c) {
  der::Element e = der::parse_single(v, "keyUsage");
  std::uint32_t ku = der::decode_named_bit_string(e, 9);
  if (ku == 0) fail("keyUsage with no bit set (RFC 5280 §4.2.1.3)");
  // RFC 9881 §5.
  if (ku & (kKeyEncipherment | kDataEncipherment | kKeyAgreement | kEncipherOnly | kDecipherOnly))
    fail("keyUsage has encipherment or agreement bits, not allowed for ML-DSA (RFC 9881 §5)");
  c.key_usage = ku;
}

void decode_ski(ByteView v, Certificate& c) {
  der::Element e = der::parse_single(v, "subjectKeyIdentifier");
  ByteView id = der::decode_octet_string(e);
  if (id.empty()) fail("empty subjectKeyIdentifier");
  c.subject_key_id.assign(id.begin(), id.end());
}

void decode_aki(ByteView v, Certificate& c) {
  der::Element e = der::parse_single(v, "authorityKeyIdentifier");
  der::Reader r = der::contents(e, der::tag::kSequence, "authorityKeyIdentifier");
  if (auto id = r.next_if(der::tag::context(0, false))) {
    if (id->content.empty()) fail("empty authorityKeyIdentifier keyIdentifier");
    c.authority_key_id.assign(id->content.begin(), id->content.end());
  }
  auto issuer = r.next_if(der::tag::context(1, true));
  auto serial = r.next_if(der::tag::context(2, false));
  if (issuer.has_value() != serial.has_value())
    fail("authorityCertIssuer and authorityCertSerialNumber must appear together (RFC 5280 §4.2.1.1)");
  r.finish("authorityKeyIdentifier");
}

void decode_san(ByteView v, Certificate& c) {
  der::Element e = der::parse_single(v, "subjectAltName");
  der::Reader r = der::contents(e, der::tag::kSequence, "subjectAltName");
  if (r.empty()) fail("empty subjectAltName (RFC 5280 §4.2.1.6)");
  while (!r.empty()) {
    der::Element gn = r.next();
    const std::uint8_t t = gn.tag;
    if ((t & 0xC0) != der::tag::kContextClass || (t & 0x1F) > 8)
      fail("subjectAltName entry is not a GeneralName");
    if (t == der::tag::context(2, false) || t == der::tag::context(6, false)) {
      std::string s(reinterpret_cast<const char*>(gn.content.data()), gn.content.size());
      for (char ch : s)
        if (static_cast<unsigned char>(ch) >= 0x80 || ch == 0) fail("subjectAltName: non-IA5 character");
      if (s.empty()) fail("subjectAltName: empty name");
      (t == der::tag::context(2, false) ? c.san_dns_names : c.san_uris).push_back(std::move(s));
    }
    // Other GeneralName forms are allowed and kept only in the raw extension.
  }
}

}  // namespace

Certificate parse_certificate(ByteView input) {
  Certificate c;
  c.der.assign(input.begin(), input.end());
  const ByteView data(c.der);

  der::Element cert = der::parse_single(data, "Certificate");
  der::Reader top = der::contents(cert, der::tag::kSequence, "Certificate");
  der::Element tbs_e = top.next(der::tag::kSequence, "tbsCertificate");
  der::Element outer_alg = top.next(der::tag::kSequence, "signatureAlgorithm");
  der::Element sig_e = top.next(der::tag::kBitString, "signatureValue");
  top.finish("Certificate");
  c.tbs.assign(tbs_e.encoding.begin(), tbs_e.encoding.end());

  der::Reader tbs = top.enter(tbs_e, "tbsCertificate");
  // version [0] EXPLICIT: this profile requires v3 (extensions are mandatory).
  auto ver = tbs.next_if(der::tag::context(0, true));
  if (!ver) fail("version field absent (v1); this profile requires v3");
  {
    der::Reader vr = tbs.enter(*ver, "version");
    std::int64_t v = der::decode_int64(vr.next(der::tag::kInteger, "version"));
    vr.finish("version");
    if (v == 0) fail("explicit version v1 is not DER (DEFAULT must be omitted)");
    if (v != 2) fail("version is not v3");
    c.version = 3;
  }
  {
    der::Element s = tbs.next(der::tag::kInteger, "serialNumber");
    Bytes raw = der::decode_integer(s);
    if (raw[0] & 0x80) fail("negative serialNumber (RFC 5280 §4.1.2.2)");
    c.serial = der::decode_unsigned_integer(s);
    if (c.serial.size() == 1 && c.serial[0] == 0) fail("serialNumber zero (RFC 5280 §4.1.2.2)");
    if (raw.size() > 20) fail("serialNumber longer than 20 octets (RFC 5280 §4.1.2.2)");
  }
  const Algorithm inner = decode_algorithm_identifier(tbs.next(der::tag::kSequence, "signature"));
  {
    der::Element iss = tbs.next(der::tag::kSequence, "issuer");
    c.issuer_der.assign(iss.encoding.begin(), iss.encoding.end());
    c.issuer = decode_name(iss).name;
    if (iss.content.empty()) fail("empty issuer name (RFC 5280 §4.1.2.4)");
  }
  {
    der::Reader val = tbs.enter(der::tag::kSequence, "validity");
    der::Element nb = val.next();
    der::Element na = val.next();
    val.finish("validity");
    c.validity.not_before = der::decode_time(nb);
    c.validity.not_after = der::decode_time(na);
    // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
    for (const der::Element* t : {&nb, &na}) {
      Time v = t == &nb ? c.validity.not_before : c.validity.not_after;
      int y = der::to_civil(v).year;
      if (t->tag == der::tag::kGeneralizedTime && y < 2050)
        fail("validity before 2050 must be UTCTime (RFC 5280 §4.1.2.5)");
    }
  }
  {
    der::Element sub = tbs.next(der::tag::kSequence, "subject");
    c.subject_der.assign(sub.encoding.begin(), sub.encoding.end());
    c.subject = decode_name(sub).name;
  }
  {
    der::Reader spki = tbs.enter(der::tag::kSequence, "subjectPublicKeyInfo");
    c.public_key_algorithm = decode_algorithm_identifier(spki.next(der::tag::kSequence, "SPKI algorithm"));
    c.public_key = der::decode_octet_aligned_bit_string(spki.next(der::tag::kBitString, "subjectPublicKey"));
    spki.finish("subjectPublicKeyInfo");
    if (c.public_key.size() != info(c.public_key_algorithm).pk_size)
      fail(std::string(algorithm_name(c.public_key_algorithm)) + " public key has the wrong size (" +
           std::to_string(c.public_key.size()) + " bytes)");
  }
  if (!tbs.empty() && (tbs.peek_tag() == der::tag::context(1, false) || tbs.peek_tag() == der::tag::context(2, false) ||
                       tbs.peek_tag() == der::tag::context(1, true) || tbs.peek_tag() == der::tag::context(2, true)))
    fail("issuerUniqueID/subjectUniqueID are not allowed in this profile (RFC 5280 §4.1.2.8)");
  auto exts_e = tbs.next_if(der::tag::context(3, true));
  tbs.finish("tbsCertificate");
  if (!exts_e) fail("extensions absent; this profile requires them");
  {
    der::Reader wrap = tbs.enter(*exts_e, "extensions");
    der::Reader exts = wrap.enter(der::tag::kSequence, "Extensions");
    wrap.finish("extensions");
    if (exts.empty()) fail("empty Extensions (SIZE (1..MAX))");
    while (!exts.empty()) {
      Extension x = decode_extension(exts.next(der::tag::kSequence, "Extension"));
      if (c.find_extension(x.oid)) fail("extension " + x.oid + " appears twice (RFC 5280 §4.2)");
      c.extensions.push_back(x);

      if (x.oid == oid::kBasicConstraints) {
        decode_basic_constraints(x.value, c);
      } else if (x.oid == oid::kKeyUsage) {
        decode_key_usage(x.value, c);
      } else if (x.oid == oid::kSubjectKeyIdentifier) {
        if (x.critical) fail("subjectKeyIdentifier must not be critical (RFC 5280 §4.2.1.2)");
        decode_ski(x.value, c);
      } else if (x.oid == oid::kAuthorityKeyIdentifier) {
        if (x.critical) fail("authorityKeyIdentifier must not be critical (RFC 5280 §4.2.1.1)");
        decode_aki(x.value, c);
      } else if (x.oid == oid::kSubjectAltName) {
        decode_san(x.value, c);
      } else if (x.critical) {
        fail("unknown critical extension " + x.oid + " (RFC 5280 §4.2)");
      }
    }
  }
  if (c.is_ca && c.has_basic_constraints) {
    const Extension* bc = c.find_extension(oid::kBasicConstraints);
    if (!bc->critical) fail("basicConstraints of a CA must be critical (RFC 5280 §4.2.1.9)");
  }

  c.signature_algorithm = decode_algorithm_identifier(outer_alg);
  if (c.signature_algorithm != inner)
    fail("signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 §4.1.1.2)");
  c.signature = der::decode_octet_aligned_bit_string(sig_e);
  if (c.signature.size() != info(c.signature_algorithm).sig_size)
    fail(std::string(algorithm_name(c.signature_algorithm)) + " signature has the wrong size (" +
         std::to_string(c.signature.size()) + " bytes)");
  return c;
}

// ---- SubjectPublicKeyInfo -------------------------------------------------------------------

Bytes encode_spki(Algorithm a, ByteView public_key) {
  if (public_key.size() != info(a).pk_size) throw Error("SPKI: public key has the wrong size");
  // RFC 9881 §4: the raw public key is the subjectPublicKey BIT STRING (no OCTET STRING wrapper).
  return der::sequence({encode_algorithm_identifier(a), der::bit_string(public_key)});
}

std::pair<Algorithm, Bytes> decode_spki(ByteView data) {
  der::Element e = der::parse_single(data, "SubjectPublicKeyInfo");
  der::Reader r = der::contents(e, der::tag::kSequence, "SubjectPublicKeyInfo");
  Algorithm a = decode_algorithm_identifier(r.next(der::tag::kSequence, "SPKI algorithm"));
  Bytes pk = der::decode_octet_aligned_bit_string(r.next(der::tag::kBitString, "subjectPublicKey"));
  r.finish("SubjectPublicKeyInfo");
  if (pk.size() != info(a).pk_size) throw Error("SPKI: public key has the wrong size");
  return {a, pk};
}

}  // namespace pqcea::pki
