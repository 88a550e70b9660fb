// Key generation with an explicit floating-point backend (fpr.hpp). keygen_internal<P> is
// keygen_with<P, fpr::Default>; the tests run the same seeds through fpr::Emu and fpr::Native
// and compare, so the emulated path (the one a Cortex-M runs) is checked on the host too.
#pragma once
#include <cstdint>
#include <span>

#include "fpr.hpp"
#include "pqcea/falcon.hpp"

namespace pqcea::falcon::detail {

template <class P, class Fpr>
[[nodiscard]] Status keygen_with(std::span<std::uint8_t, P::pk_bytes> pk, std::span<std::uint8_t, P::sk_bytes> sk,
                                 std::span<const std::uint8_t> seed, std::span<std::uint8_t> workspace);

}  // namespace pqcea::falcon::detail
