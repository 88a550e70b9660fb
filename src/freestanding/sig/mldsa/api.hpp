// The public API (include/pqcea/mldsa.hpp) on top of the two memory modes: private-key forms,
// the message representative M' and mu (FIPS 204 §5.2-§5.4, Alg. 2-5, Alg. 7 step 6), status
// codes. Instantiated per parameter set in mldsa44.cpp / mldsa65.cpp / mldsa87.cpp.
#pragma once
#include <cstring>

#include "lowmem.hpp"
#include "pqcea/mldsa.hpp"
#include "scheme.hpp"

namespace pqcea::mldsa {
namespace detail {

template <class P, Memory M>
struct Impl;
template <class P>
struct Impl<P, Memory::fast> {
  static void keygen(std::uint8_t* pk, std::uint8_t* sk, const std::uint8_t xi[32]) { Fast<P>::keygen(pk, sk, xi); }
  static bool sign_mu(std::uint8_t* sig, const std::uint8_t* sk, const std::uint8_t* mu, const std::uint8_t* rnd) {
    return Fast<P>::sign_mu(sig, sk, mu, rnd);
  }
  static bool verify_mu(const std::uint8_t* pk, const std::uint8_t* mu, const std::uint8_t* sig) {
    return Fast<P>::verify_mu(pk, mu, sig);
  }
};
template <class P>
struct Impl<P, Memory::low> {
  static void keygen(std::uint8_t* pk, std::uint8_t* sk, const std::uint8_t xi[32]) { Low<P>::keygen(pk, sk, xi); }
  static bool sign_mu(std::uint8_t* sig, const std::uint8_t* sk, const std::uint8_t* mu, const std::uint8_t* rnd) {
    return Low<P>::sign_mu(sig, sk, mu, rnd);
  }
  static bool verify_mu(const std::uint8_t* pk, const std::uint8_t* mu, const std::uint8_t* sig) {
    return Low<P>::verify_mu(pk, mu, sig);
  }
};

// mu for an Input, given tr (Alg. 2 steps 5-10 / Alg. 4 steps 5-24, then Alg. 7 step 6).
Status compute_mu(std::uint8_t mu[64], const std::uint8_t tr[64], const Input& in);

}  // namespace detail

template <class P, Memory M>
Status keygen_internal(std::span<std::uint8_t, P::pk_bytes> pk, std::span<std::uint8_t, P::sk_bytes> sk,
                       std::span<const std::uint8_t, kSeedBytes> xi) {
  detail::Impl<P, M>::keygen(pk.data(), sk.data(), xi.data());
  return Status::ok;
}

template <class P, Memory M>
Status keygen(std::span<std::uint8_t, P::pk_bytes> pk, std::span<std::uint8_t, P::sk_bytes> sk,
              rng::RandomSource& rng) {
  Secret<kSeedBytes> xi;
  const Status st = rng.generate(xi.span());
  if (st != Status::ok) return st;
  return keygen_internal<P, M>(pk, sk, xi.span());
}

template <class P, Memory M>
Status keygen_seed(std::span<std::uint8_t, P::pk_bytes> pk, std::span<std::uint8_t, kSeedBytes> xi,
                   rng::RandomSource& rng) {
  Secret<kSeedBytes> seed;
  const Status st = rng.generate(seed.span());
  if (st != Status::ok) return st;
  Secret<P::sk_bytes> sk;
  detail::Impl<P, M>::keygen(pk.data(), sk.data(), seed.data());
  std::memcpy(xi.data(), seed.data(), kSeedBytes);
  return Status::ok;
}

template <class P>
void public_key_hash(std::span<std::uint8_t, kTrBytes> tr, std::span<const std::uint8_t, P::pk_bytes> pk) {
  hash::Shake256::hash(tr.data(), kTrBytes, pk.data(), pk.size());
}

template <class P>
Status check_private_key(PrivateKey<P> sk) {
  if (sk.is_seed()) return sk.bytes().size() == kSeedBytes ? Status::ok : Status::invalid_length;
  if (sk.bytes().size() != P::sk_bytes) return Status::invalid_length;
  // skDecode (Alg. 25) only yields s1, s2 in [-eta, eta] for codes 0..2 eta.
  using S = detail::Sizes<P>;
  std::uint32_t bad = 0;
  for (int p = 0; p < P::k + P::l; ++p) {
    const std::uint8_t* base = sk.bytes().data() + S::sk_s1 + p * S::poly_eta;
    for (int n = 0; n < kN; ++n)
      bad |= ct::mask_lt(static_cast<std::uint32_t>(2 * P::eta), detail::unpack_one<P::eta_bits>(base, n));
  }
  return ct::declassify_value(bad, "verdict of the caller-requested key check") ? Status::invalid_key : Status::ok;
}

namespace detail {

// Signing from an expanded key: mu from the Input, then the signing loop. Kept out of line so
// that a caller with an expanded key never pays for the seed path's buffers.
template <class P, Memory M>
[[gnu::noinline]] Status sign_expanded(std::uint8_t* sig, const std::uint8_t* skx, const Input& in,
                                       const std::uint8_t* rnd) {
  std::uint8_t mu[kMuBytes];
  Status st = compute_mu(mu, skx + Sizes<P>::sk_tr, in);
  if (st == Status::ok && !Impl<P, M>::sign_mu(sig, skx, mu, rnd)) st = Status::invalid_key;
  secure_wipe(mu, sizeof mu);
  return st;
}

// Signing from the seed: KeyGen_internal into a wiped buffer, then as above.
template <class P, Memory M>
[[gnu::noinline]] Status sign_seed(std::uint8_t* sig, const std::uint8_t* xi, const Input& in, const std::uint8_t* rnd) {
  Secret<P::sk_bytes> expanded;
  if constexpr (M == Memory::low) {
    Low<P>::keygen(nullptr, expanded.data(), xi);  // no public key buffer needed
  } else {
    std::uint8_t pk[P::pk_bytes];
    Fast<P>::keygen(pk, expanded.data(), xi);
  }
  return sign_expanded<P, M>(sig, expanded.data(), in, rnd);
}

// mu for verification: tr = H(pk, 64) first (not needed for an external mu).
template <class P>
[[gnu::noinline]] Status verify_mu_input(std::uint8_t mu[64], const std::uint8_t* pk, const Input& in) {
  std::uint8_t tr[kTrBytes] = {};
  if (in.kind != Input::Kind::external_mu) hash::Shake256::hash(tr, kTrBytes, pk, P::pk_bytes);
  return compute_mu(mu, tr, in);
}

}  // namespace detail

template <class P, Memory M>
Status sign_internal(std::span<std::uint8_t, P::sig_bytes> sig, PrivateKey<P> sk, const Input& in,
                     std::span<const std::uint8_t, kRndBytes> rnd) {
  const Status st = sk.is_seed() ? detail::sign_seed<P, M>(sig.data(), sk.bytes().data(), in, rnd.data())
                                 : detail::sign_expanded<P, M>(sig.data(), sk.bytes().data(), in, rnd.data());
  if (st != Status::ok) secure_wipe(sig.data(), sig.size());
  return st;
}

template <class P, Memory M>
Status sign(std::span<std::uint8_t, P::sig_bytes> sig, PrivateKey<P> sk, const Input& in, rng::RandomSource& rng) {
  Secret<kRndBytes> rnd;
  const Status st = rng.generate(rnd.span());
  if (st != Status::ok) {
    secure_wipe(sig.data(), sig.size());
    return st;
  }
  return sign_internal<P, M>(sig, sk, in, rnd.span());
}

template <class P, Memory M>
Status sign_deterministic(std::span<std::uint8_t, P::sig_bytes> sig, PrivateKey<P> sk, const Input& in) {
  const std::array<std::uint8_t, kRndBytes> zero{};
  return sign_internal<P, M>(sig, sk, in, zero);
}

template <class P, Memory M>
Status verify(std::span<const std::uint8_t> pk, const Input& in, std::span<const std::uint8_t> sig) {
  if (pk.size() != P::pk_bytes) return Status::invalid_key;
  if (sig.size() != P::sig_bytes) return Status::invalid_signature;
  std::uint8_t mu[kMuBytes];
  const Status st = detail::verify_mu_input<P>(mu, pk.data(), in);
  if (st != Status::ok) return st;
  return detail::Impl<P, M>::verify_mu(pk.data(), mu, sig.data()) ? Status::ok : Status::invalid_signature;
}

template <class P>
Status PreparedPublicKey<P>::prepare(std::span<const std::uint8_t> pk) {
  prepared_ = false;
  if (pk.size() != P::pk_bytes) return Status::invalid_key;
  static_assert(sizeof(detail::Poly) == kN * sizeof(std::int32_t));
  detail::Fast<P>::prepare(reinterpret_cast<detail::Poly*>(polys_), pk.data());
  hash::Shake256::hash(tr_, kTrBytes, pk.data(), P::pk_bytes);  // Alg. 8 step 6
  prepared_ = true;
  return Status::ok;
}

template <class P>
Status verify(const PreparedPublicKey<P>& pk, const Input& in, std::span<const std::uint8_t> sig) {
  if (!pk.prepared()) return Status::invalid_key;
  if (sig.size() != P::sig_bytes) return Status::invalid_signature;
  std::uint8_t mu[kMuBytes];
  const Status st = detail::compute_mu(mu, pk.tr().data(), in);
  if (st != Status::ok) return st;
  return detail::Fast<P>::verify_mu_prepared(reinterpret_cast<const detail::Poly*>(pk.ntt_polys()), mu, sig.data())
             ? Status::ok
             : Status::invalid_signature;
}

}  // namespace pqcea::mldsa

#define PQCEA_MLDSA_INSTANTIATE_MODE(P, M)                                                                       \
  template pqcea::Status pqcea::mldsa::keygen_internal<P, M>(std::span<std::uint8_t, P::pk_bytes>,               \
                                                             std::span<std::uint8_t, P::sk_bytes>,               \
                                                             std::span<const std::uint8_t, pqcea::mldsa::kSeedBytes>); \
  template pqcea::Status pqcea::mldsa::keygen<P, M>(std::span<std::uint8_t, P::pk_bytes>,                        \
                                                    std::span<std::uint8_t, P::sk_bytes>, pqcea::rng::RandomSource&); \
  template pqcea::Status pqcea::mldsa::keygen_seed<P, M>(std::span<std::uint8_t, P::pk_bytes>,                   \
                                                         std::span<std::uint8_t, pqcea::mldsa::kSeedBytes>,      \
                                                         pqcea::rng::RandomSource&);                             \
  template pqcea::Status pqcea::mldsa::sign_internal<P, M>(std::span<std::uint8_t, P::sig_bytes>,                \
                                                           pqcea::mldsa::PrivateKey<P>, const pqcea::mldsa::Input&, \
                                                           std::span<const std::uint8_t, pqcea::mldsa::kRndBytes>); \
  template pqcea::Status pqcea::mldsa::sign<P, M>(std::span<std::uint8_t, P::sig_bytes>, pqcea::mldsa::PrivateKey<P>, \
                                                  const pqcea::mldsa::Input&, pqcea::rng::RandomSource&);        \
  template pqcea::Status pqcea::mldsa::sign_deterministic<P, M>(std::span<std::uint8_t, P::sig_bytes>,           \
                                                                pqcea::mldsa::PrivateKey<P>, const pqcea::mldsa::Input&); \
  template pqcea::Status pqcea::mldsa::verify<P, M>(std::span<const std::uint8_t>, const pqcea::mldsa::Input&,   \
                                                    std::span<const std::uint8_t>);

#define PQCEA_MLDSA_INSTANTIATE(P)                                                                      \
  PQCEA_MLDSA_INSTANTIATE_MODE(P, pqcea::mldsa::Memory::fast)                                           \
  PQCEA_MLDSA_INSTANTIATE_MODE(P, pqcea::mldsa::Memory::low)                                            \
  template void pqcea::mldsa::public_key_hash<P>(std::span<std::uint8_t, pqcea::mldsa::kTrBytes>,        \
                                                 std::span<const std::uint8_t, P::pk_bytes>);            \
  template pqcea::Status pqcea::mldsa::check_private_key<P>(pqcea::mldsa::PrivateKey<P>);              \
  template class pqcea::mldsa::PreparedPublicKey<P>;                                                    \
  template pqcea::Status pqcea::mldsa::verify<P>(const pqcea::mldsa::PreparedPublicKey<P>&,             \
                                                 const pqcea::mldsa::Input&, std::span<const std::uint8_t>);
