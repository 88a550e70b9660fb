// Constant-time check of SLH-DSA key generation and signing under valgrind memcheck, for one
// fast parameter set of each hash family (SLH-DSA-SHA2-128f, SLH-DSA-SHAKE-128f): SK.seed and
// SK.prf are poisoned (and opt_rand for hedged signing), so any branch or memory index that
// depends on them is reported. PK.seed and PK.root are public. The library declassifies only
// values every verifier recomputes from the public signature, each with its reason at the call:
// R (the first part of the signature; the digest, and with it idx_tree, idx_leaf and the FORS
// indices, is derived from it), PK_FORS and each XMSS root (the messages the next hypertree
// layer signs, whose base-16 digits set the public WOTS+ chain lengths), and PK.root in key
// generation (the public key).
#include <array>
#include <cstdio>
#include <cstring>
#include <vector>

#include "pqcea/core/ct.hpp"
#include "pqcea/slhdsa.hpp"

using namespace pqcea;
using namespace pqcea::slhdsa;

namespace {

template <class P>
bool run() {
  std::array<std::uint8_t, 3 * P::n> seeds{};
  for (std::size_t i = 0; i < seeds.size(); ++i) seeds[i] = static_cast<std::uint8_t>(i * 37 + 11);
  const std::span<const std::uint8_t, P::n> sk_seed(seeds.data(), P::n), sk_prf(seeds.data() + P::n, P::n),
      pk_seed(seeds.data() + 2 * P::n, P::n);
  std::array<std::uint8_t, P::pk_bytes> pk{};
  std::array<std::uint8_t, P::sk_bytes> sk{};
  ct::poison(seeds.data(), 2 * P::n);  // SK.seed, SK.prf
  if (keygen_internal<P>(pk, sk, sk_seed, sk_prf, pk_seed) != Status::ok) return false;
  ct::declassify(pk.data(), pk.size(), "test: the public key is public");
  // The private key: SK.seed || SK.prf secret, PK.seed || PK.root public.
  ct::declassify(sk.data(), sk.size(), "test: re-poisoned below, field by field");
  ct::poison(sk.data(), 2 * P::n);

  std::array<std::uint8_t, 100> msg{};
  const std::array<std::uint8_t, 3> ctx{{1, 2, 3}};
  std::vector<std::uint8_t> sig(P::sig_bytes);
  const std::span<std::uint8_t, P::sig_bytes> s(sig.data(), P::sig_bytes);
  std::array<std::uint8_t, P::n> opt_rand{};
  opt_rand.fill(0x5C);
  ct::poison(opt_rand.data(), opt_rand.size());
  for (int m = 0; m < 2; ++m) {
    msg[0] = static_cast<std::uint8_t>(m);
    if (sign_deterministic<P>(s, sk, Input::pure(msg, ctx)) != Status::ok) return false;
    if (sign_internal<P>(s, sk, Input::prehash(PreHash::sha2_256, msg, ctx), opt_rand) != Status::ok) return false;
  }
  if (sign_internal<P>(s, sk, Input::internal(msg), opt_rand) != Status::ok) return false;
  // Sanity: the output verifies once declassified (verification is public).
  ct::declassify(sig.data(), sig.size(), "test: the signature is the public output");
  return verify<P>(pk, Input::internal(msg), sig) == Status::ok;
}

}  // namespace

int main() {
  const bool ok = run<Sha2_128f>() && run<Shake_128f>();
  std::puts(ok ? "ct_slhdsa done" : "ct_slhdsa: operation failed");
  return ok ? 0 : 1;
}
