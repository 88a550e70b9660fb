// The hash function address ADRS (FIPS 205 §4.2, Table 1) and its 22-byte compressed form ADRSc
// used by the SHA2 parameter sets (§11.2).
//
// Layout (big-endian 32-bit words): [0..3] layer address, [4..15] tree address (the upper 4 bytes
// are always 0 here, tree indices are below 2^64), [16..19] type, [20..31] three type-dependent
// words: key pair address, chain address / tree height, hash address / tree index.
#pragma once
#include <cstdint>
#include <cstring>

#include "pqcea/core/bytes.hpp"

namespace pqcea::slhdsa::detail {

// Address types (FIPS 205 §4.2).
enum class AdrsType : std::uint32_t {
  wots_hash = 0,
  wots_pk = 1,
  tree = 2,
  fors_tree = 3,
  fors_roots = 4,
  wots_prf = 5,
  fors_prf = 6,
};

struct Adrs {
  std::uint8_t b[32] = {};

  void set_layer(std::uint32_t l) { store32_be(b + 0, l); }
  void set_tree(std::uint64_t t) {
    store32_be(b + 4, 0);
    store64_be(b + 8, t);
  }
  // setTypeAndClear: the type changes and the three words after it become 0.
  void set_type_and_clear(AdrsType t) {
    store32_be(b + 16, static_cast<std::uint32_t>(t));
    std::memset(b + 20, 0, 12);
  }
  void set_keypair(std::uint32_t i) { store32_be(b + 20, i); }
  std::uint32_t keypair() const { return load32_be(b + 20); }
  void set_chain(std::uint32_t i) { store32_be(b + 24, i); }
  void set_tree_height(std::uint32_t z) { store32_be(b + 24, z); }
  void set_hash(std::uint32_t i) { store32_be(b + 28, i); }
  void set_tree_index(std::uint32_t i) { store32_be(b + 28, i); }
  std::uint32_t tree_index() const { return load32_be(b + 28); }

  // ADRSc = ADRS[3] || ADRS[8:16] || ADRS[19] || ADRS[20:32] (FIPS 205 §11.2).
  static constexpr std::size_t kCompressedBytes = 22;
  void compress(std::uint8_t out[kCompressedBytes]) const {
    out[0] = b[3];
    std::memcpy(out + 1, b + 8, 8);
    out[9] = b[19];
    std::memcpy(out + 10, b + 20, 12);
  }
};
// Offsets of the fields inside ADRSc.
inline constexpr std::size_t kAdrscKeypair = 10;
inline constexpr std::size_t kAdrscChain = 14;  // also the tree height
inline constexpr std::size_t kAdrscHash = 18;   // also the tree index

}  // namespace pqcea::slhdsa::detail
