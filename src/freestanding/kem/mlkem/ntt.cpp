// Portable NTT, inverse NTT and NTT-domain multiplication (FIPS 203 §4.3, Alg. 9-12): the
// bodies in ntt_impl.hpp compiled for the baseline instruction set, in the 16-bit-product form
// that baseline SIMD (SSE2, NEON) vectorises. Always built; the x86-64 backend falls back to it.
#include "ntt_impl.hpp"

namespace pqcea::mlkem::detail {

// The reduction bounds reduce.hpp relies on, proved at compile time (once, here).
static_assert(check_barrett());
static_assert(check_montgomery());
static_assert(check_fqmul());

void ntt_portable(Poly& p) { impl::ntt<impl::Simd16>(p); }
void invntt_tomont_portable(Poly& p) { impl::invntt_tomont<impl::Simd16>(p); }
void basemul_acc_portable(Poly& acc, const Poly& a, const std::uint8_t* b) { impl::basemul_acc<impl::Simd16>(acc, a, b); }

}  // namespace pqcea::mlkem::detail
