// Attestation token of the PQC-Edge-Attestor EAT profile: the claims map (include/pqcea/attest/
// claims.hpp) as the payload of a COSE_Sign1 signed with ML-DSA (include/pqcea/cose.hpp).
//
// Device side:   build_token(claims, signer, kid, scratch, out, len)
// Verifier side: decode_token(token, msg)            structure + headers; gives the kid to look
//                                                    up the device key
//                verify_token(msg, verifier, pk, scratch, claims)   signature, then claims
// Everything writes into caller buffers; nothing allocates; parsing never reads outside the token.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/attest/claims.hpp"
#include "pqcea/cbor.hpp"
#include "pqcea/cose.hpp"

namespace pqcea::attest {

// Scratch needed by build_token / verify_token for a payload of `payload_len` bytes
// (the COSE Sig_structure). kScratchSize covers every token in profile.
constexpr std::size_t scratch_size(std::size_t payload_len) {
  // array head + "Signature1" (11) + protected bstr (<= 6) + empty aad + payload bstr head.
  return 1 + 11 + 6 + 1 + 5 + payload_len;
}
inline constexpr std::size_t kScratchSize = scratch_size(kMaxPayloadSize);

// Encodes the claims map (validated first) as the next item of `enc`.
[[nodiscard]] Status encode_claims(const Claims& c, cbor::Encoder& enc, Diagnostic* diag = nullptr);

// Builds a signed token into `out`. The Signer must be an ML-DSA signer (alg -48/-49/-50);
// kid = SHA-256 of its public key (cose::compute_kid). `scratch` holds the Sig_structure
// (scratch_size(payload) bytes; kScratchSize always suffices).
[[nodiscard]] Status build_token(const Claims& c, cose::Signer& signer,
                                 std::span<const std::uint8_t, cose::kKidSize> kid,
                                 std::span<std::uint8_t> scratch, std::span<std::uint8_t> out,
                                 std::size_t& token_len, Diagnostic* diag = nullptr);

// Decodes the COSE_Sign1 envelope and checks it is in profile: size limits, tag 18, {1: alg}
// with an ML-DSA alg, {4: kid}. No cryptography yet; use msg.kid to find the device's key.
[[nodiscard]] Status decode_token(std::span<const std::uint8_t> token, cose::Sign1& msg,
                                  Diagnostic* diag = nullptr);

// Parses and validates a claims map (the token payload) into `out`. The spans in `out` point
// into `payload`. Status::decode_error (CBOR or shape) or invalid_argument (value out of
// profile), with `diag` saying which claim and why.
[[nodiscard]] Status parse_claims(std::span<const std::uint8_t> payload, Claims& out,
                                  Diagnostic* diag = nullptr);

// Checks the signature of a decoded token (alg, kid = SHA-256(public_key), ML-DSA signature)
// and then parses its claims. `out` is written only on success.
[[nodiscard]] Status verify_token(const cose::Sign1& msg, const cose::Verifier& verifier,
                                  std::span<const std::uint8_t> public_key, std::span<std::uint8_t> scratch,
                                  Claims& out, Diagnostic* diag = nullptr);

// decode_token + verify_token in one call.
[[nodiscard]] Status verify_token(std::span<const std::uint8_t> token, const cose::Verifier& verifier,
                                  std::span<const std::uint8_t> public_key, std::span<std::uint8_t> scratch,
                                  Claims& out, Diagnostic* diag = nullptr);

}  // namespace pqcea::attest
