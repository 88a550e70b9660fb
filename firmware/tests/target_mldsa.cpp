// ML-DSA on the target: known answers for all three parameter sets in both memory modes (the same
// SHA3-256 digests tests/mldsa/test_mldsa.cpp checks on the host), then ML-DSA-87 figures:
// keygen, sign (mean and worst over many messages) and verify, fast and low-memory, with the
// stack budgets of include/pqcea/mldsa.hpp (Budget<P, M>) asserted.
#include <array>

#include "board.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/mldsa.hpp"
#include "testing.hpp"

using namespace pqcea;
using namespace pqcea::mldsa;

namespace {

// Fixed inputs: xi = 00 01 .. 1f; message = 3 i for i < 64; context "target"; deterministic.
constexpr std::uint8_t kCtx[6] = {'t', 'a', 'r', 'g', 'e', 't'};

struct Known {
  const char* keys;  // SHA3-256(pk || sk)
  const char* sig;   // SHA3-256(signature)
};
constexpr Known k44{"13f879d1467819ce257611a985ba3b4475bf3f73143621437bfb7676670e9692",
                    "60e62ee055ce404d8bd5c4ef8f14c186ad555bb75546d0f0d829849da1c964eb"};
constexpr Known k65{"ab8ba472fde4daae190c03d8f26f63bb8bfd0f6dfd09ebbe637b357aecf34f4a",
                    "1aa22cb5d50f7f9c1ddd3e9fdf3602fdac2354264a60afbf6cf6b45ed353516e"};
constexpr Known k87{"35c1b5c4b9faf6ae7a7e412c72993ee51f307f4ffc2b826137e3064af2a41805",
                    "44245e65adacb95947fa2968e605996e4ce23c8ea32eea28ea8431b0dc3fe247"};

// Buffers in .bss, not on the measured stack.
std::array<std::uint8_t, MlDsa87::pk_bytes> g_pk;
std::array<std::uint8_t, MlDsa87::sk_bytes> g_sk;
std::array<std::uint8_t, MlDsa87::sig_bytes> g_sig;
std::array<std::uint8_t, 64> g_msg;

template <class P, Memory M>
void known_answers(target::Checks& checks, const Known& k) {
  std::array<std::uint8_t, 32> xi{};
  for (int i = 0; i < 32; ++i) xi[i] = static_cast<std::uint8_t>(i);
  for (int i = 0; i < 64; ++i) g_msg[i] = static_cast<std::uint8_t>(3 * i);
  const std::span<std::uint8_t, P::pk_bytes> pk(g_pk.data(), P::pk_bytes);
  const std::span<std::uint8_t, P::sk_bytes> sk(g_sk.data(), P::sk_bytes);
  const std::span<std::uint8_t, P::sig_bytes> sig(g_sig.data(), P::sig_bytes);
  checks.that("keygen", keygen_internal<P, M>(pk, sk, xi) == Status::ok);
  hash::Sha3_256 h;
  h.update(pk.data(), pk.size());
  h.update(sk.data(), sk.size());
  std::uint8_t d[32];
  h.final(d);
  checks.equal_hex(M == Memory::fast ? "keys (fast)" : "keys (low memory)", d, 32, k.keys);
  checks.that("sign", sign_deterministic<P, M>(sig, PrivateKey<P>::expanded(sk), Input::pure(g_msg, kCtx)) == Status::ok);
  hash::Sha3_256::hash(d, sig.data(), sig.size());
  checks.equal_hex(M == Memory::fast ? "signature (fast)" : "signature (low memory)", d, 32, k.sig);
  checks.that("verify", verify<P, M>(pk, Input::pure(g_msg, kCtx), sig) == Status::ok);
  g_msg[0] ^= 1;
  checks.that("verify rejects", verify<P, M>(pk, Input::pure(g_msg, kCtx), sig) == Status::invalid_signature);
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
  known_answers<MlDsa44, Memory::fast>(checks, k44);
  known_answers<MlDsa44, Memory::low>(checks, k44);
  known_answers<MlDsa65, Memory::fast>(checks, k65);
  known_answers<MlDsa65, Memory::low>(checks, k65);
  known_answers<MlDsa87, Memory::fast>(checks, k87);
  known_answers<MlDsa87, Memory::low>(checks, k87);
  figures<MlDsa87, Memory::low>(checks, "lowmem", 32);
  figures<MlDsa87, Memory::fast>(checks, "fast", 8);
  figures<MlDsa44, Memory::low>(checks, "lowmem", 8);
  figures<MlDsa65, Memory::low>(checks, "lowmem", 8);
  return checks.finish();
}
