// SysTick as a 64-bit counter of processor-clock ticks. Under QEMU with -icount shift=0 every
// guest instruction advances virtual time by exactly 1 ns, so ticks * (1e9 / clock) counts
// instructions with a resolution of one tick.
#include "cortex_m.hpp"

namespace pqcea::cortex_m {
namespace {
volatile std::uint32_t g_wraps = 0;  // 2^32 wraps of 2^24 ticks: no overflow in practice
constexpr std::uint32_t kReload = 0x00FFFFFF;
constexpr std::uint32_t kCsrEnable = 1u << 0;
constexpr std::uint32_t kCsrTickInt = 1u << 1;
constexpr std::uint32_t kCsrClkSourceCpu = 1u << 2;
constexpr std::uint32_t kIcsrPendStSet = 1u << 26;
}  // namespace

namespace systick {

void start() {
  reg(SYST_CSR) = 0;
  reg(SYST_RVR) = kReload;
  reg(SYST_CVR) = 0;  // any write clears the current value; it reloads on the next tick
  g_wraps = 0;
  reg(SYST_CSR) = kCsrEnable | kCsrTickInt | kCsrClkSourceCpu;
}

std::uint64_t ticks() {
  std::uint32_t primask;
  __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
  std::uint32_t hi = g_wraps;
  std::uint32_t val = reg(SYST_CVR);
  if ((reg(SCB_ICSR) & kIcsrPendStSet) != 0) {
    // A wrap happened that the handler has not counted yet: read the value again (it is now
    // certainly after the wrap) and count the wrap here.
    val = reg(SYST_CVR);
    ++hi;
  }
  __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
  return (static_cast<std::uint64_t>(hi) << 24) + (kReload - val);
}

}  // namespace systick

void enable_fpu() {
  reg(SCB_CPACR) = reg(SCB_CPACR) | (0xFu << 20);
  dsb();
  isb();
}

}  // namespace pqcea::cortex_m

extern "C" void SysTick_Handler() { pqcea::cortex_m::g_wraps = pqcea::cortex_m::g_wraps + 1; }
