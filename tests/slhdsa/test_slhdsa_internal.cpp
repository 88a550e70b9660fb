// SLH-DSA building blocks against direct transcriptions of FIPS 205: ADRS and its compressed form
// (§4.2, §11.2), base_2b (Alg. 4), the WOTS+ checksum digits (Alg. 7), the hash families against
// plain SHA-2 / SHAKE over the full inputs of §11.1 / §11.2 (so the precomputed PK.seed block
// and the one-block shortcuts are checked), chain (Alg. 5), and the streamed trees against the
// recursive xmss_node (Alg. 9) and fors_node (Alg. 15) of the standard.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <vector>

#include "pqcea/hash/hmac.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"
#include "slhdsa/api.hpp"

using namespace pqcea;
using namespace pqcea::slhdsa;
using namespace pqcea::slhdsa::detail;

namespace {

std::vector<std::uint8_t> seq(std::size_t n, std::uint8_t start) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(start + 3 * i);
  return v;
}

Adrs sample_adrs() {
  Adrs a;
  a.set_layer(5);
  a.set_tree(0x0102030405060708ull);
  a.set_type_and_clear(AdrsType::fors_tree);
  a.set_keypair(0x1234);
  a.set_tree_height(3);
  a.set_tree_index(0xABCDEF);
  return a;
}

std::vector<std::uint8_t> compressed(const Adrs& a) {
  std::vector<std::uint8_t> c(Adrs::kCompressedBytes);
  a.compress(c.data());
  return c;
}

}  // namespace

TEST(SlhDsaInternal, Address) {
  const Adrs a = sample_adrs();
  const std::uint8_t want[32] = {0, 0, 0, 5, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
                                 0, 0, 0, 3, 0, 0, 0x12, 0x34, 0, 0, 0, 3, 0, 0xAB, 0xCD, 0xEF};
  EXPECT_EQ(0, std::memcmp(a.b, want, 32));
  EXPECT_EQ(a.keypair(), 0x1234u);
  EXPECT_EQ(a.tree_index(), 0xABCDEFu);
  // ADRSc = ADRS[3] || ADRS[8:16] || ADRS[19] || ADRS[20:32]
  const std::vector<std::uint8_t> c = {5, 1, 2, 3, 4, 5, 6, 7, 8, 3, 0, 0, 0x12, 0x34, 0, 0, 0, 3, 0, 0xAB, 0xCD, 0xEF};
  EXPECT_EQ(compressed(a), c);
  Adrs b = a;
  b.set_type_and_clear(AdrsType::wots_pk);
  for (int i = 20; i < 32; ++i) EXPECT_EQ(b.b[i], 0) << i;
  EXPECT_EQ(b.b[19], 1);
}

TEST(SlhDsaInternal, Base2b) {
  const std::uint8_t x[4] = {0x12, 0x34, 0x56, 0x78};
  std::uint32_t out[5];
  base_2b(out, x, 4, 4);
  EXPECT_EQ((std::vector<std::uint32_t>(out, out + 4)), (std::vector<std::uint32_t>{1, 2, 3, 4}));
  base_2b(out, x, 6, 5);  // 000100 100011 010001 010110 011110
  EXPECT_EQ((std::vector<std::uint32_t>(out, out + 5)), (std::vector<std::uint32_t>{4, 35, 17, 22, 30}));
  base_2b(out, x, 12, 2);
  EXPECT_EQ(out[0], 0x123u);
  EXPECT_EQ(out[1], 0x456u);
  base_2b(out, x, 14, 2);  // 00010010001101 00010101100111
  EXPECT_EQ(out[0], 0x048Du);
  EXPECT_EQ(out[1], 0x0567u);
}

TEST(SlhDsaInternal, WotsChecksumDigits) {
  std::uint8_t digits[Sha2_128s::len];
  std::uint8_t msg[16] = {};
  // All-zero message: csum = 32 * 15 = 0x1E0, shifted left by 4 = 0x1E00 -> digits 1, 14, 0.
  wots_digits<Sha2_128s>(digits, msg);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(digits[i], 0);
  EXPECT_EQ(digits[32], 1);
  EXPECT_EQ(digits[33], 14);
  EXPECT_EQ(digits[34], 0);
  std::memset(msg, 0xFF, sizeof msg);
  wots_digits<Sha2_128s>(digits, msg);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(digits[i], 15);
  EXPECT_EQ(digits[32] | digits[33] | digits[34], 0);
  // n = 32: csum of all zero = 64 * 15 = 960 = 0x3C0 -> 0x3C00 -> 3, 12, 0.
  std::uint8_t digits32[Sha2_256s::len];
  std::uint8_t msg32[32] = {};
  msg32[0] = 0xA5;
  wots_digits<Sha2_256s>(digits32, msg32);
  EXPECT_EQ(digits32[0], 0xA);
  EXPECT_EQ(digits32[1], 0x5);
  const unsigned csum = 960 - 0xA - 0x5;  // 945 = 0x3B1 -> 0x3B10
  EXPECT_EQ(digits32[64], (csum << 4) >> 12);
  EXPECT_EQ(digits32[65], ((csum << 4) >> 8) & 15);
  EXPECT_EQ(digits32[66], ((csum << 4) >> 4) & 15);
}

namespace {

// FIPS 205 §11.2 written out: Trunc_n(SHA-x(PK.seed || toByte(0, block - n) || ADRSc || M)).
template <class Hh>
std::vector<std::uint8_t> sha_direct(const std::vector<std::uint8_t>& pk_seed, const Adrs& a,
                                     const std::vector<std::uint8_t>& m, std::size_t n) {
  Hh h;
  std::vector<std::uint8_t> block(Hh::block_size, 0);
  std::memcpy(block.data(), pk_seed.data(), pk_seed.size());
  h.update(block.data(), block.size());
  const auto c = compressed(a);
  h.update(c.data(), c.size());
  h.update(m.data(), m.size());
  std::vector<std::uint8_t> d(Hh::digest_size);
  h.final(d.data());
  d.resize(n);
  return d;
}
// FIPS 205 §11.1: SHAKE256(PK.seed || ADRS || M, 8n).
std::vector<std::uint8_t> shake_direct(const std::vector<std::uint8_t>& pk_seed, const Adrs& a,
                                       const std::vector<std::uint8_t>& m, std::size_t n) {
  hash::Shake256 x;
  x.absorb(pk_seed.data(), pk_seed.size());
  x.absorb(a.b, 32);
  x.absorb(m.data(), m.size());
  std::vector<std::uint8_t> d(n);
  x.squeeze(d.data(), n);
  return d;
}

template <class P>
std::vector<std::uint8_t> direct(const std::vector<std::uint8_t>& pk_seed, const Adrs& a,
                                 const std::vector<std::uint8_t>& m, bool sha512_allowed) {
  if constexpr (P::family == Family::shake) {
    return shake_direct(pk_seed, a, m, P::n);
  } else {
    if (P::category > 1 && sha512_allowed) return sha_direct<hash::Sha512>(pk_seed, a, m, P::n);
    return sha_direct<hash::Sha256>(pk_seed, a, m, P::n);
  }
}

template <class P>
void check_family() {
  SCOPED_TRACE(P::name);
  constexpr std::size_t n = P::n;
  const auto pk_seed = seq(n, 7);
  const Hashes<P> hs(pk_seed.data());
  const Adrs a = sample_adrs();
  const auto m1 = seq(n, 50), m2 = seq(2 * n, 90);
  std::vector<std::uint8_t> out(n);
  hs.F(out.data(), a, m1.data());
  EXPECT_EQ(out, direct<P>(pk_seed, a, m1, false)) << "F";
  hs.prf(out.data(), a, m1.data());
  EXPECT_EQ(out, direct<P>(pk_seed, a, m1, false)) << "PRF";
  hs.H(out.data(), a, m2.data());
  EXPECT_EQ(out, direct<P>(pk_seed, a, m2, true)) << "H";
  // T_l over k roots (many blocks).
  std::vector<std::uint8_t> ml;
  {
    typename Hashes<P>::T t(hs, a);
    for (int i = 0; i < P::k; ++i) {
      const auto piece = seq(n, static_cast<std::uint8_t>(i));
      t.update(piece.data());
      ml.insert(ml.end(), piece.begin(), piece.end());
    }
    t.final(out.data());
  }
  EXPECT_EQ(out, direct<P>(pk_seed, a, ml, true)) << "T";
  // chain(X, 2, 3): F three times with hash addresses 2, 3, 4 (Alg. 5).
  std::vector<std::uint8_t> x = m1;
  Adrs c = a;
  for (std::uint32_t j = 2; j < 5; ++j) {
    c.set_hash(j);
    x = direct<P>(pk_seed, c, x, false);
  }
  hs.chain(out.data(), m1.data(), a, 2, 3);
  EXPECT_EQ(out, x) << "chain";
  hs.chain(out.data(), m1.data(), a, 7, 0);
  EXPECT_EQ(out, m1) << "chain of length 0";

  // PRFmsg and Hmsg over a message in pieces.
  const auto sk_prf = seq(n, 11), opt = seq(n, 13), r = seq(n, 17), root = seq(n, 19);
  const auto msg = seq(300, 23);
  MsgParts parts;
  parts.part[0] = std::span<const std::uint8_t>(msg).first(1);
  parts.part[2] = std::span<const std::uint8_t>(msg).subspan(1);
  std::vector<std::uint8_t> prf(n), dg(P::m);
  Hashes<P>::prf_msg(prf.data(), sk_prf.data(), opt.data(), parts);
  hs.h_msg(dg.data(), r.data(), root.data(), parts);
  std::vector<std::uint8_t> want_prf(n), want_dg(P::m);
  if constexpr (P::family == Family::shake) {
    hash::Shake256 x1;
    x1.absorb(sk_prf);
    x1.absorb(opt);
    x1.absorb(msg);
    x1.squeeze(want_prf);
    hash::Shake256 x2;
    x2.absorb(r);
    x2.absorb(pk_seed);
    x2.absorb(root);
    x2.absorb(msg);
    x2.squeeze(want_dg);
  } else {
    using Hh = std::conditional_t<(P::category > 1), hash::Sha512, hash::Sha256>;
    std::vector<std::uint8_t> full(Hh::digest_size);
    hash::Hmac<Hh> mac(sk_prf.data(), n);
    mac.update(opt.data(), n);
    mac.update(msg.data(), msg.size());
    mac.final(full.data());
    std::memcpy(want_prf.data(), full.data(), n);
    // MGF1(R || PK.seed || SHA-x(R || PK.seed || PK.root || M), m)
    Hh inner;
    inner.update(r.data(), n);
    inner.update(pk_seed.data(), n);
    inner.update(root.data(), n);
    inner.update(msg.data(), msg.size());
    std::vector<std::uint8_t> seed(r);
    seed.insert(seed.end(), pk_seed.begin(), pk_seed.end());
    seed.resize(2 * n + Hh::digest_size);
    inner.final(seed.data() + 2 * n);
    std::vector<std::uint8_t> mgf;
    for (std::uint8_t c2 = 0; mgf.size() < P::m; ++c2) {
      auto s = seed;
      s.insert(s.end(), {0, 0, 0, c2});
      Hh::hash(full.data(), s.data(), s.size());
      mgf.insert(mgf.end(), full.begin(), full.end());
    }
    std::memcpy(want_dg.data(), mgf.data(), P::m);
  }
  EXPECT_EQ(prf, want_prf) << "PRFmsg";
  EXPECT_EQ(dg, want_dg) << "Hmsg";
}

}  // namespace

TEST(SlhDsaInternal, HashFamilies) {
  check_family<Sha2_128f>();
  check_family<Sha2_192f>();
  check_family<Sha2_256f>();
  check_family<Shake_128f>();
  check_family<Shake_192f>();
  check_family<Shake_256f>();
}

namespace {

// xmss_node (FIPS 205 Alg. 9), recursive as written.
template <class P>
std::vector<std::uint8_t> xmss_node(const Hashes<P>& hs, const std::uint8_t* sk_seed, std::uint32_t i, int z, Adrs adrs) {
  std::vector<std::uint8_t> node(P::n);
  if (z == 0) {
    adrs.set_type_and_clear(AdrsType::wots_hash);
    adrs.set_keypair(i);
    wots_leaf<P>(hs, node.data(), adrs, sk_seed, nullptr, nullptr);
    return node;
  }
  auto l = xmss_node<P>(hs, sk_seed, 2 * i, z - 1, adrs);
  const auto r = xmss_node<P>(hs, sk_seed, 2 * i + 1, z - 1, adrs);
  l.insert(l.end(), r.begin(), r.end());
  adrs.set_type_and_clear(AdrsType::tree);
  adrs.set_tree_height(static_cast<std::uint32_t>(z));
  adrs.set_tree_index(i);
  hs.H(node.data(), adrs, l.data());
  return node;
}

// fors_node (Alg. 15) with fors_skGen (Alg. 14).
template <class P>
std::vector<std::uint8_t> fors_node(const Hashes<P>& hs, const std::uint8_t* sk_seed, std::uint32_t i, int z, Adrs adrs) {
  std::vector<std::uint8_t> node(P::n);
  if (z == 0) {
    Adrs sk_adrs = adrs;
    sk_adrs.set_type_and_clear(AdrsType::fors_prf);
    sk_adrs.set_keypair(adrs.keypair());
    sk_adrs.set_tree_index(i);
    std::vector<std::uint8_t> sk(P::n);
    hs.prf(sk.data(), sk_adrs, sk_seed);
    adrs.set_tree_height(0);
    adrs.set_tree_index(i);
    hs.F(node.data(), adrs, sk.data());
    return node;
  }
  auto l = fors_node<P>(hs, sk_seed, 2 * i, z - 1, adrs);
  const auto r = fors_node<P>(hs, sk_seed, 2 * i + 1, z - 1, adrs);
  l.insert(l.end(), r.begin(), r.end());
  adrs.set_tree_height(static_cast<std::uint32_t>(z));
  adrs.set_tree_index(i);
  hs.H(node.data(), adrs, l.data());
  return node;
}

}  // namespace

// The streamed XMSS tree gives Alg. 9's root, Alg. 10's authentication path for every leaf, and
// a WOTS+ signature that Alg. 11 turns back into the root.
TEST(SlhDsaInternal, XmssTreeMatchesRecursiveDefinition) {
  using P = Sha2_128f;
  constexpr std::size_t n = P::n;
  const auto sk_seed = seq(n, 1), pk_seed = seq(n, 2), msg = seq(n, 3);
  const Hashes<P> hs(pk_seed.data());
  Adrs adrs;
  adrs.set_layer(4);
  adrs.set_tree(77);
  const auto root = xmss_node<P>(hs, sk_seed.data(), 0, P::hp, adrs);
  std::uint8_t digits[P::len];
  wots_digits<P>(digits, msg.data());
  for (std::uint32_t idx = 0; idx < (1u << P::hp); ++idx) {
    std::vector<std::uint8_t> sig(P::xmss_sig_bytes), r(n);
    xmss_tree<P>(hs, r.data(), sig.data(), idx, adrs, sk_seed.data(), digits);
    EXPECT_EQ(r, root) << idx;
    for (int j = 0; j < P::hp; ++j) {
      const auto want = xmss_node<P>(hs, sk_seed.data(), (idx >> j) ^ 1u, j, adrs);  // Alg. 10 steps 2-3
      EXPECT_EQ(0, std::memcmp(sig.data() + (P::len + j) * n, want.data(), n)) << idx << " auth " << j;
    }
    std::vector<std::uint8_t> back(n);
    xmss_pk_from_sig<P>(hs, back.data(), idx, sig.data(), msg.data(), adrs);
    EXPECT_EQ(back, root) << idx;
  }
}

TEST(SlhDsaInternal, ForsMatchesRecursiveDefinition) {
  using P = Shake_128f;
  constexpr std::size_t n = P::n;
  const auto sk_seed = seq(n, 5), pk_seed = seq(n, 6), md = seq(P::md_bytes, 200);
  const Hashes<P> hs(pk_seed.data());
  Adrs adrs;
  adrs.set_tree(12345);
  adrs.set_type_and_clear(AdrsType::fors_tree);
  adrs.set_keypair(3);
  std::uint32_t indices[P::k];
  fors_indices<P>(indices, md.data());
  std::vector<std::uint8_t> sig(P::fors_sig_bytes), pk(n), pk2(n);
  fors_sign<P>(hs, sig.data(), pk.data(), indices, adrs, sk_seed.data());
  // Roots by Alg. 15 and T_k over them (Alg. 17 steps 21-24); sk and AUTH by Alg. 16.
  Adrs roots_adrs = adrs;
  roots_adrs.set_type_and_clear(AdrsType::fors_roots);
  roots_adrs.set_keypair(adrs.keypair());
  typename Hashes<P>::T t(hs, roots_adrs);
  for (int i = 0; i < P::k; ++i) {
    const std::uint8_t* s = sig.data() + static_cast<std::size_t>(i) * (P::a + 1) * n;
    const auto root = fors_node<P>(hs, sk_seed.data(), static_cast<std::uint32_t>(i), P::a, adrs);
    t.update(root.data());
    Adrs sk_adrs = adrs;
    sk_adrs.set_type_and_clear(AdrsType::fors_prf);
    sk_adrs.set_keypair(adrs.keypair());
    sk_adrs.set_tree_index((static_cast<std::uint32_t>(i) << P::a) + indices[i]);
    std::vector<std::uint8_t> sk(n);
    hs.prf(sk.data(), sk_adrs, sk_seed.data());
    EXPECT_EQ(0, std::memcmp(s, sk.data(), n)) << i;
    for (int j = 0; j < P::a; ++j) {
      const std::uint32_t sib = (indices[i] >> j) ^ 1u;
      const auto want = fors_node<P>(hs, sk_seed.data(), (static_cast<std::uint32_t>(i) << (P::a - j)) + sib, j, adrs);
      EXPECT_EQ(0, std::memcmp(s + n + j * n, want.data(), n)) << i << " auth " << j;
    }
  }
  t.final(pk2.data());
  EXPECT_EQ(pk, pk2);
  std::vector<std::uint8_t> back(n);
  fors_pk_from_sig<P>(hs, back.data(), sig.data(), indices, adrs);
  EXPECT_EQ(back, pk);
}
