// Internal to src/host/stateful: shared helpers of the LMS and XMSS signers.
#pragma once
#include <cstdint>
#include <vector>

#include "pqcea/core/bytes.hpp"
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

}  // namespace pqcea::host::stateful
