// The port interface: what a board folder (firmware/board/<board>/) implements. Code above the
// board (board.hpp, the test runner, the bootloader later) talks only to these functions, so a
// new board is a new folder, never an #ifdef.
//
// Each board folder also provides a linker script that defines the symbols below and a
// board.cmake that names its sources, linker script, compile flags and how to run it.
#pragma once
#include <cstddef>
#include <cstdint>

namespace pqcea::board::port {

// Runs first on reset, before .data/.bss are set up and before static constructors: only
// register writes (e.g. the stack limit). Must not touch .data or .bss.
void early_init();
// Runs after the C++ runtime is set up, before main(): clocks, counters, console.
void init();

const char* name();

// Writes n bytes to the console (semihosting on the QEMU boards, a UART on a real part).
void console_write(const char* s, std::size_t n);
// Ends the program with the status as the result (the emulator's exit status on QEMU; a real
// board may reset or halt).
[[noreturn]] void exit(int status);

// A monotonic count of executed instructions (or cycles, on a real part) since init(), and its
// granularity. On QEMU this is exact only under -icount shift=0.
std::uint64_t instruction_counter();
std::uint32_t instruction_counter_resolution();

}  // namespace pqcea::board::port

// Linker-script symbols every board defines: the main stack occupies [bottom, top).
extern "C" {
extern std::uint32_t __pqcea_stack_bottom[];
extern std::uint32_t __pqcea_stack_top[];
}
