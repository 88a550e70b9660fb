// Deliberately faults (a load from an address with no memory behind it on either board), so that
// CTest can check the fault handler reports it and the exit status is 2.
#include <cstdint>

#include "board.hpp"

int main() {
  pqcea::board::print("probe_fault: reading from an invalid address\n");
  // 0xF0000000 is past the System Control Space; both boards fault on it (BusFault -> HardFault).
  const auto value = *reinterpret_cast<volatile std::uint32_t*>(0xF0000000u);
  pqcea::board::printf("probe_fault: read 0x%08lx and did not fault\n", static_cast<unsigned long>(value));
  return 0;
}
