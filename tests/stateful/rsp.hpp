// Reader for the liboqs-style known-answer files of ../shared/vectors/stateful (*.rsp), and the
// folder lookup shared by the LMS/XMSS tests.
//
// A file is lines "name = value"; '#' lines are comments. Values are hex except count/mlen/smlen/
// remain/max (decimal). As in liboqs's ReadHex, characters before the first hex digit of a value
// are skipped (two LMS files write `sm = "0000...`). The first occurrence of a name counts.
#pragma once
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pqcea/host/hex.hpp"

namespace pqcea::test {

struct Rsp {
  std::map<std::string, std::string> fields;
  std::string raw;  // the whole file
  bool has(const std::string& k) const { return fields.count(k) != 0; }
  std::vector<std::uint8_t> hex(const std::string& k) const {
    const std::string& v = fields.at(k);
    std::vector<std::uint8_t> out;
    std::size_t i = 0;
    while (i < v.size() && !std::isxdigit(static_cast<unsigned char>(v[i]))) ++i;
    for (; i + 1 < v.size() && std::isxdigit(static_cast<unsigned char>(v[i])) &&
           std::isxdigit(static_cast<unsigned char>(v[i + 1]));
         i += 2)
      out.push_back(static_cast<std::uint8_t>(host::hex_digit(v[i]) * 16 + host::hex_digit(v[i + 1])));
    return out;
  }
  std::uint64_t number(const std::string& k) const { return std::stoull(fields.at(k)); }
};

inline Rsp read_rsp(const std::filesystem::path& p) {
  Rsp r;
  std::ifstream f(p, std::ios::binary);
  r.raw.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  std::istringstream in(r.raw);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find(" = ");
    if (eq == std::string::npos) continue;
    const std::string k = line.substr(0, eq);
    if (!r.fields.count(k)) r.fields[k] = line.substr(eq + 3);
  }
  return r;
}

// PQCEA_VECTORS (the environment, else the build's default) / stateful, if present.
inline std::optional<std::filesystem::path> stateful_vectors() {
  const char* env = std::getenv("PQCEA_VECTORS");
  std::filesystem::path base = env != nullptr ? env : PQCEA_DEFAULT_VECTORS;
  if (!std::filesystem::is_directory(base / "stateful")) return std::nullopt;
  return base / "stateful";
}

}  // namespace pqcea::test
