// Small helpers for on-target tests (firmware/tests/target_<name>.cpp): named checks that print
// what failed, hex comparison against expected values written as strings, and a figure line.
#pragma once
#include <cstddef>
#include <cstdint>

#include "board.hpp"

namespace pqcea::target {

// Decodes a hex string (whitespace ignored) into out; returns the byte count, or SIZE_MAX if it
// is malformed or longer than cap.
inline std::size_t from_hex(const char* hex, std::uint8_t* out, std::size_t cap) {
  std::size_t n = 0;
  int hi = -1;
  for (; *hex != '\0'; ++hex) {
    const char c = *hex;
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else if (c == ' ' || c == '\n') {
      continue;
    } else {
      return SIZE_MAX;
    }
    if (hi < 0) {
      hi = v;
    } else {
      if (n == cap) return SIZE_MAX;
      out[n++] = static_cast<std::uint8_t>((hi << 4) | v);
      hi = -1;
    }
  }
  return hi < 0 ? n : SIZE_MAX;
}

inline void print_hex(const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) board::printf("%02x", static_cast<unsigned>(p[i]));
}

class Checks {
 public:
  // A named boolean check.
  bool that(const char* what, bool ok) {
    if (ok) {
      ++passed_;
    } else {
      ++failed_;
      board::printf("FAIL %s\n", what);
    }
    return ok;
  }
  // got[0..n) must equal the bytes of expected_hex.
  bool equal_hex(const char* what, const std::uint8_t* got, std::size_t n, const char* expected_hex) {
    std::uint8_t want[256];
    const std::size_t m = from_hex(expected_hex, want, sizeof want);
    if (m == SIZE_MAX) return that(what, false);
    bool same = m == n;
    for (std::size_t i = 0; same && i < n; ++i) same = got[i] == want[i];
    if (!same) {
      board::printf("FAIL %s\n  got      ", what);
      print_hex(got, n);
      board::print("\n  expected ");
      print_hex(want, m);
      board::print("\n");
      ++failed_;
      return false;
    }
    ++passed_;
    return true;
  }
  bool equal_bytes(const char* what, const std::uint8_t* got, const std::uint8_t* want, std::size_t n) {
    bool same = true;
    for (std::size_t i = 0; i < n; ++i) same = same && got[i] == want[i];
    return that(what, same);
  }
  int passed() const { return passed_; }
  int failed() const { return failed_; }
  // Prints the tally and returns the test's status: 0 when every check passed and there was one.
  int finish() const {
    board::printf("checks: %d passed, %d failed\n", passed_, failed_);
    return (failed_ == 0 && passed_ > 0) ? 0 : 1;
  }

 private:
  int passed_ = 0;
  int failed_ = 0;
};

// One line per figure, in a fixed form a script can collect:
//   figure <name>: instructions=<n> (+-<resolution>) stack=<bytes> measure=<k>
// Call it right after the measure() it reports: <k> numbers that measure (1, 2, ...), which is how
// firmware/tools/measure-exact matches it with the exact plugin counts.
inline void report(const char* name, const board::Measurement& m) {
  board::printf("figure %s: instructions=%llu (+-%lu) stack=%zu measure=%lu\n", name,
                static_cast<unsigned long long>(m.instructions),
                static_cast<unsigned long>(board::instruction_resolution()), m.stack_bytes,
                static_cast<unsigned long>(board::measure_count()));
}

}  // namespace pqcea::target
