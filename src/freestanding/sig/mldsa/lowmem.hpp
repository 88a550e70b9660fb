// Low-memory ML-DSA for devices (after Bos, Renes, Sprenkels, "Dilithium for memory constrained
// devices", AFRICACRYPT 2022). Same results as the fast mode; what changes is where things live:
//  - A is never stored: each entry A[i][j] is streamed from SHAKE128(rho || j || i) one
//    coefficient at a time straight into a multiply-accumulate (UniformStream);
//  - s1, s2, t0 stay packed in the caller's private key and are unpacked one polynomial at a time;
//  - signing computes w = A y column by column into k accumulators packed at 24 bits per
//    coefficient; most of them live in the signature buffer's z field (dead until z is known),
//    the rest on the stack. The same slots then hold w, and later w - c s2;
//  - y is not kept: the z pass regenerates y_j from rho'' into the signature's z slot;
//  - verification computes one row of A z - c t1 2^d at a time, recomputing NTT(z_j) per row and
//    multiplying c t1 sparsely (c is public there).
#pragma once
#include <cstdint>

#include "scheme.hpp"

namespace pqcea::mldsa::detail {

template <class P>
struct Low {
  using S = Sizes<P>;
  using E = Enc<P>;
  static constexpr int K = P::k, L = P::l;
  static constexpr std::size_t kRowBytes = 3 * N;  // a row of w, 24 bits per coefficient
  static constexpr int kRowsInSig = static_cast<int>((L * S::poly_z) / kRowBytes);
  static constexpr int kRowsOnStack = K > kRowsInSig ? K - kRowsInSig : 0;

  struct KeygenWs {
    std::uint8_t seeds[128];
    Poly acc, tmp;
    std::uint8_t t1[S::poly_t1];
  };
  struct SignWs {
    std::uint8_t rows[kRowsOnStack > 0 ? kRowsOnStack * kRowBytes : 1];
    Poly p1, p2;
    Challenge c;
    HintRow h;
    std::uint8_t rho2[64];
    std::uint8_t w1[S::poly_w1];
  };
  struct VerifyWs {
    Poly acc, tmp;
    Challenge c;
    HintRow h;
    std::uint8_t w1[S::poly_w1];
    std::uint8_t ct2[P::ctilde_bytes];
  };

  static_assert(sizeof(KeygenWs) <= Budget<P, Memory::low>::keygen_workspace);
  static_assert(sizeof(SignWs) <= Budget<P, Memory::low>::sign_workspace);
  static_assert(sizeof(VerifyWs) <= Budget<P, Memory::low>::verify_workspace);

  static std::uint8_t* row_ptr(std::uint8_t* sig, SignWs& ws, int i) {
    return i < kRowsInSig ? sig + S::sig_z + i * kRowBytes : ws.rows + (i - kRowsInSig) * kRowBytes;
  }
  static std::int32_t get24(const std::uint8_t* r, int n) {
    return static_cast<std::int32_t>(std::uint32_t{r[3 * n]} | (std::uint32_t{r[3 * n + 1]} << 8) |
                                     (std::uint32_t{r[3 * n + 2]} << 16));
  }
  static void put24(std::uint8_t* r, int n, std::int32_t v) {
    r[3 * n] = static_cast<std::uint8_t>(v);
    r[3 * n + 1] = static_cast<std::uint8_t>(v >> 8);
    r[3 * n + 2] = static_cast<std::uint8_t>(v >> 16);
  }
  // (a + b) mod q for a in [0, q), b in (-q, q), without branches.
  static std::int32_t addmod(std::int32_t a, std::int32_t b) {
    std::int32_t s = a + b;        // (-q, 2q)
    s += (s >> 31) & Q;            // [0, 2q)
    s -= Q;                        // [-q, q)
    return s + ((s >> 31) & Q);    // [0, q)
  }

  // KeyGen_internal (Alg. 6) with two polynomials of workspace. pk may be null (the caller only
  // wants sk, e.g. to sign with a seed); tr is hashed from the t1 rows as they appear.
  static void keygen(std::uint8_t* pk, std::uint8_t* sk, const std::uint8_t xi[32]) {
    KeygenWs ws;
    WipeOnExit<KeygenWs> wipe(ws);
    expand_seed<P>(ws.seeds, xi);
    const std::uint8_t* rho = ws.seeds;
    const std::uint8_t* rho_prime = ws.seeds + 32;
    for (int j = 0; j < L; ++j) {
      sample_s<P>(ws.tmp, rho_prime, j);
      E::pack_s1(sk, j, ws.tmp);
    }
    for (int i = 0; i < K; ++i) {
      sample_s<P>(ws.tmp, rho_prime, L + i);
      E::pack_s2(sk, i, ws.tmp);
    }
    hash::Shake256 trh;
    trh.absorb(rho, 32);
    for (int i = 0; i < K; ++i) {
      for (int n = 0; n < N; ++n) ws.acc.c[n] = 0;
      for (int j = 0; j < L; ++j) {
        E::unpack_s1(ws.tmp, sk, j);
        ntt(ws.tmp);
        UniformStream a(rho, j, i);
        for (int n = 0; n < N; ++n) ws.acc.c[n] += mont_mul(a.next(), ws.tmp.c[n]);
      }
      poly_reduce(ws.acc);
      invntt_tomont(ws.acc);
      E::unpack_s2(ws.tmp, sk, i);
      for (int n = 0; n < N; ++n) {
        std::int32_t t1, t0;
        power2round(freeze(ws.acc.c[n] + ws.tmp.c[n]), t1, t0);
        ws.acc.c[n] = t1;
        ws.tmp.c[n] = t0;
      }
      pack_unsigned<P::t1_bits>(ws.t1, ws.acc);
      trh.absorb(ws.t1, S::poly_t1);
      if (pk != nullptr) {
        for (std::size_t b = 0; b < S::poly_t1; ++b) pk[32 + i * S::poly_t1 + b] = ws.t1[b];
      }
      E::pack_t0(sk, i, ws.tmp);
    }
    for (int b = 0; b < 32; ++b) sk[b] = rho[b];
    if (pk != nullptr)
      for (int b = 0; b < 32; ++b) pk[b] = rho[b];
    for (int b = 0; b < 32; ++b) sk[S::sk_key + b] = ws.seeds[96 + b];
    trh.squeeze(sk + S::sk_tr, 64);
  }

  static bool sign_mu(std::uint8_t* sig, const std::uint8_t* sk, const std::uint8_t mu[64],
                      const std::uint8_t rnd[32]) {
    SignWs ws;
    WipeOnExit<SignWs> wipe(ws);
    signing_seed(ws.rho2, sk + S::sk_key, rnd, mu);
    const std::uint8_t* rho = sk + S::sk_rho;
    bool accepted = false;
    for (unsigned attempt = 0; attempt < kMaxSignAttempts && !accepted; ++attempt) {
      const std::uint16_t kappa = static_cast<std::uint16_t>(attempt * L);
      // w-hat accumulators = 0, then column by column: acc_i += A[i][j] o NTT(y_j) (Alg. 7 step 12)
      for (int i = 0; i < K; ++i) {
        std::uint8_t* r = row_ptr(sig, ws, i);
        for (std::size_t b = 0; b < kRowBytes; ++b) r[b] = 0;
      }
      for (int j = 0; j < L; ++j) {
        expand_mask_poly<P>(ws.p1, ws.rho2, static_cast<std::uint16_t>(kappa + j));  // step 11
        ntt(ws.p1);
        for (int i = 0; i < K; ++i) {
          std::uint8_t* r = row_ptr(sig, ws, i);
          UniformStream a(rho, j, i);
          for (int n = 0; n < N; ++n) put24(r, n, addmod(get24(r, n), mont_mul(a.next(), ws.p1.c[n])));
        }
      }
      // w_i = NTT^-1(acc_i) in [0, q); w1 = HighBits(w) into H(mu || w1Encode(w1)) (steps 12-15)
      hash::Shake256 ch;
      ch.absorb(mu, 64);
      for (int i = 0; i < K; ++i) {
        std::uint8_t* r = row_ptr(sig, ws, i);
        for (int n = 0; n < N; ++n) ws.p1.c[n] = get24(r, n);
        invntt_tomont(ws.p1);
        for (int n = 0; n < N; ++n) {
          const std::int32_t w = freeze(ws.p1.c[n]);
          put24(r, n, w);
          ws.p1.c[n] = highbits<P::gamma2>(w);
        }
        E::pack_w1(ws.w1, ws.p1);
        ch.absorb(ws.w1, S::poly_w1);
      }
      ch.squeeze(sig, P::ctilde_bytes);
      sample_in_ball<P::tau>(ws.c, sig, P::ctilde_bytes);  // step 16
      challenge_to_poly(ws.p1, ws.c);
      ntt(ws.p1);  // p1 = NTT(c) from here on
      // Rows: v = w - c s2, r0 check, c t0 check and hints (steps 19, 21, 25-28)
      std::uint8_t* hfield = sig + S::sig_h;
      for (int b = 0; b < P::omega + K; ++b) hfield[b] = 0;
      std::uint32_t index = 0;
      bool rejected = false;
      for (int i = 0; i < K && !rejected; ++i) {
        std::uint8_t* r = row_ptr(sig, ws, i);
        E::unpack_s2(ws.p2, sk, i);
        ntt(ws.p2);
        poly_pointwise(ws.p2, ws.p1, ws.p2);
        invntt_tomont(ws.p2);
        for (int n = 0; n < N; ++n) put24(r, n, freeze(get24(r, n) - reduce32(ws.p2.c[n])));
        E::unpack_t0(ws.p2, sk, i);
        ntt(ws.p2);
        poly_pointwise(ws.p2, ws.p1, ws.p2);
        invntt_tomont(ws.p2);
        poly_reduce(ws.p2);  // c t0, exact and centred
        std::uint32_t bad = 0;
        for (auto& b : ws.h.bits) b = 0;
        for (int n = 0; n < N; ++n) {
          const std::int32_t v = get24(r, n);
          std::int32_t v1, v0;
          decompose<P::gamma2>(v, v1, v0);
          bad |= exceeds_mask(v0, P::gamma2 - P::beta);
          bad |= exceeds_mask(ws.p2.c[n], P::gamma2);
          const std::int32_t h1 = highbits<P::gamma2>(freeze(v + ws.p2.c[n]));
          ws.h.bits[n / 64] |= static_cast<std::uint64_t>(ct::mask_nonzero(static_cast<std::uint32_t>(h1 ^ v1)) & 1u)
                               << (n % 64);
        }
        rejected = ct::declassify_value(bad, "candidate rejected (r0 or c t0 bound); rejected candidates are discarded") != 0;
        hint_pack_row<P::omega>(hfield, i, ws.h, index);
      }
      if (rejected) continue;
      if (ct::declassify_value(ct::mask_lt(static_cast<std::uint32_t>(P::omega), index),
                               "candidate rejected (more than omega hints); rejected candidates are discarded"))
        continue;
      // z_j = y_j + c s1_j, y_j regenerated into its z slot (steps 11, 18, 20, 23)
      for (int j = 0; j < L && !rejected; ++j) {
        std::uint8_t* zslot = sig + S::sig_z + j * S::poly_z;
        E::unpack_s1(ws.p2, sk, j);
        ntt(ws.p2);
        poly_pointwise(ws.p2, ws.p1, ws.p2);
        invntt_tomont(ws.p2);
        expand_mask_bytes<P>(zslot, ws.rho2, static_cast<std::uint16_t>(kappa + j));
        for (int n = 0; n < N; ++n)
          ws.p2.c[n] = reduce32(P::gamma1 - static_cast<std::int32_t>(unpack_one<P::z_bits>(zslot, n)) + ws.p2.c[n]);
        rejected = ct::declassify_value(poly_exceeds(ws.p2, P::gamma1 - P::beta),
                                        "candidate rejected (||z|| bound); rejected candidates are discarded") != 0;
        E::pack_z(sig, j, ws.p2);
      }
      accepted = !rejected;
    }
    return accepted;
  }

  static bool verify_mu(const std::uint8_t* pk, const std::uint8_t mu[64], const std::uint8_t* sig) {
    VerifyWs ws;
    const std::uint8_t* hfield = sig + S::sig_h;
    if (!hint_valid<K, P::omega>(hfield)) return false;
    for (int j = 0; j < L; ++j) {
      E::unpack_z(ws.tmp, sig, j);
      if (poly_exceeds(ws.tmp, P::gamma1 - P::beta)) return false;
    }
    sample_in_ball<P::tau>(ws.c, sig, P::ctilde_bytes);
    hash::Shake256 h;
    h.absorb(mu, 64);
    for (int i = 0; i < K; ++i) {
      for (int n = 0; n < N; ++n) ws.acc.c[n] = 0;
      for (int j = 0; j < L; ++j) {
        E::unpack_z(ws.tmp, sig, j);
        ntt(ws.tmp);
        UniformStream a(pk, j, i);
        for (int n = 0; n < N; ++n) ws.acc.c[n] += mont_mul(a.next(), ws.tmp.c[n]);
      }
      poly_reduce(ws.acc);
      invntt_tomont(ws.acc);  // A z, row i
      // - c t1 2^d, with c sparse (public here): c x^p t = x^p t with X^256 = -1
      E::unpack_t1(ws.tmp, pk, i);
      for (int w = 0; w < 4; ++w) {
        for (std::uint64_t m = ws.c.nz[w]; m != 0; m &= m - 1) {
          const int p = 64 * w + __builtin_ctzll(m);
          const bool neg = ((ws.c.neg[w] >> (p % 64)) & 1u) != 0;
          for (int n = 0; n < N; ++n) {
            const std::int32_t t = ws.tmp.c[n] << kD;
            const int idx = n + p;
            const bool wrap = idx >= N;
            const std::int32_t term = (neg != wrap) ? -t : t;
            ws.acc.c[wrap ? idx - N : idx] -= term;
          }
        }
        // Keep the sum inside int32 after each word of c (at most 64 terms of < 2^23).
        poly_reduce(ws.acc);
      }
      hint_row<K, P::omega>(ws.h, hfield, i);
      for (int n = 0; n < N; ++n)
        ws.tmp.c[n] = use_hint<P::gamma2>(freeze(ws.acc.c[n]), ((ws.h.bits[n / 64] >> (n % 64)) & 1u) != 0);
      E::pack_w1(ws.w1, ws.tmp);
      h.absorb(ws.w1, S::poly_w1);
    }
    h.squeeze(ws.ct2, P::ctilde_bytes);
    return ct::equal(ws.ct2, sig, P::ctilde_bytes);
  }
};

}  // namespace pqcea::mldsa::detail
