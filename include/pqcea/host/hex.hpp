// Hex text <-> bytes for every host component and the tests: one implementation, so a lenient
// decoder in one place and a strict one in another cannot disagree about the same input.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pqcea::host {

enum class HexCase : std::uint8_t { lower, upper };

// Two digits per byte, no separators.
std::string hex_encode(std::span<const std::uint8_t> bytes, HexCase letters = HexCase::lower);

// The value of one hex digit (either case), or -1.
int hex_digit(char c);

// Decodes into `out` (a secret's own buffer, so no intermediate copy): true iff `text` is exactly
// 2 * out.size() hex digits. `out` is unspecified on false.
bool hex_decode_into(std::string_view text, std::span<std::uint8_t> out);

// Strict: an even number of hex digits (either case), nothing else; nullopt otherwise.
std::optional<std::vector<std::uint8_t>> hex_decode(std::string_view text);

// As hex_decode, but throws std::invalid_argument naming `what` (an option or field name).
std::vector<std::uint8_t> hex_decode_or_throw(std::string_view text, std::string_view what);

// RFC 4648 §6 base32, lower-case, without padding: 8 characters per 5 bytes.
std::string base32_encode(std::span<const std::uint8_t> bytes);

// The verifier's text id of a device: base32_encode of its UEID (RFC 9711 §4.2.1, type byte
// included). The one encoding of a device id: at most 53 characters for the longest UEID (33
// bytes), all of [a-z2-7], so it fits X.520 serialNumber and commonName (PrintableString, at most
// 64 characters), a URL path segment and a database key unchanged (docs/verifier.md, "Device ids").
std::string device_id_for_ueid(std::span<const std::uint8_t> ueid);

}  // namespace pqcea::host
