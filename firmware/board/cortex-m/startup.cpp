// Cortex-M start-up: vector table, reset handler (FPU on, .data copied, .bss zeroed, C++ static
// constructors run), fault handlers that print and exit non-zero, and the stack painter used by
// pqcea::board::measure().
#include <cstddef>
#include <cstdint>

#include "board.hpp"
#include "cortex_m.hpp"
#include "port.hpp"

extern "C" {
// Linker-script symbols (sections.ld).
extern std::uint32_t __pqcea_data_load[];
extern std::uint32_t __pqcea_data_start[];
extern std::uint32_t __pqcea_data_end[];
extern std::uint32_t __pqcea_bss_start[];
extern std::uint32_t __pqcea_bss_end[];
extern void (*__preinit_array_start[])();
extern void (*__preinit_array_end[])();
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();

int main();
void Reset_Handler();
void NMI_Handler();
void HardFault_Handler();
void Default_Handler();
void SysTick_Handler();
[[noreturn]] void pqcea_reset_c();
[[noreturn]] void pqcea_fault_report(const std::uint32_t* frame, std::uint32_t exc_return);
}

namespace {

using Handler = void (*)();

// The exception a fault handler reports, from IPSR.
std::uint32_t active_exception() {
  std::uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  return ipsr & 0x1FFu;
}

constexpr int kExitFault = 2;  // documented in firmware/README.md

}  // namespace

// A separate small stack for the fault handler, so that a fault caused by a stack overflow can
// still be reported.
extern "C" {
alignas(8) std::uint32_t pqcea_fault_stack[256];
}

// System exceptions 1..15 and 48 external interrupts (both QEMU boards wire fewer than 96, none
// enabled). Slot 0 is the initial main stack pointer.
constexpr std::size_t kVectorCount = 16 + 48;
extern "C" [[gnu::used, gnu::section(".vectors")]] const Handler pqcea_vector_table[kVectorCount] = {
    reinterpret_cast<Handler>(__pqcea_stack_top),
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    HardFault_Handler,  // MemManage
    HardFault_Handler,  // BusFault
    HardFault_Handler,  // UsageFault
    HardFault_Handler,  // SecureFault (ARMv8-M), reserved on ARMv7-M
    nullptr, nullptr, nullptr,
    Default_Handler,  // SVCall
    Default_Handler,  // DebugMonitor
    nullptr,
    Default_Handler,  // PendSV
    SysTick_Handler,
    // External interrupts 0..47: Default_Handler.
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
};

// The first instructions after reset: set the stack pointer (a debugger or loader may not have),
// enable the FPU before any compiler-generated code could use a floating-point register, then
// continue in C++.
extern "C" [[gnu::naked]] void Reset_Handler() {
  __asm__ volatile(
      "ldr r0, =__pqcea_stack_top\n\t"
      "msr msp, r0\n\t"
      "ldr r0, =0xE000ED88\n\t"  // CPACR: CP10 and CP11 full access
      "ldr r1, [r0]\n\t"
      "orr r1, r1, #(0xF << 20)\n\t"
      "str r1, [r0]\n\t"
      "dsb\n\t"
      "isb\n\t"
      "b pqcea_reset_c\n\t"
      ".ltorg");
}

extern "C" void pqcea_reset_c() {
  pqcea::board::port::early_init();
  // Word copies with volatile pointers: the C library is not set up yet, and the compiler must
  // not turn these loops into calls.
  volatile std::uint32_t* dst = __pqcea_data_start;
  const volatile std::uint32_t* src = __pqcea_data_load;
  while (dst < __pqcea_data_end) *dst++ = *src++;
  for (volatile std::uint32_t* p = __pqcea_bss_start; p < __pqcea_bss_end;) *p++ = 0;
  for (auto* f = __preinit_array_start; f < __preinit_array_end; ++f) (*f)();
  for (auto* f = __init_array_start; f < __init_array_end; ++f) (*f)();
  pqcea::board::port::init();
  const int status = main();
  pqcea::board::exit(status);
}

extern "C" void NMI_Handler() {
  pqcea::board::print("\n*** NMI\n");
  pqcea::board::exit(kExitFault);
}

extern "C" void Default_Handler() {
  pqcea::board::printf("\n*** unexpected exception %lu\n", static_cast<unsigned long>(active_exception()));
  pqcea::board::exit(kExitFault);
}

// Finds the exception frame (MSP or PSP, from EXC_RETURN bit 2), moves to the fault stack (with
// the ARMv8-M stack limit lifted, since the fault may be a stack-limit violation) and reports.
extern "C" [[gnu::naked]] void HardFault_Handler() {
  __asm__ volatile(
      "tst lr, #4\n\t"
      "ite eq\n\t"
      "mrseq r0, msp\n\t"
      "mrsne r0, psp\n\t"
      "mov r1, lr\n\t"
#if defined(__ARM_ARCH_8M_MAIN__)
      "movs r2, #0\n\t"
      "msr msplim, r2\n\t"
#endif
      "ldr r2, =pqcea_fault_stack + 1024\n\t"
      "msr msp, r2\n\t"
      "b pqcea_fault_report\n\t"
      ".ltorg");
}

extern "C" void pqcea_fault_report(const std::uint32_t* frame, std::uint32_t exc_return) {
  using namespace pqcea::cortex_m;
  const std::uint32_t cfsr = reg(SCB_CFSR);
  const std::uint32_t hfsr = reg(SCB_HFSR);
  pqcea::board::printf("\n*** fault: exception %lu, CFSR=0x%08lx HFSR=0x%08lx MMFAR=0x%08lx BFAR=0x%08lx EXC_RETURN=0x%08lx\n",
                       static_cast<unsigned long>(active_exception()), static_cast<unsigned long>(cfsr),
                       static_cast<unsigned long>(hfsr), static_cast<unsigned long>(reg(SCB_MMFAR)),
                       static_cast<unsigned long>(reg(SCB_BFAR)), static_cast<unsigned long>(exc_return));
  const auto f = reinterpret_cast<std::uintptr_t>(frame);
  const auto lo = reinterpret_cast<std::uintptr_t>(__pqcea_stack_bottom);
  const auto hi = reinterpret_cast<std::uintptr_t>(__pqcea_stack_top);
  if (f >= lo && f + 32 <= hi) {
    pqcea::board::printf("*** stacked PC=0x%08lx LR=0x%08lx SP=0x%08lx\n", static_cast<unsigned long>(frame[6]),
                         static_cast<unsigned long>(frame[5]), static_cast<unsigned long>(f));
  } else {
    pqcea::board::printf("*** exception frame not on the stack (SP=0x%08lx): stack overflow?\n",
                         static_cast<unsigned long>(f));
  }
  if ((cfsr & (1u << 20)) != 0) pqcea::board::print("*** UsageFault STKOF: stack limit (MSPLIM) reached\n");
  pqcea::board::exit(kExitFault);
}

// Paints [__pqcea_stack_bottom, sp) with 0xC5ACCE55 (board.hpp: kStackPaint). Uses no stack, so it
// paints right up to its caller's stack pointer.
extern "C" [[gnu::naked]] void pqcea_paint_stack() {
  __asm__ volatile(
      "ldr r0, =__pqcea_stack_bottom\n\t"
      "mov r1, sp\n\t"
      "ldr r2, =0xC5ACCE55\n\t"
      "1:\n\t"
      "cmp r0, r1\n\t"
      "bhs 2f\n\t"
      "str r2, [r0], #4\n\t"
      "b 1b\n\t"
      "2:\n\t"
      "bx lr\n\t"
      ".ltorg");
}
