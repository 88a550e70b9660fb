#include <iostream>

#include "commands.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/acvp.hpp"

namespace pqcea::cli {

void add_hash(CLI::App& app) {
  auto* cmd = app.add_subcommand("hash", "Hash a file (SHA3-224/256/384/512, SHAKE128/256, SHA-256/384/512)");
  static std::string alg = "SHA3-256", path;
  static std::size_t out_len = 32;
  cmd->add_option("--alg", alg, "algorithm")
      ->check(CLI::IsMember({"SHA3-224", "SHA3-256", "SHA3-384", "SHA3-512", "SHAKE128", "SHAKE256", "SHA-256",
                             "SHA-384", "SHA-512"}));
  cmd->add_option("--out-len", out_len, "output bytes for SHAKE");
  cmd->add_option("file", path, "input file")->required();
  cmd->callback([] {
    auto in = read_file(path);
    std::vector<std::uint8_t> out;
    auto run = [&](auto h, std::size_t n) {
      out.resize(n);
      decltype(h)::hash(out.data(), in.data(), in.size());
    };
    if (alg == "SHA3-224") run(hash::Sha3_224{}, 28);
    else if (alg == "SHA3-256") run(hash::Sha3_256{}, 32);
    else if (alg == "SHA3-384") run(hash::Sha3_384{}, 48);
    else if (alg == "SHA3-512") run(hash::Sha3_512{}, 64);
    else if (alg == "SHA-256") run(hash::Sha256{}, 32);
    else if (alg == "SHA-384") run(hash::Sha384{}, 48);
    else if (alg == "SHA-512") run(hash::Sha512{}, 64);
    else {
      out.resize(out_len);
      if (alg == "SHAKE128") hash::Shake128::hash(out.data(), out.size(), in.data(), in.size());
      else hash::Shake256::hash(out.data(), out.size(), in.data(), in.size());
    }
    std::string hex = acvp::to_hex(out);
    for (auto& c : hex) c = static_cast<char>(std::tolower(c));
    std::cout << hex << "  " << path << "\n";
  });
}

}  // namespace pqcea::cli
