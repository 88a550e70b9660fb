#include "ocpp_internal.hpp"

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

}  // namespace pqcea::ocpp::detail
