// Streaming Merkle tree computation (treehash) shared by the XMSS trees and the FORS trees.
//
// The leaves are made left to right; a node whose left sibling is waiting on the stack is merged
// at once, so the stack holds at most one node per height below the root: at most `height`
// nodes of n bytes (h' <= 9 for XMSS, a <= 14 for FORS). The authentication path of one leaf is
// collected on the way (the node at height j with index (target >> j) xor 1, as xmss_sign,
// FIPS 205 Alg. 10 steps 1-4, and fors_sign, Alg. 16 steps 5-8, define it), so each tree is
// built once and no xmss_node / fors_node recursion recomputes subtrees.
#pragma once
#include <cstdint>
#include <cstring>

#include "hash.hpp"

namespace pqcea::slhdsa::detail {

// leaf(i, out): writes leaf i. parent(z, i, lr, out): writes the node at height z and index i
// from lr = left child || right child. auth (height * n bytes) may be null.
template <std::size_t N, int MaxHeight, class Leaf, class Parent>
void treehash(std::uint8_t* root, std::uint8_t* auth, std::uint32_t target, int height, Leaf&& leaf, Parent&& parent) {
  std::uint8_t stack[MaxHeight][N];
  std::uint8_t lr[2 * N];  // left || right; the current node lives in the right half
  int top = 0;             // stack entries; entry s holds the left sibling at height (its index)
  const std::uint32_t leaves = std::uint32_t{1} << height;
  for (std::uint32_t i = 0; i < leaves; ++i) {
    std::uint8_t* node = lr + N;
    leaf(i, node);
    std::uint32_t idx = i;
    int z = 0;
    for (;;) {
      // Tree positions are public (the signed leaf and the FORS indices are in the signature).
      if (auth != nullptr && z < height && (idx ^ 1u) == (target >> z)) std::memcpy(auth + z * N, node, N);
      if ((idx & 1u) == 0 || z == height) break;
      // A right child: its left sibling is the top of the stack.
      std::memcpy(lr, stack[--top], N);
      ++z;
      idx >>= 1;
      parent(z, idx, lr, node);
    }
    if (z == height) {
      std::memcpy(root, node, N);
    } else {
      std::memcpy(stack[top++], node, N);
    }
  }
  wipe(stack, sizeof stack);
  wipe(lr, sizeof lr);
}

}  // namespace pqcea::slhdsa::detail
