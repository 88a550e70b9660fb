// Console and exit through semihosting (bkpt 0xab). QEMU implements it with
// -semihosting-config enable=on,target=native; on a real part a debugger must be attached.
#include "cortex_m.hpp"

namespace pqcea::cortex_m::semihosting {

void write(const char* s, std::size_t n) {
  char chunk[65];
  std::size_t used = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (s[i] == '\0') continue;
    chunk[used++] = s[i];
    if (used == sizeof chunk - 1) {
      chunk[used] = '\0';
      call(SYS_WRITE0, chunk);
      used = 0;
    }
  }
  if (used > 0) {
    chunk[used] = '\0';
    call(SYS_WRITE0, chunk);
  }
}

void exit(int status) {
  // SYS_EXIT_EXTENDED takes a parameter block {reason, subcode}; the subcode is the exit status.
  const std::uint32_t block[2] = {ADP_Stopped_ApplicationExit, static_cast<std::uint32_t>(status)};
  call(SYS_EXIT_EXTENDED, block);
  // Without a debugger listening the call returns (or faults): fall back to plain SYS_EXIT, then
  // stop here.
  call(SYS_EXIT, reinterpret_cast<const void*>(static_cast<std::uintptr_t>(ADP_Stopped_ApplicationExit)));
  for (;;) __asm__ volatile("wfi");
}

}  // namespace pqcea::cortex_m::semihosting
