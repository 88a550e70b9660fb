// NTRU equation solver (see ntru_solve.hpp for the method and the constant-time argument).
//
// Representations:
//   * big integers: little-endian arrays of 31-bit words (bit 31 of every word is zero), two's
//     complement over 31 * len bits for signed values;
//   * a polynomial of big integers: coefficient i occupies words [i * len, (i + 1) * len);
//   * RNS: word j of a coefficient holds its residue modulo the j-th small prime; the CRT turns
//     the residues into the binary form in place.
#include "ntru_solve.hpp"

#include "fft.hpp"
#include "fpr.hpp"
#include "pqcea/core/ct.hpp"

namespace pqcea::falcon::ntru {
namespace {

constexpr std::uint32_t kQ = 12289;

// Word lengths per depth (0 = top, n coefficients; depth d has n / 2^d). kSmall[d]: f and g at
// depth d, and the reduced F and G there; kLarge[d]: the unreduced F and G at depth d, before
// Babai reduction. These are the reference implementation's measured sizes with margins
// (Pornin & Prest 2019 §4; the same tables serve n = 512 and 1024), so a key is rejected for
// overflowing them exactly when the reference rejects it.
constexpr std::size_t kSmall[11] = {1, 1, 2, 2, 4, 7, 14, 27, 53, 106, 209};
constexpr std::size_t kLarge[10] = {2, 2, 5, 7, 12, 21, 40, 78, 157, 308};
// Average and standard deviation (bits) of the largest |coefficient| of f, g at each depth: the
// Babai loop's scaling schedule assumes f, g are within 6 deviations of the average.
struct BitLength {
  int avg, std;
};
constexpr BitLength kBitLength[11] = {{4, 0},   {11, 1},  {24, 1},  {50, 1},    {102, 1},  {202, 2},
                                      {401, 4}, {794, 5}, {1577, 8}, {3138, 13}, {6308, 25}};

// Depths up to this one multiply k (f, g) through the NTT; deeper ones (at most 2^(logn - 5)
// coefficients of hundreds of bits) use the schoolbook product, which is then far cheaper.
constexpr unsigned kDepthNtt = 4;

constexpr std::size_t num_primes(unsigned logn) {
  std::size_t m = kSmall[logn];
  for (unsigned d = 0; d < logn; ++d) m = kLarge[d] > m ? kLarge[d] : m;
  return m + 2;  // + 2: the product k * f in the Babai step needs kSmall[d] + 2 primes
}

// ---- arithmetic modulo a small prime (Montgomery, R = 2^32) ---------------------------------

struct SmallPrime {
  std::uint32_t p;    // p = 1 mod 2048, 2^30 < p < 2^31
  std::uint32_t g;    // a primitive 2048-th root of unity mod p
  std::uint32_t s;    // 1 / (p_0 * ... * p_{j-1}) mod p (Garner's constant), plain
  std::uint32_t p0i;  // -1/p mod 2^32
  std::uint32_t r2;   // 2^64 mod p
};

inline std::uint32_t mred(std::uint64_t t, std::uint32_t p, std::uint32_t p0i) {
  const std::uint32_t k = static_cast<std::uint32_t>(t) * p0i;
  const auto r = static_cast<std::uint32_t>((t + static_cast<std::uint64_t>(k) * p) >> 32);
  const std::uint32_t x = r - p;
  return x + (p & (0u - (x >> 31)));
}
inline std::uint32_t mmul(std::uint32_t a, std::uint32_t b, std::uint32_t p, std::uint32_t p0i) {
  return mred(static_cast<std::uint64_t>(a) * b, p, p0i);
}
inline std::uint32_t madd(std::uint32_t a, std::uint32_t b, std::uint32_t p) {
  const std::uint32_t x = a + b - p;
  return x + (p & (0u - (x >> 31)));
}
inline std::uint32_t msub(std::uint32_t a, std::uint32_t b, std::uint32_t p) {
  const std::uint32_t x = a - b;
  return x + (p & (0u - (x >> 31)));
}
// x mod p for |x| < p.
inline std::uint32_t mset(std::int32_t x, std::uint32_t p) {
  const auto v = static_cast<std::uint32_t>(x);
  return v + (p & (0u - (v >> 31)));
}
// Centred representative in (-p/2, p/2], as a 31-bit two's complement word.
inline std::uint32_t mnorm_word(std::uint32_t a, std::uint32_t p) {
  const std::uint32_t over = ct::mask_lt(p >> 1, a);
  return (a - (p & over)) & 0x7FFFFFFFu;
}
// Plain product a * b mod p (one operand converted through R^2).
inline std::uint32_t mmul_plain(std::uint32_t a, std::uint32_t b, const SmallPrime& sp) {
  return mmul(mmul(a, b, sp.p, sp.p0i), sp.r2, sp.p, sp.p0i);
}
std::uint32_t mpow_plain(std::uint32_t a, std::uint32_t e, const SmallPrime& sp) {
  std::uint32_t r = 1, b = a;
  while (e != 0) {  // public exponent
    if (e & 1u) r = mmul_plain(r, b, sp);
    b = mmul_plain(b, b, sp);
    e >>= 1;
  }
  return r;
}

void init_montgomery(SmallPrime& sp) {
  std::uint32_t y = sp.p;  // inverse of p modulo 2^3, doubled in precision by each Newton step
  for (int i = 0; i < 4; ++i) y *= 2u - sp.p * y;
  sp.p0i = 0u - y;
  const std::uint64_t r = (std::uint64_t{1} << 32) % sp.p;  // public modulus: % is fine here
  sp.r2 = static_cast<std::uint32_t>((r * r) % sp.p);
}

// Miller-Rabin with bases 2, 7, 61: deterministic below 4,759,123,141.
bool is_prime(std::uint32_t p) {
  SmallPrime sp{};
  sp.p = p;
  init_montgomery(sp);
  std::uint32_t d = p - 1;
  unsigned r = 0;
  while ((d & 1u) == 0) {
    d >>= 1;
    ++r;
  }
  for (std::uint32_t a : {2u, 7u, 61u}) {
    std::uint32_t x = mpow_plain(a, d, sp);
    if (x == 1 || x == p - 1) continue;
    bool composite = true;
    for (unsigned i = 1; i < r; ++i) {
      x = mmul_plain(x, x, sp);
      if (x == p - 1) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}

// Cheap filter before Miller-Rabin (public values).
bool small_factor_free(std::uint32_t c) {
  for (std::uint32_t q : {3u, 5u, 7u, 11u, 13u, 17u, 19u, 23u, 29u, 31u, 37u, 41u, 43u, 47u})
    if (c % q == 0) return false;
  return true;
}

// The primes below 2^31 that are 1 mod 2048, in decreasing order, with their constants. All
// public; computed per call because the module keeps no static state.
void make_primes(SmallPrime* out, std::size_t count) {
  std::uint32_t cand = (std::uint32_t{1} << 31) + 1;
  for (std::size_t j = 0; j < count; ++j) {
    do {
      cand -= 2048;
    } while (!small_factor_free(cand) || !is_prime(cand));
    SmallPrime& sp = out[j];
    sp.p = cand;
    init_montgomery(sp);
    // x^((p-1)/2048) has order exactly 2048 iff its 1024-th power is -1.
    for (std::uint32_t x = 2;; ++x) {
      const std::uint32_t w = mpow_plain(x, (cand - 1) / 2048, sp);
      if (mpow_plain(w, 1024, sp) == cand - 1) {
        sp.g = w;
        break;
      }
    }
    std::uint32_t prod = 1;
    for (std::size_t i = 0; i < j; ++i) prod = mmul_plain(prod, out[i].p % cand, sp);
    sp.s = mpow_plain(prod, cand - 2, sp);
  }
}

// ---- NTT modulo a small prime ----------------------------------------------------------------
// Negacyclic transform of size n (power of two up to 1024): output i is the value at
// psi^(2 * rev(i) + 1), psi a primitive 2n-th root. Slots 2i and 2i+1 then hold the values at x
// and -x, which is what the field norm N(f)(x^2) = f(x) f(-x) and the lift f(-x) use.

struct NttTables {
  std::uint32_t* gm;   // psi^rev(k) * R mod p, k < n
  std::uint32_t* igm;  // psi^-rev(k) * R mod p
  std::uint32_t ninv_r[11];  // 2^-logn * R mod p for every size up to n
};

unsigned bitrev(unsigned k, unsigned bits) {
  std::uint32_t r = k;  // reverse all 32 bits, then keep the top `bits`
  r = ((r >> 1) & 0x55555555u) | ((r & 0x55555555u) << 1);
  r = ((r >> 2) & 0x33333333u) | ((r & 0x33333333u) << 2);
  r = ((r >> 4) & 0x0F0F0F0Fu) | ((r & 0x0F0F0F0Fu) << 4);
  r = ((r >> 8) & 0x00FF00FFu) | ((r & 0x00FF00FFu) << 8);
  r = (r >> 16) | (r << 16);
  return bits == 0 ? 0 : static_cast<unsigned>(r >> (32 - bits));
}

// Tables for size 2^logn; their first 2^l entries are the tables of size 2^l (reversing k over
// more bits multiplies the exponent by the ratio of the sizes), so one build serves all sizes.
void make_tables(NttTables& t, const SmallPrime& sp, unsigned logn, std::uint32_t* tmp) {
  const std::size_t n = std::size_t{1} << logn;
  const std::uint32_t psi = mpow_plain(sp.g, static_cast<std::uint32_t>(1024 >> logn), sp);
  const std::uint32_t one_r = mmul(1, sp.r2, sp.p, sp.p0i) ;  // R mod p
  const std::uint32_t psi_r = mmul(psi, sp.r2, sp.p, sp.p0i);
  tmp[0] = one_r;
  for (std::size_t e = 1; e < n; ++e) tmp[e] = mmul(tmp[e - 1], psi_r, sp.p, sp.p0i);
  for (std::size_t k = 0; k < n; ++k) {
    const unsigned e = bitrev(static_cast<unsigned>(k), logn);
    t.gm[k] = tmp[e];
    // psi^-e = -psi^(n-e) since psi^n = -1.
    t.igm[k] = e == 0 ? one_r : sp.p - tmp[n - e];
  }
  const std::uint32_t inv2 = (sp.p + 1) >> 1;
  std::uint32_t ni = 1;
  for (unsigned l = 0; l <= 10; ++l) {
    t.ninv_r[l] = mmul(ni, sp.r2, sp.p, sp.p0i);
    ni = mmul_plain(ni, inv2, sp);
  }
}

void ntt(std::uint32_t* a, unsigned logn, const NttTables& t, const SmallPrime& sp) {
  const std::size_t n = std::size_t{1} << logn;
  std::size_t len = n;
  for (std::size_t m = 1; m < n; m <<= 1) {
    len >>= 1;
    for (std::size_t i = 0; i < m; ++i) {
      const std::uint32_t z = t.gm[m + i];
      std::uint32_t* x = a + 2 * i * len;
      for (std::size_t j = 0; j < len; ++j) {
        const std::uint32_t u = x[j], v = mmul(x[j + len], z, sp.p, sp.p0i);
        x[j] = madd(u, v, sp.p);
        x[j + len] = msub(u, v, sp.p);
      }
    }
  }
}

void intt(std::uint32_t* a, unsigned logn, const NttTables& t, const SmallPrime& sp) {
  const std::size_t n = std::size_t{1} << logn;
  std::size_t len = 1;
  for (std::size_t m = n; m > 1; m >>= 1) {
    const std::size_t h = m >> 1;
    for (std::size_t i = 0; i < h; ++i) {
      const std::uint32_t z = t.igm[h + i];
      std::uint32_t* x = a + 2 * i * len;
      for (std::size_t j = 0; j < len; ++j) {
        const std::uint32_t u = x[j], v = x[j + len];
        x[j] = madd(u, v, sp.p);
        x[j + len] = mmul(msub(u, v, sp.p), z, sp.p, sp.p0i);
      }
    }
    len <<= 1;
  }
  const std::uint32_t ni = t.ninv_r[logn];
  for (std::size_t i = 0; i < n; ++i) a[i] = mmul(a[i], ni, sp.p, sp.p0i);
}

// ---- big integers ----------------------------------------------------------------------------

// x mod p for a signed big integer x of len words.
// two31_r = 2^31 R mod p, rx = 2^(31 len) mod p (public constants of p and len, computed once
// per polynomial by the caller).
std::uint32_t zmod_signed(const std::uint32_t* x, std::size_t len, const SmallPrime& sp, std::uint32_t two31_r,
                          std::uint32_t rx) {
  std::uint32_t acc = 0;
  for (std::size_t i = len; i-- > 0;) {
    std::uint32_t w = x[i];
    w -= sp.p & ~ct::mask_lt(w, sp.p);  // w < 2^31 < 2p
    acc = madd(mmul(acc, two31_r, sp.p, sp.p0i), w, sp.p);
  }
  // A negative value was read as x + 2^(31 len).
  const std::uint32_t neg = 0u - (x[len - 1] >> 30);
  return msub(acc, rx & neg, sp.p);
}

// In-place CRT (Garner): `count` coefficients of `len` words, stride `stride`; on input word j is
// the residue mod primes[j], on output the coefficients are signed big integers in (-P/2, P/2].
// tmp: 2 * len words.
void rebuild_crt(std::uint32_t* xs, std::size_t len, std::size_t stride, std::size_t count, const SmallPrime* primes,
                 std::uint32_t* tmp) {
  std::uint32_t* prod = tmp;  // p_0 * ... * p_{j-1}
  for (std::size_t i = 0; i < len; ++i) prod[i] = 0;
  prod[0] = 1;
  for (std::size_t j = 1; j < len; ++j) {
    // prod *= p_{j-1}
    {
      std::uint64_t cc = 0;
      for (std::size_t i = 0; i < j + 1 && i < len; ++i) {
        cc += static_cast<std::uint64_t>(prod[i]) * primes[j - 1].p;
        prod[i] = static_cast<std::uint32_t>(cc) & 0x7FFFFFFFu;
        cc >>= 31;
      }
    }
    const SmallPrime& sp = primes[j];
    const std::uint32_t two31_r = mmul((std::uint32_t{1} << 31) % sp.p, sp.r2, sp.p, sp.p0i);
    const std::uint32_t s_r = mmul(sp.s, sp.r2, sp.p, sp.p0i);
    for (std::size_t c = 0; c < count; ++c) {
      std::uint32_t* x = xs + c * stride;
      // x (words 0..j-1, non-negative) mod p_j
      std::uint32_t acc = 0;
      for (std::size_t i = j; i-- > 0;) {
        std::uint32_t w = x[i];
        w -= sp.p & ~ct::mask_lt(w, sp.p);
        acc = madd(mmul(acc, two31_r, sp.p, sp.p0i), w, sp.p);
      }
      const std::uint32_t t = mmul(msub(x[j], acc, sp.p), s_r, sp.p, sp.p0i);
      // x += t * prod (prod has j + 1 significant words at most; x gets word j).
      x[j] = 0;
      std::uint64_t cc = 0;
      for (std::size_t i = 0; i <= j; ++i) {
        cc += static_cast<std::uint64_t>(prod[i]) * t + x[i];
        x[i] = static_cast<std::uint32_t>(cc) & 0x7FFFFFFFu;
        cc >>= 31;
      }
    }
  }
  // Full product P, then map [0, P) to (-P/2, P/2].
  {
    std::uint64_t cc = 0;
    for (std::size_t i = 0; i < len; ++i) {
      cc += static_cast<std::uint64_t>(prod[i]) * primes[len - 1].p;
      prod[i] = static_cast<std::uint32_t>(cc) & 0x7FFFFFFFu;
      cc >>= 31;
    }
  }
  std::uint32_t* half = tmp + len;  // floor(P / 2)
  for (std::size_t i = 0; i < len; ++i) {
    const std::uint32_t hi = i + 1 < len ? prod[i + 1] : 0;
    half[i] = ((prod[i] >> 1) | (hi << 30)) & 0x7FFFFFFFu;
  }
  for (std::size_t c = 0; c < count; ++c) {
    std::uint32_t* x = xs + c * stride;
    std::uint32_t borrow = 0;  // half - x < 0 <=> x > P/2
    for (std::size_t i = 0; i < len; ++i) {
      const std::uint32_t w = half[i] - x[i] - borrow;
      borrow = w >> 31;
    }
    const std::uint32_t m = 0u - borrow;
    borrow = 0;
    for (std::size_t i = 0; i < len; ++i) {
      const std::uint32_t w = x[i] - (prod[i] & m) - borrow;
      x[i] = w & 0x7FFFFFFFu;
      borrow = w >> 31;
    }
  }
}

// x *= k (x non-negative, len words); returns the carry out (non-zero means overflow).
std::uint32_t zmul_small(std::uint32_t* x, std::size_t len, std::uint32_t k) {
  std::uint64_t cc = 0;
  for (std::size_t i = 0; i < len; ++i) {
    cc += static_cast<std::uint64_t>(x[i]) * k;
    x[i] = static_cast<std::uint32_t>(cc) & 0x7FFFFFFFu;
    cc >>= 31;
  }
  return static_cast<std::uint32_t>(cc);
}

// x -= y * 2^(31 sch + scl) (signed x of xlen words, signed y of ylen words, y sign-extended).
void zsub_scaled(std::uint32_t* x, std::size_t xlen, const std::uint32_t* y, std::size_t ylen, std::size_t sch,
                 unsigned scl) {
  if (ylen == 0 || sch >= xlen) return;
  const std::uint32_t ext = (0u - (y[ylen - 1] >> 30)) & 0x7FFFFFFFu;
  std::uint32_t prev = 0, borrow = 0;
  for (std::size_t u = sch; u < xlen; ++u) {
    const std::size_t v = u - sch;
    const std::uint32_t cur = v < ylen ? y[v] : ext;
    // Shift by scl over the word boundary (scl = 0: prev >> 31 is 0 for 31-bit words).
    const std::uint32_t wy = scl == 0 ? cur : (((cur << scl) | (prev >> (31 - scl))) & 0x7FFFFFFFu);
    prev = cur;
    const std::uint32_t w = x[u] - wy - borrow;
    x[u] = w & 0x7FFFFFFFu;
    borrow = w >> 31;
  }
}

// x += k * y * 2^(31 sch + scl) (signed x of xlen words, signed y of ylen words sign-extended,
// signed k). Word-serial multiply-accumulate with a signed carry: the result is exact modulo
// 2^(31 xlen), which is all a two's complement value of xlen words holds.
void zadd_mul_small_scaled(std::uint32_t* x, std::size_t xlen, const std::uint32_t* y, std::size_t ylen, std::int32_t k,
                           std::size_t sch, unsigned scl) {
  if (ylen == 0 || sch >= xlen) return;
  const std::uint32_t ext = (0u - (y[ylen - 1] >> 30)) & 0x7FFFFFFFu;
  std::uint32_t prev = 0;
  std::int64_t cc = 0;
  for (std::size_t u = sch; u < xlen; ++u) {
    const std::size_t v = u - sch;
    const std::uint32_t cur = v < ylen ? y[v] : ext;
    const std::uint32_t wy = scl == 0 ? cur : (((cur << scl) | (prev >> (31 - scl))) & 0x7FFFFFFFu);
    prev = cur;
    const std::int64_t z = static_cast<std::int64_t>(wy) * k + static_cast<std::int64_t>(x[u]) + cc;
    x[u] = static_cast<std::uint32_t>(z) & 0x7FFFFFFFu;
    cc = z >> 31;  // arithmetic shift (C++20)
  }
}

// Constant-time binary extended GCD. Invariants: a = x*u0 - y*v0 and b = x*u1 - y*v1, with
// 0 <= u0, u1 <= y and 0 <= v0, v1 <= x. Each round either subtracts the smaller odd value from
// the larger (then halves the even difference) or halves the even one, so the total bit length of
// (a, b) drops by one per round until one of them is zero; 62 * len rounds always suffice.
void cswap(std::uint32_t* a, std::uint32_t* b, std::size_t len, std::uint32_t m) {
  for (std::size_t i = 0; i < len; ++i) {
    const std::uint32_t t = (a[i] ^ b[i]) & m;
    a[i] ^= t;
    b[i] ^= t;
  }
}
// a -= b if m (a, b non-negative); returns the borrow (1 if the difference was negative).
std::uint32_t csub(std::uint32_t* a, const std::uint32_t* b, std::size_t len, std::uint32_t m) {
  std::uint32_t borrow = 0;
  for (std::size_t i = 0; i < len; ++i) {
    const std::uint32_t w = a[i] - (b[i] & m) - borrow;
    a[i] = w & 0x7FFFFFFFu;
    borrow = w >> 31;
  }
  return borrow;
}
void cadd(std::uint32_t* a, const std::uint32_t* b, std::size_t len, std::uint32_t m) {
  std::uint32_t cc = 0;
  for (std::size_t i = 0; i < len; ++i) {
    const std::uint32_t w = a[i] + (b[i] & m) + cc;
    a[i] = w & 0x7FFFFFFFu;
    cc = w >> 31;
  }
}
// a <- (a + (m ? b : 0)) / 2, exact (the sum is even and fits len words).
void cadd_half(std::uint32_t* a, const std::uint32_t* b, std::size_t len, std::uint32_t m) {
  cadd(a, b, len, m);
  for (std::size_t i = 0; i < len; ++i) {
    const std::uint32_t hi = i + 1 < len ? a[i + 1] : 0;
    a[i] = ((a[i] >> 1) | (hi << 30)) & 0x7FFFFFFFu;
  }
}
// a -= b modulo mod, for a, b in [0, mod] and m all-ones (else unchanged).
void csub_mod(std::uint32_t* a, const std::uint32_t* b, const std::uint32_t* mod, std::size_t len, std::uint32_t m) {
  const std::uint32_t neg = csub(a, b, len, m);
  cadd(a, mod, len, 0u - neg);
}

}  // namespace

namespace detail {

bool bezout_bitwise(std::uint32_t* u, std::uint32_t* v, const std::uint32_t* x, const std::uint32_t* y,
                    std::size_t len, std::uint32_t* tmp) {
  if (len == 0) return false;
  std::uint32_t* a = tmp;
  std::uint32_t* b = tmp + len;
  std::uint32_t* u0 = u;
  std::uint32_t* v0 = v;
  std::uint32_t* u1 = tmp + 2 * len;
  std::uint32_t* v1 = tmp + 3 * len;
  for (std::size_t i = 0; i < len; ++i) {
    a[i] = x[i];
    b[i] = y[i];
    u0[i] = 0;
    v0[i] = 0;
    u1[i] = y[i];
    v1[i] = x[i];
  }
  u0[0] = 1;
  csub(v1, u0, len, 0xFFFFFFFFu);  // v1 = x - 1 (u0 = 1 here)
  const std::uint32_t odd = x[0] & y[0] & 1u;
  for (std::size_t round = 0; round < 62 * len; ++round) {
    const std::uint32_t both_odd = 0u - (a[0] & b[0] & 1u);
    // a < b?
    std::uint32_t borrow = 0;
    for (std::size_t i = 0; i < len; ++i) borrow = (a[i] - b[i] - borrow) >> 31;
    const std::uint32_t sw = both_odd & (0u - borrow);
    cswap(a, b, len, sw);
    cswap(u0, u1, len, sw);
    cswap(v0, v1, len, sw);
    csub(a, b, len, both_odd);
    csub_mod(u0, u1, y, len, both_odd);
    csub_mod(v0, v1, x, len, both_odd);
    // Halve whichever of a, b is even (a if both are).
    const std::uint32_t a_odd = 0u - (a[0] & 1u);
    cswap(a, b, len, a_odd);
    cswap(u0, u1, len, a_odd);
    cswap(v0, v1, len, a_odd);
    const std::uint32_t fix = 0u - (u0[0] & 1u);  // u0 odd <=> v0 odd (x, y odd, a even)
    cadd_half(a, y, len, 0);
    cadd_half(u0, y, len, fix);
    cadd_half(v0, x, len, fix);
    cswap(a, b, len, a_odd);
    cswap(u0, u1, len, a_odd);
    cswap(v0, v1, len, a_odd);
  }
  // One of a, b is zero and the other is the gcd; take the cofactors that go with b if a = 0.
  std::uint32_t az = 0;
  for (std::size_t i = 0; i < len; ++i) az |= a[i];
  const std::uint32_t take_b = ct::mask_zero(az);
  cswap(a, b, len, take_b);
  cswap(u0, u1, len, take_b);
  cswap(v0, v1, len, take_b);
  std::uint32_t diff = a[0] ^ 1u;
  for (std::size_t i = 1; i < len; ++i) diff |= a[i];
  return (odd & (ct::mask_zero(diff) & 1u)) != 0;
}

}  // namespace detail

namespace {

// ---- batched binary GCD (Pornin, "Optimized Binary GCD for Modular Inversion", 2020) -------
// 31 steps of the binary GCD are run on 64-bit approximations of a and b (the top 33 bits of
// the pair's common length and the exact low 31 bits); the steps only look at parities and at
// comparisons, so they are recorded as a 2x2 matrix of factors with |pa| + |pb| <= 2^31, then
// applied once to the big integers (and divided by 2^31). A wrong comparison caused by the
// approximation only makes a result negative, which is fixed by negating it with its factors.
// b stays odd throughout (a subtraction happens only when both are odd, and a swap hands the
// odd a to b), so the final state is a = 0, b = gcd.

constexpr std::uint64_t m64(std::uint64_t bit) { return std::uint64_t{0} - bit; }

// Leading zeros of a non-zero 64-bit value, without a branch.
unsigned clz64(std::uint64_t x) {
  unsigned n = 0;
  for (unsigned s = 32; s != 0; s >>= 1) {
    const std::uint64_t m = m64(1u ^ fpr::detail::nz(ct::value_barrier(x) >> (64 - s)));
    x = (x & ~m) | ((x << s) & m);
    n += s & static_cast<unsigned>(m);
  }
  return n;
}

// d = (a pa + b pb) / 2^31 over len words (a, b non-negative); returns 1 if d < 0 (then d is in
// two's complement). d must not alias a or b.
std::uint32_t lin_shift(std::uint32_t* d, const std::uint32_t* a, const std::uint32_t* b, std::size_t len,
                        std::int64_t pa, std::int64_t pb) {
  std::int64_t cc = 0;
  for (std::size_t i = 0; i < len; ++i) {
    const std::int64_t z = static_cast<std::int64_t>(a[i]) * pa + static_cast<std::int64_t>(b[i]) * pb + cc;
    if (i > 0) d[i - 1] = static_cast<std::uint32_t>(z) & 0x7FFFFFFFu;
    cc = z >> 31;
  }
  d[len - 1] = static_cast<std::uint32_t>(cc) & 0x7FFFFFFFu;
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(cc) >> 63);
}

// d = -d if neg (1), in two's complement over len words.
void cneg(std::uint32_t* d, std::size_t len, std::uint32_t neg) {
  const std::uint32_t m = (0u - neg) & 0x7FFFFFFFu;
  std::uint32_t cc = neg;
  for (std::size_t i = 0; i < len; ++i) {
    const std::uint32_t w = (d[i] ^ m) + cc;
    d[i] = w & 0x7FFFFFFFu;
    cc = w >> 31;
  }
}

// d = (u pa + v pb) / 2^31 mod `mod`, in [0, mod): a multiple k mod of the modulus (k < 2^31)
// is added first so that the division is exact. mod0i = -1/mod mod 2^31. d must not alias.
void lin_shift_mod(std::uint32_t* d, const std::uint32_t* u, const std::uint32_t* v, const std::uint32_t* mod,
                   std::size_t len, std::int64_t pa, std::int64_t pb, std::uint32_t mod0i) {
  const std::int64_t low = static_cast<std::int64_t>(u[0]) * pa + static_cast<std::int64_t>(v[0]) * pb;
  const std::uint32_t k = (static_cast<std::uint32_t>(low) * mod0i) & 0x7FFFFFFFu;
  std::int64_t cc = 0;
  for (std::size_t i = 0; i < len; ++i) {
    const std::int64_t z = static_cast<std::int64_t>(u[i]) * pa + static_cast<std::int64_t>(v[i]) * pb +
                           static_cast<std::int64_t>(static_cast<std::uint64_t>(mod[i]) * k) + cc;
    if (i > 0) d[i - 1] = static_cast<std::uint32_t>(z) & 0x7FFFFFFFu;
    cc = z >> 31;
  }
  d[len - 1] = static_cast<std::uint32_t>(cc) & 0x7FFFFFFFu;
  // d is in (-mod, 2 mod): add mod if negative, then subtract mod if d >= mod.
  const std::uint32_t neg = static_cast<std::uint32_t>(static_cast<std::uint64_t>(cc) >> 63);
  cadd(d, mod, len, 0u - neg);
  std::uint32_t borrow = 0;
  for (std::size_t i = 0; i < len; ++i) borrow = (d[i] - mod[i] - borrow) >> 31;
  csub(d, mod, len, borrow - 1u);
}

// The 64-bit approximation of a big integer: with t the index of the top non-zero word of
// (a | b), the window of words t, t-1, t-2 shifted so that the top bit of max(a, b) is bit 63;
// its top 33 bits, then the exact low 31 bits. When a, b < 2^62 the value is exact instead.
void approximations(std::uint64_t& ax, std::uint64_t& bx, const std::uint32_t* a, const std::uint32_t* b,
                    std::size_t len) {
  std::uint64_t wa = 0, wb = 0;  // 64-bit windows at the top non-zero word
  std::uint32_t t_small = 1;     // 1 while the top non-zero word index is <= 1
  for (std::size_t i = 0; i < len; ++i) {
    const std::uint64_t m = m64(static_cast<std::uint64_t>(ct::mask_nonzero(a[i] | b[i]) & 1u));
    const std::uint64_t a1 = i >= 1 ? a[i - 1] : 0, a2 = i >= 2 ? a[i - 2] : 0;
    const std::uint64_t b1 = i >= 1 ? b[i - 1] : 0, b2 = i >= 2 ? b[i - 2] : 0;
    const std::uint64_t na = (static_cast<std::uint64_t>(a[i]) << 33) | (a1 << 2) | (a2 >> 29);
    const std::uint64_t nb = (static_cast<std::uint64_t>(b[i]) << 33) | (b1 << 2) | (b2 >> 29);
    wa = (wa & ~m) | (na & m);
    wb = (wb & ~m) | (nb & m);
    if (i >= 2) t_small &= ~static_cast<std::uint32_t>(m) & 1u;
  }
  const unsigned lz = clz64(wa | wb | 1u);
  const std::uint64_t hi_a = fpr::detail::shl(wa, lz) >> 31, hi_b = fpr::detail::shl(wb, lz) >> 31;
  const std::uint64_t approx_a = (hi_a << 31) | a[0], approx_b = (hi_b << 31) | b[0];
  const std::uint64_t exact_a = (len > 1 ? static_cast<std::uint64_t>(a[1]) << 31 : 0) | a[0];
  const std::uint64_t exact_b = (len > 1 ? static_cast<std::uint64_t>(b[1]) << 31 : 0) | b[0];
  const std::uint64_t e = m64(t_small);
  ax = (exact_a & e) | (approx_a & ~e);
  bx = (exact_b & e) | (approx_b & ~e);
}

}  // namespace

namespace detail {

bool bezout(std::uint32_t* u, std::uint32_t* v, const std::uint32_t* x, const std::uint32_t* y, std::size_t len,
            std::uint32_t* tmp) {
  if (len == 0) return false;
  const std::uint32_t odd = x[0] & y[0] & 1u;
  std::uint32_t* a = tmp;
  std::uint32_t* b = tmp + len;
  std::uint32_t* u0 = tmp + 2 * len;
  std::uint32_t* v0 = tmp + 3 * len;
  std::uint32_t* t1 = tmp + 4 * len;
  std::uint32_t* t2 = tmp + 5 * len;
  std::uint32_t* u1 = u;
  std::uint32_t* v1 = v;
  // a = x u0 - y v0, b = x u1 - y v1 (mod x y): (x, 1, 0) and (y, 0, x - 1).
  for (std::size_t i = 0; i < len; ++i) {
    a[i] = x[i];
    b[i] = y[i];
    u0[i] = 0;
    v0[i] = 0;
    u1[i] = 0;
    v1[i] = x[i];
  }
  u0[0] = 1;
  csub(v1, u0, len, 0xFFFFFFFFu);  // v1 = x - 1
  // -1/x and -1/y modulo 2^31 (Newton iterations from the 3-bit inverse of an odd number).
  std::uint32_t ix = x[0], iy = y[0];
  for (int i = 0; i < 4; ++i) {
    ix *= 2u - x[0] * ix;
    iy *= 2u - y[0] * iy;
  }
  const std::uint32_t x0i = (0u - ix) & 0x7FFFFFFFu, y0i = (0u - iy) & 0x7FFFFFFFu;

  const std::size_t rounds = 2 * len + 2;  // 31 steps each; 62 len + 62 >= total bit length + 62
  for (std::size_t r = 0; r < rounds; ++r) {
    std::uint64_t ax = 0, bx = 0;
    approximations(ax, bx, a, b, len);
    std::int64_t pa = 1, pb = 0, qa = 0, qb = 1;
    for (int i = 0; i < 31; ++i) {
      const std::uint64_t a_odd = ax & 1u;
      // ax < bx (unsigned 64-bit) without a branch
      const std::uint64_t lt = ((~ax & bx) | (~(ax ^ bx) & (ax - bx))) >> 63;
      const std::uint64_t sw = m64(ct::value_barrier(a_odd & lt));
      const std::uint64_t d = (ax ^ bx) & sw;
      ax ^= d;
      bx ^= d;
      const std::int64_t dp = (pa ^ qa) & static_cast<std::int64_t>(sw), dq = (pb ^ qb) & static_cast<std::int64_t>(sw);
      pa ^= dp;
      qa ^= dp;
      pb ^= dq;
      qb ^= dq;
      const std::uint64_t sub = m64(a_odd);
      ax -= bx & sub;
      pa -= qa & static_cast<std::int64_t>(sub);
      pb -= qb & static_cast<std::int64_t>(sub);
      ax >>= 1;
      qa *= 2;
      qb *= 2;
    }
    // Apply to (a, b) and fix signs, then the same (sign-fixed) factors to the cofactors.
    const std::uint32_t na = lin_shift(t1, a, b, len, pa, pb);
    const std::uint32_t nb = lin_shift(t2, a, b, len, qa, qb);
    cneg(t1, len, na);
    cneg(t2, len, nb);
    for (std::size_t i = 0; i < len; ++i) {
      a[i] = t1[i];
      b[i] = t2[i];
    }
    const std::int64_t sa = -static_cast<std::int64_t>(na), sb = -static_cast<std::int64_t>(nb);
    pa = (pa ^ sa) - sa;
    pb = (pb ^ sa) - sa;
    qa = (qa ^ sb) - sb;
    qb = (qb ^ sb) - sb;
    lin_shift_mod(t1, u0, u1, y, len, pa, pb, y0i);
    lin_shift_mod(t2, u0, u1, y, len, qa, qb, y0i);
    for (std::size_t i = 0; i < len; ++i) {
      u0[i] = t1[i];
      u1[i] = t2[i];
    }
    lin_shift_mod(t1, v0, v1, x, len, pa, pb, x0i);
    lin_shift_mod(t2, v0, v1, x, len, qa, qb, x0i);
    for (std::size_t i = 0; i < len; ++i) {
      v0[i] = t1[i];
      v1[i] = t2[i];
    }
  }
  // Success iff a = 0 and b = 1; then x u1 - y v1 = 1 with u1 in [0, y), v1 in [0, x).
  std::uint32_t r = a[0] | (b[0] ^ 1u);
  for (std::size_t i = 1; i < len; ++i) r |= a[i] | b[i];
  return (odd & ct::mask_zero(r) & 1u) != 0;
}

}  // namespace detail

namespace {

// The FFT and FFT-domain operations are the signing side's (fft.hpp), which follow the
// reference operation order; the Gram-Schmidt check below depends on that order bit for bit.
template <class F>
void fft(typename F::T* f, unsigned logn) { falcon::fft<F>(f, logn); }
template <class F>
void ifft(typename F::T* f, unsigned logn) { falcon::ifft<F>(f, logn); }

// 2^e for a public e of any size the solver meets (|e| can exceed the range of one scaled()).
template <class F>
typename F::T pow2(int e) {
  using Fp = typename F::T;
  Fp r = F::of(1);
  while (e > 500) {
    r = F::mul(r, F::scaled(1, 500));
    e -= 500;
  }
  while (e < -500) {
    r = F::mul(r, F::scaled(1, -500));
    e += 500;
  }
  return F::mul(r, F::scaled(1, e));
}

// Approximation of a polynomial of big integers: the top `rlen` words of each coefficient
// (value scaled down by 2^(31 (len - rlen))).
template <class F>
void big_to_fp(typename F::T* d, const std::uint32_t* x, std::size_t len, std::size_t stride, std::size_t rlen, std::size_t n) {
  using Fp = typename F::T;
  const Fp two31 = F::scaled(1, 31);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t* w = x + i * stride + (len - rlen);
    const std::uint32_t neg = 0u - (w[rlen - 1] >> 30);
    // Read |value| as words (x ^ neg) + (neg & 1) with carry, then apply the sign once.
    std::uint32_t cc = neg & 1u;
    Fp acc = F::of(0), scale = F::of(1);
    for (std::size_t u = 0; u < rlen; ++u) {
      const std::uint32_t t = ((w[u] ^ neg) & 0x7FFFFFFFu) + cc;
      cc = t >> 31;
      acc = F::add(acc, F::mul(F::of(static_cast<std::int64_t>(t & 0x7FFFFFFFu)), scale));
      scale = F::mul(scale, two31);
    }
    const std::uint64_t sbit = static_cast<std::uint64_t>(neg & 1u) << 63;
    d[i] = F::from_bits(F::to_bits(acc) ^ sbit);
  }
}

// ---- the solver ------------------------------------------------------------------------------

// Workspace layout. f_d, g_d of the deeper depths are dead once a level starts (the lift and
// the reduction at depth d read f_d, g_d and F_{d+1}, G_{d+1} only), so each level's scratch
// starts where f_{d+1} was stored: the store comes last and shrinks as the solver climbs.
struct Layout {
  std::size_t primes;                // SmallPrime records (5 words each)
  std::size_t prev;                  // reduced F, G of the deeper level
  std::size_t cur;                   // unreduced then reduced F, G of the current level
  std::size_t store[12];             // f_d then g_d for every depth; store[logn + 1] = its end
  std::size_t total;
  // Scratch of the level at depth d (lift, Babai, the final check at d = 0).
  std::size_t level_scratch(unsigned d) const { return store[d + 1]; }
  // Scratch while all of f_d, g_d are live (field norms, the deepest level's GCD).
  std::size_t norm_scratch(unsigned logn) const { return store[logn + 1]; }
};

constexpr std::size_t kPrimeWords = sizeof(SmallPrime) / sizeof(std::uint32_t);
constexpr std::size_t even(std::size_t x) { return (x + 1) & ~std::size_t{1}; }  // binary64 alignment

// Scratch words of a level (see lift(), reduce(), mul_small_poly()).
std::size_t level_need(unsigned logn, unsigned d) {
  const std::size_t nd = std::size_t{1} << (logn - d);
  const std::size_t lift = 7 * nd + 2 * kLarge[d];
  // Babai: k (nd words), f, g and 1/norm in FFT form (5 nd), then per round the larger of F, G in
  // FFT form (4 nd) and, at depths using the NTT, the products k f, k g with their buffers.
  std::size_t round = 4 * nd;
  if (d <= kDepthNtt) {
    const std::size_t t = kSmall[d] + 2;
    const std::size_t r = 2 * nd * t + 5 * nd + 2 * t;
    round = r > round ? r : round;
  }
  const std::size_t babai = 6 * nd + round;
  return lift > babai ? lift : babai;
}

Layout layout(unsigned logn) {
  Layout l{};
  const std::size_t n = std::size_t{1} << logn;
  std::size_t off = 0;
  l.primes = off;
  off += even(num_primes(logn) * kPrimeWords);
  std::size_t prev_max = 0, cur_max = 0;
  for (unsigned d = 0; d <= logn; ++d) {
    const std::size_t s = 2 * (n >> d) * kSmall[d];
    prev_max = s > prev_max ? s : prev_max;
    if (d < logn) {
      const std::size_t c = 2 * (n >> d) * kLarge[d];
      cur_max = c > cur_max ? c : cur_max;
    }
  }
  l.prev = off;
  off += even(prev_max);
  l.cur = off;
  off += even(cur_max);
  for (unsigned d = 0; d <= logn; ++d) {
    l.store[d] = off;
    // Depth 0 is f, g themselves: read from the int8 inputs, not stored.
    if (d > 0) off += even(2 * (n >> d) * kSmall[d]);
  }
  l.store[logn + 1] = off;
  // Field norms: tables and residues (7n) + CRT tmp; the GCD: 6 len.
  std::size_t total = off + 7 * n + 2 * kSmall[logn];
  const std::size_t gcd = off + 6 * kSmall[logn];
  total = gcd > total ? gcd : total;
  for (unsigned d = 0; d < logn; ++d) {
    const std::size_t t = l.level_scratch(d) + level_need(logn, d);
    total = t > total ? t : total;
  }
  // The final check at the top: 7n words at level 0's scratch.
  const std::size_t fin = l.level_scratch(0) + 7 * n;
  l.total = fin > total ? fin : total;
  return l;
}

// Residues of a signed big-integer polynomial (or of int8 coefficients when len == 0).
void load_residues(std::uint32_t* dst, const std::uint32_t* x, std::size_t len, const std::int8_t* small, std::size_t n,
                   const SmallPrime& sp) {
  if (small != nullptr) {
    for (std::size_t i = 0; i < n; ++i) dst[i] = mset(small[i], sp.p);
  } else {
    const std::uint32_t two31_r = mmul((std::uint32_t{1} << 31) % sp.p, sp.r2, sp.p, sp.p0i);
    std::uint32_t rx = 1;
    for (std::size_t i = 0; i < len; ++i) rx = mmul(rx, two31_r, sp.p, sp.p0i);
    for (std::size_t i = 0; i < n; ++i) dst[i] = zmod_signed(x + i * len, len, sp, two31_r, rx);
  }
}

// f_d and g_d for every depth d >= 1 (spec Alg. 6 step 5: f' = N(f), g' = N(g)), stored as
// signed big integers. In NTT form N(f)(x^2) at the slot pair (x, -x) is f(x) * f(-x).
void field_norms(std::uint32_t* ws, const Layout& l, unsigned logn, const std::int8_t* f, const std::int8_t* g,
                 const SmallPrime* primes) {
  const std::size_t n = std::size_t{1} << logn;
  std::uint32_t* s = ws + l.norm_scratch(logn);
  NttTables tab{s, s + n, {}};
  std::uint32_t* tmp = s + 2 * n;
  std::uint32_t* tf = s + 3 * n;
  std::uint32_t* tg = s + 4 * n;
  std::uint32_t* w = s + 5 * n;
  std::uint32_t* crt = s + 6 * n;
  for (std::size_t j = 0; j < kSmall[logn]; ++j) {
    const SmallPrime& sp = primes[j];
    make_tables(tab, sp, logn, tmp);
    load_residues(tf, nullptr, 0, f, n, sp);
    load_residues(tg, nullptr, 0, g, n, sp);
    ntt(tf, logn, tab, sp);
    ntt(tg, logn, tab, sp);
    for (unsigned d = 1; d <= logn; ++d) {
      const std::size_t nd = n >> d;
      for (std::size_t i = 0; i < nd; ++i) {
        tf[i] = mmul_plain(tf[2 * i], tf[2 * i + 1], sp);
        tg[i] = mmul_plain(tg[2 * i], tg[2 * i + 1], sp);
      }
      const std::size_t len = kSmall[d];
      if (j >= len) continue;
      std::uint32_t* fd = ws + l.store[d];
      std::uint32_t* gd = fd + nd * len;
      for (std::size_t i = 0; i < nd; ++i) w[i] = tf[i];
      intt(w, logn - d, tab, sp);
      for (std::size_t i = 0; i < nd; ++i) fd[i * len + j] = w[i];
      for (std::size_t i = 0; i < nd; ++i) w[i] = tg[i];
      intt(w, logn - d, tab, sp);
      for (std::size_t i = 0; i < nd; ++i) gd[i * len + j] = w[i];
    }
  }
  for (unsigned d = 1; d <= logn; ++d) {
    const std::size_t nd = n >> d, len = kSmall[d];
    rebuild_crt(ws + l.store[d], len, len, 2 * nd, primes, crt);
  }
}

// Unreduced F_d = F_{d+1}(x^2) * g_d(-x), G_d = G_{d+1}(x^2) * f_d(-x) (spec Alg. 6 step 7):
// then f_d G_d - g_d F_d = f_{d+1}(x^2) G_{d+1}(x^2) - g_{d+1}(x^2) F_{d+1}(x^2) = q.
// f8, g8: the int8 f, g, read instead of the store at depth 0.
void lift(std::uint32_t* ws, const Layout& l, unsigned logn, unsigned d, const SmallPrime* primes, const std::int8_t* f8,
          const std::int8_t* g8) {
  const std::size_t n = std::size_t{1} << logn;
  const unsigned logd = logn - d;
  const std::size_t nd = n >> d, hd = nd >> 1;
  const std::size_t slen = kSmall[d], dlen = kSmall[d + 1], llen = kLarge[d];
  const std::uint32_t* Fd = ws + l.prev;
  const std::uint32_t* Gd = Fd + hd * dlen;
  const std::uint32_t* fd = ws + l.store[d];
  const std::uint32_t* gd = fd + nd * slen;
  std::uint32_t* Ft = ws + l.cur;
  std::uint32_t* Gt = Ft + nd * llen;
  std::uint32_t* s = ws + l.level_scratch(d);
  NttTables tab{s, s + nd, {}};
  std::uint32_t* tmp = s + 2 * nd;
  std::uint32_t* tF = s + 3 * nd;
  std::uint32_t* tG = s + 4 * nd;
  std::uint32_t* tf = s + 5 * nd;
  std::uint32_t* tg = s + 6 * nd;
  std::uint32_t* crt = s + 7 * nd;
  for (std::size_t j = 0; j < llen; ++j) {
    const SmallPrime& sp = primes[j];
    make_tables(tab, sp, logd, tmp);
    load_residues(tF, Fd, dlen, nullptr, hd, sp);
    load_residues(tG, Gd, dlen, nullptr, hd, sp);
    load_residues(tf, fd, slen, d == 0 ? f8 : nullptr, nd, sp);
    load_residues(tg, gd, slen, d == 0 ? g8 : nullptr, nd, sp);
    ntt(tF, logd - 1, tab, sp);
    ntt(tG, logd - 1, tab, sp);
    ntt(tf, logd, tab, sp);
    ntt(tg, logd, tab, sp);
    // Slots 2i, 2i+1 are x, -x: F_{d+1}(x^2) is slot i of the half-size transform, g_d(-x) is
    // the other slot of the pair. Results go to tf (F) and tg (G) after the products are read.
    for (std::size_t i = 0; i < hd; ++i) {
      const std::uint32_t F1 = tF[i], G1 = tG[i];
      const std::uint32_t fa = tf[2 * i], fb = tf[2 * i + 1], ga = tg[2 * i], gb = tg[2 * i + 1];
      tf[2 * i] = mmul_plain(F1, gb, sp);
      tf[2 * i + 1] = mmul_plain(F1, ga, sp);
      tg[2 * i] = mmul_plain(G1, fb, sp);
      tg[2 * i + 1] = mmul_plain(G1, fa, sp);
    }
    intt(tf, logd, tab, sp);
    intt(tg, logd, tab, sp);
    for (std::size_t i = 0; i < nd; ++i) {
      Ft[i * llen + j] = tf[i];
      Gt[i * llen + j] = tg[i];
    }
  }
  rebuild_crt(Ft, llen, llen, 2 * nd, primes, crt);
}

// k * f and k * g exactly (k: n int32, f and g: big integers of slen words), in RNS with
// slen + 2 primes (|k f| < 2^31 * 2^(31 slen) * n), rebuilt as signed big integers.
void mul_small_poly(std::uint32_t* kf, std::uint32_t* kg, const std::int32_t* k, const std::uint32_t* f,
                    const std::uint32_t* g, const std::int8_t* f8, const std::int8_t* g8, std::size_t slen, unsigned logd,
                    const SmallPrime* primes, std::uint32_t* s) {
  const std::size_t nd = std::size_t{1} << logd, tlen = slen + 2;
  NttTables tab{s, s + nd, {}};
  std::uint32_t* tk = s + 2 * nd;
  std::uint32_t* tf = s + 3 * nd;
  std::uint32_t* tg = s + 4 * nd;
  std::uint32_t* crt = s + 5 * nd;
  for (std::size_t j = 0; j < tlen; ++j) {
    const SmallPrime& sp = primes[j];
    make_tables(tab, sp, logd, tf);  // tf is free until the residues are loaded
    for (std::size_t i = 0; i < nd; ++i) tk[i] = mset(k[i], sp.p);
    load_residues(tf, f, slen, f8, nd, sp);
    load_residues(tg, g, slen, g8, nd, sp);
    ntt(tk, logd, tab, sp);
    ntt(tf, logd, tab, sp);
    ntt(tg, logd, tab, sp);
    for (std::size_t i = 0; i < nd; ++i) {
      tf[i] = mmul_plain(tf[i], tk[i], sp);
      tg[i] = mmul_plain(tg[i], tk[i], sp);
    }
    intt(tf, logd, tab, sp);
    intt(tg, logd, tab, sp);
    for (std::size_t i = 0; i < nd; ++i) {
      kf[i * tlen + j] = tf[i];
      kg[i * tlen + j] = tg[i];
    }
  }
  rebuild_crt(kf, tlen, tlen, nd, primes, crt);
  rebuild_crt(kg, tlen, tlen, nd, primes, crt);
}

// Babai reduction of (F, G) against (f, g) at depth d (spec Alg. 7 Reduce, with the scaled
// approximate quotient of Pornin & Prest 2019 §3.3): repeatedly
//   k = round((F adj(f) + G adj(g)) / (f adj(f) + g adj(g)) / 2^scale_k),
//   (F, G) -= k 2^scale_k (f, g),
// with scale_k dropping by 25 bits per round from the expected size gap down to 0. The last
// round (scale_k = 0) is a plain Babai step; at the top level it is the canonical one.
template <class F>
bool reduce(std::uint32_t* ws, const Layout& l, unsigned logn, unsigned d, const SmallPrime* primes, const std::int8_t* f8,
            const std::int8_t* g8) {
  if (d != 0) f8 = g8 = nullptr;  // the int8 inputs stand for the store at depth 0 only
  const std::size_t n = std::size_t{1} << logn;
  const unsigned logd = logn - d;
  const std::size_t nd = n >> d, hd = nd >> 1;
  const std::size_t slen = kSmall[d], llen = kLarge[d];
  const std::uint32_t* fd = ws + l.store[d];
  const std::uint32_t* gd = fd + nd * slen;
  std::uint32_t* Ft = ws + l.cur;
  std::uint32_t* Gt = Ft + nd * llen;
  using Fp = typename F::T;
  // Scratch: k (n int32), then the FFT of f and g and 1 / (f adj(f) + g adj(g)) (kept for the
  // whole loop), then per round either the FFT of F and G or the exact products k f, k g with
  // their NTT buffers (the FFT values are dead once k is rounded).
  std::uint32_t* s = ws + l.level_scratch(d);
  auto* k = reinterpret_cast<std::int32_t*>(s);
  Fp* rf = reinterpret_cast<Fp*>(s + nd);
  Fp* rg = rf + nd;
  Fp* rinv = rg + nd;
  std::uint32_t* round_area = s + 6 * nd;
  Fp* rF = reinterpret_cast<Fp*>(round_area);
  Fp* rG = rF + nd;
  Fp* rk = rF;  // the quotient overwrites F's transform
  std::uint32_t* kf = round_area;
  std::uint32_t* kg = kf + nd * (slen + 2);
  std::uint32_t* nttbuf = kg + nd * (slen + 2);

  const std::size_t rlen_fg = slen < 10 ? slen : 10;
  const int scale_fg = static_cast<int>(31 * (slen - rlen_fg));
  if (f8 != nullptr) {
    for (std::size_t i = 0; i < nd; ++i) {
      rf[i] = F::of(f8[i]);
      rg[i] = F::of(g8[i]);
    }
  } else {
    big_to_fp<F>(rf, fd, slen, slen, rlen_fg, nd);
    big_to_fp<F>(rg, gd, slen, slen, rlen_fg, nd);
  }
  fft<F>(rf, logd);
  fft<F>(rg, logd);
  // 1 / (f adj(f) + g adj(g)): real in the FFT domain.
  for (std::size_t i = 0; i < hd; ++i) {
    const Fp nrm = F::add(F::add(F::sqr(rf[i]), F::sqr(rf[i + hd])), F::add(F::sqr(rg[i]), F::sqr(rg[i + hd])));
    rinv[i] = F::inv(nrm);
  }
  const int minbl_fg = kBitLength[d].avg - 6 * kBitLength[d].std;
  const int maxbl_fg = kBitLength[d].avg + 6 * kBitLength[d].std;
  std::size_t FGlen = llen;
  int maxbl_FG = static_cast<int>(31 * llen);
  // At the top the unreduced F is about 20 bits over 4-bit f, g: one exact Babai step.
  int scale_k = d == 0 ? 0 : maxbl_FG - minbl_fg;
  const Fp lim_hi = F::from_bits(fpr::bits::ptwo31m1), lim_lo = F::from_bits(fpr::bits::mtwo31m1);
  for (;;) {
    const std::size_t rlen_FG = FGlen < 10 ? FGlen : 10;
    const int scale_FG = static_cast<int>(31 * (FGlen - rlen_FG));
    big_to_fp<F>(rF, Ft, FGlen, llen, rlen_FG, nd);
    big_to_fp<F>(rG, Gt, FGlen, llen, rlen_FG, nd);
    fft<F>(rF, logd);
    fft<F>(rG, logd);
    // rk = (F adj(f) + G adj(g)) / (f adj(f) + g adj(g))
    for (std::size_t i = 0; i < hd; ++i) {
      const Fp a_re = rF[i], a_im = rF[i + hd], b_re = rf[i], b_im = rf[i + hd];
      const Fp c_re = rG[i], c_im = rG[i + hd], e_re = rg[i], e_im = rg[i + hd];
      // a * conj(b) + c * conj(e)
      const Fp re = F::add(F::add(F::mul(a_re, b_re), F::mul(a_im, b_im)), F::add(F::mul(c_re, e_re), F::mul(c_im, e_im)));
      const Fp im = F::add(F::sub(F::mul(a_im, b_re), F::mul(a_re, b_im)), F::sub(F::mul(c_im, e_re), F::mul(c_re, e_im)));
      rk[i] = F::mul(re, rinv[i]);
      rk[i + hd] = F::mul(im, rinv[i]);
    }
    ifft<F>(rk, logd);
    // rk is k * 2^(scale_fg - scale_FG); bring it to 2^-scale_k.
    const int dc = scale_k - scale_FG + scale_fg;
    const Fp pdc = pow2<F>(-dc);
    int ok = 1;
    for (std::size_t i = 0; i < nd; ++i) {
      const Fp xv = F::mul(rk[i], pdc);
      ok &= F::lt(lim_lo, xv) & F::lt(xv, lim_hi);
      k[i] = static_cast<std::int32_t>(F::rint(xv));
    }
    // Out of range means the sizes did not shrink as the tables expect: (f, g) is discarded, so
    // this branch reveals nothing about a kept key.
    if (!ct::declassify_value(ok, "ntru: out-of-range quotient, (f, g) is discarded")) return false;
    const auto sch = static_cast<std::size_t>(scale_k / 31);
    const auto scl = static_cast<unsigned>(scale_k % 31);
    if (d > kDepthNtt) {
      // Few, large coefficients: schoolbook, (F, G) -= x^i k_i (f, g) 2^scale_k, negacyclic.
      for (std::size_t i = 0; i < nd; ++i) {
        for (std::size_t j = 0; j < nd; ++j) {
          const bool wrap = i + j >= nd;  // public index condition
          const std::size_t t = wrap ? i + j - nd : i + j;
          const std::int32_t kk = wrap ? k[i] : -k[i];
          zadd_mul_small_scaled(Ft + t * llen, FGlen, fd + j * slen, slen, kk, sch, scl);
          zadd_mul_small_scaled(Gt + t * llen, FGlen, gd + j * slen, slen, kk, sch, scl);
        }
      }
    } else {
      // Many, small coefficients: the exact products through the NTT (RNS), then one shifted
      // subtraction per coefficient.
      mul_small_poly(kf, kg, k, fd, gd, f8, g8, slen, logd, primes, nttbuf);
      const std::size_t tlen = slen + 2;
      for (std::size_t i = 0; i < nd; ++i) {
        zsub_scaled(Ft + i * llen, FGlen, kf + i * tlen, tlen, sch, scl);
        zsub_scaled(Gt + i * llen, FGlen, kg + i * tlen, tlen, sch, scl);
      }
    }
    // New bound on the size of (F, G), assuming (f, g) at their largest; drop a word when the
    // bound allows it (the dropped word is then only sign extension).
    const int new_maxbl_FG = scale_k + maxbl_fg + 10;
    if (new_maxbl_FG < maxbl_FG) {
      maxbl_FG = new_maxbl_FG;
      if (static_cast<int>(FGlen) * 31 >= maxbl_FG + 31) --FGlen;
    }
    if (scale_k <= 0) break;
    scale_k -= 25;
    if (scale_k < 0) scale_k = 0;
  }
  // Store the reduced values in slen words each (sign-extended or truncated) into `prev`, where
  // the next level up reads them.
  std::uint32_t* out = ws + l.prev;
  for (std::size_t c = 0; c < 2 * nd; ++c) {
    const std::uint32_t* x = Ft + c * llen;  // Gt follows Ft with the same stride
    const std::uint32_t ext = (0u - (x[FGlen - 1] >> 30)) & 0x7FFFFFFFu;
    for (std::size_t i = 0; i < slen; ++i) out[c * slen + i] = i < FGlen ? x[i] : ext;
  }
  return true;
}

// The deepest level (n = 1): f_L, g_L are the resultants; f_L G - g_L F = q from Bezout.
bool deepest(std::uint32_t* ws, const Layout& l, unsigned logn) {
  const std::size_t len = kSmall[logn];
  const std::uint32_t* fl = ws + l.store[logn];
  const std::uint32_t* gl = fl + len;
  std::uint32_t* Fl = ws + l.prev;
  std::uint32_t* Gl = Fl + len;
  // x*u - y*v = 1 with x = f_L, y = g_L: G = q u, F = q v.
  if (!ct::declassify_value(detail::bezout(Gl, Fl, fl, gl, len, ws + l.norm_scratch(logn)), "ntru: resultants not coprime, (f, g) is discarded"))
    return false;
  const std::uint32_t over = zmul_small(Fl, len, kQ) | zmul_small(Gl, len, kQ) | (Fl[len - 1] >> 30) | (Gl[len - 1] >> 30);
  return ct::declassify_value(over, "ntru: size overflow, (f, g) is discarded") == 0;
}

}  // namespace

std::size_t workspace_words(unsigned logn) { return layout(logn).total; }

template <class F>
bool solve(unsigned logn, std::int8_t* Fout, std::int8_t* Gout, const std::int8_t* f, const std::int8_t* g,
           std::span<std::uint32_t> workspace) {
  if (logn < 1 || logn > 10) return false;
  const Layout l = layout(logn);
  if (workspace.size() < l.total) return false;
  std::uint32_t* ws = workspace.data();
  auto* primes = reinterpret_cast<SmallPrime*>(ws + l.primes);
  make_primes(primes, num_primes(logn));

  field_norms(ws, l, logn, f, g, primes);
  if (!deepest(ws, l, logn)) return false;
  for (unsigned d = logn; d-- > 0;) {
    lift(ws, l, logn, d, primes, f, g);
    if (!reduce<F>(ws, l, logn, d, primes, f, g)) return false;
  }

  // Top level: one word per coefficient; F, G must fit the private-key encoding (|x| <= 127, the
  // reference's limit for both, although G is not stored).
  const std::size_t n = std::size_t{1} << logn;
  const std::uint32_t* Fw = ws + l.prev;
  const std::uint32_t* Gw = Fw + n;
  std::uint32_t bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto a = static_cast<std::int32_t>(Fw[i] << 1) >> 1;
    const auto b = static_cast<std::int32_t>(Gw[i] << 1) >> 1;
    // a + 127 outside [0, 254] (as unsigned: above 254) means |a| > 127.
    bad |= ct::mask_lt(254u, static_cast<std::uint32_t>(a + 127));
    bad |= ct::mask_lt(254u, static_cast<std::uint32_t>(b + 127));
  }
  if (ct::declassify_value(bad, "ntru: |F| or |G| > 127, (f, g) is discarded") != 0) return false;

  // Check f G - g F = q modulo the first small prime (every term is far below it).
  {
    const SmallPrime& sp = primes[0];
    std::uint32_t* s = ws + l.level_scratch(0);
    NttTables tab{s, s + n, {}};
    std::uint32_t* tmp = s + 2 * n;
    std::uint32_t* tf = s + 3 * n;
    std::uint32_t* tg = s + 4 * n;
    std::uint32_t* tF = s + 5 * n;
    std::uint32_t* tG = s + 6 * n;
    make_tables(tab, sp, logn, tmp);
    for (std::size_t i = 0; i < n; ++i) {
      tf[i] = mset(f[i], sp.p);
      tg[i] = mset(g[i], sp.p);
      tF[i] = mset(static_cast<std::int32_t>(Fw[i] << 1) >> 1, sp.p);
      tG[i] = mset(static_cast<std::int32_t>(Gw[i] << 1) >> 1, sp.p);
    }
    ntt(tf, logn, tab, sp);
    ntt(tg, logn, tab, sp);
    ntt(tF, logn, tab, sp);
    ntt(tG, logn, tab, sp);
    std::uint32_t diff = 0;
    for (std::size_t i = 0; i < n; ++i) {
      diff |= msub(mmul_plain(tf[i], tG[i], sp), mmul_plain(tg[i], tF[i], sp), sp.p) ^ kQ;
    }
    if (ct::declassify_value(diff, "ntru: equation check failed, (f, g) is discarded") != 0) return false;
  }
  for (std::size_t i = 0; i < n; ++i) {
    Fout[i] = static_cast<std::int8_t>(static_cast<std::int32_t>(Fw[i] << 1) >> 1);
    Gout[i] = static_cast<std::int8_t>(static_cast<std::int32_t>(Gw[i] << 1) >> 1);
  }
  return true;
}

}  // namespace pqcea::falcon::ntru

namespace pqcea::falcon::ntru {

template <class F>
bool gram_schmidt_ok(unsigned logn, const std::int8_t* f, const std::int8_t* g, std::uint32_t* tmp) {
  using Fp = typename F::T;
  const std::size_t n = std::size_t{1} << logn;
  Fp* rt1 = reinterpret_cast<Fp*>(tmp);
  Fp* rt2 = rt1 + n;
  Fp* rt3 = rt2 + n;
  for (std::size_t i = 0; i < n; ++i) {
    rt1[i] = F::of(f[i]);
    rt2[i] = F::of(g[i]);
  }
  falcon::fft<F>(rt1, logn);
  falcon::fft<F>(rt2, logn);
  // q adj(f) / (f adj(f) + g adj(g)) and q adj(g) / (...), in this order of operations.
  falcon::poly_invnorm2_fft<F>(rt3, rt1, rt2, logn);
  falcon::poly_adj_fft<F>(rt1, logn);
  falcon::poly_adj_fft<F>(rt2, logn);
  falcon::poly_mulconst<F>(rt1, F::from_bits(fpr::bits::q), logn);
  falcon::poly_mulconst<F>(rt2, F::from_bits(fpr::bits::q), logn);
  falcon::poly_mul_autoadj_fft<F>(rt1, rt3, logn);
  falcon::poly_mul_autoadj_fft<F>(rt2, rt3, logn);
  falcon::ifft<F>(rt1, logn);
  falcon::ifft<F>(rt2, logn);
  Fp bnorm = F::of(0);
  for (std::size_t i = 0; i < n; ++i) {
    bnorm = F::add(bnorm, F::sqr(rt1[i]));
    bnorm = F::add(bnorm, F::sqr(rt2[i]));
  }
  return F::lt(bnorm, F::from_bits(fpr::bits::bnorm_max)) != 0;
}

template bool solve<fpr::Emu>(unsigned, std::int8_t*, std::int8_t*, const std::int8_t*, const std::int8_t*,
                              std::span<std::uint32_t>);
template bool gram_schmidt_ok<fpr::Emu>(unsigned, const std::int8_t*, const std::int8_t*, std::uint32_t*);
#if defined(PQCEA_FALCON_FPR_HAVE_NATIVE)
template bool solve<fpr::Native>(unsigned, std::int8_t*, std::int8_t*, const std::int8_t*, const std::int8_t*,
                                 std::span<std::uint32_t>);
template bool gram_schmidt_ok<fpr::Native>(unsigned, const std::int8_t*, const std::int8_t*, std::uint32_t*);
#endif

}  // namespace pqcea::falcon::ntru
