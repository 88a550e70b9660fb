// Portable NTT, inverse NTT and NTT-domain multiplication (FIPS 203 §4.3, Alg. 9-12): the
// bodies in ntt_impl.hpp compiled for the baseline instruction set. Always built.
#include "ntt_impl.hpp"

namespace pqcea::mlkem::detail {

void ntt_portable(Poly& p) { impl::ntt(p); }
void invntt_tomont_portable(Poly& p) { impl::invntt_tomont(p); }
void basemul_acc_portable(Poly& acc, const Poly& a, const std::uint8_t* b) { impl::basemul_acc(acc, a, b); }

}  // namespace pqcea::mlkem::detail
