// pqcea::tls::set_groups (the project's TLS default, include/pqcea/host/tls_groups.hpp), as the
// verifier service's server and client use it:
//  - without the pqcea provider, the classical part of the default list is kept and works;
//  - with it, the whole list is kept, and two contexts left at the default negotiate
//    X25519MLKEM768 (in memory, TLS 1.3, as both sides report it);
//  - a default client still connects to a classical-only server (HelloRetryRequest to X25519);
//  - an explicit list is taken as given, and refused when OpenSSL does not know a name in it.
// Usage: provider_default_groups MODULE_DIR
#include <openssl/err.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <string>

#include "pqcea/host/tls_groups.hpp"
#include "test_cert.hpp"

namespace {

int g_failures = 0;

void check(bool ok, const std::string& what) {
  std::printf("%s: %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++g_failures;
}

// One in-memory TLS 1.3 handshake; the group name each side reports ("" on failure).
struct Negotiated {
  std::string client, server;
};
std::string group_name(SSL* ssl) {
  const char* name = SSL_group_to_name(ssl, static_cast<int>(SSL_get_negotiated_group(ssl)));
  return name != nullptr ? name : "?";
}
Negotiated handshake(SSL_CTX* sctx, SSL_CTX* cctx) {
  Negotiated out;
  SSL* s = SSL_new(sctx);
  SSL* c = SSL_new(cctx);
  BIO *bs = nullptr, *bc = nullptr;
  if (s == nullptr || c == nullptr || BIO_new_bio_pair(&bs, 0, &bc, 0) != 1) return out;
  SSL_set_bio(s, bs, bs);
  SSL_set_bio(c, bc, bc);
  SSL_set_accept_state(s);
  SSL_set_connect_state(c);
  int cr = 0, sr = 0;
  for (int i = 0; i < 20 && (cr != 1 || sr != 1); ++i) {
    if (cr != 1) cr = SSL_do_handshake(c);
    if (sr != 1) sr = SSL_do_handshake(s);
  }
  if (cr == 1 && sr == 1 && SSL_version(c) == TLS1_3_VERSION) {
    out.client = group_name(c);
    out.server = group_name(s);
  } else {
    ERR_print_errors_fp(stderr);
  }
  std::printf("      handshake: client %s, server %s\n", out.client.c_str(), out.server.c_str());
  SSL_free(c);
  SSL_free(s);
  return out;
}

SSL_CTX* new_ctx(OSSL_LIB_CTX* lib, bool server, EVP_PKEY* key, X509* cert) {
  SSL_CTX* ctx = SSL_CTX_new_ex(lib, nullptr, server ? TLS_server_method() : TLS_client_method());
  SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  if (server) {
    SSL_CTX_use_certificate(ctx, cert);
    SSL_CTX_use_PrivateKey(ctx, key);
  }
  return ctx;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s MODULE_DIR\n", argv[0]);
    return 2;
  }
  const std::string all(pqcea::tls::kDefaultGroups);
  // Context 1: OpenSSL's default provider only.
  OSSL_LIB_CTX* plain = OSSL_LIB_CTX_new();
  // Context 2: pqcea next to the default provider.
  OSSL_LIB_CTX* pq = OSSL_LIB_CTX_new();
  OSSL_PROVIDER_set_default_search_path(pq, argv[1]);
  OSSL_PROVIDER* providers[] = {OSSL_PROVIDER_load(plain, "default"), OSSL_PROVIDER_load(pq, "pqcea"),
                                 OSSL_PROVIDER_load(pq, "default")};
  if (providers[0] == nullptr || providers[1] == nullptr || providers[2] == nullptr) {
    ERR_print_errors_fp(stderr);
    return 1;
  }
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  if (!pqcea_test::make_p256_cert(pq, &key, &cert)) return 1;

  {
    SSL_CTX* s = new_ctx(plain, true, key, cert);
    SSL_CTX* c = new_ctx(plain, false, key, cert);
    const std::string known = pqcea::tls::known_groups(c, all);
    check(known == "X25519:secp256r1:X448:secp384r1:secp521r1", "without pqcea the classical part is kept: " + known);
    check(pqcea::tls::set_groups(s, {}) && pqcea::tls::set_groups(c, {}), "without pqcea set_groups(default) succeeds");
    const Negotiated n = handshake(s, c);
    check(n.client == "x25519" && n.server == "x25519", "without pqcea the default negotiates X25519");
    check(!pqcea::tls::set_groups(c, "X25519MLKEM768:X25519"), "without pqcea an explicit hybrid list is refused");
    SSL_CTX_free(s);
    SSL_CTX_free(c);
  }
  {
    SSL_CTX* s = new_ctx(pq, true, key, cert);
    SSL_CTX* c = new_ctx(pq, false, key, cert);
    const std::string known = pqcea::tls::known_groups(c, all);
    check(known == all, "with pqcea the whole default list is kept: " + known);
    check(pqcea::tls::set_groups(s, {}) && pqcea::tls::set_groups(c, {}), "with pqcea set_groups(default) succeeds");
    Negotiated n = handshake(s, c);
    check(n.client == "X25519MLKEM768" && n.server == "X25519MLKEM768", "both at the default negotiate X25519MLKEM768");

    // A classical-only server: the default client's first key share is the hybrid, the server
    // asks for X25519 in a HelloRetryRequest, and the handshake completes.
    SSL_CTX* classic = new_ctx(pq, true, key, cert);
    check(pqcea::tls::set_groups(classic, "X25519:secp256r1"), "an explicit classical list is taken");
    n = handshake(classic, c);
    check(n.client == "x25519" && n.server == "x25519", "default client with a classical-only server: X25519");
    check(!pqcea::tls::set_groups(c, "X25519MLKEM768:NoSuchGroup"), "an explicit list with an unknown name is refused");
    SSL_CTX_free(classic);
    SSL_CTX_free(s);
    SSL_CTX_free(c);
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  for (OSSL_PROVIDER* p : providers) OSSL_PROVIDER_unload(p);
  OSSL_LIB_CTX_free(pq);
  OSSL_LIB_CTX_free(plain);
  std::printf("%s\n", g_failures == 0 ? "PASS" : "FAIL");
  return g_failures == 0 ? 0 : 1;
}
