// Signing firmware images on the host with any algorithm of the image format (docs/secure-boot.md,
// "Signature algorithms"): the private-key files of `pqcea image keygen|sign` and the signers
// behind them. ML-DSA-87, SLH-DSA and Falcon-1024 sign through the freestanding code; HSS/LMS
// through the crash-safe stateful key file (include/pqcea/host/stateful.hpp), so no LMS index is
// ever used twice.
//
// Private key files, told apart by their content:
//   ML-DSA-87  the 32-byte seed (FIPS 204 §3.6.1), as before;
//   SLH-DSA    "PQCEA-IK" || int32 LE image sig_alg id || the FIPS 205 private key (4n bytes);
//   Falcon-1024  "PQCEA-IK" || int32 LE id || private key (2305 bytes) || public key (1793 bytes);
//   HSS-LMS    the stateful key file ("PQCEA-SK", family 1; the same file `pqcea sig` uses).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <span>
#include <string>
#include <vector>

#include "pqcea/boot/bootloader.hpp"
#include "pqcea/boot/image.hpp"
#include "pqcea/boot/manifest.hpp"
#include "pqcea/host/secret_file.hpp"
#include "pqcea/rng/entropy.hpp"

namespace pqcea::host::boot_image {

// The caller's input is wrong: a file that is no image key (or of the wrong length), or an image
// field the manifest format refuses (the message names the file or the rule). `pqcea image` exits 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What --alg names: a kSigAlgs name ("ML-DSA-87", "SLH-DSA-SHA2-128s", "HSS-LMS", "Falcon-1024") or an HSS level
// list as `pqcea sig` takes it ("LMS_SHA256_M32_H10/LMOTS_SHA256_N32_W4[,...]"), which means HSS-LMS
// with those levels. std::invalid_argument for anything else.
struct AlgorithmChoice {
  const boot::SigAlgInfo* alg;
  std::string hss_levels;  // HSS-LMS only; empty: stateful::kDefaultHssLevels
};
AlgorithmChoice parse_algorithm(const std::string& name);

// Creates the private-key file by write_secret_file (mode 0600; an existing file is replaced only
// with Replace::yes, host::SecretFileExists otherwise) and returns the public key.
// `seed` (ML-DSA-87 only, 32 bytes) replaces the random seed.
std::vector<std::uint8_t> keygen(const AlgorithmChoice& choice, const std::string& sk_path, rng::RandomSource& rng,
                                 std::span<const std::uint8_t> seed = {}, Replace replace = Replace::no);

// A loaded private key: its algorithm and public key. HSS keys are only read here; the index
// advances in sign_image.
struct KeyInfo {
  const boot::SigAlgInfo* alg;
  std::vector<std::uint8_t> public_key;
  std::uint64_t signatures_left = 0;  // HSS only
};
// InputError for a file that is no image key (stateful::StateCorrupt for a damaged HSS key file;
// host::SecretFileError when it cannot be read).
KeyInfo load_key(const std::string& sk_path);

// Builds manifest || payload || public key || signature || end marker. ML-DSA-87 and SLH-DSA sign
// deterministically (equal inputs, equal images); Falcon-1024 signs randomized (system DRBG). HSS reserves the next index durably before it
// signs (stateful::KeyExhausted when none is left). InputError on a bad field (with the manifest
// rule broken) or a file that is no image key; std::runtime_error when signing itself fails.
std::vector<std::uint8_t> sign_image(const std::string& sk_path, const boot::ImageParams& params,
                                     std::span<const std::uint8_t> payload);

// Checks a whole image file as the bootloader does (every algorithm of the format), against one
// trusted key id and the device's stored security counter: what `pqcea image verify` and the
// OCPP station (firmware update, L01) run. The file must be exactly one image.
struct ImageCheck {
  bool ok = false;
  boot::Rejection why;       // when not ok (reason none: the file length is wrong, see `reason`)
  std::string reason;        // when not ok, in words
  boot::ValidatedImage image;  // when ok
  std::vector<std::uint8_t> payload;  // when ok: the checked payload
};
ImageCheck check_image(std::span<const std::uint8_t> file, const boot::KeyId& trusted, std::uint32_t stored_counter);
// "1.2.3+4"
std::string version_string(const boot::Version& v);

// The exact length of the HSS signature of a key with these levels (RFC 8554 §6.2).
std::size_t hss_signature_size(const std::string& levels);

}  // namespace pqcea::host::boot_image
