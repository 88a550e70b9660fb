// Batch-signed attestation results. A batch of results is one Merkle tree (SHA-256, with the
// RFC 9162 leaf/node prefixes 0x00 / 0x01 so a leaf can never pass for a node); the verifier signs
// the 32-byte root once as a COSE_Sign1 with its ML-DSA key. Each stored result is the CBOR array
//   [ result: bstr (the EAR JSON), index: uint, size: uint, path: [* bstr .size 32], root: bstr (COSE_Sign1) ]
// and is checked on its own: the root signature, then the path from the result to the root.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace pqcea::verifier {

using Hash = std::array<std::uint8_t, 32>;

class MerkleTree {
 public:
  explicit MerkleTree(std::span<const std::span<const std::uint8_t>> leaves);
  Hash root() const { return levels_.back().front(); }
  std::size_t size() const { return levels_.front().size(); }
  // Sibling hashes from the leaf up; a node without a sibling (the last one of an odd level) is
  // carried up unchanged and contributes nothing to the path.
  std::vector<Hash> path(std::size_t index) const;
  static bool verify(std::span<const std::uint8_t> leaf, std::size_t index, std::size_t size,
                     std::span<const Hash> path, std::span<const std::uint8_t> root);

 private:
  std::vector<std::vector<Hash>> levels_;
};

struct SignedResult {
  std::span<const std::uint8_t> payload;
  std::size_t index = 0;
  std::size_t size = 0;
  std::vector<Hash> path;
  std::span<const std::uint8_t> root_token;
};

std::vector<std::uint8_t> encode_signed_result(std::span<const std::uint8_t> payload, std::size_t index,
                                               const MerkleTree& tree, std::span<const std::uint8_t> root_token);
// Strict: throws std::runtime_error on anything but the shape above. Spans point into `ear`.
SignedResult decode_signed_result(std::span<const std::uint8_t> ear);

}  // namespace pqcea::verifier
