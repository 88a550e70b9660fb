// Internal: the L-tree of RFC 8391 Alg. 8 computed as the WOTS+ public key elements arrive, left
// to right, with a stack of at most lg(len) + 1 nodes. Equal-height neighbours are combined at once
// (their indices are 2i and 2i+1); at the end a lone right-most node moves up one height without
// hashing (Alg. 8: pk[floor(len'/2)] = pk[len' - 1]) until it meets a node of its height.
#pragma once
#include <cstdint>

#include "pqcea/xmss.hpp"

namespace pqcea::xmss::detail {

class LtreeStack {
 public:
  LtreeStack(const Context& ctx, std::uint32_t layer, std::uint64_t tree, std::uint32_t leaf) : ctx_(ctx) {
    adrs_.set_layer(layer);
    adrs_.set_tree(tree);
    adrs_.set_type(kAddrLtree);
    adrs_.set_ots(leaf);
  }
  void push(const std::uint8_t* pk_i) {
    const unsigned n = ctx_.params().n;
    Entry& e = s_[top_++];
    for (unsigned k = 0; k < n; ++k) e.node[k] = pk_i[k];
    e.height = 0;
    e.index = next_++;
    while (top_ >= 2 && s_[top_ - 1].height == s_[top_ - 2].height) combine();
  }
  void finish(std::uint8_t* root) {
    while (top_ >= 2) {
      Entry& t = s_[top_ - 1];
      if (t.height < s_[top_ - 2].height) {
        ++t.height;
        t.index /= 2;
      } else {
        combine();
      }
    }
    for (unsigned k = 0; k < ctx_.params().n; ++k) root[k] = s_[0].node[k];
  }

 private:
  struct Entry {
    std::uint8_t node[kMaxN];
    std::uint32_t height, index;
  };
  void combine() {
    Entry& l = s_[top_ - 2];
    const Entry& r = s_[top_ - 1];
    adrs_.set_chain(l.height);      // tree height
    adrs_.set_hash(l.index / 2);    // tree index of the parent
    ctx_.rand_hash(l.node, l.node, r.node, adrs_);
    l.height += 1;
    l.index /= 2;
    --top_;
  }
  const Context& ctx_;
  Address adrs_;
  Entry s_[9];  // lg(131) + 1
  unsigned top_ = 0;
  std::uint32_t next_ = 0;
};

}  // namespace pqcea::xmss::detail
