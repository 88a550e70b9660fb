// Deliberately forbidden: a linked image that pulls in the C library's malloc. Built only so that
// the forbidden-symbol check shows it catches a linked ELF too (CTest forbidden_symbols_probe_image).
#include <cstdlib>

int main() {
  void* volatile p = std::malloc(16);
  std::free(p);
  return 0;
}
