// Full TLS 1.3 handshakes per second on loopback TCP, one group at a time: a server thread and a
// client loop in one process, both with the pqcea provider (and the default provider) loaded into
// one library context. Each connection: TCP connect, full handshake (no resumption), one byte each
// way, close. Usage: handshake_rate MODULE_DIR SECONDS GROUP [GROUP...]
// Prints "GROUP: N handshakes in T s = R/s (negotiated 0xID)"; exits non-zero if a group fails.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "test_cert.hpp"

namespace {

OSSL_LIB_CTX* g_ctx = nullptr;

int listen_loopback(int& port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    return -1;
  port = ntohs(a.sin_port);
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s MODULE_DIR SECONDS GROUP...\n", argv[0]);
    return 2;
  }
  const double seconds = std::atof(argv[2]);
  g_ctx = OSSL_LIB_CTX_new();
  OSSL_PROVIDER_set_default_search_path(g_ctx, argv[1]);
  if (OSSL_PROVIDER_load(g_ctx, "pqcea") == nullptr || OSSL_PROVIDER_load(g_ctx, "default") == nullptr) {
    ERR_print_errors_fp(stderr);
    return 1;
  }
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  if (!pqcea_test::make_p256_cert(g_ctx, &key, &cert)) return 1;
  int failures = 0;
  for (int gi = 3; gi < argc; ++gi) {
    const char* group = argv[gi];
    SSL_CTX* sctx = SSL_CTX_new_ex(g_ctx, nullptr, TLS_server_method());
    SSL_CTX* cctx = SSL_CTX_new_ex(g_ctx, nullptr, TLS_client_method());
    for (SSL_CTX* c : {sctx, cctx}) {
      SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION);
      SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
      SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
      if (SSL_CTX_set1_groups_list(c, group) != 1) {
        std::printf("%s: group not available\n", group);
        return 1;
      }
    }
    SSL_CTX_use_certificate(sctx, cert);
    SSL_CTX_use_PrivateKey(sctx, key);
    int port = 0;
    const int lfd = listen_loopback(port);
    std::atomic<bool> stop{false};
    std::thread server([&] {
      for (;;) {
        const int fd = accept(lfd, nullptr, nullptr);
        if (fd < 0 || stop) {
          if (fd >= 0) close(fd);
          return;
        }
        SSL* s = SSL_new(sctx);
        SSL_set_fd(s, fd);
        char b;
        if (SSL_accept(s) == 1 && SSL_read(s, &b, 1) == 1) SSL_write(s, &b, 1);
        SSL_shutdown(s);
        SSL_free(s);
        close(fd);
      }
    });
    long n = 0;
    long negotiated = -1;
    const char* negotiated_name = "?";
    const auto t0 = std::chrono::steady_clock::now();
    double elapsed = 0;
    while (elapsed < seconds) {
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<std::uint16_t>(port));
      if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) break;
      SSL* s = SSL_new(cctx);
      SSL_set_fd(s, fd);
      char b = 'x';
      const bool ok = SSL_connect(s) == 1 && SSL_write(s, &b, 1) == 1 && SSL_read(s, &b, 1) == 1;
      if (ok) {
        negotiated = SSL_get_negotiated_group(s);
        if (const char* nm = SSL_group_to_name(s, static_cast<int>(negotiated))) negotiated_name = nm;
        ++n;
      }
      SSL_shutdown(s);
      SSL_free(s);
      close(fd);
      if (!ok) {
        ERR_print_errors_fp(stderr);
        break;
      }
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    stop = true;
    {  // wake the acceptor
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<std::uint16_t>(port));
      connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
      close(fd);
    }
    server.join();
    close(lfd);
    std::printf("%-20s %6ld handshakes in %.2f s = %8.1f handshakes/s (negotiated: %s)\n", group, n, elapsed,
                elapsed > 0 ? static_cast<double>(n) / elapsed : 0.0, negotiated_name);
    if (n == 0 || OPENSSL_strcasecmp(negotiated_name, group) != 0) ++failures;
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  return failures == 0 ? 0 : 1;
}
