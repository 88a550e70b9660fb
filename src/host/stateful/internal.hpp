// Internal to src/host/stateful: shared helpers of the LMS and XMSS signers.
#pragma once
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "pqcea/core/bytes.hpp"
#include "pqcea/host/secret.hpp"
#include "pqcea/host/stateful.hpp"

namespace pqcea::host::stateful {

// Runs the installed fault hook (tests) at point p.
void fault_point(FaultPoint p);

// out += bytes (a plain loop: GCC 12 misreports vector::insert after push_back at -O3).
inline void append(std::vector<std::uint8_t>& out, const std::uint8_t* p, std::size_t n) {
  out.reserve(out.size() + n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(p[i]);
}
template <class Range>
inline void append(std::vector<std::uint8_t>& out, const Range& r) {
  append(out, r.data(), r.size());
}

inline void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  std::uint8_t b[4];
  store32_be(b, v);
  append(out, b, 4);
}

// Fills a key file body of a size computed up front: the body holds the seeds, and a growing vector
// would leave unwiped copies of them wherever it reallocated.
class BodyWriter {
 public:
  explicit BodyWriter(std::size_t size) : body_(size) {}
  void u32(std::uint32_t v) {
    store32_be(take(4), v);
  }
  void bytes(const std::uint8_t* p, std::size_t n) {
    std::uint8_t* d = take(n);
    for (std::size_t i = 0; i < n; ++i) d[i] = p[i];
  }
  void bytes(std::span<const std::uint8_t> b) { bytes(b.data(), b.size()); }
  // The body, which must be exactly full (a size mismatch is a bug here, not bad input).
  const SecretBytes& done() const {
    if (at_ != body_.size()) throw std::logic_error("key body size mismatch");
    return body_;
  }

 private:
  std::uint8_t* take(std::size_t n) {
    if (n > body_.size() - at_) throw std::logic_error("key body overflow");
    at_ += n;
    return body_.data() + at_ - n;
  }
  SecretBytes body_;
  std::size_t at_ = 0;
};

}  // namespace pqcea::host::stateful
