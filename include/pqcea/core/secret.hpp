// Wipe-on-destroy storage for secrets, and the wipe itself.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace pqcea {

// Overwrites memory in a way the compiler may not elide (the asm statement makes the zeroed
// buffer observable).
inline void secure_wipe(void* p, std::size_t n) {
  auto* b = static_cast<volatile std::uint8_t*>(p);
  for (std::size_t i = 0; i < n; ++i) b[i] = 0;
#if defined(__GNUC__)
  __asm__ volatile("" : : "r"(p) : "memory");
#endif
}

template <typename T>
inline void secure_wipe_object(T& obj) {
  secure_wipe(&obj, sizeof obj);
}

// A fixed-size secret byte string: not copyable, wiped when it goes out of scope.
// The Tag makes distinct kinds of secret (seed, shared key, ...) distinct types.
template <std::size_t N, typename Tag = void>
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::span<const std::uint8_t, N> init) {
    for (std::size_t i = 0; i < N; ++i) bytes_[i] = init[i];
  }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret() { secure_wipe(bytes_.data(), N); }

  static constexpr std::size_t size() { return N; }
  std::uint8_t* data() { return bytes_.data(); }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::span<std::uint8_t, N> span() { return std::span<std::uint8_t, N>(bytes_); }
  std::span<const std::uint8_t, N> span() const { return std::span<const std::uint8_t, N>(bytes_); }
  void wipe() { secure_wipe(bytes_.data(), N); }

 private:
  std::array<std::uint8_t, N> bytes_{};
};

// Wipes an arbitrary object (a workspace struct, a polynomial vector) on scope exit, so every
// return path wipes temporaries without repeating the call.
template <typename T>
class WipeOnExit {
 public:
  explicit WipeOnExit(T& obj) : obj_(obj) {}
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;
  ~WipeOnExit() { secure_wipe(&obj_, sizeof(T)); }

 private:
  T& obj_;
};

}  // namespace pqcea
