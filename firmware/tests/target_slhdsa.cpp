// SLH-DSA on the target. SLH-DSA-SHA2-128s verification of two official ACVP signatures embedded
// from the host (tcId 157: pure with a context over an 8 KiB message; tcId 164: HashSLH-DSA with
// SHA2-224), each also rejected with one bit flipped, with instruction and stack figures. Then
// SLH-DSA-SHA2-128f and SLH-DSA-SHAKE-128f key generation, deterministic signing and
// verification with the known answers tests/slhdsa/test_slhdsa.cpp checks on the host, and their
// figures (SHAKE-128f is the set of the pqm4 SPHINCS+ row in ../shared/ANCHORS.md). The stack
// budgets of include/pqcea/slhdsa.hpp (Budget<P>) are asserted.
#include <array>
#include <cstring>

#include "board.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/slhdsa.hpp"
#include "testing.hpp"

using namespace pqcea;
using namespace pqcea::slhdsa;

namespace {

#include "../../tests/slhdsa/data/target_sha2_128s_vectors.inc"

// Buffers in .bss, not on the measured stack.
std::array<std::uint8_t, Sha2_128f::sig_bytes> g_sig;
std::array<std::uint8_t, 32> g_pk;
std::array<std::uint8_t, 64> g_sk;
std::array<std::uint8_t, 64> g_msg;
constexpr std::uint8_t kCtx[6] = {'t', 'a', 'r', 'g', 'e', 't'};

void acvp_verify(target::Checks& checks, const char* name, const std::uint8_t* pk, const std::uint8_t* sig,
                 const Input& in) {
  using P = Sha2_128s;
  std::memcpy(g_sig.data(), sig, P::sig_bytes);
  const std::span<const std::uint8_t> s(g_sig.data(), P::sig_bytes);
  const std::span<const std::uint8_t> k(pk, P::pk_bytes);
  Status st = Status::invalid_signature;
  const auto m = board::measure([&] { st = verify<P>(k, in, s); });
  target::report(name, m);
  checks.that("official signature verifies", st == Status::ok);
  checks.that("verify stack within Budget::verify_stack", m.stack_bytes <= Budget<P>::verify_stack);
  g_sig[P::sig_bytes / 3] ^= 0x10;
  checks.that("flipped bit rejected", verify<P>(k, in, s) == Status::invalid_signature);
}

template <class P>
void fast_set(target::Checks& checks, const char* keys_hex, const char* sig_hex) {
  const std::span<std::uint8_t, P::pk_bytes> pk(g_pk.data(), P::pk_bytes);
  const std::span<std::uint8_t, P::sk_bytes> sk(g_sk.data(), P::sk_bytes);
  const std::span<std::uint8_t, P::sig_bytes> sig(g_sig.data(), P::sig_bytes);
  std::array<std::uint8_t, 3 * P::n> seeds{};
  for (std::size_t i = 0; i < seeds.size(); ++i) seeds[i] = static_cast<std::uint8_t>(i);
  for (int i = 0; i < 64; ++i) g_msg[i] = static_cast<std::uint8_t>(3 * i);
  char name[64];

  Status st = Status::invalid_key;
  auto m = board::measure([&] {
    st = keygen_internal<P>(pk, sk, std::span<const std::uint8_t, P::n>(seeds.data(), P::n),
                            std::span<const std::uint8_t, P::n>(seeds.data() + P::n, P::n),
                            std::span<const std::uint8_t, P::n>(seeds.data() + 2 * P::n, P::n));
  });
  board::snprintf(name, sizeof name, "%s_keygen", P::name);
  target::report(name, m);
  checks.that("keygen", st == Status::ok);
  checks.that("keygen stack within Budget::keygen_stack", m.stack_bytes <= Budget<P>::keygen_stack);
  std::uint8_t d[32];
  hash::Sha3_256 h;
  h.update(pk.data(), pk.size());
  h.update(sk.data(), sk.size());
  h.final(d);
  checks.equal_hex("keys", d, 32, keys_hex);

  m = board::measure([&] { st = sign_deterministic<P>(sig, sk, Input::pure(g_msg, kCtx)); });
  board::snprintf(name, sizeof name, "%s_sign", P::name);
  target::report(name, m);
  checks.that("sign", st == Status::ok);
  checks.that("sign stack within Budget::sign_stack", m.stack_bytes <= Budget<P>::sign_stack);
  hash::Sha3_256::hash(d, sig.data(), sig.size());
  checks.equal_hex("signature", d, 32, sig_hex);

  m = board::measure([&] { st = verify<P>(pk, Input::pure(g_msg, kCtx), sig); });
  board::snprintf(name, sizeof name, "%s_verify", P::name);
  target::report(name, m);
  checks.that("verify", st == Status::ok);
  checks.that("verify stack within Budget::verify_stack", m.stack_bytes <= Budget<P>::verify_stack);
  g_msg[0] ^= 1;
  checks.that("verify rejects another message", verify<P>(pk, Input::pure(g_msg, kCtx), sig) == Status::invalid_signature);
}

}  // namespace

int target_main() {
  target::Checks checks;
  acvp_verify(checks, "SLH-DSA-SHA2-128s_verify_acvp157_pure_8KiB", kTc157Pk, kTc157Sig,
              Input::pure(kTc157Msg, std::span<const std::uint8_t>(kTc157Ctx, kTc157CtxLen)));
  acvp_verify(checks, "SLH-DSA-SHA2-128s_verify_acvp164_prehash_sha224", kTc164Pk, kTc164Sig,
              Input::prehash(PreHash::sha2_224, kTc164Msg, std::span<const std::uint8_t>(kTc164Ctx, kTc164CtxLen)));
  fast_set<Sha2_128f>(checks, "88f6dc2411727f039a0de890ada317ade81a904a42e1665b5aedaffc41cfdbe1",
                      "6f48f93cc7e71757f9dafdd993e3023ff78df6db3b55fdee50bc316a116e908f");
  fast_set<Shake_128f>(checks, "e884720280e86d01899100df816a601b4a23cf785ffdc772f43fb9f86d9a52eb",
                       "f15b17e2e2384dfa4a71a812f08976351bd871ebcbb9d22700911d836381b2a8");
  return checks.finish();
}
