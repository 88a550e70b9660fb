// A test device with a real ML-DSA key pair derived from a fixed seed, and a signer wrapper that
// records the bytes it was asked to sign (the Sig_structure), for the independent check.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "pqcea/attest/mldsa_cose.hpp"
#include "pqcea/cose.hpp"
#include "pqcea/mldsa.hpp"

namespace pqcea::test {

template <class P>
struct MlDsaDevice {
  std::array<std::uint8_t, mldsa::kSeedBytes> xi{};
  std::vector<std::uint8_t> pk = std::vector<std::uint8_t>(P::pk_bytes);
  std::vector<std::uint8_t> sk = std::vector<std::uint8_t>(P::sk_bytes);
  std::array<std::uint8_t, cose::kKidSize> kid{};

  explicit MlDsaDevice(std::uint8_t seed_byte) {
    for (std::size_t i = 0; i < xi.size(); ++i) xi[i] = static_cast<std::uint8_t>(seed_byte + i);
    if (mldsa::keygen_internal<P>(std::span<std::uint8_t, P::pk_bytes>(pk.data(), P::pk_bytes),
                                  std::span<std::uint8_t, P::sk_bytes>(sk.data(), P::sk_bytes), xi) != Status::ok) {
      pk.clear();
    }
    cose::compute_kid(pk, kid);
  }
  // Deterministic ML-DSA (FIPS 204 §3.4) from the seed-form private key.
  attest::MlDsaSigner<P> signer() const { return attest::MlDsaSigner<P>(mldsa::PrivateKey<P>::seed(xi)); }
};

class RecordingSigner final : public cose::Signer {
 public:
  explicit RecordingSigner(cose::Signer& inner) : inner_(inner) {}
  std::int64_t alg() const override { return inner_.alg(); }
  std::size_t signature_size() const override { return inner_.signature_size(); }
  Status sign(std::span<const std::uint8_t> tbs, std::span<std::uint8_t> sig, std::size_t& sig_len) override {
    tbs_.assign(tbs.begin(), tbs.end());
    return inner_.sign(tbs, sig, sig_len);
  }
  const std::vector<std::uint8_t>& tbs() const { return tbs_; }

 private:
  cose::Signer& inner_;
  std::vector<std::uint8_t> tbs_;
};

}  // namespace pqcea::test
