// Deliberately forbidden: the heap. Compiled (never linked) only so that the forbidden-symbol
// check can show it catches these references (CTest forbidden_symbols_probe).
#include <cstddef>
#include <cstdlib>

namespace pqcea::forbidden_probe {

// Defined nowhere: the pointers escape, so the compiler cannot elide the allocations.
void keep(void* p);
void* give();

void heap_user(std::size_t n) {
  keep(new int(7));
  keep(new int[n]);
  keep(std::malloc(n));
  delete static_cast<int*>(give());
  delete[] static_cast<int*>(give());
  std::free(give());
}

}  // namespace pqcea::forbidden_probe
