// Fleet PKI: X.509 v3 certificates (RFC 5280) with ML-DSA keys and signatures (RFC 9881).
//
//   * issue: a self-signed root, intermediates and device (leaf) certificates;
//   * parse: a strict parser into a Certificate struct (rejects malformed DER, unknown critical
//     extensions, mismatched signature algorithms, HashML-DSA, wrong key or signature sizes);
//   * validate: leaf -> intermediates -> trusted root at a given time, with a reason on failure.
//
// Signing and verifying go through the small Signer / VerifyFn interfaces below; mldsa_signer()
// and mldsa_verify() bind them to the project's ML-DSA (include/pqcea/mldsa.hpp).
// The certificate profile is documented in docs/pki.md.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "pqcea/host/der.hpp"

namespace pqcea::pki {

using der::Bytes;
using der::ByteView;
using der::Time;

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---- algorithms (RFC 9881 §2-3, FIPS 204 Table 2) ----------------------------------------------
enum class Algorithm { MlDsa44, MlDsa65, MlDsa87 };

namespace oid {
inline constexpr std::string_view kMlDsa44 = "2.16.840.1.101.3.4.3.17";
inline constexpr std::string_view kMlDsa65 = "2.16.840.1.101.3.4.3.18";
inline constexpr std::string_view kMlDsa87 = "2.16.840.1.101.3.4.3.19";
inline constexpr std::string_view kHashMlDsa44 = "2.16.840.1.101.3.4.3.32";  // not in certificates
inline constexpr std::string_view kHashMlDsa65 = "2.16.840.1.101.3.4.3.33";
inline constexpr std::string_view kHashMlDsa87 = "2.16.840.1.101.3.4.3.34";
inline constexpr std::string_view kCountry = "2.5.4.6";
inline constexpr std::string_view kOrganization = "2.5.4.10";
inline constexpr std::string_view kOrganizationalUnit = "2.5.4.11";
inline constexpr std::string_view kCommonName = "2.5.4.3";
inline constexpr std::string_view kSerialNumber = "2.5.4.5";
inline constexpr std::string_view kSubjectKeyIdentifier = "2.5.29.14";
inline constexpr std::string_view kKeyUsage = "2.5.29.15";
inline constexpr std::string_view kSubjectAltName = "2.5.29.17";
inline constexpr std::string_view kBasicConstraints = "2.5.29.19";
inline constexpr std::string_view kAuthorityKeyIdentifier = "2.5.29.35";
}  // namespace oid

std::string_view algorithm_name(Algorithm a);  // "ML-DSA-87"
std::string_view algorithm_oid(Algorithm a);
std::optional<Algorithm> algorithm_from_name(std::string_view name);  // "ML-DSA-87" or "mldsa87"
std::size_t public_key_size(Algorithm a);  // 1312 / 1952 / 2592
std::size_t signature_size(Algorithm a);   // 2420 / 3309 / 4627
// The AlgorithmIdentifier SEQUENCE { OID } with absent parameters (RFC 9881 §2).
Bytes encode_algorithm_identifier(Algorithm a);
// Parses an AlgorithmIdentifier; throws for HashML-DSA, unknown OIDs and present parameters.
Algorithm decode_algorithm_identifier(const der::Element& e);

// ---- signing interface --------------------------------------------------------------------------
// An ML-DSA private key held somewhere (in memory, a TPM, an HSM). sign() is ML-DSA pure mode
// with an empty context string (RFC 9881 §3) and throws on failure.
class Signer {
 public:
  virtual ~Signer() = default;
  virtual Algorithm algorithm() const = 0;
  virtual Bytes public_key() const = 0;
  virtual Bytes sign(ByteView message) const = 0;
};

// Verifies an ML-DSA pure-mode signature with an empty context: true only if valid.
using VerifyFn = std::function<bool(Algorithm, ByteView public_key, ByteView message,
                                    ByteView signature)>;

// ---- names ---------------------------------------------------------------------------------------
// A distinguished name with the attributes this profile uses. Encoded one attribute per RDN in
// the order C, O, OU, CN, serialNumber (empty fields omitted); C and serialNumber as
// PrintableString, the others as UTF8String.
struct Name {
  std::string country;
  std::string organization;
  std::string organizational_unit;
  std::string common_name;
  std::string serial_number;  // the device id in device certificates
  bool operator==(const Name&) const = default;
};
Bytes encode_name(const Name& n);
// Parses a Name; attributes of other types are kept only in `other` (type OID, value).
struct ParsedName {
  Name name;
  std::vector<std::pair<std::string, std::string>> other;
};
ParsedName decode_name(const der::Element& e);

// ---- certificates --------------------------------------------------------------------------------
// keyUsage bits (RFC 5280 §4.2.1.3): bit i = named bit i.
enum KeyUsage : std::uint32_t {
  kDigitalSignature = 1u << 0,
  kNonRepudiation = 1u << 1,
  kKeyEncipherment = 1u << 2,
  kDataEncipherment = 1u << 3,
  kKeyAgreement = 1u << 4,
  kKeyCertSign = 1u << 5,
  kCrlSign = 1u << 6,
  kEncipherOnly = 1u << 7,
  kDecipherOnly = 1u << 8,
};

struct Extension {
  std::string oid;
  bool critical = false;
  Bytes value;  // the contents of extnValue (the DER of the extension's own type)
};

// Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
// (RFC 5280 §4.1), shared by certificates and the PKCS#9 extensionRequest of CSRs.
Bytes encode_extension(const Extension& e);
// Strict: `critical FALSE` written out is refused (DER DEFAULT); the value is not interpreted.
Extension decode_extension(const der::Element& e);

struct Validity {
  Time not_before = 0;
  Time not_after = 0;
};

// What to put in a certificate. The issuer, AKI and signature come from the issuer.
struct CertificateTemplate {
  Bytes serial;  // magnitude, 1..20 octets; empty = derived from the TBS contents (see docs/pki.md)
  Name subject;
  Validity validity;
  Algorithm public_key_algorithm = Algorithm::MlDsa87;
  Bytes public_key;
  bool is_ca = false;
  std::optional<unsigned> path_len;  // CA only
  std::uint32_t key_usage = 0;       // 0 = keyCertSign|cRLSign for CAs, digitalSignature otherwise
  std::vector<std::string> san_uris;
  std::vector<std::string> san_dns_names;
  std::vector<Extension> extra_extensions;  // appended after the standard ones
};

struct Certificate {
  Bytes der;  // the whole certificate
  Bytes tbs;  // the DER TBSCertificate: the bytes the issuer signed
  int version = 0;  // 3
  Bytes serial;     // magnitude (positive)
  Bytes issuer_der;
  Bytes subject_der;
  Name issuer;
  Name subject;
  Validity validity;
  Algorithm signature_algorithm = Algorithm::MlDsa87;  // outer == inner (checked)
  Algorithm public_key_algorithm = Algorithm::MlDsa87;
  Bytes public_key;  // raw ML-DSA public key (RFC 9881 §4)
  Bytes signature;   // raw ML-DSA signature
  std::vector<Extension> extensions;  // all of them, in order
  // Decoded standard extensions.
  bool has_basic_constraints = false;
  bool is_ca = false;
  std::optional<unsigned> path_len;
  std::optional<std::uint32_t> key_usage;
  Bytes subject_key_id;    // empty if absent
  Bytes authority_key_id;  // empty if absent
  std::vector<std::string> san_uris;
  std::vector<std::string> san_dns_names;

  bool self_issued() const { return issuer_der == subject_der; }
  const Extension* find_extension(std::string_view oid) const;
};

// Strict parse (throws pki::Error or der::Error with the reason).
Certificate parse_certificate(ByteView der);

// Key identifier (RFC 7093 §2 method 1): the leftmost 160 bits of SHA-256 over the
// subjectPublicKey BIT STRING value (the raw ML-DSA public key).
Bytes key_identifier(ByteView public_key);

// Builds and signs a certificate. `issuer` = nullptr makes it self-signed (the signer's key must
// then be the template's key). Low level: the issuer's CA status is not checked here (tests build
// invalid chains with it); CertificateAuthority below does check.
Bytes issue_certificate(const CertificateTemplate& t, const Certificate* issuer, const Signer& signer);

// ---- validation --------------------------------------------------------------------------------
struct ChainResult {
  bool ok = false;
  std::string reason;     // empty when ok
  std::size_t index = 0;  // position of the offending certificate: 0 = leaf, ... , path size = root
  explicit operator bool() const { return ok; }
};

// Successful signature checks, keyed by SHA-256(issuer key || TBS || signature), so a device
// certificate seen again costs a hash instead of an ML-DSA verification. Thread-safe.
class SignatureCache {
 public:
  explicit SignatureCache(std::size_t max_entries = 1u << 20) : max_(max_entries) {}
  bool contains(const std::array<std::uint8_t, 32>& key) const;
  void insert(const std::array<std::uint8_t, 32>& key);
  std::size_t size() const;

 private:
  struct KeyHash {
    std::size_t operator()(const std::array<std::uint8_t, 32>& k) const;
  };
  mutable std::mutex mu_;
  std::unordered_set<std::array<std::uint8_t, 32>, KeyHash> set_;
  std::size_t max_;
};

struct ValidationOptions {
  std::uint32_t required_leaf_usage = kDigitalSignature;
  std::size_t max_path = 8;               // certificates below the root
  SignatureCache* cache = nullptr;        // optional
};

// Trusted roots. add() checks that the root is a self-signed CA with keyCertSign and a valid
// self-signature, and throws pki::Error otherwise.
class TrustStore {
 public:
  void add(const Certificate& root, const VerifyFn& verify);
  void add(ByteView root_der, const VerifyFn& verify) { add(parse_certificate(root_der), verify); }
  const std::vector<Certificate>& roots() const { return roots_; }

 private:
  std::vector<Certificate> roots_;
};

// Validates leaf -> intermediates[0] -> ... -> a root of `trust` at time `at` (RFC 5280 §6.1,
// restricted to this profile): name chaining, AKI/SKI match, validity of every certificate
// (the root's too), issuers are CAs with keyCertSign, pathLen, the leaf's key usage, the
// signature algorithm matching the issuer's key, and every signature.
ChainResult validate_chain(const Certificate& leaf, std::span<const Certificate> intermediates,
                           const TrustStore& trust, Time at, const VerifyFn& verify,
                           const ValidationOptions& options = {});

// ---- certificate authority -------------------------------------------------------------------
struct DeviceRequest {
  std::string device_id;          // subject CN and serialNumber (PrintableString characters)
  Algorithm algorithm = Algorithm::MlDsa87;
  Bytes public_key;
  Validity validity;
  std::string organization;       // empty = the CA's organization
  std::string san_uri;            // optional, e.g. "urn:pqcea:device:<id>"
  std::string san_dns_name;       // optional
};

class CertificateAuthority {
 public:
  // Wraps an existing CA certificate and its key (checks that they match and that it is a CA).
  CertificateAuthority(Certificate cert, std::shared_ptr<const Signer> signer);

  static CertificateAuthority create_root(const Name& subject, Validity validity,
                                          std::shared_ptr<const Signer> signer,
                                          std::optional<unsigned> path_len = std::nullopt);
  CertificateAuthority create_intermediate(const Name& subject, Validity validity,
                                           std::shared_ptr<const Signer> signer,
                                           std::optional<unsigned> path_len = std::nullopt) const;
  // A device (end-entity) certificate: basicConstraints cA=false, keyUsage digitalSignature.
  Certificate issue_device(const DeviceRequest& req) const;
  // Any certificate from a template (the template's key usage must suit its CA flag).
  Certificate issue(const CertificateTemplate& t) const;

  const Certificate& certificate() const { return cert_; }
  const Signer& signer() const { return *signer_; }

 private:
  Certificate cert_;
  std::shared_ptr<const Signer> signer_;
};

// ---- ML-DSA binding, key and file formats -----------------------------------------------------
// A Signer backed by the project's ML-DSA, from the 32-byte seed (FIPS 204 ML-DSA.KeyGen_internal).
// Hedged signing (fresh randomness per signature, FIPS 204 §3.4) by default; deterministic signing
// makes certificates reproducible (tests, golden files). Thread-safe: sign() keeps no state.
enum class SigningMode { hedged, deterministic };
std::shared_ptr<const Signer> mldsa_signer(Algorithm a, std::span<const std::uint8_t, 32> seed,
                                           SigningMode mode = SigningMode::hedged);
// ML-DSA.Verify with an empty context (the VerifyFn to pass to validation).
bool mldsa_verify(Algorithm a, ByteView public_key, ByteView message, ByteView signature);

// SubjectPublicKeyInfo (RFC 9881 §4) on its own.
Bytes encode_spki(Algorithm a, ByteView public_key);
std::pair<Algorithm, Bytes> decode_spki(ByteView der);
// PKCS#8 OneAsymmetricKey v1 with the seed-only ML-DSA private key form (RFC 9881 §6:
// seed [0] IMPLICIT OCTET STRING (SIZE (32))).
Bytes encode_private_key_seed(Algorithm a, std::span<const std::uint8_t, 32> seed);
std::pair<Algorithm, std::array<std::uint8_t, 32>> decode_private_key_seed(ByteView der);

// PEM (RFC 7468) armor: label e.g. "CERTIFICATE", "PRIVATE KEY", "PUBLIC KEY".
std::string to_pem(ByteView der, std::string_view label);
Bytes from_pem(std::string_view pem, std::string_view label);

}  // namespace pqcea::pki
