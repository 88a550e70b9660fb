// Deliberately overflows the stack inside measure(), so that CTest can check the overflow is
// reported (exit status 2 with STKOF where the core has a stack limit, 3 "stack exhausted" where
// measure() finds its guard words overwritten).
#include <cstdint>

#include "board.hpp"

namespace {
template <std::size_t N>
[[gnu::noinline]] std::uint32_t use_stack() {
  volatile std::uint8_t buf[N];
  for (std::size_t i = 0; i < N; i += 64) buf[i] = static_cast<std::uint8_t>(i);
  return buf[0] + buf[N - 64];
}
}  // namespace

int main() {
  pqcea::board::print("probe_stack_overflow: using 2 MiB of a 1 MiB stack\n");
  const auto m = pqcea::board::measure([] { use_stack<2u << 20>(); });
  pqcea::board::printf("probe_stack_overflow: not detected (%zu bytes)\n", m.stack_bytes);
  return 0;
}
