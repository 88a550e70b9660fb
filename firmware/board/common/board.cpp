// The board-independent half of board.hpp: formatted output, measurement, exit. Everything board
// specific goes through port.hpp.
#include "board.hpp"

#include "port.hpp"

namespace pqcea::board {
namespace {

// Where formatted output goes: a caller's buffer (snprintf) or the console through a small
// local buffer (printf). Counts every character the full output has.
class Sink {
 public:
  Sink(char* buf, std::size_t cap, bool console) : buf_(buf), cap_(cap), console_(console) {}
  void put(char c) {
    ++total_;
    if (console_) {
      buf_[used_++] = c;
      if (used_ == cap_) flush();
    } else if (cap_ > 0 && used_ + 1 < cap_) {
      buf_[used_++] = c;
    }
  }
  void finish() {
    if (console_) {
      flush();
    } else if (cap_ > 0) {
      buf_[used_] = '\0';
    }
  }
  int total() const { return static_cast<int>(total_); }

 private:
  void flush() {
    if (used_ > 0) port::console_write(buf_, used_);
    used_ = 0;
  }
  char* buf_;
  std::size_t cap_;
  bool console_;
  std::size_t used_ = 0;
  std::size_t total_ = 0;
};

void put_padding(Sink& out, int n, char c) {
  for (; n > 0; --n) out.put(c);
}

void put_unsigned(Sink& out, unsigned long long v, unsigned base, bool upper, int width, bool left, bool zero,
                  bool negative) {
  char digits[24];
  int n = 0;
  const char* alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    digits[n++] = alphabet[v % base];
    v /= base;
  } while (v != 0);
  const int len = n + (negative ? 1 : 0);
  if (!left && !zero) put_padding(out, width - len, ' ');
  if (negative) out.put('-');
  if (!left && zero) put_padding(out, width - len, '0');
  while (n > 0) out.put(digits[--n]);
  if (left) put_padding(out, width - len, ' ');
}

void format(Sink& out, const char* fmt, std::va_list ap) {
  while (*fmt != '\0') {
    if (*fmt != '%') {
      out.put(*fmt++);
      continue;
    }
    ++fmt;
    bool left = false;
    bool zero = false;
    for (;; ++fmt) {
      if (*fmt == '-') {
        left = true;
      } else if (*fmt == '0') {
        zero = true;
      } else {
        break;
      }
    }
    int width = 0;
    if (*fmt == '*') {
      width = va_arg(ap, int);
      if (width < 0) {
        left = true;
        width = -width;
      }
      ++fmt;
    } else {
      while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    }
    int precision = -1;
    if (*fmt == '.') {
      ++fmt;
      precision = 0;
      if (*fmt == '*') {
        precision = va_arg(ap, int);
        ++fmt;
      } else {
        while (*fmt >= '0' && *fmt <= '9') precision = precision * 10 + (*fmt++ - '0');
      }
    }
    int longs = 0;  // 0: int, 1: long, 2: long long, 3: size_t
    if (*fmt == 'l') {
      longs = 1;
      if (*++fmt == 'l') {
        longs = 2;
        ++fmt;
      }
    } else if (*fmt == 'z') {
      longs = 3;
      ++fmt;
    }
    const char conv = *fmt;
    if (conv == '\0') break;
    ++fmt;
    switch (conv) {
      case 'd':
      case 'i': {
        long long v;
        if (longs == 2) {
          v = va_arg(ap, long long);
        } else if (longs == 1) {
          v = va_arg(ap, long);
        } else if (longs == 3) {
          v = static_cast<long long>(va_arg(ap, std::size_t));
        } else {
          v = va_arg(ap, int);
        }
        const bool negative = v < 0;
        const unsigned long long mag =
            negative ? 0ull - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
        put_unsigned(out, mag, 10, false, width, left, zero, negative);
        break;
      }
      case 'u':
      case 'x':
      case 'X': {
        unsigned long long v;
        if (longs == 2) {
          v = va_arg(ap, unsigned long long);
        } else if (longs == 1) {
          v = va_arg(ap, unsigned long);
        } else if (longs == 3) {
          v = va_arg(ap, std::size_t);
        } else {
          v = va_arg(ap, unsigned);
        }
        put_unsigned(out, v, conv == 'u' ? 10u : 16u, conv == 'X', width, left, zero, false);
        break;
      }
      case 'p': {
        out.put('0');
        out.put('x');
        put_unsigned(out, reinterpret_cast<std::uintptr_t>(va_arg(ap, void*)), 16, false, 8, false, true, false);
        break;
      }
      case 'c': {
        const char c = static_cast<char>(va_arg(ap, int));
        if (!left) put_padding(out, width - 1, ' ');
        out.put(c);
        if (left) put_padding(out, width - 1, ' ');
        break;
      }
      case 's': {
        const char* s = va_arg(ap, const char*);
        if (s == nullptr) s = "(null)";
        int len = 0;
        while (s[len] != '\0' && (precision < 0 || len < precision)) ++len;
        if (!left) put_padding(out, width - len, ' ');
        for (int i = 0; i < len; ++i) out.put(s[i]);
        if (left) put_padding(out, width - len, ' ');
        break;
      }
      case '%':
        out.put('%');
        break;
      default:  // unknown conversion: show it as written
        out.put('%');
        out.put(conv);
        break;
    }
  }
  out.finish();
}

constexpr std::uint32_t kStackPaint = 0xC5ACCE55;  // the word pqcea_paint_stack() writes
constexpr std::size_t kGuardWords = 16;            // lowest stack words that must stay painted
constexpr int kExitStackExhausted = 3;             // documented in firmware/README.md

}  // namespace

void write(const char* s, std::size_t n) { port::console_write(s, n); }

void print(const char* s) {
  std::size_t n = 0;
  while (s[n] != '\0') ++n;
  port::console_write(s, n);
}

int vprintf(const char* fmt, std::va_list ap) {
  char buf[128];
  Sink out(buf, sizeof buf, true);
  format(out, fmt, ap);
  return out.total();
}

int printf(const char* fmt, ...) {
  std::va_list ap;
  va_start(ap, fmt);
  const int n = vprintf(fmt, ap);
  va_end(ap);
  return n;
}

int vsnprintf(char* buf, std::size_t cap, const char* fmt, std::va_list ap) {
  Sink out(buf, cap, false);
  format(out, fmt, ap);
  return out.total();
}

int snprintf(char* buf, std::size_t cap, const char* fmt, ...) {
  std::va_list ap;
  va_start(ap, fmt);
  const int n = vsnprintf(buf, cap, fmt, ap);
  va_end(ap);
  return n;
}

const char* name() { return port::name(); }

void exit(int status) { port::exit(status); }

std::uint64_t instructions() { return port::instruction_counter(); }

std::uint32_t instruction_resolution() { return port::instruction_counter_resolution(); }

namespace detail {

std::uint64_t measure_counter() { return port::instruction_counter(); }

namespace {
std::uint32_t g_measure_count = 0;
bool g_calibrated = false;
std::uint64_t g_overhead = 0;  // counter reads and marker calls around fn, in instructions

// The instructions measure() counts around fn: the end of the first counter read, the two marker
// calls, the start of the second read. Taken once, as the mean of many runs, so that it is known
// to better than the counter's resolution (each run starts at a different phase of the tick).
[[gnu::noinline]] std::uint64_t end_counter() { return port::instruction_counter(); }
// The same as pqcea_measure_marker(), but not at the address an exact counter watches.
[[gnu::noinline, gnu::noipa]] void calibration_marker() { __asm__ volatile("" ::: "memory"); }
void calibrate() {
  constexpr std::uint32_t kRuns = 256;
  std::uint64_t sum = 0;
  for (std::uint32_t i = 0; i < kRuns; ++i) {
    const std::uint64_t a = measure_counter();
    calibration_marker();
    calibration_marker();
    sum += end_counter() - a;
  }
  g_overhead = (sum + kRuns / 2) / kRuns;
  g_calibrated = true;
}
}  // namespace

Measurement measure_end(std::uintptr_t sp, std::uint64_t start_count) {
  const std::uint64_t end_count = end_counter();
  ++g_measure_count;
  const std::uint32_t* p = __pqcea_stack_bottom;
  const auto* top = reinterpret_cast<const std::uint32_t*>(sp);
  while (p < top && *p == kStackPaint) ++p;
  if (p < __pqcea_stack_bottom + kGuardWords) {
    printf("\n*** stack exhausted: the measured function used the whole stack (%zu bytes)\n",
           static_cast<std::size_t>(sp - reinterpret_cast<std::uintptr_t>(__pqcea_stack_bottom)));
    port::exit(kExitStackExhausted);
  }
  if (!g_calibrated) calibrate();
  const std::uint64_t raw = end_count - start_count;
  return Measurement{raw > g_overhead ? raw - g_overhead : 0,
                     static_cast<std::size_t>(sp - reinterpret_cast<std::uintptr_t>(p))};
}

}  // namespace detail

std::uint32_t measure_count() { return detail::g_measure_count; }
std::uint64_t measure_overhead() { return detail::g_overhead; }

}  // namespace pqcea::board

extern "C" [[gnu::noinline, gnu::noipa]] void pqcea_measure_marker() { __asm__ volatile("" ::: "memory"); }
