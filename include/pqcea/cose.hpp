// COSE_Sign1 (RFC 9052 §4.2) with a deterministic, strictly checked header profile:
//
//   COSE_Sign1_Tagged = #6.18([
//       protected:   bstr .cbor {1: alg},        ; exactly one entry, alg an integer
//       unprotected: {4: kid},                   ; exactly one entry, kid = SHA-256(public key)
//       payload:     bstr,                       ; attached (detached payloads are rejected)
//       signature:   bstr
//   ])
//
// The signature covers the Sig_structure of RFC 9052 §4.4:
//   ["Signature1", protected (bstr), external_aad = h'' , payload (bstr)]
//
// Signing and verification go through the small Signer/Verifier interfaces below so this layer
// does not depend on a particular signature implementation. The shipped implementation is
// ML-DSA (include/pqcea/attest/mldsa_cose.hpp); COSE algorithm ids from RFC 9964.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/cbor.hpp"
#include "pqcea/core/status.hpp"

namespace pqcea::cose {

// COSE algorithm identifiers (IANA COSE Algorithms registry, RFC 9964).
inline constexpr std::int64_t kAlgMlDsa44 = -48;
inline constexpr std::int64_t kAlgMlDsa65 = -49;
inline constexpr std::int64_t kAlgMlDsa87 = -50;
constexpr bool is_mldsa_alg(std::int64_t alg) {
  return alg == kAlgMlDsa44 || alg == kAlgMlDsa65 || alg == kAlgMlDsa87;
}

// COSE header labels (RFC 9052 §3.1) and the COSE_Sign1 tag (§4.2).
inline constexpr std::int64_t kHeaderAlg = 1;
inline constexpr std::int64_t kHeaderKid = 4;
inline constexpr std::uint64_t kTagSign1 = 18;

// kid = SHA-256 of the raw public key bytes.
inline constexpr std::size_t kKidSize = 32;
void compute_kid(std::span<const std::uint8_t> public_key, std::span<std::uint8_t, kKidSize> kid);

// Produces signatures over the Sig_structure bytes.
class Signer {
 public:
  virtual std::int64_t alg() const = 0;
  // Exact signature length (ML-DSA signatures have a fixed size per parameter set).
  virtual std::size_t signature_size() const = 0;
  // Signs `tbs` into `sig` (sig.size() == signature_size()), sets sig_len.
  virtual Status sign(std::span<const std::uint8_t> tbs, std::span<std::uint8_t> sig, std::size_t& sig_len) = 0;

 protected:
  ~Signer() = default;  // not virtual: never deleted through the interface (no operator delete on MCU)
};

// Checks signatures over the Sig_structure bytes with a given public key.
class Verifier {
 public:
  virtual std::int64_t alg() const = 0;
  // ok if valid; Status::invalid_signature if not; invalid_key if the key is malformed.
  virtual Status verify(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> tbs,
                        std::span<const std::uint8_t> sig) const = 0;

 protected:
  ~Verifier() = default;
};

// Finer reason for a COSE failure (Status stays decode_error / invalid_signature / ...).
enum class Error : std::uint8_t {
  none = 0,
  malformed,               // CBOR not well-formed or not deterministic (see the cbor::Error)
  not_sign1,               // not a tag-18 array of four items with the expected types
  bad_protected_header,    // protected header is not exactly {1: int}
  bad_unprotected_header,  // unprotected header is not exactly {4: bstr(32)}
  alg_mismatch,            // token alg differs from the verifier's alg
  kid_mismatch,            // kid is not SHA-256 of the given public key
  bad_signature,           // the signature does not verify
  scratch_too_small,       // caller's Sig_structure scratch buffer too small
  signer_failed,           // the Signer returned an error or a wrong length
};
const char* to_string(Error e);

// A decoded COSE_Sign1; the spans point into the token passed to decode_sign1.
struct Sign1 {
  std::int64_t alg = 0;
  std::span<const std::uint8_t> kid;
  std::span<const std::uint8_t> protected_bstr;  // the whole protected bstr item, head included
  std::span<const std::uint8_t> payload;         // payload content
  std::span<const std::uint8_t> payload_bstr;    // the whole payload bstr item, head included
  std::span<const std::uint8_t> signature;
};

// Size of the Sig_structure for the given payload length and our one-entry protected header.
// Use it to size the `scratch` buffers below.
std::size_t sig_structure_size(std::int64_t alg, std::size_t payload_len);

// Writes the Sig_structure (RFC 9052 §4.4, context "Signature1", empty external_aad) from the
// encoded protected and payload bstr items.
[[nodiscard]] Status encode_sig_structure(std::span<const std::uint8_t> protected_bstr,
                                          std::span<const std::uint8_t> payload_bstr,
                                          std::span<std::uint8_t> out, std::size_t& len);

// Builds a COSE_Sign1 in place, so a payload encoded straight into the token needs no copy:
//   Sign1Writer w(out, signer.alg(), kid);
//   cbor::Encoder& e = w.begin_payload();   // encode exactly one item (e.g. the claims map)
//   ...
//   Status s = w.finish(signer, scratch, token_len);
class Sign1Writer {
 public:
  Sign1Writer(std::span<std::uint8_t> out, std::int64_t alg, std::span<const std::uint8_t, kKidSize> kid);
  // Starts a payload that is itself one CBOR item ("bstr .cbor").
  cbor::Encoder& begin_payload();
  // Or: sets an opaque payload.
  void set_payload(std::span<const std::uint8_t> payload);
  // Computes the Sig_structure in `scratch`, signs it, appends the signature.
  [[nodiscard]] Status finish(Signer& signer, std::span<std::uint8_t> scratch, std::size_t& token_len);
  Error error() const { return error_; }

 private:
  cbor::Encoder enc_;
  std::int64_t alg_;
  std::size_t protected_start_ = 0, protected_end_ = 0, payload_start_ = 0;
  Error error_ = Error::none;
};

// Convenience: a complete COSE_Sign1 over an opaque payload.
[[nodiscard]] Status sign1(Signer& signer, std::span<const std::uint8_t, kKidSize> kid,
                           std::span<const std::uint8_t> payload, std::span<std::uint8_t> scratch,
                           std::span<std::uint8_t> out, std::size_t& token_len);

// Strictly decodes the structure and headers (no cryptography). Status::decode_error with
// `why` (and `cbor_why` for CBOR-level failures) on any deviation from the profile above.
[[nodiscard]] Status decode_sign1(std::span<const std::uint8_t> token, Sign1& msg, Error* why = nullptr,
                                  cbor::Error* cbor_why = nullptr);

// Checks alg == verifier.alg(), kid == SHA-256(public_key), then the signature over the
// Sig_structure rebuilt in `scratch`. ok, or invalid_signature / buffer_too_small / invalid_key.
[[nodiscard]] Status verify_sign1(const Sign1& msg, const Verifier& verifier,
                                  std::span<const std::uint8_t> public_key, std::span<std::uint8_t> scratch,
                                  Error* why = nullptr);

}  // namespace pqcea::cose
