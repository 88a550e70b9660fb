// Backend dispatch for targets with only the portable arithmetic (Cortex-M, non-x86 hosts).
#include "ntt.hpp"
#include "pqcea/mlkem.hpp"
#include "sampling.hpp"

namespace pqcea::mlkem {
namespace detail {

void ntt(Poly& p) { ntt_portable(p); }
void invntt_tomont(Poly& p) { invntt_tomont_portable(p); }
void basemul_acc(Poly& acc, const Poly& a, const std::uint8_t* b_packed) { basemul_acc_portable(acc, a, b_packed); }
unsigned rej_uniform(std::int16_t* out, unsigned need, const std::uint8_t* buf, std::size_t len) {
  return rej_uniform_portable(out, need, buf, len);
}

}  // namespace detail

bool native_backend_available() { return false; }
void use_native_backend(bool) {}
const char* backend_name() { return "portable"; }

}  // namespace pqcea::mlkem
