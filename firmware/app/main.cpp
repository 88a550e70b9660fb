// pqcea-device-app: the device application the secure bootloader starts (docs/secure-boot.md).
//
//  1. Reads the boot record (measured boot) the bootloader left in protected RAM.
//  2. On a trial boot (a new update): checks itself and, if it passes, confirms its slot, then
//     restarts so the bootloader can advance the anti-rollback counter. A build with
//     PQCEA_APP_SELFTEST_FAILS stands for a broken update: it never confirms.
//  3. As update agent: installs a downloaded image (the staging area) into the inactive slot,
//     requests its trial and restarts.
//  4. Otherwise attests: an EAT (RFC 9711) with the boot record as measurements, COSE_Sign1-signed
//     with the device's ML-DSA-87 key, printed as hex for the verifier ("token: ...").
#include <array>
#include <cstring>

#include "board.hpp"
#include "boot_port.hpp"
#include "pqcea/attest/claims.hpp"
#include "pqcea/attest/mldsa_cose.hpp"
#include "pqcea/attest/token.hpp"
#include "pqcea/boot/bootloader.hpp"
#include "pqcea/boot/image.hpp"
#include "pqcea/boot/record.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"
#include "testing.hpp"

#ifndef PQCEA_APP_SELFTEST_FAILS
#define PQCEA_APP_SELFTEST_FAILS 0
#endif

namespace {

using namespace pqcea;
namespace bp = pqcea::board::boot_port;
using P = mldsa::MlDsa87;

constexpr const char* kSwName = "pqcea-device-app";
constexpr const char* kHwModel = "mps2-an505";
// OEM id: a 16-byte random value (RFC 9711 §4.2.3, the non-IEEE form) naming this project's demo OEM.
constexpr std::array<std::uint8_t, 16> kOemId = {0x70, 0x71, 0x63, 0x65, 0x61, 0x2d, 0x6f, 0x65,
                                                 0x6d, 0x2d, 0x64, 0x65, 0x6d, 0x6f, 0x21, 0x01};

// Token buffers, sized for this application's claims (three measurements, short strings: a claims
// payload under 1 KiB) rather than the profile maximum (16 KiB token, 8 KiB payload): build_token
// reports buffer_too_small if they ever grow past it. Static, not on the stack, and not
// function-local statics (DESIGN.md).
constexpr std::size_t kMaxClaimsPayload = 1024;
constexpr std::size_t kTokenCapacity = kMaxClaimsPayload + P::sig_bytes + 128;  // + COSE headers
std::array<std::uint8_t, kTokenCapacity> g_token;
std::array<std::uint8_t, attest::scratch_size(kMaxClaimsPayload)> g_scratch;
std::array<std::uint8_t, P::pk_bytes> g_public_key;

void print_hex(std::span<const std::uint8_t> b) {
  char line[129];
  static constexpr char kDigits[] = "0123456789abcdef";
  std::size_t i = 0;
  while (i < b.size()) {
    std::size_t n = 0;
    for (; n < 128 && i < b.size(); ++i) {
      line[n++] = kDigits[b[i] >> 4];
      line[n++] = kDigits[b[i] & 15];
    }
    board::write(line, n);
  }
}

void print_version(const boot::Version& v) {
  board::printf("%u.%u.%u+%lu", static_cast<unsigned>(v.major), static_cast<unsigned>(v.minor),
                static_cast<unsigned>(v.patch), static_cast<unsigned long>(v.build));
}

// Checks before confirming a trial image: the hash known answers, and that the code the bootloader
// measured is the code running (re-hashing the payload in the execution region).
bool self_test(const boot::BootRecord& rec) {
  bool ok = true;
  std::uint8_t md[32];
  hash::Sha3_256::hash(md, reinterpret_cast<const std::uint8_t*>("abc"), 3);
  ok = ok && md[0] == 0x3a && md[31] == 0x32;  // FIPS 202 example
  hash::Sha256::hash(md, reinterpret_cast<const std::uint8_t*>("abc"), 3);
  ok = ok && md[0] == 0xba && md[31] == 0xad;  // FIPS 180-4 example
  std::array<std::uint8_t, boot::kDigestSize> digest;
  const std::span<const std::uint8_t> code(
      reinterpret_cast<const std::uint8_t*>(static_cast<std::uintptr_t>(rec.load_address)), rec.payload_size);
  ok = ok && boot::payload_digest(rec.digest_alg, code, digest) == Status::ok && digest == rec.digest;
#if PQCEA_APP_SELFTEST_FAILS
  board::print("app: this build fails its self-test on purpose (a broken update)\n");
  ok = false;
#endif
  return ok;
}

// Installs a downloaded update into the inactive slot and asks the bootloader to try it.
void install_staged(const boot::BootRecord& rec, std::span<const std::uint8_t> staged) {
  boot::Manifest m;
  boot::ManifestError err = boot::ManifestError::none;
  if (boot::parse_manifest(staged, m, &err) != Status::ok || boot::image_size(m) > staged.size()) {
    board::printf("app: staged update malformed (%s): discarded\n", boot::to_string(err));
    bp::clear_staged_update();
    return;
  }
  const boot::Slot target = boot::other(rec.slot);
  board::print("app: installing the staged update (version ");
  print_version(m.version);
  board::printf(", security counter %lu) into slot %s\n", static_cast<unsigned long>(m.security_counter),
                boot::to_string(target));
  boot::StateStore store(bp::flash(bp::Area::state));
  Status s = boot::install_image(bp::slot(target), staged.first(boot::image_size(m)));
  if (s == Status::ok) s = boot::request_update(store, target);
  bp::clear_staged_update();
  if (s != Status::ok) {
    board::printf("app: update install failed: %s\n", to_string(s));
    return;
  }
  board::print("app: restarting to try the update\n");
  bp::restart();
}

std::int64_t attest_hash_alg(std::uint16_t boot_alg) {
  return boot_alg == boot::kDigestSha3_256 ? attest::kHashSha3_256 : attest::kHashSha256;
}

// Builds and prints the attestation token. Returns false if the device cannot attest.
bool attest_boot(const boot::BootRecord& rec) {
  struct Keys {
    std::array<std::uint8_t, 32> seed;
  } keys;
  WipeOnExit<Keys> wipe(keys);
  if (bp::device_key_seed(keys.seed) != Status::ok) {
    board::print("app: device not provisioned (no identity in the key store): no attestation\n");
    return false;
  }
  if (boot::public_key_from_seed(keys.seed, g_public_key) != Status::ok) return false;
  std::array<std::uint8_t, 32> kid;
  hash::Sha256::hash(kid.data(), g_public_key.data(), g_public_key.size());
  // UEID of type RAND (RFC 9711 §4.2.1): 0x01 || SHA-256 of the identity public key.
  std::array<std::uint8_t, 33> ueid;
  ueid[0] = attest::kUeidRand;
  std::memcpy(ueid.data() + 1, kid.data(), kid.size());

  // The verifier's nonce; without one (a run by hand) a value derived from this boot.
  std::array<std::uint8_t, 32> derived_nonce;
  std::span<const std::uint8_t> nonce = bp::challenge();
  if (nonce.empty()) {
    hash::Sha3_256::hash(derived_nonce.data(), bp::boot_record_area().data(), boot::kBootRecordSize);
    nonce = derived_nonce;
    board::print("app: no verifier challenge loaded: nonce derived from the boot record\n");
  }

  char version[24];
  board::snprintf(version, sizeof version, "%u.%u.%u", static_cast<unsigned>(rec.version.major),
                  static_cast<unsigned>(rec.version.minor), static_cast<unsigned>(rec.version.patch));
  attest::Claims c;
  c.nonce = nonce;
  c.ueid = ueid;
  c.oemid = kOemId;
  c.hwmodel = std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(kHwModel), std::strlen(kHwModel));
  c.swname = kSwName;
  c.swversion.version = version;
  c.dbgstat = attest::DbgStat::enabled;  // QEMU: a debugger can always attach
  c.has_bootcount = true;
  c.bootcount = rec.boot_count;
  c.measurements[0] = attest::Measurement{"app", version, attest::Digest{attest_hash_alg(rec.digest_alg), rec.digest}};
  c.measurements[1] = attest::Measurement{"app-signer", {}, attest::Digest{attest::kHashSha256, rec.key_id}};
  c.measurements[2] =
      attest::Measurement{"app-manifest", {}, attest::Digest{attest::kHashSha3_256, rec.manifest_hash}};
  c.measurement_count = 3;

  // No TRNG on this board (boot_port::entropy fails): deterministic ML-DSA signing (FIPS 204 §3.4).
  std::uint8_t probe[1];
  const bool have_rng = bp::entropy(probe) == Status::ok;
  if (!have_rng) board::print("app: no hardware entropy: deterministic ML-DSA-87 signing\n");
  attest::MlDsaSigner<P, mldsa::Memory::low> signer(mldsa::PrivateKey<P>::seed(keys.seed));
  std::size_t len = 0;
  attest::Diagnostic diag;
  Status s = Status::ok;
  const board::Measurement m = board::measure([&] {
    s = attest::build_token(c, signer, kid, g_scratch, g_token, len, &diag);
  });
  target::report("app_token_sign", m);
  if (s != Status::ok) {
    board::printf("app: token build failed: %s (%s, claim %ld)\n", to_string(s), attest::to_string(diag.reason),
                  static_cast<long>(diag.claim));
    return false;
  }
  board::print("app: ueid ");
  print_hex(ueid);
  board::printf("\napp: attestation token, %zu bytes, ML-DSA-87 (COSE alg -50)\ntoken: ", len);
  print_hex(std::span<const std::uint8_t>(g_token.data(), len));
  board::print("\n");
  return true;
}

}  // namespace

int main() {
  boot::BootRecord rec;
  if (boot::decode_boot_record(bp::boot_record_area(), rec) != Status::ok) {
    board::print("app: no valid boot record (not started by pqcea-boot?)\n");
    return 1;
  }
  board::printf("app: %s ", kSwName);
  print_version(rec.version);
  board::printf(" running from slot %s%s, boot %lu, security counter %lu (device %lu)\n", boot::to_string(rec.slot),
                rec.trial ? " on trial" : "", static_cast<unsigned long>(rec.boot_count),
                static_cast<unsigned long>(rec.security_counter), static_cast<unsigned long>(rec.stored_counter));

  if (rec.trial) {
    boot::StateStore store(bp::flash(bp::Area::state));
    if (self_test(rec)) {
      const Status s = boot::confirm_image(store, rec.slot);
      board::printf("app: self-test passed: %s slot %s\n", s == Status::ok ? "confirmed" : "could not confirm",
                    boot::to_string(rec.slot));
    } else {
      board::print("app: self-test failed: not confirming\n");
    }
    board::print("app: restarting\n");
    bp::restart();
  }

  const std::span<const std::uint8_t> staged = bp::staged_update();
  if (!staged.empty()) install_staged(rec, staged);

  // The whole attestation (identity key derivation, claims, ML-DSA-87 signature): its peak stack
  // is the application's.
  bool attested = false;
  const board::Measurement m = board::measure([&] { attested = attest_boot(rec); });
  target::report("app_attest", m);
  board::printf("app: done (%s)\n", attested ? "attested" : "not attested");
  return 0;
}
