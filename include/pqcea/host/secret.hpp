// Host-side secret bytes: every private key, seed, token and shared secret the host handles lives
// in one SecretBytes. The core's Secret<N> covers fixed sizes known at compile time; host code
// reads keys of run-time size (files, PEM, several algorithms), hence this heap-backed sibling.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace pqcea::host {

// A run-time-sized secret byte string. Its size is fixed at construction so the buffer never
// reallocates (a growing std::vector leaves unwiped copies of earlier contents on the heap).
// Not copyable (a copy is a second place to forget); movable, and the moved-from object is left
// empty. Wiped with the core secure_wipe on destruction and before any move-assignment overwrite.
// The buffer comes from operator new[], so it is aligned for any fundamental type (the Falcon
// workspaces held in a SecretBytes need 8-byte alignment).
class SecretBytes {
 public:
  SecretBytes() = default;
  // n zero bytes.
  explicit SecretBytes(std::size_t n);
  // A copy of `bytes` (the caller wipes its own buffer if it was secret).
  explicit SecretBytes(std::span<const std::uint8_t> bytes);
  ~SecretBytes();
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::uint8_t* data() { return bytes_.get(); }
  const std::uint8_t* data() const { return bytes_.get(); }
  std::span<std::uint8_t> span() { return {bytes_.get(), size_}; }
  std::span<const std::uint8_t> span() const { return {bytes_.get(), size_}; }
  // The first `n` bytes as a fixed-extent span (the core APIs take those); n must not exceed size().
  template <std::size_t N>
  std::span<const std::uint8_t, N> first() const { return span().first<N>(); }
  template <std::size_t N>
  std::span<std::uint8_t, N> first() { return span().first<N>(); }
  // Bytes [from, from + n): a view, never a copy.
  std::span<const std::uint8_t> sub(std::size_t from, std::size_t n) const { return span().subspan(from, n); }

  // Wipes the bytes and releases the buffer (size 0).
  void clear();

 private:
  std::unique_ptr<std::uint8_t[]> bytes_;
  std::size_t size_ = 0;
};

// Constant-time equality of two secrets (different sizes compare unequal; only the size leaks).
bool equal(const SecretBytes& a, const SecretBytes& b);

}  // namespace pqcea::host
