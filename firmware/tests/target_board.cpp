// Self-test of the board port: formatted output, the instruction counter against a loop of known
// length (this is what checks the instructions-per-tick factor of the board), and stack
// measurement of known frames, including one larger than 256 KiB.
#include <cstdint>
#include <cstring>

#include "board.hpp"
#include "testing.hpp"

namespace {

using pqcea::board::Measurement;
using pqcea::board::measure;

bool formats_as(pqcea::target::Checks& checks, const char* expected, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool formats_as(pqcea::target::Checks& checks, const char* expected, const char* fmt, ...) {
  char buf[64];
  std::va_list ap;
  va_start(ap, fmt);
  const int n = pqcea::board::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  const bool ok = std::strcmp(buf, expected) == 0 && n == static_cast<int>(std::strlen(expected));
  if (!ok) pqcea::board::printf("  format \"%s\": got \"%s\" (%d), expected \"%s\"\n", fmt, buf, n, expected);
  return checks.that("printf format", ok);
}

// Exactly 1 + 2 * n instructions (mov, then subs/bne per iteration).
[[gnu::noinline]] void counted_loop(std::uint32_t n) {
  __asm__ volatile(
      "mov r0, %0\n\t"
      "1:\n\t"
      "subs r0, r0, #1\n\t"
      "bne 1b\n\t" ::"r"(n)
      : "r0", "cc");
}

// Touches `n` bytes of stack in a frame of its own.
template <std::size_t N>
[[gnu::noinline]] std::uint32_t use_stack() {
  volatile std::uint8_t buf[N];
  for (std::size_t i = 0; i < N; i += 64) buf[i] = static_cast<std::uint8_t>(i);
  buf[0] = 1;
  return buf[0] + buf[N - 64];
}

}  // namespace

int target_main() {
  pqcea::target::Checks checks;

  formats_as(checks, "-5|42|ff|FF|000000ff", "%d|%u|%x|%X|%08x", -5, 42u, 255u, 255u, 255u);
  formats_as(checks, "4294967295|1099511627776", "%lu|%llu", 4294967295ul, 1ull << 40);
  formats_as(checks, "-9223372036854775808", "%lld", static_cast<long long>(-9223372036854775807ll - 1));
  formats_as(checks, "[ab   ][   ab][abc]", "[%-5s][%5s][%.3s]", "ab", "ab", "abcdef");
  formats_as(checks, "[   -7][-7   ][-0007]", "[%5d][%-5d][%05d]", -7, -7, -7);
  formats_as(checks, "123456|x|%|0x00001000", "%zu|%c|%%|%p", static_cast<std::size_t>(123456), 'x',
             reinterpret_cast<void*>(0x1000));
  {
    char small[6];
    const int n = pqcea::board::snprintf(small, sizeof small, "%s", "truncated");
    checks.that("snprintf truncates and NUL-terminates", n == 9 && std::strcmp(small, "trunc") == 0);
  }

  // Instruction counter: a loop of 2n+1 instructions, plus the call and return (a few).
  const std::uint32_t res = pqcea::board::instruction_resolution();
  for (std::uint32_t n : {1000u, 100000u, 3000000u}) {
    const Measurement m = measure([n] { counted_loop(n); });
    const std::uint64_t expected = 2ull * n + 1;
    pqcea::board::printf("counted loop of %llu instructions: measured %llu (resolution %lu)\n",
                         static_cast<unsigned long long>(expected), static_cast<unsigned long long>(m.instructions),
                         static_cast<unsigned long>(res));
    checks.that("instruction count of a known loop",
                m.instructions + res >= expected && m.instructions <= expected + 2 * res + 32);
  }
  // Long enough for the 24-bit SysTick to wrap (2^24 ticks): the 64-bit extension must hold.
  {
    const std::uint32_t n = 25'000'000;
    const Measurement m = measure([n] { counted_loop(n); });
    const std::uint64_t expected = 2ull * n + 1;
    pqcea::board::printf("counted loop of %llu instructions across SysTick wraps: measured %llu\n",
                         static_cast<unsigned long long>(expected), static_cast<unsigned long long>(m.instructions));
    checks.that("instruction count across counter wraps",
                m.instructions + res >= expected && m.instructions <= expected + 2 * res + 256);
  }

  // Stack measurement: frames of known size are seen within a small overhead.
  {
    const Measurement m = measure([] { use_stack<4096>(); });
    pqcea::board::printf("stack of a 4096-byte frame: %zu bytes\n", m.stack_bytes);
    checks.that("stack of a 4 KiB frame", m.stack_bytes >= 4096 && m.stack_bytes <= 4096 + 128);
  }
  {
    const Measurement m = measure([] { use_stack<300 * 1024>(); });
    pqcea::board::printf("stack of a 300 KiB frame: %zu bytes\n", m.stack_bytes);
    checks.that("stack of a 300 KiB frame", m.stack_bytes >= 300 * 1024 && m.stack_bytes <= 300 * 1024 + 128);
  }
  {
    const Measurement m = measure([] {});
    pqcea::board::printf("empty function: %llu instructions, %zu bytes of stack\n",
                         static_cast<unsigned long long>(m.instructions), m.stack_bytes);
    // The floor of the method: the counter reads after fn touch a few words below the caller.
    checks.that("empty function costs almost nothing", m.instructions <= res + 32 && m.stack_bytes <= 128);
  }
  return checks.finish();
}
