// `pqcea selftest`: a crypto self-test on known answers and a short throughput run.
// `pqcea demo`: the main job, end to end on a simulated fleet (src/host/demo/fleet_demo.cpp).
#include <chrono>
#include <cstring>
#include <iostream>

#include "commands.hpp"
#include "pqcea/hash/hmac.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/acvp.hpp"
#include "pqcea/host/demo.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/rng/drbg.hpp"

namespace pqcea::cli {
namespace {

struct Check {
  const char* name;
  bool ok;
};

std::vector<Check> self_test() {
  std::vector<Check> checks;
  const std::uint8_t abc[] = {'a', 'b', 'c'};
  auto digest_is = [&](auto h, std::size_t n, const char* hex) {
    std::vector<std::uint8_t> out(n);
    decltype(h)::hash(out.data(), abc, 3);
    return acvp::to_hex(out) == hex;
  };
  // FIPS 202 / FIPS 180-4 example values for "abc".
  checks.push_back({"SHA3-256(\"abc\")", digest_is(hash::Sha3_256{}, 32,
      "3A985DA74FE225B2045C172D6BD390BD855F086E3E9D525B46BFE24511431532")});
  checks.push_back({"SHA3-512(\"abc\")", digest_is(hash::Sha3_512{}, 64,
      "B751850B1A57168A5693CD924B6B096E08F621827444F70D884F5D0240D2712E10E116E9192AF3C91A7EC57647E3934057340B4CF408D5A56592F8274EEC53F0")});
  checks.push_back({"SHA-256(\"abc\")", digest_is(hash::Sha256{}, 32,
      "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")});
  checks.push_back({"SHA-512(\"abc\")", digest_is(hash::Sha512{}, 64,
      "DDAF35A193617ABACC417349AE20413112E6FA4E89A97EA20A9EEEE64B55D39A2192992A274FC1A836BA3C23A3FEEBBD454D4423643CE80E2A9AC94FA54CA49F")});
  std::uint8_t shake[32];
  hash::Shake128::hash(shake, 32, abc, 0);
  checks.push_back({"SHAKE128(\"\", 256)", acvp::to_hex(shake) ==
      "7F9C2BA4E88F827D616045507605853ED73B8093F6EFBC88EB1A6EACFA66EF26"});
  // RFC 4231 test case 2.
  std::uint8_t mac[32];
  const char* data = "what do ya want for nothing?";
  hash::Hmac<hash::Sha256>::mac(mac, reinterpret_cast<const std::uint8_t*>("Jefe"), 4,
                                reinterpret_cast<const std::uint8_t*>(data), std::strlen(data));
  checks.push_back({"HMAC-SHA-256 (RFC 4231 #2)",
                    acvp::to_hex(mac) == "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843"});
  // DRBG: same seed, same output; fresh system entropy works.
  rng::ShakeDrbg a, b;
  std::uint8_t seed[48] = {1, 2, 3};
  std::uint8_t x[64], y[64];
  bool drbg_ok = a.instantiate(seed, {}, {}) == Status::ok && b.instantiate(seed, {}, {}) == Status::ok &&
                 a.generate(x) == Status::ok && b.generate(y) == Status::ok && std::memcmp(x, y, 64) == 0;
  host::LinuxEntropy src;
  rng::ShakeDrbg c;
  drbg_ok = drbg_ok && c.instantiate(src, {}) == Status::ok && c.generate(y) == Status::ok &&
            std::memcmp(x, y, 64) != 0;
  checks.push_back({"SHAKE-256 DRBG", drbg_ok});
  return checks;
}

template <typename F>
double mib_per_s(F&& f, std::size_t bytes_per_call) {
  using clock = std::chrono::steady_clock;
  int calls = 0;
  auto start = clock::now();
  double elapsed = 0;
  do {
    f();
    ++calls;
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  } while (elapsed < 0.2);
  return static_cast<double>(bytes_per_call) * calls / elapsed / (1024.0 * 1024.0);
}

}  // namespace

void add_demo(CLI::App& app) {
  auto* cmd = app.add_subcommand("selftest", "Self-test on known answers, then a short throughput run");
  cmd->callback([] {
    bool all = true;
    std::cout << "PQC-Edge-Attestor self-test\n";
    for (const auto& c : self_test()) {
      std::cout << "  [" << (c.ok ? " ok " : "FAIL") << "] " << c.name << "\n";
      all = all && c.ok;
    }
    std::vector<std::uint8_t> buf(1 << 20, 0xA5);
    std::uint8_t out[64];
    std::cout << "Throughput (1 MiB messages, this machine, now):\n";
    std::cout << "  SHA3-256  " << mib_per_s([&] { hash::Sha3_256::hash(out, buf.data(), buf.size()); }, buf.size())
              << " MiB/s\n";
    std::cout << "  SHAKE-256 " << mib_per_s([&] { hash::Shake256::hash(out, 32, buf.data(), buf.size()); }, buf.size())
              << " MiB/s\n";
    std::cout << "  SHA-256   " << mib_per_s([&] { hash::Sha256::hash(out, buf.data(), buf.size()); }, buf.size())
              << " MiB/s\n";
    std::cout << "  SHA-512   " << mib_per_s([&] { hash::Sha512::hash(out, buf.data(), buf.size()); }, buf.size())
              << " MiB/s\n";
    std::cout << (all ? "self-test passed\n" : "self-test FAILED\n");
    std::exit(all ? 0 : 1);
  });
}

void add_fleet_demo(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "demo", "The main job: provision a fleet CA and N devices, plant faults, attest every device, check the verdicts");
  static demo::Options opt;
  static bool no_tpm = false;
  cmd->add_option("--devices", opt.devices, "number of simulated devices (at least 10)")->capture_default_str();
  cmd->add_option("--out", opt.out_dir, "folder for the SQLite database and the policy (default build/demo)");
  cmd->add_flag("--no-tpm", no_tpm, "do not start a swtpm for the TPM-equipped device");
  cmd->callback([] {
    opt.use_tpm = !no_tpm;
    std::exit(demo::run_fleet_demo(opt, std::cout));
  });
}

}  // namespace pqcea::cli
