// XMSS / XMSS^MT (RFC 8391, SP 800-208): parameter tables, verification of every one of the 77
// parameter sets through sparse keys (one leaf per layer, a made-up authentication path, the root
// computed up it), malformed signatures and keys, the streamed L-tree against RFC 8391 Alg. 8 as
// written, the streaming reader, and the signer (full trees, XMSS^MT tree boundaries, exhaustion).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "pqcea/core/bytes.hpp"
#include "pqcea/host/stateful.hpp"
#include "pqcea/xmss.hpp"

using namespace pqcea;
using namespace pqcea::host::stateful;
namespace fs = std::filesystem;

namespace {

std::vector<std::uint8_t> pattern(std::size_t n, std::uint32_t seed) {
  std::vector<std::uint8_t> v(n);
  std::uint32_t x = 0x9E3779B9u * (seed + 1u);
  for (auto& b : v) {
    x = x * 1664525u + 1013904223u;
    b = static_cast<std::uint8_t>(x >> 24);
  }
  return v;
}
void cat(std::vector<std::uint8_t>& v, std::span<const std::uint8_t> w) {
  for (auto b : w) v.push_back(b);
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/pqcea-xmss-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (fs::path(path_) / name).string(); }

 private:
  std::string path_;
};

Status verify_any(const xmss::Params& p, std::span<const std::uint8_t> pk, std::span<const std::uint8_t> m,
                  std::span<const std::uint8_t> sig) {
  return p.mt ? xmss::verify_mt(pk, m, sig) : xmss::verify(pk, m, sig);
}

// A valid key and signature at index idx without building any tree: per layer, the real leaf
// (WOTS+ public key through the L-tree) and a made-up authentication path; the public root is
// what the path leads to (RFC 8391 Alg. 13 run forwards).
struct Sparse {
  std::vector<std::uint8_t> pk, sig;
};
Sparse sparse_key(const xmss::Params& p, std::uint64_t idx, std::span<const std::uint8_t> msg, std::uint32_t salt) {
  const auto sk_seed = pattern(p.n, salt), sk_prf = pattern(p.n, salt + 1), pub_seed = pattern(p.n, salt + 2);
  const xmss::Context ctx(p, pub_seed);
  const unsigned hp = p.tree_height();
  std::vector<std::vector<std::uint8_t>> paths(p.d);
  std::vector<std::vector<std::uint8_t>> roots(p.d, std::vector<std::uint8_t>(p.n));
  std::vector<std::uint32_t> leaves(p.d);
  std::vector<std::uint64_t> trees(p.d);
  std::uint64_t t = idx;
  for (std::uint32_t layer = 0; layer < p.d; ++layer) {
    leaves[layer] = static_cast<std::uint32_t>(t & ((std::uint64_t{1} << hp) - 1));
    t >>= hp;
    trees[layer] = t;
    std::vector<std::uint8_t> node(p.n);
    ctx.leaf(node.data(), sk_seed.data(), layer, trees[layer], leaves[layer]);
    std::uint32_t index = leaves[layer];
    for (unsigned k = 0; k < hp; ++k, index /= 2) {
      const auto sib = pattern(p.n, salt + 100 + layer * 64 + k);
      cat(paths[layer], sib);
      if (index % 2 == 0)
        ctx.node(node.data(), node.data(), sib.data(), layer, trees[layer], k, index / 2);
      else
        ctx.node(node.data(), sib.data(), node.data(), layer, trees[layer], k, index / 2);
    }
    roots[layer] = node;
  }
  Sparse s;
  for (std::size_t i = 0; i < p.idx_bytes(); ++i) s.sig.push_back(static_cast<std::uint8_t>(idx >> (8 * (p.idx_bytes() - 1 - i))));
  std::vector<std::uint8_t> r(p.n), m(p.n);
  ctx.prf_index(r.data(), sk_prf.data(), idx);
  cat(s.sig, r);
  xmss::Hasher h;
  ctx.h_msg_start(h, r.data(), roots[p.d - 1u].data(), idx);
  h.update(msg.data(), msg.size());
  h.finish(m.data());
  for (std::uint32_t layer = 0; layer < p.d; ++layer) {
    std::vector<std::uint8_t> w(std::size_t{p.len()} * p.n);
    ctx.wots_sign(w.data(), layer == 0 ? m.data() : roots[layer - 1].data(), sk_seed.data(), layer, trees[layer],
                  leaves[layer]);
    cat(s.sig, w);
    cat(s.sig, paths[layer]);
  }
  std::uint8_t oid[4];
  store32_be(oid, p.oid);
  cat(s.pk, oid);
  cat(s.pk, roots[p.d - 1u]);
  cat(s.pk, pub_seed);
  return s;
}

}  // namespace

TEST(XmssParams, Tables) {
  EXPECT_EQ(std::size(xmss::kXmss), 21u);
  EXPECT_EQ(std::size(xmss::kXmssMt), 56u);
  std::set<std::string> names;
  for (const auto& p : xmss::kXmss) {
    EXPECT_EQ(xmss::find(p.oid, false), &p);
    EXPECT_EQ(xmss::find_by_name(p.name), &p);
    EXPECT_TRUE(names.insert(p.name).second);
    EXPECT_EQ(p.d, 1);
    EXPECT_EQ(p.len(), p.n == 32 ? 67u : p.n == 64 ? 131u : 51u);
    EXPECT_EQ(p.sig_bytes(), 4u + p.n + (p.len() + p.h) * std::size_t{p.n});
  }
  for (const auto& p : xmss::kXmssMt) {
    EXPECT_EQ(xmss::find(p.oid, true), &p);
    EXPECT_EQ(xmss::find_by_name(p.name), &p);
    EXPECT_TRUE(names.insert(p.name).second);
    EXPECT_EQ(p.h % p.d, 0);
    EXPECT_EQ(p.sig_bytes(), (p.h + 7u) / 8u + p.n + (p.h + std::size_t{p.d} * p.len()) * p.n);
  }
  // RFC 8391 §5.3 / §5.4 signature sizes.
  EXPECT_EQ(xmss::find_by_name("XMSS-SHA2_20_512")->sig_bytes(), 9732u);
  EXPECT_EQ(xmss::find_by_name("XMSSMT-SHA2_40/8_256")->sig_bytes(), 18469u);
  EXPECT_EQ(xmss::find_by_name("XMSSMT-SHAKE_60/12_512")->sig_bytes(), 8u + 64 + (60 + 12 * 131) * 64u);
  EXPECT_EQ(xmss::find(0x16, false), nullptr);
  EXPECT_EQ(xmss::find(0x39, true), nullptr);
  EXPECT_EQ(xmss::find_by_name("XMSS-SHA2_10_128"), nullptr);
}

TEST(Xmss, EveryParameterSetVerifies) {
  const auto msg = pattern(77, 1);
  int sets = 0;
  auto run = [&](const xmss::Params& p) {
    SCOPED_TRACE(p.name);
    // An index using the top bit of every layer's leaf and tree fields.
    const std::uint64_t idx = p.capacity() - 1 - static_cast<std::uint64_t>(sets % 5);
    const Sparse s = sparse_key(p, idx, msg, static_cast<std::uint32_t>(sets * 7));
    ASSERT_EQ(s.sig.size(), p.sig_bytes());
    ASSERT_EQ(s.pk.size(), p.pk_bytes());
    EXPECT_EQ(verify_any(p, s.pk, msg, s.sig), Status::ok);
    // The other family never accepts it (the OIDs overlap, the formats do not).
    EXPECT_NE(p.mt ? xmss::verify(s.pk, msg, s.sig) : xmss::verify_mt(s.pk, msg, s.sig), Status::ok);
    // One changed byte in: the index, r, the first WOTS+ element, the first path node, the last byte
    // (the last one only for the costlier sets).
    const std::size_t ib = p.idx_bytes();
    const bool cheap = p.n <= 32 && p.hash == xmss::HashFn::sha256 && p.d <= 4;
    for (std::size_t at : {ib - 1, ib, ib + p.n, ib + p.n + std::size_t{p.len()} * p.n, s.sig.size() - 1}) {
      if (!cheap && at != s.sig.size() - 1) continue;
      auto bad = s.sig;
      bad[at] ^= 0x01;
      EXPECT_NE(verify_any(p, s.pk, msg, bad), Status::ok) << "byte " << at;
    }
    auto m2 = msg;
    m2.back() ^= 0x80;
    EXPECT_EQ(verify_any(p, s.pk, m2, s.sig), Status::invalid_signature);
    ++sets;
  };
  for (const auto& p : xmss::kXmss) run(p);
  for (const auto& p : xmss::kXmssMt) run(p);
  EXPECT_EQ(sets, 77);
}

TEST(Xmss, RejectsMalformedKeysAndSignatures) {
  const xmss::Params& p = *xmss::find_by_name("XMSS-SHA2_10_256");
  const auto msg = pattern(10, 5);
  const Sparse s = sparse_key(p, 3, msg, 40);
  ASSERT_EQ(xmss::verify(s.pk, msg, s.sig), Status::ok);
  auto longer = s.sig;
  longer.push_back(0);
  EXPECT_EQ(xmss::verify(s.pk, msg, longer), Status::invalid_signature);
  EXPECT_EQ(xmss::verify(s.pk, msg, std::span<const std::uint8_t>(s.sig).first(s.sig.size() - 1)), Status::invalid_signature);
  EXPECT_EQ(xmss::verify(s.pk, msg, {}), Status::invalid_signature);
  // An index beyond 2^h - 1 (the 4-byte field allows it; the tree does not).
  auto idx_bad = s.sig;
  store32_be(idx_bad.data(), 1024);
  EXPECT_EQ(xmss::verify(s.pk, msg, idx_bad), Status::invalid_signature);
  EXPECT_EQ(xmss::verify(std::span<const std::uint8_t>(s.pk).first(s.pk.size() - 1), msg, s.sig), Status::invalid_key);
  auto pk_bad = s.pk;
  store32_be(pk_bad.data(), 0x99);
  EXPECT_EQ(xmss::verify(pk_bad, msg, s.sig), Status::invalid_key);
  store32_be(pk_bad.data(), 0x04);  // XMSS-SHA2_10_512: 132-byte key expected
  EXPECT_EQ(xmss::verify(pk_bad, msg, s.sig), Status::invalid_key);
  EXPECT_EQ(xmss::verify({}, msg, s.sig), Status::invalid_key);
  pk_bad = s.pk;
  pk_bad[4 + 32] ^= 1;  // PUB_SEED
  EXPECT_EQ(xmss::verify(pk_bad, msg, s.sig), Status::invalid_signature);
}

TEST(Xmss, StreamedLtreeEqualsAlgorithm8) {
  // leaf = ltree(WOTS+ public key), with the public key built element by element and the L-tree
  // computed as RFC 8391 Alg. 8 is written (the whole array, level by level).
  for (const char* name : {"XMSS-SHA2_10_256", "XMSS-SHA2_10_512", "XMSS-SHA2_10_192", "XMSS-SHAKE256_10_192"}) {
    SCOPED_TRACE(name);
    const xmss::Params& p = *xmss::find_by_name(name);
    const auto sk_seed = pattern(p.n, 1), pub_seed = pattern(p.n, 2);
    const xmss::Context ctx(p, pub_seed);
    const std::uint32_t layer = 0, leaf = 77;
    std::vector<std::vector<std::uint8_t>> pk(p.len(), std::vector<std::uint8_t>(p.n));
    xmss::Address ots;
    ots.set_type(xmss::kAddrOts);
    ots.set_ots(leaf);
    for (unsigned i = 0; i < p.len(); ++i) {
      ots.set_chain(i);
      ots.set_hash(0);
      ots.set_key_and_mask(0);
      ctx.prf_keygen(pk[i].data(), sk_seed.data(), ots);
      ctx.chain(pk[i].data(), 0, 15, ots);
    }
    xmss::Address lt;
    lt.set_type(xmss::kAddrLtree);
    lt.set_ots(leaf);
    unsigned len = p.len(), height = 0;
    while (len > 1) {
      lt.set_chain(height);
      for (unsigned i = 0; i < len / 2; ++i) {
        lt.set_hash(i);
        ctx.rand_hash(pk[i].data(), pk[2 * i].data(), pk[2 * i + 1].data(), lt);
      }
      if (len % 2 == 1) pk[len / 2] = pk[len - 1];
      len = (len + 1) / 2;
      ++height;
    }
    std::vector<std::uint8_t> streamed(p.n);
    ctx.leaf(streamed.data(), sk_seed.data(), layer, 0, leaf);
    EXPECT_EQ(streamed, pk[0]);
  }
}

namespace {
class CountingReader final : public xmss::SignatureReader {
 public:
  explicit CountingReader(std::span<const std::uint8_t> s, std::size_t fail_at = SIZE_MAX) : s_(s), fail_at_(fail_at) {}
  std::size_t size() const override { return s_.size(); }
  Status read(std::size_t off, std::span<std::uint8_t> out) const override {
    ++reads;
    largest = std::max(largest, out.size());
    if (off <= fail_at_ && fail_at_ < off + out.size()) return Status::decode_error;
    if (off + out.size() > s_.size()) return Status::invalid_signature;
    std::copy_n(s_.begin() + static_cast<std::ptrdiff_t>(off), out.size(), out.begin());
    return Status::ok;
  }
  mutable std::size_t reads = 0, largest = 0;

 private:
  std::span<const std::uint8_t> s_;
  std::size_t fail_at_;
};
}  // namespace

TEST(Xmss, StreamsTheSignatureAndTheMessage) {
  const xmss::Params& p = *xmss::find_by_name("XMSSMT-SHA2_20/4_256");
  const auto msg = pattern(500, 9);
  const Sparse s = sparse_key(p, 123456, msg, 60);
  CountingReader r(s.sig);
  xmss::XmssVerifier v;
  ASSERT_EQ(v.start(s.pk, r, true), Status::ok);
  for (auto b : msg) v.update(std::span<const std::uint8_t>(&b, 1));
  EXPECT_EQ(v.finish(), Status::ok);
  EXPECT_EQ(v.finish(), Status::invalid_argument);
  EXPECT_LE(r.largest, p.idx_bytes() + p.n);  // one hash value at a time (after idx || r)
  for (std::size_t at : {std::size_t{1}, std::size_t{40}, s.sig.size() / 2, s.sig.size() - 1}) {
    CountingReader bad(s.sig, at);
    xmss::XmssVerifier w;
    Status st = w.start(s.pk, bad, true);
    if (st == Status::ok) {
      w.update(msg);
      st = w.finish();
    }
    EXPECT_EQ(st, Status::decode_error) << at;
  }
}

TEST(XmssSigner, FullTreeSignsEveryIndexThenIsExhausted) {
  TempDir dir;
  const xmss::Params& p = *xmss::find_by_name("XMSS-SHA2_10_256");
  XmssSigner::generate_from_seeds(dir.file("k"), p, pattern(32, 1), pattern(32, 2), pattern(32, 3));
  XmssSigner signer(dir.file("k"));
  EXPECT_EQ(signer.capacity(), 1024u);
  const auto pk = signer.public_key();
  EXPECT_EQ(pk, xmss_public_key(p, pattern(32, 1), pattern(32, 3)));
  signer.set_reservation(256);  // four durable state writes for the whole key
  std::set<std::uint32_t> seen;
  for (std::uint32_t i = 0; i < 1024; ++i) {
    const auto m = pattern(16, i);
    const auto sig = signer.sign(m);
    seen.insert(load32_be(sig.data()));
    if (i % 97 == 0 || i == 1023) {
      ASSERT_EQ(xmss::verify(pk, m, sig), Status::ok) << i;
    }
    if (i == 1023) {  // deterministic: the index re-made from the seeds gives the same bytes
      EXPECT_EQ(sig, xmss_sign_stateless_for_tests(p, pattern(32, 1), pattern(32, 2), pattern(32, 3), i, m));
    }
  }
  EXPECT_EQ(seen.size(), 1024u);
  EXPECT_THROW((void)signer.sign(pattern(16, 0)), KeyExhausted);
  EXPECT_THROW((void)XmssSigner(dir.file("k")).sign(pattern(16, 0)), KeyExhausted);
}

TEST(XmssSigner, MultiTreeCrossesTreeBoundaries) {
  for (const char* name : {"XMSSMT-SHA2_20/4_256", "XMSSMT-SHA2_20/4_192", "XMSSMT-SHAKE256_20/4_192"}) {
    SCOPED_TRACE(name);
    TempDir dir;
    const xmss::Params& p = *xmss::find_by_name(name);
    XmssSigner::generate(dir.file("k"), p, *[] {
      struct R final : rng::RandomSource {
        std::uint32_t x = 5;
        Status generate(std::span<std::uint8_t> out) override {
          for (auto& b : out) b = static_cast<std::uint8_t>((x = x * 1103515245u + 12345u) >> 16);
          return Status::ok;
        }
      };
      static R r;
      return &r;
    }());
    XmssSigner signer(dir.file("k"));
    signer.set_reservation(40);
    const auto pk = signer.public_key();
    for (int i = 0; i < 36; ++i) {  // layer-0 trees hold 32 leaves: indices 31 -> 32 change tree
      const auto m = pattern(8, static_cast<std::uint32_t>(i));
      const auto sig = signer.sign(m);
      if (i < 3 || (i >= 30 && i <= 33)) {
        EXPECT_EQ(xmss::verify_mt(pk, m, sig), Status::ok) << i;
      }
    }
  }
}
