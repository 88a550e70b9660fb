// On-target ML-KEM test, all three parameter sets: official NIST ACVP known answers (keyGen,
// encapsulation, a valid and a modified-ciphertext decapsulation, from ../shared/vectors/acvp
// through the build-time mlkem_acvp_vectors.inc), round trip, implicit rejection, malformed-key
// rejection, and the figures: instructions and peak stack of keygen, encaps and decaps (expanded
// dk), plus decaps from the 64-byte seed.
//
// Keys and ciphertexts live in static storage, so the measured stack is the operation's own.
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "board.hpp"
#include "pqcea/mlkem.hpp"
#include "testing.hpp"

namespace {

#include "mlkem_acvp_vectors.inc"

using namespace pqcea;
using namespace pqcea::mlkem;
using pqcea::target::Checks;

// Stack budget per operation (bytes), published by the API and asserted here for every set.
constexpr std::size_t kStackBudget = max_stack_bytes;
static_assert(kStackBudget <= 4096, "issue 3: ML-KEM-1024 operations under 4 KB of stack");

template <Params P>
struct Buffers {
  std::array<std::uint8_t, 32> d, z, m;
  std::array<std::uint8_t, 64> seed;
  EncapsKey<P> ek;
  std::array<std::uint8_t, P.dk_bytes()> dk;
  Ciphertext<P> c;
  std::array<std::uint8_t, 32> k, k2, k_reject, k_seed;
};
Buffers<ml_kem_512> g512;
Buffers<ml_kem_768> g768;
Buffers<ml_kem_1024> g1024;

// The official answers: each output compared in full with NIST's expected field (the inputs are
// fixed-extent spans over the generated arrays, so a field of the wrong size does not compile).
template <Params P, class KeyGen, class Encap, class Decap, class Reject>
void official(Checks& checks, Buffers<P>& b, const char* name) {
  char label[96];
  static_assert(KeyGen::ek.size() == P.ek_bytes() && KeyGen::dk.size() == P.dk_bytes());
  Status s = keygen_internal<P>(b.ek, b.dk, KeyGen::d, KeyGen::z);
  board::snprintf(label, sizeof label, "%s ACVP keyGen tcId %d: ek and dk", name, KeyGen::tc_id);
  checks.that(label, s == Status::ok && std::memcmp(b.ek.data(), KeyGen::ek.data(), P.ek_bytes()) == 0 &&
                         std::memcmp(b.dk.data(), KeyGen::dk.data(), P.dk_bytes()) == 0);

  s = encaps_internal<P>(b.k, b.c, Encap::ek, Encap::m);
  board::snprintf(label, sizeof label, "%s ACVP encapsulation tcId %d: c and K", name, Encap::tc_id);
  checks.that(label, s == Status::ok && std::memcmp(b.c.data(), Encap::c.data(), P.ct_bytes()) == 0 &&
                         std::memcmp(b.k.data(), Encap::k.data(), 32) == 0);

  const auto decap = [&](const auto& v, const char* what) {
    using V = std::remove_cvref_t<decltype(v)>;
    const Status st = decaps<P>(b.k2, V::c, V::dk);
    board::snprintf(label, sizeof label, "%s ACVP decapsulation tcId %d (%s): K", name, V::tc_id, what);
    checks.that(label, st == Status::ok && std::memcmp(b.k2.data(), V::k.data(), 32) == 0);
  };
  decap(Decap{}, "valid");
  decap(Reject{}, "modified ciphertext, implicit rejection");
}

template <Params P>
void run(Checks& checks, Buffers<P>& b, const char* name) {
  char label[96];
  for (int i = 0; i < 32; ++i) {
    b.d[i] = static_cast<std::uint8_t>(i);
    b.z[i] = static_cast<std::uint8_t>(32 + i);
    b.m[i] = static_cast<std::uint8_t>(64 + i);
  }
  std::memcpy(b.seed.data(), b.d.data(), 32);
  std::memcpy(b.seed.data() + 32, b.z.data(), 32);

  Status s1 = Status::invalid_argument, s2 = s1, s3 = s1, s4 = s1, s5 = s1;
  const auto keygen_m = board::measure([&] { s1 = keygen_internal<P>(b.ek, b.dk, b.d, b.z); });
  const auto encaps_m = board::measure([&] { s2 = encaps_internal<P>(b.k, b.c, b.ek, b.m); });
  const auto decaps_m = board::measure([&] { s3 = decaps<P>(b.k2, b.c, b.dk); });
  const auto seed_m = board::measure([&] { s4 = decaps_seed<P>(b.k_seed, b.c, b.seed); });
  b.c[0] ^= 1;
  const auto reject_m = board::measure([&] { s5 = decaps<P>(b.k_reject, b.c, b.dk); });
  b.c[0] ^= 1;

  board::snprintf(label, sizeof label, "%s: all operations return ok", name);
  checks.that(label, s1 == Status::ok && s2 == Status::ok && s3 == Status::ok && s4 == Status::ok && s5 == Status::ok);
  board::snprintf(label, sizeof label, "%s: round trip (expanded dk)", name);
  checks.equal_bytes(label, b.k.data(), b.k2.data(), 32);
  board::snprintf(label, sizeof label, "%s: round trip (seed d||z)", name);
  checks.equal_bytes(label, b.k.data(), b.k_seed.data(), 32);
  board::snprintf(label, sizeof label, "%s: modified ciphertext gives another key", name);
  checks.that(label, std::memcmp(b.k.data(), b.k_reject.data(), 32) != 0);

  // Malformed keys are rejected (FIPS 203 §7.2 / §7.3).
  b.ek[1] |= 0x0F;
  b.ek[0] = 0xFF;  // first coefficient 4095 >= q
  board::snprintf(label, sizeof label, "%s: ek with a coefficient >= q rejected", name);
  checks.that(label, encaps_internal<P>(b.k, b.c, b.ek, b.m) == Status::invalid_key);
  b.dk[P.dk_bytes() - 40] ^= 1;  // inside H(ek)
  board::snprintf(label, sizeof label, "%s: dk with a corrupted H(ek) rejected", name);
  checks.that(label, decaps<P>(b.k2, b.c, b.dk) == Status::invalid_key);

  char fig[64];
  const struct {
    const char* op;
    const board::Measurement& m;
  } figs[] = {{"keygen", keygen_m}, {"encaps", encaps_m}, {"decaps", decaps_m}, {"decaps_seed", seed_m},
              {"decaps_reject", reject_m}};
  for (const auto& f : figs) {
    board::snprintf(fig, sizeof fig, "%s_%s", name, f.op);
    pqcea::target::report(fig, f.m);
  }
  for (const auto& f : figs) {
    if (std::strcmp(f.op, "decaps_seed") == 0) continue;  // expands dk on its stack: documented extra
    board::snprintf(label, sizeof label, "%s %s: stack %zu <= %zu", name, f.op, f.m.stack_bytes, kStackBudget);
    checks.that(label, f.m.stack_bytes > 0 && f.m.stack_bytes <= kStackBudget);
  }
  board::snprintf(label, sizeof label, "%s decaps_seed: stack <= budget + dk", name);
  checks.that(label, seed_m.stack_bytes <= kStackBudget + decaps_seed_extra_stack<P>);
}

}  // namespace

int target_main() {
  Checks checks;
  official<ml_kem_512, MlKem512KeyGen, MlKem512Encap, MlKem512Decap, MlKem512DecapReject>(checks, g512, "mlkem512");
  official<ml_kem_768, MlKem768KeyGen, MlKem768Encap, MlKem768Decap, MlKem768DecapReject>(checks, g768, "mlkem768");
  official<ml_kem_1024, MlKem1024KeyGen, MlKem1024Encap, MlKem1024Decap, MlKem1024DecapReject>(checks, g1024,
                                                                                             "mlkem1024");
  run<ml_kem_512>(checks, g512, "mlkem512");
  run<ml_kem_768>(checks, g768, "mlkem768");
  run<ml_kem_1024>(checks, g1024, "mlkem1024");
  return checks.finish();
}
