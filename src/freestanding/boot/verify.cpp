// The signature verifiers of the boot path (include/pqcea/boot/bootloader.hpp, SigVerifier): each
// checks a manifest signature from the RAM copies validate_image hands it. Kept apart from
// bootloader.cpp so that a bootloader links only the verifiers its list names (--gc-sections drops
// the rest: each SLH-DSA set is its own code).
#include "pqcea/boot/bootloader.hpp"
#include "pqcea/falcon.hpp"
#include "pqcea/lms.hpp"
#include "pqcea/mldsa.hpp"
#include "pqcea/slhdsa.hpp"

namespace pqcea::boot {
namespace {

// An HSS signature read in pieces from its slot (the LMS verifier asks for a few hundred bytes at
// a time), bounded by the size the manifest gave: a read past it is a malformed signature.
class SlotSignature final : public lms::SignatureReader {
 public:
  SlotSignature(Flash& slot, std::size_t offset, std::size_t size) : slot_(&slot), offset_(offset), size_(size) {}
  std::size_t size() const override { return size_; }
  Status read(std::size_t off, std::span<std::uint8_t> out) const override {
    if (off > size_ || out.size() > size_ - off) return Status::invalid_signature;
    return slot_->read(offset_ + off, out);
  }

 private:
  Flash* slot_;
  std::size_t offset_;
  std::size_t size_;
};

}  // namespace

Status verify_mldsa87(const SigCheck& c) {
  using P = mldsa::MlDsa87;
  if (c.public_key.size() != P::pk_bytes || c.signature.size() != P::sig_bytes) return Status::invalid_signature;
  const std::span<const std::uint8_t, P::pk_bytes> pk(c.public_key.data(), P::pk_bytes);
  const std::span<const std::uint8_t, P::sig_bytes> sig(c.signature.data(), P::sig_bytes);
  // Both modes give the same answer; low regenerates matrix A entry by entry (Bos-Renes-Sprenkels)
  // for a third of the stack at about twice the instructions.
  const mldsa::Input input = mldsa::Input::pure(c.manifest, kSignatureContext);
  return c.mldsa_memory == mldsa::Memory::low ? mldsa::verify<P, mldsa::Memory::low>(pk, input, sig)
                                              : mldsa::verify<P, mldsa::Memory::fast>(pk, input, sig);
}

template <class P>
Status verify_slhdsa(const SigCheck& c) {
  // slh_verify (FIPS 205 Alg. 24) checks both lengths itself (Alg. 20 step 1).
  return slhdsa::verify<P>(c.public_key, slhdsa::Input::pure(c.manifest, kSignatureContext), c.signature);
}
template Status verify_slhdsa<slhdsa::Sha2_128s>(const SigCheck&);
template Status verify_slhdsa<slhdsa::Sha2_128f>(const SigCheck&);
template Status verify_slhdsa<slhdsa::Sha2_192s>(const SigCheck&);
template Status verify_slhdsa<slhdsa::Sha2_192f>(const SigCheck&);
template Status verify_slhdsa<slhdsa::Sha2_256s>(const SigCheck&);
template Status verify_slhdsa<slhdsa::Sha2_256f>(const SigCheck&);
template Status verify_slhdsa<slhdsa::Shake_128s>(const SigCheck&);
template Status verify_slhdsa<slhdsa::Shake_128f>(const SigCheck&);
template Status verify_slhdsa<slhdsa::Shake_192s>(const SigCheck&);
template Status verify_slhdsa<slhdsa::Shake_192f>(const SigCheck&);
template Status verify_slhdsa<slhdsa::Shake_256s>(const SigCheck&);
template Status verify_slhdsa<slhdsa::Shake_256f>(const SigCheck&);

Status verify_hss(const SigCheck& c) {
  if (c.slot == nullptr) return Status::invalid_argument;
  const SlotSignature sig(*c.slot, c.signature_offset, c.signature_size);
  // RFC 8554 §6.3: levels 0..L-2 are checked in start(); the bottom LMS signature over the message
  // (the domain-separation prefix, then the manifest) in finish(), which also refuses a signature
  // with bytes left over.
  lms::HssVerifier v;
  const Status s = v.start(c.public_key, sig);
  if (s != Status::ok) return s;
  const auto prefix = context_message_prefix();
  v.update(prefix);
  v.update(c.manifest);
  return v.finish();
}

Status verify_falcon1024(const SigCheck& c) {
  using P = falcon::Falcon1024;
  if (c.public_key.size() != P::pk_bytes || c.signature.size() != P::sig_padded_bytes) return Status::invalid_signature;
  // Falcon hashes the message with the signature's nonce (spec §3.7 HashToPoint), so the framed
  // message is assembled here: 15 + 128 bytes on the stack.
  std::uint8_t msg[kContextMessagePrefixSize + kManifestSize];
  if (c.manifest.size() != kManifestSize) return Status::invalid_argument;
  const auto prefix = context_message_prefix();
  for (std::size_t i = 0; i < prefix.size(); ++i) msg[i] = prefix[i];
  for (std::size_t i = 0; i < kManifestSize; ++i) msg[prefix.size() + i] = c.manifest[i];
  return falcon::verify<P>(std::span<const std::uint8_t, P::pk_bytes>(c.public_key.data(), P::pk_bytes), msg,
                           c.signature, falcon::Format::padded);
}

// Every row of kSigAlgs, in its order.
constexpr SigVerifier kAll[] = {
    kVerifyMlDsa87,
    kVerifyHssLms,
    kVerifySlhDsaSha2_128s,
    {kSigAlgSlhDsaSha2_128f, false, &verify_slhdsa<slhdsa::Sha2_128f>},
    {kSigAlgSlhDsaSha2_192s, false, &verify_slhdsa<slhdsa::Sha2_192s>},
    {kSigAlgSlhDsaSha2_192f, false, &verify_slhdsa<slhdsa::Sha2_192f>},
    {kSigAlgSlhDsaSha2_256s, false, &verify_slhdsa<slhdsa::Sha2_256s>},
    {kSigAlgSlhDsaSha2_256f, false, &verify_slhdsa<slhdsa::Sha2_256f>},
    kVerifySlhDsaShake_128s,
    {kSigAlgSlhDsaShake_128f, false, &verify_slhdsa<slhdsa::Shake_128f>},
    {kSigAlgSlhDsaShake_192s, false, &verify_slhdsa<slhdsa::Shake_192s>},
    {kSigAlgSlhDsaShake_192f, false, &verify_slhdsa<slhdsa::Shake_192f>},
    {kSigAlgSlhDsaShake_256s, false, &verify_slhdsa<slhdsa::Shake_256s>},
    {kSigAlgSlhDsaShake_256f, false, &verify_slhdsa<slhdsa::Shake_256f>},
    kVerifyFalcon1024,
};
static_assert(sizeof kAll / sizeof kAll[0] == sizeof kSigAlgs / sizeof kSigAlgs[0]);

std::span<const SigVerifier> all_verifiers() { return kAll; }

}  // namespace pqcea::boot
