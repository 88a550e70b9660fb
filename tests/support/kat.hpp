// Builds the NIST-style KAT text described in ../shared/vectors/KAT_DIGESTS.md and hashes it.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "nist_drbg.hpp"

namespace pqcea::test {

std::string hex_upper(std::span<const std::uint8_t> bytes);
std::string sha256_hex(const std::string& text);  // lower-case hex, as in KAT_DIGESTS.md

// Appends "label = HEX\n" (an empty byte string prints as 00).
void kat_line(std::string& out, const char* label, std::span<const std::uint8_t> bytes);
void kat_line(std::string& out, const char* label, std::size_t value);

// Runs `records` KAT records. For each count: prints count and seed, then (signatures) mlen/msg,
// then calls `record(text, per_count_drbg, msg)`, which prints the algorithm's lines. The outer
// DRBG discipline (seed_i, msg_i, ...) and the blank lines between records are handled here.
// Returns the text.
std::string kat_text(int records, bool signature,
                     const std::function<void(std::string&, NistDrbg&, std::span<const std::uint8_t>)>& record);

}  // namespace pqcea::test
