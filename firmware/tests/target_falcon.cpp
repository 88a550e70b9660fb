// Falcon verification on the target (issue 10: the bootloader and devices checking a server's
// signature): an outside Falcon-512 KAT record and a PQClean Falcon-1024 signature
// (tests/falcon/falcon_vectors.hpp, the same bytes the host tests use) verified from flash, in the
// compressed and the padded format; a changed message, nonce, s2 byte and padding byte rejected.
// Figures: instructions and peak stack of one verification, asserted against the budget
// for Falcon-1024 (under 5 KB of stack, under 700k instructions).
#include <cstdint>

#include "../../tests/falcon/falcon_vectors.hpp"
#include "board.hpp"
#include "pqcea/falcon.hpp"
#include "testing.hpp"

namespace {

using namespace pqcea;
using namespace pqcea::falcon;
using namespace falcon_vectors;

constexpr std::size_t kStackBudget1024 = 5 * 1024;
constexpr std::uint64_t kInstructionBudget1024 = 700000;

// Signatures rebuilt in RAM (the 512 one from the KAT's sm layout; padded copies), and a message
// buffer for the changed-message checks.
std::uint8_t g_sig[Falcon1024::sig_padded_bytes];
std::uint8_t g_msg[64];
std::uint8_t g_sig512[Falcon512::sig_max_bytes];

template <class P>
void check(target::Checks& checks, const char* tag, const std::uint8_t* pk_bytes, std::span<const std::uint8_t> msg,
           std::span<const std::uint8_t> sig, bool budget) {
  char name[96];
  const std::span<const std::uint8_t, P::pk_bytes> pk(pk_bytes, P::pk_bytes);
  Status st = Status::invalid_argument;
  auto m = board::measure([&] { st = verify<P>(pk, msg, sig, Format::compressed); });
  board::snprintf(name, sizeof name, "%s valid", tag);
  checks.that(name, st == Status::ok);
  board::snprintf(name, sizeof name, "falcon_verify_%s", tag);
  target::report(name, m);
  if (budget) {
    board::snprintf(name, sizeof name, "%s verify stack %u <= %u", tag, static_cast<unsigned>(m.stack_bytes),
                    static_cast<unsigned>(kStackBudget1024));
    checks.that(name, m.stack_bytes <= kStackBudget1024);
    board::snprintf(name, sizeof name, "%s verify instructions %lu < %lu", tag, static_cast<unsigned long>(m.instructions),
                    static_cast<unsigned long>(kInstructionBudget1024));
    checks.that(name, m.instructions < kInstructionBudget1024);
  }

  // Padded: the same (r, s2) zero-filled to sig_padded_bytes.
  for (std::size_t i = 0; i < P::sig_padded_bytes; ++i) g_sig[i] = i < sig.size() ? sig[i] : 0;
  const std::span<const std::uint8_t> padded(g_sig, P::sig_padded_bytes);
  m = board::measure([&] { st = verify<P>(pk, msg, padded, Format::padded); });
  board::snprintf(name, sizeof name, "%s padded valid", tag);
  checks.that(name, st == Status::ok);
  board::snprintf(name, sizeof name, "falcon_verify_%s_padded", tag);
  target::report(name, m);
  g_sig[P::sig_padded_bytes - 1] = 1;
  board::snprintf(name, sizeof name, "%s non-zero padding rejected", tag);
  checks.that(name, verify<P>(pk, msg, padded, Format::padded) == Status::invalid_signature);

  // Changed nonce, changed s2, changed message.
  for (std::size_t i = 0; i < sig.size(); ++i) g_sig[i] = sig[i];
  const std::span<const std::uint8_t> copy(g_sig, sig.size());
  g_sig[3] ^= 0x01;
  board::snprintf(name, sizeof name, "%s changed nonce rejected", tag);
  checks.that(name, verify<P>(pk, msg, copy, Format::compressed) == Status::invalid_signature);
  g_sig[3] ^= 0x01;
  g_sig[sig.size() / 2] ^= 0x08;
  board::snprintf(name, sizeof name, "%s changed s2 rejected", tag);
  checks.that(name, verify<P>(pk, msg, copy, Format::compressed) == Status::invalid_signature);
  for (std::size_t i = 0; i < msg.size(); ++i) g_msg[i] = msg[i];
  g_msg[0] ^= 0x80;
  board::snprintf(name, sizeof name, "%s changed message rejected", tag);
  checks.that(name, verify<P>(pk, std::span<const std::uint8_t>(g_msg, msg.size()), sig, Format::compressed) ==
                        Status::invalid_signature);
}

}  // namespace

int target_main() {
  target::Checks checks;

  // Falcon-512, NIST KAT count 0: sm = L (2 bytes) || nonce || msg || 0x29 || s2 (L - 1 bytes).
  static_assert(sizeof kKat512Msg <= sizeof g_msg);
  const std::size_t L = (std::size_t{kKat512Sm[0]} << 8) | kKat512Sm[1];
  const std::size_t mlen = sizeof kKat512Msg;
  std::uint8_t* const sig512 = g_sig512;
  std::size_t k = 0;
  sig512[k++] = 0x39;
  for (std::size_t i = 0; i < kNonceBytes; ++i) sig512[k++] = kKat512Sm[2 + i];
  for (std::size_t i = 42 + mlen + 1; i < sizeof kKat512Sm; ++i) sig512[k++] = kKat512Sm[i];
  checks.that("KAT sm layout", L + 42 + mlen == sizeof kKat512Sm && kKat512Sm[42 + mlen] == 0x29);
  check<Falcon512>(checks, "512_kat0", kKat512Pk, kKat512Msg, std::span<const std::uint8_t>(sig512, k), false);

  check<Falcon1024>(checks, "1024_pqclean", kCrypto1024Pk, kCrypto1024Msg, kCrypto1024Sig, true);
  return checks.finish();
}
