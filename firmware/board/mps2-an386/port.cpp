// Port of the mps2-an386 (Cortex-M4) board as QEMU models it: semihosting console and exit, SysTick
// instruction counter.
#include "cortex_m.hpp"
#include "port.hpp"

namespace pqcea::board::port {
namespace {
// Processor clock that SysTick counts with CLKSOURCE = 1. Under -icount shift=0 an instruction
// takes 1 ns of virtual time, so one tick is 1e9 / clock instructions.
constexpr std::uint32_t kCpuHz = 25000000;
constexpr std::uint32_t kInstructionsPerTick = 1'000'000'000u / kCpuHz;
}  // namespace

void early_init() {
  // ARMv7-M has no stack limit register; the stack sits at the bottom of RAM, below the data,
  // and measure() checks the lowest stack words.
}

void init() { cortex_m::systick::start(); }

const char* name() { return "mps2-an386 (Cortex-M4)"; }

void console_write(const char* s, std::size_t n) { cortex_m::semihosting::write(s, n); }

void exit(int status) { cortex_m::semihosting::exit(status); }

std::uint64_t instruction_counter() { return cortex_m::systick::ticks() * kInstructionsPerTick; }

std::uint32_t instruction_counter_resolution() { return kInstructionsPerTick; }

}  // namespace pqcea::board::port
