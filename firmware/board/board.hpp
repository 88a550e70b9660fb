// The on-target test and application interface of a board (namespace pqcea::board).
//
// Everything here is freestanding: no heap, no exceptions, no RTTI. Board specifics (console,
// exit, instruction counter, stack bounds) sit behind the port interface in port.hpp; a board is
// a folder under firmware/board/ that implements it.
#pragma once
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace pqcea::board {

// ---- console --------------------------------------------------------------------------------
void write(const char* s, std::size_t n);
void print(const char* s);
// A small printf: %d %i %u %x %X %c %s %p %%, length modifiers l, ll, z, flags '-' and '0',
// field width and (for %s) precision, '*' for either. No floating point. Returns the number of
// characters written. Output is buffered per call and needs no heap.
int printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char* fmt, std::va_list ap);
// Formats into buf (always NUL-terminated when cap > 0); returns the length the full output
// would have had.
int snprintf(char* buf, std::size_t cap, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char* buf, std::size_t cap, const char* fmt, std::va_list ap);

// ---- board ----------------------------------------------------------------------------------
const char* name();
// Ends the program; the status is the emulator's exit status (0 = pass).
[[noreturn]] void exit(int status);

// ---- measurement ----------------------------------------------------------------------------
// Instructions executed since start-up, as far as the board can tell (see
// instruction_resolution()). Meaningful on QEMU only with -icount shift=0 (the CTest runner
// passes it).
std::uint64_t instructions();
// Granularity of instructions() in instructions (e.g. 50 on mps2-an505: one SysTick tick).
std::uint32_t instruction_resolution();

// How many measure() calls have completed (figure lines quote it so that an external exact counter
// can be matched to them), and the fixed cost of the measurement itself that measure() subtracts.
std::uint32_t measure_count();
std::uint64_t measure_overhead();

struct Measurement {
  std::uint64_t instructions;  // executed by fn (and the call into it), +- instruction_resolution()
  std::size_t stack_bytes;     // peak stack used by fn, from the stack pointer at the call
};

namespace detail {
// Fills the stack from its bottom up to the caller's stack pointer with a known word. Written in
// assembly so that it uses no stack itself (see the board's cortex-m/stack_paint.cpp).
extern "C" void pqcea_paint_stack();
std::uint64_t measure_counter();
// Reads the counter, then scans the painted region. Ends the program (exit status 3) if fn used
// the whole stack (the lowest guard words were overwritten).
Measurement measure_end(std::uintptr_t sp, std::uint64_t start_count);
}  // namespace detail

}  // namespace pqcea::board

// Called just before and just after the measured function. An exact instruction counter (the QEMU
// TCG plugin in shared/tools/qemu-insncount, marker=<address of this symbol>) reports the
// instructions between consecutive calls.
extern "C" void pqcea_measure_marker();

namespace pqcea::board {

// Runs fn() once and returns the instructions it executed and its peak stack use. The stack
// below the current stack pointer is painted first (up to the board's whole stack), so fn may
// use as much stack as the board has (at least 256 KiB on every board).
template <class F>
[[gnu::noinline]] Measurement measure(F&& fn) {
  std::uintptr_t sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  detail::pqcea_paint_stack();
  const std::uint64_t start = detail::measure_counter();
  pqcea_measure_marker();
  std::forward<F>(fn)();
  pqcea_measure_marker();
  return detail::measure_end(sp, start);
}

}  // namespace pqcea::board
