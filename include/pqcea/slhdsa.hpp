// SLH-DSA (FIPS 205): the stateless hash-based signature, all 12 parameter sets
// (SHA2 / SHAKE x 128 / 192 / 256 x s / f).
//
// One implementation templated on a constexpr parameter set (Sha2_128s ... Shake_256f). Every
// signing mode of FIPS 205 goes through one entry point described by an `Input`:
//   Input::pure(msg, ctx)               slh_sign / slh_verify (FIPS 205 Alg. 22/24), ctx 0..255 bytes
//   Input::prehash(alg, msg, ctx)       hash_slh_sign / hash_slh_verify (Alg. 23/25): hashed here
//   Input::prehashed(alg, digest, ctx)  HashSLH-DSA on a digest the caller computed (or PreHasher)
//   Input::internal(M)                  slh_sign_internal / slh_verify_internal (Alg. 19/20)
// The randomizer of Alg. 19 (opt_rand / addrnd) is given to sign_internal(); sign() draws it
// from a RandomSource (hedged, the default of FIPS 205 §9.2) and sign_deterministic() uses
// PK.seed (the deterministic variant).
//
// Keys (FIPS 205 §9.1): pk = PK.seed || PK.root (2n bytes), sk = SK.seed || SK.prf || PK.seed ||
// PK.root (4n bytes). keygen_internal() is slh_keygen_internal (Alg. 18) from the three seeds.
//
// Memory: no heap, and nothing of the size of a tree. Signing streams every XMSS and FORS tree
// leaf by leaf (treehash with a stack of at most h' resp. a nodes) and writes the authentication
// paths straight into the signature; verification streams the WOTS+ and FORS public keys into
// the hash T. Budget<P> publishes the stack the Cortex-M33 test holds each operation to.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/core/status.hpp"
#include "pqcea/rng/entropy.hpp"

namespace pqcea::slhdsa {

inline constexpr std::size_t kMaxContextBytes = 255;
inline constexpr int kLgW = 4;   // FIPS 205 §11: lg_w = 4 for every parameter set
inline constexpr int kW = 16;    // w = 2^lg_w

// The hash function family of a parameter set (FIPS 205 §11.1 SHAKE, §11.2 SHA2).
enum class Family : std::uint8_t { sha2, shake };

namespace detail {
constexpr int floor_log2(std::uint32_t x) {
  int r = -1;
  while (x != 0) {
    ++r;
    x >>= 1;
  }
  return r;
}
constexpr std::size_t ceil_div(std::size_t a, std::size_t b) { return (a + b - 1) / b; }
}  // namespace detail

// FIPS 205 Table 2 parameters; the derived sizes (§5 len, §9 m, §9.1/§9.2 key and signature
// layouts) are computed here and checked against the table below.
template <Family Fam, int N, int H, int D, int A, int K, int Category>
struct ParameterSet {
  static constexpr Family family = Fam;
  static constexpr std::size_t n = N;
  static constexpr int h = H;         // total tree height
  static constexpr int d = D;         // hypertree layers
  static constexpr int hp = H / D;    // h', height of one XMSS tree
  static constexpr int a = A;         // FORS tree height
  static constexpr int k = K;         // FORS trees
  static constexpr int category = Category;  // NIST security category (1, 3, 5)
  // FIPS 205 §5 eq. 5.1-5.4
  static constexpr int len1 = 8 * N / kLgW;
  static constexpr int len2 = detail::floor_log2(static_cast<std::uint32_t>(len1 * (kW - 1))) / kLgW + 1;
  static constexpr int len = len1 + len2;
  // Alg. 19 steps 7-9: bytes of md, of the tree index and of the leaf index in the digest.
  static constexpr std::size_t md_bytes = detail::ceil_div(static_cast<std::size_t>(K) * A, 8);
  static constexpr std::size_t tree_idx_bytes = detail::ceil_div(static_cast<std::size_t>(H - H / D), 8);
  static constexpr std::size_t leaf_idx_bytes = detail::ceil_div(static_cast<std::size_t>(H / D), 8);
  static constexpr std::size_t m = md_bytes + tree_idx_bytes + leaf_idx_bytes;
  static constexpr std::size_t pk_bytes = 2 * n;
  static constexpr std::size_t sk_bytes = 4 * n;
  static constexpr std::size_t fors_sig_bytes = static_cast<std::size_t>(K) * (A + 1) * n;
  static constexpr std::size_t xmss_sig_bytes = static_cast<std::size_t>(len + H / D) * n;
  static constexpr std::size_t ht_sig_bytes = static_cast<std::size_t>(D) * xmss_sig_bytes;
  static constexpr std::size_t sig_bytes = n + fors_sig_bytes + ht_sig_bytes;
  static_assert(H % D == 0);
};

struct Sha2_128s : ParameterSet<Family::sha2, 16, 63, 7, 12, 14, 1> {
  static constexpr const char* name = "SLH-DSA-SHA2-128s";
};
struct Shake_128s : ParameterSet<Family::shake, 16, 63, 7, 12, 14, 1> {
  static constexpr const char* name = "SLH-DSA-SHAKE-128s";
};
struct Sha2_128f : ParameterSet<Family::sha2, 16, 66, 22, 6, 33, 1> {
  static constexpr const char* name = "SLH-DSA-SHA2-128f";
};
struct Shake_128f : ParameterSet<Family::shake, 16, 66, 22, 6, 33, 1> {
  static constexpr const char* name = "SLH-DSA-SHAKE-128f";
};
struct Sha2_192s : ParameterSet<Family::sha2, 24, 63, 7, 14, 17, 3> {
  static constexpr const char* name = "SLH-DSA-SHA2-192s";
};
struct Shake_192s : ParameterSet<Family::shake, 24, 63, 7, 14, 17, 3> {
  static constexpr const char* name = "SLH-DSA-SHAKE-192s";
};
struct Sha2_192f : ParameterSet<Family::sha2, 24, 66, 22, 8, 33, 3> {
  static constexpr const char* name = "SLH-DSA-SHA2-192f";
};
struct Shake_192f : ParameterSet<Family::shake, 24, 66, 22, 8, 33, 3> {
  static constexpr const char* name = "SLH-DSA-SHAKE-192f";
};
struct Sha2_256s : ParameterSet<Family::sha2, 32, 64, 8, 14, 22, 5> {
  static constexpr const char* name = "SLH-DSA-SHA2-256s";
};
struct Shake_256s : ParameterSet<Family::shake, 32, 64, 8, 14, 22, 5> {
  static constexpr const char* name = "SLH-DSA-SHAKE-256s";
};
struct Sha2_256f : ParameterSet<Family::sha2, 32, 68, 17, 9, 35, 5> {
  static constexpr const char* name = "SLH-DSA-SHA2-256f";
};
struct Shake_256f : ParameterSet<Family::shake, 32, 68, 17, 9, 35, 5> {
  static constexpr const char* name = "SLH-DSA-SHAKE-256f";
};

// FIPS 205 Table 2: n, h, d, h', a, k, lg_w, m, pk bytes, sig bytes.
namespace detail {
template <class P>
constexpr bool table2(int n, int h, int d, int hp, int a, int k, int m, int pk, int sig) {
  return static_cast<int>(P::n) == n && P::h == h && P::d == d && P::hp == hp && P::a == a && P::k == k &&
         static_cast<int>(P::m) == m && static_cast<int>(P::pk_bytes) == pk && static_cast<int>(P::sig_bytes) == sig &&
         P::len == 2 * n + 3;  // §5: len2 = 3 for every set with lg_w = 4
}
}  // namespace detail
static_assert(detail::table2<Sha2_128s>(16, 63, 7, 9, 12, 14, 30, 32, 7856));
static_assert(detail::table2<Shake_128s>(16, 63, 7, 9, 12, 14, 30, 32, 7856));
static_assert(detail::table2<Sha2_128f>(16, 66, 22, 3, 6, 33, 34, 32, 17088));
static_assert(detail::table2<Shake_128f>(16, 66, 22, 3, 6, 33, 34, 32, 17088));
static_assert(detail::table2<Sha2_192s>(24, 63, 7, 9, 14, 17, 39, 48, 16224));
static_assert(detail::table2<Shake_192s>(24, 63, 7, 9, 14, 17, 39, 48, 16224));
static_assert(detail::table2<Sha2_192f>(24, 66, 22, 3, 8, 33, 42, 48, 35664));
static_assert(detail::table2<Shake_192f>(24, 66, 22, 3, 8, 33, 42, 48, 35664));
static_assert(detail::table2<Sha2_256s>(32, 64, 8, 8, 14, 22, 47, 64, 29792));
static_assert(detail::table2<Shake_256s>(32, 64, 8, 8, 14, 22, 47, 64, 29792));
static_assert(detail::table2<Sha2_256f>(32, 68, 17, 4, 9, 35, 49, 64, 49856));
static_assert(detail::table2<Shake_256f>(32, 68, 17, 4, 9, 35, 49, 64, 49856));

inline constexpr std::size_t kMaxN = 32;
inline constexpr std::size_t kMaxSigBytes = Sha2_256f::sig_bytes;

// Pre-hash functions for HashSLH-DSA (FIPS 205 §10.2.2; the same list and OIDs as HashML-DSA).
// SHAKE128 gives 256 bits, SHAKE256 512.
enum class PreHash : std::uint8_t {
  sha2_224, sha2_256, sha2_384, sha2_512, sha2_512_224, sha2_512_256,
  sha3_224, sha3_256, sha3_384, sha3_512, shake128, shake256,
};
inline constexpr std::size_t kPreHashCount = 12;
constexpr std::size_t prehash_digest_bytes(PreHash h) {
  constexpr std::size_t sizes[kPreHashCount] = {28, 32, 48, 64, 28, 32, 28, 32, 48, 64, 32, 64};
  return sizes[static_cast<std::size_t>(h)];
}
// The ACVP / FIPS 205 name of a pre-hash ("SHA2-256", "SHA2-512/256", "SHA3-384", "SHAKE-128", ...).
constexpr const char* prehash_name(PreHash h) {
  constexpr const char* names[kPreHashCount] = {"SHA2-224", "SHA2-256", "SHA2-384", "SHA2-512",
                                                "SHA2-512/224", "SHA2-512/256", "SHA3-224", "SHA3-256",
                                                "SHA3-384", "SHA3-512", "SHAKE-128", "SHAKE-256"};
  return names[static_cast<std::size_t>(h)];
}
// The DER encoding of the hash function's OID that M' carries (06 09 60 86 48 01 65 03 04 02 xx).
inline constexpr std::size_t kPreHashOidBytes = 11;
std::array<std::uint8_t, kPreHashOidBytes> prehash_oid(PreHash h);
// PH(M) of FIPS 205 Alg. 23 steps 3-38. digest.size() must be prehash_digest_bytes(alg).
[[nodiscard]] Status prehash_digest(PreHash alg, std::span<const std::uint8_t> msg, std::span<std::uint8_t> digest);

// What is signed or verified (see the top of this file).
struct Input {
  enum class Kind : std::uint8_t { pure, prehash, prehashed, internal };
  Kind kind = Kind::pure;
  PreHash hash = PreHash::sha2_512;
  std::span<const std::uint8_t> data;     // message, digest or M
  std::span<const std::uint8_t> context;  // pure / pre-hash only

  static constexpr Input pure(std::span<const std::uint8_t> msg, std::span<const std::uint8_t> ctx = {}) {
    return Input{Kind::pure, PreHash::sha2_512, msg, ctx};
  }
  static constexpr Input prehash(PreHash alg, std::span<const std::uint8_t> msg,
                                 std::span<const std::uint8_t> ctx = {}) {
    return Input{Kind::prehash, alg, msg, ctx};
  }
  static constexpr Input prehashed(PreHash alg, std::span<const std::uint8_t> digest,
                                   std::span<const std::uint8_t> ctx = {}) {
    return Input{Kind::prehashed, alg, digest, ctx};
  }
  static constexpr Input internal(std::span<const std::uint8_t> m) {
    return Input{Kind::internal, PreHash::sha2_512, m, {}};
  }
};

// ---- key generation ----------------------------------------------------------------------------
// slh_keygen_internal (FIPS 205 Alg. 18): pk = PK.seed || PK.root, sk = SK.seed || SK.prf || pk.
template <class P>
[[nodiscard]] Status keygen_internal(std::span<std::uint8_t, P::pk_bytes> pk, std::span<std::uint8_t, P::sk_bytes> sk,
                                     std::span<const std::uint8_t, P::n> sk_seed,
                                     std::span<const std::uint8_t, P::n> sk_prf,
                                     std::span<const std::uint8_t, P::n> pk_seed);
// slh_keygen (Alg. 21): the three seeds drawn from rng (SK.seed, SK.prf, PK.seed in that order).
template <class P>
[[nodiscard]] Status keygen(std::span<std::uint8_t, P::pk_bytes> pk, std::span<std::uint8_t, P::sk_bytes> sk,
                            rng::RandomSource& rng);

// Recomputes PK.root from SK.seed and PK.seed and compares it with the one stored in sk (a full
// key generation's work). ok or invalid_key.
template <class P>
[[nodiscard]] Status check_key_pair(std::span<const std::uint8_t, P::sk_bytes> sk);

// ---- signing -----------------------------------------------------------------------------------
// The deterministic core: slh_sign_internal (Alg. 19) on the message representative of `in`, with
// the given opt_rand (addrnd). Status: ok; invalid_argument (context > 255 bytes, unknown kind or
// pre-hash); invalid_length (a digest of the wrong size); invalid_key (the tree built from SK.seed
// does not end in the PK.root stored in sk: a corrupt key, or a fault during signing). On failure
// sig is zeroed.
template <class P>
[[nodiscard]] Status sign_internal(std::span<std::uint8_t, P::sig_bytes> sig, std::span<const std::uint8_t, P::sk_bytes> sk,
                                   const Input& in, std::span<const std::uint8_t, P::n> addrnd);
// Hedged signing (FIPS 205 §9.2, the default): opt_rand drawn from rng.
template <class P>
[[nodiscard]] Status sign(std::span<std::uint8_t, P::sig_bytes> sig, std::span<const std::uint8_t, P::sk_bytes> sk,
                          const Input& in, rng::RandomSource& rng);
// Deterministic signing: opt_rand = PK.seed (Alg. 19 step 2 / §9.2).
template <class P>
[[nodiscard]] Status sign_deterministic(std::span<std::uint8_t, P::sig_bytes> sig,
                                        std::span<const std::uint8_t, P::sk_bytes> sk, const Input& in);

// ---- verification ------------------------------------------------------------------------------
// Returns ok only for a valid signature. invalid_signature for a wrong signature or one of the
// wrong length (Alg. 20 step 1), invalid_key for a public key of the wrong length,
// invalid_argument / invalid_length for a bad Input.
template <class P>
[[nodiscard]] Status verify(std::span<const std::uint8_t> pk, const Input& in, std::span<const std::uint8_t> sig);

// ---- memory budgets ----------------------------------------------------------------------------
// workspace: the largest buffers an operation keeps on the stack (treehash stack, message digits,
// FORS indices, the per-key hash state). stack: the peak stack the Cortex-M33 on-target test
// (MinSizeRel) must stay under, call frames and hashing included (firmware/tests/target_slhdsa.cpp
// checks it for SLH-DSA-SHA2-128s).
template <class P>
struct Budget {
  static constexpr std::size_t treehash_workspace = static_cast<std::size_t>(P::hp > P::a ? P::hp : P::a) * P::n + 3 * P::n;
  static constexpr std::size_t sign_workspace = treehash_workspace + P::len + 4 * P::k + P::m + 2 * P::n + 512;
  static constexpr std::size_t verify_workspace = P::len + 4 * P::k + P::m + 4 * P::n + 512;
  // Measured on the M33 (MinSizeRel): SHA2-128s verify 1,260 B; SHA2-128f keygen / sign / verify
  // 1,132 / 1,716 / 1,340 B; SHAKE-128f 1,416 / 2,120 / 1,624 B (docs/slhdsa.md).
  static constexpr std::size_t keygen_stack = sign_workspace + 1280;
  static constexpr std::size_t sign_stack = sign_workspace + 1792;
  static constexpr std::size_t verify_stack = verify_workspace + 1280;
};

}  // namespace pqcea::slhdsa
