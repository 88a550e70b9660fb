// libFuzzer target for everything that reads untrusted evidence bytes: the strict CBOR decoder,
// the COSE_Sign1 envelope decoder and the EAT claims parser. Built with
// clang++ -fsanitize=fuzzer,address,undefined (fuzz/CMakeLists.txt), run by fuzz/run-fuzz.
//
// Besides "no crash, no out-of-bounds read, no undefined behaviour" (the sanitizers), it checks
// the properties the verifier relies on, and traps if one breaks:
//  1. anything the generic decoder accepts re-encodes to exactly the same bytes (one value, one
//     accepted encoding: RFC 8949 §4.2.1 deterministic encoding);
//  2. any claims set the parser accepts is in profile (validate) and re-encodes to exactly the
//     payload it came from, so two different payloads never yield the same claims;
//  3. a decoded COSE_Sign1 gives spans inside the input.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "pqcea/attest/token.hpp"
#include "pqcea/cbor.hpp"
#include "pqcea/cose.hpp"

namespace {

using pqcea::Status;
namespace cbor = pqcea::cbor;
namespace attest = pqcea::attest;

// Storage for re-encoding: inputs above this are only decoded.
constexpr std::size_t kMaxReencode = 64 * 1024;
std::uint8_t g_out[kMaxReencode + 16];

void check_generic_decoder(std::span<const std::uint8_t> in) {
  cbor::Decoder d(in);
  cbor::Encoder e(std::span<std::uint8_t>(g_out, in.size() <= kMaxReencode ? in.size() + 16 : 0));
  cbor::Item it;
  do {
    if (d.next(it) != Status::ok) return;
    switch (it.major) {
      case cbor::Major::unsigned_int: e.add_uint(it.arg); break;
      case cbor::Major::negative_int: e.add_negative(it.arg); break;
      case cbor::Major::byte_string: e.add_bytes(it.bytes); break;
      case cbor::Major::text_string:
        e.add_text(std::string_view(reinterpret_cast<const char*>(it.bytes.data()), it.bytes.size()));
        break;
      case cbor::Major::array: e.begin_array(it.arg); break;
      case cbor::Major::map: e.begin_map(it.arg); break;
      case cbor::Major::tag: e.add_tag(it.arg); break;
      case cbor::Major::simple:
        if (it.arg == cbor::kSimpleNull) {
          e.add_null();
        } else if (it.arg == cbor::kSimpleUndefined) {
          e.add_undefined();
        } else {
          e.add_bool(it.arg == cbor::kSimpleTrue);
        }
        break;
    }
  } while (d.depth() > 0);
  if (d.finish() != Status::ok) return;
  if (in.size() > kMaxReencode) return;
  std::size_t len = 0;
  // Property 1: accepted input is canonical, so the encoder (which enforces key order too) must
  // succeed and reproduce it byte for byte.
  if (e.finish(len) != Status::ok || len != in.size() || std::memcmp(g_out, in.data(), len) != 0) __builtin_trap();
}

void check_claims(std::span<const std::uint8_t> payload) {
  attest::Claims c;
  attest::Diagnostic diag;
  if (attest::parse_claims(payload, c, &diag) != Status::ok) {
    if (diag.reason == attest::Reason::none) __builtin_trap();  // a rejection always has a reason
    if (c.measurement_count != 0 || !c.nonce.empty()) __builtin_trap();  // outputs zeroed
    return;
  }
  // Property 2.
  if (attest::validate(c) != Status::ok) __builtin_trap();
  cbor::Encoder e(std::span<std::uint8_t>(g_out, attest::kMaxPayloadSize + 16));
  std::size_t len = 0;
  if (attest::encode_claims(c, e) != Status::ok || e.finish(len) != Status::ok) __builtin_trap();
  if (len != payload.size() || std::memcmp(g_out, payload.data(), len) != 0) __builtin_trap();
}

bool inside(std::span<const std::uint8_t> part, std::span<const std::uint8_t> whole) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  check_generic_decoder(in);

  // The verifier's path: envelope first. The signature cannot be valid for fuzzed bytes, so the
  // claims parser is driven directly on the payload (and on the raw input, which may itself be a
  // claims map) to reach it.
  pqcea::cose::Sign1 msg;
  attest::Diagnostic diag;
  if (attest::decode_token(in, msg, &diag) == Status::ok) {
    // Property 3.
    if (!inside(msg.kid, in) || !inside(msg.payload, in) || !inside(msg.signature, in) ||
        !inside(msg.protected_bstr, in) || !inside(msg.payload_bstr, in) || msg.kid.size() != pqcea::cose::kKidSize) {
      __builtin_trap();
    }
    check_claims(msg.payload);
  } else if (diag.reason == attest::Reason::none) {
    __builtin_trap();
  }
  check_claims(in);
  return 0;
}
