// The classical (ECDSA P-256) track of the OCPP dual track through OpenSSL 3.0's EVP and X509
// APIs: keys, PKCS#10 requests (RFC 2986), a root CA and its leaves (RFC 5280), OCPP's
// CertificateHashData, and the fleet's classical files (docs/ocpp.md, docs/pki.md).
#include "pqcea/host/classical_pki.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <memory>

#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/csr.hpp"
#include "pqcea/host/hex.hpp"
#include "pqcea/host/secret_file.hpp"

namespace pqcea::pki::classical {

namespace {

namespace fs = std::filesystem;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Ptr = std::unique_ptr<T, Deleter<T, Free>>;
using X509Ptr = Ptr<X509, X509_free>;
using ReqPtr = Ptr<X509_REQ, X509_REQ_free>;
using NamePtr = Ptr<X509_NAME, X509_NAME_free>;
using PkeyPtr = Ptr<EVP_PKEY, EVP_PKEY_free>;
using BioPtr = Ptr<BIO, BIO_free_all>;
using MdCtxPtr = Ptr<EVP_MD_CTX, EVP_MD_CTX_free>;
using ObjPtr = Ptr<ASN1_OBJECT, ASN1_OBJECT_free>;
using BnPtr = Ptr<BIGNUM, BN_free>;
using StorePtr = Ptr<X509_STORE, X509_STORE_free>;
using StoreCtxPtr = Ptr<X509_STORE_CTX, X509_STORE_CTX_free>;
using ExtPtr = Ptr<X509_EXTENSION, X509_EXTENSION_free>;
using P8Ptr = Ptr<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;

constexpr const char* kCaName = "PQCEA OCPP classical CA";
constexpr const char* kSignerName = "PQCEA firmware signer";
constexpr int kCaDays = 7300;      // 20 years: the root outlives every leaf it issues
constexpr int kSignerDays = 3650;  // 10 years

// OpenSSL's reason for the last failure (its error queue is emptied so it cannot leak into the
// next call's reason).
std::string openssl_reason() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL reason" : out;
}

[[noreturn]] void fail(const std::string& what) { throw Error("classical: " + what); }
[[noreturn]] void fail_ossl(const std::string& what) { fail(what + " (" + openssl_reason() + ")"); }

Bytes sha256(ByteView data) {
  Bytes d(32);
  hash::Sha256::hash(d.data(), data.data(), data.size());
  return d;
}

std::string_view text_view(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// Only NIST P-256 (secp256r1 / prime256v1) keys: the curve OCPP 2.0.1 security profiles name for
// ECDSA, and the one this track is specified with.
void require_p256(const EVP_PKEY* key, const std::string& whose) {
  if (key == nullptr) fail(whose + ": no key");
  if (!EVP_PKEY_is_a(key, "EC")) fail(whose + ": " + EVP_PKEY_get0_type_name(key) + " key; expected EC P-256");
  char group[80] = {};
  std::size_t len = 0;
  if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len))
    fail(whose + ": EC key without a named curve; expected P-256");
  if (OBJ_txt2nid(group) != NID_X9_62_prime256v1) fail(whose + ": EC key on " + group + "; expected P-256");
}

// d2i over the whole buffer: trailing bytes are refused (one object per input).
template <typename T, T* (*D2i)(T**, const unsigned char**, long), void (*Free)(T*)>
Ptr<T, Free> d2i_exact(ByteView der, const std::string& what) {
  const unsigned char* p = der.data();
  Ptr<T, Free> out(D2i(nullptr, &p, static_cast<long>(der.size())));
  if (!out) fail_ossl(what + ": does not parse");
  if (p != der.data() + der.size()) fail(what + ": trailing bytes after the DER object");
  return out;
}

template <typename T, int (*I2d)(const T*, unsigned char**)>
Bytes i2d_bytes(const T* obj, const std::string& what) {
  const int n = I2d(obj, nullptr);
  if (n <= 0) fail_ossl(what + ": cannot encode");
  Bytes out(static_cast<std::size_t>(n));
  unsigned char* p = out.data();
  if (I2d(obj, &p) != n) fail_ossl(what + ": cannot encode");
  return out;
}

// A DER object from PEM text, checked with the project's strict DER walker before OpenSSL sees it.
Bytes pem_der(std::string_view pem, std::string_view label) {
  Bytes der = pki::from_pem(pem, label);
  try {
    der::check_tree(der);
  } catch (const der::Error& e) {
    fail(std::string(label) + ": not DER: " + e.what());
  }
  return der;
}

X509Ptr read_cert(const std::string& pem, const std::string& what) {
  return d2i_exact<X509, d2i_X509, X509_free>(pem_der(pem, "CERTIFICATE"), what);
}

PkeyPtr read_spki(ByteView spki_der, const std::string& what) {
  try {
    der::check_tree(spki_der);
  } catch (const der::Error& e) {
    fail(what + ": not DER: " + e.what());
  }
  PkeyPtr key = d2i_exact<EVP_PKEY, d2i_PUBKEY, EVP_PKEY_free>(spki_der, what);
  require_p256(key.get(), what);
  return key;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

NamePtr make_name(const std::string& organization, const std::string& common_name) {
  if (common_name.empty()) fail("a subject needs a common name");
  NamePtr name(X509_NAME_new());
  if (!name) fail_ossl("X509_NAME_new");
  // O before CN, as the ML-DSA profile orders them (docs/pki.md); UTF8String (RFC 5280 §4.1.2.6).
  auto add = [&](int nid, const std::string& v) {
    if (!X509_NAME_add_entry_by_NID(name.get(), nid, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(v.data()),
                                    static_cast<int>(v.size()), -1, 0))
      fail_ossl("subject attribute '" + v + "'");
  };
  if (!organization.empty()) add(NID_organizationName, organization);
  add(NID_commonName, common_name);
  return name;
}

// The one value of `nid` in `name` as UTF-8: empty if absent; refused if it appears twice.
std::string name_entry(const X509_NAME* name, int nid, const std::string& what) {
  const int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0) return {};
  if (X509_NAME_get_index_by_NID(name, nid, i) >= 0) fail(what + ": " + OBJ_nid2sn(nid) + " appears twice");
  unsigned char* utf8 = nullptr;
  const int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
  if (n < 0) fail_ossl(what + ": " + OBJ_nid2sn(nid) + " is not a valid string");
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
  OPENSSL_free(utf8);
  if (out.find('\0') != std::string::npos) fail(what + ": " + OBJ_nid2sn(nid) + " contains a NUL character");
  return out;
}

void set_serial(X509* x) {
  const Bytes serial = random_serial();
  BnPtr bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x))) fail_ossl("serial");
}

void set_validity(X509* x, int valid_days) {
  if (valid_days < 1 || valid_days > 36500) fail("validity must be 1..36500 days, not " + std::to_string(valid_days));
  // Five minutes of clock skew for the relying party, as the ML-DSA CA (device_client.cpp).
  if (!X509_gmtime_adj(X509_getm_notBefore(x), -300) ||
      !X509_time_adj_ex(X509_getm_notAfter(x), valid_days, 0, nullptr))
    fail_ossl("validity");
}

// One extension in OpenSSL's configuration syntax, with the issuer and subject in its context (for
// the SKI/AKI key identifiers).
void add_ext(X509* subject, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, subject, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || !X509_add_ext(subject, ext.get(), -1)) fail_ossl(std::string("extension ") + OBJ_nid2sn(nid));
}

std::string cert_pem(X509* x) {
  return pki::to_pem(i2d_bytes<X509, i2d_X509>(x, "certificate"), "CERTIFICATE");
}

// A leaf signed by the CA: the CA decides every field (RFC 5280 §4.1), nothing comes from a request.
std::string issue_leaf(const EcKey& ca_key, const std::string& ca_cert_pem, EVP_PKEY* subject_key, const X509_NAME* subject,
                       int valid_days, const char* key_usage, const char* ext_key_usage) {
  X509Ptr ca = read_cert(ca_cert_pem, "CA certificate");
  X509Ptr x(X509_new());
  if (!x || !X509_set_version(x.get(), 2)) fail_ossl("X509_new");  // v3
  set_serial(x.get());
  if (!X509_set_issuer_name(x.get(), X509_get_subject_name(ca.get())) || !X509_set_subject_name(x.get(), subject) ||
      !X509_set_pubkey(x.get(), subject_key))
    fail_ossl("certificate fields");
  set_validity(x.get(), valid_days);
  add_ext(x.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_ext(x.get(), ca.get(), NID_key_usage, key_usage);
  add_ext(x.get(), ca.get(), NID_ext_key_usage, ext_key_usage);
  add_ext(x.get(), ca.get(), NID_subject_key_identifier, "hash");
  add_ext(x.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  if (X509_sign(x.get(), ca_key.get(), EVP_sha256()) <= 0) fail_ossl("signing the certificate");
  return cert_pem(x.get());
}

std::string read_public_text(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) fail(p.string() + ": no such file (or not a regular file)");
  const auto size = fs::file_size(p, ec);
  if (ec || size > (1u << 20)) fail(p.string() + ": unreadable or larger than 1 MiB");
  std::FILE* f = std::fopen(p.c_str(), "rb");
  if (f == nullptr) fail("cannot read " + p.string());
  std::string s(size, '\0');
  const std::size_t got = std::fread(s.data(), 1, s.size(), f);
  std::fclose(f);
  if (got != s.size()) fail("cannot read " + p.string());
  return s;
}

// A public file that must not exist yet ("wx": O_CREAT|O_EXCL, never replacing).
void write_public_new(const fs::path& p, const std::string& text) {
  std::FILE* f = std::fopen(p.c_str(), "wx");
  if (f == nullptr) fail("cannot create " + p.string() + " (it may exist already)");
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) fail("cannot write " + p.string());
}

EcKey read_key_file(const fs::path& p) {
  const host::SecretBytes pem = host::read_secret_file(p.string(), 16 * 1024);
  std::string text(text_view(pem.span()));
  try {
    EcKey k = EcKey::from_pem(text);
    OPENSSL_cleanse(text.data(), text.size());
    return k;
  } catch (const Error& e) {
    OPENSSL_cleanse(text.data(), text.size());
    throw Error(p.string() + ": " + e.what());
  }
}

void write_key_file(const fs::path& p, const EcKey& key) {
  std::string pem = key.private_pem();
  host::write_secret_file(p.string(), std::span(reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size()),
                          host::Replace::no);
  OPENSSL_cleanse(pem.data(), pem.size());
}

}  // namespace

// ---- EcKey ------------------------------------------------------------------------------------

EcKey EcKey::generate() {
  EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (k == nullptr) fail_ossl("P-256 key generation");
  return EcKey(k);
}

EcKey EcKey::adopt(evp_pkey_st* key) {
  PkeyPtr owned(key);
  require_p256(owned.get(), "private key");
  return EcKey(owned.release());
}

EcKey EcKey::from_pem(const std::string& pkcs8_pem) {
  // PKCS#8 PrivateKeyInfo (RFC 5958), unencrypted: the form private_pem() writes.
  Bytes der = pki::from_pem(pkcs8_pem, "PRIVATE KEY");
  const unsigned char* p = der.data();
  P8Ptr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
  const bool whole = p == der.data() + der.size();
  OPENSSL_cleanse(der.data(), der.size());
  if (!p8) fail_ossl("private key: not a PKCS#8 PrivateKeyInfo");
  if (!whole) fail("private key: trailing bytes after the PKCS#8 structure");
  PkeyPtr key(EVP_PKCS82PKEY(p8.get()));
  if (!key) fail_ossl("private key: unusable PKCS#8 key");
  return adopt(key.release());
}

EcKey::EcKey(EcKey&& other) noexcept : key_(other.key_) { other.key_ = nullptr; }
EcKey& EcKey::operator=(EcKey&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(key_);
    key_ = other.key_;
    other.key_ = nullptr;
  }
  return *this;
}
EcKey::~EcKey() { EVP_PKEY_free(key_); }

std::string EcKey::private_pem() const {
  if (key_ == nullptr) fail("empty key");
  // The secure-heap memory BIO: its buffer is cleansed when freed.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || !PEM_write_bio_PrivateKey(bio.get(), key_, nullptr, nullptr, 0, nullptr, nullptr))
    fail_ossl("writing the private key");
  return bio_text(bio.get());
}

Bytes EcKey::spki_der() const {
  if (key_ == nullptr) fail("empty key");
  return i2d_bytes<EVP_PKEY, i2d_PUBKEY>(key_, "public key");
}

Bytes EcKey::sign_sha256(ByteView data) const {
  if (key_ == nullptr) fail("empty key");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1)
    fail_ossl("ECDSA signing");
  Bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size()) != 1) fail_ossl("ECDSA signing");
  sig.resize(len);
  return sig;
}

// ---- CSRs -------------------------------------------------------------------------------------

Bytes pqc_key_binding(ByteView pqc_public_key) {
  if (pqc_public_key.empty()) fail("pqcKeyBinding: empty ML-DSA public key");
  return sha256(pqc_public_key);
}

std::string make_csr_pem(const EcKey& key, const std::string& common_name, const std::string& organization,
                         ByteView pqc_public_key) {
  require_p256(key.get(), "CSR key");
  ReqPtr req(X509_REQ_new());
  if (!req || !X509_REQ_set_version(req.get(), 0)) fail_ossl("X509_REQ_new");  // v1 (RFC 2986 §4.1)
  NamePtr name = make_name(organization, common_name);
  if (!X509_REQ_set_subject_name(req.get(), name.get()) || !X509_REQ_set_pubkey(req.get(), key.get()))
    fail_ossl("CSR fields");
  if (!pqc_public_key.empty()) {
    // docs/ocpp.md: pqcKeyBinding = OCTET STRING (32), signed by the classical key with the rest.
    const Bytes h = pqc_key_binding(pqc_public_key);
    ObjPtr o(OBJ_txt2obj(std::string(kPqcKeyBindingOid).c_str(), 1));
    if (!o || !X509_REQ_add1_attr_by_OBJ(req.get(), o.get(), V_ASN1_OCTET_STRING, h.data(), static_cast<int>(h.size())))
      fail_ossl("pqcKeyBinding attribute");
  }
  if (X509_REQ_sign(req.get(), key.get(), EVP_sha256()) <= 0) fail_ossl("signing the CSR");
  return pki::to_pem(i2d_bytes<X509_REQ, i2d_X509_REQ>(req.get(), "CSR"), "CERTIFICATE REQUEST");
}

Csr parse_csr_pem(const std::string& pem) {
  // Exactly one PEM block, a CERTIFICATE REQUEST, with nothing but whitespace around it: an OCPP
  // SignCertificateRequest.csr carries one request.
  constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE REQUEST-----";
  constexpr std::string_view kEnd = "-----END CERTIFICATE REQUEST-----";
  const std::size_t b = pem.find("-----BEGIN ");
  if (b == std::string::npos || pem.compare(b, kBegin.size(), kBegin) != 0)
    fail("CSR: expected a PEM CERTIFICATE REQUEST block");
  if (pem.find("-----BEGIN ", b + 1) != std::string::npos) fail("CSR: more than one PEM block");
  const std::size_t e = pem.find(kEnd, b);
  if (e == std::string::npos) fail("CSR: no " + std::string(kEnd) + " line");
  for (std::size_t i = 0; i < pem.size(); ++i) {
    if (i == b) i = e + kEnd.size();
    if (i < pem.size() && !std::isspace(static_cast<unsigned char>(pem[i])))
      fail("CSR: text outside the PEM block");
  }

  Csr out;
  out.der = pem_der(pem, "CERTIFICATE REQUEST");
  ReqPtr req = d2i_exact<X509_REQ, d2i_X509_REQ, X509_REQ_free>(out.der, "CSR");
  if (X509_REQ_get_version(req.get()) != 0) fail("CSR: version is not v1 (0) (RFC 2986 §4.1)");
  EVP_PKEY* key = X509_REQ_get0_pubkey(req.get());
  if (key == nullptr) fail_ossl("CSR: unusable public key");
  require_p256(key, "CSR");
  if (X509_REQ_get_signature_nid(req.get()) != NID_ecdsa_with_SHA256)
    fail(std::string("CSR: signature algorithm ") + OBJ_nid2sn(X509_REQ_get_signature_nid(req.get())) +
         "; expected ecdsa-with-SHA256");
  if (X509_REQ_verify(req.get(), key) != 1) {
    ERR_clear_error();
    fail("CSR signature invalid");
  }
  const X509_NAME* subject = X509_REQ_get_subject_name(req.get());
  out.common_name = name_entry(subject, NID_commonName, "CSR subject");
  if (out.common_name.empty()) fail("CSR: the subject has no common name");
  out.organization = name_entry(subject, NID_organizationName, "CSR subject");
  out.spki_der = i2d_bytes<EVP_PKEY, i2d_PUBKEY>(key, "CSR public key");

  ObjPtr binding(OBJ_txt2obj(std::string(kPqcKeyBindingOid).c_str(), 1));
  if (!binding) fail_ossl("pqcKeyBinding OID");
  const int i = X509_REQ_get_attr_by_OBJ(req.get(), binding.get(), -1);
  if (i >= 0) {
    if (X509_REQ_get_attr_by_OBJ(req.get(), binding.get(), i) >= 0) fail("CSR: pqcKeyBinding appears twice");
    X509_ATTRIBUTE* a = X509_REQ_get_attr(req.get(), i);
    if (X509_ATTRIBUTE_count(a) != 1) fail("CSR: pqcKeyBinding must have exactly one value");
    const ASN1_TYPE* v = X509_ATTRIBUTE_get0_type(a, 0);
    if (v == nullptr || v->type != V_ASN1_OCTET_STRING) fail("CSR: pqcKeyBinding is not an OCTET STRING");
    const ASN1_OCTET_STRING* s = v->value.octet_string;
    if (ASN1_STRING_length(s) != 32)
      fail("CSR: pqcKeyBinding is " + std::to_string(ASN1_STRING_length(s)) + " bytes; expected 32 (SHA-256)");
    out.pqc_key_hash.assign(ASN1_STRING_get0_data(s), ASN1_STRING_get0_data(s) + 32);
  }
  return out;
}

// ---- CA ---------------------------------------------------------------------------------------

Ca Ca::create(const std::string& common_name, const std::string& organization, int valid_days) {
  return create(EcKey::generate(), common_name, organization, valid_days);
}

Ca Ca::create(EcKey key, const std::string& common_name, const std::string& organization, int valid_days) {
  require_p256(key.get(), "CA key");
  X509Ptr x(X509_new());
  if (!x || !X509_set_version(x.get(), 2)) fail_ossl("X509_new");  // v3
  set_serial(x.get());
  NamePtr name = make_name(organization, common_name);
  if (!X509_set_subject_name(x.get(), name.get()) || !X509_set_issuer_name(x.get(), name.get()) ||
      !X509_set_pubkey(x.get(), key.get()))
    fail_ossl("CA certificate fields");
  set_validity(x.get(), valid_days);
  // RFC 5280 §4.2.1.9 / §4.2.1.3: a CA certificate has critical basicConstraints cA TRUE and
  // keyCertSign; the SKI comes first so the self-signed AKI can name it.
  add_ext(x.get(), x.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(x.get(), x.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(x.get(), x.get(), NID_subject_key_identifier, "hash");
  add_ext(x.get(), x.get(), NID_authority_key_identifier, "keyid:always");
  if (X509_sign(x.get(), key.get(), EVP_sha256()) <= 0) fail_ossl("signing the CA certificate");
  return Ca(std::move(key), cert_pem(x.get()));
}

Ca Ca::load(const std::string& cert_pem_text, const std::string& key_pem) {
  EcKey key = EcKey::from_pem(key_pem);
  X509Ptr x = read_cert(cert_pem_text, "CA certificate");
  require_p256(X509_get0_pubkey(x.get()), "CA certificate");
  if (X509_check_private_key(x.get(), key.get()) != 1) {
    ERR_clear_error();
    fail("CA: the private key is not the certificate's key");
  }
  if (X509_check_ca(x.get()) < 1) fail("CA: the certificate is not a CA certificate");
  return Ca(std::move(key), cert_pem(x.get()));
}

std::string Ca::issue_station_pem(const Csr& csr, const std::string& station_id, const std::string& organization,
                                  int valid_days) const {
  if (station_id.empty()) fail("CA: empty station id");
  if (csr.common_name != station_id)
    fail("CSR names another identity: subject CN '" + csr.common_name + "', station id '" + station_id + "'");
  PkeyPtr key = read_spki(csr.spki_der, "CSR public key");
  NamePtr subject = make_name(organization.empty() ? csr.organization : organization, station_id);
  // OCPP security profile 3 uses the station certificate as a TLS client certificate: ECDHE-ECDSA
  // needs digitalSignature; keyAgreement is allowed for a P-256 key (RFC 5480 §3).
  return issue_leaf(key_, cert_pem_, key.get(), subject.get(), valid_days, "critical,digitalSignature,keyAgreement",
                    "clientAuth");
}

std::string Ca::issue_signer_pem(ByteView spki_der, const std::string& common_name, int valid_days) const {
  PkeyPtr key = read_spki(spki_der, "signer public key");
  X509Ptr ca = read_cert(cert_pem_, "CA certificate");
  NamePtr subject = make_name(name_entry(X509_get_subject_name(ca.get()), NID_organizationName, "CA subject"), common_name);
  return issue_leaf(key_, cert_pem_, key.get(), subject.get(), valid_days, "critical,digitalSignature", "codeSigning");
}

// ---- certificates -----------------------------------------------------------------------------

CertInfo inspect_certificate_pem(const std::string& pem) {
  X509Ptr x = read_cert(pem, "certificate");
  CertInfo out;
  out.common_name = name_entry(X509_get_subject_name(x.get()), NID_commonName, "certificate subject");
  out.organization = name_entry(X509_get_subject_name(x.get()), NID_organizationName, "certificate subject");
  auto to_time = [](const ASN1_TIME* t) {
    std::tm tm{};
    if (!ASN1_TIME_to_tm(t, &tm)) fail_ossl("certificate validity time");
    return der::to_time({tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec});
  };
  out.not_before = to_time(X509_get0_notBefore(x.get()));
  out.not_after = to_time(X509_get0_notAfter(x.get()));
  out.der = i2d_bytes<X509, i2d_X509>(x.get(), "certificate");
  BnPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x.get()), nullptr));
  if (!bn) fail_ossl("certificate serial");
  if (BN_is_negative(bn.get())) fail("certificate: negative serial (RFC 5280 §4.1.2.2)");
  out.serial.resize(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), out.serial.data());
  return out;
}

std::vector<std::string> split_pem_chain(const std::string& pem) {
  constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  std::vector<std::string> out;
  for (std::size_t pos = pem.find(kBegin); pos != std::string::npos; pos = pem.find(kBegin, pos)) {
    const std::size_t e = pem.find(kEnd, pos);
    if (e == std::string::npos) fail("PEM chain: a CERTIFICATE block has no END line");
    if (pem.find(kBegin, pos + kBegin.size()) < e) fail("PEM chain: a CERTIFICATE block has no END line");
    out.push_back(pem.substr(pos, e + kEnd.size() - pos) + "\n");
    pos = e + kEnd.size();
  }
  return out;
}

std::string verify_certificate(const std::string& leaf_pem, const std::string& ca_pem, std::int64_t at) {
  X509Ptr leaf = read_cert(leaf_pem, "certificate");
  X509Ptr ca = read_cert(ca_pem, "CA certificate");
  StorePtr store(X509_STORE_new());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx || !X509_STORE_add_cert(store.get(), ca.get()) ||
      !X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr))
    fail_ossl("certificate store");
  // The one trusted root, at the caller's time; X509_STRICT adds RFC 5280's structural checks.
  X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(at));
  X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_X509_STRICT);
  const int ok = X509_verify_cert(ctx.get());
  if (ok == 1) return {};
  const int err = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  return X509_verify_cert_error_string(err);
}

bool verify_sha256(const std::string& cert_pem_text, ByteView data, ByteView der_signature) {
  X509Ptr x = read_cert(cert_pem_text, "certificate");
  EVP_PKEY* key = X509_get0_pubkey(x.get());
  require_p256(key, "certificate");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) fail_ossl("ECDSA verify");
  const int r = EVP_DigestVerify(ctx.get(), der_signature.data(), der_signature.size(), data.data(), data.size());
  ERR_clear_error();  // a malformed signature is a "no", not an error to report later
  return r == 1;
}

CertificateHash certificate_hash_data(const std::string& cert_pem_text, const std::string& issuer_pem) {
  X509Ptr x = read_cert(cert_pem_text, "certificate");
  X509Ptr issuer = read_cert(issuer_pem, "issuer certificate");
  if (X509_check_issued(issuer.get(), x.get()) != X509_V_OK) fail("the certificate is not issued by that issuer");
  const Bytes name = i2d_bytes<X509_NAME, i2d_X509_NAME>(X509_get_issuer_name(x.get()), "issuer name");
  const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(issuer.get());
  if (key == nullptr) fail_ossl("issuer public key");
  BnPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x.get()), nullptr));
  if (!bn) fail_ossl("certificate serial");
  Bytes serial(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), serial.data());
  return certificate_hash_of(name, ByteView(ASN1_STRING_get0_data(key), static_cast<std::size_t>(ASN1_STRING_length(key))),
                             serial);
}

CertificateHash certificate_hash_of(ByteView issuer_name_der, ByteView issuer_key_bits, ByteView serial) {
  // OCPP 2.0.1 CertificateHashDataType: issuerNameHash over the DER of the certificate's issuer
  // name, issuerKeyHash over the issuer's public key (the BIT STRING contents, as RFC 6960 §4.1.1),
  // serialNumber as lower-case hex without leading zeros.
  CertificateHash out;
  out.issuer_name_hash = host::hex_encode(sha256(issuer_name_der));
  out.issuer_key_hash = host::hex_encode(sha256(issuer_key_bits));
  const std::string hex = host::hex_encode(serial);
  const std::size_t nz = hex.find_first_not_of('0');
  out.serial_number = nz == std::string::npos ? "0" : hex.substr(nz);
  return out;
}

// ---- fleet files ------------------------------------------------------------------------------

void ensure_fleet_classical(const fs::path& dir) {
  fs::create_directories(dir);
  const fs::path ca_cert = dir / "ocpp-ca.pem", ca_key = dir / "ocpp-ca.key.pem";
  const fs::path signer_cert = dir / "firmware-signer.pem", signer_key = dir / "firmware-signer.key.pem";

  // A certificate whose key is gone cannot be used or safely replaced: refuse, never overwrite.
  for (const auto& [cert, key] : {std::pair{ca_cert, ca_key}, std::pair{signer_cert, signer_key}})
    if (fs::exists(cert) && !fs::exists(key))
      fail(cert.string() + " exists without its key " + key.filename().string() + "; refusing to replace it");

  // Key first (0600, never replaced), then its certificate: an interrupted run leaves a key whose
  // certificate the next run makes.
  if (!fs::exists(ca_key)) write_key_file(ca_key, EcKey::generate());
  std::optional<Ca> ca;
  if (fs::exists(ca_cert)) {
    const host::SecretBytes key_pem = host::read_secret_file(ca_key.string(), 16 * 1024);
    std::string text(text_view(key_pem.span()));
    ca.emplace(Ca::load(read_public_text(ca_cert), text));
    OPENSSL_cleanse(text.data(), text.size());
  } else {
    ca.emplace(Ca::create(read_key_file(ca_key), kCaName, "PQCEA", kCaDays));
    write_public_new(ca_cert, ca->certificate_pem());
  }

  if (!fs::exists(signer_key)) write_key_file(signer_key, EcKey::generate());
  if (!fs::exists(signer_cert)) {
    const EcKey key = read_key_file(signer_key);
    write_public_new(signer_cert, ca->issue_signer_pem(key.spki_der(), kSignerName, kSignerDays));
  }
}

}  // namespace pqcea::pki::classical
