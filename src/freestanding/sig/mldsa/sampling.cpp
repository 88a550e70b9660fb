// Sampling (FIPS 204 §7.3). See sampling.hpp for the constant-time contract.
#include "sampling.hpp"

#include "pqcea/core/bytes.hpp"

namespace pqcea::mldsa::detail {

void rej_ntt_poly(Poly& a, const std::uint8_t rho[32], int s, int r) {
  // Alg. 30 with Alg. 32 step 3's seed rho || IntegerToBytes(s, 1) || IntegerToBytes(r, 1).
  // A block of 168 bytes holds exactly 56 candidates, so no candidate straddles two blocks.
  const std::uint8_t idx[2] = {static_cast<std::uint8_t>(s), static_cast<std::uint8_t>(r)};
  Shake128Xof xof;
  xof.init(rho, 32, idx, 2);
  int j = 0;
  for (;;) {
    const std::uint64_t* lanes = xof.lanes();
    // Three lanes are 24 bytes = 8 candidates.
    for (int g = 0; g < 7; ++g) {
      const std::uint64_t l0 = lanes[3 * g], l1 = lanes[3 * g + 1], l2 = lanes[3 * g + 2];
      const std::uint32_t cand[8] = {
          static_cast<std::uint32_t>(l0) & 0x7FFFFF,
          static_cast<std::uint32_t>(l0 >> 24) & 0x7FFFFF,
          static_cast<std::uint32_t>((l0 >> 48) | (l1 << 16)) & 0x7FFFFF,
          static_cast<std::uint32_t>(l1 >> 8) & 0x7FFFFF,
          static_cast<std::uint32_t>(l1 >> 32) & 0x7FFFFF,
          static_cast<std::uint32_t>((l1 >> 56) | (l2 << 8)) & 0x7FFFFF,
          static_cast<std::uint32_t>(l2 >> 16) & 0x7FFFFF,
          static_cast<std::uint32_t>(l2 >> 40) & 0x7FFFFF,
      };
      for (int t = 0; t < 8; ++t) {
        if (cand[t] < static_cast<std::uint32_t>(Q)) {  // rho is public: branching is fine
          a.c[j++] = static_cast<std::int32_t>(cand[t]);
          if (j == N) return;
        }
      }
    }
    xof.next_block();
  }
}

namespace {

// Lane mask of the 16-bit lanes of x whose shift amount (bits 5.. of the lane) has bit s set.
inline std::uint64_t move_mask(std::uint64_t x, int s) {
  return ((x >> (5 + s)) & 0x0001000100010001ULL) * 0xFFFFULL;
}

// Variable-time reference RejBoundedPoly, only for the negligible window overflow.
template <int Eta>
void rej_bounded_vartime(Poly& a, const std::uint8_t rho_prime[64], std::uint16_t r) {
  const std::uint8_t n[2] = {static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(r >> 8)};
  Shake256Xof xof;
  xof.init(rho_prime, 64, n, 2);
  int j = 0;
  while (j < N) {
    const std::uint8_t z = xof.byte();
    const int h[2] = {z & 15, z >> 4};
    for (int t = 0; t < 2 && j < N; ++t) {
      if (Eta == 2 && h[t] < 15) a.c[j++] = 2 - (h[t] % 5);
      if (Eta == 4 && h[t] < 9) a.c[j++] = 4 - h[t];
    }
  }
}

}  // namespace

template <int Eta>
bool rej_bounded_poly(Poly& a, const std::uint8_t rho_prime[64], std::uint16_t r) {
  // Alg. 31 over a fixed window of half-bytes, accepted ones compacted to the front by a
  // log-depth shift network: every candidate carries d = the number of rejected candidates
  // before it, and stage s moves it down by 2^s if bit s of d is set. Moves never collide and
  // keep the order (positions n - (d mod 2^(s+1)) stay strictly increasing), so after the
  // stages the first 256 accepted candidates sit at positions 0..255.
  // Window: 2 (eta 2) or 3 (eta 4) SHAKE256 blocks; fewer than 256 accepted half-bytes has
  // probability < 2^-642 resp. 2^-154.
  constexpr int kBytes = (Eta == 2 ? 2 : 3) * 136;
  constexpr int kLanes = 2 * kBytes;
  constexpr int kWords = kLanes / 4;
  constexpr int kStages = Eta == 2 ? 9 : 10;  // 2^kStages > kLanes - 256 >= the relevant shifts
  static_assert((1 << kStages) > kLanes - N && (1 << (kStages - 1)) <= kLanes - N);
  static_assert(kLanes < (1 << 11), "d must fit the lane's 11 bits");

  std::uint8_t buf[kBytes];
  std::uint64_t w[kWords];
  {
    const std::uint8_t n[2] = {static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(r >> 8)};
    Shake256Xof xof;
    xof.init(rho_prime, 64, n, 2);
    xof.squeeze(buf, kBytes);
  }
  std::uint32_t d = 0;
  for (int wi = 0; wi < kWords; ++wi) {
    std::uint64_t word = 0;
    for (int t = 0; t < 4; ++t) {
      const int i = 4 * wi + t;
      const std::uint32_t b = (buf[i / 2] >> (4 * (i & 1))) & 15u;
      // ok = 1 iff the half-byte is accepted (Alg. 15: b < 15 for eta 2, b < 9 for eta 4).
      const std::uint32_t ok = ct::value_barrier((b - (Eta == 2 ? 15u : 9u)) >> 31);
      // The code stored is b mod 5 (eta 2) or b; the coefficient is eta - code.
      const std::uint32_t code = Eta == 2 ? b - 5u * ((b * 205u) >> 10) : b;
      const std::uint32_t lane = (code | 16u | (d << 5)) & (0u - ok);
      d += 1u - ok;
      word |= static_cast<std::uint64_t>(lane) << (16 * t);
    }
    w[wi] = word;
  }
  for (int s = 0; s < kStages; ++s) {
    if (s < 2) {
      const int sh = 16 << s;  // one or two lanes within a word
      for (int wi = 0; wi < kWords; ++wi) {
        const std::uint64_t cur = w[wi];
        const std::uint64_t nxt = wi + 1 < kWords ? w[wi + 1] : 0;
        const std::uint64_t mc = move_mask(cur, s), mn = move_mask(nxt, s);
        w[wi] = (cur & ~mc) | ((cur & mc) >> sh) | ((nxt & mn) << (64 - sh));
      }
    } else {
      const int off = 1 << (s - 2);  // whole words
      for (int wi = 0; wi < kWords; ++wi) {
        const std::uint64_t src = wi + off < kWords ? w[wi + off] : 0;
        const std::uint64_t cur = w[wi];
        w[wi] = (cur & ~move_mask(cur, s)) | (src & move_mask(src, s));
      }
    }
  }
  for (int i = 0; i < N; ++i) {
    const std::uint32_t lane = static_cast<std::uint32_t>(w[i / 4] >> (16 * (i % 4)));
    a.c[i] = Eta - static_cast<std::int32_t>(lane & 15u);
  }
  // The window held enough accepted half-bytes iff at most kLanes - 256 were rejected.
  const std::uint32_t short_window = ct::mask_lt(static_cast<std::uint32_t>(kLanes - N), d);
  secure_wipe(buf, sizeof buf);
  secure_wipe(w, sizeof w);
  if (ct::declassify_value(short_window, "RejBoundedPoly window overflow: probability < 2^-154, reveals one bit of "
                                         "the sampler stream and nothing about the sampled coefficients") != 0) {
    rej_bounded_vartime<Eta>(a, rho_prime, r);
    return false;
  }
  return true;
}
template bool rej_bounded_poly<2>(Poly&, const std::uint8_t*, std::uint16_t);
template bool rej_bounded_poly<4>(Poly&, const std::uint8_t*, std::uint16_t);

void challenge_to_poly(Poly& p, const Challenge& c) {
  for (int i = 0; i < N; ++i) {
    const std::int32_t nz = static_cast<std::int32_t>((c.nz[i / 64] >> (i % 64)) & 1u);
    const std::int32_t ng = static_cast<std::int32_t>((c.neg[i / 64] >> (i % 64)) & 1u);
    p.c[i] = nz - 2 * (nz & ng);
  }
}

template <int Tau>
void sample_in_ball(Challenge& c, const std::uint8_t* ctilde, std::size_t ctilde_len) {
  // Alg. 29 over a fixed window of 264 stream bytes (8 sign bytes, then 128 + 136 index bytes),
  // with c kept as two 256-bit masks so that "c_i = c_j; c_j = +-1" at a secret j is a masked
  // update of four words. i runs over 256 - tau .. 255, always inside word 3 (tau <= 64).
  // The window is short with probability < 2^-364 (tau 60); then the rest is sampled in
  // variable time from the same stream.
  static_assert(Tau <= 64);
  constexpr int kWindow = 2 * 136;
  Shake256Xof xof;
  xof.init(ctilde, ctilde_len);
  std::uint64_t signs = 0;
  for (int b = 0; b < 8; ++b) signs |= static_cast<std::uint64_t>(xof.byte()) << (8 * b);
  for (int w = 0; w < 4; ++w) c.nz[w] = c.neg[w] = 0;
  std::uint32_t i = N - Tau;
  for (int p = 8; p < kWindow; ++p) {
    const std::uint32_t j = xof.byte();
    // take = all ones iff i < 256 (still sampling) and j <= i (Alg. 29 step 6)
    const std::uint32_t take32 = ct::mask_lt(i, N) & ~ct::mask_lt(i, j);
    const std::uint64_t take = static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(take32)));
    const std::uint32_t jw = j >> 6, jb = j & 63u;
    std::uint64_t nzj = 0, ngj = 0;
    for (std::uint32_t w = 0; w < 4; ++w) {
      const std::uint64_t sel = ct::mask_nonzero64(static_cast<std::uint64_t>(w ^ jw)) ^ ~std::uint64_t{0};
      nzj |= sel & (c.nz[w] >> jb);
      ngj |= sel & (c.neg[w] >> jb);
    }
    nzj &= 1u;
    ngj &= 1u;
    // c_i = c_j (step 8)
    const std::uint32_t ib = (i - 192u) & 63u;
    const std::uint64_t bit_i = (std::uint64_t{1} << ib) & take;
    c.nz[3] = (c.nz[3] & ~bit_i) | ((nzj << ib) & take);
    c.neg[3] = (c.neg[3] & ~bit_i) | ((ngj << ib) & take);
    // c_j = (-1)^h[i + tau - 256] (step 9)
    const std::uint64_t sgn = (signs >> ((i + Tau - N) & 63u)) & 1u;
    for (std::uint32_t w = 0; w < 4; ++w) {
      const std::uint64_t sel = (ct::mask_nonzero64(static_cast<std::uint64_t>(w ^ jw)) ^ ~std::uint64_t{0}) & take;
      const std::uint64_t bit_j = (std::uint64_t{1} << jb) & sel;
      c.nz[w] |= bit_j;
      c.neg[w] = (c.neg[w] & ~bit_j) | ((sgn << jb) & sel);
    }
    i += take32 & 1u;
  }
  if (ct::declassify_value(static_cast<std::uint32_t>(i != N), "SampleInBall window overflow: probability < "
                                                                 "2^-364, one bit about c~, nothing about the key")) {
    for (; i < static_cast<std::uint32_t>(N); ++i) {
      std::uint32_t j;
      do {
        j = xof.byte();
      } while (j > i);
      const std::uint64_t nzj = (c.nz[j / 64] >> (j % 64)) & 1u, ngj = (c.neg[j / 64] >> (j % 64)) & 1u;
      const std::uint32_t ib = i - 192u;
      c.nz[3] = (c.nz[3] & ~(std::uint64_t{1} << ib)) | (nzj << ib);
      c.neg[3] = (c.neg[3] & ~(std::uint64_t{1} << ib)) | (ngj << ib);
      const std::uint64_t sgn = (signs >> (i + Tau - N)) & 1u;
      c.nz[j / 64] |= std::uint64_t{1} << (j % 64);
      c.neg[j / 64] = (c.neg[j / 64] & ~(std::uint64_t{1} << (j % 64))) | (sgn << (j % 64));
    }
  }
}
template void sample_in_ball<39>(Challenge&, const std::uint8_t*, std::size_t);
template void sample_in_ball<49>(Challenge&, const std::uint8_t*, std::size_t);
template void sample_in_ball<60>(Challenge&, const std::uint8_t*, std::size_t);

}  // namespace pqcea::mldsa::detail
