// ML-DSA (FIPS 204): ML-DSA-44, ML-DSA-65, ML-DSA-87.
//
// One implementation templated on a constexpr parameter set (MlDsa44/65/87). Every signing mode
// of FIPS 204 goes through one entry point described by an `Input`:
//   Input::pure(msg, ctx)               ML-DSA.Sign / Verify (FIPS 204 Alg. 2/3), ctx 0..255 bytes
//   Input::prehash(alg, msg, ctx)       HashML-DSA (Alg. 4/5): the message is hashed here
//   Input::prehashed(alg, digest, ctx)  HashML-DSA on a digest the caller computed (or PreHasher)
//   Input::internal(M')                 ML-DSA.Sign_internal / Verify_internal (Alg. 7/8)
//   Input::external_mu(mu)              Sign_internal / Verify_internal from a caller-supplied mu
// MuBuilder computes mu = H(tr || M', 64) over a message streamed in pieces (firmware images).
//
// Two memory modes, chosen at compile time: Memory::fast keeps the expanded matrix A and the
// secret vectors in NTT form; Memory::low recomputes A entry by entry from rho and keeps the
// secret key packed (Bos-Renes-Sprenkels 2022), for Cortex-M devices. Both give identical
// results. Budget<P, M> publishes each operation's workspace and stack budget.
//
// Private keys are the 32-byte seed xi (preferred, FIPS 204 §3.6.1 / RFC 9881 `seed`) or the
// expanded FIPS 204 encoding; PrivateKey<P> says which.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/core/status.hpp"
#include "pqcea/rng/entropy.hpp"

namespace pqcea::mldsa {

inline constexpr std::int32_t kQ = 8380417;  // FIPS 204 §4: q = 2^23 - 2^13 + 1
inline constexpr int kN = 256;
inline constexpr int kD = 13;  // dropped bits of t
inline constexpr std::size_t kSeedBytes = 32;
inline constexpr std::size_t kRndBytes = 32;
inline constexpr std::size_t kMuBytes = 64;
inline constexpr std::size_t kTrBytes = 64;
inline constexpr std::size_t kMaxContextBytes = 255;
// FIPS 204 Appendix C: an implementation may stop after this many rejected candidates.
inline constexpr unsigned kMaxSignAttempts = 814;

namespace detail {
constexpr int bitlen(std::uint32_t x) {
  int n = 0;
  while (x != 0) {
    ++n;
    x >>= 1;
  }
  return n;
}
}  // namespace detail

// FIPS 204 Table 1 parameters; the sizes are derived (§7.2 encodings) and checked against Table 2.
template <int K, int L, int Eta, int Tau, int Lambda, std::int32_t Gamma1, std::int32_t Gamma2, int Omega>
struct ParameterSet {
  static constexpr int k = K;
  static constexpr int l = L;
  static constexpr int eta = Eta;
  static constexpr int tau = Tau;
  static constexpr int lambda = Lambda;
  static constexpr int omega = Omega;
  static constexpr std::int32_t gamma1 = Gamma1;
  static constexpr std::int32_t gamma2 = Gamma2;
  static constexpr std::int32_t beta = Tau * Eta;
  static constexpr std::size_t ctilde_bytes = Lambda / 4;
  static constexpr int eta_bits = detail::bitlen(2 * Eta);                            // 3 or 4
  static constexpr int z_bits = 1 + detail::bitlen(Gamma1 - 1);                       // 18 or 20
  static constexpr int w1_bits = detail::bitlen((kQ - 1) / (2 * Gamma2) - 1);         // 6 or 4
  static constexpr int t1_bits = detail::bitlen(kQ - 1) - kD;                         // 10
  static constexpr std::size_t pk_bytes = 32 + 32 * K * t1_bits;                      // Alg. 22
  static constexpr std::size_t sk_bytes = 128 + 32 * ((K + L) * eta_bits + kD * K);    // Alg. 24
  static constexpr std::size_t sig_bytes = ctilde_bytes + 32 * L * z_bits + Omega + K;  // Alg. 26
};

struct MlDsa44 : ParameterSet<4, 4, 2, 39, 128, (1 << 17), (kQ - 1) / 88, 80> {
  static constexpr const char* name = "ML-DSA-44";
};
struct MlDsa65 : ParameterSet<6, 5, 4, 49, 192, (1 << 19), (kQ - 1) / 32, 55> {
  static constexpr const char* name = "ML-DSA-65";
};
struct MlDsa87 : ParameterSet<8, 7, 2, 60, 256, (1 << 19), (kQ - 1) / 32, 75> {
  static constexpr const char* name = "ML-DSA-87";
};

// FIPS 204 Table 2.
static_assert(MlDsa44::pk_bytes == 1312 && MlDsa44::sk_bytes == 2560 && MlDsa44::sig_bytes == 2420);
static_assert(MlDsa65::pk_bytes == 1952 && MlDsa65::sk_bytes == 4032 && MlDsa65::sig_bytes == 3309);
static_assert(MlDsa87::pk_bytes == 2592 && MlDsa87::sk_bytes == 4896 && MlDsa87::sig_bytes == 4627);
static_assert(MlDsa44::beta == 78 && MlDsa65::beta == 196 && MlDsa87::beta == 120);

// Pre-hash functions for HashML-DSA (FIPS 204 §5.4.1). SHAKE128 gives 256 bits, SHAKE256 512.
enum class PreHash : std::uint8_t {
  sha2_224, sha2_256, sha2_384, sha2_512, sha2_512_224, sha2_512_256,
  sha3_224, sha3_256, sha3_384, sha3_512, shake128, shake256,
};
inline constexpr std::size_t kPreHashCount = 12;
constexpr std::size_t prehash_digest_bytes(PreHash h) {
  constexpr std::size_t sizes[kPreHashCount] = {28, 32, 48, 64, 28, 32, 28, 32, 48, 64, 32, 64};
  return sizes[static_cast<std::size_t>(h)];
}
// The ACVP / FIPS 204 name of a pre-hash ("SHA2-256", "SHA2-512/256", "SHA3-384", "SHAKE-128", ...).
constexpr const char* prehash_name(PreHash h) {
  constexpr const char* names[kPreHashCount] = {"SHA2-224", "SHA2-256", "SHA2-384", "SHA2-512",
                                                "SHA2-512/224", "SHA2-512/256", "SHA3-224", "SHA3-256",
                                                "SHA3-384", "SHA3-512", "SHAKE-128", "SHAKE-256"};
  return names[static_cast<std::size_t>(h)];
}
// The DER encoding of the hash function's OID that M' carries (06 09 60 86 48 01 65 03 04 02 xx).
inline constexpr std::size_t kPreHashOidBytes = 11;
std::array<std::uint8_t, kPreHashOidBytes> prehash_oid(PreHash h);

// Streaming pre-hash: feed the message in pieces, then sign with Input::prehashed(alg, digest).
class PreHasher {
 public:
  explicit PreHasher(PreHash alg);
  ~PreHasher();
  PreHasher(const PreHasher&) = delete;
  PreHasher& operator=(const PreHasher&) = delete;
  void update(std::span<const std::uint8_t> data);
  // digest.size() must be prehash_digest_bytes(alg()).
  [[nodiscard]] Status finish(std::span<std::uint8_t> digest);
  PreHash alg() const { return alg_; }

 private:
  alignas(8) std::uint8_t state_[256];  // the selected hash object (constructed in place)
  PreHash alg_;
};

// What is signed or verified (see the top of this file).
struct Input {
  enum class Kind : std::uint8_t { pure, prehash, prehashed, internal, external_mu };
  Kind kind = Kind::pure;
  PreHash hash = PreHash::sha2_512;
  std::span<const std::uint8_t> data;     // message, digest, M' or mu
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
  static constexpr Input internal(std::span<const std::uint8_t> m_prime) {
    return Input{Kind::internal, PreHash::sha2_512, m_prime, {}};
  }
  static constexpr Input external_mu(std::span<const std::uint8_t, kMuBytes> mu) {
    return Input{Kind::external_mu, PreHash::sha2_512, mu, {}};
  }
};

// mu = H(tr || M', 64) (FIPS 204 Alg. 7 step 6) with M' absorbed in pieces. tr = H(pk, 64).
class MuBuilder {
 public:
  MuBuilder();
  ~MuBuilder();
  MuBuilder(const MuBuilder&) = delete;
  MuBuilder& operator=(const MuBuilder&) = delete;
  // Internal interface: the caller streams M' itself with update().
  void start_internal(std::span<const std::uint8_t, kTrBytes> tr);
  // Pure ML-DSA: absorbs tr || 0x00 || |ctx| || ctx; the message follows with update().
  [[nodiscard]] Status start_pure(std::span<const std::uint8_t, kTrBytes> tr, std::span<const std::uint8_t> ctx);
  // HashML-DSA: absorbs all of tr || 0x01 || |ctx| || ctx || OID || digest.
  [[nodiscard]] Status start_prehashed(std::span<const std::uint8_t, kTrBytes> tr, std::span<const std::uint8_t> ctx,
                                       PreHash alg, std::span<const std::uint8_t> digest);
  void update(std::span<const std::uint8_t> data);
  void finish(std::span<std::uint8_t, kMuBytes> mu);

 private:
  alignas(8) std::uint8_t sponge_[224];  // a SHAKE256 sponge (constructed in place)
};

enum class Memory : std::uint8_t { fast, low };

// A private key: the seed xi, or the expanded FIPS 204 encoding (Alg. 24).
template <class P>
class PrivateKey {
 public:
  static constexpr PrivateKey seed(std::span<const std::uint8_t, kSeedBytes> xi) { return PrivateKey(xi, true); }
  static constexpr PrivateKey expanded(std::span<const std::uint8_t, P::sk_bytes> sk) { return PrivateKey(sk, false); }
  constexpr bool is_seed() const { return seed_; }
  constexpr std::span<const std::uint8_t> bytes() const { return bytes_; }

 private:
  constexpr PrivateKey(std::span<const std::uint8_t> b, bool s) : bytes_(b), seed_(s) {}
  std::span<const std::uint8_t> bytes_;
  bool seed_;
};

// ---- key generation ----------------------------------------------------------------------------
// ML-DSA.KeyGen_internal (FIPS 204 Alg. 6) from the seed xi; sk is the expanded encoding.
template <class P, Memory M = Memory::fast>
[[nodiscard]] Status keygen_internal(std::span<std::uint8_t, P::pk_bytes> pk, std::span<std::uint8_t, P::sk_bytes> sk,
                                     std::span<const std::uint8_t, kSeedBytes> xi);
// ML-DSA.KeyGen (Alg. 1): draws xi from rng; expanded private key.
template <class P, Memory M = Memory::fast>
[[nodiscard]] Status keygen(std::span<std::uint8_t, P::pk_bytes> pk, std::span<std::uint8_t, P::sk_bytes> sk,
                            rng::RandomSource& rng);
// Seed-form key pair: draws xi (the private key to store) and derives pk.
template <class P, Memory M = Memory::fast>
[[nodiscard]] Status keygen_seed(std::span<std::uint8_t, P::pk_bytes> pk, std::span<std::uint8_t, kSeedBytes> xi,
                                 rng::RandomSource& rng);

// tr = H(pk, 64), the first input of mu.
template <class P>
void public_key_hash(std::span<std::uint8_t, kTrBytes> tr, std::span<const std::uint8_t, P::pk_bytes> pk);

// Checks an expanded private key's encoding: s1 and s2 coefficients in [-eta, eta] (skDecode,
// FIPS 204 Alg. 25). A seed is always well formed. Returns ok or invalid_key.
template <class P>
[[nodiscard]] Status check_private_key(PrivateKey<P> sk);

// ---- signing -----------------------------------------------------------------------------------
// The deterministic core: signs with the given rnd (all zero = deterministic variant, FIPS 204
// §3.4). Status: ok; invalid_argument (context > 255 bytes, unknown kind); invalid_length (digest or
// mu size); invalid_key (no candidate accepted within kMaxSignAttempts, which only a malformed
// expanded key can cause). On failure sig is zeroed.
template <class P, Memory M = Memory::fast>
[[nodiscard]] Status sign_internal(std::span<std::uint8_t, P::sig_bytes> sig, PrivateKey<P> sk, const Input& in,
                                   std::span<const std::uint8_t, kRndBytes> rnd);
// Hedged signing (the default, FIPS 204 §3.4): rnd drawn from rng.
template <class P, Memory M = Memory::fast>
[[nodiscard]] Status sign(std::span<std::uint8_t, P::sig_bytes> sig, PrivateKey<P> sk, const Input& in,
                          rng::RandomSource& rng);
// Deterministic signing: rnd = 0^32.
template <class P, Memory M = Memory::fast>
[[nodiscard]] Status sign_deterministic(std::span<std::uint8_t, P::sig_bytes> sig, PrivateKey<P> sk, const Input& in);

// ---- verification ------------------------------------------------------------------------------
// Returns ok only for a valid signature. invalid_signature for any malformed or wrong signature
// (bad hint encoding, ||z|| too large, wrong c~, wrong length), invalid_key for a public key of the
// wrong length, invalid_argument / invalid_length for a bad Input.
template <class P, Memory M = Memory::fast>
[[nodiscard]] Status verify(std::span<const std::uint8_t> pk, const Input& in, std::span<const std::uint8_t> sig);

// A public key expanded once for many verifications (a verifier appraising a fleet's evidence
// checks the same device keys again and again): NTT(A) (FIPS 204 Alg. 8 step 5, k*l polynomials),
// NTT(t1 * 2^d) (step 9) and tr = H(pk) (step 6). ExpandA is most of a verification's hashing, so
// a prepared key verifies about twice as fast. Host sized (ML-DSA-87: 65.6 KB); a device keeps the
// encoded key and calls verify() above. Both give the same verdict for every input.
template <class P>
class PreparedPublicKey {
 public:
  static constexpr std::size_t kPolys = static_cast<std::size_t>(P::k) * P::l + P::k;
  // Expands pk; invalid_key if it has the wrong length (the key is left unprepared).
  [[nodiscard]] Status prepare(std::span<const std::uint8_t> pk);
  bool prepared() const { return prepared_; }
  // A-hat row-major (entry (i, j) at i*l + j), then NTT(t1 * 2^d) for rows 0..k-1; kN each.
  const std::int32_t* ntt_polys() const { return polys_; }
  std::span<const std::uint8_t, kTrBytes> tr() const { return std::span<const std::uint8_t, kTrBytes>(tr_, kTrBytes); }

 private:
  alignas(8) std::int32_t polys_[kPolys * kN];
  std::uint8_t tr_[kTrBytes];
  bool prepared_ = false;
};
// Verification with a prepared key: the same results as verify(pk, in, sig) for the key it was
// prepared from; invalid_key if the key was never prepared.
template <class P>
[[nodiscard]] Status verify(const PreparedPublicKey<P>& pk, const Input& in, std::span<const std::uint8_t> sig);

// ---- memory budgets ----------------------------------------------------------------------------
// workspace: bytes of the operation's working storage (sizeof of the internal workspace struct,
// static_asserted in the implementation). stack: the peak stack the Cortex-M33 on-target test
// (MinSizeRel) must stay under, call frames and hashing included (firmware/tests/target_mldsa.cpp
// checks it). Seed-form private keys add an expanded key (P::sk_bytes) to signing.
template <class P, Memory M>
struct Budget;

namespace detail {
inline constexpr std::size_t kPolyBytes = 4 * kN;
// Low memory: rows of w = A y that do not fit the signature's z field stay on the stack, 24 bits
// per coefficient.
template <class P>
inline constexpr std::size_t lowmem_rows_on_stack =
    static_cast<std::size_t>(P::k) > (32 * P::l * P::z_bits) / (3 * kN)
        ? static_cast<std::size_t>(P::k) - (32 * P::l * P::z_bits) / (3 * kN)
        : 0;
}  // namespace detail

template <class P>
struct Budget<P, Memory::fast> {
  // keygen: NTT(s1) kept, two polynomials; sign: A, NTT(s1, s2, t0), y, NTT(y)/z, w, three
  // polynomials; verify: NTT(z) and three polynomials. Plus seeds and small buffers.
  static constexpr std::size_t keygen_workspace = (P::l + 2) * detail::kPolyBytes + 128;
  static constexpr std::size_t sign_workspace =
      (P::k * P::l + 3 * P::l + 3 * P::k + 3) * detail::kPolyBytes + 64 + 64 + 32 * P::k * P::w1_bits;
  static constexpr std::size_t verify_workspace = (P::l + 3) * detail::kPolyBytes + 32 + 64 + 32 * P::w1_bits;
  // Peak stack on Cortex-M33 (MinSizeRel): workspace plus hashing state and call frames.
  static constexpr std::size_t keygen_stack = keygen_workspace + 3584;
  static constexpr std::size_t sign_stack = sign_workspace + 4096;
  static constexpr std::size_t verify_stack = verify_workspace + 2048;
};

template <class P>
struct Budget<P, Memory::low> {
  // keygen: two polynomials; sign: two polynomials plus the rows of w that do not fit the
  // signature buffer; verify: two polynomials. Plus seeds and small buffers.
  static constexpr std::size_t keygen_workspace = 2 * detail::kPolyBytes + 128 + 32 * (23 - kD);
  static constexpr std::size_t sign_workspace =
      2 * detail::kPolyBytes + detail::lowmem_rows_on_stack<P> * 3 * kN + 64 + 32 + 64 + 32 * P::w1_bits;
  static constexpr std::size_t verify_workspace = 2 * detail::kPolyBytes + 64 + 32 + 32 * P::w1_bits + P::ctilde_bytes;
  static constexpr std::size_t keygen_stack = keygen_workspace + 3584;
  static constexpr std::size_t sign_stack = sign_workspace + 4096;
  static constexpr std::size_t verify_stack = verify_workspace + 2048;
};
// The device targets (issue 4): ML-DSA-87 signs in under 10 KB and verifies in under 3 KB.
static_assert(Budget<MlDsa87, Memory::low>::sign_stack < 10 * 1024);

}  // namespace pqcea::mldsa
