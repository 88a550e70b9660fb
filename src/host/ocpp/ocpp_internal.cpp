#include "ocpp_internal.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "pqcea/host/classical_pki.hpp"
#include "pqcea/host/hex.hpp"
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


std::string pqc_root_problem(const std::string& pem, std::int64_t now, pki::Certificate& root) {
  std::vector<pki::Certificate> parsed;
  try {
    parsed = parse_pem_certificates(pem);
  } catch (const std::exception& e) {
    return std::string("does not parse: ") + e.what();
  }
  if (parsed.size() != 1) return "holds " + std::to_string(parsed.size()) + " certificates, not one root";
  root = parsed.front();
  if (!root.is_ca) return "not a CA certificate";
  if (!root.self_issued()) return "not self-issued";
  // TrustStore::add checks the self-signature and keyCertSign; validate_chain of the root against
  // itself checks its validity at `now` (RFC 5280 §6.1.3 (a)(2)).
  pki::TrustStore itself;
  try {
    itself.add(root, pki::mldsa_verify);
  } catch (const std::exception& e) {
    return e.what();
  }
  pki::ValidationOptions roots_usage;
  roots_usage.required_leaf_usage = pki::kKeyCertSign;
  const auto valid = pki::validate_chain(root, {}, itself, now, pki::mldsa_verify, roots_usage);
  return valid ? "" : valid.reason;
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

Bytes tls_exporter(SSL* ssl) {
  Bytes out(32);
  if (SSL_export_keying_material(ssl, out.data(), out.size(), kExporterLabel.data(), kExporterLabel.size(), nullptr, 0,
                                 0) != 1)
    return {};
  return out;
}

std::string negotiated_group(SSL* ssl) {
  // OpenSSL 3.0 names built-in groups by NID; groups from a provider (the pqcea provider's
  // hybrids) come back as TLSEXT_nid_unknown | their TLS codepoint.
  const int nid = static_cast<int>(SSL_get_negotiated_group(ssl));
  if (nid == 0) return "unknown";
  if ((nid & TLSEXT_nid_unknown) != 0) {
    switch (nid & 0xFFFF) {
      case 0x11EC: return "X25519MLKEM768";      // draft-kwiatkowski-tls-ecdhe-mlkem
      case 0x11EB: return "SecP256r1MLKEM768";
      case 0x11ED: return "SecP384r1MLKEM1024";
      case 0x0200: return "MLKEM512";
      case 0x0201: return "MLKEM768";
      case 0x0202: return "MLKEM1024";
      default: return "codepoint " + std::to_string(nid & 0xFFFF);
    }
  }
  const char* name = OBJ_nid2sn(nid);
  return name != nullptr ? name : "unknown";
}

bool post_quantum_group(std::string_view name) { return name.find("MLKEM") != std::string_view::npos; }

std::string common_name(X509* cert) {
  char buf[256] = {};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf) < 0) return "";
  return buf;
}

std::string serial_hex(X509* cert) {
  // Through PEM and inspect_certificate_pem: one place reads serials of classical certificates.
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return "";
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  try {
    return host::hex_encode(pki::classical::inspect_certificate_pem(std::string(data, static_cast<std::size_t>(n))).serial);
  } catch (const std::exception&) {
    return "";  // a serial the strict reader refuses (negative): no fact to record
  }
}

}  // namespace pqcea::ocpp::detail
