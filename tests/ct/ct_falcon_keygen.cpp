// Constant-time check of Falcon key generation under valgrind memcheck (Falcon-512 and -1024,
// both floating-point backends): the seed is poisoned, so any branch or memory index that depends
// on it (and so on f, g, F, G) is reported. The library declassifies only the verdicts that
// discard a candidate (f, g) (coefficient range, norm, Gram-Schmidt norm, f not invertible,
// NTRUSolve failure and its size checks), the sampler's redraws (a discarded draw, and the parity
// redraw of the last coefficient, as in the reference), and h once accepted (the public key).
#include <array>
#include <cstdio>
#include <vector>

#include "../../src/freestanding/sig/falcon/keygen.hpp"
#include "pqcea/core/ct.hpp"
#include "pqcea/falcon.hpp"

using namespace pqcea;
using namespace pqcea::falcon;

namespace {

template <class P, class F>
bool run(std::uint8_t fill) {
  std::vector<std::uint64_t> wsv(Budget<P>::keygen_workspace_bytes / 8);
  const std::span<std::uint8_t> ws(reinterpret_cast<std::uint8_t*>(wsv.data()), Budget<P>::keygen_workspace_bytes);
  std::array<std::uint8_t, kKeygenSeedBytes> seed{};
  seed.fill(fill);
  ct::poison(seed.data(), seed.size());
  std::vector<std::uint8_t> pk(P::pk_bytes), sk(P::sk_bytes);
  const Status st = detail::keygen_with<P, F>(std::span<std::uint8_t, P::pk_bytes>(pk.data(), P::pk_bytes),
                                              std::span<std::uint8_t, P::sk_bytes>(sk.data(), P::sk_bytes), seed, ws);
  ct::declassify(sk.data(), sk.size(), "test: checking the output only");
  return st == Status::ok && sk[0] == 0x50 + P::logn;
}

}  // namespace

int main() {
  bool ok = run<Falcon512, fpr::Emu>(1) && run<Falcon1024, fpr::Emu>(2);
#if defined(PQCEA_FALCON_FPR_HAVE_NATIVE)
  ok = ok && run<Falcon512, fpr::Native>(3) && run<Falcon1024, fpr::Native>(4);
#endif
  std::puts(ok ? "ct_falcon_keygen done" : "ct_falcon_keygen: operation failed");
  return ok ? 0 : 1;
}
