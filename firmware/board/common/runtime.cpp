// The few C and C++ runtime hooks a freestanding image needs, so that nothing pulls in the
// C library's versions (which may allocate).
#include <cstdint>

#include "board.hpp"

extern "C" {

// Static destructors are never run (the program ends through the exit port), so registering
// one is a no-op. newlib's atexit can allocate; this one cannot.
int atexit(void (*)()) { return 0; }
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
void* __dso_handle = nullptr;

[[noreturn]] void __cxa_pure_virtual() {
  pqcea::board::print("\n*** pure virtual function called\n");
  pqcea::board::exit(2);
}

[[noreturn]] void abort() {
  pqcea::board::print("\n*** abort()\n");
  pqcea::board::exit(2);
}

}  // extern "C"
