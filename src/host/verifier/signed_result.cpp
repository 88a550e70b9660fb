#include "signed_result.hpp"

#include <stdexcept>

#include "pqcea/cbor.hpp"
#include "pqcea/hash/sha2.hpp"

namespace pqcea::verifier {
namespace {

Hash leaf_hash(std::span<const std::uint8_t> leaf) {
  hash::Sha256 h;
  const std::uint8_t prefix = 0x00;
  h.update(&prefix, 1);
  h.update(leaf);
  Hash out;
  h.final(out.data());
  return out;
}

Hash node_hash(const Hash& l, const Hash& r) {
  hash::Sha256 h;
  const std::uint8_t prefix = 0x01;
  h.update(&prefix, 1);
  h.update(l.data(), l.size());
  h.update(r.data(), r.size());
  Hash out;
  h.final(out.data());
  return out;
}

constexpr std::size_t kMaxPath = 40;  // 2^40 results per batch is far beyond any batch

}  // namespace

MerkleTree::MerkleTree(std::span<const std::span<const std::uint8_t>> leaves) {
  if (leaves.empty()) throw std::invalid_argument("empty Merkle tree");
  std::vector<Hash> level;
  level.reserve(leaves.size());
  for (auto l : leaves) level.push_back(leaf_hash(l));
  levels_.push_back(std::move(level));
  while (levels_.back().size() > 1) {
    const auto& cur = levels_.back();
    std::vector<Hash> next;
    for (std::size_t i = 0; i < cur.size(); i += 2) next.push_back(i + 1 < cur.size() ? node_hash(cur[i], cur[i + 1]) : cur[i]);
    levels_.push_back(std::move(next));
  }
}

std::vector<Hash> MerkleTree::path(std::size_t index) const {
  std::vector<Hash> p;
  for (std::size_t lv = 0; lv + 1 < levels_.size(); ++lv) {
    const auto& cur = levels_[lv];
    const std::size_t sib = index ^ 1u;
    if (sib < cur.size()) p.push_back(cur[sib]);
    index /= 2;
  }
  return p;
}

bool MerkleTree::verify(std::span<const std::uint8_t> leaf, std::size_t index, std::size_t size,
                        std::span<const Hash> path, std::span<const std::uint8_t> root) {
  if (size == 0 || index >= size || root.size() != 32) return false;
  Hash cur = leaf_hash(leaf);
  std::size_t used = 0;
  for (std::size_t n = size; n > 1; n = (n + 1) / 2, index /= 2) {
    if (index % 2 == 1) {
      if (used == path.size()) return false;
      cur = node_hash(path[used++], cur);
    } else if (index + 1 < n) {
      if (used == path.size()) return false;
      cur = node_hash(cur, path[used++]);
    }  // else: the last node of an odd level is carried up
  }
  return used == path.size() && std::equal(cur.begin(), cur.end(), root.begin());
}

std::vector<std::uint8_t> encode_signed_result(std::span<const std::uint8_t> payload, std::size_t index,
                                               const MerkleTree& tree, std::span<const std::uint8_t> root_token) {
  const auto path = tree.path(index);
  std::vector<std::uint8_t> out(payload.size() + root_token.size() + path.size() * 35 + 64);
  cbor::Encoder e(out);
  e.begin_array(5);
  e.add_bytes(payload);
  e.add_uint(index);
  e.add_uint(tree.size());
  e.begin_array(path.size());
  for (const auto& h : path) e.add_bytes(h);
  e.add_bytes(root_token);
  std::size_t len = 0;
  if (e.finish(len) != Status::ok) throw std::runtime_error("cannot encode the signed result");
  out.resize(len);
  return out;
}

SignedResult decode_signed_result(std::span<const std::uint8_t> ear) {
  cbor::Decoder d(ear);
  SignedResult r;
  std::uint64_t n = 0, index = 0, size = 0, plen = 0;
  auto need = [](Status s) {
    if (s != Status::ok) throw std::runtime_error("malformed signed result");
  };
  need(d.read_array(n));
  if (n != 5) throw std::runtime_error("malformed signed result");
  need(d.read_bytes(r.payload));
  need(d.read_uint(index));
  need(d.read_uint(size));
  need(d.read_array(plen));
  if (plen > kMaxPath) throw std::runtime_error("malformed signed result");
  for (std::uint64_t i = 0; i < plen; ++i) {
    std::span<const std::uint8_t> h;
    need(d.read_bytes(h));
    if (h.size() != 32) throw std::runtime_error("malformed signed result");
    Hash x;
    std::copy(h.begin(), h.end(), x.begin());
    r.path.push_back(x);
  }
  need(d.read_bytes(r.root_token));
  need(d.finish());
  r.index = static_cast<std::size_t>(index);
  r.size = static_cast<std::size_t>(size);
  return r;
}

}  // namespace pqcea::verifier
