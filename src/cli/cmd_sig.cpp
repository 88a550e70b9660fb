// `pqcea sig keygen|sign|verify --alg NAME`: signatures on raw binary files.
// Algorithms plug in through the SigAlgorithm table below: ML-DSA-44/65/87, the twelve SLH-DSA
// sets, Falcon-512/1024 (and their padded format), HSS-LMS and every XMSS / XMSS^MT set. verify
// prints a verdict and exits 1 on a signature that does not verify; a key of the wrong length or of
// another algorithm than --alg is bad input (exit 2, docs/cli.md). keygen writes the private key
// mode 0600 and never replaces an existing --sk without --force (exit 2; docs/key-files.md); sign
// reads --sk from a file or "-" (standard input). ML-DSA keys may also be PEM (RFC 9881: PKCS#8
// seed form, SubjectPublicKeyInfo), whose algorithm must be --alg.
#include <array>
#include <functional>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "commands.hpp"
#include "pqcea/falcon.hpp"
#include "pqcea/host/acvp.hpp"
#include "pqcea/core/bytes.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/host/pki.hpp"
#include "pqcea/mldsa.hpp"
#include "pqcea/host/stateful.hpp"
#include "pqcea/slhdsa.hpp"

namespace pqcea::cli {
namespace {

// Above every key file (ML-DSA-87 expanded: 4896 bytes; stateful key files are smaller); the bound
// on reading --sk and --pk.
constexpr std::size_t kMaxKeyFileBytes = 1 << 16;
// The messages `sig` signs and verifies are held whole (the schemes take one span): the bound,
// checked from the file's size before it is read.
constexpr std::uint64_t kMaxMessageBytes = std::uint64_t{1} << 30;
// Above every signature (SLH-DSA-*-256f: 49856 bytes; XMSS^MT and HSS stay below).
constexpr std::size_t kMaxSignatureFileBytes = 1 << 20;

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
  // The lengths a key file of this algorithm may have (sk: stateless only), the exact signature
  // length (0: variable, the verifier checks it), and the PKIX name of ML-DSA (PEM keys).
  std::vector<std::size_t> pk_lengths, sk_lengths;
  std::size_t sig_bytes = 0;
  std::optional<pki::Algorithm> pkix;
};

mldsa::Input mldsa_input(const std::vector<std::uint8_t>& msg, const SignOptions& o) {
  return o.prehash ? mldsa::Input::prehash(*o.prehash, msg, o.context) : mldsa::Input::pure(msg, o.context);
}

template <class P>
SigAlgorithm mldsa_algorithm() {
  SigAlgorithm a;
  a.name = P::name;
  a.pk_lengths = {P::pk_bytes};
  a.sk_lengths = {mldsa::kSeedBytes, P::sk_bytes};
  a.sig_bytes = P::sig_bytes;
  a.pkix = pki::algorithm_from_name(P::name);
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
  throw BadInput("--prehash " + name + ": not available for SLH-DSA; expected one of " + [] {
    std::vector<std::string> n;
    for (std::size_t i = 0; i < slhdsa::kPreHashCount; ++i) n.emplace_back(slhdsa::prehash_name(static_cast<slhdsa::PreHash>(i)));
    return group_names(n);
  }());
}

template <class P>
SigAlgorithm slhdsa_algorithm() {
  SigAlgorithm a;
  a.name = P::name;
  a.pk_lengths = {P::pk_bytes};
  a.sk_lengths = {P::sk_bytes};
  a.sig_bytes = P::sig_bytes;
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
  a.pk_lengths = {P::pk_bytes};
  a.sk_lengths = {P::sk_bytes};
  if (padded_name) a.sig_bytes = P::sig_padded_bytes;
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
    if (const xmss::Params* p = xmss::find_by_name(name); p != nullptr) {
      a.pk_lengths = {p->pk_bytes()};
      a.sig_bytes = p->sig_bytes();
    } else {  // HSS: L || the top LMS key, whose length follows its hash output (m = 24 or 32)
      for (const auto& l : lms::kLmsTypes)
        if (std::find(a.pk_lengths.begin(), a.pk_lengths.end(), lms::hss_pk_bytes(l)) == a.pk_lengths.end())
          a.pk_lengths.push_back(lms::hss_pk_bytes(l));
    }
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
  throw std::logic_error("unknown signature algorithm " + name);  // --alg is checked by one_of
}

const SigAlgorithm* find_algorithm_by_pkix(pki::Algorithm p) {
  for (const auto& a : algorithms())
    if (a.pkix == p) return &a;
  throw std::logic_error("PKIX algorithm without a row");
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
  std::string context, context_hex, prehash, key_format = "pem";
  bool deterministic = false, low_memory = false;
  bool padded = false, force = false;
  std::string params;
};

SignOptions options(const Args& a) {
  SignOptions o;
  if (!a.context.empty() && !a.context_hex.empty()) throw BadInput("give --context or --context-hex, not both");
  if (!a.context_hex.empty()) {
    try {
      o.context = acvp::unhex(a.context_hex);
    } catch (const std::invalid_argument&) {
      throw BadInput("--context-hex " + a.context_hex + ": expected an even number of hex digits");
    }
  } else {
    o.context.assign(a.context.begin(), a.context.end());
  }
  if (o.context.size() > mldsa::kMaxContextBytes)
    throw BadInput("context of " + std::to_string(o.context.size()) + " bytes; expected at most 255 bytes");
  if (!a.prehash.empty()) {
    for (std::size_t i = 0; i < mldsa::kPreHashCount; ++i)
      if (a.prehash == mldsa::prehash_name(static_cast<mldsa::PreHash>(i))) o.prehash = static_cast<mldsa::PreHash>(i);
  }
  o.deterministic = a.deterministic;
  o.low_memory = a.low_memory;
  o.padded = a.padded;
  o.seed_key = a.key_format != "expanded";  // pem holds the seed too
  o.params = a.params;
  return o;
}

// ---- inputs --------------------------------------------------------------------------------------

Expect message_input(const char* what) { return Expect{what, {}, kMaxMessageBytes}; }

// "an ML-DSA-87 public key"
std::string key_what(const SigAlgorithm& a, const char* kind) {
  const char first = a.name[0];
  // Read as letters: "an ML-DSA", "an SLH-DSA", "an HSS-LMS", "an XMSS"; "a Falcon".
  const bool vowel = first == 'M' || first == 'S' || first == 'H' || first == 'X';
  return std::string(vowel ? "an " : "a ") + a.name + " " + kind;
}

// A key of the wrong length: names the algorithms whose keys have that length, if any, so that a
// key of another parameter set reads as such.
[[noreturn]] void wrong_key_length(const std::string& path, std::size_t have, const SigAlgorithm& a, bool secret) {
  std::vector<std::string> same;
  for (const auto& b : algorithms()) {
    const auto& l = secret ? b.sk_lengths : b.pk_lengths;
    if (&b != &a && std::find(l.begin(), l.end(), have) != l.end()) same.emplace_back(b.name);
  }
  const Expect e{key_what(a, secret ? "private key" : "public key"), secret ? a.sk_lengths : a.pk_lengths, 0};
  throw BadInput(path + ": " + std::to_string(have) + " bytes" +
                 (same.empty() ? std::string() : ", the length of " + group_names(same) + " keys") + "; " +
                 expected(e));
}

bool is_pem(std::span<const std::uint8_t> b) {
  constexpr std::string_view kBegin = "-----BEGIN";
  std::size_t i = 0;
  while (i < b.size() && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) ++i;
  return b.size() - i >= kBegin.size() && std::equal(kBegin.begin(), kBegin.end(), b.begin() + static_cast<std::ptrdiff_t>(i));
}

// A PEM key (RFC 9881) of --alg: BadInput naming the file for a broken PEM or another algorithm.
template <class Decode>
auto decode_pem(const std::string& path, std::span<const std::uint8_t> text, const SigAlgorithm& a, const char* label,
                const char* kind, Decode decode) {
  const std::string want = key_what(a, kind);
  if (!a.pkix)
    throw BadInput(path + ": PEM text; expected " + want + " as raw bytes (" +
                   std::to_string((std::string(kind) == "public key" ? a.pk_lengths : a.sk_lengths).front()) +
                   " bytes; PEM keys are ML-DSA only)");
  try {
    auto der = pki::from_pem(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), label);
    auto [alg, key] = decode(der);
    secure_wipe(der.data(), der.size());
    if (alg != *a.pkix) {
      secure_wipe(key.data(), key.size());
      throw BadInput(path + ": " + key_what(*find_algorithm_by_pkix(alg), kind) + " (PEM); expected " + want);
    }
    return key;
  } catch (const pki::Error& e) {
    throw BadInput(path + ": " + e.what() + "; expected " + want + " (PEM \"" + label + "\", RFC 9881)");
  }
}

std::vector<std::uint8_t> read_public_key(const std::string& path, const SigAlgorithm& a) {
  auto pk = read_input(path, Expect{key_what(a, "public key"), {}, kMaxKeyFileBytes});
  if (is_pem(pk)) {
    pk = decode_pem(path, pk, a, "PUBLIC KEY", "public key", [](const auto& der) { return pki::decode_spki(der); });
  }
  if (std::find(a.pk_lengths.begin(), a.pk_lengths.end(), pk.size()) == a.pk_lengths.end())
    wrong_key_length(path, pk.size(), a, false);
  // XMSS / XMSS^MT keys of one n share a length; the OID in front tells the parameter set.
  if (const xmss::Params* want = xmss::find_by_name(a.name); want != nullptr && load32_be(pk.data()) != want->oid) {
    const xmss::Params* have = xmss::find(load32_be(pk.data()), want->mt);
    throw BadInput(path + ": " + (have != nullptr ? key_what(find_algorithm(have->name), "public key")
                                                  : "unknown OID " + std::to_string(load32_be(pk.data()))) +
                   "; expected " + key_what(a, "public key") + " (OID " + std::to_string(want->oid) + ")");
  }
  return pk;
}

host::SecretBytes read_private_key(const std::string& path, const SigAlgorithm& a) {
  auto sk = read_secret_input(path, Expect{key_what(a, "private key"), {}, kMaxKeyFileBytes});
  if (is_pem(sk.span())) {
    auto seed = decode_pem(path, sk.span(), a, "PRIVATE KEY", "private key",
                           [](const auto& der) { return pki::decode_private_key_seed(der); });
    host::SecretBytes out(seed.size());
    std::copy(seed.begin(), seed.end(), out.data());
    secure_wipe(seed.data(), seed.size());
    return out;
  }
  if (std::find(a.sk_lengths.begin(), a.sk_lengths.end(), sk.size()) == a.sk_lengths.end())
    wrong_key_length(path == "-" ? "standard input" : path, sk.size(), a, true);
  return sk;
}

// A stateful private key file, before it is advanced: a key file of --alg (BadInput otherwise).
void check_stateful_key(const std::string& path, const SigAlgorithm& a) {
  const std::string want = key_what(a, "private key file (from `pqcea sig keygen`)");
  check_input(path, Expect{want, {}, kMaxKeyFileBytes});
  try {
    if (std::string(a.name) == "HSS-LMS") {
      (void)host::stateful::HssSigner(path);
      return;
    }
    const host::stateful::XmssSigner signer(path);
    const xmss::Params* p = xmss::find_by_name(a.name);
    if (signer.params().oid != p->oid || signer.params().mt != p->mt)
      throw BadInput(path + ": an " + signer.params().name + " private key; expected " + want);
  } catch (const host::stateful::StatefulError& e) {  // StateCorrupt, or the file could not be read
    throw BadInput(about(path, e.what()) + "; expected " + want);
  }
}

// A signing failure: a key the scheme refuses or an option it does not take is bad input; anything
// else is the machine's (no entropy).
void sign_ok(Status st, const Args& a) {
  if (st == Status::ok) return;
  if (st == Status::invalid_key)
    throw BadInput(a.sk + ": invalid key: not a valid " + a.alg + " private key (fails its consistency check)");
  if (st == Status::unsupported)
    throw BadInput(a.alg + " takes no --context, --prehash or --deterministic (" + a.sk + ")");
  throw std::runtime_error(std::string("sign: ") + to_string(st));
}

void add_common(CLI::App* cmd, Args& a) {
  cmd->add_option("--alg", a.alg, "signature algorithm")
      ->check(one_of(algorithm_names(), "a signature algorithm"))
      ->capture_default_str();
}
void add_message_options(CLI::App* cmd, Args& a) {
  cmd->add_option("--in", a.in, "message file (raw bytes, at most 1 GiB)")->required();
  cmd->add_option("--context", a.context, "context string (ML-DSA, SLH-DSA: 0..255 bytes, taken as text)");
  cmd->add_option("--context-hex", a.context_hex, "context string as hex");
  cmd->add_option("--prehash", a.prehash, "HashML-DSA / HashSLH-DSA with this pre-hash function")
      ->check(one_of(prehash_names(), "a pre-hash function"));
  cmd->add_flag("--low-memory", a.low_memory, "use the low-memory implementation (same results)");
  cmd->add_flag("--padded", a.padded, "Falcon: fixed-length (padded) signature format");
}

}  // namespace

void add_sig(CLI::App& app) {
  auto* sig = app.add_subcommand("sig", "Post-quantum signatures on raw binary files (" +
                                            group_names(algorithm_names(), true) + ")");
  sig->require_subcommand(1);
  static Args a;

  auto* kg = sig->add_subcommand("keygen", "Generate a key pair");
  add_common(kg, a);
  kg->add_option("--pk", a.pk, "public key output file")->required();
  kg->add_option("--sk", a.sk, "private key output file")->required();
  kg->add_option("--key-format", a.key_format,
                 "ML-DSA private key: pem (default: PKCS#8 with the seed, RFC 9881, which names its parameter set, "
                 "so a key of another set is refused), seed (the raw 32 bytes, FIPS 204) or expanded")
      ->check(CLI::IsMember({"pem", "seed", "expanded"}))
      ->capture_default_str();
  kg->add_option("--params", a.params,
                 "HSS-LMS levels, top first: LMS_TYPE/LMOTS_TYPE[,...] (default LMS_SHA256_M32_H10/LMOTS_SHA256_N32_W4)");
  add_force_flag(kg, a.force);
  kg->callback([] {
    refuse_existing({a.sk}, a.force);
    if (find_algorithm(a.alg).stateful) {  // the private key file (and its state) is replaced only with --force
      std::vector<std::uint8_t> pk;
      try {
        pk = host::stateful::keygen(a.alg, a.params, a.sk, host::system_rng(),
                                    a.force ? host::Replace::yes : host::Replace::no);
      } catch (const std::invalid_argument& e) {  // --params: an unknown or mismatched LMS/LM-OTS type
        throw BadInput("--params " + a.params + ": " + e.what() +
                       "; expected LMS_TYPE/LMOTS_TYPE[,...] of one hash and n = m (RFC 8554, SP 800-208)");
      }
      write_file(a.pk, pk.data(), pk.size());
      std::cout << a.alg << " key pair: public key " << a.pk << " (" << pk.size() << " bytes), stateful private key "
                << a.sk << "\n";
      return;
    }
    if (!a.params.empty()) throw BadInput("--params applies to HSS-LMS only, not " + a.alg);
    std::vector<std::uint8_t> pk;
    host::SecretBytes sk;
    const Status st = find_algorithm(a.alg).keygen(pk, sk, options(a));
    if (st != Status::ok) throw std::runtime_error("keygen: " + std::string(to_string(st)));
    if (a.key_format == "pem" && find_algorithm(a.alg).pkix) {
      // The seed inside PKCS#8 (RFC 9881 seed form): the file names its parameter set.
      pki::Bytes der = pki::encode_private_key_seed(*find_algorithm(a.alg).pkix, sk.first<mldsa::kSeedBytes>());
      std::string pem = pki::to_pem(der, "PRIVATE KEY");
      host::SecretBytes text(pem.size());
      std::copy(pem.begin(), pem.end(), text.data());
      secure_wipe(der.data(), der.size());
      secure_wipe(pem.data(), pem.size());
      sk = std::move(text);
    }
    write_secret(a.sk, sk.span(), a.force);  // first: a refused private key leaves --pk untouched too
    write_file(a.pk, pk.data(), pk.size());
    std::cout << a.alg << " key pair: public key " << a.pk << " (" << pk.size() << " bytes), private key " << a.sk
              << " (" << sk.size() << " bytes, " << (find_algorithm(a.alg).pkix ? a.key_format : std::string("raw"))
              << ")\n";
  });

  auto* sg = sig->add_subcommand("sign", "Sign a file (hedged by default)");
  add_common(sg, a);
  add_message_options(sg, a);
  sg->add_option("--sk", a.sk,
                 "private key file (\"-\": standard input): ML-DSA seed, expanded key or PKCS#8 PEM; the raw key "
                 "of SLH-DSA and Falcon; the key file of HSS-LMS and XMSS")
      ->required();
  sg->add_option("--out", a.sig, "signature output file")->required();
  sg->add_flag("--deterministic", a.deterministic, "deterministic signing (rnd = 0^32) instead of hedged");
  sg->callback([] {
    const SigAlgorithm& alg = find_algorithm(a.alg);
    const SignOptions o = options(a);
    if (alg.stateful) {  // the key file advances durably before the signature exists
      check_stateful_key(a.sk, alg);
      const auto msg = read_input(a.in, message_input("the message to sign"));
      std::vector<std::uint8_t> s;
      try {
        s = host::stateful::sign(a.alg, a.sk, msg);
      } catch (const host::stateful::KeyExhausted& e) {
        std::cerr << "pqcea: " << a.sk << ": " << e.what() << "\n";
        throw CLI::RuntimeError(kExitExhausted);
      }
      write_file(a.sig, s.data(), s.size());
      std::cout << a.alg << " signature written to " << a.sig << " (" << s.size() << " bytes)\n";
      return;
    }
    const auto sk = read_private_key(a.sk, alg);
    const auto msg = read_input(a.in, message_input("the message to sign"));
    std::vector<std::uint8_t> s;
    sign_ok(alg.sign(s, sk.span(), msg, o), a);
    write_file(a.sig, s.data(), s.size());
    std::cout << a.alg << " signature written to " << a.sig << " (" << s.size() << " bytes)\n";
  });

  auto* vf = sig->add_subcommand("verify", "Verify a signature; exit status 1 if it is not valid");
  add_common(vf, a);
  add_message_options(vf, a);
  vf->add_option("--pk", a.pk, "public key file (ML-DSA: raw or PEM)")->required();
  vf->add_option("--sig", a.sig, "signature file")->required();
  vf->callback([] {
    const SigAlgorithm& alg = find_algorithm(a.alg);
    const SignOptions o = options(a);
    const auto pk = read_public_key(a.pk, alg);
    const auto msg = read_input(a.in, message_input("the signed message"));
    // The signature is what is being checked: any bytes are a verdict (a wrong length is INVALID,
    // exit 1), read with a bound above every signature of the algorithm.
    const auto s = read_input(a.sig, Expect{key_what(alg, "signature"), {}, kMaxSignatureFileBytes});
    const Status st = alg.verify(pk, msg, s, o);
    if (st == Status::ok) {
      std::cout << "VALID: " << a.alg << " signature " << a.sig << " on " << a.in << "\n";
      return;
    }
    if (st == Status::invalid_key)  // the trusted key itself is malformed, or of another parameter set
      throw BadInput(a.pk + ": not a valid " + a.alg + " public key (" + to_string(st) + "); " +
                     expected(Expect{key_what(alg, "public key"), alg.pk_lengths, 0}));
    if (st == Status::unsupported) throw BadInput(a.alg + " takes no --context or --prehash");
    std::string why = to_string(st);
    if (alg.sig_bytes != 0 && !o.padded && s.size() != alg.sig_bytes)
      why += ": the signature has " + std::to_string(s.size()) + " bytes; " + key_what(alg, "signature") + " has " +
             std::to_string(alg.sig_bytes);
    std::cout << "INVALID: " << a.alg << " signature " << a.sig << " on " << a.in << " (" << why << ")\n";
    throw CLI::RuntimeError(kExitInvalid);
  });
}

}  // namespace pqcea::cli
