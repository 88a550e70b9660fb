// Sampling (FIPS 204 §7.3): RejNTTPoly / ExpandA, RejBoundedPoly / ExpandS, ExpandMask and
// SampleInBall, plus a small SHAKE reader that reads squeezed bytes straight from the Keccak lanes
// (no block buffer; the low-memory mode streams A one coefficient at a time).
//
// Constant time: rho is public (it is printed in the public key), so RejNTTPoly may branch on its
// stream. The ExpandS stream (from rho') and c~ (from the secret y) are secret: RejBoundedPoly and
// SampleInBall below process a fixed window of stream bytes with masks only; whether the window
// was too short (probability < 2^-140 resp. 2^-100, see the functions) is the one bit they reveal.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>

#include "pqcea/core/ct.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/hash/keccak.hpp"
#include "packing.hpp"
#include "poly.hpp"

namespace pqcea::mldsa::detail {

// SHAKE128 (Rate 168) or SHAKE256 (Rate 136) over one short input (< Rate bytes), squeezed
// byte-wise or block-wise. Wipes its state on destruction.
template <unsigned Rate>
class Xof {
 public:
  Xof() = default;
  Xof(const Xof&) = delete;
  Xof& operator=(const Xof&) = delete;
  ~Xof() { secure_wipe(s_, sizeof s_); }

  // Absorbs a || b (total < Rate) and pads (FIPS 202 SHAKE: 1111 then pad10*1).
  void init(const std::uint8_t* a, std::size_t na, const std::uint8_t* b = nullptr, std::size_t nb = 0) {
    for (auto& x : s_) x = 0;
    std::size_t pos = 0;
    for (std::size_t i = 0; i < na; ++i, ++pos) s_[pos / 8] ^= static_cast<std::uint64_t>(a[i]) << (8 * (pos % 8));
    for (std::size_t i = 0; i < nb; ++i, ++pos) s_[pos / 8] ^= static_cast<std::uint64_t>(b[i]) << (8 * (pos % 8));
    s_[pos / 8] ^= std::uint64_t{0x1F} << (8 * (pos % 8));
    s_[(Rate - 1) / 8] ^= std::uint64_t{0x80} << (8 * ((Rate - 1) % 8));
    hash::keccak_f1600(s_);
    pos_ = 0;
  }
  std::uint8_t byte() {
    if (pos_ == Rate) {
      hash::keccak_f1600(s_);
      pos_ = 0;
    }
    return bytes()[pos_++];
  }
  // Three bytes as a little-endian integer; Rate is a multiple of 3 for SHAKE128 (168 = 56 x 3),
  // so a caller reading only triples never straddles a block.
  std::uint32_t triple() {
    if (pos_ + 3 > Rate) {
      hash::keccak_f1600(s_);
      pos_ = 0;
    }
    const std::uint8_t* b = bytes() + pos_;
    pos_ += 3;
    return std::uint32_t{b[0]} | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16);
  }
  void squeeze(std::uint8_t* out, std::size_t n) {
    while (n > 0) {
      if (pos_ == Rate) {
        hash::keccak_f1600(s_);
        pos_ = 0;
      }
      if (pos_ % 8 == 0 && n >= 8 && pos_ + 8 <= Rate) {
        const std::uint64_t lane = s_[pos_ / 8];
        for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(lane >> (8 * i));
        out += 8;
        n -= 8;
        pos_ += 8;
        continue;
      }
      *out++ = bytes()[pos_++];
      --n;
    }
  }
  // The current block (valid right after init or next_block), and moving to the next one.
  const std::uint64_t* lanes() const { return s_; }
  void next_block() {
    hash::keccak_f1600(s_);
    pos_ = 0;
  }

 private:
  // The state's bytes in sponge order: lane i holds bytes 8i..8i+7 little-endian (FIPS 202 §3.1),
  // which is the memory order on a little-endian machine.
  const std::uint8_t* bytes() const { return reinterpret_cast<const std::uint8_t*>(s_); }
  static_assert(std::endian::native == std::endian::little, "Xof reads the Keccak lanes as bytes");
  std::uint64_t s_[25];
  unsigned pos_ = 0;
};
using Shake128Xof = Xof<168>;
using Shake256Xof = Xof<136>;

// CoeffFromThreeBytes (Alg. 14) on 3 little-endian bytes: the candidate, or a value >= q.
inline std::uint32_t three_bytes(std::uint8_t b0, std::uint8_t b1, std::uint8_t b2) {
  return (std::uint32_t{b0} | (std::uint32_t{b1} << 8) | (std::uint32_t{b2} << 16)) & 0x7FFFFFu;
}

// RejNTTPoly (Alg. 30) seeded with rho || s || r (ExpandA, Alg. 32 step 3): entry A[r][s],
// coefficients in [0, q). rho is public.
void rej_ntt_poly(Poly& a, const std::uint8_t rho[32], int s, int r);

// A[r][s] one coefficient at a time, for the low-memory mode (no polynomial buffer).
class UniformStream {
 public:
  UniformStream(const std::uint8_t rho[32], int s, int r) {
    const std::uint8_t idx[2] = {static_cast<std::uint8_t>(s), static_cast<std::uint8_t>(r)};
    xof_.init(rho, 32, idx, 2);
  }
  std::int32_t next() {
    for (;;) {
      const std::uint32_t v = xof_.triple() & 0x7FFFFFu;  // CoeffFromThreeBytes (Alg. 14)
      if (v < static_cast<std::uint32_t>(Q)) return static_cast<std::int32_t>(v);  // rho is public
    }
  }

 private:
  Shake128Xof xof_;
};

// RejBoundedPoly (Alg. 31) seeded with rho' || IntegerToBytes(r, 2) (ExpandS, Alg. 33),
// coefficients in [-eta, eta], constant time in the (secret) stream. Returns false only if the
// fixed window held fewer than 256 accepted half-bytes (then the caller's fallback is exact but
// variable-time; the probability is below 2^-140).
template <int Eta>
bool rej_bounded_poly(Poly& a, const std::uint8_t rho_prime[64], std::uint16_t r);

// ExpandMask row (Alg. 34 steps 3-5): the 32 (1 + bitlen(gamma1 - 1)) bytes of
// H(rho'' || IntegerToBytes(kappa, 2)), which are already BitPack(y, gamma1 - 1, gamma1).
template <class P>
inline void expand_mask_bytes(std::uint8_t* out, const std::uint8_t rho2[64], std::uint16_t kappa) {
  const std::uint8_t n[2] = {static_cast<std::uint8_t>(kappa), static_cast<std::uint8_t>(kappa >> 8)};
  Shake256Xof xof;
  xof.init(rho2, 64, n, 2);
  xof.squeeze(out, 32 * P::z_bits);
}
template <class P>
inline void expand_mask_poly(Poly& y, const std::uint8_t rho2[64], std::uint16_t kappa) {
  std::uint8_t buf[32 * P::z_bits];
  expand_mask_bytes<P>(buf, rho2, kappa);
  unpack_signed<P::z_bits, P::gamma1>(y, buf);  // BitUnpack(v, gamma1 - 1, gamma1), Alg. 34 step 5
  secure_wipe(buf, sizeof buf);
}

// SampleInBall (Alg. 29) in a compact form: bit j of nz is set iff c_j != 0, bit j of neg iff
// c_j = -1. Constant time in c~ (see the .cpp for the window argument).
struct Challenge {
  std::uint64_t nz[4];
  std::uint64_t neg[4];
};
template <int Tau>
void sample_in_ball(Challenge& c, const std::uint8_t* ctilde, std::size_t ctilde_len);
void challenge_to_poly(Poly& p, const Challenge& c);

}  // namespace pqcea::mldsa::detail
