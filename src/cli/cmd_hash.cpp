// `pqcea hash [--alg NAME] FILE`: the digest of a file, streamed (constant memory at any size).
#include <cctype>
#include <iostream>

#include "commands.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/acvp.hpp"

namespace pqcea::cli {
namespace {

// Streams `path` through a hash with update/final (SHA-2, SHA-3) into `out` (digest_size bytes).
template <class H>
std::vector<std::uint8_t> digest_of(const std::string& path, const Expect& e) {
  H h;
  stream_input(path, e, [&](std::span<const std::uint8_t> c) { h.update(c.data(), c.size()); });
  std::vector<std::uint8_t> out(H::digest_size);
  h.final(out.data());
  return out;
}

template <class X>
std::vector<std::uint8_t> xof_of(const std::string& path, const Expect& e, std::size_t out_len) {
  X x;
  stream_input(path, e, [&](std::span<const std::uint8_t> c) { x.absorb(c.data(), c.size()); });
  std::vector<std::uint8_t> out(out_len);
  x.squeeze(out.data(), out.size());
  return out;
}

}  // namespace

void add_hash(CLI::App& app) {
  auto* cmd = app.add_subcommand("hash", "Hash a file (SHA3-224/256/384/512, SHAKE128/256, SHA-256/384/512), streamed");
  static std::string alg = "SHA3-256", path;
  static std::size_t out_len = 32;
  cmd->add_option("--alg", alg, "algorithm")
      ->check(one_of({"SHA3-224", "SHA3-256", "SHA3-384", "SHA3-512", "SHAKE128", "SHAKE256", "SHA-256", "SHA-384",
                      "SHA-512"},
                     "a hash algorithm"))
      ->capture_default_str();
  cmd->add_option("--out-len", out_len, "output bytes for SHAKE (1..65536)")->check(CLI::Range(1, 1 << 16));
  cmd->add_option("file", path, "input file (any size; read in chunks)")->required();
  cmd->callback([] {
    const Expect e{"a file to hash", {}, 0};
    std::vector<std::uint8_t> out;
    if (alg == "SHA3-224") out = digest_of<hash::Sha3_224>(path, e);
    else if (alg == "SHA3-256") out = digest_of<hash::Sha3_256>(path, e);
    else if (alg == "SHA3-384") out = digest_of<hash::Sha3_384>(path, e);
    else if (alg == "SHA3-512") out = digest_of<hash::Sha3_512>(path, e);
    else if (alg == "SHA-256") out = digest_of<hash::Sha256>(path, e);
    else if (alg == "SHA-384") out = digest_of<hash::Sha384>(path, e);
    else if (alg == "SHA-512") out = digest_of<hash::Sha512>(path, e);
    else if (alg == "SHAKE128") out = xof_of<hash::Shake128>(path, e, out_len);
    else out = xof_of<hash::Shake256>(path, e, out_len);
    std::string hex = acvp::to_hex(out);
    for (auto& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::cout << hex << "  " << path << "\n";
  });
}

}  // namespace pqcea::cli
