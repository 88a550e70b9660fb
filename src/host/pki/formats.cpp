// Key and file formats: PKCS#8 seed-only ML-DSA private keys (RFC 5958, RFC 9881 §6) and PEM
// (RFC 7468).
#include <cstring>

#include "pqcea/host/pki.hpp"

namespace pqcea::pki {

Bytes encode_private_key_seed(Algorithm a, std::span<const std::uint8_t, 32> seed) {
  // OneAsymmetricKey v1: version 0, algorithm, privateKey OCTET STRING containing the
  // ML-DSA-PrivateKey CHOICE in its seed form, [0] IMPLICIT OCTET STRING (SIZE (32)).
  const Bytes inner = der::implicit_tag(0, der::octet_string(seed));
  return der::sequence({der::integer(0), encode_algorithm_identifier(a), der::octet_string(inner)});
}

std::pair<Algorithm, std::array<std::uint8_t, 32>> decode_private_key_seed(ByteView data) {
  der::Element e = der::parse_single(data, "OneAsymmetricKey");
  der::Reader r = der::contents(e, der::tag::kSequence, "OneAsymmetricKey");
  std::int64_t version = der::decode_int64(r.next(der::tag::kInteger, "version"));
  if (version != 0 && version != 1) throw Error("private key: unsupported OneAsymmetricKey version");
  Algorithm a = decode_algorithm_identifier(r.next(der::tag::kSequence, "privateKeyAlgorithm"));
  ByteView pk = der::decode_octet_string(r.next(der::tag::kOctetString, "privateKey"));
  // Optional attributes [0] and (v2) publicKey [1] are accepted and ignored.
  r.next_if(der::tag::context(0, true));
  if (version == 1) r.next_if(der::tag::context(1, false));
  r.finish("OneAsymmetricKey");
  der::Element inner = der::parse_single(pk, "ML-DSA-PrivateKey");
  if (inner.tag != der::tag::context(0, false))
    throw Error("private key: only the seed form of ML-DSA-PrivateKey is supported");
  if (inner.content.size() != 32) throw Error("private key: seed must be 32 bytes");
  std::array<std::uint8_t, 32> seed;
  std::memcpy(seed.data(), inner.content.data(), 32);
  return {a, seed};
}

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

std::string to_pem(ByteView data, std::string_view label) {
  std::string b64;
  b64.reserve((data.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < data.size(); i += 3) {
    std::uint32_t v = std::uint32_t{data[i]} << 16;
    if (i + 1 < data.size()) v |= std::uint32_t{data[i + 1]} << 8;
    if (i + 2 < data.size()) v |= data[i + 2];
    b64 += kB64[(v >> 18) & 63];
    b64 += kB64[(v >> 12) & 63];
    b64 += i + 1 < data.size() ? kB64[(v >> 6) & 63] : '=';
    b64 += i + 2 < data.size() ? kB64[v & 63] : '=';
  }
  std::string out = "-----BEGIN " + std::string(label) + "-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  out += "-----END " + std::string(label) + "-----\n";
  return out;
}

Bytes from_pem(std::string_view pem, std::string_view label) {
  const std::string begin = "-----BEGIN " + std::string(label) + "-----";
  const std::string end = "-----END " + std::string(label) + "-----";
  std::size_t b = pem.find(begin);
  if (b == std::string_view::npos) throw Error("PEM: no " + begin + " line");
  std::size_t e = pem.find(end, b + begin.size());
  if (e == std::string_view::npos) throw Error("PEM: no " + end + " line");
  std::string_view body = pem.substr(b + begin.size(), e - b - begin.size());
  Bytes out;
  std::uint32_t acc = 0;
  int bits = 0;
  int pad = 0;
  std::size_t symbols = 0;
  for (char c : body) {
    if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    if (c == '=') {
      ++pad;
      ++symbols;
      continue;
    }
    int v = b64_value(c);
    if (v < 0 || pad != 0) throw Error("PEM: invalid base64");
    ++symbols;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xFF));
    }
  }
  if (symbols % 4 != 0 || pad > 2) throw Error("PEM: base64 length is not a multiple of 4");
  if ((acc & ((1u << bits) - 1)) != 0) throw Error("PEM: non-canonical base64 padding bits");
  return out;
}

}  // namespace pqcea::pki
