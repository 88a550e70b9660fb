// SHA-256 compression with the x86 SHA extensions (SHA-NI), behind the sha256_blocks contract.
// Built only on x86-64; chosen at run time when CPUID reports SHA and SSE4.1 (and when native
// backends are enabled, see hash::set_native_backends). The data processed is the message, which
// may be secret (HMAC keys, SLH-DSA seeds): these instructions run in constant time.
#include "backends.hpp"
#include "pqcea/hash/sha2.hpp"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

namespace pqcea::hash {

bool cpu_has_sha_ni() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) == 0 || (c & bit_SSE4_1) == 0) return false;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) return false;
  return (b & bit_SHA) != 0;
}

__attribute__((target("sha,sse4.1"))) void sha256_blocks_shani(std::uint32_t st[8], const std::uint8_t* p,
                                                                std::size_t nblocks) {
  // The instructions keep the state as two vectors {A,B,E,F} and {C,D,G,H}.
  __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(st));
  __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(st + 4));
  __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
  __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);

  for (; nblocks > 0; --nblocks, p += 64) {
    const __m128i abef0 = abef, cdgh0 = cdgh;
    __m128i w[4];
    for (int i = 0; i < 4; ++i)
      w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i)), bswap);
    for (int g = 0; g < 16; ++g) {
      if (g >= 4) {
        // FIPS 180-4 §6.2.2 step 1 for W[4g..4g+3]: sigma0 part (msg1), W[t-7] (alignr), sigma1 (msg2).
        __m128i& x0 = w[g % 4];
        const __m128i x1 = w[(g + 1) % 4], x2 = w[(g + 2) % 4], x3 = w[(g + 3) % 4];
        x0 = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(x0, x1), _mm_alignr_epi8(x3, x2, 4)), x3);
      }
      __m128i msg = _mm_add_epi32(w[g % 4], _mm_load_si128(reinterpret_cast<const __m128i*>(kSha256K + 4 * g)));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);  // rounds 4g, 4g+1
      msg = _mm_shuffle_epi32(msg, 0x0E);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, msg);  // rounds 4g+2, 4g+3
    }
    abef = _mm_add_epi32(abef, abef0);
    cdgh = _mm_add_epi32(cdgh, cdgh0);
  }

  const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(st), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(st + 4), _mm_alignr_epi8(dchg, feba, 8));
}

}  // namespace pqcea::hash
#endif
