// On-target ML-KEM test, all three parameter sets: round trip, implicit rejection, malformed-key
// rejection, a known answer shared with the host test (tests/mlkem/test_mlkem.cpp,
// MlKemTarget.KnownAnswersForTheBoard), and the figures: instructions and peak stack of keygen,
// encaps and decaps (expanded dk), plus decaps from the 64-byte seed.
//
// Keys and ciphertexts live in static storage, so the measured stack is the operation's own.
#include <cstdint>
#include <cstring>

#include "board.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/mlkem.hpp"
#include "testing.hpp"

namespace {

using namespace pqcea;
using namespace pqcea::mlkem;
using pqcea::target::Checks;

// Stack budget per operation (bytes), published by the API and asserted here for every set.
constexpr std::size_t kStackBudget = max_stack_bytes;
static_assert(kStackBudget <= 4096, "issue 3: ML-KEM-1024 operations under 4 KB of stack");

// SHA3-256(ek || dk || c || K || K_reject) for d = 00..1f, z = 20..3f, m = 40..5f (host test
// MlKemTarget.KnownAnswersForTheBoard computes and asserts the same values).
constexpr const char* kDigest512 = "27caaf1b606507374803b4f5fd404a17babb9b945bee802c8f5b4a038f8e010c";
constexpr const char* kDigest768 = "b75c029b4ffb9dc38129e38fbdc4f893c581769c174e1a11b3f444da8ee23d01";
constexpr const char* kDigest1024 = "3c2d524af3c8c8ea7af7b421b7ae6e4404e602474b3d7b0140691af249434ec8";

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

template <Params P>
void run(Checks& checks, Buffers<P>& b, const char* name, const char* digest_hex) {
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

  // Known answer: the digest of everything produced, as the host computes it.
  hash::Sha3_256 h;
  h.update(b.ek);
  h.update(b.dk);
  h.update(b.c);
  h.update(b.k);
  h.update(b.k_reject);
  std::uint8_t md[32];
  h.final(md);
  board::snprintf(label, sizeof label, "%s: known answer SHA3-256(ek||dk||c||K||K_reject)", name);
  checks.equal_hex(label, md, 32, digest_hex);

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
  run<ml_kem_512>(checks, g512, "mlkem512", kDigest512);
  run<ml_kem_768>(checks, g768, "mlkem768", kDigest768);
  run<ml_kem_1024>(checks, g1024, "mlkem1024", kDigest1024);
  return checks.finish();
}
