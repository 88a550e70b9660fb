// Constant-time check of ML-KEM-512/768/1024 under valgrind: the seeds d, z, the message m, the
// decapsulation key (expanded and seed form) and the RNG entropy are poisoned; keygen, encaps and
// decaps (valid and modified ciphertexts) must not branch or index on them. The only
// declassifications are the public outputs handed back to this program (ek, c) and the final
// test verdicts; inside the library, rho and the ek/H(ek) part of dk are declassified with
// their reasons (FIPS 203 Alg. 13 step 19; Alg. 16).
#include <cstdio>
#include <cstring>

#include "pqcea/core/ct.hpp"
#include "pqcea/mlkem.hpp"
#include "pqcea/rng/drbg.hpp"

using namespace pqcea;
using namespace pqcea::mlkem;

namespace {

bool same_key(const SharedKey& a, const SharedKey& b) {
  std::uint8_t x[32], y[32];
  std::memcpy(x, a.data(), 32);
  std::memcpy(y, b.data(), 32);
  ct::declassify(x, 32, "test verdict only");
  ct::declassify(y, 32, "test verdict only");
  return std::memcmp(x, y, 32) == 0;
}

template <Params P>
bool run(std::uint8_t tag) {
  std::uint8_t d[32], z[32], m[32];
  for (int i = 0; i < 32; ++i) {
    d[i] = static_cast<std::uint8_t>(tag + i);
    z[i] = static_cast<std::uint8_t>(tag * 3 + i);
    m[i] = static_cast<std::uint8_t>(tag * 7 + i);
  }
  ct::poison(d, 32);
  ct::poison(z, 32);
  ct::poison(m, 32);

  EncapsKey<P> ek{};
  DecapsKey<P> dk;
  if (keygen_internal<P>(ek, dk.span(), d, z) != Status::ok) return false;
  ct::declassify(ek.data(), ek.size(), "ek is the public key");
  ct::poison(dk.data(), P.dk_bytes());  // the whole dk, public parts included

  Ciphertext<P> c{};
  SharedKey k1, k2, k3;
  if (encaps_internal<P>(k1.span(), c, ek, m) != Status::ok) return false;
  ct::declassify(c.data(), c.size(), "the ciphertext is public");
  if (decaps<P>(k2.span(), c, dk.span()) != Status::ok) return false;
  if (!same_key(k1, k2)) return false;

  // Implicit rejection path: a modified ciphertext must take exactly the same code path.
  Ciphertext<P> bad = c;
  bad[P.ct_bytes() / 2] ^= 0x04;
  if (decaps<P>(k3.span(), bad, dk.span()) != Status::ok) return false;
  if (same_key(k1, k3)) return false;

  // Seed form: d || z poisoned, expanded inside decaps_seed.
  KeySeed seed;
  std::memcpy(seed.data(), d, 32);
  std::memcpy(seed.data() + 32, z, 32);
  ct::poison(seed.data(), 64);
  SharedKey k4, k5;
  if (decaps_seed<P>(k4.span(), c, seed.span()) != Status::ok) return false;
  if (decaps_seed<P>(k5.span(), bad, seed.span()) != Status::ok) return false;
  if (!same_key(k1, k4) || !same_key(k3, k5)) return false;

  // Randomized forms through a DRBG whose entropy is poisoned.
  std::uint8_t entropy[48];
  for (int i = 0; i < 48; ++i) entropy[i] = static_cast<std::uint8_t>(tag ^ (i * 5));
  ct::poison(entropy, sizeof entropy);
  rng::ShakeDrbg drbg;
  if (drbg.instantiate(std::span<const std::uint8_t>(entropy, 32), std::span<const std::uint8_t>(entropy + 32, 16), {}) !=
      Status::ok)
    return false;
  EncapsKey<P> ek2{};
  DecapsKey<P> dk2;
  if (keygen<P>(ek2, dk2.span(), drbg) != Status::ok) return false;
  ct::declassify(ek2.data(), ek2.size(), "ek is the public key");
  Ciphertext<P> c2{};
  SharedKey k6, k7;
  if (encaps<P>(k6.span(), c2, ek2, drbg) != Status::ok) return false;
  ct::declassify(c2.data(), c2.size(), "the ciphertext is public");
  if (decaps<P>(k7.span(), c2, dk2.span()) != Status::ok) return false;
  return same_key(k6, k7);
}

}  // namespace

int main() {
  // Both arithmetic backends: the native one (AVX2 on x86-64, when present) and the portable one.
  bool ok = true;
  for (bool native : {true, false}) {
    use_native_backend(native);
    std::printf("ct_mlkem: %s arithmetic\n", backend_name());
    ok = ok && run<ml_kem_512>(1) && run<ml_kem_768>(2) && run<ml_kem_1024>(3);
  }
  std::puts(ok ? "ct_mlkem done" : "ct_mlkem: functional check FAILED");
  return ok ? 0 : 1;
}
