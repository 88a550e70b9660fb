// XMSS and XMSS^MT (RFC 8391) with the SP 800-208 parameter sets (SHA-256/192, SHAKE256/256,
// SHAKE256/192), w = 16.
//
// Verification is freestanding (no heap) and streams over the signature: XmssVerifier reads the
// signature through a SignatureReader one n-byte value at a time and folds the WOTS+ public key
// into the L-tree as it goes (a stack of at most 8 nodes), so neither the signature nor a WOTS+
// public key is ever held in RAM. The message is streamed too (start / update / finish).
//
// XMSS and XMSS^MT OIDs overlap (both registries start at 1), so the caller says which one a key
// is. Context exposes the building blocks (WOTS+ leaves and signatures, tree nodes, H_msg, PRF) the
// host signer (include/pqcea/host/stateful.hpp) builds trees and signatures from.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/core/status.hpp"

namespace pqcea::xmss {

enum class HashFn : std::uint8_t { sha256, sha512, shake128, shake256 };

struct Params {
  std::uint32_t oid;
  const char* name;
  bool mt;            // XMSS^MT (separate OID registry)
  HashFn hash;
  std::uint8_t n;     // bytes of a hash value
  std::uint8_t pad;   // bytes of the toByte(x, pad) domain prefix: n (RFC 8391), 4 (SP 800-208 n = 24)
  std::uint8_t h;     // total height
  std::uint8_t d;     // layers (1 for XMSS)

  // WOTS+ with w = 16 (RFC 8391 §3.1.1): len1 = 8n / lg(w), len2 = floor(lg(len1 (w-1)) / lg(w)) + 1.
  constexpr unsigned len1() const { return 2u * n; }
  constexpr unsigned len2() const {
    unsigned x = len1() * 15u, lg = 0;
    while (x > 1) {
      x >>= 1;
      ++lg;
    }
    return lg / 4 + 1;
  }
  constexpr unsigned len() const { return len1() + len2(); }
  constexpr unsigned tree_height() const { return static_cast<unsigned>(h) / d; }
  constexpr std::size_t idx_bytes() const { return mt ? (h + 7u) / 8u : 4u; }
  // idx || r || d x (WOTS+ signature || authentication path) (RFC 8391 §4.1.8, §4.2.3).
  constexpr std::size_t sig_bytes() const {
    return idx_bytes() + n + std::size_t{d} * (len() + tree_height()) * n;
  }
  // OID || root || SEED (§4.1.7, §4.2.2 with the OID of §5.3 in front).
  constexpr std::size_t pk_bytes() const { return 4u + 2u * n; }
  // Number of signatures: 2^h (h <= 60 here).
  constexpr std::uint64_t capacity() const { return std::uint64_t{1} << h; }
};

namespace detail {
constexpr Params x(std::uint32_t oid, const char* name, HashFn f, unsigned n, unsigned pad, unsigned h) {
  return Params{oid, name, false, f, static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(pad),
                static_cast<std::uint8_t>(h), 1};
}
constexpr Params mt(std::uint32_t oid, const char* name, HashFn f, unsigned n, unsigned pad, unsigned h, unsigned d) {
  return Params{oid, name, true, f, static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(pad),
                static_cast<std::uint8_t>(h), static_cast<std::uint8_t>(d)};
}
}  // namespace detail

// RFC 8391 §5.3 (OIDs 0x01-0x0C) and SP 800-208 §5 (0x0D-0x15).
inline constexpr Params kXmss[] = {
    detail::x(0x01, "XMSS-SHA2_10_256", HashFn::sha256, 32, 32, 10),
    detail::x(0x02, "XMSS-SHA2_16_256", HashFn::sha256, 32, 32, 16),
    detail::x(0x03, "XMSS-SHA2_20_256", HashFn::sha256, 32, 32, 20),
    detail::x(0x04, "XMSS-SHA2_10_512", HashFn::sha512, 64, 64, 10),
    detail::x(0x05, "XMSS-SHA2_16_512", HashFn::sha512, 64, 64, 16),
    detail::x(0x06, "XMSS-SHA2_20_512", HashFn::sha512, 64, 64, 20),
    detail::x(0x07, "XMSS-SHAKE_10_256", HashFn::shake128, 32, 32, 10),
    detail::x(0x08, "XMSS-SHAKE_16_256", HashFn::shake128, 32, 32, 16),
    detail::x(0x09, "XMSS-SHAKE_20_256", HashFn::shake128, 32, 32, 20),
    detail::x(0x0A, "XMSS-SHAKE_10_512", HashFn::shake256, 64, 64, 10),
    detail::x(0x0B, "XMSS-SHAKE_16_512", HashFn::shake256, 64, 64, 16),
    detail::x(0x0C, "XMSS-SHAKE_20_512", HashFn::shake256, 64, 64, 20),
    detail::x(0x0D, "XMSS-SHA2_10_192", HashFn::sha256, 24, 4, 10),
    detail::x(0x0E, "XMSS-SHA2_16_192", HashFn::sha256, 24, 4, 16),
    detail::x(0x0F, "XMSS-SHA2_20_192", HashFn::sha256, 24, 4, 20),
    detail::x(0x10, "XMSS-SHAKE256_10_256", HashFn::shake256, 32, 32, 10),
    detail::x(0x11, "XMSS-SHAKE256_16_256", HashFn::shake256, 32, 32, 16),
    detail::x(0x12, "XMSS-SHAKE256_20_256", HashFn::shake256, 32, 32, 20),
    detail::x(0x13, "XMSS-SHAKE256_10_192", HashFn::shake256, 24, 4, 10),
    detail::x(0x14, "XMSS-SHAKE256_16_192", HashFn::shake256, 24, 4, 16),
    detail::x(0x15, "XMSS-SHAKE256_20_192", HashFn::shake256, 24, 4, 20),
};

// RFC 8391 §5.4 (OIDs 0x01-0x20) and SP 800-208 §5 (0x21-0x38).
inline constexpr Params kXmssMt[] = {
    detail::mt(0x01, "XMSSMT-SHA2_20/2_256", HashFn::sha256, 32, 32, 20, 2),
    detail::mt(0x02, "XMSSMT-SHA2_20/4_256", HashFn::sha256, 32, 32, 20, 4),
    detail::mt(0x03, "XMSSMT-SHA2_40/2_256", HashFn::sha256, 32, 32, 40, 2),
    detail::mt(0x04, "XMSSMT-SHA2_40/4_256", HashFn::sha256, 32, 32, 40, 4),
    detail::mt(0x05, "XMSSMT-SHA2_40/8_256", HashFn::sha256, 32, 32, 40, 8),
    detail::mt(0x06, "XMSSMT-SHA2_60/3_256", HashFn::sha256, 32, 32, 60, 3),
    detail::mt(0x07, "XMSSMT-SHA2_60/6_256", HashFn::sha256, 32, 32, 60, 6),
    detail::mt(0x08, "XMSSMT-SHA2_60/12_256", HashFn::sha256, 32, 32, 60, 12),
    detail::mt(0x09, "XMSSMT-SHA2_20/2_512", HashFn::sha512, 64, 64, 20, 2),
    detail::mt(0x0A, "XMSSMT-SHA2_20/4_512", HashFn::sha512, 64, 64, 20, 4),
    detail::mt(0x0B, "XMSSMT-SHA2_40/2_512", HashFn::sha512, 64, 64, 40, 2),
    detail::mt(0x0C, "XMSSMT-SHA2_40/4_512", HashFn::sha512, 64, 64, 40, 4),
    detail::mt(0x0D, "XMSSMT-SHA2_40/8_512", HashFn::sha512, 64, 64, 40, 8),
    detail::mt(0x0E, "XMSSMT-SHA2_60/3_512", HashFn::sha512, 64, 64, 60, 3),
    detail::mt(0x0F, "XMSSMT-SHA2_60/6_512", HashFn::sha512, 64, 64, 60, 6),
    detail::mt(0x10, "XMSSMT-SHA2_60/12_512", HashFn::sha512, 64, 64, 60, 12),
    detail::mt(0x11, "XMSSMT-SHAKE_20/2_256", HashFn::shake128, 32, 32, 20, 2),
    detail::mt(0x12, "XMSSMT-SHAKE_20/4_256", HashFn::shake128, 32, 32, 20, 4),
    detail::mt(0x13, "XMSSMT-SHAKE_40/2_256", HashFn::shake128, 32, 32, 40, 2),
    detail::mt(0x14, "XMSSMT-SHAKE_40/4_256", HashFn::shake128, 32, 32, 40, 4),
    detail::mt(0x15, "XMSSMT-SHAKE_40/8_256", HashFn::shake128, 32, 32, 40, 8),
    detail::mt(0x16, "XMSSMT-SHAKE_60/3_256", HashFn::shake128, 32, 32, 60, 3),
    detail::mt(0x17, "XMSSMT-SHAKE_60/6_256", HashFn::shake128, 32, 32, 60, 6),
    detail::mt(0x18, "XMSSMT-SHAKE_60/12_256", HashFn::shake128, 32, 32, 60, 12),
    detail::mt(0x19, "XMSSMT-SHAKE_20/2_512", HashFn::shake256, 64, 64, 20, 2),
    detail::mt(0x1A, "XMSSMT-SHAKE_20/4_512", HashFn::shake256, 64, 64, 20, 4),
    detail::mt(0x1B, "XMSSMT-SHAKE_40/2_512", HashFn::shake256, 64, 64, 40, 2),
    detail::mt(0x1C, "XMSSMT-SHAKE_40/4_512", HashFn::shake256, 64, 64, 40, 4),
    detail::mt(0x1D, "XMSSMT-SHAKE_40/8_512", HashFn::shake256, 64, 64, 40, 8),
    detail::mt(0x1E, "XMSSMT-SHAKE_60/3_512", HashFn::shake256, 64, 64, 60, 3),
    detail::mt(0x1F, "XMSSMT-SHAKE_60/6_512", HashFn::shake256, 64, 64, 60, 6),
    detail::mt(0x20, "XMSSMT-SHAKE_60/12_512", HashFn::shake256, 64, 64, 60, 12),
    detail::mt(0x21, "XMSSMT-SHA2_20/2_192", HashFn::sha256, 24, 4, 20, 2),
    detail::mt(0x22, "XMSSMT-SHA2_20/4_192", HashFn::sha256, 24, 4, 20, 4),
    detail::mt(0x23, "XMSSMT-SHA2_40/2_192", HashFn::sha256, 24, 4, 40, 2),
    detail::mt(0x24, "XMSSMT-SHA2_40/4_192", HashFn::sha256, 24, 4, 40, 4),
    detail::mt(0x25, "XMSSMT-SHA2_40/8_192", HashFn::sha256, 24, 4, 40, 8),
    detail::mt(0x26, "XMSSMT-SHA2_60/3_192", HashFn::sha256, 24, 4, 60, 3),
    detail::mt(0x27, "XMSSMT-SHA2_60/6_192", HashFn::sha256, 24, 4, 60, 6),
    detail::mt(0x28, "XMSSMT-SHA2_60/12_192", HashFn::sha256, 24, 4, 60, 12),
    detail::mt(0x29, "XMSSMT-SHAKE256_20/2_256", HashFn::shake256, 32, 32, 20, 2),
    detail::mt(0x2A, "XMSSMT-SHAKE256_20/4_256", HashFn::shake256, 32, 32, 20, 4),
    detail::mt(0x2B, "XMSSMT-SHAKE256_40/2_256", HashFn::shake256, 32, 32, 40, 2),
    detail::mt(0x2C, "XMSSMT-SHAKE256_40/4_256", HashFn::shake256, 32, 32, 40, 4),
    detail::mt(0x2D, "XMSSMT-SHAKE256_40/8_256", HashFn::shake256, 32, 32, 40, 8),
    detail::mt(0x2E, "XMSSMT-SHAKE256_60/3_256", HashFn::shake256, 32, 32, 60, 3),
    detail::mt(0x2F, "XMSSMT-SHAKE256_60/6_256", HashFn::shake256, 32, 32, 60, 6),
    detail::mt(0x30, "XMSSMT-SHAKE256_60/12_256", HashFn::shake256, 32, 32, 60, 12),
    detail::mt(0x31, "XMSSMT-SHAKE256_20/2_192", HashFn::shake256, 24, 4, 20, 2),
    detail::mt(0x32, "XMSSMT-SHAKE256_20/4_192", HashFn::shake256, 24, 4, 20, 4),
    detail::mt(0x33, "XMSSMT-SHAKE256_40/2_192", HashFn::shake256, 24, 4, 40, 2),
    detail::mt(0x34, "XMSSMT-SHAKE256_40/4_192", HashFn::shake256, 24, 4, 40, 4),
    detail::mt(0x35, "XMSSMT-SHAKE256_40/8_192", HashFn::shake256, 24, 4, 40, 8),
    detail::mt(0x36, "XMSSMT-SHAKE256_60/3_192", HashFn::shake256, 24, 4, 60, 3),
    detail::mt(0x37, "XMSSMT-SHAKE256_60/6_192", HashFn::shake256, 24, 4, 60, 6),
    detail::mt(0x38, "XMSSMT-SHAKE256_60/12_192", HashFn::shake256, 24, 4, 60, 12),
};

constexpr const Params* find(std::uint32_t oid, bool mt) {
  if (mt) {
    for (const auto& p : kXmssMt)
      if (p.oid == oid) return &p;
  } else {
    for (const auto& p : kXmss)
      if (p.oid == oid) return &p;
  }
  return nullptr;
}
constexpr bool same_name(const char* a, const char* b) {
  while (*a != 0 && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}
constexpr const Params* find_by_name(const char* name) {
  for (const auto& p : kXmss)
    if (same_name(p.name, name)) return &p;
  for (const auto& p : kXmssMt)
    if (same_name(p.name, name)) return &p;
  return nullptr;
}

// RFC 8391 §5.3/§5.4 and SP 800-208 Table 10/11 sizes.
static_assert(kXmss[0].len() == 67 && kXmss[0].sig_bytes() == 2500 && kXmss[0].pk_bytes() == 68);
static_assert(kXmss[3].len() == 131 && kXmss[3].sig_bytes() == 9092);
static_assert(kXmss[12].len() == 51 && kXmss[12].sig_bytes() == 1492);
static_assert(kXmss[2].sig_bytes() == 2820 && kXmss[14].sig_bytes() == 1732);
static_assert(kXmssMt[0].sig_bytes() == 4963 && kXmssMt[7].sig_bytes() == 27688 && kXmssMt[5].sig_bytes() == 8392);
static_assert(kXmssMt[0].name[0] == 'X' && sizeof(kXmssMt) / sizeof(kXmssMt[0]) == 56);
static_assert(find_by_name("XMSSMT-SHAKE256_60/12_192")->oid == 0x38 && find_by_name("XMSS-SHA2_10_256")->oid == 1);

inline constexpr std::size_t kMaxN = 64;
inline constexpr std::size_t kMaxLen = 131;

// ---- streaming input ---------------------------------------------------------------------------
// Where a signature comes from (same contract as lms::SignatureReader).
class SignatureReader {
 public:
  virtual std::size_t size() const = 0;
  virtual Status read(std::size_t offset, std::span<std::uint8_t> out) const = 0;

 protected:
  ~SignatureReader() = default;
};

class SpanReader final : public SignatureReader {
 public:
  explicit constexpr SpanReader(std::span<const std::uint8_t> s) : s_(s) {}
  std::size_t size() const override { return s_.size(); }
  Status read(std::size_t offset, std::span<std::uint8_t> out) const override;

 private:
  std::span<const std::uint8_t> s_;
};

// ---- hashing ------------------------------------------------------------------------------------
// The address of RFC 8391 §2.5: eight 32-bit words (layer, tree (2 words), type, then per type).
struct Address {
  std::uint32_t w[8] = {};
  void set_layer(std::uint32_t v) { w[0] = v; }
  void set_tree(std::uint64_t t) {
    w[1] = static_cast<std::uint32_t>(t >> 32);
    w[2] = static_cast<std::uint32_t>(t);
  }
  // Setting the type zeroes the type-specific words (RFC 8391 §2.5).
  void set_type(std::uint32_t t) {
    w[3] = t;
    w[4] = w[5] = w[6] = w[7] = 0;
  }
  void set_ots(std::uint32_t v) { w[4] = v; }     // OTS address / L-tree address
  void set_chain(std::uint32_t v) { w[5] = v; }   // chain address / tree height
  void set_hash(std::uint32_t v) { w[6] = v; }    // hash address / tree index
  void set_key_and_mask(std::uint32_t v) { w[7] = v; }
  void to_bytes(std::uint8_t out[32]) const;
};
inline constexpr std::uint32_t kAddrOts = 0, kAddrLtree = 1, kAddrHashTree = 2;

// Incremental hash over the four functions, with n bytes out (SHA-256 truncated for n = 24).
class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  void start(HashFn f, std::size_t out_bytes);
  void update(const std::uint8_t* p, std::size_t n);
  void finish(std::uint8_t* out);

 private:
  void destroy();
  alignas(8) std::uint8_t state_[216];
  HashFn f_ = HashFn::sha256;
  std::uint8_t out_ = 32;
};

// The keyed functions of one key pair (RFC 8391 §5.1, SP 800-208 §5): F, H, H_msg, PRF, PRF_keygen,
// each H(toByte(i, pad) || KEY || M), with the PRF keyed by PUB_SEED precomputed where it pays (the
// SHA-256 n = 32 sets: one compression per PRF call).
class Context {
 public:
  Context(const Params& p, std::span<const std::uint8_t> pub_seed);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  const Params& params() const { return *p_; }

  // RFC 8391 Alg. 2 on one chain: x := chain(x, start, steps) with adrs (type OTS, chain set).
  void chain(std::uint8_t* x, unsigned start, unsigned steps, Address& adrs) const;
  // RFC 8391 Alg. 7 RAND_HASH: out = H(KEY, (left ^ BM0) || (right ^ BM1)); adrs sets the node.
  void rand_hash(std::uint8_t* out, const std::uint8_t* left, const std::uint8_t* right, Address& adrs) const;
  // PRF(key, toByte(idx, 32)): the signature randomness r (RFC 8391 Alg. 12 step 2).
  void prf_index(std::uint8_t* out, const std::uint8_t* key, std::uint64_t idx) const;
  // PRF_keygen(SK_SEED, PUB_SEED || ADRS): a WOTS+ secret element (SP 800-208 §7.2.1).
  void prf_keygen(std::uint8_t* out, const std::uint8_t* sk_seed, const Address& adrs) const;
  // H_msg(r || root || toByte(idx, n), M) streamed: start, then the message into `h`, then finish.
  void h_msg_start(Hasher& h, const std::uint8_t* r, const std::uint8_t* root, std::uint64_t idx) const;

  // ---- host building blocks ----
  // The leaf of WOTS+ key `leaf` in tree (layer, tree): L-tree of the WOTS+ public key (Alg. 4, 8).
  void leaf(std::uint8_t* out, const std::uint8_t* sk_seed, std::uint32_t layer, std::uint64_t tree,
            std::uint32_t leaf) const;
  // The WOTS+ signature (Alg. 5) of the n-byte digest `msg` with that key: len x n bytes.
  void wots_sign(std::uint8_t* sig, const std::uint8_t* msg, const std::uint8_t* sk_seed, std::uint32_t layer,
                 std::uint64_t tree, std::uint32_t leaf) const;
  // An inner node of tree (layer, tree): height of the children, index of the node at height + 1.
  void node(std::uint8_t* out, const std::uint8_t* left, const std::uint8_t* right, std::uint32_t layer,
            std::uint64_t tree, std::uint32_t child_height, std::uint32_t index) const;

 private:
  void prf(std::uint8_t* out, const Address& adrs) const;  // PRF(PUB_SEED, ADRS)
  void f(std::uint8_t* out, const std::uint8_t* key, const std::uint8_t* m) const;
  enum class Fast : std::uint8_t { none, sha256, sha512 };
  const Params* p_;
  std::uint8_t seed_[kMaxN];
  // SHA-256 n = 32 / SHA-512 n = 64: the state after the one-block prefix toByte(3, n) || PUB_SEED.
  std::uint32_t mid256_[8] = {};
  std::uint64_t mid512_[8] = {};
  Fast fast_;
};

// base_w of the n-byte digest with the checksum appended (RFC 8391 Alg. 1, Alg. 5 steps 1-6).
void message_digits(std::uint8_t* digits, const std::uint8_t* msg, const Params& p);

// ---- verification -------------------------------------------------------------------------------
// XmssVerifier v; v.start(pk, reader, mt); v.update(msg)...; v.finish() == Status::ok for a valid
// signature (RFC 8391 Alg. 14 / Alg. 17). Errors are final. invalid_key: wrong OID for the family,
// wrong length; invalid_signature: wrong length, index out of range, or a mismatching root; a
// reader's own error.
class XmssVerifier {
 public:
  [[nodiscard]] Status start(std::span<const std::uint8_t> pk, const SignatureReader& sig, bool mt);
  void update(std::span<const std::uint8_t> msg);
  [[nodiscard]] Status finish();

 private:
  Hasher msg_;
  const SignatureReader* sig_ = nullptr;
  const Params* p_ = nullptr;
  std::uint8_t pk_[4 + 2 * kMaxN] = {};
  std::uint64_t idx_ = 0;
  Status status_ = Status::invalid_argument;
};

[[nodiscard]] Status verify(std::span<const std::uint8_t> pk, std::span<const std::uint8_t> msg,
                            std::span<const std::uint8_t> sig);
[[nodiscard]] Status verify_mt(std::span<const std::uint8_t> pk, std::span<const std::uint8_t> msg,
                               std::span<const std::uint8_t> sig);

// Peak stack of verify on the Cortex-M33 (MinSizeRel), checked by firmware/tests/target_xmss.cpp.
inline constexpr std::size_t kVerifyStackBudget = 3072;

}  // namespace pqcea::xmss
