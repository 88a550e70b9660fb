// Signing side of the image format: build_image (`pqcea image sign`) and resign_image (tests).
#include "pqcea/boot/image.hpp"

#include "pqcea/core/bytes.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/mldsa.hpp"

namespace pqcea::boot {
namespace {

using P = mldsa::MlDsa87;
static_assert(P::pk_bytes == kPublicKeySize && P::sig_bytes == kSignatureSize);

void zero(std::span<std::uint8_t> b) {
  for (auto& x : b) x = 0;
}

// Writes public key, signature (over the manifest at the start of `image`) and end marker.
Status sign_trailer(std::span<std::uint8_t> image, const Manifest& m, std::span<const std::uint8_t, 32> key_seed,
                    std::span<const std::uint8_t, kPublicKeySize> pk) {
  std::uint8_t* base = image.data();
  for (std::size_t i = 0; i < kPublicKeySize; ++i) base[public_key_offset(m) + i] = pk[i];
  // FIPS 204 Alg. 2 (pure ML-DSA) over the 128 manifest bytes with the boot context string; the
  // deterministic variant (§3.4) so that equal inputs give byte-identical images.
  const std::span<const std::uint8_t> manifest(base, kManifestSize);
  const Status s = mldsa::sign_deterministic<P>(std::span<std::uint8_t, kSignatureSize>(base + signature_offset(m), kSignatureSize),
                                                mldsa::PrivateKey<P>::seed(key_seed),
                                                mldsa::Input::pure(manifest, kSignatureContext));
  if (s != Status::ok) return s;
  for (std::size_t i = 0; i < 4; ++i) base[end_marker_offset(m) + i] = kEndMagic[i];
  store32_le(base + end_marker_offset(m) + 4, static_cast<std::uint32_t>(image_size(m)));
  return Status::ok;
}

}  // namespace

Status public_key_from_seed(std::span<const std::uint8_t, 32> seed, std::span<std::uint8_t, kPublicKeySize> public_key) {
  struct Expanded {
    std::array<std::uint8_t, P::sk_bytes> sk;
  } expanded;
  WipeOnExit<Expanded> wipe(expanded);  // the expanded private key is as secret as the seed
  // Low-memory mode: the device derives its identity key with it (a few KB of stack, not the
  // expanded matrix A).
  return mldsa::keygen_internal<P, mldsa::Memory::low>(public_key, expanded.sk, seed);
}

Status build_image(std::span<std::uint8_t> out, const ImageParams& params, std::span<const std::uint8_t> payload,
                   std::span<const std::uint8_t, 32> key_seed, ManifestError* err) {
  if (err != nullptr) *err = ManifestError::none;
  if (payload.size() > kMaxPayloadSize || out.size() != kManifestSize + payload.size() + kTrailerSize) {
    zero(out);
    return Status::invalid_length;
  }
  std::array<std::uint8_t, kPublicKeySize> pk;
  Status s = public_key_from_seed(key_seed, pk);
  if (s != Status::ok) {
    zero(out);
    return s;
  }
  Manifest m;
  m.payload_size = static_cast<std::uint32_t>(payload.size());
  m.load_address = params.load_address;
  m.version = params.version;
  m.security_counter = params.security_counter;
  m.digest_alg = params.digest_alg;
  key_id_of(pk, m.key_id);
  s = payload_digest(m.digest_alg, payload, m.digest);
  if (s == Status::ok) s = encode_manifest(m, out.first<kManifestSize>(), err);
  if (s == Status::ok) {
    for (std::size_t i = 0; i < payload.size(); ++i) out[kManifestSize + i] = payload[i];
    s = sign_trailer(out, m, key_seed, pk);
  }
  if (s != Status::ok) zero(out);
  return s;
}

Status layout_image(std::span<std::uint8_t> out, const ImageParams& params, std::span<const std::uint8_t> payload,
                    std::int32_t sig_alg, std::span<const std::uint8_t> public_key, std::size_t signature_size,
                    ManifestError* err) {
  if (err != nullptr) *err = ManifestError::none;
  // Sizes are bounded before they are added (kSigAlgs bounds them again in encode_manifest).
  if (payload.size() > kMaxPayloadSize || public_key.size() > kMaxPublicKeyBytes || signature_size > kMaxSignatureBytes ||
      out.size() != kManifestSize + payload.size() + public_key.size() + signature_size + kEndMarkerSize) {
    zero(out);
    return Status::invalid_length;
  }
  Manifest m;
  m.sig_alg = sig_alg;
  m.public_key_size = static_cast<std::uint32_t>(public_key.size());
  m.signature_size = static_cast<std::uint32_t>(signature_size);
  m.payload_size = static_cast<std::uint32_t>(payload.size());
  m.load_address = params.load_address;
  m.version = params.version;
  m.security_counter = params.security_counter;
  m.digest_alg = params.digest_alg;
  key_id_of(public_key, m.key_id);
  Status s = payload_digest(m.digest_alg, payload, m.digest);
  if (s == Status::ok) s = encode_manifest(m, out.first<kManifestSize>(), err);
  if (s != Status::ok) {
    zero(out);
    return s;
  }
  std::uint8_t* base = out.data();
  for (std::size_t i = 0; i < payload.size(); ++i) base[kManifestSize + i] = payload[i];
  for (std::size_t i = 0; i < public_key.size(); ++i) base[public_key_offset(m) + i] = public_key[i];
  for (std::size_t i = 0; i < signature_size; ++i) base[signature_offset(m) + i] = 0;
  for (std::size_t i = 0; i < 4; ++i) base[end_marker_offset(m) + i] = kEndMagic[i];
  store32_le(base + end_marker_offset(m) + 4, static_cast<std::uint32_t>(image_size(m)));
  return Status::ok;
}

Status resign_image(std::span<std::uint8_t> image, std::span<const std::uint8_t, 32> key_seed) {
  if (image.size() < kManifestSize) return Status::invalid_length;
  // Read the manifest's size fields without the strict parser: tests re-sign manifests that are
  // deliberately out of profile in other respects.
  Manifest m;
  m.payload_size = load32_le(image.data() + offset::payload_size);
  if (m.payload_size > kMaxPayloadSize || image.size() != image_size(m)) return Status::invalid_length;
  std::array<std::uint8_t, kPublicKeySize> pk;
  const Status s = public_key_from_seed(key_seed, pk);
  if (s != Status::ok) return s;
  return sign_trailer(image, m, key_seed, pk);
}

Status MemoryArea::read(std::size_t off, std::span<std::uint8_t> out) {
  if (off > bytes_.size() || out.size() > bytes_.size() - off) return Status::invalid_argument;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = bytes_[off + i];
  return Status::ok;
}

}  // namespace pqcea::boot
