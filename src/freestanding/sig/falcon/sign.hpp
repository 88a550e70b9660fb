// Falcon signing with an explicit floating-point backend (tests run every vector on fpr::Emu and
// fpr::Native; the public sign_internal<P> uses fpr::Default).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/falcon.hpp"
#include "fpr.hpp"
#include "pqcea/falcon.hpp"

namespace pqcea::falcon {

template <class P, class F>
[[nodiscard]] Status sign_internal_with(std::span<std::uint8_t> sig, std::size_t& sig_len,
                                        std::span<const std::uint8_t, P::sk_bytes> sk, std::span<const std::uint8_t> msg,
                                        std::span<const std::uint8_t, kNonceBytes> nonce,
                                        std::span<const std::uint8_t, kSignSeedBytes> seed, Format format,
                                        std::span<std::uint8_t> workspace);

}  // namespace pqcea::falcon
