// ACVP runner for ML-DSA (FIPS 204): keyGen, sigGen (FIPS204 and FIPS204-tr1 with keyFormat
// seed/expanded) and sigVer; every group kind (external pure / pre-hash, internal with and
// without external mu, deterministic and hedged). Each test runs in both memory modes, which must
// agree with the expected value.
#include <array>
#include <cstring>
#include <memory>
#include <optional>

#include "pqcea/host/acvp.hpp"
#include "pqcea/mldsa.hpp"

namespace pqcea::acvp {
namespace {

using mldsa::Input;
using mldsa::Memory;

std::optional<mldsa::PreHash> prehash_by_name(const std::string& name) {
  for (std::size_t i = 0; i < mldsa::kPreHashCount; ++i) {
    const auto h = static_cast<mldsa::PreHash>(i);
    if (name == mldsa::prehash_name(h)) return h;
  }
  return std::nullopt;
}

template <class P>
void keygen_group(const json& g, Tally& t) {
  for (const auto& test : g.at("tests")) {
    const auto seed = bytes_field(test, "seed");
    if (seed.size() != 32) {
      t.fail(g, test, "seed length");
      continue;
    }
    const std::span<const std::uint8_t, 32> xi(seed.data(), 32);
    bool ok = true;
    for (Memory m : {Memory::fast, Memory::low}) {
      std::array<std::uint8_t, P::pk_bytes> pk{};
      std::array<std::uint8_t, P::sk_bytes> sk{};
      const Status st = m == Memory::fast ? mldsa::keygen_internal<P, Memory::fast>(pk, sk, xi)
                                          : mldsa::keygen_internal<P, Memory::low>(pk, sk, xi);
      ok = ok && st == Status::ok && to_hex(pk) == test.at("pk").get<std::string>() &&
           to_hex(sk) == test.at("sk").get<std::string>();
    }
    t.check(g, test, ok, "key pair mismatch");
  }
}

// The Input a test describes; `store` keeps the bytes alive.
struct TestInput {
  std::vector<std::uint8_t> data, ctx;
  Input in;
};
bool make_input(const json& g, const json& test, TestInput& ti, std::string& why) {
  const std::string iface = g.value("signatureInterface", "external");
  if (iface == "internal") {
    if (g.value("externalMu", false)) {
      ti.data = bytes_field(test, "mu");
      if (ti.data.size() != mldsa::kMuBytes) {
        why = "mu length";
        return false;
      }
      ti.in = Input::external_mu(std::span<const std::uint8_t, mldsa::kMuBytes>(ti.data.data(), mldsa::kMuBytes));
    } else {
      ti.data = bytes_field(test, "message");
      ti.in = Input::internal(ti.data);
    }
    return true;
  }
  if (iface != "external") {
    why = "signatureInterface " + iface;
    return false;
  }
  ti.data = bytes_field(test, "message");
  ti.ctx = test.contains("context") ? bytes_field(test, "context") : std::vector<std::uint8_t>{};
  const std::string pre = g.value("preHash", "pure");
  if (pre == "pure") {
    ti.in = Input::pure(ti.data, ti.ctx);
    return true;
  }
  if (pre == "preHash") {
    const auto h = prehash_by_name(test.at("hashAlg").get<std::string>());
    if (!h) {
      why = "hashAlg " + test.at("hashAlg").get<std::string>();
      return false;
    }
    ti.in = Input::prehash(*h, ti.data, ti.ctx);
    return true;
  }
  why = "preHash " + pre;
  return false;
}

template <class P>
void siggen_group(const json& g, Tally& t) {
  const bool deterministic = g.at("deterministic").get<bool>();
  const std::string key_format = g.value("keyFormat", "expanded");
  for (const auto& test : g.at("tests")) {
    TestInput ti;
    std::string why;
    if (!make_input(g, test, ti, why)) {
      t.fail(g, test, why);
      continue;
    }
    std::array<std::uint8_t, mldsa::kRndBytes> rnd{};
    if (!deterministic) {
      const auto r = bytes_field(test, "rnd");
      if (r.size() != rnd.size()) {
        t.fail(g, test, "rnd length");
        continue;
      }
      std::memcpy(rnd.data(), r.data(), rnd.size());
    }
    std::vector<std::uint8_t> keybytes;
    bool seed_form = false;
    if (key_format == "seed") {
      keybytes = bytes_field(test, "seed");
      seed_form = true;
      if (keybytes.size() != mldsa::kSeedBytes) {
        t.fail(g, test, "seed length");
        continue;
      }
    } else if (key_format == "expanded") {
      keybytes = bytes_field(test, "sk");
      if (keybytes.size() != P::sk_bytes) {
        t.fail(g, test, "sk length");
        continue;
      }
    } else {
      t.fail(g, test, "keyFormat " + key_format);
      continue;
    }
    const auto key = seed_form
                         ? mldsa::PrivateKey<P>::seed(std::span<const std::uint8_t, mldsa::kSeedBytes>(keybytes.data(), 32))
                         : mldsa::PrivateKey<P>::expanded(std::span<const std::uint8_t, P::sk_bytes>(keybytes.data(), P::sk_bytes));
    const std::string expected = test.at("signature").get<std::string>();
    bool ok = true;
    for (Memory m : {Memory::fast, Memory::low}) {
      std::array<std::uint8_t, P::sig_bytes> sig{};
      const Status st = m == Memory::fast ? mldsa::sign_internal<P, Memory::fast>(sig, key, ti.in, rnd)
                                          : mldsa::sign_internal<P, Memory::low>(sig, key, ti.in, rnd);
      ok = ok && st == Status::ok && to_hex(sig) == expected;
      // The same signature must verify (pure/pre-hash/internal alike); needs the public key.
    }
    t.check(g, test, ok, "signature mismatch");
  }
}

template <class P>
void sigver_group(const json& g, Tally& t) {
  for (const auto& test : g.at("tests")) {
    TestInput ti;
    std::string why;
    if (!make_input(g, test, ti, why)) {
      t.fail(g, test, why);
      continue;
    }
    const auto pk = bytes_field(test, "pk");
    const auto sig = bytes_field(test, "signature");
    const bool expected = test.at("testPassed").get<bool>();
    const bool fast = mldsa::verify<P, Memory::fast>(pk, ti.in, sig) == Status::ok;
    const bool low = mldsa::verify<P, Memory::low>(pk, ti.in, sig) == Status::ok;
    // The verifier service's path: the key expanded once (PreparedPublicKey), same verdict.
    auto prepared = std::make_unique<mldsa::PreparedPublicKey<P>>();
    const bool prep = prepared->prepare(pk) == Status::ok && mldsa::verify<P>(*prepared, ti.in, sig) == Status::ok;
    t.check(g, test, fast == expected && low == expected && prep == expected,
            std::string("verdict mismatch (expected ") + (expected ? "valid" : "invalid") + ")");
  }
}

template <class P>
void run_group(const std::string& mode, const json& g, Tally& t) {
  if (mode == "keyGen") keygen_group<P>(g, t);
  else if (mode == "sigGen") siggen_group<P>(g, t);
  else if (mode == "sigVer") sigver_group<P>(g, t);
  else t.unsupported_group(g, "mode " + mode);
}

}  // namespace

void run_mldsa(const json& vs, Tally& t) {
  const std::string mode = vs.at("mode").get<std::string>();
  for (const auto& g : vs.at("testGroups")) {
    const std::string ps = g.at("parameterSet").get<std::string>();
    if (ps == "ML-DSA-44") run_group<mldsa::MlDsa44>(mode, g, t);
    else if (ps == "ML-DSA-65") run_group<mldsa::MlDsa65>(mode, g, t);
    else if (ps == "ML-DSA-87") run_group<mldsa::MlDsa87>(mode, g, t);
    else t.unsupported_group(g, "parameterSet " + ps);
  }
}

}  // namespace pqcea::acvp
