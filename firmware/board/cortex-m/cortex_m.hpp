// Architectural registers shared by every Cortex-M (ARMv7-M and ARMv8-M Mainline), and the
// helpers that are the same on every Cortex-M board (semihosting, SysTick counter).
#pragma once
#include <cstddef>
#include <cstdint>

namespace pqcea::cortex_m {

inline volatile std::uint32_t& reg(std::uintptr_t addr) {
  return *reinterpret_cast<volatile std::uint32_t*>(addr);
}

// System Control Space (ARMv7-M ARM B3.2, ARMv8-M ARM D1.2).
constexpr std::uintptr_t SYST_CSR = 0xE000E010;
constexpr std::uintptr_t SYST_RVR = 0xE000E014;
constexpr std::uintptr_t SYST_CVR = 0xE000E018;
constexpr std::uintptr_t SCB_ICSR = 0xE000ED04;
constexpr std::uintptr_t SCB_VTOR = 0xE000ED08;
constexpr std::uintptr_t SCB_CCR = 0xE000ED14;
constexpr std::uintptr_t SCB_SHCSR = 0xE000ED24;
constexpr std::uintptr_t SCB_CFSR = 0xE000ED28;
constexpr std::uintptr_t SCB_HFSR = 0xE000ED2C;
constexpr std::uintptr_t SCB_MMFAR = 0xE000ED34;
constexpr std::uintptr_t SCB_BFAR = 0xE000ED38;
constexpr std::uintptr_t SCB_CPACR = 0xE000ED88;

inline void dsb() { __asm__ volatile("dsb" ::: "memory"); }
inline void isb() { __asm__ volatile("isb" ::: "memory"); }

// ---- semihosting (ARM "Semihosting for AArch32 and AArch64", v2) -----------------------------
namespace semihosting {
constexpr std::uint32_t SYS_WRITEC = 0x03;
constexpr std::uint32_t SYS_WRITE0 = 0x04;
constexpr std::uint32_t SYS_EXIT = 0x18;
constexpr std::uint32_t SYS_EXIT_EXTENDED = 0x20;
constexpr std::uint32_t ADP_Stopped_ApplicationExit = 0x20026;

inline std::uint32_t call(std::uint32_t op, const void* arg) {
  register std::uint32_t r0 __asm__("r0") = op;
  register const void* r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}
// Writes n bytes through SYS_WRITE0 in NUL-terminated chunks (embedded NULs are skipped).
void write(const char* s, std::size_t n);
// SYS_EXIT_EXTENDED: the status becomes the debugger's (QEMU's) exit status.
[[noreturn]] void exit(int status);
}  // namespace semihosting

// ---- SysTick as a 64-bit counter --------------------------------------------------------------
// SysTick runs from the processor clock, wraps every 2^24 ticks, and its interrupt extends the
// count to 64 bits.
namespace systick {
void start();
std::uint64_t ticks();
}  // namespace systick

// Enables the FPU (CP10/CP11 full access). Safe to call on a part without one.
void enable_fpu();

}  // namespace pqcea::cortex_m
