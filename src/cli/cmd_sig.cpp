// `pqcea sig keygen|sign|verify --alg NAME`: signatures on raw binary files.
// Algorithms plug in through the SigAlgorithm table below (ML-DSA-44/65/87 now; SLH-DSA, LMS,
// XMSS and Falcon add their rows). verify prints a verdict and exits 1 on a bad signature.
// keygen writes the private key mode 0600 and never replaces an existing --sk without --force
// (exit 2; docs/key-files.md); sign reads --sk from a file or "-" (standard input).
#include <array>
#include <functional>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "commands.hpp"
#include "pqcea/falcon.hpp"
#include "pqcea/host/acvp.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/mldsa.hpp"
#include "pqcea/host/stateful.hpp"
#include "pqcea/slhdsa.hpp"

namespace pqcea::cli {
namespace {

// Above every stateless private key (ML-DSA-87 expanded: 4896 bytes); the bound on reading --sk.
constexpr std::size_t kMaxPrivateKeyBytes = 1 << 16;

struct SignOptions {
  std::vector<std::uint8_t> context;
  std::optional<mldsa::PreHash> prehash;
  bool deterministic = false;
  bool low_memory = false;
  bool seed_key = true;  // keygen: store the private key as its seed
  bool padded = false;    // Falcon: fixed-length (padded) signatures
  std::string params;     // keygen: HSS-LMS levels (LMS_TYPE/LMOTS_TYPE,...)
};

// One signature algorithm as the CLI sees it. Byte strings in and out; Status out.
struct SigAlgorithm {
  const char* name;
  std::function<Status(std::vector<std::uint8_t>& pk, host::SecretBytes& sk, const SignOptions&)> keygen;
  std::function<Status(std::vector<std::uint8_t>& sig, std::span<const std::uint8_t> sk,
                       const std::vector<std::uint8_t>& msg, const SignOptions&)>
      sign;
  std::function<Status(const std::vector<std::uint8_t>& pk, const std::vector<std::uint8_t>& msg,
                       const std::vector<std::uint8_t>& sig, const SignOptions&)>
      verify;
  // Stateful schemes (HSS-LMS, XMSS, XMSS^MT): the private key is a file path, advanced durably
  // before each signature (include/pqcea/host/stateful.hpp); set instead of keygen/sign.
  bool stateful = false;
};

mldsa::Input mldsa_input(const std::vector<std::uint8_t>& msg, const SignOptions& o) {
  return o.prehash ? mldsa::Input::prehash(*o.prehash, msg, o.context) : mldsa::Input::pure(msg, o.context);
}

template <class P>
SigAlgorithm mldsa_algorithm() {
  SigAlgorithm a;
  a.name = P::name;
  a.keygen = [](std::vector<std::uint8_t>& pk, host::SecretBytes& sk, const SignOptions& o) {
    pk.assign(P::pk_bytes, 0);
    auto& rng = host::system_rng();
    const std::span<std::uint8_t, P::pk_bytes> pks(pk.data(), P::pk_bytes);
    if (o.seed_key) {
      sk = host::SecretBytes(mldsa::kSeedBytes);
      return mldsa::keygen_seed<P>(pks, sk.first<mldsa::kSeedBytes>(), rng);
    }
    sk = host::SecretBytes(P::sk_bytes);
    return mldsa::keygen<P>(pks, sk.first<P::sk_bytes>(), rng);
  };
  a.sign = [](std::vector<std::uint8_t>& sig, std::span<const std::uint8_t> sk, const std::vector<std::uint8_t>& msg,
              const SignOptions& o) {
    std::optional<mldsa::PrivateKey<P>> key;
    if (sk.size() == mldsa::kSeedBytes)
      key = mldsa::PrivateKey<P>::seed(std::span<const std::uint8_t, mldsa::kSeedBytes>(sk.data(), mldsa::kSeedBytes));
    else if (sk.size() == P::sk_bytes)
      key = mldsa::PrivateKey<P>::expanded(std::span<const std::uint8_t, P::sk_bytes>(sk.data(), P::sk_bytes));
    else
      return Status::invalid_key;
    if (const Status st = mldsa::check_private_key<P>(*key); st != Status::ok) return st;
    sig.assign(P::sig_bytes, 0);
    const std::span<std::uint8_t, P::sig_bytes> s(sig.data(), P::sig_bytes);
    const auto in = mldsa_input(msg, o);
    if (o.low_memory)
      return o.deterministic ? mldsa::sign_deterministic<P, mldsa::Memory::low>(s, *key, in)
                             : mldsa::sign<P, mldsa::Memory::low>(s, *key, in, host::system_rng());
    return o.deterministic ? mldsa::sign_deterministic<P>(s, *key, in) : mldsa::sign<P>(s, *key, in, host::system_rng());
  };
  a.verify = [](const std::vector<std::uint8_t>& pk, const std::vector<std::uint8_t>& msg,
                const std::vector<std::uint8_t>& sig, const SignOptions& o) {
    const auto in = mldsa_input(msg, o);
    return o.low_memory ? mldsa::verify<P, mldsa::Memory::low>(pk, in, sig) : mldsa::verify<P>(pk, in, sig);
  };
  return a;
}

// SLH-DSA (FIPS 205): the private key is always the 4n-byte SK.seed || SK.prf || PK.seed || PK.root
// (--key-format does not apply); --low-memory does not apply either (signing always streams).
// --prehash selects HashSLH-DSA with the same hash list as HashML-DSA; --deterministic uses
// opt_rand = PK.seed.
slhdsa::Input slhdsa_input(const std::vector<std::uint8_t>& msg, const SignOptions& o) {
  if (!o.prehash) return slhdsa::Input::pure(msg, o.context);
  const std::string name = mldsa::prehash_name(*o.prehash);
  for (std::size_t i = 0; i < slhdsa::kPreHashCount; ++i)
    if (name == slhdsa::prehash_name(static_cast<slhdsa::PreHash>(i)))
      return slhdsa::Input::prehash(static_cast<slhdsa::PreHash>(i), msg, o.context);
  throw std::runtime_error("pre-hash " + name + " is not available for SLH-DSA");
}

template <class P>
SigAlgorithm slhdsa_algorithm() {
  SigAlgorithm a;
  a.name = P::name;
  a.keygen = [](std::vector<std::uint8_t>& pk, host::SecretBytes& sk, const SignOptions&) {
    pk.assign(P::pk_bytes, 0);
    sk = host::SecretBytes(P::sk_bytes);
    return slhdsa::keygen<P>(std::span<std::uint8_t, P::pk_bytes>(pk.data(), P::pk_bytes), sk.first<P::sk_bytes>(),
                             host::system_rng());
  };
  a.sign = [](std::vector<std::uint8_t>& sig, std::span<const std::uint8_t> sk, const std::vector<std::uint8_t>& msg,
              const SignOptions& o) {
    if (sk.size() != P::sk_bytes) return Status::invalid_key;
    const std::span<const std::uint8_t, P::sk_bytes> k(sk.data(), P::sk_bytes);
    sig.assign(P::sig_bytes, 0);
    const std::span<std::uint8_t, P::sig_bytes> s(sig.data(), P::sig_bytes);
    const auto in = slhdsa_input(msg, o);
    return o.deterministic ? slhdsa::sign_deterministic<P>(s, k, in) : slhdsa::sign<P>(s, k, in, host::system_rng());
  };
  a.verify = [](const std::vector<std::uint8_t>& pk, const std::vector<std::uint8_t>& msg,
                const std::vector<std::uint8_t>& sig, const SignOptions& o) {
    return slhdsa::verify<P>(pk, slhdsa_input(msg, o), sig);
  };
  return a;
}

// Falcon-512/1024 (round-3 v1.2): "Falcon-padded-N" names the fixed-length signature format, as
// does --padded with the plain name. The private key is the 0x5X-header encoding of f, g, F.
template <class P>
SigAlgorithm falcon_algorithm(const char* name, bool padded_name) {
  SigAlgorithm a;
  a.name = name;
  auto format = [padded_name](const SignOptions& o) {
    return padded_name || o.padded ? falcon::Format::padded : falcon::Format::compressed;
  };
  a.keygen = [](std::vector<std::uint8_t>& pk, host::SecretBytes& sk, const SignOptions&) {
    pk.assign(P::pk_bytes, 0);
    sk = host::SecretBytes(P::sk_bytes);
    // Workspace of the published size (falcon::Budget); it holds key material, so it is wiped.
    host::SecretBytes ws(falcon::Budget<P>::keygen_workspace_bytes);
    return falcon::keygen<P>(std::span<std::uint8_t, P::pk_bytes>(pk.data(), P::pk_bytes), sk.first<P::sk_bytes>(),
                             host::system_rng(), ws.span());
  };
  a.sign = [format](std::vector<std::uint8_t>& sig, std::span<const std::uint8_t> sk,
                    const std::vector<std::uint8_t>& msg, const SignOptions& o) {
    if (sk.size() != P::sk_bytes) return Status::invalid_key;
    if (o.deterministic || !o.context.empty() || o.prehash) return Status::unsupported;  // not defined for Falcon
    const auto f = format(o);
    sig.assign(f == falcon::Format::padded ? P::sig_padded_bytes : P::sig_max_bytes, 0);
    host::SecretBytes ws(falcon::Budget<P>::sign_workspace_bytes);
    std::size_t len = 0;
    const Status st = falcon::sign<P>(sig, len, sk.first<P::sk_bytes>(), msg, f, host::system_rng(), ws.span());
    sig.resize(st == Status::ok ? len : 0);
    return st;
  };
  a.verify = [format](const std::vector<std::uint8_t>& pk, const std::vector<std::uint8_t>& msg,
                      const std::vector<std::uint8_t>& sig, const SignOptions& o) {
    if (pk.size() != P::pk_bytes) return Status::invalid_key;
    if (!o.context.empty() || o.prehash) return Status::unsupported;
    return falcon::verify<P>(std::span<const std::uint8_t, P::pk_bytes>(pk.data(), P::pk_bytes), msg, sig, format(o));
  };
  return a;
}

// HSS-LMS and every XMSS / XMSS^MT parameter set, by the names of RFC 8391 / SP 800-208.
std::vector<SigAlgorithm> with_stateful_rows(std::vector<SigAlgorithm> t) {
  std::vector<const char*> names{"HSS-LMS"};
  for (const auto& p : xmss::kXmss) names.push_back(p.name);
  for (const auto& p : xmss::kXmssMt) names.push_back(p.name);
  for (const char* name : names) {
    SigAlgorithm a;
    a.name = name;
    a.stateful = true;
    a.verify = [name](const std::vector<std::uint8_t>& pk, const std::vector<std::uint8_t>& msg,
                      const std::vector<std::uint8_t>& sig, const SignOptions&) {
      return host::stateful::verify(name, pk, msg, sig);
    };
    t.push_back(std::move(a));
  }
  return t;
}

const std::vector<SigAlgorithm>& algorithms() {
  static const std::vector<SigAlgorithm> table = {
      mldsa_algorithm<mldsa::MlDsa44>(),
      mldsa_algorithm<mldsa::MlDsa65>(),
      mldsa_algorithm<mldsa::MlDsa87>(),
      slhdsa_algorithm<slhdsa::Sha2_128s>(),
      slhdsa_algorithm<slhdsa::Sha2_128f>(),
      slhdsa_algorithm<slhdsa::Sha2_192s>(),
      slhdsa_algorithm<slhdsa::Sha2_192f>(),
      slhdsa_algorithm<slhdsa::Sha2_256s>(),
      slhdsa_algorithm<slhdsa::Sha2_256f>(),
      slhdsa_algorithm<slhdsa::Shake_128s>(),
      slhdsa_algorithm<slhdsa::Shake_128f>(),
      slhdsa_algorithm<slhdsa::Shake_192s>(),
      slhdsa_algorithm<slhdsa::Shake_192f>(),
      slhdsa_algorithm<slhdsa::Shake_256s>(),
      slhdsa_algorithm<slhdsa::Shake_256f>(),
      falcon_algorithm<falcon::Falcon512>("Falcon-512", false),
      falcon_algorithm<falcon::Falcon1024>("Falcon-1024", false),
      falcon_algorithm<falcon::Falcon512>("Falcon-padded-512", true),
      falcon_algorithm<falcon::Falcon1024>("Falcon-padded-1024", true),
  };
  static const std::vector<SigAlgorithm> all = with_stateful_rows(table);
  return all;
}

const SigAlgorithm& find_algorithm(const std::string& name) {
  for (const auto& a : algorithms())
    if (name == a.name) return a;
  throw std::runtime_error("unknown signature algorithm " + name);
}

std::vector<std::string> algorithm_names() {
  std::vector<std::string> n;
  for (const auto& a : algorithms()) n.emplace_back(a.name);
  return n;
}

std::vector<std::string> prehash_names() {
  std::vector<std::string> n;
  for (std::size_t i = 0; i < mldsa::kPreHashCount; ++i) n.emplace_back(mldsa::prehash_name(static_cast<mldsa::PreHash>(i)));
  return n;
}

struct Args {
  std::string alg = "ML-DSA-87";
  std::string pk, sk, in, sig;
  std::string context, context_hex, prehash, key_format = "seed";
  bool deterministic = false, low_memory = false;
  bool padded = false, force = false;
  std::string params;
};

SignOptions options(const Args& a) {
  SignOptions o;
  if (!a.context.empty() && !a.context_hex.empty()) throw std::runtime_error("give --context or --context-hex, not both");
  if (!a.context_hex.empty()) o.context = acvp::unhex(a.context_hex);
  else o.context.assign(a.context.begin(), a.context.end());
  if (o.context.size() > mldsa::kMaxContextBytes) throw std::runtime_error("context longer than 255 bytes");
  if (!a.prehash.empty()) {
    for (std::size_t i = 0; i < mldsa::kPreHashCount; ++i)
      if (a.prehash == mldsa::prehash_name(static_cast<mldsa::PreHash>(i))) o.prehash = static_cast<mldsa::PreHash>(i);
  }
  o.deterministic = a.deterministic;
  o.low_memory = a.low_memory;
  o.padded = a.padded;
  o.seed_key = a.key_format == "seed";
  o.params = a.params;
  return o;
}

void require_ok(Status st, const char* what) {
  if (st != Status::ok) throw std::runtime_error(std::string(what) + ": " + to_string(st));
}

void add_common(CLI::App* cmd, Args& a) {
  cmd->add_option("--alg", a.alg, "signature algorithm")->check(CLI::IsMember(algorithm_names()))->capture_default_str();
}
void add_message_options(CLI::App* cmd, Args& a) {
  cmd->add_option("--in", a.in, "message file (raw bytes)")->required();
  cmd->add_option("--context", a.context, "context string (ML-DSA: 0..255 bytes, taken as text)");
  cmd->add_option("--context-hex", a.context_hex, "context string as hex");
  cmd->add_option("--prehash", a.prehash, "HashML-DSA / HashSLH-DSA with this pre-hash function")->check(CLI::IsMember(prehash_names()));
  cmd->add_flag("--low-memory", a.low_memory, "use the low-memory implementation (same results)");
  cmd->add_flag("--padded", a.padded, "Falcon: fixed-length (padded) signature format");
}

}  // namespace

void add_sig(CLI::App& app) {
  auto* sig = app.add_subcommand("sig", "Post-quantum signatures on raw binary files (ML-DSA, SLH-DSA)");
  sig->require_subcommand(1);
  static Args a;

  auto* kg = sig->add_subcommand("keygen", "Generate a key pair");
  add_common(kg, a);
  kg->add_option("--pk", a.pk, "public key output file")->required();
  kg->add_option("--sk", a.sk, "private key output file")->required();
  kg->add_option("--key-format", a.key_format, "private key as the 32-byte seed (default) or the expanded encoding")
      ->check(CLI::IsMember({"seed", "expanded"}))
      ->capture_default_str();
  kg->add_option("--params", a.params,
                 "HSS-LMS levels, top first: LMS_TYPE/LMOTS_TYPE[,...] (default LMS_SHA256_M32_H10/LMOTS_SHA256_N32_W4)");
  add_force_flag(kg, a.force);
  kg->callback([] {
    refuse_existing({a.sk}, a.force);
    if (find_algorithm(a.alg).stateful) {  // the private key file (and its state) is replaced only with --force
      const auto pk = host::stateful::keygen(a.alg, a.params, a.sk, host::system_rng(),
                                             a.force ? host::Replace::yes : host::Replace::no);
      write_file(a.pk, pk.data(), pk.size());
      std::cout << a.alg << " key pair: public key " << a.pk << " (" << pk.size() << " bytes), stateful private key "
                << a.sk << "\n";
      return;
    }
    std::vector<std::uint8_t> pk;
    host::SecretBytes sk;
    require_ok(find_algorithm(a.alg).keygen(pk, sk, options(a)), "keygen");
    write_secret(a.sk, sk.span(), a.force);  // first: a refused private key leaves --pk untouched too
    write_file(a.pk, pk.data(), pk.size());
    std::cout << a.alg << " key pair: public key " << a.pk << " (" << pk.size() << " bytes), private key " << a.sk
              << " (" << sk.size() << " bytes, " << a.key_format << ")\n";
  });

  auto* sg = sig->add_subcommand("sign", "Sign a file (hedged by default)");
  add_common(sg, a);
  add_message_options(sg, a);
  sg->add_option("--sk", a.sk, "private key file (seed or expanded; \"-\": standard input)")->required();
  sg->add_option("--out", a.sig, "signature output file")->required();
  sg->add_flag("--deterministic", a.deterministic, "deterministic signing (rnd = 0^32) instead of hedged");
  sg->callback([] {
    if (find_algorithm(a.alg).stateful) {  // the key file advances durably before the signature exists
      const auto msg = read_file(a.in);
      std::vector<std::uint8_t> s;
      try {
        s = host::stateful::sign(a.alg, a.sk, msg);
      } catch (const host::stateful::KeyExhausted& e) {
        std::cerr << "pqcea: " << e.what() << "\n";
        throw CLI::RuntimeError(3);
      }
      write_file(a.sig, s.data(), s.size());
      std::cout << a.alg << " signature written to " << a.sig << " (" << s.size() << " bytes)\n";
      return;
    }
    const auto msg = read_file(a.in);
    const auto sk = host::read_secret_file(a.sk, kMaxPrivateKeyBytes);
    std::vector<std::uint8_t> s;
    require_ok(find_algorithm(a.alg).sign(s, sk.span(), msg, options(a)), "sign");
    write_file(a.sig, s.data(), s.size());
    std::cout << a.alg << " signature written to " << a.sig << " (" << s.size() << " bytes)\n";
  });

  auto* vf = sig->add_subcommand("verify", "Verify a signature; exit status 1 if it is not valid");
  add_common(vf, a);
  add_message_options(vf, a);
  vf->add_option("--pk", a.pk, "public key file")->required();
  vf->add_option("--sig", a.sig, "signature file")->required();
  vf->callback([] {
    const auto msg = read_file(a.in);
    const auto pk = read_file(a.pk);
    const auto s = read_file(a.sig);
    const Status st = find_algorithm(a.alg).verify(pk, msg, s, options(a));
    if (st == Status::ok) {
      std::cout << "VALID: " << a.alg << " signature " << a.sig << " on " << a.in << "\n";
      return;
    }
    std::cout << "INVALID: " << a.alg << " signature " << a.sig << " on " << a.in << " (" << to_string(st) << ")\n";
    throw CLI::RuntimeError(1);
  });
}

}  // namespace pqcea::cli
