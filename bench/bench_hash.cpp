#include <vector>

#include "cycles.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"

using namespace pqcea;

namespace {

template <typename H>
void BM_hash(benchmark::State& state) {
  std::vector<std::uint8_t> msg(static_cast<std::size_t>(state.range(0)), 0x5a);
  std::uint8_t out[64];
  bench::run_cycles(state, [&] {
    H::hash(out, msg.data(), msg.size());
    benchmark::DoNotOptimize(out);
  }, msg.size());
}

template <typename X>
void BM_xof_squeeze(benchmark::State& state) {
  std::vector<std::uint8_t> out(static_cast<std::size_t>(state.range(0)));
  std::uint8_t seed[32] = {1};
  bench::run_cycles(state, [&] {
    X::hash(out.data(), out.size(), seed, sizeof seed);
    benchmark::DoNotOptimize(out.data());
  }, out.size());
}

void BM_keccak_f1600(benchmark::State& state) {
  std::uint64_t s[25] = {};
  bench::run_cycles(state, [&] {
    hash::keccak_f1600(s);
    benchmark::DoNotOptimize(s);
  });
}

}  // namespace

BENCHMARK(BM_keccak_f1600)->Name("Keccak-f1600");
BENCHMARK(BM_hash<hash::Sha3_256>)->Name("SHA3_256")->Arg(64)->Arg(1024)->Arg(16384);
BENCHMARK(BM_hash<hash::Sha3_512>)->Name("SHA3_512")->Arg(1024)->Arg(16384);
BENCHMARK(BM_xof_squeeze<hash::Shake128>)->Name("SHAKE128_squeeze")->Arg(1024)->Arg(16384);
BENCHMARK(BM_xof_squeeze<hash::Shake256>)->Name("SHAKE256_squeeze")->Arg(1024)->Arg(16384);
BENCHMARK(BM_hash<hash::Sha256>)->Name("SHA256")->Arg(64)->Arg(1024)->Arg(16384);
BENCHMARK(BM_hash<hash::Sha512>)->Name("SHA512")->Arg(1024)->Arg(16384);
