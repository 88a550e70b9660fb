// ML-DSA as the COSE signature algorithm (RFC 9964): pure ML-DSA, empty context string.
#include "pqcea/attest/mldsa_cose.hpp"

namespace pqcea::attest {

template <class P, mldsa::Memory M>
Status MlDsaSigner<P, M>::sign(std::span<const std::uint8_t> tbs, std::span<std::uint8_t> sig, std::size_t& sig_len) {
  if (sig.size() < P::sig_bytes) return Status::buffer_too_small;
  const std::span<std::uint8_t, P::sig_bytes> out = sig.template first<P::sig_bytes>();
  // RFC 9964: the COSE algorithms are pure ML-DSA (FIPS 204 Alg. 2) with ctx = the empty string.
  const mldsa::Input in = mldsa::Input::pure(tbs);
  const Status s = rng_ != nullptr ? mldsa::sign<P, M>(out, sk_, in, *rng_) : mldsa::sign_deterministic<P, M>(out, sk_, in);
  if (s != Status::ok) return s;
  sig_len = P::sig_bytes;
  return Status::ok;
}

template <class P, mldsa::Memory M>
Status MlDsaVerifier<P, M>::verify(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> tbs,
                                   std::span<const std::uint8_t> sig) const {
  // FIPS 204 Alg. 3; a wrong-length key is invalid_key, any bad signature invalid_signature.
  return mldsa::verify<P, M>(public_key, mldsa::Input::pure(tbs), sig);
}

template class MlDsaSigner<mldsa::MlDsa44, mldsa::Memory::fast>;
template class MlDsaSigner<mldsa::MlDsa65, mldsa::Memory::fast>;
template class MlDsaSigner<mldsa::MlDsa87, mldsa::Memory::fast>;
template class MlDsaSigner<mldsa::MlDsa44, mldsa::Memory::low>;
template class MlDsaSigner<mldsa::MlDsa65, mldsa::Memory::low>;
template class MlDsaSigner<mldsa::MlDsa87, mldsa::Memory::low>;
template class MlDsaVerifier<mldsa::MlDsa44, mldsa::Memory::fast>;
template class MlDsaVerifier<mldsa::MlDsa65, mldsa::Memory::fast>;
template class MlDsaVerifier<mldsa::MlDsa87, mldsa::Memory::fast>;
template class MlDsaVerifier<mldsa::MlDsa44, mldsa::Memory::low>;
template class MlDsaVerifier<mldsa::MlDsa65, mldsa::Memory::low>;
template class MlDsaVerifier<mldsa::MlDsa87, mldsa::Memory::low>;

}  // namespace pqcea::attest
