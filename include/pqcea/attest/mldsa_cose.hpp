// ML-DSA behind the COSE Signer/Verifier interfaces: the shipped signature path of the evidence.
//
// RFC 9964 (ML-DSA for JOSE and COSE): algorithms ML-DSA-44/65/87 = -48/-49/-50, pure ML-DSA
// (FIPS 204 Alg. 2/3) over the Sig_structure bytes with the empty context string.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/cose.hpp"
#include "pqcea/mldsa.hpp"
#include "pqcea/rng/entropy.hpp"

namespace pqcea::attest {

template <class P>
struct CoseAlgOf;
template <>
struct CoseAlgOf<mldsa::MlDsa44> {
  static constexpr std::int64_t value = cose::kAlgMlDsa44;
};
template <>
struct CoseAlgOf<mldsa::MlDsa65> {
  static constexpr std::int64_t value = cose::kAlgMlDsa65;
};
template <>
struct CoseAlgOf<mldsa::MlDsa87> {
  static constexpr std::int64_t value = cose::kAlgMlDsa87;
};

// Signs with a private key the caller keeps (a view: the key is not copied, so there is no
// second copy to wipe). With an RNG the signature is hedged (FIPS 204 §3.4, the default for
// devices); without one it is the deterministic variant (reproducible tokens for tests).
template <class P, mldsa::Memory M = mldsa::Memory::fast>
class MlDsaSigner final : public cose::Signer {
 public:
  MlDsaSigner(mldsa::PrivateKey<P> sk, rng::RandomSource& rng) : sk_(sk), rng_(&rng) {}
  explicit MlDsaSigner(mldsa::PrivateKey<P> sk) : sk_(sk), rng_(nullptr) {}
  std::int64_t alg() const override { return CoseAlgOf<P>::value; }
  std::size_t signature_size() const override { return P::sig_bytes; }
  Status sign(std::span<const std::uint8_t> tbs, std::span<std::uint8_t> sig, std::size_t& sig_len) override;

 private:
  mldsa::PrivateKey<P> sk_;
  rng::RandomSource* rng_;
};

template <class P, mldsa::Memory M = mldsa::Memory::fast>
class MlDsaVerifier final : public cose::Verifier {
 public:
  std::int64_t alg() const override { return CoseAlgOf<P>::value; }
  Status verify(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> tbs,
                std::span<const std::uint8_t> sig) const override;
};

// Instantiated in src/freestanding/attest/mldsa_cose.cpp for the three sets and both memory modes.
extern template class MlDsaSigner<mldsa::MlDsa44, mldsa::Memory::fast>;
extern template class MlDsaSigner<mldsa::MlDsa65, mldsa::Memory::fast>;
extern template class MlDsaSigner<mldsa::MlDsa87, mldsa::Memory::fast>;
extern template class MlDsaSigner<mldsa::MlDsa44, mldsa::Memory::low>;
extern template class MlDsaSigner<mldsa::MlDsa65, mldsa::Memory::low>;
extern template class MlDsaSigner<mldsa::MlDsa87, mldsa::Memory::low>;
extern template class MlDsaVerifier<mldsa::MlDsa44, mldsa::Memory::fast>;
extern template class MlDsaVerifier<mldsa::MlDsa65, mldsa::Memory::fast>;
extern template class MlDsaVerifier<mldsa::MlDsa87, mldsa::Memory::fast>;
extern template class MlDsaVerifier<mldsa::MlDsa44, mldsa::Memory::low>;
extern template class MlDsaVerifier<mldsa::MlDsa65, mldsa::Memory::low>;
extern template class MlDsaVerifier<mldsa::MlDsa87, mldsa::Memory::low>;

using MlDsa44CoseSigner = MlDsaSigner<mldsa::MlDsa44>;
using MlDsa65CoseSigner = MlDsaSigner<mldsa::MlDsa65>;
using MlDsa87CoseSigner = MlDsaSigner<mldsa::MlDsa87>;
using MlDsa44CoseVerifier = MlDsaVerifier<mldsa::MlDsa44>;
using MlDsa65CoseVerifier = MlDsaVerifier<mldsa::MlDsa65>;
using MlDsa87CoseVerifier = MlDsaVerifier<mldsa::MlDsa87>;

}  // namespace pqcea::attest
