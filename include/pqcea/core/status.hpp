// Result codes shared by every module. Spans in, status out: a function that can fail returns a
// Status and leaves its outputs untouched or zeroed on failure.
#pragma once
#include <cstdint>

namespace pqcea {

enum class [[nodiscard]] Status : std::uint8_t {
  ok = 0,
  invalid_length,     // an input or output buffer has the wrong size
  invalid_key,        // a key failed its input check (e.g. FIPS 203 §7.2/§7.3)
  invalid_signature,  // a signature failed verification or is malformed
  invalid_argument,   // a parameter outside its allowed range (e.g. context > 255 bytes)
  entropy_failure,    // the entropy source could not deliver
  reseed_required,    // the DRBG reached its reseed limit
  buffer_too_small,   // the caller's buffer cannot hold the result
  decode_error,       // malformed encoding
  unsupported,        // a valid request this build does not implement
};

constexpr const char* to_string(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::invalid_length: return "invalid length";
    case Status::invalid_key: return "invalid key";
    case Status::invalid_signature: return "invalid signature";
    case Status::invalid_argument: return "invalid argument";
    case Status::entropy_failure: return "entropy source failure";
    case Status::reseed_required: return "DRBG reseed required";
    case Status::buffer_too_small: return "buffer too small";
    case Status::decode_error: return "decode error";
    case Status::unsupported: return "unsupported";
  }
  return "unknown status";
}

}  // namespace pqcea
