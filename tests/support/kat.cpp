#include "kat.hpp"

#include <vector>

#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/hex.hpp"

namespace pqcea::test {

std::string hex_upper(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return "00";  // the KAT .rsp convention for an empty field
  return host::hex_encode(bytes, host::HexCase::upper);
}

std::string sha256_hex(const std::string& text) {
  std::uint8_t md[32];
  hash::Sha256::hash(md, reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  std::string h = hex_upper(md);
  for (auto& c : h) c = static_cast<char>(c >= 'A' ? c - 'A' + 'a' : c);
  return h;
}

void kat_line(std::string& out, const char* label, std::span<const std::uint8_t> bytes) {
  out += label;
  out += " = ";
  out += hex_upper(bytes);
  out += "\n";
}

void kat_line(std::string& out, const char* label, std::size_t value) {
  out += label;
  out += " = ";
  out += std::to_string(value);
  out += "\n";
}

std::string kat_text(int records, bool signature,
                     const std::function<void(std::string&, NistDrbg&, std::span<const std::uint8_t>)>& record) {
  std::uint8_t entropy[48];
  for (int i = 0; i < 48; ++i) entropy[i] = static_cast<std::uint8_t>(i);
  NistDrbg outer{std::span<const std::uint8_t, 48>(entropy)};
  std::string text;
  for (int i = 0; i < records; ++i) {
    kat_line(text, "count", static_cast<std::size_t>(i));
    std::uint8_t seed[48];
    outer.randombytes(seed, 48);
    kat_line(text, "seed", seed);
    std::vector<std::uint8_t> msg;
    if (signature) {
      msg.resize(33 * static_cast<std::size_t>(i + 1));
      outer.randombytes(msg.data(), msg.size());
      kat_line(text, "mlen", msg.size());
      kat_line(text, "msg", msg);
    }
    NistDrbg inner{std::span<const std::uint8_t, 48>(seed)};
    record(text, inner, msg);
    if (i + 1 < records) text += "\n";
  }
  return text;
}

}  // namespace pqcea::test
