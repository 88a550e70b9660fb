// Handing the CPU from one image to another on a Cortex-M (bootloader -> application, and the
// application's restart through the bootloader).
#pragma once
#include <cstdint>

namespace pqcea::cortex_m {

// Interrupts off, SysTick stopped and its pending request cleared, the stack limit lifted, VTOR set
// to `vector_table`, MSP loaded from its first word, interrupts on again (nothing is left that
// could fire), then a branch to its reset vector. The target starts as after a reset, except that
// the MPU configuration and RAM contents stay.
[[noreturn]] void handover(std::uint32_t vector_table);

}  // namespace pqcea::cortex_m
