// Byte encodings of the JSON bodies (RFC 4648 base64, lower-case hex) and JSON error bodies.
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>

#include <nlohmann/json.hpp>

#include "internal.hpp"
#include "pqcea/host/entropy_linux.hpp"

namespace pqcea::service::detail {

std::string media_type(std::string_view v) {
  std::string s(v.substr(0, v.find(';')));
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  std::size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
  s = s.substr(b);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string new_request_id() {
  // splitmix64 over a counter from a random start: a bijection, so ids never repeat within a
  // process, and the random start keeps replicas apart.
  static const std::uint64_t base = [] {
    std::uint64_t b = 0;
    std::array<std::uint8_t, 8> r{};
    if (host::system_random(r) == Status::ok)
      for (auto x : r) b = b << 8 | x;
    return b;
  }();
  static std::atomic<std::uint64_t> counter{0};
  std::uint64_t z = base + 0x9E3779B97F4A7C15ull * ++counter;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  std::array<std::uint8_t, 8> id{};
  for (std::size_t i = id.size(); i-- > 0; z >>= 8) id[i] = static_cast<std::uint8_t>(z);
  return hex_encode(id);
}

Response json_error(int status, std::string_view code, std::string_view message) {
  Response r;
  r.status = status;
  r.error_code = code;
  r.error_message = message;
  stamp(r, new_request_id());
  return r;
}

void stamp(Response& r, const std::string& request_id) {
  r.request_id = request_id;
  if (!r.error_code.empty())
    // Messages may quote client bytes (paths, fields) that need not be UTF-8: bad sequences are
    // replaced instead of letting dump() throw out of the request handler (found by
    // fuzz_http_api: one request with a 0xFF in its path took the server down).
    r.body = nlohmann::json{{"error", r.error_code}, {"message", r.error_message}, {"request_id", request_id}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string base64_encode(std::span<const std::uint8_t> data) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (const std::size_t rest = data.size() - i; rest > 0) {
    std::uint32_t v = std::uint32_t{data[i]} << 16;
    if (rest == 2) v |= std::uint32_t{data[i + 1]} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::vector<std::uint8_t> out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xFF));
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;  // non-canonical trailing bits
  return out;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace pqcea::service::detail
