// ML-DSA behind the COSE Signer/Verifier interfaces: the shipped signature path of the evidence.
//
// RFC 9964 (ML-DSA for JOSE and COSE): algorithms ML-DSA-44/65/87 = -48/-49/-50, pure ML-DSA
// (FIPS 204 Alg. 2/3) over the Sig_structure bytes with the empty context string.
//
// Header-only on purpose: each user instantiates the classes (and their vtables) with its own
// compiler settings. Instantiating them once in the -fno-rtti freestanding library left RTTI
// host code (UBSan's vptr check) without the typeinfo it refers to. Link pqcea_mldsa.
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
  Status sign(std::span<const std::uint8_t> tbs, std::span<std::uint8_t> sig, std::size_t& sig_len) override {
    if (sig.size() < P::sig_bytes) return Status::buffer_too_small;
    const std::span<std::uint8_t, P::sig_bytes> out = sig.template first<P::sig_bytes>();
    // RFC 9964: the COSE algorithms are pure ML-DSA (FIPS 204 Alg. 2) with ctx = the empty string.
    const mldsa::Input in = mldsa::Input::pure(tbs);
    const Status s =
        rng_ != nullptr ? mldsa::sign<P, M>(out, sk_, in, *rng_) : mldsa::sign_deterministic<P, M>(out, sk_, in);
    if (s != Status::ok) return s;
    sig_len = P::sig_bytes;
    return Status::ok;
  }

 private:
  mldsa::PrivateKey<P> sk_;
  rng::RandomSource* rng_;
};

template <class P, mldsa::Memory M = mldsa::Memory::fast>
class MlDsaVerifier final : public cose::Verifier {
 public:
  std::int64_t alg() const override { return CoseAlgOf<P>::value; }
  Status verify(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> tbs,
                std::span<const std::uint8_t> sig) const override {
    // FIPS 204 Alg. 3; a wrong-length key is invalid_key, any bad signature invalid_signature.
    return mldsa::verify<P, M>(public_key, mldsa::Input::pure(tbs), sig);
  }
};

using MlDsa44CoseSigner = MlDsaSigner<mldsa::MlDsa44>;
using MlDsa65CoseSigner = MlDsaSigner<mldsa::MlDsa65>;
using MlDsa87CoseSigner = MlDsaSigner<mldsa::MlDsa87>;
using MlDsa44CoseVerifier = MlDsaVerifier<mldsa::MlDsa44>;
using MlDsa65CoseVerifier = MlDsaVerifier<mldsa::MlDsa65>;
using MlDsa87CoseVerifier = MlDsaVerifier<mldsa::MlDsa87>;

}  // namespace pqcea::attest
