// LMS / HSS (RFC 8554) with the SP 800-208 parameter sets: SHA-256/256 (RFC 8554), SHA-256/192
// (M24/N24), SHAKE256/256 and SHAKE256/192.
//
// Verification is freestanding (the bootloader uses it): no heap, and the signature is read through
// a SignatureReader in small pieces, so a signature of many kilobytes in flash never has to be
// copied into RAM. HssVerifier streams the message too (start / update / finish).
//
// The parameter tables below are constexpr; LMS keys and signatures name their types in the data
// (RFC 8554 §5.3, §6.2), so the verifier picks the row at run time, as the format requires.
//
// Key generation and signing building blocks (RFC 8554 Appendix A pseudorandom keys, LM-OTS key
// generation and signing, Merkle node hashes) are here too; the stateful private key, its tree
// cache and its crash-safe state file live on the host (include/pqcea/host/stateful.hpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/core/status.hpp"

namespace pqcea::lms {

enum class HashKind : std::uint8_t { sha256, shake256 };

// One LM-OTS type: RFC 8554 §4.1 Table 1 and SP 800-208 §4.2 (N24 and SHAKE rows).
struct OtsType {
  std::uint32_t code;
  const char* name;
  HashKind hash;
  std::uint8_t n;   // bytes of each hash value
  std::uint8_t w;   // Winternitz parameter (bits per digit)
  std::uint16_t p;  // number of chains
  std::uint8_t ls;  // left shift of the checksum
  constexpr std::size_t sig_bytes() const { return 4 + std::size_t{n} * (std::size_t{p} + 1); }
};

// One LMS type: RFC 8554 §5.1 Table 2 and SP 800-208 §4.1.
struct LmsType {
  std::uint32_t code;
  const char* name;
  HashKind hash;
  std::uint8_t m;  // bytes of each tree node
  std::uint8_t h;  // tree height: 2^h one-time keys
};

namespace detail {
// RFC 8554 Appendix B: u = ceil(8n/w), v = ceil((floor(lg((2^w - 1) u)) + 1) / w), ls = 16 - v w.
constexpr unsigned floor_log2(unsigned x) {
  unsigned r = 0;
  while (x > 1) {
    x >>= 1;
    ++r;
  }
  return r;
}
constexpr unsigned ots_u(unsigned n, unsigned w) { return (8 * n + w - 1) / w; }
constexpr unsigned ots_v(unsigned n, unsigned w) {
  return (floor_log2(((1u << w) - 1) * ots_u(n, w)) + 1 + w - 1) / w;
}
constexpr OtsType ots(std::uint32_t code, const char* name, HashKind hk, unsigned n, unsigned w) {
  return OtsType{code,
                 name,
                 hk,
                 static_cast<std::uint8_t>(n),
                 static_cast<std::uint8_t>(w),
                 static_cast<std::uint16_t>(ots_u(n, w) + ots_v(n, w)),
                 static_cast<std::uint8_t>(16 - ots_v(n, w) * w)};
}
}  // namespace detail

inline constexpr OtsType kOtsTypes[] = {
    detail::ots(0x01, "LMOTS_SHA256_N32_W1", HashKind::sha256, 32, 1),
    detail::ots(0x02, "LMOTS_SHA256_N32_W2", HashKind::sha256, 32, 2),
    detail::ots(0x03, "LMOTS_SHA256_N32_W4", HashKind::sha256, 32, 4),
    detail::ots(0x04, "LMOTS_SHA256_N32_W8", HashKind::sha256, 32, 8),
    detail::ots(0x05, "LMOTS_SHA256_N24_W1", HashKind::sha256, 24, 1),
    detail::ots(0x06, "LMOTS_SHA256_N24_W2", HashKind::sha256, 24, 2),
    detail::ots(0x07, "LMOTS_SHA256_N24_W4", HashKind::sha256, 24, 4),
    detail::ots(0x08, "LMOTS_SHA256_N24_W8", HashKind::sha256, 24, 8),
    detail::ots(0x09, "LMOTS_SHAKE_N32_W1", HashKind::shake256, 32, 1),
    detail::ots(0x0A, "LMOTS_SHAKE_N32_W2", HashKind::shake256, 32, 2),
    detail::ots(0x0B, "LMOTS_SHAKE_N32_W4", HashKind::shake256, 32, 4),
    detail::ots(0x0C, "LMOTS_SHAKE_N32_W8", HashKind::shake256, 32, 8),
    detail::ots(0x0D, "LMOTS_SHAKE_N24_W1", HashKind::shake256, 24, 1),
    detail::ots(0x0E, "LMOTS_SHAKE_N24_W2", HashKind::shake256, 24, 2),
    detail::ots(0x0F, "LMOTS_SHAKE_N24_W4", HashKind::shake256, 24, 4),
    detail::ots(0x10, "LMOTS_SHAKE_N24_W8", HashKind::shake256, 24, 8),
};

inline constexpr LmsType kLmsTypes[] = {
    {0x05, "LMS_SHA256_M32_H5", HashKind::sha256, 32, 5},   {0x06, "LMS_SHA256_M32_H10", HashKind::sha256, 32, 10},
    {0x07, "LMS_SHA256_M32_H15", HashKind::sha256, 32, 15}, {0x08, "LMS_SHA256_M32_H20", HashKind::sha256, 32, 20},
    {0x09, "LMS_SHA256_M32_H25", HashKind::sha256, 32, 25}, {0x0A, "LMS_SHA256_M24_H5", HashKind::sha256, 24, 5},
    {0x0B, "LMS_SHA256_M24_H10", HashKind::sha256, 24, 10}, {0x0C, "LMS_SHA256_M24_H15", HashKind::sha256, 24, 15},
    {0x0D, "LMS_SHA256_M24_H20", HashKind::sha256, 24, 20}, {0x0E, "LMS_SHA256_M24_H25", HashKind::sha256, 24, 25},
    {0x0F, "LMS_SHAKE_M32_H5", HashKind::shake256, 32, 5},  {0x10, "LMS_SHAKE_M32_H10", HashKind::shake256, 32, 10},
    {0x11, "LMS_SHAKE_M32_H15", HashKind::shake256, 32, 15}, {0x12, "LMS_SHAKE_M32_H20", HashKind::shake256, 32, 20},
    {0x13, "LMS_SHAKE_M32_H25", HashKind::shake256, 32, 25}, {0x14, "LMS_SHAKE_M24_H5", HashKind::shake256, 24, 5},
    {0x15, "LMS_SHAKE_M24_H10", HashKind::shake256, 24, 10}, {0x16, "LMS_SHAKE_M24_H15", HashKind::shake256, 24, 15},
    {0x17, "LMS_SHAKE_M24_H20", HashKind::shake256, 24, 20}, {0x18, "LMS_SHAKE_M24_H25", HashKind::shake256, 24, 25},
};

constexpr const OtsType* find_ots(std::uint32_t code) {
  for (const auto& t : kOtsTypes)
    if (t.code == code) return &t;
  return nullptr;
}
constexpr const LmsType* find_lms(std::uint32_t code) {
  for (const auto& t : kLmsTypes)
    if (t.code == code) return &t;
  return nullptr;
}

// RFC 8554 Table 1 (p, ls, signature length) and SP 800-208 Table 6 (N24 rows).
static_assert(kOtsTypes[0].p == 265 && kOtsTypes[0].ls == 7 && kOtsTypes[0].sig_bytes() == 8516);
static_assert(kOtsTypes[1].p == 133 && kOtsTypes[1].ls == 6 && kOtsTypes[1].sig_bytes() == 4292);
static_assert(kOtsTypes[2].p == 67 && kOtsTypes[2].ls == 4 && kOtsTypes[2].sig_bytes() == 2180);
static_assert(kOtsTypes[3].p == 34 && kOtsTypes[3].ls == 0 && kOtsTypes[3].sig_bytes() == 1124);
static_assert(kOtsTypes[4].p == 200 && kOtsTypes[4].ls == 8);
static_assert(kOtsTypes[5].p == 101 && kOtsTypes[5].ls == 6);
static_assert(kOtsTypes[6].p == 51 && kOtsTypes[6].ls == 4);
static_assert(kOtsTypes[7].p == 26 && kOtsTypes[7].ls == 0);
static_assert(kOtsTypes[11].p == 34 && kOtsTypes[15].p == 26);

inline constexpr std::size_t kIdBytes = 16;      // I
inline constexpr std::size_t kMaxN = 32;         // largest n / m
inline constexpr unsigned kMaxLevels = 8;        // HSS levels (RFC 8554 §6)
inline constexpr unsigned kMaxHeight = 25;

// u32str(type) || u32str(otstype) || I || T[1] (RFC 8554 §5.3).
constexpr std::size_t lms_pk_bytes(const LmsType& l) { return 8 + kIdBytes + l.m; }
// u32str(q) || lmots_signature || u32str(type) || path[h] (RFC 8554 §5.4).
constexpr std::size_t lms_sig_bytes(const LmsType& l, const OtsType& o) {
  return 4 + o.sig_bytes() + 4 + std::size_t{l.h} * l.m;
}
// u32str(L) || pub[0] (RFC 8554 §6.1).
constexpr std::size_t hss_pk_bytes(const LmsType& top) { return 4 + lms_pk_bytes(top); }
inline constexpr std::size_t kMaxLmsPkBytes = 8 + kIdBytes + kMaxN;
static_assert(lms_sig_bytes(kLmsTypes[1], kOtsTypes[2]) == 2180 + 8 + 320);

// Domain-separation constants (RFC 8554 §7.1) and the Appendix A index of the key derivation.
inline constexpr std::uint16_t kDPblc = 0x8080, kDMesg = 0x8181, kDLeaf = 0x8282, kDIntr = 0x8383;

// ---- streaming input ---------------------------------------------------------------------------
// Where a signature comes from. read() fills `out` from byte `offset`; it returns ok, or an error
// (a flash read error, or offset + out.size() beyond size(): invalid_signature).
class SignatureReader {
 public:
  virtual std::size_t size() const = 0;
  virtual Status read(std::size_t offset, std::span<std::uint8_t> out) const = 0;

 protected:
  ~SignatureReader() = default;
};

// A signature already in (memory-mapped) memory.
class SpanReader final : public SignatureReader {
 public:
  explicit constexpr SpanReader(std::span<const std::uint8_t> s) : s_(s) {}
  std::size_t size() const override { return s_.size(); }
  Status read(std::size_t offset, std::span<std::uint8_t> out) const override;

 private:
  std::span<const std::uint8_t> s_;
};

// ---- verification ------------------------------------------------------------------------------
// Incremental hash over SHA-256 (truncated to n) or SHAKE256 (n bytes out). Internal state of the
// streaming verifier; exposed so its size is known to callers that place a verifier in .bss.
class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  void start(HashKind kind, std::size_t out_bytes);
  void update(const std::uint8_t* p, std::size_t n);
  void update(std::span<const std::uint8_t> s) { update(s.data(), s.size()); }
  void finish(std::uint8_t* out);

 private:
  void destroy();
  alignas(8) std::uint8_t state_[216];  // a hash::Sha256 or hash::Shake256, constructed in place
  HashKind kind_ = HashKind::sha256;
  std::uint8_t out_ = 32;
};

// HSS verification (RFC 8554 §6.3) with a streamed message:
//   HssVerifier v;
//   Status st = v.start(pk, reader);   // parses, verifies levels 0..L-2, starts the message hash
//   v.update(chunk) ...;               // the message, in any pieces
//   st = v.finish();                   // ok only for a valid signature
// Every error is final: after a failed start(), update() does nothing and finish() returns it.
// Status: ok; invalid_key (malformed public key, unknown type, L outside 1..8); invalid_signature
// (anything wrong with the signature, including trailing bytes); a reader's own error.
class HssVerifier {
 public:
  [[nodiscard]] Status start(std::span<const std::uint8_t> hss_pk, const SignatureReader& sig);
  // Single-level LMS (RFC 8554 §5.4.2): public key without the HSS level count.
  [[nodiscard]] Status start_lms(std::span<const std::uint8_t> lms_pk, const SignatureReader& sig);
  void update(std::span<const std::uint8_t> msg);
  [[nodiscard]] Status finish();

 private:
  Status begin_bottom(std::size_t off, std::size_t end, const SignatureReader& sig);
  Hasher msg_;
  const SignatureReader* sig_ = nullptr;
  std::size_t off_ = 0;  // offset of the bottom-level LMS signature
  std::uint8_t pk_[kMaxLmsPkBytes] = {};
  Status status_ = Status::invalid_argument;  // until start() succeeds
};

// One-shot forms. hss_verify takes the HSS public key (with L); lms_verify a bare LMS key.
[[nodiscard]] Status hss_verify(std::span<const std::uint8_t> hss_pk, std::span<const std::uint8_t> msg,
                                std::span<const std::uint8_t> sig);
[[nodiscard]] Status lms_verify(std::span<const std::uint8_t> lms_pk, std::span<const std::uint8_t> msg,
                                std::span<const std::uint8_t> sig);

// Peak stack of hss_verify on the Cortex-M33 (MinSizeRel), checked by firmware/tests/target_lms.cpp.
inline constexpr std::size_t kVerifyStackBudget = 2048;

// ---- key generation and signing building blocks (RFC 8554 Appendix A) -----------------------------
// x_q[i] = H(I || u32str(q) || u16str(i) || u8str(0xff) || SEED): the LM-OTS private key of leaf q
// comes from SEED (n bytes) and I. seed.size() must be o.n.
// K: the LM-OTS public key hash of leaf q (RFC 8554 Alg. 1), n bytes.
[[nodiscard]] Status ots_public_key(std::span<std::uint8_t> K, const OtsType& o, std::span<const std::uint8_t, kIdBytes> I,
                                   std::uint32_t q, std::span<const std::uint8_t> seed);
// The LM-OTS signature (RFC 8554 Alg. 3) of `msg` with randomizer C (n bytes): u32str(type) || C || y.
// sig.size() must be o.sig_bytes().
[[nodiscard]] Status ots_sign(std::span<std::uint8_t> sig, const OtsType& o, std::span<const std::uint8_t, kIdBytes> I,
                              std::uint32_t q, std::span<const std::uint8_t> seed, std::span<const std::uint8_t> C,
                              std::span<const std::uint8_t> msg);
// Merkle tree nodes (RFC 8554 §5.3): leaf r = 2^h + q from K; interior r from its two children.
void leaf_node(std::uint8_t* out, const LmsType& l, std::span<const std::uint8_t, kIdBytes> I, std::uint32_t r,
               const std::uint8_t* K);
void interior_node(std::uint8_t* out, const LmsType& l, std::span<const std::uint8_t, kIdBytes> I, std::uint32_t r,
                   const std::uint8_t* left, const std::uint8_t* right);
// H(I || u32str(q) || u16str(index) || u8str(0xff) || SEED): the Appendix A derivation, for
// indices the LM-OTS key never uses (>= p); the host signer derives child keys and C this way.
void derive(std::uint8_t* out, std::size_t out_bytes, HashKind hk, std::span<const std::uint8_t, kIdBytes> I,
            std::uint32_t q, std::uint16_t index, std::span<const std::uint8_t> seed);

}  // namespace pqcea::lms
