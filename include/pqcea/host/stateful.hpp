// Stateful hash-based signatures on the host: LMS/HSS (RFC 8554, SP 800-208) and XMSS / XMSS^MT
// (RFC 8391, SP 800-208) key generation and signing, with the private key's state kept in a file
// that is advanced durably BEFORE any signature is released (docs/stateful-signatures.md).
//
// State protocol (KeyStore::reserve): under an exclusive lock, the next-index field is advanced and
// the whole file is written to a temporary file in the same folder, fsync'ed, renamed over the key
// file, and the folder is fsync'ed; only then is the one-time key used. A crash at any point leaves
// either the old or the new state on disk, and a signature can only exist for an index the durable
// state has already passed, so no index is ever used twice (a crash may skip indices).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "pqcea/host/secret_file.hpp"
#include "pqcea/lms.hpp"
#include "pqcea/rng/entropy.hpp"
#include "pqcea/xmss.hpp"

namespace pqcea::host::stateful {

// ---- errors -------------------------------------------------------------------------------------
class StatefulError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// Every one-time key of the private key has been used (or reserved): the key can never sign again.
class KeyExhausted : public StatefulError {
 public:
  KeyExhausted(std::uint64_t used, std::uint64_t capacity);
  std::uint64_t capacity() const { return capacity_; }

 private:
  std::uint64_t capacity_;
};
// The key file is not a valid private key (bad magic, checksum, length, or parameters).
class StateCorrupt : public StatefulError {
 public:
  using StatefulError::StatefulError;
};

// ---- fault injection (tests only) ---------------------------------------------------------------
// Points of a state advance and of signing at which the crash tests stop the process.
enum class FaultPoint : std::uint8_t {
  temp_partial,  // half of the new state written to the temporary file
  temp_written,  // all of it written, not yet fsync'ed
  temp_synced,   // temporary file fsync'ed
  renamed,       // renamed over the key file
  dir_synced,    // folder fsync'ed: the new state is durable
  signed_,       // signature computed, not yet returned to the caller
};
inline constexpr FaultPoint kFaultPoints[] = {FaultPoint::temp_partial, FaultPoint::temp_written,
                                              FaultPoint::temp_synced,  FaultPoint::renamed,
                                              FaultPoint::dir_synced,   FaultPoint::signed_};
const char* to_string(FaultPoint p);
// Called at every FaultPoint; the crash tests install one that calls _exit(). Empty by default.
void set_fault_hook(std::function<void(FaultPoint)> hook);

// ---- the private key file -----------------------------------------------------------------------
// Layout (all integers big-endian):
//   0  "PQCEA-SK"     magic (8 bytes)
//   8  u8 family      1 = HSS/LMS, 2 = XMSS, 3 = XMSS^MT
//   9  u8 version     1
//  10  u16 reserved   0
//  12  u32 body_len
//  16  u64 next       the first index not yet used or reserved
//  24  u64 limit      the number of one-time keys (next == limit: exhausted)
//  32  body           family-specific parameters and secret seeds
//  32+body_len  SHA-256 of everything before it
enum class Family : std::uint8_t { hss = 1, xmss = 2, xmssmt = 3 };

class KeyStore {
 public:
  // Writes a new key file by write_secret_file (mode 0600, temporary file, fsync, publish, folder
  // fsync); an existing file is replaced only with Replace::yes (host::SecretFileExists otherwise).
  static void create(const std::string& path, Family family, std::span<const std::uint8_t> body, std::uint64_t limit,
                     Replace replace = Replace::no);
  // Reads and checks a key file (StateCorrupt if it is not valid).
  explicit KeyStore(std::string path);

  Family family() const { return family_; }
  const std::vector<std::uint8_t>& body() const { return body_; }
  std::uint64_t next() const { return next_; }
  std::uint64_t limit() const { return limit_; }
  const std::string& path() const { return path_; }

  // Reserves `count` consecutive indices: under an exclusive lock, re-reads the file, checks that
  // `count` remain (KeyExhausted otherwise, file unchanged), and durably writes next += count by the
  // protocol above. Returns the first reserved index. Only then may the indices be used.
  std::uint64_t reserve(std::uint64_t count);

 private:
  void load();
  std::string path_;
  Family family_ = Family::hss;
  std::vector<std::uint8_t> body_;
  std::uint64_t next_ = 0, limit_ = 0;
};

// Parses a key file's bytes without touching the disk (tests inspect files after a crash).
struct KeyFileView {
  Family family;
  std::uint64_t next, limit;
  std::vector<std::uint8_t> body;
};
KeyFileView parse_key_file(std::span<const std::uint8_t> bytes);  // StateCorrupt on any defect

// ---- LMS / HSS ----------------------------------------------------------------------------------
struct LmsLevel {
  const lms::LmsType* lms;
  const lms::OtsType* ots;
};
// "LMS_SHA256_M32_H10/LMOTS_SHA256_N32_W4,LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8": levels from the top,
// 1..8 of them; each pair must share hash and n = m. std::invalid_argument on anything else.
std::vector<LmsLevel> parse_hss_levels(const std::string& spec);
std::string hss_levels_name(const std::vector<LmsLevel>& levels);

// One LMS tree in memory, built from SEED and I by RFC 8554 Appendix A. Nodes at heights >= c are
// kept, c = max(0, h - stored_height) (default: at most 2^17 nodes); the subtree of height c that
// holds a leaf is recomputed when a signature needs it (the last one is cached).
class LmsTree {
 public:
  LmsTree(const LmsLevel& level, std::span<const std::uint8_t, lms::kIdBytes> I, std::span<const std::uint8_t> seed,
          unsigned stored_height = 16);
  ~LmsTree();
  LmsTree(const LmsTree&) = delete;
  LmsTree& operator=(const LmsTree&) = delete;

  const LmsLevel& level() const { return level_; }
  std::span<const std::uint8_t, lms::kIdBytes> id() const { return std::span<const std::uint8_t, lms::kIdBytes>(I_); }
  // u32str(type) || u32str(otstype) || I || T[1].
  std::vector<std::uint8_t> public_key() const;
  // Appends the LMS signature (RFC 8554 Alg. 5) of msg with leaf q and randomizer C to `out`.
  void sign(std::vector<std::uint8_t>& out, std::uint32_t q, std::span<const std::uint8_t> C,
            std::span<const std::uint8_t> msg);

 private:
  const std::uint8_t* node(std::uint32_t r);  // heap index r (1 = root)
  void build_subtree(std::uint32_t j, std::vector<std::uint8_t>& nodes) const;
  LmsLevel level_;
  std::uint8_t I_[lms::kIdBytes];
  std::vector<std::uint8_t> seed_;
  unsigned c_;                        // height of the recomputed bottom subtrees
  std::vector<std::uint8_t> top_;     // nodes r in [1, 2^(h-c+1))
  std::uint32_t sub_index_ = ~0u;     // which bottom subtree sub_ holds
  std::vector<std::uint8_t> sub_;     // its 2^(c+1) nodes (local heap order)
};

// LMS key generation from SEED and I (the ACVP keyGen known answer): the LMS public key.
std::vector<std::uint8_t> lms_public_key(const LmsLevel& level, std::span<const std::uint8_t, lms::kIdBytes> I,
                                         std::span<const std::uint8_t> seed);

// An HSS private key in a key file. Level i+1's SEED and I derive from level i's SEED, I and leaf
// (Appendix A layout with indices 0xFFFE / 0xFFFF); the randomizer C of every LMS signature derives
// from the same seed with index 0xFFFD, so re-signing a child public key is byte-identical.
class HssSigner {
 public:
  // New key file at `path` (replaces an existing one only with Replace::yes). The top-level SEED
  // and I come from `rng`.
  static void generate(const std::string& path, const std::vector<LmsLevel>& levels, rng::RandomSource& rng,
                       Replace replace = Replace::no);
  // The same from a given top-level SEED (n bytes) and I (tests, reproducible keys).
  static void generate_from_seed(const std::string& path, const std::vector<LmsLevel>& levels,
                                 std::span<const std::uint8_t> seed, std::span<const std::uint8_t, lms::kIdBytes> I,
                                 Replace replace = Replace::no);
  explicit HssSigner(const std::string& path);
  ~HssSigner();

  const std::vector<LmsLevel>& levels() const { return levels_; }
  std::vector<std::uint8_t> public_key();  // u32str(L) || top LMS public key
  // Reserves the next index durably, then signs (RFC 8554 §6.2). KeyExhausted when none is left.
  std::vector<std::uint8_t> sign(std::span<const std::uint8_t> msg);
  // Indices reserved per durable state write (default 1). With k > 1, one write covers k signatures
  // of this object; a crash skips the unused rest.
  void set_reservation(std::uint64_t k) { batch_ = k == 0 ? 1 : k; }
  std::uint64_t next_index() const;  // next index this signer will use
  std::uint64_t capacity() const { return store_.limit(); }

 private:
  LmsTree& tree(unsigned level, std::span<const std::uint8_t> seed, std::span<const std::uint8_t, lms::kIdBytes> I);
  KeyStore store_;
  std::vector<LmsLevel> levels_;
  std::vector<std::uint8_t> seed_;
  std::uint8_t I_[lms::kIdBytes];
  std::vector<std::unique_ptr<LmsTree>> trees_;
  std::uint64_t pending_ = 0, pending_end_ = 0;  // reserved indices not yet used
  std::uint64_t batch_ = 1;
};

// ---- XMSS / XMSS^MT -----------------------------------------------------------------------------
// One XMSS tree (a layer / tree address of XMSS^MT) in memory: all 2^(h/d) leaves and nodes.
class XmssTree {
 public:
  XmssTree(const xmss::Params& p, std::span<const std::uint8_t> sk_seed, std::span<const std::uint8_t> pub_seed,
           std::uint32_t layer, std::uint64_t tree);
  ~XmssTree();
  XmssTree(const XmssTree&) = delete;
  XmssTree& operator=(const XmssTree&) = delete;
  const std::uint8_t* root() const { return nodes_.data() + p_->n; }
  // Appends WOTS+ signature of `msg` (n bytes) with leaf `leaf`, then the authentication path.
  void sign(std::vector<std::uint8_t>& out, std::uint32_t leaf, const std::uint8_t* msg) const;
  std::uint32_t layer() const { return layer_; }
  std::uint64_t tree() const { return tree_; }

 private:
  const xmss::Params* p_;
  std::vector<std::uint8_t> sk_seed_, pub_seed_;
  std::uint32_t layer_;
  std::uint64_t tree_;
  std::vector<std::uint8_t> nodes_;  // heap order, 2^(h'+1) nodes
};

// An XMSS or XMSS^MT private key in a key file. Key pair from SK_SEED, SK_PRF, PUB_SEED
// (SP 800-208 PRF_keygen for the WOTS+ secrets); signing is deterministic (r = PRF(SK_PRF, idx)).
class XmssSigner {
 public:
  static void generate(const std::string& path, const xmss::Params& p, rng::RandomSource& rng,
                       Replace replace = Replace::no);
  // From given seeds (n bytes each), for known answers.
  static void generate_from_seeds(const std::string& path, const xmss::Params& p, std::span<const std::uint8_t> sk_seed,
                                  std::span<const std::uint8_t> sk_prf, std::span<const std::uint8_t> pub_seed,
                                  Replace replace = Replace::no);
  explicit XmssSigner(const std::string& path);
  ~XmssSigner();

  const xmss::Params& params() const { return *p_; }
  std::vector<std::uint8_t> public_key() const;  // OID || root || PUB_SEED
  std::vector<std::uint8_t> sign(std::span<const std::uint8_t> msg);
  void set_reservation(std::uint64_t k) { batch_ = k == 0 ? 1 : k; }
  std::uint64_t next_index() const;
  std::uint64_t capacity() const { return store_.limit(); }

 private:
  const XmssTree& tree(std::uint32_t layer, std::uint64_t tree);
  KeyStore store_;
  const xmss::Params* p_;
  std::vector<std::uint8_t> sk_seed_, sk_prf_, pub_seed_, root_;
  std::vector<std::unique_ptr<XmssTree>> trees_;  // one per layer
  std::uint64_t pending_ = 0, pending_end_ = 0;
  std::uint64_t batch_ = 1;
};

// The XMSS / XMSS^MT signature of `msg` at index `idx` from the seeds, without a key file (tests and
// known answers; the trees are built here). Never use outside tests: it does not track state.
std::vector<std::uint8_t> xmss_sign_stateless_for_tests(const xmss::Params& p, std::span<const std::uint8_t> sk_seed,
                                                        std::span<const std::uint8_t> sk_prf,
                                                        std::span<const std::uint8_t> pub_seed, std::uint64_t idx,
                                                        std::span<const std::uint8_t> msg);
// Public key (OID || root || PUB_SEED) from the seeds: builds the top tree.
std::vector<std::uint8_t> xmss_public_key(const xmss::Params& p, std::span<const std::uint8_t> sk_seed,
                                          std::span<const std::uint8_t> pub_seed);

// ---- one entry point per operation, by algorithm name (the `pqcea sig` command) ----------------
// "HSS-LMS" and every XMSS / XMSS^MT parameter set name ("XMSS-SHA2_10_256", "XMSSMT-SHA2_20/2_256").
std::vector<std::string> algorithm_names();
// Creates the private key file (replaces an existing one only with Replace::yes) and returns the
// public key. `params` are the
// HSS levels for HSS-LMS (empty: kDefaultHssLevels); XMSS takes none.
inline constexpr const char* kDefaultHssLevels = "LMS_SHA256_M32_H10/LMOTS_SHA256_N32_W4";
std::vector<std::uint8_t> keygen(const std::string& alg, const std::string& params, const std::string& sk_path,
                                 rng::RandomSource& rng, Replace replace = Replace::no);
// One signature; the key file is advanced durably first. KeyExhausted when no index is left.
std::vector<std::uint8_t> sign(const std::string& alg, const std::string& sk_path, std::span<const std::uint8_t> msg);
// Verification; a public key of another algorithm is invalid_key.
Status verify(const std::string& alg, std::span<const std::uint8_t> pk, std::span<const std::uint8_t> msg,
              std::span<const std::uint8_t> sig);

}  // namespace pqcea::host::stateful
