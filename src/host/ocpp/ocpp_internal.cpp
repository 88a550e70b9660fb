#include "ocpp_internal.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "internal.hpp"  // the service's base64 codec (src/host/service/internal.hpp)

namespace pqcea::ocpp::detail {

std::string base64(std::span<const std::uint8_t> data) { return service::detail::base64_encode(data); }
std::optional<Bytes> unbase64(std::string_view text) { return service::detail::base64_decode(text); }

std::vector<pki::Certificate> parse_pem_certificates(const std::string& pem) {
  static constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  static constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  std::vector<pki::Certificate> certs;
  std::size_t at = 0;
  while ((at = pem.find(kBegin, at)) != std::string::npos) {
    const auto end = pem.find(kEnd, at);
    if (end == std::string::npos) throw pki::Error("PEM: no -----END CERTIFICATE----- line");
    const auto block = pem.substr(at, end + kEnd.size() - at);
    certs.push_back(pki::parse_certificate(pki::from_pem(block, "CERTIFICATE")));
    at = end + kEnd.size();
  }
  return certs;
}

Bytes first_der(const std::string& pem) {
  static constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  const auto end = pem.find(kEnd);
  if (end == std::string::npos) throw pki::Error("PEM: no certificate");
  return pki::from_pem(pem.substr(0, end + kEnd.size()), "CERTIFICATE");
}

Bytes classical_spki(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return {};
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (x == nullptr) return {};
  Bytes out;
  unsigned char* der = nullptr;
  const int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
  if (n > 0) out.assign(der, der + n);
  OPENSSL_free(der);
  X509_free(x);
  return out;
}

}  // namespace pqcea::ocpp::detail
