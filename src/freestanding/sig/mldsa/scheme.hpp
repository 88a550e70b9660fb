// ML-DSA key generation, signing and verification (FIPS 204 Alg. 6, 7, 8), fast mode: the matrix
// A and the secret vectors are kept expanded in NTT form for the whole signing loop.
// The inputs here are already in internal form: xi, an expanded private key, mu.
#pragma once
#include <cstdint>

#include "encoding.hpp"
#include "hint.hpp"
#include "pqcea/core/ct.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/hash/keccak.hpp"
#include "sampling.hpp"

namespace pqcea::mldsa::detail {

// H(xi || k || l, 128) -> rho (32) || rho' (64) || K (32) (Alg. 6 step 2).
template <class P>
inline void expand_seed(std::uint8_t out[128], const std::uint8_t xi[32]) {
  const std::uint8_t kl[2] = {static_cast<std::uint8_t>(P::k), static_cast<std::uint8_t>(P::l)};
  hash::Shake256 h;
  h.absorb(xi, 32);
  h.absorb(kl, 2);
  h.squeeze(out, 128);
  // rho goes into the public key verbatim (pkEncode, Alg. 22), so ExpandA may branch on it.
  ct::declassify(out, 32, "rho is published as the first 32 bytes of the public key");
}

// ExpandS (Alg. 33): s1 entries r = 0..l-1, s2 entries r = l..l+k-1.
template <class P>
inline void sample_s(Poly& s, const std::uint8_t rho_prime[64], int r) {
  (void)rej_bounded_poly<P::eta>(s, rho_prime, static_cast<std::uint16_t>(r));
}

// rho'' = H(K || rnd || mu, 64) (Alg. 7 step 7).
inline void signing_seed(std::uint8_t rho2[64], const std::uint8_t key[32], const std::uint8_t rnd[32],
                         const std::uint8_t mu[64]) {
  hash::Shake256 h;
  h.absorb(key, 32);
  h.absorb(rnd, 32);
  h.absorb(mu, 64);
  h.squeeze(rho2, 64);
}

// The tail of an accepted or rejected candidate: everything that uses c. Shared by both modes as
// a per-row routine so the rejection conditions live in one place.
// v = w - c s2 in [0, q) and ct0 (centred, exact) for one row; returns all ones if the row
// rejects the candidate (Alg. 7 steps 21 and 25-28), else adds the row's hints.
template <class P>
inline std::uint32_t row_check_and_hints(const Poly& v, const Poly& ct0, HintRow& h) {
  std::uint32_t bad = 0;
  for (auto& b : h.bits) b = 0;
  for (int n = 0; n < N; ++n) {
    std::int32_t v1, v0;
    decompose<P::gamma2>(v.c[n], v1, v0);
    bad |= exceeds_mask(v0, P::gamma2 - P::beta);        // ||r0|| >= gamma2 - beta (step 21)
    bad |= exceeds_mask(ct0.c[n], P::gamma2);            // ||c t0|| >= gamma2 (step 28)
    // MakeHint(-ct0, w - cs2 + ct0) (Alg. 39): HighBits(v + ct0) != HighBits(v)
    const std::int32_t r1 = highbits<P::gamma2>(freeze(v.c[n] + ct0.c[n]));
    const std::uint64_t hbit = static_cast<std::uint64_t>(ct::mask_nonzero(static_cast<std::uint32_t>(r1 ^ v1)) & 1u);
    h.bits[n / 64] |= hbit << (n % 64);
  }
  return bad;
}

template <class P>
struct Fast {
  using S = Sizes<P>;
  using E = Enc<P>;
  static constexpr int K = P::k, L = P::l;

  struct KeygenWs {
    std::uint8_t seeds[128];
    Poly s1hat[L];
    Poly acc;
    Poly tmp;
  };
  struct SignWs {
    Poly a[K][L];
    Poly s1[L], s2[K], t0[K];  // NTT form
    Poly y[L], yhat[L];
    Poly w[K];
    Poly chat, tmp, tmp2;
    Challenge c;
    std::uint8_t rho2[64];
    std::uint8_t w1[S::w1_bytes];
  };
  struct VerifyWs {
    Poly zhat[L];
    Poly chat, acc, tmp;
    Challenge c;
    HintRow h;
    std::uint8_t w1[S::poly_w1];
  };

  static_assert(sizeof(KeygenWs) <= Budget<P, Memory::fast>::keygen_workspace);
  static_assert(sizeof(SignWs) <= Budget<P, Memory::fast>::sign_workspace);
  static_assert(sizeof(VerifyWs) <= Budget<P, Memory::fast>::verify_workspace);

  // KeyGen_internal (Alg. 6) into pk and an expanded sk.
  static void keygen(std::uint8_t* pk, std::uint8_t* sk, const std::uint8_t xi[32]) {
    KeygenWs ws;
    WipeOnExit<KeygenWs> wipe(ws);
    expand_seed<P>(ws.seeds, xi);
    const std::uint8_t* rho = ws.seeds;
    const std::uint8_t* rho_prime = ws.seeds + 32;
    for (int j = 0; j < L; ++j) {
      sample_s<P>(ws.s1hat[j], rho_prime, j);
      E::pack_s1(sk, j, ws.s1hat[j]);
      ntt(ws.s1hat[j]);
    }
    for (int i = 0; i < K; ++i) {
      // t_i = NTT^-1(sum_j A[i][j] o NTT(s1_j)) + s2_i (step 5)
      for (int n = 0; n < N; ++n) ws.acc.c[n] = 0;
      for (int j = 0; j < L; ++j) {
        rej_ntt_poly(ws.tmp, rho, j, i);
        poly_pointwise_acc(ws.acc, ws.tmp, ws.s1hat[j]);
      }
      poly_reduce(ws.acc);
      invntt_tomont(ws.acc);
      sample_s<P>(ws.tmp, rho_prime, L + i);
      E::pack_s2(sk, i, ws.tmp);
      // (t1, t0) = Power2Round(t) (step 6)
      for (int n = 0; n < N; ++n) {
        std::int32_t t1, t0;
        power2round(freeze(ws.acc.c[n] + ws.tmp.c[n]), t1, t0);
        ws.acc.c[n] = t1;
        ws.tmp.c[n] = t0;
      }
      E::pack_t1(pk, i, ws.acc);
      E::pack_t0(sk, i, ws.tmp);
    }
    for (int b = 0; b < 32; ++b) pk[b] = sk[b] = rho[b];
    for (int b = 0; b < 32; ++b) sk[S::sk_key + b] = ws.seeds[96 + b];
    hash::Shake256::hash(sk + S::sk_tr, 64, pk, P::pk_bytes);  // tr = H(pk, 64) (step 8)
  }

  // Sign_internal (Alg. 7) from mu (steps 7-33). Returns false if no candidate was accepted
  // within kMaxSignAttempts.
  static bool sign_mu(std::uint8_t* sig, const std::uint8_t* sk, const std::uint8_t mu[64],
                      const std::uint8_t rnd[32]) {
    SignWs ws;
    WipeOnExit<SignWs> wipe(ws);
    signing_seed(ws.rho2, sk + S::sk_key, rnd, mu);
    for (int j = 0; j < L; ++j) {
      E::unpack_s1(ws.s1[j], sk, j);
      ntt(ws.s1[j]);
    }
    for (int i = 0; i < K; ++i) {
      E::unpack_s2(ws.s2[i], sk, i);
      ntt(ws.s2[i]);
      E::unpack_t0(ws.t0[i], sk, i);
      ntt(ws.t0[i]);
    }
    for (int i = 0; i < K; ++i)
      for (int j = 0; j < L; ++j) rej_ntt_poly(ws.a[i][j], sk + S::sk_rho, j, i);

    for (unsigned attempt = 0; attempt < kMaxSignAttempts; ++attempt) {
      const std::uint16_t kappa = static_cast<std::uint16_t>(attempt * L);
      // y = ExpandMask(rho'', kappa); w = NTT^-1(A o NTT(y)) (steps 11-12)
      for (int j = 0; j < L; ++j) {
        expand_mask_poly<P>(ws.y[j], ws.rho2, static_cast<std::uint16_t>(kappa + j));
        ws.yhat[j] = ws.y[j];
        ntt(ws.yhat[j]);
      }
      for (int i = 0; i < K; ++i) {
        poly_pointwise(ws.w[i], ws.a[i][0], ws.yhat[0]);
        for (int j = 1; j < L; ++j) poly_pointwise_acc(ws.w[i], ws.a[i][j], ws.yhat[j]);
        poly_reduce(ws.w[i]);
        invntt_tomont(ws.w[i]);
        poly_freeze(ws.w[i]);
        // w1 = HighBits(w) (step 13), encoded for the challenge hash
        for (int n = 0; n < N; ++n) ws.tmp.c[n] = highbits<P::gamma2>(ws.w[i].c[n]);
        E::pack_w1(ws.w1 + i * S::poly_w1, ws.tmp);
      }
      // c~ = H(mu || w1Encode(w1), lambda/4) (step 15), written straight into the signature
      {
        hash::Shake256 h;
        h.absorb(mu, 64);
        h.absorb(ws.w1, S::w1_bytes);
        h.squeeze(sig, P::ctilde_bytes);
      }
      sample_in_ball<P::tau>(ws.c, sig, P::ctilde_bytes);  // step 16
      challenge_to_poly(ws.chat, ws.c);
      ntt(ws.chat);
      // z = y + c s1 (steps 18, 20), rejected if ||z|| >= gamma1 - beta (step 23)
      std::uint32_t bad = 0;
      for (int j = 0; j < L; ++j) {
        poly_pointwise(ws.tmp, ws.chat, ws.s1[j]);
        invntt_tomont(ws.tmp);
        for (int n = 0; n < N; ++n) ws.yhat[j].c[n] = reduce32(ws.y[j].c[n] + ws.tmp.c[n]);
        bad |= poly_exceeds(ws.yhat[j], P::gamma1 - P::beta);
      }
      if (ct::declassify_value(bad, "candidate rejected (||z|| bound); rejected candidates are discarded")) continue;
      // r0 = LowBits(w - c s2), c t0, hints (steps 19, 21, 25-28)
      std::uint8_t* hfield = sig + S::sig_h;
      for (int b = 0; b < P::omega + K; ++b) hfield[b] = 0;
      std::uint32_t index = 0;
      for (int i = 0; i < K; ++i) {
        poly_pointwise(ws.tmp, ws.chat, ws.s2[i]);
        invntt_tomont(ws.tmp);
        for (int n = 0; n < N; ++n) ws.tmp.c[n] = freeze(ws.w[i].c[n] - reduce32(ws.tmp.c[n]));
        poly_pointwise(ws.tmp2, ws.chat, ws.t0[i]);
        invntt_tomont(ws.tmp2);
        poly_reduce(ws.tmp2);
        HintRow h;
        bad |= row_check_and_hints<P>(ws.tmp, ws.tmp2, h);
        hint_pack_row<P::omega>(hfield, i, h, index);
        secure_wipe(&h, sizeof h);
      }
      bad |= ct::mask_lt(static_cast<std::uint32_t>(P::omega), index);  // more than omega hints (step 28)
      if (ct::declassify_value(bad, "candidate rejected (r0, c t0 or hint count); rejected candidates are discarded"))
        continue;
      for (int j = 0; j < L; ++j) E::pack_z(sig, j, ws.yhat[j]);  // sigEncode (step 33)
      return true;
    }
    return false;
  }

  // Where Verify_internal gets NTT(A) and NTT(t1 * 2^d): expanded from the encoded key on the fly
  // (Alg. 8 steps 5 and 9, one polynomial at a time in the scratch), or read from a prepared key.
  struct EncodedKeyRows {
    const std::uint8_t* pk;
    const Poly& a(int i, int j, Poly& scratch) const {
      rej_ntt_poly(scratch, pk, j, i);
      return scratch;
    }
    const Poly& t1hat(int i, Poly& scratch) const {
      E::unpack_t1(scratch, pk, i);
      for (int n = 0; n < N; ++n) scratch.c[n] <<= kD;
      ntt(scratch);
      return scratch;
    }
  };
  struct PreparedRows {
    const Poly* polys;  // A-hat row-major, then the k rows of NTT(t1 * 2^d)
    const Poly& a(int i, int j, Poly&) const { return polys[i * L + j]; }
    const Poly& t1hat(int i, Poly&) const { return polys[K * L + i]; }
  };

  // Fills a prepared key's polynomials (PreparedPublicKey layout) from an encoded key.
  static void prepare(Poly* polys, const std::uint8_t* pk) {
    const EncodedKeyRows rows{pk};
    for (int i = 0; i < K; ++i) {
      for (int j = 0; j < L; ++j) (void)rows.a(i, j, polys[i * L + j]);
      (void)rows.t1hat(i, polys[K * L + i]);
    }
  }

  // Verify_internal (Alg. 8) from mu, for a public key and signature of the right length.
  static bool verify_mu(const std::uint8_t* pk, const std::uint8_t mu[64], const std::uint8_t* sig) {
    return verify_mu_rows(EncodedKeyRows{pk}, mu, sig);
  }
  static bool verify_mu_prepared(const Poly* polys, const std::uint8_t mu[64], const std::uint8_t* sig) {
    return verify_mu_rows(PreparedRows{polys}, mu, sig);
  }

  template <class Rows>
  static bool verify_mu_rows(const Rows& rows, const std::uint8_t mu[64], const std::uint8_t* sig) {
    VerifyWs ws;
    const std::uint8_t* hfield = sig + S::sig_h;
    if (!hint_valid<K, P::omega>(hfield)) return false;  // sigDecode returned bottom (step 2-4)
    for (int j = 0; j < L; ++j) {
      E::unpack_z(ws.zhat[j], sig, j);
      if (poly_exceeds(ws.zhat[j], P::gamma1 - P::beta)) return false;  // step 13
      ntt(ws.zhat[j]);
    }
    sample_in_ball<P::tau>(ws.c, sig, P::ctilde_bytes);
    challenge_to_poly(ws.chat, ws.c);
    ntt(ws.chat);
    hash::Shake256 h;
    h.absorb(mu, 64);
    for (int i = 0; i < K; ++i) {
      // w'_approx = NTT^-1(A o NTT(z) - NTT(c) o NTT(t1 2^d)) (step 9)
      poly_pointwise(ws.acc, ws.chat, rows.t1hat(i, ws.tmp));
      for (int n = 0; n < N; ++n) ws.acc.c[n] = -ws.acc.c[n];
      for (int j = 0; j < L; ++j) poly_pointwise_acc(ws.acc, rows.a(i, j, ws.tmp), ws.zhat[j]);
      poly_reduce(ws.acc);
      invntt_tomont(ws.acc);
      // w1' = UseHint(h, w'_approx) (step 10)
      hint_row<K, P::omega>(ws.h, hfield, i);
      for (int n = 0; n < N; ++n)
        ws.tmp.c[n] = use_hint<P::gamma2>(freeze(ws.acc.c[n]), ((ws.h.bits[n / 64] >> (n % 64)) & 1u) != 0);
      E::pack_w1(ws.w1, ws.tmp);
      h.absorb(ws.w1, S::poly_w1);
    }
    std::uint8_t ct2[P::ctilde_bytes];
    h.squeeze(ct2, P::ctilde_bytes);  // c~' = H(mu || w1Encode(w1'), lambda/4) (step 12)
    return ct::equal(ct2, sig, P::ctilde_bytes);
  }
};

}  // namespace pqcea::mldsa::detail
