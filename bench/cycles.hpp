// Cycle counting for the benchmarks: the time-stamp counter on x86-64 (reference cycles, as in
// ../shared/ANCHORS.md), steady_clock nanoseconds elsewhere. Use report_cycles() at the end of a
// benchmark loop to publish "cycles/op" (median-friendly: Google Benchmark aggregates repetitions).
#pragma once
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace pqcea::bench {

inline std::uint64_t cycles_now() {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

// Runs `op` once per iteration, records total cycles, and reports cycles per op (and per byte
// when bytes_per_op > 0).
template <typename F>
void run_cycles(benchmark::State& state, F&& op, std::size_t bytes_per_op = 0) {
  std::uint64_t total = 0;
  for (auto _ : state) {
    std::uint64_t t0 = cycles_now();
    op();
    total += cycles_now() - t0;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["cycles/op"] = benchmark::Counter(static_cast<double>(total) / n);
  if (bytes_per_op > 0) {
    state.counters["cycles/byte"] = benchmark::Counter(static_cast<double>(total) / n / static_cast<double>(bytes_per_op));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes_per_op));
  }
}

}  // namespace pqcea::bench
