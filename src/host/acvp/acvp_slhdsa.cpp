// ACVP runner for SLH-DSA (FIPS 205): keyGen, sigGen and sigVer, all 12 parameter sets, every
// group kind (external pure / pre-hash with context, internal; deterministic and hedged).
//
// sigGen: a test that carries the expected `signature` (subset_with_signatures.json, or a full
// internalProjection) must match it byte for byte, and the signature must verify. A prompt-only
// test (prompt.json has no expected values) is signed, and the signature must verify under the
// public key inside sk while the same signature with one bit flipped must not: the check the
// vector set allows without NIST's answers (see ../shared/vectors/acvp/README.md "SLH-DSA").
// sigVer: the verdict must match. The older v1.1.0.35 layout has no signatureInterface (internal
// interface); its valid tests also carry sk and additionalRandomness, so they are re-signed with
// slh_sign_internal and must reproduce the signature exactly.
#include <array>
#include <cstring>
#include <optional>

#include "pqcea/host/acvp.hpp"
#include "pqcea/slhdsa.hpp"

namespace pqcea::acvp {
namespace {

using slhdsa::Input;

std::optional<slhdsa::PreHash> prehash_by_name(const std::string& name) {
  for (std::size_t i = 0; i < slhdsa::kPreHashCount; ++i) {
    const auto h = static_cast<slhdsa::PreHash>(i);
    if (name == slhdsa::prehash_name(h)) return h;
  }
  return std::nullopt;
}

template <class P>
void keygen_group(const json& g, Tally& t) {
  for (const auto& test : g.at("tests")) {
    const auto sk_seed = bytes_field(test, "skSeed");
    const auto sk_prf = bytes_field(test, "skPrf");
    const auto pk_seed = bytes_field(test, "pkSeed");
    if (sk_seed.size() != P::n || sk_prf.size() != P::n || pk_seed.size() != P::n) {
      t.fail(g, test, "seed length");
      continue;
    }
    std::array<std::uint8_t, P::pk_bytes> pk{};
    std::array<std::uint8_t, P::sk_bytes> sk{};
    const Status st = slhdsa::keygen_internal<P>(pk, sk, std::span<const std::uint8_t, P::n>(sk_seed.data(), P::n),
                                                 std::span<const std::uint8_t, P::n>(sk_prf.data(), P::n),
                                                 std::span<const std::uint8_t, P::n>(pk_seed.data(), P::n));
    t.check(g, test,
            st == Status::ok && to_hex(pk) == test.at("pk").get<std::string>() &&
                to_hex(sk) == test.at("sk").get<std::string>(),
            "key pair mismatch");
  }
}

// The Input a test describes; the vectors keep the bytes alive.
struct TestInput {
  std::vector<std::uint8_t> data, ctx;
  Input in;
};
bool make_input(const json& g, const json& test, TestInput& ti, std::string& why) {
  // The v1.1.0.35 layout predates signatureInterface: its messages go to the internal functions.
  const std::string iface = g.value("signatureInterface", "internal");
  ti.data = bytes_field(test, "message");
  if (iface == "internal") {
    ti.in = Input::internal(ti.data);
    return true;
  }
  if (iface != "external") {
    why = "signatureInterface " + iface;
    return false;
  }
  ti.ctx = test.contains("context") ? bytes_field(test, "context") : std::vector<std::uint8_t>{};
  const std::string pre = g.value("preHash", "pure");
  if (pre == "pure") {
    ti.in = Input::pure(ti.data, ti.ctx);
    return true;
  }
  if (pre == "preHash") {
    const std::string name = test.at("hashAlg").get<std::string>();
    const auto h = prehash_by_name(name);
    if (!h) {
      why = "hashAlg " + name;
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
  for (const auto& test : g.at("tests")) {
    TestInput ti;
    std::string why;
    if (!make_input(g, test, ti, why)) {
      t.fail(g, test, why);
      continue;
    }
    const auto sk = bytes_field(test, "sk");
    if (sk.size() != P::sk_bytes) {
      t.fail(g, test, "sk length");
      continue;
    }
    const std::span<const std::uint8_t, P::sk_bytes> sks(sk.data(), P::sk_bytes);
    std::vector<std::uint8_t> sig(P::sig_bytes);
    const std::span<std::uint8_t, P::sig_bytes> sigs(sig.data(), P::sig_bytes);
    Status st;
    if (deterministic) {
      st = slhdsa::sign_deterministic<P>(sigs, sks, ti.in);
    } else {
      const auto rnd = bytes_field(test, "additionalRandomness");
      if (rnd.size() != P::n) {
        t.fail(g, test, "additionalRandomness length");
        continue;
      }
      st = slhdsa::sign_internal<P>(sigs, sks, ti.in, std::span<const std::uint8_t, P::n>(rnd.data(), P::n));
    }
    if (st != Status::ok) {
      t.fail(g, test, std::string("sign: ") + to_string(st));
      continue;
    }
    const std::span<const std::uint8_t> pk(sk.data() + 2 * P::n, P::pk_bytes);  // sk = SK.seed || SK.prf || pk
    if (test.contains("pk") && to_hex(pk) != test.at("pk").get<std::string>()) {
      t.fail(g, test, "pk field differs from the public key in sk");
      continue;
    }
    if (test.contains("signature") && to_hex(sig) != test.at("signature").get<std::string>()) {
      t.fail(g, test, "signature mismatch");
      continue;
    }
    bool ok = slhdsa::verify<P>(pk, ti.in, sig) == Status::ok;
    sig[sig.size() / 2] ^= 0x01;
    ok = ok && slhdsa::verify<P>(pk, ti.in, sig) == Status::invalid_signature;
    t.check(g, test, ok, "own signature does not verify, or verifies with a flipped bit");
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
    const bool valid = slhdsa::verify<P>(pk, ti.in, sig) == Status::ok;
    if (valid != expected) {
      t.fail(g, test, std::string("verdict mismatch (expected ") + (expected ? "valid" : "invalid") + ")");
      continue;
    }
    // A valid internal-interface test with the signer's inputs doubles as a hedged
    // slh_sign_internal known answer.
    if (expected && ti.in.kind == Input::Kind::internal && test.contains("sk") && test.contains("additionalRandomness")) {
      const auto sk = bytes_field(test, "sk");
      const auto rnd = bytes_field(test, "additionalRandomness");
      std::vector<std::uint8_t> mine(P::sig_bytes);
      const bool ok = sk.size() == P::sk_bytes && rnd.size() == P::n &&
                      slhdsa::sign_internal<P>(std::span<std::uint8_t, P::sig_bytes>(mine.data(), P::sig_bytes),
                                               std::span<const std::uint8_t, P::sk_bytes>(sk.data(), P::sk_bytes), ti.in,
                                               std::span<const std::uint8_t, P::n>(rnd.data(), P::n)) == Status::ok &&
                      mine == sig;
      t.check(g, test, ok, "re-signing with sk and additionalRandomness gives another signature");
      continue;
    }
    t.pass();
  }
}

template <class P>
void run_group(const std::string& mode, const json& g, Tally& t) {
  if (mode == "keyGen") keygen_group<P>(g, t);
  else if (mode == "sigGen") siggen_group<P>(g, t);
  else if (mode == "sigVer") sigver_group<P>(g, t);
  else t.unsupported_group(g, "mode " + mode);
}

template <class... Ps>
bool dispatch(const std::string& ps, const std::string& mode, const json& g, Tally& t) {
  return ((ps == Ps::name ? (run_group<Ps>(mode, g, t), true) : false) || ...);
}

}  // namespace

void run_slhdsa(const json& vs, Tally& t) {
  using namespace slhdsa;
  const std::string mode = vs.at("mode").get<std::string>();
  for (const auto& g : vs.at("testGroups")) {
    const std::string ps = g.at("parameterSet").get<std::string>();
    if (!dispatch<Sha2_128s, Sha2_128f, Sha2_192s, Sha2_192f, Sha2_256s, Sha2_256f, Shake_128s, Shake_128f, Shake_192s,
                  Shake_192f, Shake_256s, Shake_256f>(ps, mode, g, t))
      t.unsupported_group(g, "parameterSet " + ps);
  }
}

}  // namespace pqcea::acvp
