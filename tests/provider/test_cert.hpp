// A throwaway self-signed P-256 server certificate for the in-process TLS tests of the provider.
#pragma once
#include <openssl/evp.h>
#include <openssl/x509.h>

namespace pqcea_test {

inline bool make_p256_cert(OSSL_LIB_CTX* libctx, EVP_PKEY** key, X509** cert) {
  *key = EVP_PKEY_Q_keygen(libctx, nullptr, "EC", "P-256");
  *cert = X509_new_ex(libctx, nullptr);
  if (*key == nullptr || *cert == nullptr) return false;
  X509_set_version(*cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(*cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(*cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(*cert), 86400);
  X509_NAME* name = X509_get_subject_name(*cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(*cert, name);
  X509_set_pubkey(*cert, *key);
  return X509_sign(*cert, *key, EVP_sha256()) > 0;
}

}  // namespace pqcea_test
