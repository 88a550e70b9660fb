// The classical track of the OCPP 2.0.1 dual track (docs/ocpp.md, "The dual track"): ECDSA P-256
// keys, PKCS#10 requests and X.509 certificates through OpenSSL 3.0's EVP APIs, so every standard
// OCPP field carries a complete classical object. Only P-256 keys are accepted; anything else is
// refused with pki::Error naming what was found.
//
// The two tracks are bound: the classical CSR carries pqcKeyBinding (SHA-256 of the raw ML-DSA
// public key of the station's post-quantum CSR), and the ML-DSA certificate names the classical
// certificate with the RFC 9763 extension (include/pqcea/host/csr.hpp).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "pqcea/host/pki.hpp"

// OpenSSL's key type, declared here so users of this header do not need OpenSSL's headers.
struct evp_pkey_st;

namespace pqcea::pki::classical {

inline constexpr std::string_view kPqcKeyBindingOid = "2.25.201361565676542678975966009313748703647.1";  // CSR attribute: OCTET STRING(32) = SHA-256 of the ML-DSA public key (raw key bytes)

class EcKey {   // an EC P-256 private key; movable, not copyable; frees the EVP_PKEY
 public:
  static EcKey generate();
  static EcKey from_pem(const std::string& pkcs8_pem);
  // Takes ownership of `key` (refused, and freed, unless it is an EC P-256 private key).
  static EcKey adopt(evp_pkey_st* key);
  EcKey(EcKey&& other) noexcept;
  EcKey& operator=(EcKey&& other) noexcept;
  EcKey(const EcKey&) = delete;
  EcKey& operator=(const EcKey&) = delete;
  ~EcKey();

  std::string private_pem() const;       // PKCS#8 PEM
  Bytes spki_der() const;
  Bytes sign_sha256(ByteView data) const;  // DER ECDSA-Sig-Value over SHA-256(data)
  evp_pkey_st* get() const { return key_; }  // borrowed

 private:
  explicit EcKey(evp_pkey_st* key) : key_(key) {}
  evp_pkey_st* key_ = nullptr;
};

struct Csr { std::string common_name, organization; Bytes spki_der; Bytes pqc_key_hash; /* empty if the attribute is absent */ Bytes der; };
std::string make_csr_pem(const EcKey& key, const std::string& common_name, const std::string& organization, ByteView pqc_public_key /* raw ML-DSA public key; empty = no binding attribute */);
Csr parse_csr_pem(const std::string& pem);   // strict: exactly one CSR, P-256 key, signature checked; throws pki::Error with the reason
// The value pqcKeyBinding carries for an ML-DSA public key: SHA-256 of the raw key bytes.
Bytes pqc_key_binding(ByteView pqc_public_key);

class Ca {   // a classical CA: EC P-256 root
 public:
  static Ca create(const std::string& common_name, const std::string& organization, int valid_days);
  // A new self-signed root for an existing key (ensure_fleet_classical, when only the key survived).
  static Ca create(EcKey key, const std::string& common_name, const std::string& organization, int valid_days);
  static Ca load(const std::string& cert_pem, const std::string& key_pem);
  const std::string& certificate_pem() const { return cert_pem_; }
  std::string key_pem() const { return key_.private_pem(); }
  // Leaf for a station: CN = station_id (must equal the CSR CN, else pki::Error), O = organization (empty = CSR's),
  // 16-byte random serial, keyUsage digitalSignature (+ keyAgreement), extendedKeyUsage clientAuth, basicConstraints cA=false, SKI/AKI; nothing copied from the CSR.
  std::string issue_station_pem(const Csr& csr, const std::string& station_id, const std::string& organization, int valid_days) const;
  // Leaf for a firmware signer (keyUsage digitalSignature, EKU codeSigning) from a public key.
  std::string issue_signer_pem(ByteView spki_der, const std::string& common_name, int valid_days) const;

 private:
  Ca(EcKey key, std::string cert_pem) : key_(std::move(key)), cert_pem_(std::move(cert_pem)) {}
  EcKey key_;
  std::string cert_pem_;
};

struct CertInfo { std::string common_name, organization; std::int64_t not_before, not_after; Bytes der; Bytes serial; };
CertInfo inspect_certificate_pem(const std::string& pem);       // first certificate of the PEM text
std::vector<std::string> split_pem_chain(const std::string& pem); // each CERTIFICATE block
// Validates leaf against the CA certificate (X509_verify_cert with that one trusted root, at time `at`): "" if ok, else the reason.
std::string verify_certificate(const std::string& leaf_pem, const std::string& ca_pem, std::int64_t at);
bool verify_sha256(const std::string& cert_pem, ByteView data, ByteView der_signature);   // ECDSA over SHA-256(data) by the certificate's key
// OCPP M03 CertificateHashData of a certificate: SHA-256 of issuer name DER, SHA-256 of issuer key (BIT STRING contents), serial as lower-case hex without leading zeros.
struct CertificateHash { std::string issuer_name_hash, issuer_key_hash, serial_number; };
CertificateHash certificate_hash_data(const std::string& cert_pem, const std::string& issuer_pem);
// The same fields from the bytes they are computed over, for certificates OpenSSL does not parse
// (the ML-DSA twin of a root, pqcea/host/ocpp): `issuer_name_der` the issuer Name (DER),
// `issuer_key_bits` the issuer's subjectPublicKey BIT STRING contents, `serial` the serial's magnitude.
CertificateHash certificate_hash_of(ByteView issuer_name_der, ByteView issuer_key_bits, ByteView serial);
// Classical fleet material (for the CSMS / charger): DIR/ocpp-ca.pem + ocpp-ca.key.pem (P-256 root "PQCEA OCPP classical CA"), DIR/firmware-signer.pem + firmware-signer.key.pem (issued by that CA). Creates what is missing; private keys 0600 via the project's secret-file helper (include/pqcea/host/secret_file.hpp), never overwriting.
void ensure_fleet_classical(const std::filesystem::path& fleet_dir);

}  // namespace pqcea::pki::classical
