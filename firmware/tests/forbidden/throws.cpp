// Deliberately forbidden: a C++ exception (this file alone is compiled with -fexceptions). Never
// linked; see uses_heap.cpp.
namespace pqcea::forbidden_probe {

int thrower(int x) {
  if (x < 0) throw x;
  return x;
}

}  // namespace pqcea::forbidden_probe
