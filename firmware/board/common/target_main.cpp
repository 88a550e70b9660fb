// main() of every on-target test image: prints a banner, runs the test's target_main() and turns
// its result into the exit status (0 = pass).
#include "board.hpp"

int target_main();

#ifndef PQCEA_TARGET_NAME
#define PQCEA_TARGET_NAME "target"
#endif

int main() {
  pqcea::board::printf("== %s on %s\n", PQCEA_TARGET_NAME, pqcea::board::name());
  const int status = target_main();
  pqcea::board::printf("== %s: %s (status %d)\n", PQCEA_TARGET_NAME, status == 0 ? "PASS" : "FAIL", status);
  return status;
}
