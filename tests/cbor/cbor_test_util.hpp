// Test helpers for the CBOR, COSE and attestation tests: hex conversion and a test-only COSE
// signer (HMAC-SHA-256 under a private-use algorithm id). The shipped path signs with ML-DSA;
// this signer exists so the COSE layer can be tested independently of any signature scheme.
#pragma once
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "pqcea/cose.hpp"
#include "pqcea/hash/hmac.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/hex.hpp"

namespace pqcea::test {

inline std::vector<std::uint8_t> from_hex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  int hi = -1;
  for (char c : hex) {
    if (c == ' ' || c == '\n' || c == '_') continue;  // RFC 8949 examples are spaced for reading
    const int v = host::hex_digit(c);
    if (v < 0) throw std::invalid_argument("bad hex");
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi * 16 + v));
      hi = -1;
    }
  }
  if (hi >= 0) throw std::invalid_argument("odd hex");
  return out;
}

inline std::string to_hex(std::span<const std::uint8_t> b) { return host::hex_encode(b); }

// COSE algorithm ids below -65536 are reserved for private use (IANA COSE Algorithms registry).
inline constexpr std::int64_t kTestHmacAlg = -65600;

// "Public key" = the HMAC key: only meaningful in tests, where signer and verifier share it.
class HmacTestSigner final : public cose::Signer {
 public:
  explicit HmacTestSigner(std::vector<std::uint8_t> key, std::int64_t alg = kTestHmacAlg)
      : key_(std::move(key)), alg_(alg) {}
  std::int64_t alg() const override { return alg_; }
  std::size_t signature_size() const override { return 32; }
  Status sign(std::span<const std::uint8_t> tbs, std::span<std::uint8_t> sig, std::size_t& sig_len) override {
    ++calls;
    last_tbs.assign(tbs.begin(), tbs.end());
    if (fail_next) return Status::entropy_failure;
    if (sig.size() < 32) return Status::buffer_too_small;
    hash::Hmac<hash::Sha256>::mac(sig.data(), key_.data(), key_.size(), tbs.data(), tbs.size());
    sig_len = short_signature ? 31 : 32;
    return Status::ok;
  }
  const std::vector<std::uint8_t>& public_key() const { return key_; }

  int calls = 0;
  bool fail_next = false;
  bool short_signature = false;
  std::vector<std::uint8_t> last_tbs;

 private:
  std::vector<std::uint8_t> key_;
  std::int64_t alg_;
};

class HmacTestVerifier final : public cose::Verifier {
 public:
  explicit HmacTestVerifier(std::int64_t alg = kTestHmacAlg) : alg_(alg) {}
  std::int64_t alg() const override { return alg_; }
  Status verify(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> tbs,
                std::span<const std::uint8_t> sig) const override {
    std::uint8_t mac[32];
    hash::Hmac<hash::Sha256>::mac(mac, public_key.data(), public_key.size(), tbs.data(), tbs.size());
    if (sig.size() != 32 || std::memcmp(mac, sig.data(), 32) != 0) return Status::invalid_signature;
    return Status::ok;
  }

 private:
  std::int64_t alg_;
};

inline std::array<std::uint8_t, cose::kKidSize> kid_of(std::span<const std::uint8_t> pk) {
  std::array<std::uint8_t, cose::kKidSize> kid{};
  cose::compute_kid(pk, kid);
  return kid;
}

}  // namespace pqcea::test
