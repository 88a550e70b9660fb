// `pqcea kem keygen|encaps|decaps --alg ML-KEM-512|768|1024`: ML-KEM on raw binary files, so any
// other implementation can be cross-checked byte for byte.
//
//   pqcea kem keygen --alg ML-KEM-768 --ek ek.bin --dk dk.bin [--seed seed.bin | --seed-out seed.bin] [--force]
//   pqcea kem encaps --alg ML-KEM-768 --ek ek.bin --ct ct.bin --key ss.bin [--m m.bin] [--force]
//   pqcea kem decaps --alg ML-KEM-768 --dk dk.bin --ct ct.bin --key ss.bin [--force]
//
// Secret outputs (--dk, --seed-out, --key) are written mode 0600 and never replace an existing file
// without --force (docs/key-files.md); secret inputs (--seed, --dk, --m) may be "-" for stdin.
//
// --seed takes the 64-byte private-key seed d || z (deterministic key generation); without it the
// seed comes from the system DRBG and --seed-out keeps it. decaps accepts either key form in
// --dk: the expanded decapsulation key or the 64-byte seed (told apart by length). --m fixes the
// 32-byte encapsulation randomness (Encaps_internal), for known-answer cross-checks.
#include <algorithm>
#include <iostream>
#include <stdexcept>
#include <string>

#include "commands.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/mlkem.hpp"

namespace pqcea::cli {
namespace {

std::string alg;  // --alg of every kem subcommand (one per process run)

mlkem::Alg alg_of(const std::string& s) {
  mlkem::Alg a{};
  if (!mlkem::parse_alg(s.c_str(), a)) throw BadInput("--alg " + s + ": expected ML-KEM-{512,768,1024}");
  return a;
}

// "an ML-KEM-768 encapsulation key" and its length(s).
Expect expect(const char* what, std::size_t want, std::size_t alt = 0) {
  Expect e{"the " + alg + " " + what, {want}, 0};
  if (alt != 0) e.lengths.push_back(alt);
  return e;
}

// A public input of one exact length; a secret input (file or "-") of one of two.
std::vector<std::uint8_t> read_sized(const std::string& path, const char* what, std::size_t want) {
  return read_input(path, expect(what, want));
}
host::SecretBytes read_secret_sized(const std::string& path, const char* what, std::size_t want, std::size_t alt = 0) {
  return read_secret_input(path, expect(what, want, alt));
}

// A key that fails its FIPS 203 input check is bad input naming its file; any other failure is the
// machine's (no entropy).
void check(Status s, const char* op, const std::string& key_path = {}) {
  if (s == Status::ok) return;
  if (s == Status::invalid_key && !key_path.empty()) {
    const bool enc = std::string(op) == "encaps";
    throw BadInput(key_path + ": not a valid " + alg + (enc ? " encapsulation" : " decapsulation") + " key (" +
                   (enc ? "fails the FIPS 203 §7.2 modulus check" : "fails the FIPS 203 §7.3 hash check") + ")");
  }
  throw std::runtime_error(std::string("kem ") + op + ": " + to_string(s));
}

}  // namespace

void add_kem(CLI::App& app) {
  auto* kem = app.add_subcommand("kem", "ML-KEM (FIPS 203) on raw binary files");
  kem->require_subcommand(1);
  static std::string ek_path, dk_path, ct_path, key_path, seed_path, seed_out, m_path;
  static bool force = false;
  const auto alg_names = one_of({"ML-KEM-512", "ML-KEM-768", "ML-KEM-1024"}, "an ML-KEM parameter set");

  auto* keygen = kem->add_subcommand("keygen", "Generate a key pair (ek, expanded dk)");
  keygen->add_option("--alg", alg, "parameter set")->check(alg_names)->required();
  keygen->add_option("--ek", ek_path, "output: encapsulation key")->required();
  keygen->add_option("--dk", dk_path, "output: expanded decapsulation key");
  auto* seed_opt = keygen->add_option("--seed", seed_path, "input: 64-byte seed d||z (deterministic)");
  keygen->add_option("--seed-out", seed_out, "output: the 64-byte seed d||z (seed-form private key)")
      ->excludes(seed_opt);
  add_force_flag(keygen, force);
  keygen->callback([] {
    const auto a = alg_of(alg);
    const auto sz = mlkem::sizes(a);
    if (dk_path.empty() && seed_out.empty()) throw BadInput("kem keygen: give --dk and/or --seed-out (where the private key goes)");
    refuse_existing({dk_path, seed_out}, force);
    host::SecretBytes seed;
    if (!seed_path.empty()) {
      seed = read_secret_sized(seed_path, "seed d||z", mlkem::seed_bytes);
    } else {
      seed = host::SecretBytes(mlkem::seed_bytes);
      check(host::system_rng().generate(seed.span()), "keygen");
    }
    std::vector<std::uint8_t> ek(sz.ek);
    host::SecretBytes dk(sz.dk);
    check(mlkem::keygen_from_seed(a, ek, dk.span(), seed.span()), "keygen");
    // Secrets first: a refused or failed secret write leaves the public output untouched too.
    if (!dk_path.empty()) write_secret(dk_path, dk.span(), force);
    if (!seed_out.empty()) write_secret(seed_out, seed.span(), force);
    write_file(ek_path, ek.data(), ek.size());
  });

  auto* encaps = kem->add_subcommand("encaps", "Encapsulate to an encapsulation key");
  encaps->add_option("--alg", alg, "parameter set")->check(alg_names)->required();
  encaps->add_option("--ek", ek_path, "input: encapsulation key")->required();
  encaps->add_option("--ct", ct_path, "output: ciphertext")->required();
  encaps->add_option("--key", key_path, "output: 32-byte shared key")->required();
  encaps->add_option("--m", m_path, "input: 32-byte randomness m (deterministic Encaps_internal)");
  add_force_flag(encaps, force);
  encaps->callback([] {
    const auto a = alg_of(alg);
    const auto sz = mlkem::sizes(a);
    refuse_existing({key_path}, force);
    auto ek = read_sized(ek_path, "encapsulation key", sz.ek);
    std::vector<std::uint8_t> ct(sz.ct);
    host::SecretBytes key(mlkem::shared_key_bytes);
    if (!m_path.empty()) {
      const auto m = read_secret_sized(m_path, "message m", mlkem::message_bytes);
      check(mlkem::encaps_internal(a, key.span(), ct, ek, m.span()), "encaps", ek_path);
    } else {
      check(mlkem::encaps(a, key.span(), ct, ek, host::system_rng()), "encaps", ek_path);
    }
    write_secret(key_path, key.span(), force);
    write_file(ct_path, ct.data(), ct.size());
  });

  auto* decaps = kem->add_subcommand("decaps", "Decapsulate a ciphertext (implicit rejection)");
  decaps->add_option("--alg", alg, "parameter set")->check(alg_names)->required();
  decaps->add_option("--dk", dk_path, "input: expanded decapsulation key or 64-byte seed d||z")->required();
  decaps->add_option("--ct", ct_path, "input: ciphertext")->required();
  decaps->add_option("--key", key_path, "output: 32-byte shared key")->required();
  add_force_flag(decaps, force);
  decaps->callback([] {
    const auto a = alg_of(alg);
    const auto sz = mlkem::sizes(a);
    refuse_existing({key_path}, force);
    const auto dk = read_secret_sized(dk_path, "decapsulation key (expanded) or seed d||z", sz.dk, mlkem::seed_bytes);
    auto ct = read_sized(ct_path, "ciphertext", sz.ct);
    host::SecretBytes key(mlkem::shared_key_bytes);
    check(mlkem::decaps(a, key.span(), ct, dk.span()), "decaps", dk_path);
    write_secret(key_path, key.span(), force);
  });
}

}  // namespace pqcea::cli
