// SecretBytes (include/pqcea/host/secret.hpp).
#include "pqcea/host/secret.hpp"

#include <cstring>
#include <utility>

#include "pqcea/core/secret.hpp"

namespace pqcea::host {

SecretBytes::SecretBytes(std::size_t n) : bytes_(n == 0 ? nullptr : new std::uint8_t[n]()), size_(n) {}

SecretBytes::SecretBytes(std::span<const std::uint8_t> bytes) : SecretBytes(bytes.size()) {
  if (!bytes.empty()) std::memcpy(bytes_.get(), bytes.data(), bytes.size());
}

SecretBytes::~SecretBytes() { clear(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : bytes_(std::move(other.bytes_)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    clear();  // our old bytes are wiped before the buffer is dropped
    bytes_ = std::move(other.bytes_);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void SecretBytes::clear() {
  if (bytes_) secure_wipe(bytes_.get(), size_);
  bytes_.reset();
  size_ = 0;
}

bool equal(const SecretBytes& a, const SecretBytes& b) {
  if (a.size() != b.size()) return false;
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff = static_cast<std::uint8_t>(diff | (a.data()[i] ^ b.data()[i]));
  return diff == 0;
}

}  // namespace pqcea::host
