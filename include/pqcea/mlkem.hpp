// ML-KEM (FIPS 203): ML-KEM-512, ML-KEM-768, ML-KEM-1024.
//
// One implementation, templated on a constexpr parameter set (k, eta1, eta2, du, dv); the three
// standard sets are explicitly instantiated in src/freestanding/kem/mlkem/mlkem.cpp.
//
//   keygen_internal(ek, dk, d, z)      FIPS 203 Alg. 16 (deterministic)
//   keygen_from_seed(ek, dk, d||z)     the same, from the 64-byte seed (the preferred storage form)
//   keygen(ek, dk, rng) / keygen_seed  Alg. 19 (randomized); keygen_seed returns only ek and d||z
//   encaps_internal(K, c, ek, m)       Alg. 17 (deterministic), after the §7.2 input check
//   encaps(K, c, ek, rng)              Alg. 20 (randomized)
//   decaps(K, c, dk)                   Alg. 21/18 with implicit rejection, after the §7.3 check
//   decaps_seed(K, c, d||z)            expands d||z to dk on the stack, then decaps
//   check_encaps_key / check_decaps_key   the §7.2 / §7.3 input checks on their own
//
// Spans in, status out. A malformed key gives Status::invalid_key and zeroed outputs. A
// ciphertext is never an error: a wrong one yields the implicit-rejection key J(z || c).
// No heap; every secret temporary is wiped before return; secret-dependent code is constant-time.
//
// The runtime-selected overloads at the bottom (taking an Alg and dynamic-extent spans) are for
// thin host layers (CLI, ACVP, C API): they check every length and return
// Status::invalid_length on a mismatch.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/core/secret.hpp"
#include "pqcea/core/status.hpp"
#include "pqcea/rng/entropy.hpp"

namespace pqcea::mlkem {

// A parameter set (FIPS 203 Table 2). A structural type, so it is usable as a template argument.
struct Params {
  std::uint8_t k;
  std::uint8_t eta1;
  std::uint8_t eta2;
  std::uint8_t du;
  std::uint8_t dv;

  // Sizes in bytes (FIPS 203 §8 and Table 3).
  constexpr std::size_t ek_bytes() const { return 384u * k + 32u; }
  constexpr std::size_t dk_pke_bytes() const { return 384u * k; }
  constexpr std::size_t dk_bytes() const { return 768u * k + 96u; }
  constexpr std::size_t ct_bytes() const { return 32u * (static_cast<std::size_t>(du) * k + dv); }
  constexpr std::size_t c1_bytes() const { return 32u * static_cast<std::size_t>(du) * k; }
};

inline constexpr Params ml_kem_512{2, 3, 2, 10, 4};
inline constexpr Params ml_kem_768{3, 2, 2, 10, 4};
inline constexpr Params ml_kem_1024{4, 2, 2, 11, 5};

// FIPS 203 Table 3: encapsulation key, decapsulation key, ciphertext sizes.
static_assert(ml_kem_512.ek_bytes() == 800 && ml_kem_512.dk_bytes() == 1632 && ml_kem_512.ct_bytes() == 768);
static_assert(ml_kem_768.ek_bytes() == 1184 && ml_kem_768.dk_bytes() == 2400 && ml_kem_768.ct_bytes() == 1088);
static_assert(ml_kem_1024.ek_bytes() == 1568 && ml_kem_1024.dk_bytes() == 3168 &&
              ml_kem_1024.ct_bytes() == 1568);

inline constexpr std::size_t shared_key_bytes = 32;  // K, FIPS 203 Table 3
inline constexpr std::size_t seed_bytes = 64;        // d || z, the seed form of the private key
inline constexpr std::size_t message_bytes = 32;     // m of Encaps_internal

// Strong types for the distinct byte strings. Secrets are wipe-on-destroy and not copyable.
struct SharedKeyTag;
struct KeySeedTag;
struct DecapsKeyTag;
using SharedKey = Secret<shared_key_bytes, SharedKeyTag>;
using KeySeed = Secret<seed_bytes, KeySeedTag>;
template <Params P>
using DecapsKey = Secret<P.dk_bytes(), DecapsKeyTag>;
template <Params P>
using EncapsKey = std::array<std::uint8_t, P.ek_bytes()>;
template <Params P>
using Ciphertext = std::array<std::uint8_t, P.ct_bytes()>;

template <Params P>
using EkOut = std::span<std::uint8_t, P.ek_bytes()>;
template <Params P>
using EkIn = std::span<const std::uint8_t, P.ek_bytes()>;
template <Params P>
using DkOut = std::span<std::uint8_t, P.dk_bytes()>;
template <Params P>
using DkIn = std::span<const std::uint8_t, P.dk_bytes()>;
template <Params P>
using CtOut = std::span<std::uint8_t, P.ct_bytes()>;
template <Params P>
using CtIn = std::span<const std::uint8_t, P.ct_bytes()>;
using KeyOut = std::span<std::uint8_t, shared_key_bytes>;
using Bytes32In = std::span<const std::uint8_t, 32>;
using SeedIn = std::span<const std::uint8_t, seed_bytes>;
using SeedOut = std::span<std::uint8_t, seed_bytes>;

// ---- deterministic forms --------------------------------------------------------------------
template <Params P>
[[nodiscard]] Status keygen_internal(EkOut<P> ek, DkOut<P> dk, Bytes32In d, Bytes32In z);
template <Params P>
[[nodiscard]] Status keygen_from_seed(EkOut<P> ek, DkOut<P> dk, SeedIn seed);
template <Params P>
[[nodiscard]] Status encaps_internal(KeyOut key, CtOut<P> c, EkIn<P> ek, Bytes32In m);
template <Params P>
[[nodiscard]] Status decaps(KeyOut key, CtIn<P> c, DkIn<P> dk);
template <Params P>
[[nodiscard]] Status decaps_seed(KeyOut key, CtIn<P> c, SeedIn seed);

// ---- input checks (FIPS 203 §7.2, §7.3) -----------------------------------------------------
template <Params P>
[[nodiscard]] Status check_encaps_key(EkIn<P> ek);
template <Params P>
[[nodiscard]] Status check_decaps_key(DkIn<P> dk);

// ---- randomized forms (FIPS 203 Alg. 19, 20) ------------------------------------------------
template <Params P>
[[nodiscard]] Status keygen(EkOut<P> ek, DkOut<P> dk, rng::RandomSource& rng);
template <Params P>
[[nodiscard]] Status keygen_seed(EkOut<P> ek, SeedOut seed, rng::RandomSource& rng);
template <Params P>
[[nodiscard]] Status encaps(KeyOut key, CtOut<P> c, EkIn<P> ek, rng::RandomSource& rng);

// ---- memory budget --------------------------------------------------------------------------
// Peak stack of keygen*, encaps* and decaps for every set, measured on Cortex-M33/M4 (MinSizeRel)
// and asserted there by firmware/tests/target_mlkem.cpp (ML-KEM-1024: 2,040 / 3,584 / 3,808 B).
inline constexpr std::size_t max_stack_bytes = 4096;
// Extra stack decaps_seed needs over decaps: it expands d||z into a dk on its own frame.
template <Params P>
inline constexpr std::size_t decaps_seed_extra_stack = P.dk_bytes();

// ---- arithmetic backend ---------------------------------------------------------------------
// The portable C++ arithmetic (NTT, inverse NTT, base multiplication, rejection sampling) is
// always built. On x86-64 hosts a copy compiled for AVX2 is selected at start-up when the CPU has
// it; results are identical. use_native_backend(false) forces the portable path (tests rerun the
// known answers and vectors that way); call it before any concurrent use.
bool native_backend_available();
void use_native_backend(bool on);
const char* backend_name();  // "avx2" or "portable"

// ---- runtime-selected parameter set (thin host layers) ---------------------------------------
enum class Alg : std::uint8_t { mlkem512, mlkem768, mlkem1024 };

struct Sizes {
  std::size_t ek, dk, ct;
};
constexpr Sizes sizes(Alg a) {
  const Params& p = a == Alg::mlkem512 ? ml_kem_512 : a == Alg::mlkem768 ? ml_kem_768 : ml_kem_1024;
  return {p.ek_bytes(), p.dk_bytes(), p.ct_bytes()};
}
constexpr const char* name(Alg a) {
  return a == Alg::mlkem512 ? "ML-KEM-512" : a == Alg::mlkem768 ? "ML-KEM-768" : "ML-KEM-1024";
}
// Parses "ML-KEM-512" / "ML-KEM-768" / "ML-KEM-1024"; returns false for anything else.
bool parse_alg(const char* text, Alg& out);

[[nodiscard]] Status keygen_internal(Alg a, std::span<std::uint8_t> ek, std::span<std::uint8_t> dk,
                                     std::span<const std::uint8_t> d, std::span<const std::uint8_t> z);
[[nodiscard]] Status keygen_from_seed(Alg a, std::span<std::uint8_t> ek, std::span<std::uint8_t> dk,
                                      std::span<const std::uint8_t> seed);
[[nodiscard]] Status keygen_seed(Alg a, std::span<std::uint8_t> ek, std::span<std::uint8_t> seed,
                                 rng::RandomSource& rng);
[[nodiscard]] Status encaps_internal(Alg a, std::span<std::uint8_t> key, std::span<std::uint8_t> c,
                                     std::span<const std::uint8_t> ek, std::span<const std::uint8_t> m);
[[nodiscard]] Status encaps(Alg a, std::span<std::uint8_t> key, std::span<std::uint8_t> c,
                            std::span<const std::uint8_t> ek, rng::RandomSource& rng);
// Accepts either key form: a dk of the set's expanded size or a 64-byte seed d||z.
[[nodiscard]] Status decaps(Alg a, std::span<std::uint8_t> key, std::span<const std::uint8_t> c,
                            std::span<const std::uint8_t> dk_or_seed);
[[nodiscard]] Status check_encaps_key(Alg a, std::span<const std::uint8_t> ek);
[[nodiscard]] Status check_decaps_key(Alg a, std::span<const std::uint8_t> dk);

}  // namespace pqcea::mlkem
