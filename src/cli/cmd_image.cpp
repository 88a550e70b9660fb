// `pqcea image`: signed firmware images for the secure bootloader (docs/secure-boot.md), like
// MCUboot's imgtool.
//
//   pqcea image keygen [--alg ALG] --out KEY [--pub KEY.pub] [--seed-file FILE|-] [--force]
//   pqcea image sign --key KEY [--alg ALG] --version 1.2.3[+B] --counter C [--load-address A]
//                    [--digest sha-256|sha3-256] [--pad-to N] in.bin out.img
//   pqcea image verify (--pub KEY.pub | --key KEY | --key-id HEX) [--counter C] img
//   pqcea image inspect img        (also: pqcea image info img)
//
// ALG: ML-DSA-87 (default; the key is the 32-byte seed, FIPS 204 §3.6.1), any SLH-DSA set
// ("SLH-DSA-SHA2-128s", the small-signature choice, ...), Falcon-1024, or HSS-LMS / an HSS level
// list ("LMS_SHA256_M32_H10/LMOTS_SHA256_N32_W4[,...]"), whose key is the crash-safe stateful key
// file. Errors name the file and what was expected; a file that is no image key, a field the format
// refuses or an unknown --alg exits 2, an image that does not verify exits 1 (docs/cli.md).
// The key file records its algorithm, so sign needs no --alg (given, it must match). Key files and
// signers: include/pqcea/host/boot_image.hpp. The key id the bootloader keeps in "OTP" is SHA-256
// of the public key. verify runs the bootloader's own validation (src/freestanding/boot) with every
// algorithm of the format; the board's execution region is not known here, so the payload is
// placed at the load address it names.
#include <array>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.hpp"
#include "pqcea/boot/bootloader.hpp"
#include "pqcea/boot/image.hpp"
#include "pqcea/boot/manifest.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/host/boot_image.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/host/hex.hpp"
#include "pqcea/host/stateful.hpp"

namespace pqcea::cli {
namespace {

// The execution region of the QEMU mps2-an505 reference board (firmware/board/mps2-an505/boot.cmake).
constexpr std::uint32_t kDefaultLoadAddress = 0x10300000;
// Far above the largest image key file (Falcon-1024: 4110 bytes).
constexpr std::uint64_t kMaxKeyFileBytes = 1 << 16;
// The largest file an image can be: every field at the format's bound.
constexpr std::uint64_t kMaxImageBytes = boot::kManifestSize + boot::kMaxPayloadSize + boot::kMaxPublicKeyBytes +
                                         boot::kMaxSignatureBytes + boot::kEndMarkerSize;

const Expect kKeyFile{"an image signing key (from `pqcea image keygen`)", {}, kMaxKeyFileBytes};
const Expect kImageFile{"a signed image (from `pqcea image sign`)", {}, kMaxImageBytes};

// Every algorithm of the image format, grouped: "ML-DSA-87, HSS-LMS, SLH-DSA-{SHA2,SHAKE}-{...}, Falcon-1024".
std::string image_algorithms() {
  std::vector<std::string> names;
  for (const auto& a : boot::kSigAlgs) names.emplace_back(a.name);
  return group_names(names);
}

// --alg as the image tool takes it; BadInput with the grouped list otherwise.
host::boot_image::AlgorithmChoice image_algorithm(const std::string& name) {
  try {
    return host::boot_image::parse_algorithm(name);
  } catch (const std::invalid_argument& e) {
    if (name.rfind("LMS_", 0) == 0)
      throw BadInput("--alg " + name + ": " + e.what() +
                     "; expected HSS levels LMS_TYPE/LMOTS_TYPE[,...] of one hash and n = m (RFC 8554, SP 800-208)");
    throw BadInput("--alg " + name + ": not an image signature algorithm; expected one of " + image_algorithms() +
                   ", or HSS levels such as LMS_SHA256_M32_H10/LMOTS_SHA256_N32_W4");
  }
}

// Runs a step of the host image signer on `key_path`: what it refuses in the caller's input (a file
// that is no image key, a field the format refuses) is BadInput (exit 2). Key exhaustion and
// failures of the machine pass through.
template <class F>
auto image_step(const std::string& key_path, F&& f) {
  check_input(key_path, kKeyFile);
  try {
    return f();
  } catch (const host::boot_image::InputError& e) {
    throw BadInput(e.what());
  } catch (const host::stateful::StateCorrupt& e) {
    throw BadInput(about(key_path, e.what()) + "; " + expected(kKeyFile));
  } catch (const host::SecretFileError& e) {
    throw BadInput(std::string(e.what()) + "; " + expected(kKeyFile));
  } catch (const std::invalid_argument& e) {  // a seed of the wrong form, an HSS level list
    throw BadInput(e.what());
  }
}

boot::KeyId key_id_of(std::span<const std::uint8_t> pk) {
  boot::KeyId id;
  boot::key_id_of(pk, id);
  return id;
}

const char* sig_alg_name(std::int32_t id) {
  const boot::SigAlgInfo* a = boot::find_sig_alg(id);
  return a != nullptr ? a->name : "unknown";
}

// "MAJOR.MINOR.PATCH" or "MAJOR.MINOR.PATCH+BUILD", each within its manifest field.
boot::Version parse_version(const std::string& s) {
  unsigned long long parts[4] = {0, 0, 0, 0};
  const unsigned long long limits[4] = {0xFF, 0xFF, 0xFFFF, 0xFFFFFFFF};
  const char* names[4] = {"major", "minor", "patch", "build"};
  std::size_t i = 0, at = 0;
  for (; i < 4; ++i) {
    std::size_t end = at;
    while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
    if (end == at || end - at > 10 || (end - at > 1 && s[at] == '0'))
      throw BadInput("--version " + s + ": expected MAJOR.MINOR.PATCH[+BUILD] (decimal, no leading zeros)");
    parts[i] = std::stoull(s.substr(at, end - at));
    if (parts[i] > limits[i])
      throw BadInput("--version " + s + ": " + names[i] + " above " + std::to_string(limits[i]));
    at = end;
    if (at == s.size()) break;
    const char sep = i < 2 ? '.' : '+';
    if (i == 3 || s[at] != sep)
      throw BadInput("--version " + s + ": expected MAJOR.MINOR.PATCH[+BUILD]");
    ++at;
  }
  if (i < 2 || at != s.size()) throw BadInput("--version " + s + ": expected MAJOR.MINOR.PATCH[+BUILD]");
  return boot::Version{static_cast<std::uint8_t>(parts[0]), static_cast<std::uint8_t>(parts[1]),
                       static_cast<std::uint16_t>(parts[2]), static_cast<std::uint32_t>(parts[3])};
}

using host::boot_image::version_string;

const char* digest_name(std::uint16_t alg) { return alg == boot::kDigestSha3_256 ? "sha3-256" : "sha-256"; }

}  // namespace

namespace {

// The options of every `image` subcommand (CLI11 binds to them; one set per process run).
struct ImageOptions {
  std::string key_path, pub_path, out_path, in_path, seed_file, version, digest = "sha-256", key_id_hex, alg;
  std::uint32_t counter = 0, load_address = kDefaultLoadAddress, min_counter = 0;
  std::size_t pad_to = 0;
  bool json = false, force = false;
};

// --seed-file: the 32-byte ML-DSA-87 seed, raw or as 64 hex digits (a trailing newline allowed),
// from a file or "-" (standard input) so that it never appears on the command line.
host::SecretBytes read_seed_file(const std::string& path) {
  constexpr std::size_t kSeed = 32, kMaxText = 2 * kSeed + 2;  // hex digits and "\r\n"
  host::SecretBytes raw = read_secret_input(path, Expect{"an ML-DSA-87 seed (32 raw bytes or 64 hex digits)", {}, kMaxText});
  if (raw.size() == kSeed) return raw;
  std::size_t n = raw.size();
  while (n > 0 && (raw.data()[n - 1] == '\n' || raw.data()[n - 1] == '\r')) --n;
  host::SecretBytes seed(kSeed);
  if (!host::hex_decode_into(std::string_view(reinterpret_cast<const char*>(raw.data()), n), seed.span()))
    throw BadInput((path == "-" ? std::string("standard input") : path) + ": " + std::to_string(raw.size()) +
                   " bytes, not hex; expected an ML-DSA-87 seed (32 raw bytes or 64 hex digits)");
  return seed;
}

void add_keygen(CLI::App* image, ImageOptions& o) {
  auto* keygen = image->add_subcommand("keygen", "Generate an image signing key");
  keygen->add_option("--alg", o.alg,
                     "ML-DSA-87 (default), " + image_algorithms() +
                         ", or HSS levels LMS_SHA256_M32_H10/LMOTS_SHA256_N32_W4[,...]");
  keygen->add_option("--out", o.out_path, "output: the private key file (mode 0600, keep it secret)")->required();
  keygen->add_option("--pub", o.pub_path, "output: the public key");
  keygen->add_option("--seed-file", o.seed_file,
                     "ML-DSA-87: use the seed in this file (32 bytes or 64 hex digits; \"-\": standard input)");
  add_force_flag(keygen, o.force);
  keygen->callback([&o] {
    const auto choice = image_algorithm(o.alg.empty() ? "ML-DSA-87" : o.alg);
    refuse_existing({o.out_path}, o.force);
    if (!o.seed_file.empty() && choice.alg->family != boot::SigFamily::mldsa)
      throw BadInput("--seed-file applies to ML-DSA-87 keys only, not " + std::string(choice.alg->name));
    const host::SecretBytes seed = o.seed_file.empty() ? host::SecretBytes() : read_seed_file(o.seed_file);
    const auto pk = host::boot_image::keygen(choice, o.out_path, host::system_rng(), seed.span(),
                                             o.force ? host::Replace::yes : host::Replace::no);
    if (!o.pub_path.empty()) write_file(o.pub_path, pk.data(), pk.size());
    std::cout << choice.alg->name << (choice.hss_levels.empty() ? "" : " " + choice.hss_levels)
              << " key, key id (SHA-256 of the public key): " << host::hex_encode(key_id_of(pk)) << "\n";
  });
}

// The payload as it is signed: read (its size checked from the file's metadata first), padded with
// 0xFF to --pad-to, within the format's bound.
std::vector<std::uint8_t> payload_to_sign(const ImageOptions& o) {
  if (o.pad_to > boot::kMaxPayloadSize)
    throw BadInput("--pad-to " + std::to_string(o.pad_to) + ": above the format's 16 MiB payload bound");
  auto payload = read_input(o.in_path, Expect{"a firmware payload", {}, boot::kMaxPayloadSize});
  if (o.pad_to != 0) {
    if (o.pad_to < payload.size())
      throw BadInput(o.in_path + ": " + std::to_string(payload.size()) + " bytes; expected at most --pad-to " +
                     std::to_string(o.pad_to) + " bytes");
    payload.resize(o.pad_to, 0xFF);
  }
  return payload;
}

void add_sign(CLI::App* image, ImageOptions& o) {
  auto* sign = image->add_subcommand("sign", "Build a signed image from a raw binary payload");
  sign->add_option("--key", o.key_path, "signing key file (from `pqcea image keygen`)")->required();
  sign->add_option("--alg", o.alg, "expected algorithm of the key (the key file names it): " + image_algorithms());
  sign->add_option("--version", o.version, "image version MAJOR.MINOR.PATCH[+BUILD]")->required();
  sign->add_option("--counter", o.counter, "security counter (anti-rollback), 0..65535")->required();
  sign->add_option("--load-address", o.load_address, "where the bootloader copies and runs the payload")
      ->default_str("0x10300000");
  sign->add_option("--digest", o.digest, "payload digest")->check(CLI::IsMember({"sha-256", "sha3-256"}));
  sign->add_option("--pad-to", o.pad_to, "pad the payload with 0xFF up to this many bytes");
  sign->add_option("in", o.in_path, "payload (raw binary, e.g. objcopy -O binary)")->required();
  sign->add_option("out", o.out_path, "signed image")->required();
  sign->callback([&o] {
    if (!o.alg.empty()) {
      const auto want = image_algorithm(o.alg);
      const auto have = image_step(o.key_path, [&] { return host::boot_image::load_key(o.key_path); });
      if (want.alg != have.alg)
        throw BadInput(o.key_path + ": key of algorithm " + std::string(have.alg->name) + ", not " + want.alg->name +
                       "; expected a key of --alg " + o.alg);
    }
    const auto payload = payload_to_sign(o);
    boot::ImageParams p;
    p.load_address = o.load_address;
    p.version = parse_version(o.version);
    p.security_counter = o.counter;
    p.digest_alg = o.digest == "sha3-256" ? boot::kDigestSha3_256 : boot::kDigestSha256;
    std::vector<std::uint8_t> out;
    try {
      out = image_step(o.key_path, [&] { return host::boot_image::sign_image(o.key_path, p, payload); });
    } catch (const host::stateful::KeyExhausted& e) {
      // As `pqcea sig sign`: exit status 3, the key can never sign again.
      std::cerr << "image sign: " << o.key_path << ": " << e.what() << "\n";
      throw CLI::RuntimeError(kExitExhausted);
    }
    boot::Manifest m;
    if (boot::parse_manifest(out, m) != Status::ok) throw std::logic_error("image sign: own manifest unparsable");
    write_file(o.out_path, out.data(), out.size());
    std::cout << o.out_path << ": " << out.size() << " bytes, payload " << payload.size() << " bytes, "
              << sig_alg_name(m.sig_alg) << " signature " << m.signature_size << " bytes, version "
              << version_string(p.version) << ", security counter " << o.counter << "\n";
  });
}

// The key id `image verify` trusts, from whichever of --pub, --key, --key-id was given.
boot::KeyId trusted_key_id(const ImageOptions& o) {
  boot::KeyId trusted{};
  if (!o.pub_path.empty()) {
    // A trusted key of a length no image algorithm has is a mistake in what was passed, not a verdict.
    Expect e{"an image public key (" + image_algorithms() + ")", {}, 0};
    for (const auto& a : boot::kSigAlgs) e.lengths.insert(e.lengths.end(), {a.pk_min, a.pk_max});
    return key_id_of(read_input(o.pub_path, e));
  }
  if (!o.key_path.empty())
    return key_id_of(image_step(o.key_path, [&] { return host::boot_image::load_key(o.key_path); }).public_key);
  if (o.key_id_hex.empty()) throw BadInput("image verify: give --pub, --key or --key-id (the trusted key)");
  const auto id = host::hex_decode(o.key_id_hex);
  if (!id || id->size() != trusted.size())
    throw BadInput("--key-id " + o.key_id_hex + ": expected 64 hex digits (SHA-256 of the public key, as in OTP)");
  std::copy(id->begin(), id->end(), trusted.begin());
  return trusted;
}

void add_verify(CLI::App* image, ImageOptions& o) {
  auto* verify = image->add_subcommand("verify", "Check an image as the bootloader does");
  auto* o_pub = verify->add_option("--pub", o.pub_path, "trusted public key");
  auto* o_key = verify->add_option("--key", o.key_path, "trusted key, given by its private key file");
  auto* o_id = verify->add_option("--key-id", o.key_id_hex, "trusted key id (64 hex digits, as in OTP)");
  o_pub->excludes(o_key, o_id);
  o_key->excludes(o_id);
  verify->add_option("--counter", o.min_counter, "the device's stored security counter");
  verify->add_option("image", o.in_path, "signed image")->required();
  verify->callback([&o] {
    const boot::KeyId trusted = trusted_key_id(o);
    const auto img = read_input(o.in_path, kImageFile);
    const auto c = host::boot_image::check_image(img, trusted, o.min_counter);
    if (!c.ok) {
      std::cout << o.in_path << ": REJECTED: " << c.reason << "\n";
      throw CLI::RuntimeError(1);
    }
    const auto& out = c.image;
    std::cout << o.in_path << ": OK: " << sig_alg_name(out.manifest.sig_alg) << " signature by key "
              << host::hex_encode(out.manifest.key_id) << ", version " << version_string(out.manifest.version)
              << ", security counter " << out.manifest.security_counter << ", " << digest_name(out.manifest.digest_alg)
              << " " << host::hex_encode(out.manifest.digest) << "\n";
  });
}

void print_manifest_json(const boot::Manifest& m, std::span<const std::uint8_t> manifest_hash, std::size_t file_size) {
  std::cout << "{\"format_version\": " << m.format_version << ", \"sig_alg\": \"" << sig_alg_name(m.sig_alg)
            << "\", \"sig_alg_id\": " << m.sig_alg << ", \"public_key_size\": " << m.public_key_size
            << ", \"signature_size\": " << m.signature_size << ", \"payload_size\": " << m.payload_size
            << ", \"load_address\": " << m.load_address << ", \"version\": \"" << version_string(m.version)
            << "\", \"security_counter\": " << m.security_counter << ", \"digest_alg\": \""
            << digest_name(m.digest_alg) << "\", \"digest\": \"" << host::hex_encode(m.digest) << "\", \"key_id\": \""
            << host::hex_encode(m.key_id) << "\", \"manifest_sha3_256\": \"" << host::hex_encode(manifest_hash)
            << "\", \"image_size\": " << boot::image_size(m) << ", \"file_size\": " << file_size << "}\n";
}

void print_manifest_text(const boot::Manifest& m, std::span<const std::uint8_t> manifest_hash, bool complete) {
  char load[16];
  std::snprintf(load, sizeof load, "0x%08x", m.load_address);
  std::cout << "format version    " << m.format_version << "\n"
            << "payload size      " << m.payload_size << "\n"
            << "load address      " << load << "\n"
            << "version           " << version_string(m.version) << "\n"
            << "security counter  " << m.security_counter << "\n"
            << "digest            " << digest_name(m.digest_alg) << " " << host::hex_encode(m.digest) << "\n"
            << "signer key id     " << host::hex_encode(m.key_id) << "\n"
            << "signature         " << sig_alg_name(m.sig_alg) << " (COSE alg " << m.sig_alg << "), public key "
            << m.public_key_size << " bytes, signature " << m.signature_size << " bytes, over the manifest (SHA3-256 "
            << host::hex_encode(manifest_hash) << ")\n"
            << "image size        " << boot::image_size(m) << (complete ? "" : "  (file size differs!)") << "\n";
}

void add_inspect(CLI::App* image, ImageOptions& o) {
  auto* inspect = image->add_subcommand("inspect", "Show the manifest of an image (no verification)");
  inspect->alias("info");
  inspect->add_flag("--json", o.json, "JSON output");
  inspect->add_option("image", o.in_path, "signed image")->required();
  inspect->callback([&o] {
    const auto img = read_input(o.in_path, kImageFile);
    boot::Manifest m;
    boot::ManifestError err;
    if (boot::parse_manifest(img, m, &err) != Status::ok)
      throw BadInput(o.in_path + ": malformed manifest (" + std::string(boot::to_string(err)) + "); " +
                     expected(kImageFile));
    std::array<std::uint8_t, 32> manifest_hash;
    hash::Sha3_256::hash(manifest_hash.data(), img.data(), boot::kManifestSize);
    if (o.json)
      print_manifest_json(m, manifest_hash, img.size());
    else
      print_manifest_text(m, manifest_hash, img.size() == boot::image_size(m));
  });
}

}  // namespace

void add_image(CLI::App& app) {
  auto* image = app.add_subcommand(
      "image", "Signed firmware images for the secure bootloader (" + image_algorithms() + ")");
  image->require_subcommand(1);
  static ImageOptions options;
  add_keygen(image, options);
  add_sign(image, options);
  add_verify(image, options);
  add_inspect(image, options);
}

}  // namespace pqcea::cli
