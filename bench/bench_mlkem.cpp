// ML-KEM-512/768/1024 keygen / encaps / decaps, cycles per operation (deterministic internal
// forms, so the figure is the algorithm and not the RNG). Compare with ../shared/ANCHORS.md.
#include <cstring>

#include "cycles.hpp"
#include "pqcea/mlkem.hpp"

using namespace pqcea;
using namespace pqcea::mlkem;

namespace {

template <Params P>
struct Fixture {
  std::array<std::uint8_t, 32> d{}, z{}, m{};
  EncapsKey<P> ek{};
  DecapsKey<P> dk;
  Ciphertext<P> c{};
  SharedKey k;
  Fixture() {
    for (int i = 0; i < 32; ++i) {
      d[i] = static_cast<std::uint8_t>(i);
      z[i] = static_cast<std::uint8_t>(2 * i);
      m[i] = static_cast<std::uint8_t>(3 * i);
    }
    if (keygen_internal<P>(ek, dk.span(), d, z) != Status::ok || encaps_internal<P>(k.span(), c, ek, m) != Status::ok)
      std::abort();
  }
};

// state.range(0): 1 = native arithmetic when available (the default), 0 = portable forced.
void select_backend(benchmark::State& state) {
  use_native_backend(state.range(0) != 0);
  state.SetLabel(backend_name());
}

template <Params P>
void BM_keygen(benchmark::State& state) {
  select_backend(state);
  Fixture<P> f;
  bench::run_cycles(state, [&] {
    f.d[0]++;  // a fresh key each time
    benchmark::DoNotOptimize(keygen_internal<P>(f.ek, f.dk.span(), f.d, f.z));
    benchmark::ClobberMemory();
  });
}

template <Params P>
void BM_encaps(benchmark::State& state) {
  select_backend(state);
  Fixture<P> f;
  bench::run_cycles(state, [&] {
    f.m[0]++;
    benchmark::DoNotOptimize(encaps_internal<P>(f.k.span(), f.c, f.ek, f.m));
    benchmark::ClobberMemory();
  });
}

template <Params P>
void BM_decaps(benchmark::State& state) {
  select_backend(state);
  Fixture<P> f;
  bench::run_cycles(state, [&] {
    benchmark::DoNotOptimize(decaps<P>(f.k.span(), f.c, f.dk.span()));
    benchmark::ClobberMemory();
  });
}

}  // namespace

BENCHMARK(BM_keygen<ml_kem_512>)->Name("ML-KEM-512/keygen")->Arg(1)->Arg(0);
BENCHMARK(BM_encaps<ml_kem_512>)->Name("ML-KEM-512/encaps")->Arg(1)->Arg(0);
BENCHMARK(BM_decaps<ml_kem_512>)->Name("ML-KEM-512/decaps")->Arg(1)->Arg(0);
BENCHMARK(BM_keygen<ml_kem_768>)->Name("ML-KEM-768/keygen")->Arg(1)->Arg(0);
BENCHMARK(BM_encaps<ml_kem_768>)->Name("ML-KEM-768/encaps")->Arg(1)->Arg(0);
BENCHMARK(BM_decaps<ml_kem_768>)->Name("ML-KEM-768/decaps")->Arg(1)->Arg(0);
BENCHMARK(BM_keygen<ml_kem_1024>)->Name("ML-KEM-1024/keygen")->Arg(1)->Arg(0);
BENCHMARK(BM_encaps<ml_kem_1024>)->Name("ML-KEM-1024/encaps")->Arg(1)->Arg(0);
BENCHMARK(BM_decaps<ml_kem_1024>)->Name("ML-KEM-1024/decaps")->Arg(1)->Arg(0);
