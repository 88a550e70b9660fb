// On-target hash tests: the known answers that fit on the board (ACVP AFT cases, FIPS 202 / 180-4
// examples, RFC 4231 HMAC, incremental SHAKE squeezes), then the figures of issue 2: instruction
// count and peak stack of SHA3-256 over 1 KiB and of SHAKE-256 squeezing 1 KiB.
#include <cstdint>
#include <cstring>

#include "board.hpp"
#include "pqcea/hash/hmac.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"
#include "testing.hpp"

namespace {

#include "data/hash_vectors.inc"

using namespace pqcea::hash;
using pqcea::target::Checks;
using pqcea::target::from_hex;

std::uint8_t g_msg[256];
std::uint8_t g_out[256];

const std::uint8_t* text(const char* s) { return reinterpret_cast<const std::uint8_t*>(s); }

// ACVP bit strings: a partial last byte holds its bits in the high-order positions (see
// shared/vectors/acvp/README.md); the sponge API takes them in the low-order positions.
template <typename Absorb, typename Finish>
void absorb_acvp_message(const AcvpCase& c, std::size_t nbytes, Absorb&& absorb, Finish&& finish) {
  const std::size_t whole = c.len_bits / 8;
  const unsigned nbits = c.len_bits % 8;
  absorb(g_msg, whole);
  finish(nbits != 0 ? static_cast<std::uint8_t>(g_msg[nbytes - 1] >> (8 - nbits)) : std::uint8_t{0}, nbits);
}

void acvp_cases(Checks& checks) {
  char label[64];
  for (const AcvpCase& c : kAcvpCases) {
    const std::size_t n = from_hex(c.msg, g_msg, sizeof g_msg);
    pqcea::board::snprintf(label, sizeof label, "ACVP %s AFT tc %u", c.name, c.tc);
    if (!checks.that(label, n != SIZE_MAX && n * 8 >= c.len_bits)) continue;
    const std::size_t out_len = c.out_bits / 8;
    if (std::strcmp(c.name, "SHA3-256") == 0) {
      Sha3_256 h;
      absorb_acvp_message(c, n, [&](const std::uint8_t* p, std::size_t k) { h.update(p, k); },
                          [&](std::uint8_t last, unsigned nbits) { h.final_bits(last, nbits, g_out); });
    } else if (std::strcmp(c.name, "SHA3-512") == 0) {
      Sha3_512 h;
      absorb_acvp_message(c, n, [&](const std::uint8_t* p, std::size_t k) { h.update(p, k); },
                          [&](std::uint8_t last, unsigned nbits) { h.final_bits(last, nbits, g_out); });
    } else if (std::strcmp(c.name, "SHAKE-128") == 0) {
      Shake128 x;
      absorb_acvp_message(c, n, [&](const std::uint8_t* p, std::size_t k) { x.absorb(p, k); },
                          [&](std::uint8_t last, unsigned nbits) { x.finalize_bits(last, nbits); });
      x.squeeze(g_out, out_len);
    } else {
      Shake256 x;
      absorb_acvp_message(c, n, [&](const std::uint8_t* p, std::size_t k) { x.absorb(p, k); },
                          [&](std::uint8_t last, unsigned nbits) { x.finalize_bits(last, nbits); });
      x.squeeze(g_out, out_len);
    }
    checks.equal_hex(label, g_out, out_len, c.md);
  }
}

template <typename H>
void digest_of(const char* msg, std::uint8_t* out) {
  H::hash(out, text(msg), std::strlen(msg));
}

void digest_cases(Checks& checks) {
  char label[64];
  for (const DigestCase& c : kDigestCases) {
    std::size_t len = 0;
    if (std::strcmp(c.alg, "sha3_224") == 0) {
      digest_of<Sha3_224>(c.msg, g_out);
      len = 28;
    } else if (std::strcmp(c.alg, "sha3_256") == 0) {
      digest_of<Sha3_256>(c.msg, g_out);
      len = 32;
    } else if (std::strcmp(c.alg, "sha3_384") == 0) {
      digest_of<Sha3_384>(c.msg, g_out);
      len = 48;
    } else if (std::strcmp(c.alg, "sha3_512") == 0) {
      digest_of<Sha3_512>(c.msg, g_out);
      len = 64;
    } else if (std::strcmp(c.alg, "sha224") == 0) {
      digest_of<Sha224>(c.msg, g_out);
      len = 28;
    } else if (std::strcmp(c.alg, "sha256") == 0) {
      digest_of<Sha256>(c.msg, g_out);
      len = 32;
    } else if (std::strcmp(c.alg, "sha384") == 0) {
      digest_of<Sha384>(c.msg, g_out);
      len = 48;
    } else if (std::strcmp(c.alg, "sha512") == 0) {
      digest_of<Sha512>(c.msg, g_out);
      len = 64;
    }
    pqcea::board::snprintf(label, sizeof label, "%s(%s)", c.alg, c.msg_name);
    checks.equal_hex(label, g_out, len, c.md);
  }
}

// One million 'a', fed in uneven pieces so every buffering path of update() is used.
template <typename H>
void million_a(Checks& checks, const char* label, const char* expected) {
  std::uint8_t chunk[211];
  std::memset(chunk, 'a', sizeof chunk);
  H h;
  std::size_t left = 1000000;
  for (std::size_t step = 1; left > 0; step = (step * 5 + 3) % sizeof chunk + 1) {  // 1..211
    const std::size_t k = step < left ? step : left;
    h.update(chunk, k);
    left -= k;
  }
  std::uint8_t md[H::digest_size];
  h.final(md);
  checks.equal_hex(label, md, sizeof md, expected);
}

// Squeezing SHAKE output in pieces of any size gives the same stream as one squeeze.
template <typename X>
void shake_incremental(Checks& checks, const char* name, const char* abc32, const char* abc1000_sha3) {
  char label[64];
  static std::uint8_t whole[1000];
  static std::uint8_t pieces[1000];
  X::hash(whole, sizeof whole, text("abc"), 3);
  pqcea::board::snprintf(label, sizeof label, "%s(abc) first 32 bytes", name);
  checks.equal_hex(label, whole, 32, abc32);
  std::uint8_t md[32];
  Sha3_256::hash(md, whole, sizeof whole);
  pqcea::board::snprintf(label, sizeof label, "%s(abc) 1000 bytes (through SHA3-256)", name);
  checks.equal_hex(label, md, sizeof md, abc1000_sha3);

  // Absorb in pieces too, then squeeze 0, 1, 7, 8, 9, rate-1, rate, rate+1, ... bytes.
  X x;
  x.absorb(text("a"), 1);
  x.absorb(text(""), 0);
  x.absorb(text("bc"), 2);
  const std::size_t rate = X::block_size;
  const std::size_t steps[] = {0, 1, 7, 8, 9, rate - 1, rate, rate + 1, 3, 2 * rate};
  std::size_t pos = 0;
  for (std::size_t i = 0; pos < sizeof pieces; ++i) {
    std::size_t k = steps[i % (sizeof steps / sizeof steps[0])];
    if (k > sizeof pieces - pos) k = sizeof pieces - pos;
    x.squeeze(pieces + pos, k);
    pos += k;
  }
  pqcea::board::snprintf(label, sizeof label, "%s incremental squeeze = one squeeze", name);
  checks.equal_bytes(label, pieces, whole, sizeof whole);
}

template <typename H>
void hmac_case(const HmacCase& c, std::uint8_t* out, std::size_t& out_len) {
  static std::uint8_t key[160];
  const std::size_t kn = from_hex(c.key, key, sizeof key);
  const std::size_t mn = from_hex(c.msg, g_msg, sizeof g_msg);
  Hmac<H>::mac(out, key, kn, g_msg, mn);
  out_len = H::digest_size;
}

void hmac_cases(Checks& checks) {
  char label[64];
  for (const HmacCase& c : kHmacCases) {
    std::size_t len = 0;
    if (std::strcmp(c.alg, "sha256") == 0) {
      hmac_case<Sha256>(c, g_out, len);
    } else if (std::strcmp(c.alg, "sha512") == 0) {
      hmac_case<Sha512>(c, g_out, len);
    } else {
      hmac_case<Sha3_256>(c, g_out, len);
    }
    pqcea::board::snprintf(label, sizeof label, "HMAC-%s %s", c.alg, c.name);
    checks.equal_hex(label, g_out, len, c.mac);
  }
}

// ---- figures ----------------------------------------------------------------------------------
std::uint8_t g_kib[1024];
std::uint8_t g_kib_out[1024];

// Stack budgets that fail the test on a regression (the portable code measures below them).
constexpr std::size_t kHashStackBudget = 1024;  // SHA-3 / SHAKE
constexpr std::size_t kSha2StackBudget = 1536;  // SHA-512 keeps an 80-word schedule

void figures(Checks& checks) {
  for (std::size_t i = 0; i < sizeof g_kib; ++i) g_kib[i] = static_cast<std::uint8_t>(i * 7 + 1);
  std::uint8_t md[64];

  const auto sha3 = pqcea::board::measure([&] { Sha3_256::hash(md, g_kib, sizeof g_kib); });
  pqcea::target::report("sha3_256_1KiB", sha3);
  const auto shake = pqcea::board::measure([&] { Shake256::hash(g_kib_out, sizeof g_kib_out, g_kib, 32); });
  pqcea::target::report("shake256_squeeze_1KiB", shake);

  // The measured runs computed the right values (checked against a second, unmeasured run).
  std::uint8_t again[32];
  Sha3_256::hash(again, g_kib, sizeof g_kib);
  checks.equal_bytes("measured SHA3-256 result", md, again, 32);
  static std::uint8_t shake_again[1024];
  Shake256::hash(shake_again, sizeof shake_again, g_kib, 32);
  checks.equal_bytes("measured SHAKE-256 result", g_kib_out, shake_again, sizeof shake_again);

  checks.that("SHA3-256 1 KiB: instructions counted", sha3.instructions > 10000);
  checks.that("SHAKE-256 1 KiB: instructions counted", shake.instructions > 10000);
  checks.that("SHA3-256 1 KiB: stack within budget", sha3.stack_bytes > 0 && sha3.stack_bytes <= kHashStackBudget);
  checks.that("SHAKE-256 1 KiB: stack within budget", shake.stack_bytes > 0 && shake.stack_bytes <= kHashStackBudget);

  // Context figures (not asserted beyond the stack budget).
  std::uint64_t state[25] = {};
  pqcea::target::report("keccak_f1600", pqcea::board::measure([&] { keccak_f1600(state); }));
  pqcea::target::report("shake128_squeeze_1KiB",
                        pqcea::board::measure([&] { Shake128::hash(g_kib_out, sizeof g_kib_out, g_kib, 32); }));
  const auto sha256 = pqcea::board::measure([&] { Sha256::hash(md, g_kib, sizeof g_kib); });
  pqcea::target::report("sha256_1KiB", sha256);
  const auto sha512 = pqcea::board::measure([&] { Sha512::hash(md, g_kib, sizeof g_kib); });
  pqcea::target::report("sha512_1KiB", sha512);
  checks.that("SHA-256/512 1 KiB: stack within budget",
              sha256.stack_bytes <= kSha2StackBudget && sha512.stack_bytes <= kSha2StackBudget);
}

}  // namespace

int target_main() {
  Checks checks;
  acvp_cases(checks);
  digest_cases(checks);
  million_a<Sha3_256>(checks, "SHA3-256(10^6 x 'a')", kSha3_256MillionA);
  million_a<Sha256>(checks, "SHA-256(10^6 x 'a')", kSha256MillionA);
  shake_incremental<Shake128>(checks, "SHAKE128", kShake128Abc32, kShake128Abc1000Sha3);
  shake_incremental<Shake256>(checks, "SHAKE256", kShake256Abc32, kShake256Abc1000Sha3);
  hmac_cases(checks);
  figures(checks);
  return checks.finish();
}
