// libFuzzer target for signed firmware images (formats 1 and 2) as the secure bootloader and the
// host tools read them: the 128-byte manifest (include/pqcea/boot/manifest.hpp), the whole-image
// check validate_image (src/freestanding/boot: bounds, end marker, key id, signature with every
// algorithm of the format, rollback, payload digest) and the image private-key files `pqcea image`
// reads (src/host/boot/boot_image.cpp load_key, "PQCEA-IK" files and ML-DSA seeds).
//
// Properties, checked with a trap:
//  1. a manifest the parser accepts encodes back to exactly its 128 bytes (one meaning per byte
//     string), and an encoded manifest parses to the same fields;
//  2. validate_image accepts only an image whose manifest parses, whose size is what the
//     manifest and end marker say, whose public key hashes to the trusted key id and whose
//     payload has the manifest's digest, copies exactly that payload, and advances the
//     control-flow counter by exactly kImageValid; a rejection leaves the counter short of it.
// Seeds are real images of every algorithm family (fuzz/corpus/fuzz_boot_image), so mutations
// start past the signature check.
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "pqcea/boot/bootloader.hpp"
#include "pqcea/boot/image.hpp"
#include "pqcea/boot/manifest.hpp"
#include "pqcea/host/boot_image.hpp"

namespace {

namespace boot = pqcea::boot;
namespace fs = std::filesystem;
using pqcea::Status;

[[noreturn]] void broken() { __builtin_trap(); }

void check_manifest(std::span<const std::uint8_t> in, const boot::Manifest& m) {
  // Property 1.
  std::array<std::uint8_t, boot::kManifestSize> enc{};
  boot::ManifestError err = boot::ManifestError::none;
  if (boot::encode_manifest(m, enc, &err) != Status::ok || std::memcmp(enc.data(), in.data(), enc.size()) != 0)
    broken();
  boot::Manifest again;
  if (boot::parse_manifest(enc, again) != Status::ok || again.format_version != m.format_version ||
      again.payload_size != m.payload_size || again.sig_alg != m.sig_alg || again.key_id != m.key_id)
    broken();
}

void check_validate(std::span<const std::uint8_t> in, const boot::Manifest* m) {
  static boot::LargeValidateWorkspace ws;  // 60 KB: not on the stack
  boot::MemoryArea slot(in);
  // Trust the key the manifest names, so the signature check runs on every parsable manifest.
  std::array<boot::KeyId, 1> trusted{};
  if (m != nullptr) trusted[0] = m->key_id;
  std::vector<std::uint8_t> exec_memory(in.size());
  const boot::ExecRegion exec{m != nullptr ? m->load_address : 0, exec_memory};
  boot::ValidatedImage out;
  boot::Rejection why;
  boot::fih::FlowCounter flow;
  const boot::Verdict v =
      boot::validate_image(slot, trusted, 0, exec, ws, out, why, flow, pqcea::mldsa::Memory::fast, boot::all_verifiers());
  if (v != boot::Verdict::accept) {
    if (flow.value() == boot::flow::kImageValid || why.reason == boot::Reject::none) broken();
    return;
  }
  // Property 2.
  if (m == nullptr || flow.value() != boot::flow::kImageValid || why.reason != boot::Reject::none) broken();
  if (boot::image_size(*m) > in.size() || out.manifest.payload_size != m->payload_size) broken();
  const auto payload = in.subspan(boot::kManifestSize, m->payload_size);
  std::array<std::uint8_t, boot::kDigestSize> digest{};
  if (boot::payload_digest(m->digest_alg, payload, digest) != Status::ok || digest != m->digest) broken();
  std::array<std::uint8_t, boot::kKeyIdSize> kid{};
  boot::key_id_of(in.subspan(boot::public_key_offset(*m), m->public_key_size), kid);
  if (kid != m->key_id) broken();
  if (std::memcmp(exec_memory.data(), payload.data(), payload.size()) != 0) broken();
}

// The host's image key reader works on files: one private temporary folder per process.
void check_key_file(std::span<const std::uint8_t> in) {
  static const std::string path = [] {
    std::string tmpl = (fs::temp_directory_path() / "pqcea-fuzz-imagekey-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) broken();
    static const std::string dir = tmpl;
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(dir, ec);
    });
    return tmpl + "/key";
  }();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(in.data()), static_cast<std::streamsize>(in.size()));
  }
  try {
    const auto info = pqcea::host::boot_image::load_key(path);
    if (info.alg == nullptr || info.public_key.size() < info.alg->pk_min || info.public_key.size() > info.alg->pk_max)
      broken();
  } catch (const std::runtime_error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  boot::Manifest m;
  boot::ManifestError err = boot::ManifestError::none;
  const bool parsed = boot::parse_manifest(in, m, &err) == Status::ok;
  if (parsed) {
    if (err != boot::ManifestError::none) broken();
    check_manifest(in, m);
  } else if (err == boot::ManifestError::none) {
    broken();  // a rejection always names its rule
  }
  check_validate(in, parsed ? &m : nullptr);

  // Image key files: an ML-DSA-87 seed (32 bytes) or "PQCEA-IK" (SLH-DSA, Falcon). Stateful
  // "PQCEA-SK" files are fuzz_stateful_keyfile's (loading one here would build its LMS tree).
  static constexpr char kImageKeyMagic[] = "PQCEA-IK";
  if (size == 32 || (size >= 8 && std::memcmp(data, kImageKeyMagic, 8) == 0)) check_key_file(in);
  return 0;
}
