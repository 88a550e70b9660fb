// ML-DSA on the target: official NIST ACVP known answers for all three parameter sets in both
// memory modes (keyGen, a deterministic and a hedged pure signature, a valid and an invalid
// signature to verify; from ../shared/vectors/acvp through the build-time mldsa_acvp_vectors.inc),
// then ML-DSA-87 figures:
// keygen, sign (mean and worst over many messages) and verify, fast and low-memory, with the
// stack budgets of include/pqcea/mldsa.hpp (Budget<P, M>) asserted.
#include <array>
#include <cstring>

#include "board.hpp"
#include "pqcea/mldsa.hpp"
#include "testing.hpp"

using namespace pqcea;
using namespace pqcea::mldsa;

namespace {

#include "mldsa_acvp_vectors.inc"

// Buffers in .bss, not on the measured stack.
std::array<std::uint8_t, MlDsa87::pk_bytes> g_pk;
std::array<std::uint8_t, MlDsa87::sk_bytes> g_sk;
std::array<std::uint8_t, MlDsa87::sig_bytes> g_sig;
std::array<std::uint8_t, 64> g_msg;

// Each output compared in full with NIST's expected field; the generated arrays feed fixed-extent
// spans, so a field of the wrong size does not compile.
template <class P, Memory M, class KeyGen, class Det, class Hedged, class Valid, class Invalid>
void known_answers(target::Checks& checks) {
  const char* mode = M == Memory::fast ? "fast" : "low memory";
  char label[96];
  const std::span<std::uint8_t, P::pk_bytes> pk(g_pk.data(), P::pk_bytes);
  const std::span<std::uint8_t, P::sk_bytes> sk(g_sk.data(), P::sk_bytes);
  const std::span<std::uint8_t, P::sig_bytes> sig(g_sig.data(), P::sig_bytes);

  Status st = keygen_internal<P, M>(pk, sk, KeyGen::seed);
  board::snprintf(label, sizeof label, "%s ACVP keyGen tcId %d (%s): pk and sk", P::name, KeyGen::tc_id, mode);
  checks.that(label, st == Status::ok && std::memcmp(pk.data(), KeyGen::pk.data(), P::pk_bytes) == 0 &&
                         std::memcmp(sk.data(), KeyGen::sk.data(), P::sk_bytes) == 0);

  st = sign_deterministic<P, M>(sig, PrivateKey<P>::expanded(Det::sk), Input::pure(Det::message, Det::context));
  board::snprintf(label, sizeof label, "%s ACVP sigGen tcId %d (deterministic, %s)", P::name, Det::tc_id, mode);
  checks.that(label, st == Status::ok && std::memcmp(sig.data(), Det::signature.data(), P::sig_bytes) == 0);

  st = sign_internal<P, M>(sig, PrivateKey<P>::expanded(Hedged::sk), Input::pure(Hedged::message, Hedged::context),
                           Hedged::rnd);
  board::snprintf(label, sizeof label, "%s ACVP sigGen tcId %d (hedged rnd, %s)", P::name, Hedged::tc_id, mode);
  checks.that(label, st == Status::ok && std::memcmp(sig.data(), Hedged::signature.data(), P::sig_bytes) == 0);

  static_assert(Valid::signature.size() == P::sig_bytes && Invalid::signature.size() == P::sig_bytes);
  st = verify<P, M>(Valid::pk, Input::pure(Valid::message, Valid::context), Valid::signature);
  board::snprintf(label, sizeof label, "%s ACVP sigVer tcId %d accepted (%s)", P::name, Valid::tc_id, mode);
  checks.that(label, st == Status::ok);
  st = verify<P, M>(Invalid::pk, Input::pure(Invalid::message, Invalid::context), Invalid::signature);
  board::snprintf(label, sizeof label, "%s ACVP sigVer tcId %d rejected (%s)", P::name, Invalid::tc_id, mode);
  checks.that(label, st == Status::invalid_signature);
}

// The same official answers through both memory variants (they must agree byte for byte).
template <class P, class KeyGen, class Det, class Hedged, class Valid, class Invalid>
void known_answers_fast_and_low(target::Checks& checks) {
  known_answers<P, Memory::fast, KeyGen, Det, Hedged, Valid, Invalid>(checks);
  known_answers<P, Memory::low, KeyGen, Det, Hedged, Valid, Invalid>(checks);
}

template <class P, Memory M>
void figures(target::Checks& checks, const char* tag, int messages) {
  using B = Budget<P, M>;
  const std::span<std::uint8_t, P::pk_bytes> pk(g_pk.data(), P::pk_bytes);
  const std::span<std::uint8_t, P::sk_bytes> sk(g_sk.data(), P::sk_bytes);
  const std::span<std::uint8_t, P::sig_bytes> sig(g_sig.data(), P::sig_bytes);
  std::array<std::uint8_t, 32> xi{};
  xi.fill(0x3C);
  char name[64];
  auto m = board::measure([&] { (void)keygen_internal<P, M>(pk, sk, xi); });
  board::snprintf(name, sizeof name, "%s_keygen_%s", P::name, tag);
  target::report(name, m);
  checks.that("keygen stack within Budget::keygen_stack", m.stack_bytes <= B::keygen_stack);

  std::uint64_t total = 0, worst = 0;
  std::size_t stack = 0;
  bool all_ok = true;
  for (int i = 0; i < messages; ++i) {
    for (int b = 0; b < 64; ++b) g_msg[b] = static_cast<std::uint8_t>(i * 7 + b);
    Status st = Status::ok;
    m = board::measure([&] { st = sign_deterministic<P, M>(sig, PrivateKey<P>::expanded(sk), Input::pure(g_msg)); });
    all_ok = all_ok && st == Status::ok;
    total += m.instructions;
    worst = m.instructions > worst ? m.instructions : worst;
    stack = m.stack_bytes > stack ? m.stack_bytes : stack;
  }
  checks.that("every signature produced", all_ok);
  board::printf("figure %s_sign_%s: mean_instructions=%llu worst=%llu stack=%zu messages=%d\n", P::name, tag,
                static_cast<unsigned long long>(total / static_cast<unsigned>(messages)),
                static_cast<unsigned long long>(worst), stack, messages);
  checks.that("sign stack within Budget::sign_stack", stack <= B::sign_stack);

  Status vst = Status::invalid_signature;
  m = board::measure([&] { vst = verify<P, M>(pk, Input::pure(g_msg), sig); });
  board::snprintf(name, sizeof name, "%s_verify_%s", P::name, tag);
  target::report(name, m);
  checks.that("verify accepts", vst == Status::ok);
  checks.that("verify stack within Budget::verify_stack", m.stack_bytes <= B::verify_stack);
}

}  // namespace

int target_main() {
  target::Checks checks;
  known_answers_fast_and_low<MlDsa44, MlDsa44KeyGen, MlDsa44SignDeterministic, MlDsa44SignHedged, MlDsa44VerifyValid,
                             MlDsa44VerifyInvalid>(checks);
  known_answers_fast_and_low<MlDsa65, MlDsa65KeyGen, MlDsa65SignDeterministic, MlDsa65SignHedged, MlDsa65VerifyValid,
                             MlDsa65VerifyInvalid>(checks);
  known_answers_fast_and_low<MlDsa87, MlDsa87KeyGen, MlDsa87SignDeterministic, MlDsa87SignHedged, MlDsa87VerifyValid,
                             MlDsa87VerifyInvalid>(checks);
  figures<MlDsa87, Memory::low>(checks, "lowmem", 32);
  figures<MlDsa87, Memory::fast>(checks, "fast", 8);
  figures<MlDsa44, Memory::low>(checks, "lowmem", 8);
  figures<MlDsa65, Memory::low>(checks, "lowmem", 8);
  return checks.finish();
}
