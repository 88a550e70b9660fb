// Backend dispatch for the arithmetic contract of ntt.hpp / sampling.hpp. This build has only the
// portable C++ backend.
#include "ntt.hpp"
#include "sampling.hpp"

namespace pqcea::mlkem::detail {

void ntt(Poly& p) { ntt_portable(p); }
void invntt_tomont(Poly& p) { invntt_tomont_portable(p); }
void basemul_acc(Poly& acc, const Poly& a, const std::uint8_t* b_packed) { basemul_acc_portable(acc, a, b_packed); }
unsigned rej_uniform(std::int16_t* out, unsigned need, const std::uint8_t* buf, std::size_t len) {
  return rej_uniform_portable(out, need, buf, len);
}

}  // namespace pqcea::mlkem::detail
