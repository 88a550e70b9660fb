// Fleet key material for the service and the load generator (`pqcea fleet-init`), and a
// self-signed TLS certificate for loopback tests (OpenSSL, EC P-256).
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "internal.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/host/pki.hpp"
#include "pqcea/host/secret.hpp"
#include "pqcea/host/secret_file.hpp"
#include "pqcea/host/service.hpp"

namespace pqcea::service {
namespace {


// Secrets (private keys, the admin and read tokens) go through write_secret_file: mode 0600 from the first
// byte, an existing file replaced only when forced.
enum class Kind : bool { public_data, secret };
void write_text(const std::filesystem::path& p, const std::string& text, Kind kind, bool force = false) {
  if (kind == Kind::secret) {
    host::write_secret_file(p.string(), std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                            force ? host::Replace::yes : host::Replace::no);
    return;
  }
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + p.string());
  out << text;
  if (!out) throw std::runtime_error("write failed: " + p.string());
}

// A fresh bearer token: 32 random bytes, hex.
std::string fresh_token() {
  std::array<std::uint8_t, 32> token{};
  if (host::system_random(token) != Status::ok) throw std::runtime_error("system entropy failed");
  std::string t = detail::hex_encode(token) + "\n";
  secure_wipe(token.data(), token.size());
  return t;
}

// A fresh 32-byte ML-DSA seed in its own wiped buffer (also on the exception paths below).
host::SecretBytes fresh_seed() {
  host::SecretBytes s(32);
  if (host::system_random(s.span()) != Status::ok) throw std::runtime_error("system entropy failed");
  return s;
}


template <class T, void (*F)(T*)>
struct Free {
  void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Free<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Free<BIO, BIO_free_all>>;

void check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string("OpenSSL: ") + what + " failed");
}

}  // namespace

void write_self_signed_tls(const std::filesystem::path& cert_file, const std::filesystem::path& key_file,
                           bool force) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) throw std::runtime_error("OpenSSL: EC key generation failed");
  X509Ptr cert(X509_new());
  if (!cert) throw std::runtime_error("OpenSSL: X509_new failed");
  check(X509_set_version(cert.get(), 2), "X509_set_version");
  std::array<std::uint8_t, 16> serial{};
  if (host::system_random(serial) != Status::ok) throw std::runtime_error("system entropy failed");
  serial[0] &= 0x7F;
  std::unique_ptr<BIGNUM, Free<BIGNUM, BN_free>> bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  check(BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) != nullptr ? 1 : 0, "serial");
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 86400L);
  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("pqcea verifier (loopback)"),
                                   -1, -1, 0),
        "subject");
  check(X509_set_issuer_name(cert.get(), name), "issuer");
  check(X509_set_pubkey(cert.get(), key.get()), "X509_set_pubkey");
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair<int, const char*>{NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost"},
                            {NID_basic_constraints, "critical,CA:TRUE"},
                            {NID_key_usage, "critical,digitalSignature,keyCertSign"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
    if (ext == nullptr) throw std::runtime_error("OpenSSL: extension failed");
    const int ok = X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
    check(ok, "X509_add_ext");
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) throw std::runtime_error("OpenSSL: X509_sign failed");
  auto to_string = [](auto&& write) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    write(bio.get());
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
  };
  write_text(key_file, to_string([&](BIO* b) {
               check(PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr), "key PEM");
             }),
             Kind::secret, force);
  write_text(cert_file, to_string([&](BIO* b) { check(PEM_write_bio_X509(b, cert.get()), "certificate PEM"); }),
             Kind::public_data);
}

std::string read_token_file(const std::filesystem::path& p) {
  std::string token = detail::read_text(p);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) throw std::runtime_error(p.string() + " holds no token");
  return token;
}

void init_fleet(const std::filesystem::path& dir, bool with_tls, bool force) {
  std::filesystem::create_directories(dir);
  // A folder that already holds a fleet is refused as a whole (before any key is made).
  if (!force && std::filesystem::exists(dir / "ca.pem")) throw host::SecretFileExists((dir / "ca.pem").string());
  const std::int64_t now = detail::unix_now();
  auto ca_signer = detail::new_key(dir, "ca", force);
  pki::Name ca_name;
  ca_name.organization = "PQC-Edge-Attestor fleet";
  ca_name.common_name = "Fleet Root CA (ML-DSA-87)";
  auto ca = pki::CertificateAuthority::create_root(ca_name, {now - 60, now + 20 * 365 * 86400LL}, ca_signer);
  write_text(dir / "ca.pem", pki::to_pem(ca.certificate().der, "CERTIFICATE"), Kind::public_data);
  std::filesystem::remove(dir / "ca.pub.pem");  // the certificate carries it
  detail::new_key(dir, "operator", force);
  detail::new_key(dir, "verifier", force);
  write_text(dir / "admin.token", fresh_token(), Kind::secret, force);
  write_text(dir / "read.token", fresh_token(), Kind::secret, force);
  if (with_tls) write_self_signed_tls(dir / "tls.pem", dir / "tls.key.pem", force);
}

void load_fleet(const std::filesystem::path& dir, Config& c) {
  c.ca_cert_pem = detail::read_text(dir / "ca.pem");
  c.operator_key_pem = detail::read_text(dir / "operator.pub.pem");
  c.verifier_key_file = (dir / "verifier.key.pem").string();  // the engine reads it (one wiped copy)
  c.admin_token = read_token_file(dir / "admin.token");
  // Fleets made before the read scope existed have no read.token: only the admin token reads.
  if (std::filesystem::exists(dir / "read.token")) c.read_token = read_token_file(dir / "read.token");
}

namespace detail {

std::string read_text(const std::filesystem::path& p) {
  // A missing or unreadable file is the caller's input: std::invalid_argument (exit 2 in the CLI).
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) throw std::invalid_argument(p.string() + ": no such file (or not a regular file)");
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::shared_ptr<const pki::Signer> new_key(const std::filesystem::path& dir, const std::string& name, bool force) {
  const host::SecretBytes seed = fresh_seed();
  auto signer = pki::mldsa_signer(pki::Algorithm::MlDsa87, seed.first<32>());
  write_text(dir / (name + ".key.pem"),
             pki::to_pem(pki::encode_private_key_seed(pki::Algorithm::MlDsa87, seed.first<32>()), "PRIVATE KEY"),
             Kind::secret, force);
  write_text(dir / (name + ".pub.pem"),
             pki::to_pem(pki::encode_spki(pki::Algorithm::MlDsa87, signer->public_key()), "PUBLIC KEY"), Kind::public_data);
  return signer;
}

std::shared_ptr<const pki::Signer> load_signer(const std::filesystem::path& key_file) {
  const host::SecretBytes pem = host::read_secret_file(key_file.string(), 16 * 1024);
  auto [alg, seed] = pki::decode_private_key_seed(pki::from_pem(
      std::string_view(reinterpret_cast<const char*>(pem.span().data()), pem.span().size()), "PRIVATE KEY"));
  auto signer = pki::mldsa_signer(alg, seed);
  secure_wipe(seed.data(), seed.size());
  return signer;
}

}  // namespace detail

}  // namespace pqcea::service
