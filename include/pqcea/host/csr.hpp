// Certificate requests (PKCS#10, RFC 2986) with ML-DSA keys and signatures (RFC 9881), and the
// station certificates the fleet CA issues from them for the OCPP dual track (docs/ocpp.md,
// "The dual track"; docs/pki.md, "Certificate requests (PKCS#10)").
//
// A CSR is a proof of possession and a subject name, nothing more: the CA decides every extension
// and the serial. Requested extensions are parsed (so a malformed request is refused) and reported,
// never copied into a certificate.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pqcea/host/pki.hpp"

namespace pqcea::pki {

namespace oid {
// PKCS#9 extensionRequest (RFC 2985 §5.4.2): the attribute that carries requested extensions.
inline constexpr std::string_view kExtensionRequest = "1.2.840.113549.1.9.14";
// RFC 9763 §4: id-pe-relatedCert = id-pe 36.
inline constexpr std::string_view kRelatedCertificate = "1.3.6.1.5.5.7.1.36";
// id-sha256 (RFC 5754 §2.2).
inline constexpr std::string_view kSha256 = "2.16.840.1.101.3.4.2.1";
}  // namespace oid

struct CertificationRequest {
  Bytes der;                 // whole CertificationRequest
  Bytes info;                // DER CertificationRequestInfo (the signed bytes)
  ParsedName subject;
  Algorithm algorithm = Algorithm::MlDsa87;   // of the key and of the signature (must match)
  Bytes public_key;          // raw ML-DSA public key
  Bytes signature;
  std::vector<Extension> requested_extensions;  // extensionRequest (PKCS#9, 1.2.840.113549.1.9.14); informational: the CA never copies them
  std::vector<std::pair<std::string, Bytes>> other_attributes;  // attribute type OID -> DER of its SET OF values
};

// Builds and signs (pure ML-DSA, empty context, RFC 9881 algorithm identifiers) a CSR; returns DER.
// Each attribute is (type OID, DER of its SET OF values: a SET with at least one value); types
// must be distinct.
Bytes build_csr(const Name& subject, const Signer& key, std::span<const std::pair<std::string, Bytes>> attributes = {});
// The extensionRequest attribute for build_csr (RFC 2985 §5.4.2: one value, Extensions).
std::pair<std::string, Bytes> extension_request_attribute(std::span<const Extension> extensions);
CertificationRequest parse_csr(ByteView der);              // strict; throws pki::Error / der::Error
bool verify_csr(const CertificationRequest& csr, const VerifyFn& verify);   // proof of possession

// A fresh certificate serial from the host DRBG (include/pqcea/host/entropy_linux.hpp): 16 octets,
// positive, first octet non-zero (RFC 5280 §4.1.2.2). Used by both tracks' CAs.
Bytes random_serial();

// The CA decides every extension and the serial (16 random bytes, positive, first byte non-zero), never the CSR.
struct StationCertificateRequest {
  std::string station_id;      // must equal the CSR subject CN (else pki::Error "CSR names another identity")
  std::string organization;    // subject O (the CSO); empty = the CA's organization
  Validity validity;
  Bytes related_certificate_der;  // non-empty: add the RFC 9763 relatedCertificate extension (SHA-256 of this DER)
};
// Verifies the CSR's signature first (pki::Error "CSR signature invalid"), checks the CN, issues:
// subject CN = station_id, O as above; keyUsage digitalSignature; basicConstraints cA=false; SKI/AKI.
Certificate issue_station_certificate(const CertificateAuthority& ca, const CertificationRequest& csr,
                                      const StationCertificateRequest& req);
// The same with the signature check through `verify` (issue_station_certificate above uses mldsa_verify).
Certificate issue_station_certificate(const CertificateAuthority& ca, const CertificationRequest& csr,
                                      const StationCertificateRequest& req, const VerifyFn& verify);

// The RFC 9763 RelatedCertificate extension value for `certificate_der` (SHA-256, parameters absent).
Extension related_certificate_extension(ByteView certificate_der);
// Returns the SHA-256 named by a certificate's relatedCertificate extension, or nullopt.
// Throws pki::Error if the extension is malformed or names another hash algorithm.
std::optional<Bytes> related_certificate_hash(const Certificate& cert);

}  // namespace pqcea::pki
