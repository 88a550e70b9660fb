// Host signers of firmware images (include/pqcea/host/boot_image.hpp): key files and image
// signing for ML-DSA-87, every SLH-DSA set, Falcon-1024 and HSS/LMS.
#include "pqcea/host/boot_image.hpp"

#include <cstring>
#include <memory>
#include <stdexcept>

#include "pqcea/boot/manifest.hpp"
#include "pqcea/core/bytes.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/falcon.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/host/secret_file.hpp"
#include "pqcea/host/stateful.hpp"
#include "pqcea/slhdsa.hpp"

namespace pqcea::host::boot_image {
namespace {

constexpr char kSlhMagic[8] = {'P', 'Q', 'C', 'E', 'A', '-', 'I', 'K'};  // SLH-DSA and Falcon key files
using Falcon = falcon::Falcon1024;
constexpr char kStatefulMagic[8] = {'P', 'Q', 'C', 'E', 'A', '-', 'S', 'K'};
constexpr std::size_t kSlhHeader = sizeof kSlhMagic + 4;

// Far above the largest image key file (Falcon-1024: 12 + 2305 + 1793 bytes; HSS key files are
// smaller); the bound on what reading a key file takes.
constexpr std::size_t kMaxKeyFileBytes = 1 << 16;

SecretBytes read_key_file(const std::string& path) { return read_secret_file(path, kMaxKeyFileBytes); }

bool starts_with(std::span<const std::uint8_t> b, const char (&magic)[8]) {
  if (b.size() < 8) return false;
  for (std::size_t i = 0; i < 8; ++i)
    if (b[i] != static_cast<std::uint8_t>(magic[i])) return false;
  return true;
}

// Runs f.template operator()<P>() for the SLH-DSA parameter set of an image algorithm id.
template <class F>
void with_slhdsa(std::int32_t id, F&& f) {
  using namespace slhdsa;
  switch (id) {
    case boot::kSigAlgSlhDsaSha2_128s: return f.template operator()<Sha2_128s>();
    case boot::kSigAlgSlhDsaSha2_128f: return f.template operator()<Sha2_128f>();
    case boot::kSigAlgSlhDsaSha2_192s: return f.template operator()<Sha2_192s>();
    case boot::kSigAlgSlhDsaSha2_192f: return f.template operator()<Sha2_192f>();
    case boot::kSigAlgSlhDsaSha2_256s: return f.template operator()<Sha2_256s>();
    case boot::kSigAlgSlhDsaSha2_256f: return f.template operator()<Sha2_256f>();
    case boot::kSigAlgSlhDsaShake_128s: return f.template operator()<Shake_128s>();
    case boot::kSigAlgSlhDsaShake_128f: return f.template operator()<Shake_128f>();
    case boot::kSigAlgSlhDsaShake_192s: return f.template operator()<Shake_192s>();
    case boot::kSigAlgSlhDsaShake_192f: return f.template operator()<Shake_192f>();
    case boot::kSigAlgSlhDsaShake_256s: return f.template operator()<Shake_256s>();
    case boot::kSigAlgSlhDsaShake_256f: return f.template operator()<Shake_256f>();
    default: throw std::invalid_argument("not an SLH-DSA image algorithm");
  }
}

std::size_t hss_sig_size(const std::vector<stateful::LmsLevel>& levels) {
  // u32str(Nspk) || for i < L-1: (signature by level i, public key of level i+1) || bottom signature.
  std::size_t n = 4;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    n += lms::lms_sig_bytes(*levels[i].lms, *levels[i].ots);
    if (i + 1 < levels.size()) n += lms::lms_pk_bytes(*levels[i + 1].lms);
  }
  return n;
}

std::string rule_broken(Status s, boot::ManifestError e) {
  return e != boot::ManifestError::none ? boot::to_string(e) : to_string(s);
}

// Reads an SLH-DSA or Falcon image key file: the algorithm row and the key bytes after the header
// (SLH-DSA: the FIPS 205 private key; Falcon: private key || public key).
std::size_t key_body_bytes(const boot::SigAlgInfo& a) {
  // SLH-DSA: sk = SK.seed || SK.prf || PK.seed || PK.root, twice the public key (FIPS 205 §9.1).
  return a.family == boot::SigFamily::falcon ? Falcon::sk_bytes + Falcon::pk_bytes : 2 * std::size_t{a.pk_max};
}
struct ImageKey {
  const boot::SigAlgInfo* alg;
  std::span<const std::uint8_t> body;  // a view into the key file's SecretBytes
};
ImageKey parse_slh_key(std::span<const std::uint8_t> file, const std::string& path) {
  if (file.size() < kSlhHeader) throw InputError(path + ": truncated image key file (" + std::to_string(file.size()) + " bytes)");
  const auto id = static_cast<std::int32_t>(load32_le(file.data() + sizeof kSlhMagic));
  const boot::SigAlgInfo* a = boot::find_sig_alg(id);
  if (a == nullptr || (a->family != boot::SigFamily::slhdsa && a->family != boot::SigFamily::falcon))
    throw InputError(path + ": unknown algorithm id " + std::to_string(id) + " in image key file");
  if (file.size() != kSlhHeader + key_body_bytes(*a))
    throw InputError(path + ": " + std::to_string(file.size()) + " bytes; expected a " + a->name +
                                " key file (" + std::to_string(kSlhHeader + key_body_bytes(*a)) + " bytes)");
  return {a, file.subspan(kSlhHeader)};
}

// An SLH-DSA or Falcon key file of its final size with the header filled in; the caller writes the
// body in place (no growing buffer, so no stray copies of the key).
SecretBytes new_image_key_file(const boot::SigAlgInfo& a) {
  SecretBytes file(kSlhHeader + key_body_bytes(a));
  std::memcpy(file.data(), kSlhMagic, sizeof kSlhMagic);
  store32_le(file.data() + sizeof kSlhMagic, static_cast<std::uint32_t>(a.id));
  return file;
}

// Falcon-1024 key generation into a key file body (sk || pk).
std::vector<std::uint8_t> falcon_keygen(rng::RandomSource& rng, std::span<std::uint8_t> body) {
  SecretBytes ws(falcon::Budget<Falcon>::keygen_workspace_bytes);
  const auto sk = body.first<Falcon::sk_bytes>();
  const auto pk = body.subspan<Falcon::sk_bytes, Falcon::pk_bytes>();
  const Status s = falcon::keygen<Falcon>(pk, sk, rng, ws.span());
  if (s != Status::ok) throw std::runtime_error(std::string("Falcon-1024 key generation failed: ") + to_string(s));
  return std::vector<std::uint8_t>(pk.begin(), pk.end());
}

}  // namespace

AlgorithmChoice parse_algorithm(const std::string& name) {
  if (const boot::SigAlgInfo* a = boot::find_sig_alg(name.c_str()); a != nullptr) return {a, ""};
  if (name.rfind("LMS_", 0) == 0) {
    (void)stateful::parse_hss_levels(name);  // throws std::invalid_argument for a bad level list
    return {boot::find_sig_alg(boot::kSigAlgHssLms), name};
  }
  std::string known;
  for (const auto& a : boot::kSigAlgs) known += std::string(known.empty() ? "" : ", ") + a.name;
  throw std::invalid_argument("unknown image signature algorithm " + name + " (one of " + known +
                              ", or HSS levels such as LMS_SHA256_M32_H10/LMOTS_SHA256_N32_W4)");
}

std::vector<std::uint8_t> keygen(const AlgorithmChoice& choice, const std::string& sk_path, rng::RandomSource& rng,
                                 std::span<const std::uint8_t> seed, Replace replace) {
  const boot::SigAlgInfo& a = *choice.alg;
  if (!seed.empty() && a.family != boot::SigFamily::mldsa)
    throw std::invalid_argument("a given seed applies to ML-DSA-87 keys only");
  if (a.family == boot::SigFamily::mldsa) {
    SecretBytes s(32);
    if (!seed.empty()) {
      if (seed.size() != 32) throw std::invalid_argument("an ML-DSA-87 seed has 32 bytes");
      std::memcpy(s.data(), seed.data(), 32);
    } else if (rng.generate(s.span()) != Status::ok) {
      throw std::runtime_error("no entropy");
    }
    std::vector<std::uint8_t> pk(boot::kPublicKeySize);
    if (boot::public_key_from_seed(s.first<32>(), std::span<std::uint8_t, boot::kPublicKeySize>(pk.data(), pk.size())) !=
        Status::ok)
      throw std::runtime_error("key generation failed");
    write_secret_file(sk_path, s.span(), replace);
    return pk;
  }
  if (a.family == boot::SigFamily::hss) {
    // Without `replace`, never overwrites: an HSS key file's state must not be replaced unnoticed.
    const auto levels = stateful::parse_hss_levels(choice.hss_levels.empty() ? stateful::kDefaultHssLevels
                                                                             : choice.hss_levels);
    stateful::HssSigner::generate(sk_path, levels, rng, replace);
    return stateful::HssSigner(sk_path).public_key();
  }
  SecretBytes file = new_image_key_file(a);
  const std::span<std::uint8_t> body = file.span().subspan(kSlhHeader);
  std::vector<std::uint8_t> pk;
  if (a.family == boot::SigFamily::falcon) {
    pk = falcon_keygen(rng, body);
  } else {
    with_slhdsa(a.id, [&]<class P>() {
      // The FIPS 205 private key ends with the public key (PK.seed || PK.root).
      std::array<std::uint8_t, P::pk_bytes> p{};
      if (slhdsa::keygen<P>(p, body.first<P::sk_bytes>(), rng) != Status::ok)
        throw std::runtime_error("SLH-DSA key generation failed");
      pk.assign(p.begin(), p.end());
    });
  }
  write_secret_file(sk_path, file.span(), replace);
  return pk;
}

KeyInfo load_key(const std::string& sk_path) {
  const SecretBytes file = read_key_file(sk_path);
  if (file.size() == 32) {
    std::vector<std::uint8_t> pk(boot::kPublicKeySize);
    if (boot::public_key_from_seed(file.first<32>(), std::span<std::uint8_t, boot::kPublicKeySize>(pk.data(), pk.size())) !=
        Status::ok)
      throw std::runtime_error("key generation failed");
    return {boot::find_sig_alg(boot::kSigAlgMlDsa87), pk, 0};
  }
  if (starts_with(file.span(), kSlhMagic)) {
    const ImageKey key = parse_slh_key(file.span(), sk_path);
    // Both layouts end with the public key.
    const auto pk = key.body.last(key.alg->pk_max);
    return {key.alg, std::vector<std::uint8_t>(pk.begin(), pk.end()), 0};
  }
  if (starts_with(file.span(), kStatefulMagic)) {
    const auto view = stateful::parse_key_file(file.span());
    if (view.family != stateful::Family::hss)
      throw InputError(sk_path + ": an XMSS key; expected an image signing key (ML-DSA-87, SLH-DSA, Falcon-1024 or HSS-LMS)");
    stateful::HssSigner signer(sk_path);
    return {boot::find_sig_alg(boot::kSigAlgHssLms), signer.public_key(), signer.capacity() - signer.next_index()};
  }
  throw InputError(sk_path + ": not an image signing key; expected an ML-DSA-87 seed (32 bytes), an SLH-DSA or Falcon-1024 key file, or an HSS-LMS key file (from `pqcea image keygen`)");
}

std::size_t hss_signature_size(const std::string& levels) { return hss_sig_size(stateful::parse_hss_levels(levels)); }

namespace {

// The unsigned image for a format-2 algorithm: manifest, payload, public key, a zeroed signature
// field of sig_size bytes and the end marker; `m` is its parsed manifest (where the signature goes).
std::vector<std::uint8_t> unsigned_image(const boot::ImageParams& params, std::span<const std::uint8_t> payload,
                                         std::int32_t alg_id, std::span<const std::uint8_t> pk, std::size_t sig_size,
                                         boot::Manifest& m) {
  std::vector<std::uint8_t> out(boot::kManifestSize + payload.size() + pk.size() + sig_size + boot::kEndMarkerSize);
  boot::ManifestError err = boot::ManifestError::none;
  const Status s = boot::layout_image(out, params, payload, alg_id, pk, sig_size, &err);
  if (s != Status::ok) throw InputError("image sign: " + rule_broken(s, err));
  if (boot::parse_manifest(out, m) != Status::ok) throw std::logic_error("image sign: own manifest unparsable");
  return out;
}

// What HSS and Falcon sign (they have no context input): the framed boot context, then the
// manifest (manifest.hpp, context_message_prefix).
std::vector<std::uint8_t> framed_manifest(std::span<const std::uint8_t> image) {
  const auto prefix = boot::context_message_prefix();
  std::vector<std::uint8_t> msg(prefix.size() + boot::kManifestSize);
  std::copy(prefix.begin(), prefix.end(), msg.begin());
  std::copy_n(image.begin(), boot::kManifestSize, msg.begin() + static_cast<std::ptrdiff_t>(prefix.size()));
  return msg;
}

}  // namespace

std::vector<std::uint8_t> sign_image(const std::string& sk_path, const boot::ImageParams& params,
                                     std::span<const std::uint8_t> payload) {
  if (payload.size() > boot::kMaxPayloadSize) throw InputError("payload of " + std::to_string(payload.size()) + " bytes; at most 16 MiB");
  const SecretBytes file = read_key_file(sk_path);
  boot::ManifestError err = boot::ManifestError::none;

  if (file.size() == 32) {  // ML-DSA-87: the freestanding signer, format 1
    std::vector<std::uint8_t> out(boot::kManifestSize + payload.size() + boot::kTrailerSize);
    const Status s =
        boot::build_image(out, params, payload, file.first<32>(), &err);
    if (s != Status::ok) throw InputError("image sign: " + rule_broken(s, err));
    return out;
  }

  if (starts_with(file.span(), kSlhMagic)) {
    const ImageKey parsed = parse_slh_key(file.span(), sk_path);
    const boot::SigAlgInfo* a = parsed.alg;
    const std::span<const std::uint8_t> sk = parsed.body;
    std::vector<std::uint8_t> out;
    if (a->family == boot::SigFamily::falcon) {
      const auto key = sk.first<Falcon::sk_bytes>();
      const auto pk = sk.subspan<Falcon::sk_bytes, Falcon::pk_bytes>();
      boot::Manifest m;
      out = unsigned_image(params, payload, a->id, pk, Falcon::sig_padded_bytes, m);
      // Falcon has no context input: the framed manifest (as for HSS). Signing is randomized (the
      // nonce and the sampler seed come from the system DRBG, spec §3.9), so Falcon images are not
      // byte-reproducible; the padded format keeps their size fixed.
      const std::vector<std::uint8_t> msg = framed_manifest(out);
      SecretBytes ws(falcon::Budget<Falcon>::sign_workspace_bytes);  // holds key-derived values
      std::size_t sig_len = 0;
      const std::span<std::uint8_t> sig(out.data() + boot::signature_offset(m), Falcon::sig_padded_bytes);
      const Status ss =
          falcon::sign<Falcon>(sig, sig_len, key, msg, falcon::Format::padded, host::system_rng(), ws.span());
      if (ss != Status::ok || sig_len != Falcon::sig_padded_bytes)
        throw std::runtime_error(std::string("image sign: Falcon-1024: ") + to_string(ss));
      // The floating-point signer is checked by the integer verifier before the image leaves.
      if (falcon::verify<Falcon>(pk, msg, sig, falcon::Format::padded) != Status::ok)
        throw std::runtime_error("image sign: Falcon-1024 signature does not verify");
      return out;
    }
    with_slhdsa(a->id, [&]<class P>() {
      const auto key = sk.template first<P::sk_bytes>();
      const auto pk = key.template last<P::pk_bytes>();
      boot::Manifest m;
      out = unsigned_image(params, payload, a->id, pk, P::sig_bytes, m);
      // FIPS 205 Alg. 22 (pure) over the manifest with the boot context; the deterministic variant
      // (opt_rand = PK.seed, §9.2) so that equal inputs give byte-identical images, as for ML-DSA.
      const std::span<const std::uint8_t> manifest(out.data(), boot::kManifestSize);
      const Status ss = slhdsa::sign_deterministic<P>(
          std::span<std::uint8_t, P::sig_bytes>(out.data() + boot::signature_offset(m), P::sig_bytes), key,
          slhdsa::Input::pure(manifest, boot::kSignatureContext));
      if (ss != Status::ok) throw std::runtime_error(std::string("image sign: SLH-DSA: ") + to_string(ss));
    });
    return out;
  }

  if (starts_with(file.span(), kStatefulMagic)) {
    if (stateful::parse_key_file(file.span()).family != stateful::Family::hss)
      throw InputError(sk_path + ": an XMSS key; expected an image signing key (ML-DSA-87, SLH-DSA, Falcon-1024 or HSS-LMS)");
    stateful::HssSigner signer(sk_path);
    const std::vector<std::uint8_t> pk = signer.public_key();
    const std::size_t sig_size = hss_sig_size(signer.levels());
    boot::Manifest m;
    std::vector<std::uint8_t> out = unsigned_image(params, payload, boot::kSigAlgHssLms, pk, sig_size, m);
    // sign() advances the key file durably before it signs: an index is used at most once, even if
    // this process dies right after.
    const std::vector<std::uint8_t> msg = framed_manifest(out);
    const std::vector<std::uint8_t> sig = signer.sign(msg);
    if (sig.size() != sig_size) throw std::logic_error("image sign: HSS signature of an unexpected length");
    std::copy(sig.begin(), sig.end(), out.begin() + static_cast<std::ptrdiff_t>(boot::signature_offset(m)));
    return out;
  }
  throw InputError(sk_path + ": not an image signing key; expected an ML-DSA-87 seed (32 bytes), an SLH-DSA or Falcon-1024 key file, or an HSS-LMS key file (from `pqcea image keygen`)");
}

std::string version_string(const boot::Version& v) {
  return std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch) + "+" +
         std::to_string(v.build);
}

ImageCheck check_image(std::span<const std::uint8_t> file, const boot::KeyId& trusted, std::uint32_t stored_counter) {
  ImageCheck c;
  boot::MemoryArea area(file);
  // The payload goes to the load address the manifest names (if it parses; the validation reports
  // the manifest error otherwise).
  boot::Manifest m;
  std::uint32_t base = 0;
  if (boot::parse_manifest(file, m) == Status::ok) {
    // A file is exactly one image: a cut or an extended file is named as such (in a flash slot the
    // bootloader sees the same cut as a missing end marker).
    if (file.size() != boot::image_size(m)) {
      c.reason = "file has " + std::to_string(file.size()) + " bytes, the manifest describes an image of " +
                 std::to_string(boot::image_size(m)) + (file.size() < boot::image_size(m) ? " (truncated)" : " (trailing bytes)");
      return c;
    }
    c.payload.resize(m.payload_size);
    base = m.load_address;
  }
  // Room for every in-RAM signature (SLH-DSA-*-256f) and every algorithm of the format; on the heap,
  // as host tools and several stations may check images at once.
  auto ws = std::make_unique<boot::LargeValidateWorkspace>();
  boot::fih::FlowCounter flow;
  const auto v = boot::validate_image(area, std::span<const boot::KeyId>(&trusted, 1), stored_counter,
                                      boot::ExecRegion{base, c.payload}, *ws, c.image, c.why, flow, mldsa::Memory::fast,
                                      boot::all_verifiers());
  if (v != boot::Verdict::accept || flow.value() != boot::flow::kImageValid) {
    c.reason = boot::to_string(c.why.reason);
    if (c.why.reason == boot::Reject::manifest) c.reason += std::string(": ") + boot::to_string(c.why.manifest_error);
    if (c.why.reason == boot::Reject::rollback)
      c.reason += ": image " + std::to_string(c.why.image_counter) + " < stored " + std::to_string(c.why.stored_counter);
    c.payload.clear();
    return c;
  }
  c.ok = true;
  return c;
}

}  // namespace pqcea::host::boot_image
