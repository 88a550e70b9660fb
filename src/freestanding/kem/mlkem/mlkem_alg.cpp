// Runtime selection of the parameter set for thin host layers (CLI, ACVP runner, C API): checks
// every buffer length, then calls the fixed-size template.
#include <cstring>

#include "pqcea/mlkem.hpp"

namespace pqcea::mlkem {
namespace {

template <class F>
Status with_params(Alg a, F&& f) {
  switch (a) {
    case Alg::mlkem512: return f.template operator()<ml_kem_512>();
    case Alg::mlkem768: return f.template operator()<ml_kem_768>();
    case Alg::mlkem1024: return f.template operator()<ml_kem_1024>();
  }
  return Status::invalid_argument;
}

template <std::size_t N, class T>
std::span<T, N> fixed(std::span<T> s) {
  return std::span<T, N>(s.data(), N);
}

bool same(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}

}  // namespace

bool parse_alg(const char* text, Alg& out) {
  for (Alg a : {Alg::mlkem512, Alg::mlkem768, Alg::mlkem1024}) {
    if (same(text, name(a))) {
      out = a;
      return true;
    }
  }
  return false;
}

Status keygen_internal(Alg a, std::span<std::uint8_t> ek, std::span<std::uint8_t> dk, std::span<const std::uint8_t> d,
                       std::span<const std::uint8_t> z) {
  return with_params(a, [&]<Params P>() {
    if (ek.size() != P.ek_bytes() || dk.size() != P.dk_bytes() || d.size() != 32 || z.size() != 32)
      return Status::invalid_length;
    return keygen_internal<P>(fixed<P.ek_bytes()>(ek), fixed<P.dk_bytes()>(dk), fixed<32>(d), fixed<32>(z));
  });
}

Status keygen_from_seed(Alg a, std::span<std::uint8_t> ek, std::span<std::uint8_t> dk,
                        std::span<const std::uint8_t> seed) {
  if (seed.size() != seed_bytes) return Status::invalid_length;
  return keygen_internal(a, ek, dk, seed.first(32), seed.last(32));
}

Status keygen_seed(Alg a, std::span<std::uint8_t> ek, std::span<std::uint8_t> seed, rng::RandomSource& rng) {
  return with_params(a, [&]<Params P>() {
    if (ek.size() != P.ek_bytes() || seed.size() != seed_bytes) return Status::invalid_length;
    return keygen_seed<P>(fixed<P.ek_bytes()>(ek), fixed<seed_bytes>(seed), rng);
  });
}

Status encaps_internal(Alg a, std::span<std::uint8_t> key, std::span<std::uint8_t> c, std::span<const std::uint8_t> ek,
                       std::span<const std::uint8_t> m) {
  return with_params(a, [&]<Params P>() {
    if (key.size() != shared_key_bytes || c.size() != P.ct_bytes() || ek.size() != P.ek_bytes() || m.size() != 32)
      return Status::invalid_length;
    return encaps_internal<P>(fixed<shared_key_bytes>(key), fixed<P.ct_bytes()>(c), fixed<P.ek_bytes()>(ek),
                              fixed<32>(m));
  });
}

Status encaps(Alg a, std::span<std::uint8_t> key, std::span<std::uint8_t> c, std::span<const std::uint8_t> ek,
              rng::RandomSource& rng) {
  return with_params(a, [&]<Params P>() {
    if (key.size() != shared_key_bytes || c.size() != P.ct_bytes() || ek.size() != P.ek_bytes())
      return Status::invalid_length;
    return encaps<P>(fixed<shared_key_bytes>(key), fixed<P.ct_bytes()>(c), fixed<P.ek_bytes()>(ek), rng);
  });
}

Status decaps(Alg a, std::span<std::uint8_t> key, std::span<const std::uint8_t> c,
              std::span<const std::uint8_t> dk_or_seed) {
  return with_params(a, [&]<Params P>() {
    // FIPS 203 §7.3 steps 1-2: ciphertext and decapsulation-key type (length) checks.
    if (key.size() != shared_key_bytes || c.size() != P.ct_bytes()) return Status::invalid_length;
    if (dk_or_seed.size() == P.dk_bytes())
      return decaps<P>(fixed<shared_key_bytes>(key), fixed<P.ct_bytes()>(c), fixed<P.dk_bytes()>(dk_or_seed));
    if (dk_or_seed.size() == seed_bytes)
      return decaps_seed<P>(fixed<shared_key_bytes>(key), fixed<P.ct_bytes()>(c), fixed<seed_bytes>(dk_or_seed));
    return Status::invalid_length;
  });
}

Status check_encaps_key(Alg a, std::span<const std::uint8_t> ek) {
  return with_params(a, [&]<Params P>() {
    if (ek.size() != P.ek_bytes()) return Status::invalid_length;  // §7.2 step 1
    return check_encaps_key<P>(fixed<P.ek_bytes()>(ek));
  });
}

Status check_decaps_key(Alg a, std::span<const std::uint8_t> dk) {
  return with_params(a, [&]<Params P>() {
    if (dk.size() != P.dk_bytes()) return Status::invalid_length;  // §7.3 step 2
    return check_decaps_key<P>(fixed<P.dk_bytes()>(dk));
  });
}

}  // namespace pqcea::mlkem
