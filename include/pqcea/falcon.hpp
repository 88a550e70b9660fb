// Falcon-512 and Falcon-1024 (Falcon round-3 specification v1.2; FIPS 206 / FN-DSA is not yet
// published, so the encodings and the hash-to-point follow round 3 and the official KAT files).
//
// Verification is integer only and freestanding (bootloader, devices checking a server's
// signature). Key generation and signing use the specification's floating-point arithmetic: an
// integer-emulated binary64 on the portable path and native doubles where they are constant time.
//
// Byte layouts (spec §3.11):
//   public key  = 0x00 + logn || h, 14 bits per coefficient                   (pk_bytes)
//   private key = 0x50 + logn || f || g (trimmed, fg_bits each) || F (8 bits)  (sk_bytes)
//   signature   = 0x30 + logn || nonce (40 bytes) || compressed s2             (<= sig_max_bytes)
//   padded      = the same, s2 zero-padded to exactly sig_padded_bytes in total
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/core/status.hpp"
#include "pqcea/rng/entropy.hpp"

namespace pqcea::falcon {

inline constexpr std::int32_t kQ = 12289;
inline constexpr std::size_t kNonceBytes = 40;
// Seed of key generation (the SHAKE-256 input from which f and g are drawn) and of the signing
// sampler's PRNG. 48 bytes is what the NIST KAT harness supplies for each.
inline constexpr std::size_t kKeygenSeedBytes = 48;
inline constexpr std::size_t kSignSeedBytes = 48;

template <unsigned LogN, std::uint32_t BetaSq, unsigned FgBits, std::size_t SigMax, std::size_t SigPadded>
struct ParameterSet {
  static constexpr unsigned logn = LogN;
  static constexpr std::size_t n = std::size_t{1} << LogN;
  static constexpr std::uint32_t beta_sq = BetaSq;  // spec Table 3.3, floor(beta^2)
  static constexpr unsigned fg_bits = FgBits;       // bits per f, g coefficient in the private key
  static constexpr std::size_t pk_bytes = 1 + 14 * n / 8;
  static constexpr std::size_t sk_bytes = 1 + 2 * FgBits * n / 8 + n;
  static constexpr std::size_t sig_max_bytes = SigMax;
  static constexpr std::size_t sig_padded_bytes = SigPadded;
};

struct Falcon512 : ParameterSet<9, 34034726, 6, 752, 666> {
  static constexpr const char* name = "Falcon-512";
};
struct Falcon1024 : ParameterSet<10, 70265242, 5, 1462, 1280> {
  static constexpr const char* name = "Falcon-1024";
};
static_assert(Falcon512::pk_bytes == 897 && Falcon512::sk_bytes == 1281);
static_assert(Falcon1024::pk_bytes == 1793 && Falcon1024::sk_bytes == 2305);

enum class Format : std::uint8_t { compressed, padded };

// Workspace sizes in bytes (caller-provided, 8-byte aligned) for key generation and signing;
// firmware static_asserts its static buffers against them, and the implementation checks its own
// layout against them at compile time. Bytes per coefficient (n = 2^logn):
//  - key generation: the NTRU solver's big-integer (RNS) and floating-point buffers at every
//    depth plus f, g, F, G and h (108 n; the reference needs about 28 n, see docs/falcon.md);
//  - signing: 9 n doubles for the Gram matrix, the target and the fast-Fourier-sampling recursion
//    (72 n), the hashed message (2 n), f, g, F, G as int8 (4 n) and s2 (2 n).
namespace detail {
inline constexpr std::size_t kKeygenBytesPerN = 108;
inline constexpr std::size_t kKeygenBytesFixed = 1024;
inline constexpr std::size_t kSignBytesPerN = 80;
inline constexpr std::size_t kSignBytesFixed = 64;
}  // namespace detail

template <class P>
struct Budget {
  static constexpr std::size_t keygen_workspace_bytes = detail::kKeygenBytesPerN * P::n + detail::kKeygenBytesFixed;
  static constexpr std::size_t sign_workspace_bytes = detail::kSignBytesPerN * P::n + detail::kSignBytesFixed;
};

// Key generation from a seed (deterministic; the KAT form). Returns Status::ok or an error if the
// workspace is too small.
template <class P>
[[nodiscard]] Status keygen_internal(std::span<std::uint8_t, P::pk_bytes> pk, std::span<std::uint8_t, P::sk_bytes> sk,
                                     std::span<const std::uint8_t> seed, std::span<std::uint8_t> workspace);
template <class P>
[[nodiscard]] Status keygen(std::span<std::uint8_t, P::pk_bytes> pk, std::span<std::uint8_t, P::sk_bytes> sk,
                            rng::RandomSource& rng, std::span<std::uint8_t> workspace);

// Signing with a given nonce and sampler seed (deterministic; the KAT form). sig must hold
// sig_max_bytes (compressed) or sig_padded_bytes (padded); sig_len receives the length written.
template <class P>
[[nodiscard]] Status sign_internal(std::span<std::uint8_t> sig, std::size_t& sig_len,
                                   std::span<const std::uint8_t, P::sk_bytes> sk, std::span<const std::uint8_t> msg,
                                   std::span<const std::uint8_t, kNonceBytes> nonce,
                                   std::span<const std::uint8_t, kSignSeedBytes> seed, Format format,
                                   std::span<std::uint8_t> workspace);
template <class P>
[[nodiscard]] Status sign(std::span<std::uint8_t> sig, std::size_t& sig_len, std::span<const std::uint8_t, P::sk_bytes> sk,
                          std::span<const std::uint8_t> msg, Format format, rng::RandomSource& rng,
                          std::span<std::uint8_t> workspace);

// Verification: strict decoding of the key and signature (wrong header, non-canonical encoding,
// trailing bytes, norm bound). Returns Status::ok only for a valid signature. Needs no workspace
// (its stack use is published and measured on the Cortex-M33).
template <class P>
[[nodiscard]] Status verify(std::span<const std::uint8_t, P::pk_bytes> pk, std::span<const std::uint8_t> msg,
                            std::span<const std::uint8_t> sig, Format format);

}  // namespace pqcea::falcon
