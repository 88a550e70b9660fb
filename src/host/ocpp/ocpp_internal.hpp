// Small pieces the station and the CSMS share (not part of the public headers).
#pragma once
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct ssl_st;
struct x509_st;

#include "pqcea/core/ct.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/pki.hpp"

namespace pqcea::ocpp::detail {

using Bytes = std::vector<std::uint8_t>;

inline std::array<std::uint8_t, 32> sha256_array(std::span<const std::uint8_t> data) {
  std::array<std::uint8_t, 32> out{};
  hash::Sha256 h;
  h.update(data);
  h.final(out.data());
  return out;
}

inline Bytes sha256(std::span<const std::uint8_t> data) {
  const auto d = sha256_array(data);
  return Bytes(d.begin(), d.end());
}

// The attestation nonce the EAT carries: SHA-256(CSMS nonce || TLS exporter value) (docs/ocpp.md),
// so evidence made for one connection is worthless on another.
inline Bytes binding_nonce(std::span<const std::uint8_t> nonce, std::span<const std::uint8_t> exporter) {
  Bytes m(nonce.begin(), nonce.end());
  m.insert(m.end(), exporter.begin(), exporter.end());
  return sha256(m);
}

// Constant-time comparison of a received secret with the expected text (the length is not secret).
inline bool equal_secret(std::span<const std::uint8_t> got, std::string_view want) {
  return got.size() == want.size() && ct::equal(got.data(), reinterpret_cast<const std::uint8_t*>(want.data()), got.size());
}

std::string base64(std::span<const std::uint8_t> data);
std::optional<Bytes> unbase64(std::string_view text);

// Every CERTIFICATE block of a PEM text parsed as an ML-DSA certificate, in order (throws on a
// malformed one).
std::vector<pki::Certificate> parse_pem_certificates(const std::string& pem);
// Why the PEM text may not become an ML-DSA trust anchor at `now` (M05, the ML-DSA twin of a root
// in customData.pqcCertificate), or "" with `root` set: exactly one certificate, a CA, self-signed
// with a valid signature and keyCertSign, within its validity. The station and the CSMS's operator
// interface apply the same rule.
std::string pqc_root_problem(const std::string& pem, std::int64_t now, pki::Certificate& root);
// The SubjectPublicKeyInfo (DER) of the first certificate of a PEM text (a classical certificate,
// through OpenSSL); empty if it does not parse.
Bytes classical_spki(const std::string& pem);

// TLS (profiles 2/3; ssl_st / x509_st are OpenSSL's SSL and X509).
// The exporter value that binds attestation evidence to this connection (RFC 8446 §7.5, label
// EXPORTER-pqcea-ocpp-attestation, no context, 32 bytes); empty if the export fails.
inline constexpr std::string_view kExporterLabel = "EXPORTER-pqcea-ocpp-attestation";
Bytes tls_exporter(ssl_st* ssl);
// The key-exchange group the connection negotiated ("X25519MLKEM768", "x25519", ... or "unknown").
std::string negotiated_group(ssl_st* ssl);
// True for the ML-KEM groups (hybrid or pure).
bool post_quantum_group(std::string_view name);
std::string common_name(x509_st* cert);
// The certificate's serial in lower-case hex, the form the CSMS stores for the certificates it
// issues (ocpp_stations.classical_serial), so a presented certificate can be matched with them.
std::string serial_hex(x509_st* cert);

}  // namespace pqcea::ocpp::detail
