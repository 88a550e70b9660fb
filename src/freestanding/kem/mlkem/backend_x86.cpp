// Backend dispatch on x86-64 hosts: the arithmetic bodies of ntt_impl.hpp compiled a second time
// for AVX2 (the compiler vectorises them with 256-bit vectors), chosen at start-up when the CPU
// reports AVX2; otherwise, or when switched off, the portable copy runs. Both give identical
// results (tests/mlkem compare them and rerun the known answers and ACVP vectors on each).
// Rejection sampling has no AVX2 version yet and always runs the portable code.
#include "ntt_impl.hpp"
#include "pqcea/mlkem.hpp"
#include "sampling.hpp"

namespace pqcea::mlkem {
namespace detail {
namespace {

[[gnu::target("avx2")]] void ntt_avx2(Poly& p) { impl::ntt<impl::Simd16>(p); }
[[gnu::target("avx2")]] void invntt_tomont_avx2(Poly& p) { impl::invntt_tomont<impl::Simd16>(p); }
[[gnu::target("avx2")]] void basemul_acc_avx2(Poly& acc, const Poly& a, const std::uint8_t* b) {
  impl::basemul_acc<impl::Simd16>(acc, a, b);
}

bool cpu_has_avx2() {
  __builtin_cpu_init();  // required when called during static initialisation
  return __builtin_cpu_supports("avx2") != 0;
}

// Set once at start-up (static initialisation); use_native_backend() changes it for tests.
bool g_avx2 = cpu_has_avx2();

}  // namespace

void ntt(Poly& p) {
  if (g_avx2) ntt_avx2(p);
  else ntt_portable(p);
}
void invntt_tomont(Poly& p) {
  if (g_avx2) invntt_tomont_avx2(p);
  else invntt_tomont_portable(p);
}
void basemul_acc(Poly& acc, const Poly& a, const std::uint8_t* b_packed) {
  if (g_avx2) basemul_acc_avx2(acc, a, b_packed);
  else basemul_acc_portable(acc, a, b_packed);
}
unsigned rej_uniform(std::int16_t* out, unsigned need, const std::uint8_t* buf, std::size_t len) {
  return rej_uniform_portable(out, need, buf, len);
}

}  // namespace detail

bool native_backend_available() { return detail::cpu_has_avx2(); }
void use_native_backend(bool on) { detail::g_avx2 = on && detail::cpu_has_avx2(); }
const char* backend_name() { return detail::g_avx2 ? "avx2" : "portable"; }

}  // namespace pqcea::mlkem
