// Stateful hash-based signatures, cycles per operation: LMS (LMS_SHA256_M32_H10 with
// LMOTS_SHA256_N32_W4 / _W8, one-level HSS) and XMSS-SHA2_10_256.
//   keygen: the whole tree from the seeds (2^10 one-time keys);
//   sign: one signature from a loaded key with the tree built (the crypto: one-time signature and
//         authentication path); sign_durable: the same through the key file, one state write
//         (temp file, fsync, rename, folder fsync) per signature;
//   verify: the freestanding verifier, signature read through the streaming reader.
// SHA-256 runs on the project's backend (SHA-NI where the CPU has it).
#include <unistd.h>

#include <array>
#include <filesystem>

#include "cycles.hpp"
#include "pqcea/host/stateful.hpp"
#include "pqcea/lms.hpp"
#include "pqcea/xmss.hpp"

using namespace pqcea;
using namespace pqcea::host::stateful;

namespace {

std::vector<std::uint8_t> bytes(std::size_t n, std::uint8_t v) { return std::vector<std::uint8_t>(n, v); }

LmsLevel lms_level(const char* ots) {
  return parse_hss_levels(std::string("LMS_SHA256_M32_H10/") + ots)[0];
}

std::string temp_key(const char* tag) {
  return (std::filesystem::temp_directory_path() /
          ("pqcea-bench-" + std::string(tag) + "-" + std::to_string(::getpid()) + ".key"))
      .string();
}

void BM_lms_keygen(benchmark::State& state, const char* ots) {
  const auto I = bytes(16, 1), seed = bytes(32, 2);
  const LmsLevel lv = lms_level(ots);
  bench::run_cycles(state, [&] {
    LmsTree t(lv, std::span<const std::uint8_t, 16>(I.data(), 16), seed);
    benchmark::DoNotOptimize(t.public_key());
  });
}

void BM_lms_sign(benchmark::State& state, const char* ots) {
  const auto I = bytes(16, 1), seed = bytes(32, 2), C = bytes(32, 3), msg = bytes(59, 4);
  LmsTree t(lms_level(ots), std::span<const std::uint8_t, 16>(I.data(), 16), seed);
  std::uint32_t q = 0;
  std::vector<std::uint8_t> sig;
  bench::run_cycles(state, [&] {
    sig.clear();
    t.sign(sig, q++ & 1023, C, msg);
    benchmark::DoNotOptimize(sig.data());
  });
}

void BM_lms_sign_durable(benchmark::State& state, const char* ots) {
  const std::string path = temp_key(ots);
  std::filesystem::remove(path);
  const auto I = bytes(16, 1), seed = bytes(32, 2), msg = bytes(59, 4);
  HssSigner::generate_from_seed(path, {lms_level(ots)}, seed, std::span<const std::uint8_t, 16>(I.data(), 16));
  {
    HssSigner s(path);
    bench::run_cycles(state, [&] {
      if (s.next_index() >= s.capacity()) state.SkipWithError("key exhausted");
      else benchmark::DoNotOptimize(s.sign(msg).data());
    });
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path + ".lock");
}

void BM_lms_verify(benchmark::State& state, const char* ots) {
  const auto I = bytes(16, 1), seed = bytes(32, 2), C = bytes(32, 3), msg = bytes(59, 4);
  LmsTree t(lms_level(ots), std::span<const std::uint8_t, 16>(I.data(), 16), seed);
  std::vector<std::uint8_t> pk{0, 0, 0, 1}, sig{0, 0, 0, 0};
  const auto lpk = t.public_key();
  pk.insert(pk.end(), lpk.begin(), lpk.end());
  t.sign(sig, 517, C, msg);
  bench::run_cycles(state, [&] {
    if (lms::hss_verify(pk, msg, sig) != Status::ok) state.SkipWithError("verify failed");
  });
}

const xmss::Params& xmss10() { return *xmss::find_by_name("XMSS-SHA2_10_256"); }

void BM_xmss_keygen(benchmark::State& state) {
  const auto a = bytes(32, 1), c = bytes(32, 3);
  bench::run_cycles(state, [&] {
    XmssTree t(xmss10(), a, c, 0, 0);
    benchmark::DoNotOptimize(t.root());
  });
}

void BM_xmss_sign(benchmark::State& state, std::uint64_t reservation) {
  const std::string path = temp_key(reservation == 1 ? "xmss-durable" : "xmss");
  std::filesystem::remove(path);
  XmssSigner::generate_from_seeds(path, xmss10(), bytes(32, 1), bytes(32, 2), bytes(32, 3));
  const auto msg = bytes(59, 4);
  {
    XmssSigner s(path);
    s.set_reservation(reservation);
    (void)s.sign(msg);  // builds the tree outside the timed loop
    bench::run_cycles(state, [&] {
      if (s.next_index() >= s.capacity()) state.SkipWithError("key exhausted");
      else benchmark::DoNotOptimize(s.sign(msg).data());
    });
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path + ".lock");
}

void BM_xmss_verify(benchmark::State& state) {
  const auto msg = bytes(59, 4);
  const auto sig = xmss_sign_stateless_for_tests(xmss10(), bytes(32, 1), bytes(32, 2), bytes(32, 3), 517, msg);
  const auto pk = xmss_public_key(xmss10(), bytes(32, 1), bytes(32, 3));
  bench::run_cycles(state, [&] {
    if (xmss::verify(pk, msg, sig) != Status::ok) state.SkipWithError("verify failed");
  });
}

}  // namespace

BENCHMARK_CAPTURE(BM_lms_keygen, H10_W4, "LMOTS_SHA256_N32_W4")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_lms_keygen, H10_W8, "LMOTS_SHA256_N32_W8")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_lms_sign, H10_W4, "LMOTS_SHA256_N32_W4")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_lms_sign, H10_W8, "LMOTS_SHA256_N32_W8")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_lms_sign_durable, H10_W4, "LMOTS_SHA256_N32_W4")->Unit(benchmark::kMicrosecond)->Iterations(200);
BENCHMARK_CAPTURE(BM_lms_verify, H10_W4, "LMOTS_SHA256_N32_W4")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_lms_verify, H10_W8, "LMOTS_SHA256_N32_W8")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_xmss_keygen)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_xmss_sign, SHA2_10_256, std::uint64_t{1024})->Unit(benchmark::kMicrosecond)->Iterations(500);
BENCHMARK_CAPTURE(BM_xmss_sign, SHA2_10_256_durable, std::uint64_t{1})->Unit(benchmark::kMicrosecond)->Iterations(200);
BENCHMARK(BM_xmss_verify)->Unit(benchmark::kMicrosecond);
