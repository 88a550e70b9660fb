// ML-KEM (FIPS 203): K-PKE (Alg. 13-15) and the ML-KEM algorithms (Alg. 16-21), templated on the
// parameter set, plus the §7.2/§7.3 input checks.
//
// Memory: nothing of size k x k is ever held. Matrix entries are sampled one at a time from
// SHAKE128 and multiplied in at once; secret vectors are kept packed (ByteEncode_12, 384 bytes per
// polynomial) - in the caller's dk during key generation, on the stack during encryption; the
// ciphertext is compressed and emitted row by row through a sink that either writes it
// (Encaps) or compares it with the received one (Decaps re-encryption), so no second ciphertext
// buffer exists.
#include "pqcea/mlkem.hpp"

#include <cstring>

#include "encoding.hpp"
#include "ntt.hpp"
#include "params.hpp"
#include "pqcea/core/ct.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/hash/keccak.hpp"
#include "sampling.hpp"

namespace pqcea::mlkem {
namespace detail {
namespace {

// Writes the emitted ciphertext bytes in order.
struct WriteSink {
  std::uint8_t* out;
  void put(const std::uint8_t* b, std::size_t len) {
    std::memcpy(out, b, len);
    out += len;
  }
};

// Compares the emitted bytes with an expected ciphertext, reading every byte (Alg. 18 step 11).
struct CompareSink {
  const std::uint8_t* expected;
  std::uint32_t diff = 0;
  void put(const std::uint8_t* b, std::size_t len) {
    for (std::size_t i = 0; i < len; ++i) diff |= static_cast<std::uint32_t>(b[i] ^ expected[i]);
    expected += len;
  }
};

// G = SHA3-512 over the concatenation a || b (FIPS 203 §4.1, Eq. 4.5).
void hash_g(std::uint8_t out[64], const std::uint8_t* a, std::size_t alen, const std::uint8_t* b, std::size_t blen) {
  hash::Sha3_512 g;
  g.update(a, alen);
  g.update(b, blen);
  g.final(out);
}

// K-PKE.KeyGen (Alg. 13). Writes ByteEncode_12(s-hat) to dk_pke (used as the store for s-hat
// while t-hat is computed) and ek = ByteEncode_12(t-hat) || rho.
template <Params P>
void pke_keygen(std::uint8_t* ek, std::uint8_t* dk_pke, const std::uint8_t d[32]) {
  struct Ws {
    std::uint8_t g_in[33];
    std::uint8_t rho_sigma[64];
    Poly acc;
    Poly a;
  } ws;
  WipeOnExit<Ws> wipe(ws);
  std::memcpy(ws.g_in, d, 32);
  ws.g_in[32] = P.k;  // step 1: (rho, sigma) = G(d || k), domain-separated by k
  hash::Sha3_512::hash(ws.rho_sigma, ws.g_in, sizeof ws.g_in);
  const std::uint8_t* rho = ws.rho_sigma;
  const std::uint8_t* sigma = ws.rho_sigma + 32;
  ct::declassify(rho, 32, "rho is published in ek (FIPS 203 Alg. 13 step 19)");

  // Steps 8-11, 16, 20: s-hat = NTT(s), packed straight into dk_PKE.
  for (unsigned i = 0; i < P.k; ++i) {
    sample_cbd<P.eta1>(ws.a, sigma, static_cast<std::uint8_t>(i));
    ntt(ws.a);
    poly_canonical(ws.a);
    encode12(dk_pke + poly_bytes * i, ws.a);
  }
  // Steps 3-7, 12-15, 17-19: t-hat_i = sum_j A-hat[i,j] o s-hat_j + e-hat_i, one row at a time.
  for (unsigned i = 0; i < P.k; ++i) {
    poly_zero(ws.acc);
    for (unsigned j = 0; j < P.k; ++j) {
      sample_ntt(ws.a, rho, static_cast<std::uint8_t>(j), static_cast<std::uint8_t>(i));  // A-hat[i,j]: rho||j||i
      basemul_acc(ws.acc, ws.a, dk_pke + poly_bytes * j);
    }
    poly_tomont(ws.acc);  // cancels basemul's 2^-16; |acc| < q
    sample_cbd<P.eta1>(ws.a, sigma, static_cast<std::uint8_t>(P.k + i));  // e_i, N = k + i
    ntt(ws.a);
    poly_add(ws.acc, ws.a);
    poly_canonical(ws.acc);
    encode12(ek + poly_bytes * i, ws.acc);
  }
  std::memcpy(ek + P.dk_pke_bytes(), rho, 32);
}

// K-PKE.Encrypt (Alg. 14), emitting c = c1 || c2 through `out`. ek must have passed the §7.2
// check (its t-hat values are then < q).
template <Params P, class Sink>
void pke_encrypt(Sink& out, const std::uint8_t* ek, const std::uint8_t m[32], const std::uint8_t r[32]) {
  struct Ws {
    Poly acc;
    Poly a;
    std::uint8_t yhat[P.k * poly_bytes];  // NTT(y), packed
  } ws;
  WipeOnExit<Ws> wipe(ws);
  const std::uint8_t* rho = ek + P.dk_pke_bytes();

  // Steps 9-12, 18: y-hat = NTT(y), y_j from PRF_eta1(r, j).
  for (unsigned j = 0; j < P.k; ++j) {
    sample_cbd<P.eta1>(ws.a, r, static_cast<std::uint8_t>(j));
    ntt(ws.a);
    poly_canonical(ws.a);
    encode12(ws.yhat + poly_bytes * j, ws.a);
  }
  // Steps 4-8, 13-16, 19, 22: u_i = NTT^-1(sum_j A-hat[j,i] o y-hat_j) + e1_i, compressed.
  for (unsigned i = 0; i < P.k; ++i) {
    poly_zero(ws.acc);
    for (unsigned j = 0; j < P.k; ++j) {
      sample_ntt(ws.a, rho, static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(j));  // A-hat[j,i]: rho||i||j
      basemul_acc(ws.acc, ws.a, ws.yhat + poly_bytes * j);
    }
    invntt_tomont(ws.acc);
    sample_cbd<P.eta2>(ws.a, r, static_cast<std::uint8_t>(P.k + i));  // e1_i, N = k + i
    poly_add(ws.acc, ws.a);
    compress_encode<P.du>(ws.acc, out);
  }
  // Steps 17, 20, 21, 23: v = NTT^-1(t-hat^T o y-hat) + e2 + Decompress_1(m).
  poly_zero(ws.acc);
  for (unsigned j = 0; j < P.k; ++j) {
    decode12(ws.a, ek + poly_bytes * j);
    basemul_acc(ws.acc, ws.a, ws.yhat + poly_bytes * j);
  }
  invntt_tomont(ws.acc);
  sample_cbd<P.eta2>(ws.a, r, static_cast<std::uint8_t>(2 * P.k));  // e2, N = 2k
  poly_add(ws.acc, ws.a);
  poly_from_msg(ws.a, m);
  poly_add(ws.acc, ws.a);
  compress_encode<P.dv>(ws.acc, out);
}

// K-PKE.Decrypt (Alg. 15): m = ByteEncode_1(Compress_1(v' - NTT^-1(s-hat^T o NTT(u')))).
template <Params P>
void pke_decrypt(std::uint8_t m[32], const std::uint8_t* dk_pke, const std::uint8_t* c) {
  struct Ws {
    Poly acc;
    Poly a;
  } ws;
  WipeOnExit<Ws> wipe(ws);
  poly_zero(ws.acc);
  for (unsigned i = 0; i < P.k; ++i) {
    decode_decompress<P.du>(ws.a, c + 32u * P.du * i);  // step 3, row i of u'
    ntt(ws.a);
    basemul_acc(ws.acc, ws.a, dk_pke + poly_bytes * i);  // step 5 with s-hat packed in dk
  }
  invntt_tomont(ws.acc);
  decode_decompress<P.dv>(ws.a, c + P.c1_bytes());  // step 4: v'
  poly_rsub(ws.acc, ws.a);                          // step 6: w = v' - ...
  poly_to_msg(m, ws.acc);                           // step 7
}

// ML-KEM.KeyGen_internal (Alg. 16) writing everything into dk = dk_PKE || ek || H(ek) || z.
template <Params P>
void expand_dk(std::uint8_t* dk, const std::uint8_t d[32], const std::uint8_t z[32]) {
  using L = DkLayout<P>;
  pke_keygen<P>(dk + L::ek, dk + L::pke, d);                   // step 1
  hash::Sha3_256::hash(dk + L::h, dk + L::ek, P.ek_bytes());   // step 3: H(ek)
  std::memcpy(dk + L::z, z, 32);
}

template <Params P>
bool ek_modulus_ok(const std::uint8_t* ek) {
  // §7.2 step 2: ByteEncode_12(ByteDecode_12(ek_PKE)) == ek_PKE, i.e. every 12-bit value < q.
  for (unsigned i = 0; i < P.k; ++i)
    if (!check12(ek + poly_bytes * i)) return false;
  return true;
}

template <Params P>
bool dk_hash_ok(const std::uint8_t* dk) {
  using L = DkLayout<P>;
  std::uint8_t h[32];  // §7.3 step 3: H(dk[384k : 768k + 32]) == dk[768k + 32 : 768k + 64]
  hash::Sha3_256::hash(h, dk + L::ek, P.ek_bytes());
  return ct::equal(h, dk + L::h, 32);
}

}  // namespace
}  // namespace detail

using namespace detail;

template <Params P>
Status check_encaps_key(EkIn<P> ek) {
  return ek_modulus_ok<P>(ek.data()) ? Status::ok : Status::invalid_key;
}

template <Params P>
Status check_decaps_key(DkIn<P> dk) {
  return dk_hash_ok<P>(dk.data()) ? Status::ok : Status::invalid_key;
}

template <Params P>
Status keygen_internal(EkOut<P> ek, DkOut<P> dk, Bytes32In d, Bytes32In z) {
  expand_dk<P>(dk.data(), d.data(), z.data());
  std::memcpy(ek.data(), dk.data() + DkLayout<P>::ek, P.ek_bytes());  // Alg. 16 step 1: ek
  return Status::ok;
}

template <Params P>
Status keygen_from_seed(EkOut<P> ek, DkOut<P> dk, SeedIn seed) {
  return keygen_internal<P>(ek, dk, seed.template first<32>(), seed.template last<32>());
}

template <Params P>
Status encaps_internal(KeyOut key, CtOut<P> c, EkIn<P> ek, Bytes32In m) {
  if (!ek_modulus_ok<P>(ek.data())) {  // §7.2 input check (ek is public)
    std::memset(key.data(), 0, key.size());
    std::memset(c.data(), 0, c.size());
    return Status::invalid_key;
  }
  struct Ws {
    std::uint8_t h[32];
    std::uint8_t kr[64];  // (K, r)
  } ws;
  WipeOnExit<Ws> wipe(ws);
  hash::Sha3_256::hash(ws.h, ek.data(), ek.size());
  hash_g(ws.kr, m.data(), 32, ws.h, 32);  // Alg. 17 step 1: (K, r) = G(m || H(ek))
  WriteSink sink{c.data()};
  pke_encrypt<P>(sink, ek.data(), m.data(), ws.kr + 32);  // step 2
  std::memcpy(key.data(), ws.kr, 32);
  return Status::ok;
}

template <Params P>
Status decaps(KeyOut key, CtIn<P> c, DkIn<P> dk) {
  using L = DkLayout<P>;
  const std::uint8_t* d = dk.data();
  ct::declassify(d + L::ek, P.ek_bytes() + 32, "ek and H(ek) inside dk are public (FIPS 203 Alg. 16)");
  if (!dk_hash_ok<P>(d)) {  // §7.3 hash check; the length checks are the span extents
    std::memset(key.data(), 0, key.size());
    return Status::invalid_key;
  }
  struct Ws {
    std::uint8_t mh[64];   // m' || h
    std::uint8_t kr[64];   // (K', r')
    std::uint8_t kbar[32];
  } ws;
  WipeOnExit<Ws> wipe(ws);
  pke_decrypt<P>(ws.mh, d + L::pke, c.data());  // Alg. 18 step 7
  std::memcpy(ws.mh + 32, d + L::h, 32);
  hash::Sha3_512::hash(ws.kr, ws.mh, 64);  // step 8: (K', r') = G(m' || h)
  {
    hash::Shake256 j;  // step 9: K-bar = J(z || c)
    j.absorb(d + L::z, 32);
    j.absorb(c.data(), c.size());
    j.squeeze(ws.kbar, 32);
  }
  CompareSink cmp{c.data()};
  pke_encrypt<P>(cmp, d + L::ek, ws.mh, ws.kr + 32);  // step 10: c' = K-PKE.Encrypt(ek, m', r')
  // Steps 11-13: if c != c' then K' = K-bar, by mask, never by branch.
  const auto reject = static_cast<std::uint8_t>(ct::mask_nonzero(cmp.diff));
  ct::cmov(ws.kr, ws.kbar, 32, reject);
  std::memcpy(key.data(), ws.kr, 32);
  return Status::ok;
}

template <Params P>
Status decaps_seed(KeyOut key, CtIn<P> c, SeedIn seed) {
  DecapsKey<P> dk;  // wiped on destruction
  expand_dk<P>(dk.data(), seed.data(), seed.data() + 32);
  return decaps<P>(key, c, dk.span());
}

template <Params P>
Status keygen(EkOut<P> ek, DkOut<P> dk, rng::RandomSource& rng) {
  KeySeed seed;
  const Status s = rng.generate(seed.span());  // Alg. 19 steps 1-2
  if (s != Status::ok) {
    std::memset(ek.data(), 0, ek.size());
    std::memset(dk.data(), 0, dk.size());
    return s;
  }
  return keygen_from_seed<P>(ek, dk, seed.span());
}

template <Params P>
Status keygen_seed(EkOut<P> ek, SeedOut seed, rng::RandomSource& rng) {
  const Status s = rng.generate(seed);
  if (s != Status::ok) {
    secure_wipe(seed.data(), seed.size());
    std::memset(ek.data(), 0, ek.size());
    return s;
  }
  DecapsKey<P> dk;
  return keygen_from_seed<P>(ek, dk.span(), seed);
}

template <Params P>
Status encaps(KeyOut key, CtOut<P> c, EkIn<P> ek, rng::RandomSource& rng) {
  Secret<32> m;
  const Status s = rng.generate(m.span());  // Alg. 20 steps 1-2
  if (s != Status::ok) {
    std::memset(key.data(), 0, key.size());
    std::memset(c.data(), 0, c.size());
    return s;
  }
  return encaps_internal<P>(key, c, ek, m.span());
}

// The three standard sets are the only instantiations.
#define PQCEA_MLKEM_INSTANTIATE(P)                                                          \
  template Status keygen_internal<P>(EkOut<P>, DkOut<P>, Bytes32In, Bytes32In);             \
  template Status keygen_from_seed<P>(EkOut<P>, DkOut<P>, SeedIn);                          \
  template Status encaps_internal<P>(KeyOut, CtOut<P>, EkIn<P>, Bytes32In);                 \
  template Status decaps<P>(KeyOut, CtIn<P>, DkIn<P>);                                      \
  template Status decaps_seed<P>(KeyOut, CtIn<P>, SeedIn);                                  \
  template Status check_encaps_key<P>(EkIn<P>);                                             \
  template Status check_decaps_key<P>(DkIn<P>);                                             \
  template Status keygen<P>(EkOut<P>, DkOut<P>, rng::RandomSource&);                        \
  template Status keygen_seed<P>(EkOut<P>, SeedOut, rng::RandomSource&);                    \
  template Status encaps<P>(KeyOut, CtOut<P>, EkIn<P>, rng::RandomSource&);
PQCEA_MLKEM_INSTANTIATE(ml_kem_512)
PQCEA_MLKEM_INSTANTIATE(ml_kem_768)
PQCEA_MLKEM_INSTANTIATE(ml_kem_1024)
#undef PQCEA_MLKEM_INSTANTIATE

}  // namespace pqcea::mlkem
