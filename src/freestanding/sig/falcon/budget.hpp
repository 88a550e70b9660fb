// Workspace sizes of Falcon key generation and signing (the Budget<P> declared in
// include/pqcea/falcon.hpp). Callers pass a buffer of at least this many bytes, 8-byte aligned;
// firmware static_asserts its static buffers against these constants.
#pragma once
#include <cstddef>

#include "pqcea/falcon.hpp"

namespace pqcea::falcon {

// Bytes per coefficient (n = 2^logn) of each operation; one place to change them.
//  - key generation: the NTRU solver's big-integer and floating-point buffers (the reference needs
//    about 28 n + 3 n bytes at n = 1024) plus f, g, F, G and h; 48 n leaves room.
//  - signing: 9 n doubles for the Gram matrix, the target, and the fast-Fourier-sampling recursion
//    (72 n), the hashed message (2 n), f, g, F, G as int8 (4 n) and s2 (2 n).
inline constexpr std::size_t kKeygenBytesPerN = 108;
inline constexpr std::size_t kKeygenBytesFixed = 1024;
inline constexpr std::size_t kSignBytesPerN = 80;
inline constexpr std::size_t kSignBytesFixed = 64;

template <class P>
struct BudgetOf {
  static constexpr std::size_t keygen_workspace_bytes = kKeygenBytesPerN * P::n + kKeygenBytesFixed;
  static constexpr std::size_t sign_workspace_bytes = kSignBytesPerN * P::n + kSignBytesFixed;
};

template <>
struct Budget<Falcon512> : BudgetOf<Falcon512> {};
template <>
struct Budget<Falcon1024> : BudgetOf<Falcon1024> {};

}  // namespace pqcea::falcon
