// Probe: once the bootloader has protected it, the boot record is read-only. Writes to it after
// boot_port::protect_boot_record() must fault (MemManage data access violation at the record's
// address, reported by the board's fault handler with exit status 2); a readable record and a
// completed write would mean the measured-boot data is not protected.
#include "board.hpp"
#include "boot_port.hpp"

int main() {
  namespace bp = pqcea::board::boot_port;
  auto rec = bp::boot_record_area();
  rec[0] = 0x42;  // writable before protection
  bp::protect_boot_record();
  volatile std::uint8_t* p = rec.data();
  const std::uint8_t before = p[0];  // still readable
  pqcea::board::printf("probe: boot record readable after protection (first byte 0x%02x); writing...\n",
                       static_cast<unsigned>(before));
  p[0] = 0x43;
  pqcea::board::print("probe: FAIL: the write went through\n");
  return 1;
}
