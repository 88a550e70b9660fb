// libFuzzer target for the fleet PKI's readers of outside bytes (src/host/pki): the strict DER
// decoder and its value decoders, X.509 certificates, SubjectPublicKeyInfo, the PKCS#8 seed-only
// private key, PKCS#10 certificate requests (include/pqcea/host/csr.hpp) and PEM armour. (The PKI
// has no CRL parser: revocation is a database flag, docs/pki.md.)
//
// A rejection is der::Error or pki::Error; any other exception escapes and libFuzzer reports it
// (a parser must not fail with std::out_of_range or the like). Properties, checked with a trap:
//  1. DER round trip: a tree check_tree accepts re-encodes with the encoder, element by element,
//     to exactly the input (one value, one encoding, X.690 §10-11); every primitive value the
//     value decoders accept re-encodes to exactly its TLV;
//  2. no trailing bytes: parse_single and every accepted structure cover the whole input;
//  3. a certificate, SPKI or private key that parses re-encodes to the same bytes, and a
//     certificate is valid DER as a whole; an accepted CSR is DER, its signed info is a prefix-free
//     part of it, and its key re-encodes to a valid SPKI.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "pqcea/host/csr.hpp"
#include "pqcea/host/der.hpp"
#include "pqcea/host/pki.hpp"

namespace {

namespace der = pqcea::der;
namespace pki = pqcea::pki;
using der::Bytes;
using der::ByteView;

[[noreturn]] void broken() { __builtin_trap(); }

bool same(ByteView a, ByteView b) { return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0); }

// Property 1 for one primitive value: decode with the decoder of its tag, encode the result.
void check_value(const der::Element& e) {
  try {
    switch (e.tag) {
      case der::tag::kBoolean:
        if (!same(der::boolean(der::decode_boolean(e)), e.encoding)) broken();
        break;
      case der::tag::kNull:
        der::decode_null(e);
        if (!same(der::null(), e.encoding)) broken();
        break;
      case der::tag::kInteger:
        if (!same(der::tlv(der::tag::kInteger, der::decode_integer(e)), e.encoding)) broken();
        break;
      case der::tag::kOid:
        if (!same(der::oid(der::decode_oid(e)), e.encoding)) broken();
        break;
      case der::tag::kBitString: {
        der::BitString b = der::decode_bit_string(e);
        if (!same(der::bit_string(b.bytes, b.unused_bits), e.encoding)) broken();
        break;
      }
      case der::tag::kOctetString:
        if (!same(der::octet_string(der::decode_octet_string(e)), e.encoding)) broken();
        break;
      case der::tag::kUtf8String:
        if (!same(der::utf8_string(der::decode_string(e)), e.encoding)) broken();
        break;
      case der::tag::kPrintableString:
        if (!same(der::printable_string(der::decode_string(e)), e.encoding)) broken();
        break;
      case der::tag::kIa5String:
        if (!same(der::ia5_string(der::decode_string(e)), e.encoding)) broken();
        break;
      case der::tag::kUtcTime:
        if (!same(der::utc_time(der::decode_time(e)), e.encoding)) broken();
        break;
      case der::tag::kGeneralizedTime:
        if (!same(der::generalized_time(der::decode_time(e)), e.encoding)) broken();
        break;
      default:
        break;
    }
  } catch (const der::Error&) {
    // A primitive check_tree lets through may still break its type's value rules.
  }
}

// Re-encodes the elements of `r` with the encoder (constructed values recursively).
Bytes reencode(der::Reader r) {
  Bytes out;
  while (!r.empty()) {
    der::Element e = r.next();
    if (e.constructed()) {
      der::append(out, der::tlv(e.tag, reencode(r.enter(e, "fuzz"))));
    } else {
      check_value(e);
      der::append(out, der::tlv(e.tag, e.content));
    }
  }
  return out;
}

void check_der(ByteView in) {
  try {
    der::check_tree(in);
  } catch (const der::Error&) {
    return;
  }
  // Property 2: one element, the whole input.
  der::Element top = der::parse_single(in, "fuzz");
  if (top.encoding.data() != in.data() || top.encoding.size() != in.size()) broken();
  // Property 1.
  if (!same(reencode(der::Reader(in)), in)) broken();
}

void check_certificate(ByteView in) {
  pki::Certificate c;
  try {
    c = pki::parse_certificate(in);
  } catch (const der::Error&) {
    return;
  } catch (const pki::Error&) {
    return;
  }
  // Property 3.
  if (!same(c.der, in)) broken();
  der::check_tree(in);  // throws (and so fails) if an accepted certificate is not DER
  if (!same(pki::encode_spki(c.public_key_algorithm, c.public_key),
            pki::encode_spki(pki::decode_spki(pki::encode_spki(c.public_key_algorithm, c.public_key)).first,
                             c.public_key)))
    broken();
  (void)c.find_extension(pki::oid::kSubjectAltName);
}

void check_csr(ByteView in) {
  pki::CertificationRequest c;
  try {
    c = pki::parse_csr(in);
  } catch (const der::Error&) {
    return;
  } catch (const pki::Error&) {
    return;
  }
  // Property 3 for requests.
  if (!same(c.der, in)) broken();
  der::check_tree(in);
  if (c.info.size() >= in.size() || c.info.empty()) broken();
  if (pki::decode_spki(pki::encode_spki(c.algorithm, c.public_key)).second != c.public_key) broken();
  if (c.signature.size() != pki::signature_size(c.algorithm)) broken();
}

void check_spki(ByteView in) {
  try {
    auto [alg, pk] = pki::decode_spki(in);
    if (!same(pki::encode_spki(alg, pk), in)) broken();
  } catch (const der::Error&) {
  } catch (const pki::Error&) {
  }
}

void check_private_key(ByteView in) {
  try {
    auto [alg, seed] = pki::decode_private_key_seed(in);
    // The canonical form (v1, no attributes) decodes to the same key. The input itself may be
    // longer: a v2 key's publicKey and attributes are accepted and not re-encoded.
    const Bytes canonical = pki::encode_private_key_seed(alg, seed);
    const auto [alg2, seed2] = pki::decode_private_key_seed(canonical);
    if (alg2 != alg || seed2 != seed || in.size() < canonical.size()) broken();
  } catch (const der::Error&) {
  } catch (const pki::Error&) {
  }
}

void check_pem(ByteView in) {
  const std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
  for (std::string_view label : {"CERTIFICATE", "PUBLIC KEY", "PRIVATE KEY", "CERTIFICATE REQUEST"}) {
    Bytes der_bytes;
    try {
      der_bytes = pki::from_pem(text, label);
    } catch (const pki::Error&) {
      continue;
    }
    // Armour and unarmour are inverse on what the reader accepted.
    if (!same(pki::from_pem(pki::to_pem(der_bytes, label), label), der_bytes)) broken();
    check_certificate(der_bytes);
    check_csr(der_bytes);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  check_der(in);
  check_certificate(in);
  check_csr(in);
  check_spki(in);
  check_private_key(in);
  check_pem(in);
  return 0;
}
