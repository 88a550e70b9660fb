// ML-DSA cycles per operation: keygen, sign (hedged, pure, 59-byte message as in the liboqs
// speed test) and verify for ML-DSA-44/65/87, fast and low-memory modes. Sign cycles are a mean
// over many messages (the rejection loop makes single signatures vary). Compare the ratios with
// ../shared/ANCHORS.md (liboqs generic / x86-64-v3) from one run on the same machine.
#include <array>

#include "bench_rng.hpp"
#include "cycles.hpp"
#include "pqcea/mldsa.hpp"

using namespace pqcea;
using namespace pqcea::mldsa;

namespace {

template <class P, Memory M>
void BM_keygen(benchmark::State& state) {
  bench::FixedSeedRng rng(1);
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::array<std::uint8_t, P::sk_bytes> sk{};
  bench::run_cycles(state, [&] {
    (void)keygen<P, M>(pk, sk, rng);
    benchmark::DoNotOptimize(pk.data());
  });
}

template <class P, Memory M>
void BM_sign(benchmark::State& state) {
  bench::FixedSeedRng rng(1);
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::array<std::uint8_t, P::sk_bytes> sk{};
  (void)keygen<P, M>(pk, sk, rng);
  std::array<std::uint8_t, 59> msg{};
  std::array<std::uint8_t, P::sig_bytes> sig{};
  std::uint32_t n = 0;
  bench::run_cycles(state, [&] {
    msg[0] = static_cast<std::uint8_t>(n);
    msg[1] = static_cast<std::uint8_t>(n++ >> 8);
    (void)sign<P, M>(sig, PrivateKey<P>::expanded(sk), Input::pure(msg), rng);
    benchmark::DoNotOptimize(sig.data());
  });
}

template <class P, Memory M>
void BM_verify(benchmark::State& state) {
  bench::FixedSeedRng rng(1);
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::array<std::uint8_t, P::sk_bytes> sk{};
  (void)keygen<P, M>(pk, sk, rng);
  std::array<std::uint8_t, 59> msg{};
  std::array<std::uint8_t, P::sig_bytes> sig{};
  (void)sign<P, M>(sig, PrivateKey<P>::expanded(sk), Input::pure(msg), rng);
  bench::run_cycles(state, [&] {
    const Status st = verify<P, M>(pk, Input::pure(msg), sig);
    benchmark::DoNotOptimize(st);
  });
}

}  // namespace

#define PQCEA_BENCH_MLDSA(P, NAME)                                                                  \
  BENCHMARK(BM_keygen<P, Memory::fast>)->Name(NAME "/keygen");                                      \
  BENCHMARK(BM_sign<P, Memory::fast>)->Name(NAME "/sign");                                          \
  BENCHMARK(BM_verify<P, Memory::fast>)->Name(NAME "/verify");                                      \
  BENCHMARK(BM_keygen<P, Memory::low>)->Name(NAME "/keygen/lowmem");                                \
  BENCHMARK(BM_sign<P, Memory::low>)->Name(NAME "/sign/lowmem");                                    \
  BENCHMARK(BM_verify<P, Memory::low>)->Name(NAME "/verify/lowmem");

PQCEA_BENCH_MLDSA(MlDsa44, "ML-DSA-44")
PQCEA_BENCH_MLDSA(MlDsa65, "ML-DSA-65")
PQCEA_BENCH_MLDSA(MlDsa87, "ML-DSA-87")
