// Constant-time check of ML-DSA key generation and signing for all three parameter sets and both
// memory modes, under valgrind memcheck: xi, the secret parts of the expanded private key (K, s1,
// s2, t0; rho and tr are copies of public-key data and stay public) and rnd are poisoned, so any
// branch or memory index that depends on them is reported. The library declassifies only
// (a) whether a signing candidate is rejected, (b) rho when key generation derives it from xi
// (it is printed in the public key), (c) the negligible-probability window overflow bits of the
// constant-time samplers (each with its reason at the call).
#include <array>
#include <cstdio>
#include <cstring>

#include "pqcea/core/ct.hpp"
#include "pqcea/mldsa.hpp"

using namespace pqcea;
using namespace pqcea::mldsa;

namespace {

template <class P, Memory M>
bool run() {
  std::array<std::uint8_t, kSeedBytes> xi{};
  for (std::size_t i = 0; i < xi.size(); ++i) xi[i] = static_cast<std::uint8_t>(i * 29 + 3);
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::array<std::uint8_t, P::sk_bytes> sk{};
  ct::poison(xi.data(), xi.size());
  if (keygen_internal<P, M>(pk, sk, xi) != Status::ok) return false;
  ct::declassify(pk.data(), pk.size(), "test: the public key is public");
  ct::declassify(sk.data(), sk.size(), "test: re-poisoned below, field by field");
  // Poison the secret fields of sk: K (bytes 32..63) and s1 || s2 || t0 (from byte 128).
  ct::poison(sk.data() + 32, 32);
  ct::poison(sk.data() + 128, P::sk_bytes - 128);
  std::array<std::uint8_t, kRndBytes> rnd{};
  rnd.fill(0x5C);
  ct::poison(rnd.data(), rnd.size());
  std::array<std::uint8_t, 100> msg{};
  const std::array<std::uint8_t, 3> ctx{{1, 2, 3}};
  std::array<std::uint8_t, P::sig_bytes> sig{};
  // Several messages so that rejected and accepted candidates both occur.
  for (int m = 0; m < 4; ++m) {
    msg[0] = static_cast<std::uint8_t>(m);
    if (sign_internal<P, M>(sig, PrivateKey<P>::expanded(sk), Input::pure(msg, ctx), rnd) != Status::ok) return false;
    if (sign_internal<P, M>(sig, PrivateKey<P>::expanded(sk), Input::prehash(PreHash::sha2_512, msg, ctx), rnd) !=
        Status::ok)
      return false;
  }
  // Seed-form private key: the whole expansion runs on the poisoned seed.
  if (sign_internal<P, M>(sig, PrivateKey<P>::seed(xi), Input::pure(msg, ctx), rnd) != Status::ok) return false;
  // Sanity: the output verifies once declassified (verification is public).
  ct::declassify(sig.data(), sig.size(), "test: the signature is the public output");
  return verify<P, M>(pk, Input::pure(msg, ctx), sig) == Status::ok;
}

}  // namespace

int main() {
  const bool ok = run<MlDsa44, Memory::fast>() && run<MlDsa65, Memory::fast>() && run<MlDsa87, Memory::fast>() &&
                  run<MlDsa44, Memory::low>() && run<MlDsa65, Memory::low>() && run<MlDsa87, Memory::low>();
  std::puts(ok ? "ct_mldsa done" : "ct_mldsa: operation failed");
  return ok ? 0 : 1;
}
