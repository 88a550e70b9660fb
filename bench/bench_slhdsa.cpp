// SLH-DSA cycles per operation: keygen, sign (hedged, pure, 59-byte message as in the liboqs
// speed test) and verify for all 12 parameter sets. The SHA2 sets run twice: with the native
// SHA-256 backend (SHA-NI where the CPU has it) and on the portable compression ("/portable").
// Compare the ratios with ../shared/ANCHORS.md (liboqs generic: SLH-DSA-SHA2-128s and
// SLH-DSA-SHAKE-128f) from one run on the same machine.
#include <array>
#include <vector>

#include "bench_rng.hpp"
#include "cycles.hpp"
#include "pqcea/hash/backend.hpp"
#include "pqcea/slhdsa.hpp"

using namespace pqcea;
using namespace pqcea::slhdsa;

namespace {

// Switches the native hash backends for one benchmark and restores them.
class Backend {
 public:
  explicit Backend(bool native) : saved_(hash::native_backends_enabled()) { hash::set_native_backends(native); }
  ~Backend() { hash::set_native_backends(saved_); }

 private:
  bool saved_;
};

template <class P, bool Native>
void BM_keygen(benchmark::State& state) {
  Backend b(Native);
  bench::FixedSeedRng rng(2);
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::array<std::uint8_t, P::sk_bytes> sk{};
  bench::run_cycles(state, [&] {
    (void)keygen<P>(pk, sk, rng);
    benchmark::DoNotOptimize(pk.data());
  });
}

template <class P, bool Native>
void BM_sign(benchmark::State& state) {
  Backend b(Native);
  bench::FixedSeedRng rng(2);
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::array<std::uint8_t, P::sk_bytes> sk{};
  (void)keygen<P>(pk, sk, rng);
  std::array<std::uint8_t, 59> msg{};
  std::vector<std::uint8_t> sig(P::sig_bytes);
  std::uint32_t n = 0;
  bench::run_cycles(state, [&] {
    msg[0] = static_cast<std::uint8_t>(n++);
    (void)sign<P>(std::span<std::uint8_t, P::sig_bytes>(sig.data(), P::sig_bytes), sk, Input::pure(msg), rng);
    benchmark::DoNotOptimize(sig.data());
  });
}

template <class P, bool Native>
void BM_verify(benchmark::State& state) {
  Backend b(Native);
  bench::FixedSeedRng rng(2);
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::array<std::uint8_t, P::sk_bytes> sk{};
  (void)keygen<P>(pk, sk, rng);
  std::array<std::uint8_t, 59> msg{};
  std::vector<std::uint8_t> sig(P::sig_bytes);
  (void)sign<P>(std::span<std::uint8_t, P::sig_bytes>(sig.data(), P::sig_bytes), sk, Input::pure(msg), rng);
  bench::run_cycles(state, [&] {
    const Status st = verify<P>(pk, Input::pure(msg), sig);
    benchmark::DoNotOptimize(st);
  });
}

}  // namespace

#define PQCEA_BENCH_SLHDSA(P, label)                                                             \
  BENCHMARK(BM_keygen<P, true>)->Name(label "/keygen")->Unit(benchmark::kMillisecond);          \
  BENCHMARK(BM_sign<P, true>)->Name(label "/sign")->Unit(benchmark::kMillisecond);              \
  BENCHMARK(BM_verify<P, true>)->Name(label "/verify")->Unit(benchmark::kMillisecond);
#define PQCEA_BENCH_SLHDSA_PORTABLE(P, label)                                                    \
  BENCHMARK(BM_keygen<P, false>)->Name(label "/keygen/portable")->Unit(benchmark::kMillisecond); \
  BENCHMARK(BM_sign<P, false>)->Name(label "/sign/portable")->Unit(benchmark::kMillisecond);     \
  BENCHMARK(BM_verify<P, false>)->Name(label "/verify/portable")->Unit(benchmark::kMillisecond);

// The two anchor sets first.
PQCEA_BENCH_SLHDSA(Sha2_128s, "SLH-DSA-SHA2-128s")
PQCEA_BENCH_SLHDSA_PORTABLE(Sha2_128s, "SLH-DSA-SHA2-128s")
PQCEA_BENCH_SLHDSA(Shake_128f, "SLH-DSA-SHAKE-128f")
PQCEA_BENCH_SLHDSA(Sha2_128f, "SLH-DSA-SHA2-128f")
PQCEA_BENCH_SLHDSA_PORTABLE(Sha2_128f, "SLH-DSA-SHA2-128f")
PQCEA_BENCH_SLHDSA(Shake_128s, "SLH-DSA-SHAKE-128s")
PQCEA_BENCH_SLHDSA(Sha2_192s, "SLH-DSA-SHA2-192s")
PQCEA_BENCH_SLHDSA(Sha2_192f, "SLH-DSA-SHA2-192f")
PQCEA_BENCH_SLHDSA(Shake_192s, "SLH-DSA-SHAKE-192s")
PQCEA_BENCH_SLHDSA(Shake_192f, "SLH-DSA-SHAKE-192f")
PQCEA_BENCH_SLHDSA(Sha2_256s, "SLH-DSA-SHA2-256s")
PQCEA_BENCH_SLHDSA(Sha2_256f, "SLH-DSA-SHA2-256f")
PQCEA_BENCH_SLHDSA(Shake_256s, "SLH-DSA-SHAKE-256s")
PQCEA_BENCH_SLHDSA(Shake_256f, "SLH-DSA-SHAKE-256f")
