// The boot decision, independent of any board (docs/secure-boot.md, "Boot flow"):
//   validate_image  checks one slot: manifest, bounds, end marker, trusted key, signature
//                   (ML-DSA-87, SLH-DSA, HSS/LMS or Falcon-1024, whichever the manifest names and the caller's
//                   verifier list holds), security counter, payload digest (over the copy in the
//                   execution region, so what runs is exactly what was hashed);
//   decide_boot     the A/B state machine: tries a pending update once, reverts an update that did
//                   not confirm itself, falls back to the other slot, advances the anti-rollback
//                   counter only for a confirmed image;
//   install_image / request_update / confirm_image   the update agent's and the application's side.
// The bootloader (firmware/bootloader), the host tool and the host simulator all run this code.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/boot/fih.hpp"
#include "pqcea/boot/manifest.hpp"
#include "pqcea/boot/port.hpp"
#include "pqcea/boot/state.hpp"
#include "pqcea/core/status.hpp"
#include "pqcea/mldsa.hpp"
#include "pqcea/slhdsa.hpp"

namespace pqcea::boot {

using KeyId = std::array<std::uint8_t, kKeyIdSize>;

// ---- signature algorithms of the boot path ------------------------------------------------------
// What a verifier gets: the RAM copies of the manifest (the signed message) and the public key; the
// signature either copied into RAM (in-RAM verifiers: ML-DSA, SLH-DSA) or left in the slot and read
// piecewise by the verifier (streamed: HSS, whose signature can be tens of KB). A streamed
// signature needs no RAM copy for TOCTOU reasons: the verifier reads each byte once, and whatever
// bytes it read had to form a valid signature over the RAM manifest under the RAM key.
struct SigCheck {
  std::span<const std::uint8_t> manifest;
  std::span<const std::uint8_t> public_key;
  std::span<const std::uint8_t> signature;  // in-RAM verifiers only
  Flash* slot = nullptr;                    // streamed verifiers: the signature's slot, offset, size
  std::size_t signature_offset = 0;
  std::size_t signature_size = 0;
  mldsa::Memory mldsa_memory = mldsa::Memory::fast;
};

// One algorithm the boot path can check. A bootloader passes the list it was built for (each entry
// links that verifier's code, nothing else); a manifest naming an algorithm outside the list is
// refused as algorithm_not_supported. Adding an algorithm: a kSigAlgs row in manifest.hpp, a verify
// function here, an entry in all_verifiers() (Falcon-1024 came this way).
struct SigVerifier {
  std::int32_t alg;
  bool streamed;
  Status (*verify)(const SigCheck&);  // ok only for a valid signature
};

// FIPS 204 Alg. 3 (pure, context kSignatureContext), in c.mldsa_memory mode.
[[nodiscard]] Status verify_mldsa87(const SigCheck& c);
// FIPS 205 Alg. 24 (pure slh_verify, context kSignatureContext). Instantiated for the 12 sets.
template <class P>
[[nodiscard]] Status verify_slhdsa(const SigCheck& c);
// RFC 8554 §6.3 over context_message_prefix() || manifest, the signature streamed from c.slot.
[[nodiscard]] Status verify_hss(const SigCheck& c);
// Falcon-1024 (round-3 spec §3.10, padded signature format) over context_message_prefix() ||
// manifest.
[[nodiscard]] Status verify_falcon1024(const SigCheck& c);

inline constexpr SigVerifier kVerifyMlDsa87{kSigAlgMlDsa87, false, &verify_mldsa87};
inline constexpr SigVerifier kVerifyHssLms{kSigAlgHssLms, true, &verify_hss};
inline constexpr SigVerifier kVerifySlhDsaSha2_128s{kSigAlgSlhDsaSha2_128s, false, &verify_slhdsa<slhdsa::Sha2_128s>};
inline constexpr SigVerifier kVerifySlhDsaShake_128s{kSigAlgSlhDsaShake_128s, false, &verify_slhdsa<slhdsa::Shake_128s>};
inline constexpr SigVerifier kVerifyFalcon1024{kSigAlgFalcon1024, false, &verify_falcon1024};
// The default of validate_image / BootPorts: ML-DSA-87 only (what format 1 bootloaders check).
inline constexpr SigVerifier kDefaultVerifiers[] = {kVerifyMlDsa87};
// Every algorithm of kSigAlgs (host tools and tests; links all 12 SLH-DSA sets).
std::span<const SigVerifier> all_verifiers();

// Where payloads are copied and run ("RAM load"): the payload must fit [base, base + size).
struct ExecRegion {
  std::uint32_t base = 0;
  std::span<std::uint8_t> memory;
};

// Why a slot was refused, first failing check first.
enum class Reject : std::uint8_t {
  none = 0,
  read_error,           // the flash area could not be read
  manifest,             // the manifest breaks a format rule (see manifest_error)
  too_large_for_slot,   // manifest + payload + trailer do not fit the slot
  outside_exec_region,  // load address / payload size outside the execution region
  truncated,            // the end marker is missing or names another size
  algorithm_not_supported,  // the manifest's signature algorithm is not in this build's verifier list
                            // (or its signature does not fit the workspace)
  key_not_trusted,      // the manifest's signer key id is not one the bootloader trusts
  public_key_mismatch,  // SHA-256 of the embedded public key is not the key id
  signature,            // the signature over the manifest does not verify
  rollback,             // security counter below the device's stored counter
  digest,               // the payload's digest differs from the manifest's
  fault,                // the hardened checks disagreed with each other
};
const char* to_string(Reject r);

struct Rejection {
  Reject reason = Reject::none;
  ManifestError manifest_error = ManifestError::none;
  std::uint32_t image_counter = 0;   // for rollback
  std::uint32_t stored_counter = 0;  // for rollback
};

// Buffers the validation needs: the caller places them (a static in the bootloader, so the stack
// stays small). The signature buffer bounds the in-RAM signatures a build can check: the default
// (7,856 B, SLH-DSA-*-128s; ML-DSA-87 and Falcon-1024 fit too) is the bootloader's, 10.6 KB in all;
// LargeValidateWorkspace holds every set (SLH-DSA-*-256f, 49,856 B) for host tools. HSS signatures
// are streamed and need none of it.
template <std::size_t SignatureCapacity>
struct BasicValidateWorkspace {
  std::array<std::uint8_t, kManifestSize> manifest;
  std::array<std::uint8_t, kMaxPublicKeyBytes> public_key;
  std::array<std::uint8_t, SignatureCapacity> signature;
};
inline constexpr std::size_t kDefaultSignatureCapacity = slhdsa::Sha2_128s::sig_bytes;
static_assert(kDefaultSignatureCapacity >= kSignatureSize);
using ValidateWorkspace = BasicValidateWorkspace<kDefaultSignatureCapacity>;
using LargeValidateWorkspace = BasicValidateWorkspace<slhdsa::kMaxSigBytes>;
// A view of any workspace (what validate_image takes).
struct WorkspaceRef {
  std::span<std::uint8_t, kManifestSize> manifest;
  std::span<std::uint8_t, kMaxPublicKeyBytes> public_key;
  std::span<std::uint8_t> signature;
  template <std::size_t N>
  WorkspaceRef(BasicValidateWorkspace<N>& w)  // NOLINT(google-explicit-constructor): a view
      : manifest(w.manifest), public_key(w.public_key), signature(w.signature) {}
};

struct ValidatedImage {
  Manifest manifest;
  std::array<std::uint8_t, kDigestSize> manifest_hash{};  // SHA3-256 of the 128 manifest bytes
};

// Control-flow tokens of validate_image (fih::FlowCounter): one per check, summed.
namespace flow {
inline constexpr std::uint32_t kManifest = 0x00000A53u;
inline constexpr std::uint32_t kBounds = 0x00014C35u;
inline constexpr std::uint32_t kEndMarker = 0x00290A61u;
inline constexpr std::uint32_t kKeyTrusted = 0x05301C87u;
inline constexpr std::uint32_t kPublicKey = 0x0A600E93u;
inline constexpr std::uint32_t kSignature = 0x14C00729u;
inline constexpr std::uint32_t kCounter = 0x29800B4Fu;
inline constexpr std::uint32_t kDigest = 0x53000D5Bu;
inline constexpr std::uint32_t kImageValid =
    kManifest + kBounds + kEndMarker + kKeyTrusted + kPublicKey + kSignature + kCounter + kDigest;
}  // namespace flow

// Checks the image in `slot` and copies its payload to its load address in `exec`. Verdict::accept
// only if every check passed; then `out` describes the image, and `flow` has advanced by exactly
// flow::kImageValid. On reject, `why` says which check failed. `verify_memory` picks the ML-DSA
// mode (same result): fast (Cortex-M33: 6.7 M instructions, 12 KB stack) or low (12.1 M, 4 KB).
// `verifiers`: the signature algorithms accepted (default ML-DSA-87 only).
[[nodiscard]] Verdict validate_image(Flash& slot, std::span<const KeyId> trusted_keys, std::uint32_t stored_counter,
                                     const ExecRegion& exec, WorkspaceRef ws, ValidatedImage& out,
                                     Rejection& why, fih::FlowCounter& flow,
                                     mldsa::Memory verify_memory = mldsa::Memory::fast,
                                     std::span<const SigVerifier> verifiers = kDefaultVerifiers);

// ---- the A/B decision ---------------------------------------------------------------------------
struct BootPorts {
  Flash* slot_a = nullptr;
  Flash* slot_b = nullptr;
  Flash* state = nullptr;  // the boot-state area (StateStore)
  MonotonicCounter* counter = nullptr;
  std::span<const KeyId> trusted_keys;
  ExecRegion exec;
  mldsa::Memory verify_memory = mldsa::Memory::fast;  // see validate_image
  std::span<const SigVerifier> verifiers = kDefaultVerifiers;  // see validate_image
  Flash* slot(Slot s) const { return s == Slot::a ? slot_a : s == Slot::b ? slot_b : nullptr; }
};

// What decide_boot did, reported as it happens (the bootloader prints it; tests record it).
struct BootEvent {
  enum class Kind : std::uint8_t {
    slot_rejected,      // slot failed validation (rejection)
    trial_started,      // pending update in slot validated; booting it on trial
    update_rejected,    // pending update in slot failed validation; cleared
    update_reverted,    // pending update in slot was tried and did not confirm; cleared
    counter_advanced,   // anti-rollback counter from -> to
    state_error,        // a state or counter operation failed (status)
  };
  Kind kind;
  Slot slot = Slot::none;
  Rejection rejection;
  std::uint32_t from = 0, to = 0;
  Status status = Status::ok;
};
class EventSink {
 public:
  virtual void on_event(const BootEvent& e) = 0;

 protected:
  ~EventSink() = default;
};

struct BootDecision {
  fih::HardenedVerdict verdict;  // accept: boot `slot`; reject: nothing bootable
  Slot slot = Slot::none;
  bool trial = false;
  ValidatedImage image;
  std::uint32_t stored_counter = 0;  // the device counter after this decision
  std::uint32_t boot_count = 0;
  fih::FlowCounter flow;             // flow::kImageValid + kDecided when accepted
};
namespace flow {
inline constexpr std::uint32_t kDecided = 0x7C0003E1u;
}

// Reads the state and the counter, picks the slot to boot (pending update on its single trial,
// else the confirmed slot, else the other one), validates it (payload copied into ports.exec),
// records the boot in the state, and advances the counter to the image's security counter when a
// confirmed (not trial) image carries a higher one. Returns the verdict; `out` says what to boot.
[[nodiscard]] Verdict decide_boot(const BootPorts& ports, WorkspaceRef ws, BootDecision& out,
                                  EventSink* events = nullptr);

// ---- update agent and application ---------------------------------------------------------------
// Erases `slot` and programs `image` at its start (the last write unit padded with erased bytes).
// Checks only that the image fits; validation is the bootloader's job.
[[nodiscard]] Status install_image(Flash& slot, std::span<const std::uint8_t> image);
// Marks `target` to be tried at the next boot. invalid_argument if it is the confirmed slot (an
// update always goes to the inactive slot).
[[nodiscard]] Status request_update(StateStore& store, Slot target);
// Called by an image running on trial once it has checked itself: its slot becomes the confirmed
// one (the counter then advances at the next boot). ok if `running` is already confirmed;
// invalid_argument if `running` is neither pending nor confirmed.
[[nodiscard]] Status confirm_image(StateStore& store, Slot running);

}  // namespace pqcea::boot
