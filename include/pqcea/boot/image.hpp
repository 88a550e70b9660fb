// Building signed images (the signing side: `pqcea image sign`, the tests) and reading images that
// sit in memory rather than in a flash area.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/boot/manifest.hpp"
#include "pqcea/boot/port.hpp"
#include "pqcea/core/status.hpp"

namespace pqcea::boot {

// Derives the ML-DSA-87 public key of a 32-byte key seed (FIPS 204 Alg. 6, KeyGen_internal).
[[nodiscard]] Status public_key_from_seed(std::span<const std::uint8_t, 32> seed,
                                          std::span<std::uint8_t, kPublicKeySize> public_key);

// What the signer chooses; the digest and key id are computed.
struct ImageParams {
  std::uint32_t load_address = 0;
  Version version;
  std::uint32_t security_counter = 0;
  std::uint16_t digest_alg = kDigestSha256;
};

// Builds manifest || payload || public key || signature || end marker into `out`, which must be
// exactly kManifestSize + payload.size() + kTrailerSize bytes. The signature is the deterministic
// ML-DSA-87 variant (FIPS 204 §3.4: the same inputs give the same image, so builds are
// reproducible). invalid_argument if a field is out of bounds (see `err`), invalid_length for a
// wrong output size. On failure `out` is zeroed.
[[nodiscard]] Status build_image(std::span<std::uint8_t> out, const ImageParams& params,
                                 std::span<const std::uint8_t> payload, std::span<const std::uint8_t, 32> key_seed,
                                 ManifestError* err = nullptr);

// Lays out an image for any algorithm of kSigAlgs, for a signer that lives elsewhere (the host's
// SLH-DSA, Falcon and stateful HSS signers, src/host/boot/boot_image.cpp): manifest (naming sig_alg and the sizes
// of `public_key` and of the signature to come; format 1 for ML-DSA-87, 2 otherwise) || payload ||
// public key || signature_size zero bytes || end marker. `out` must be exactly
// kManifestSize + payload.size() + public_key.size() + signature_size + kEndMarkerSize bytes. The
// caller signs the manifest (the first kManifestSize bytes; HSS, Falcon: after context_message_prefix()) and
// writes the signature at signature_offset(). invalid_argument with `err` for an out-of-bounds
// field (including a size the algorithm does not allow), invalid_length for a wrong output size.
// On failure `out` is zeroed.
[[nodiscard]] Status layout_image(std::span<std::uint8_t> out, const ImageParams& params,
                                  std::span<const std::uint8_t> payload, std::int32_t sig_alg,
                                  std::span<const std::uint8_t> public_key, std::size_t signature_size,
                                  ManifestError* err = nullptr);

// Re-signs the manifest already at the start of `image` (tests use it to produce validly signed
// images whose fields are otherwise wrong, e.g. a lower counter or a mismatched digest): writes
// the public key, signature and end marker of the key seed at the offsets the manifest implies.
[[nodiscard]] Status resign_image(std::span<std::uint8_t> image, std::span<const std::uint8_t, 32> key_seed);

// A read-only flash area over bytes in memory (a downloaded image, a file). Writes and erases fail.
class MemoryArea final : public Flash {
 public:
  explicit MemoryArea(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::size_t size() const override { return bytes_.size(); }
  std::size_t sector_size() const override { return 1; }
  std::size_t write_align() const override { return 1; }
  Status read(std::size_t off, std::span<std::uint8_t> out) override;
  Status write(std::size_t, std::span<const std::uint8_t>) override { return Status::unsupported; }
  Status erase(std::size_t, std::size_t) override { return Status::unsupported; }

 private:
  std::span<const std::uint8_t> bytes_;
};

}  // namespace pqcea::boot
