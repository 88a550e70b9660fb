// Constant-time check of Falcon signing under valgrind memcheck, for Falcon-512/1024, both
// formats and both floating-point backends (native SSE2 doubles and the integer emulation): the
// private key (all but its header byte) and the sampler seed are poisoned, so any branch or memory
// index that depends on them is reported. The library declassifies only (a) the validity of the
// private key, (b) the two sampler decisions published by design (BerExp's extra byte when a
// uniform byte equals the threshold byte; SamplerZ's rejection, whose rate does not depend on the
// secret), (c) whether an attempt's norm passes the bound, (d) s2 once accepted (the signature).
#include <array>
#include <cstdio>
#include <vector>

#include "../../src/freestanding/sig/falcon/sign.hpp"
#include "pqcea/core/ct.hpp"
#include "pqcea/falcon.hpp"

using namespace pqcea;
using namespace pqcea::falcon;

namespace {

template <class P, class F>
bool run(const std::vector<std::uint8_t>& pk, std::vector<std::uint8_t> sk) {
  std::vector<std::uint64_t> wsv(Budget<P>::sign_workspace_bytes / 8);
  const std::span<std::uint8_t> ws(reinterpret_cast<std::uint8_t*>(wsv.data()), Budget<P>::sign_workspace_bytes);
  ct::poison(sk.data() + 1, P::sk_bytes - 1);
  std::array<std::uint8_t, kSignSeedBytes> seed{};
  seed.fill(0x3C);
  ct::poison(seed.data(), seed.size());
  std::array<std::uint8_t, kNonceBytes> nonce{};
  nonce.fill(0x11);
  std::array<std::uint8_t, 40> msg{};
  std::vector<std::uint8_t> sig(P::sig_max_bytes);
  for (int m = 0; m < 2; ++m) {
    msg[0] = static_cast<std::uint8_t>(m);
    for (Format fmt : {Format::compressed, Format::padded}) {
      std::size_t len = 0;
      if (sign_internal_with<P, F>(sig, len, std::span<const std::uint8_t, P::sk_bytes>(sk.data(), P::sk_bytes), msg,
                                   nonce, seed, fmt, ws) != Status::ok)
        return false;
      ct::declassify(sig.data(), len, "test: the signature is the public output");
      if (verify<P>(std::span<const std::uint8_t, P::pk_bytes>(pk.data(), P::pk_bytes), msg,
                    std::span<const std::uint8_t>(sig.data(), len), fmt) != Status::ok)
        return false;
    }
  }
  return true;
}

template <class P>
bool run_all() {
  std::vector<std::uint8_t> pk(P::pk_bytes), sk(P::sk_bytes);
  std::array<std::uint8_t, kKeygenSeedBytes> kseed{};
  kseed.fill(static_cast<std::uint8_t>(P::logn));
  std::vector<std::uint64_t> kws(Budget<P>::keygen_workspace_bytes / 8);
  if (keygen_internal<P>(std::span<std::uint8_t, P::pk_bytes>(pk.data(), P::pk_bytes),
                         std::span<std::uint8_t, P::sk_bytes>(sk.data(), P::sk_bytes), kseed,
                         std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(kws.data()),
                                                 Budget<P>::keygen_workspace_bytes)) != Status::ok)
    return false;
  bool ok = run<P, fpr::Emu>(pk, sk);
#if defined(PQCEA_FALCON_FPR_HAVE_NATIVE)
  ok = ok && run<P, fpr::Native>(pk, sk);
#endif
  return ok;
}

}  // namespace

int main() {
  const bool ok = run_all<Falcon512>() && run_all<Falcon1024>();
  std::puts(ok ? "ct_falcon done" : "ct_falcon: operation failed");
  return ok ? 0 : 1;
}
