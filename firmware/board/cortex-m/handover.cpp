// Cortex-M hand-over between images (handover.hpp). ARMv7-M / ARMv8-M: VTOR at 0xE000ED08; the
// vector table's word 0 is the initial main stack pointer, word 1 the reset vector (Thumb bit set).
#include "handover.hpp"

#include "cortex_m.hpp"

namespace pqcea::cortex_m {

void handover(std::uint32_t vector_table) {
  constexpr std::uint32_t kIcsrPendStClr = 1u << 25;
  __asm__ volatile("cpsid i" ::: "memory");
  reg(SYST_CSR) = 0;
  reg(SCB_ICSR) = kIcsrPendStClr;
#if defined(__ARM_ARCH_8M_MAIN__)
  __asm__ volatile("msr msplim, %0" ::"r"(0u));  // the target sets its own limit
#endif
  reg(SCB_VTOR) = vector_table;
  dsb();
  isb();
  const volatile std::uint32_t* vt = reinterpret_cast<const volatile std::uint32_t*>(vector_table);
  const std::uint32_t sp = vt[0];
  const std::uint32_t entry = vt[1];
  __asm__ volatile(
      "msr msp, %0\n\t"
      "cpsie i\n\t"
      "bx %1\n\t" ::"r"(sp),
      "r"(entry)
      : "memory");
  __builtin_unreachable();
}

}  // namespace pqcea::cortex_m
