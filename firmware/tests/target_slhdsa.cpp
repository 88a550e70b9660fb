// SLH-DSA on the target, against official NIST ACVP values (../shared/vectors/acvp, through the
// build-time slhdsa_acvp_vectors.inc). SLH-DSA-SHA2-128s: verification of two official signatures
// (tcId 157: pure with a context over an 8 KiB message; tcId 164: HashSLH-DSA with SHA2-224), each
// also rejected with one bit flipped, with instruction and stack figures. SLH-DSA-SHA2-128f and
// SLH-DSA-SHAKE-128f: key generation from an official keyGen case (pk and sk compared), a
// deterministic pure signature of an official sigGen case (compared in full) and its verification,
// with their figures (SHAKE-128f is the set of the pqm4 SPHINCS+ row in ../shared/ANCHORS.md).
// The stack budgets of include/pqcea/slhdsa.hpp (Budget<P>) are asserted.
#include <array>
#include <cstring>

#include "board.hpp"
#include "pqcea/slhdsa.hpp"
#include "testing.hpp"

using namespace pqcea;
using namespace pqcea::slhdsa;

namespace {

#include "slhdsa_acvp_vectors.inc"

// Buffers in .bss, not on the measured stack.
std::array<std::uint8_t, Sha2_128f::sig_bytes> g_sig;
std::array<std::uint8_t, 32> g_pk;
std::array<std::uint8_t, 64> g_sk;
std::array<std::uint8_t, 64> g_msg;

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

// Key generation, signing and verification of one fast set, measured on official inputs. The
// generated arrays feed fixed-extent spans, so a field of the wrong size does not compile.
template <class P, class KeyGen, class Sign>
void fast_set(target::Checks& checks) {
  const std::span<std::uint8_t, P::pk_bytes> pk(g_pk.data(), P::pk_bytes);
  const std::span<std::uint8_t, P::sk_bytes> sk(g_sk.data(), P::sk_bytes);
  const std::span<std::uint8_t, P::sig_bytes> sig(g_sig.data(), P::sig_bytes);
  char name[64];
  char label[96];

  Status st = Status::invalid_key;
  auto m = board::measure([&] { st = keygen_internal<P>(pk, sk, KeyGen::sk_seed, KeyGen::sk_prf, KeyGen::pk_seed); });
  board::snprintf(name, sizeof name, "%s_keygen", P::name);
  target::report(name, m);
  board::snprintf(label, sizeof label, "%s ACVP keyGen tcId %d: pk and sk", P::name, KeyGen::tc_id);
  checks.that(label, st == Status::ok && std::memcmp(pk.data(), KeyGen::pk.data(), P::pk_bytes) == 0 &&
                         std::memcmp(sk.data(), KeyGen::sk.data(), P::sk_bytes) == 0);
  checks.that("keygen stack within Budget::keygen_stack", m.stack_bytes <= Budget<P>::keygen_stack);

  const Input in = Input::pure(Sign::message, Sign::context);
  m = board::measure([&] { st = sign_deterministic<P>(sig, Sign::sk, in); });
  board::snprintf(name, sizeof name, "%s_sign", P::name);
  target::report(name, m);
  board::snprintf(label, sizeof label, "%s ACVP sigGen tcId %d (deterministic, pure)", P::name, Sign::tc_id);
  checks.that(label, st == Status::ok && std::memcmp(sig.data(), Sign::signature.data(), P::sig_bytes) == 0);
  checks.that("sign stack within Budget::sign_stack", m.stack_bytes <= Budget<P>::sign_stack);

  const std::span<const std::uint8_t, P::pk_bytes> sign_pk(Sign::pk);
  m = board::measure([&] { st = verify<P>(sign_pk, in, sig); });
  board::snprintf(name, sizeof name, "%s_verify", P::name);
  target::report(name, m);
  checks.that("verify", st == Status::ok);
  checks.that("verify stack within Budget::verify_stack", m.stack_bytes <= Budget<P>::verify_stack);
  for (std::size_t i = 0; i < g_msg.size(); ++i) g_msg[i] = static_cast<std::uint8_t>(3 * i);
  checks.that("verify rejects another message",
              verify<P>(sign_pk, Input::pure(g_msg, Sign::context), sig) == Status::invalid_signature);
}

}  // namespace

int target_main() {
  target::Checks checks;
  using Pure = SlhSha2_128sVerifyPure;
  using Ph = SlhSha2_128sVerifyPreHash;
  static_assert(Pure::pk.size() == Sha2_128s::pk_bytes && Pure::signature.size() == Sha2_128s::sig_bytes &&
                Ph::pk.size() == Sha2_128s::pk_bytes && Ph::signature.size() == Sha2_128s::sig_bytes);
  acvp_verify(checks, "SLH-DSA-SHA2-128s_verify_acvp157_pure_8KiB", Pure::pk.data(), Pure::signature.data(),
              Input::pure(Pure::message, Pure::context));
  acvp_verify(checks, "SLH-DSA-SHA2-128s_verify_acvp164_prehash_sha224", Ph::pk.data(), Ph::signature.data(),
              Input::prehash(PreHash::sha2_224, Ph::message, Ph::context));
  fast_set<Sha2_128f, SlhSha2_128fKeyGen, SlhSha2_128fSign>(checks);
  fast_set<Shake_128f, SlhShake128fKeyGen, SlhShake128fSign>(checks);
  return checks.finish();
}
