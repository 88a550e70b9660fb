// The public API (include/pqcea/slhdsa.hpp) on top of the internal functions: the message
// representative M' of the external interfaces (FIPS 205 §10.2, Alg. 22-25), key generation,
// the randomizer choices and the status codes. Instantiated per parameter set in the
// sha2_*.cpp / shake_*.cpp files.
#pragma once
#include <cstring>

#include "pqcea/core/secret.hpp"
#include "pqcea/slhdsa.hpp"
#include "scheme.hpp"

namespace pqcea::slhdsa {
namespace detail {

// M' built in place from an Input: prefix, context, then the message or OID || PH(M).
struct MessageRep {
  std::uint8_t head[2];
  std::uint8_t oid_digest[kPreHashOidBytes + 64];
  MsgParts parts;
  MessageRep() = default;
  MessageRep(const MessageRep&) = delete;
  MessageRep& operator=(const MessageRep&) = delete;
};
// Fills rep for `in`. invalid_argument: context > 255 bytes (Alg. 22/23 step 1), unknown kind or
// pre-hash; invalid_length: a pre-hashed digest of the wrong size.
Status make_message(MessageRep& rep, const Input& in);

}  // namespace detail

template <class P>
Status keygen_internal(std::span<std::uint8_t, P::pk_bytes> pk, std::span<std::uint8_t, P::sk_bytes> sk,
                       std::span<const std::uint8_t, P::n> sk_seed, std::span<const std::uint8_t, P::n> sk_prf,
                       std::span<const std::uint8_t, P::n> pk_seed) {
  using L = detail::Layout<P>;
  std::uint8_t root[P::n] = {};
  detail::Scheme<P>::keygen(root, sk_seed.data(), pk_seed.data());
  // Alg. 18 step 4: (SK.seed, SK.prf, PK.seed, PK.root), (PK.seed, PK.root).
  std::memmove(sk.data() + L::sk_seed, sk_seed.data(), P::n);
  std::memmove(sk.data() + L::sk_prf, sk_prf.data(), P::n);
  std::memmove(sk.data() + L::sk_pk_seed, pk_seed.data(), P::n);
  std::memcpy(sk.data() + L::sk_pk_root, root, P::n);
  std::memcpy(pk.data() + L::pk_seed, sk.data() + L::sk_pk_seed, P::n);
  std::memcpy(pk.data() + L::pk_root, root, P::n);
  return Status::ok;
}

template <class P>
Status keygen(std::span<std::uint8_t, P::pk_bytes> pk, std::span<std::uint8_t, P::sk_bytes> sk, rng::RandomSource& rng) {
  Secret<3 * P::n> seeds;  // Alg. 21 steps 1-3: SK.seed, SK.prf, PK.seed
  const Status st = rng.generate(seeds.span());
  if (st != Status::ok) return st;
  return keygen_internal<P>(pk, sk, std::span<const std::uint8_t, P::n>(seeds.data(), P::n),
                            std::span<const std::uint8_t, P::n>(seeds.data() + P::n, P::n),
                            std::span<const std::uint8_t, P::n>(seeds.data() + 2 * P::n, P::n));
}

template <class P>
Status check_key_pair(std::span<const std::uint8_t, P::sk_bytes> sk) {
  using L = detail::Layout<P>;
  std::uint8_t root[P::n] = {};
  detail::Scheme<P>::keygen(root, sk.data() + L::sk_seed, sk.data() + L::sk_pk_seed);
  return ct::equal(root, sk.data() + L::sk_pk_root, P::n) ? Status::ok : Status::invalid_key;
}

template <class P>
Status sign_internal(std::span<std::uint8_t, P::sig_bytes> sig, std::span<const std::uint8_t, P::sk_bytes> sk,
                     const Input& in, std::span<const std::uint8_t, P::n> addrnd) {
  detail::MessageRep rep;
  Status st = detail::make_message(rep, in);
  if (st == Status::ok && !detail::Scheme<P>::sign(sig.data(), sk.data(), rep.parts, addrnd.data()))
    st = Status::invalid_key;
  if (st != Status::ok) secure_wipe(sig.data(), sig.size());
  return st;
}

template <class P>
Status sign(std::span<std::uint8_t, P::sig_bytes> sig, std::span<const std::uint8_t, P::sk_bytes> sk, const Input& in,
            rng::RandomSource& rng) {
  Secret<P::n> opt_rand;  // FIPS 205 Alg. 22 step 5 / Alg. 23 step 5
  const Status st = rng.generate(opt_rand.span());
  if (st != Status::ok) {
    secure_wipe(sig.data(), sig.size());
    return st;
  }
  return sign_internal<P>(sig, sk, in, opt_rand.span());
}

template <class P>
Status sign_deterministic(std::span<std::uint8_t, P::sig_bytes> sig, std::span<const std::uint8_t, P::sk_bytes> sk,
                          const Input& in) {
  // Alg. 22 step 6 / Alg. 23 step 6: opt_rand = PK.seed.
  return sign_internal<P>(sig, sk, in, sk.template subspan<detail::Layout<P>::sk_pk_seed, P::n>());
}

template <class P>
Status verify(std::span<const std::uint8_t> pk, const Input& in, std::span<const std::uint8_t> sig) {
  if (pk.size() != P::pk_bytes) return Status::invalid_key;
  detail::MessageRep rep;
  const Status st = detail::make_message(rep, in);
  if (st != Status::ok) return st;
  if (sig.size() != P::sig_bytes) return Status::invalid_signature;  // Alg. 20 step 1
  return detail::Scheme<P>::verify(pk.data(), rep.parts, sig.data()) ? Status::ok : Status::invalid_signature;
}

}  // namespace pqcea::slhdsa

#define PQCEA_SLHDSA_INSTANTIATE(P)                                                                            \
  template pqcea::Status pqcea::slhdsa::keygen_internal<P>(                                                    \
      std::span<std::uint8_t, P::pk_bytes>, std::span<std::uint8_t, P::sk_bytes>,                              \
      std::span<const std::uint8_t, P::n>, std::span<const std::uint8_t, P::n>, std::span<const std::uint8_t, P::n>); \
  template pqcea::Status pqcea::slhdsa::keygen<P>(std::span<std::uint8_t, P::pk_bytes>,                        \
                                                  std::span<std::uint8_t, P::sk_bytes>, pqcea::rng::RandomSource&); \
  template pqcea::Status pqcea::slhdsa::check_key_pair<P>(std::span<const std::uint8_t, P::sk_bytes>);         \
  template pqcea::Status pqcea::slhdsa::sign_internal<P>(std::span<std::uint8_t, P::sig_bytes>,                \
                                                         std::span<const std::uint8_t, P::sk_bytes>,           \
                                                         const pqcea::slhdsa::Input&,                          \
                                                         std::span<const std::uint8_t, P::n>);                 \
  template pqcea::Status pqcea::slhdsa::sign<P>(std::span<std::uint8_t, P::sig_bytes>,                         \
                                                std::span<const std::uint8_t, P::sk_bytes>,                    \
                                                const pqcea::slhdsa::Input&, pqcea::rng::RandomSource&);       \
  template pqcea::Status pqcea::slhdsa::sign_deterministic<P>(std::span<std::uint8_t, P::sig_bytes>,           \
                                                              std::span<const std::uint8_t, P::sk_bytes>,      \
                                                              const pqcea::slhdsa::Input&);                    \
  template pqcea::Status pqcea::slhdsa::verify<P>(std::span<const std::uint8_t>, const pqcea::slhdsa::Input&,  \
                                                  std::span<const std::uint8_t>);
