// Falcon key generation on the target (freestanding, integer-emulated binary64, the caller's
// static workspace of exactly Budget<P>::keygen_workspace_bytes): the key pairs of NIST round-3
// KAT record 0 (keygen seed = the first 48-byte request of that record's DRBG), checked through
// SHA-256(pk || sk) against the host (test_falcon_keygen: kNoble512[0] / kNoble1024[0], which the
// host also cross-checks with an independent implementation and the KAT digests). Figures:
// instructions and peak stack of one key generation.
#include <cstdint>

#include "pqcea/falcon.hpp"
#include "board.hpp"
#include "pqcea/falcon.hpp"
#include "pqcea/hash/sha2.hpp"
#include "testing.hpp"

namespace {

using namespace pqcea;
using namespace pqcea::falcon;

constexpr const char* kSeedHex =
    "7c9935a0b07694aa0c6d10e4db6b1add2fd81a25ccb148032dcd739936737f2db505d7cfad1b497499323c8686325e47";
constexpr const char* kDigest512 = "15e22f5a8071353be3e31fa19b9d45d59dadcd1a442fbebf913e9cbc0d621cd1";
constexpr const char* kDigest1024 = "8738a7cb53108c59e6390b12a11d76dd45494ac7c44e3cae621cc52afe21fe2a";

alignas(8) std::uint8_t g_ws[Budget<Falcon1024>::keygen_workspace_bytes];
std::uint8_t g_pk[Falcon1024::pk_bytes];
std::uint8_t g_sk[Falcon1024::sk_bytes];

template <class P>
void run(target::Checks& checks, const char* tag, const char* want_hex) {
  std::uint8_t seed[48];
  checks.that("seed decodes", target::from_hex(kSeedHex, seed, sizeof seed) == sizeof seed);
  const std::span<std::uint8_t, P::pk_bytes> pk(g_pk, P::pk_bytes);
  const std::span<std::uint8_t, P::sk_bytes> sk(g_sk, P::sk_bytes);
  Status st = Status::invalid_argument;
  const auto m = board::measure([&] {
    st = keygen_internal<P>(pk, sk, std::span<const std::uint8_t>(seed, sizeof seed),
                            std::span<std::uint8_t>(g_ws, Budget<P>::keygen_workspace_bytes));
  });
  char name[64];
  board::snprintf(name, sizeof name, "%s keygen ok", tag);
  checks.that(name, st == Status::ok);
  board::snprintf(name, sizeof name, "falcon_keygen_%s", tag);
  target::report(name, m);
  hash::Sha256Family<32> h;
  h.update(g_pk, P::pk_bytes);
  h.update(g_sk, P::sk_bytes);
  std::uint8_t got[32], want[32];
  h.final(got);
  checks.that("digest decodes", target::from_hex(want_hex, want, sizeof want) == sizeof want);
  bool same = true;
  for (std::size_t i = 0; i < 32; ++i) same = same && got[i] == want[i];
  board::snprintf(name, sizeof name, "%s SHA-256(pk || sk) as on the host", tag);
  if (!checks.that(name, same)) {
    target::print_hex(got, 32);
    board::printf("\n");
  }
  // The workspace is wiped on return.
  std::uint8_t any = 0;
  for (std::size_t i = 0; i < Budget<P>::keygen_workspace_bytes; ++i) any |= g_ws[i];
  board::snprintf(name, sizeof name, "%s workspace wiped", tag);
  checks.that(name, any == 0);
}

}  // namespace

int target_main() {
  target::Checks checks;
  run<Falcon512>(checks, "512", kDigest512);
  run<Falcon1024>(checks, "1024", kDigest1024);
  return checks.finish();
}
