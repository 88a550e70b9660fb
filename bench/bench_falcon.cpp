// Falcon cycles per operation: keygen, sign (compressed, 59-byte message as in the liboqs speed
// test, fresh nonce and seed each time) and verify, for Falcon-512/1024. Signing is measured with
// the native SSE2 doubles (the default on x86-64; compare with liboqs "native") and with the
// integer-emulated binary64 (the portable path; compare with liboqs "generic", which also uses
// doubles, so the emulation pays its full price there). Anchors: ../shared/ANCHORS.md.
#include <array>
#include <vector>

#include "../src/freestanding/sig/falcon/sign.hpp"
#include "bench_rng.hpp"
#include "cycles.hpp"
#include "pqcea/falcon.hpp"

using namespace pqcea;
using namespace pqcea::falcon;

namespace {

template <class P>
struct Fixture {
  bench::FixedSeedRng rng{3};
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::array<std::uint8_t, P::sk_bytes> sk{};
  std::vector<std::uint64_t> kws = std::vector<std::uint64_t>(Budget<P>::keygen_workspace_bytes / 8 + 1);
  std::vector<std::uint64_t> sws = std::vector<std::uint64_t>(Budget<P>::sign_workspace_bytes / 8 + 1);
  std::span<std::uint8_t> kw() { return {reinterpret_cast<std::uint8_t*>(kws.data()), Budget<P>::keygen_workspace_bytes}; }
  std::span<std::uint8_t> sw() { return {reinterpret_cast<std::uint8_t*>(sws.data()), Budget<P>::sign_workspace_bytes}; }
  bool ok = false;
  Fixture() { ok = keygen<P>(pk, sk, rng, kw()) == Status::ok; }
};

template <class P>
void BM_keygen(benchmark::State& state) {
  Fixture<P> fx;
  bench::run_cycles(state, [&] {
    (void)keygen<P>(fx.pk, fx.sk, fx.rng, fx.kw());
    benchmark::DoNotOptimize(fx.pk.data());
  });
}

template <class P, class F>
void BM_sign(benchmark::State& state) {
  Fixture<P> fx;
  if (!fx.ok) {
    state.SkipWithError("key generation failed");
    return;
  }
  std::array<std::uint8_t, 59> msg{};
  std::array<std::uint8_t, P::sig_max_bytes> sig{};
  std::array<std::uint8_t, kNonceBytes> nonce{};
  std::array<std::uint8_t, kSignSeedBytes> seed{};
  std::size_t len = 0;
  bench::run_cycles(state, [&] {
    (void)fx.rng.generate(nonce);
    (void)fx.rng.generate(seed);
    (void)sign_internal_with<P, F>(sig, len, fx.sk, msg, nonce, seed, Format::compressed, fx.sw());
    benchmark::DoNotOptimize(sig.data());
  });
}

template <class P>
void BM_verify(benchmark::State& state) {
  Fixture<P> fx;
  std::array<std::uint8_t, 59> msg{};
  std::array<std::uint8_t, P::sig_max_bytes> sig{};
  std::size_t len = 0;
  if (!fx.ok || sign<P>(sig, len, fx.sk, msg, Format::compressed, fx.rng, fx.sw()) != Status::ok) {
    state.SkipWithError("key generation or signing failed");
    return;
  }
  bench::run_cycles(state, [&] {
    const Status st = verify<P>(fx.pk, msg, std::span<const std::uint8_t>(sig.data(), len), Format::compressed);
    benchmark::DoNotOptimize(st);
  });
}

}  // namespace

BENCHMARK(BM_keygen<Falcon512>)->Name("Falcon-512/keygen");
BENCHMARK(BM_sign<Falcon512, fpr::Default>)->Name("Falcon-512/sign");
BENCHMARK(BM_sign<Falcon512, fpr::Emu>)->Name("Falcon-512/sign/emu");
BENCHMARK(BM_verify<Falcon512>)->Name("Falcon-512/verify");
BENCHMARK(BM_keygen<Falcon1024>)->Name("Falcon-1024/keygen");
BENCHMARK(BM_sign<Falcon1024, fpr::Default>)->Name("Falcon-1024/sign");
BENCHMARK(BM_sign<Falcon1024, fpr::Emu>)->Name("Falcon-1024/sign/emu");
BENCHMARK(BM_verify<Falcon1024>)->Name("Falcon-1024/verify");
