// Hints: MakeHint rows in constant time, HintBitPack (FIPS 204 Alg. 20) one row at a time in
// constant time, and HintBitUnpack (Alg. 21) with every malformation rejected.
#pragma once
#include <cstdint>

#include "pqcea/core/ct.hpp"
#include "pqcea/core/secret.hpp"
#include "poly.hpp"

namespace pqcea::mldsa::detail {

// A row of 256 hint bits.
struct HintRow {
  std::uint64_t bits[4];
};

inline std::uint32_t popcount64(std::uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<std::uint32_t>((x * 0x0101010101010101ULL) >> 56);
}
inline std::uint32_t hint_count(const HintRow& h) {
  return popcount64(h.bits[0]) + popcount64(h.bits[1]) + popcount64(h.bits[2]) + popcount64(h.bits[3]);
}

// Appends row i's hint positions to the signature's hint field y (omega + k bytes, zeroed by the
// caller before row 0): HintBitPack (Alg. 20) steps 3-8 for one row. `index` is the running
// count (secret until the signature is accepted). The positions are compacted to the front with
// a log-depth shift network (as in RejBoundedPoly) and moved to `index` with a barrel shifter, so
// no address depends on the hint bits. Positions beyond omega are dropped: such a candidate has
// more than omega hints and is rejected by the caller.
template <int Omega>
inline void hint_pack_row(std::uint8_t* y, int row, const HintRow& h, std::uint32_t& index) {
  // 32-bit lanes: bits 0-7 position, bit 8 present, bits 9-16 d = absent positions before it.
  constexpr int kWords = N / 2;
  std::uint64_t w[kWords];
  std::uint32_t d = 0;
  for (int wi = 0; wi < kWords; ++wi) {
    std::uint64_t word = 0;
    for (int t = 0; t < 2; ++t) {
      const std::uint32_t p = static_cast<std::uint32_t>(2 * wi + t);
      const std::uint32_t bit = static_cast<std::uint32_t>(h.bits[p / 64] >> (p % 64)) & 1u;
      const std::uint32_t lane = (p | 0x100u | (d << 9)) & (0u - bit);
      d += 1u - bit;
      word |= static_cast<std::uint64_t>(lane) << (32 * t);
    }
    w[wi] = word;
  }
  auto move_mask = [](std::uint64_t x, int s) {
    return ((x >> (9 + s)) & 0x0000000100000001ULL) * 0xFFFFFFFFULL;
  };
  for (int s = 0; s < 8; ++s) {
    if (s == 0) {
      for (int wi = 0; wi < kWords; ++wi) {
        const std::uint64_t cur = w[wi];
        const std::uint64_t nxt = wi + 1 < kWords ? w[wi + 1] : 0;
        const std::uint64_t mc = move_mask(cur, 0), mn = move_mask(nxt, 0);
        w[wi] = (cur & ~mc) | ((cur & mc) >> 32) | ((nxt & mn) << 32);
      }
    } else {
      const int off = 1 << (s - 1);
      for (int wi = 0; wi < kWords; ++wi) {
        const std::uint64_t src = wi + off < kWords ? w[wi + off] : 0;
        const std::uint64_t cur = w[wi];
        w[wi] = (cur & ~move_mask(cur, s)) | (src & move_mask(src, s));
      }
    }
  }
  std::uint8_t t[Omega];
  for (int i = 0; i < Omega; ++i) t[i] = static_cast<std::uint8_t>(w[i / 2] >> (32 * (i % 2)));
  // Barrel shift right by index (12 bits cover k * 256).
  for (int s = 0; s < 12; ++s) {
    const int m = 1 << s;
    const std::uint8_t sel = static_cast<std::uint8_t>(0u - ((index >> s) & 1u));
    for (int i = Omega - 1; i >= 0; --i) {
      const std::uint8_t src = i >= m ? t[i - m] : 0;
      t[i] = ct::select8(sel, src, t[i]);
    }
  }
  for (int i = 0; i < Omega; ++i) y[i] |= t[i];
  index += N - d;
  y[Omega + row] = static_cast<std::uint8_t>(index);
  secure_wipe(w, sizeof w);
  secure_wipe(t, sizeof t);
}

// HintBitUnpack (Alg. 21) validation: the k counts are non-decreasing and at most omega, the
// positions inside each row strictly increase, and the unused tail is zero. Public data.
template <int K, int Omega>
inline bool hint_valid(const std::uint8_t* y) {
  int index = 0;
  for (int i = 0; i < K; ++i) {
    const int end = y[Omega + i];
    if (end < index || end > Omega) return false;  // step 4
    const int first = index;
    for (; index < end; ++index) {
      if (index > first && y[index - 1] >= y[index]) return false;  // step 7
    }
  }
  for (int i = index; i < Omega; ++i) {
    if (y[i] != 0) return false;  // step 13
  }
  return true;
}
// Row i of a validated hint field.
template <int K, int Omega>
inline void hint_row(HintRow& h, const std::uint8_t* y, int i) {
  for (auto& b : h.bits) b = 0;
  const int start = i == 0 ? 0 : y[Omega + i - 1];
  const int end = y[Omega + i];
  for (int t = start; t < end; ++t) h.bits[y[t] / 64] |= std::uint64_t{1} << (y[t] % 64);
}

}  // namespace pqcea::mldsa::detail
