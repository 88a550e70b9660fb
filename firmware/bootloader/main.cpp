// pqcea-boot: the secure bootloader (docs/secure-boot.md, "Boot flow").
//
// On every start: pick and validate an image (boot::decide_boot: A/B state, signature with a key
// whose hash is in OTP, payload digest over the RAM copy, anti-rollback counter), write
// the boot record (measured boot), make it read-only, and hand the CPU to the image. Every
// decision is printed with its reason. Exit statuses (QEMU): 4 no bootable image, 5 reset loop,
// 6 fault detected (the hardened verdict disagreed with itself).
#include "board.hpp"
#include "boot_port.hpp"
#include "pqcea/boot/bootloader.hpp"
#include "pqcea/boot/record.hpp"
#include "testing.hpp"

namespace {

using namespace pqcea;
namespace bp = pqcea::board::boot_port;

constexpr int kExitNoImage = 4;
constexpr int kExitResetLoop = 5;
constexpr int kExitFault = 6;
constexpr std::uint32_t kMaxRestarts = 32;  // within one power-on (QEMU session)

// The signature algorithms this bootloader checks (docs/secure-boot.md, "Signature algorithms"):
// ML-DSA-87 (format 1), SLH-DSA-SHA2-128s and SLH-DSA-SHAKE-128s (whose 7,856-byte signatures fit
// the workspace), HSS/LMS (streamed from the slot, any SP 800-208 levels) and Falcon-1024 (padded
// signatures). Each entry links its verifier; the other SLH-DSA sets are not linked and their
// images are refused as not supported.
constexpr boot::SigVerifier kVerifiers[] = {boot::kVerifyMlDsa87, boot::kVerifySlhDsaSha2_128s,
                                            boot::kVerifySlhDsaShake_128s, boot::kVerifyHssLms,
                                            boot::kVerifyFalcon1024};

// The 10.6 KB of manifest, public key and signature being checked: static, so the boot stack stays
// small (and it is not a function-local static: DESIGN.md).
boot::ValidateWorkspace g_ws;
boot::BootDecision g_decision;

const char* digest_name(std::uint16_t alg) { return alg == boot::kDigestSha3_256 ? "sha3-256" : "sha-256"; }

void print_hex(std::span<const std::uint8_t> b) {
  for (auto x : b) board::printf("%02x", static_cast<unsigned>(x));
}

void print_rejection(const boot::Rejection& r) {
  board::print(boot::to_string(r.reason));
  if (r.reason == boot::Reject::manifest) board::printf(" (%s)", boot::to_string(r.manifest_error));
  if (r.reason == boot::Reject::rollback)
    board::printf(" (image %lu < stored %lu)", static_cast<unsigned long>(r.image_counter),
                  static_cast<unsigned long>(r.stored_counter));
}

class Console final : public boot::EventSink {
 public:
  void on_event(const boot::BootEvent& e) override {
    using K = boot::BootEvent::Kind;
    switch (e.kind) {
      case K::slot_rejected:
        board::printf("boot: slot %s rejected: ", boot::to_string(e.slot));
        print_rejection(e.rejection);
        board::print("\n");
        break;
      case K::trial_started:
        board::printf("boot: slot %s: update verified, starting it on trial\n", boot::to_string(e.slot));
        break;
      case K::update_rejected:
        board::printf("boot: update in slot %s rejected: ", boot::to_string(e.slot));
        print_rejection(e.rejection);
        board::print("\n");
        break;
      case K::update_reverted:
        board::printf("boot: update in slot %s did not confirm itself: reverting\n", boot::to_string(e.slot));
        break;
      case K::counter_advanced:
        board::printf("boot: security counter advanced %lu -> %lu\n", static_cast<unsigned long>(e.from),
                      static_cast<unsigned long>(e.to));
        break;
      case K::state_error:
        board::printf("boot: state or counter error: %s\n", to_string(e.status));
        break;
    }
  }
};

}  // namespace

int main() {
  const std::uint32_t restarts = bp::note_restart();
  board::printf("pqcea-boot: %s, start %lu, %zu trusted key(s)\n", board::name(), static_cast<unsigned long>(restarts),
                bp::otp_key_ids().size());
  if (restarts > kMaxRestarts) {
    board::print("boot: too many restarts in this session: halting\n");
    return kExitResetLoop;
  }

  boot::BootPorts ports;
  ports.slot_a = &bp::flash(bp::Area::slot_a);
  ports.slot_b = &bp::flash(bp::Area::slot_b);
  ports.state = &bp::flash(bp::Area::state);
  ports.counter = &bp::security_counter();
  ports.trusted_keys = bp::otp_key_ids();
  ports.exec = bp::exec_region();
  ports.verifiers = kVerifiers;

  Console console;
  boot::Verdict verdict = boot::Verdict::reject;
  const board::Measurement m = board::measure([&] { verdict = boot::decide_boot(ports, g_ws, g_decision, &console); });
  target::report("boot_decide", m);

  boot::BootDecision& d = g_decision;
  if (verdict != boot::Verdict::accept && !d.verdict.accepted()) {
    board::print("boot: no bootable image: halting\n");
    return kExitNoImage;
  }
  // Fault-injection hardening: the returned verdict, the hardened copy and the control flow must
  // all agree; any disagreement is a glitch, not a verdict.
  if (verdict != boot::Verdict::accept || !d.verdict.consistent() || !d.verdict.accepted() ||
      d.flow.value() != boot::flow::kImageValid + boot::flow::kDecided) {
    board::print("boot: FAULT: inconsistent verdict: halting\n");
    return kExitFault;
  }

  const boot::Manifest& man = d.image.manifest;
  // The entry point must lie inside the payload just checked (a Thumb address).
  const auto* vt = reinterpret_cast<const std::uint32_t*>(static_cast<std::uintptr_t>(man.load_address));
  const std::uint32_t entry = vt[1];
  if ((entry & 1u) == 0 || entry - man.load_address >= man.payload_size) {
    board::printf("boot: slot %s: reset vector 0x%08lx outside the image: halting\n", boot::to_string(d.slot),
                  static_cast<unsigned long>(entry));
    return kExitNoImage;
  }

  // Measured boot: what was booted, for the application's attestation.
  boot::BootRecord rec;
  rec.slot = d.slot;
  rec.trial = d.trial;
  rec.boot_count = d.boot_count;
  rec.version = man.version;
  rec.security_counter = man.security_counter;
  rec.stored_counter = d.stored_counter;
  rec.load_address = man.load_address;
  rec.payload_size = man.payload_size;
  rec.digest_alg = man.digest_alg;
  rec.digest = man.digest;
  rec.key_id = man.key_id;
  rec.manifest_hash = d.image.manifest_hash;
  if (boot::encode_boot_record(rec, bp::boot_record_area()) != Status::ok) {
    board::print("boot: cannot write the boot record: halting\n");
    return kExitFault;
  }
  bp::protect_boot_record();

  board::printf("boot: starting slot %s%s: version %u.%u.%u+%lu, security counter %lu (device %lu), boot %lu\n",
                boot::to_string(d.slot), d.trial ? " on trial" : "", static_cast<unsigned>(man.version.major),
                static_cast<unsigned>(man.version.minor), static_cast<unsigned>(man.version.patch),
                static_cast<unsigned long>(man.version.build), static_cast<unsigned long>(man.security_counter),
                static_cast<unsigned long>(d.stored_counter), static_cast<unsigned long>(d.boot_count));
  board::printf("boot: %s ", digest_name(man.digest_alg));
  print_hex(man.digest);
  const boot::SigAlgInfo* alg = boot::find_sig_alg(man.sig_alg);
  board::printf(" %s signer ", alg != nullptr ? alg->name : "?");
  print_hex(man.key_id);
  board::print("\n");

  // The last check right before the jump, again through the hardened copy.
  if (!d.verdict.accepted()) return kExitFault;
  bp::start_image(man.load_address);
}
