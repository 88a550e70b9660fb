// Backend dispatch for targets with only portable C++ (Cortex-M, non-x86 hosts): the arithmetic
// bodies in the scalar 32-bit Montgomery form, which a scalar core runs faster than the 16-bit
// product form (identical results; tests/mlkem compares the two).
#include "ntt_impl.hpp"
#include "pqcea/mlkem.hpp"
#include "sampling.hpp"

namespace pqcea::mlkem {
namespace detail {

void ntt(Poly& p) { impl::ntt<impl::Scalar32>(p); }
void invntt_tomont(Poly& p) { impl::invntt_tomont<impl::Scalar32>(p); }
void basemul_acc(Poly& acc, const Poly& a, const std::uint8_t* b_packed) {
  impl::basemul_acc<impl::Scalar32>(acc, a, b_packed);
}
unsigned rej_uniform(std::int16_t* out, unsigned need, const std::uint8_t* buf, std::size_t len) {
  return rej_uniform_portable(out, need, buf, len);
}

}  // namespace detail

bool native_backend_available() { return false; }
void use_native_backend(bool) {}
const char* backend_name() { return "portable"; }

}  // namespace pqcea::mlkem
