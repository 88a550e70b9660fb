// The project's TLS key-exchange groups: post-quantum hybrids first (docs/tls-provider.md).
#pragma once
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string>
#include <string_view>

namespace pqcea::tls {

// The one default list, in order of preference: the hybrid ML-KEM groups (from the pqcea
// provider on OpenSSL 3.0, built in from OpenSSL 3.5), then the classical ECDHE groups.
// CMake copies this exact string into pqcea-provider.cnf's `Groups =` line (src/host/CMakeLists.txt
// reads it from this line), so programs configured through OPENSSL_CONF get the same list.
inline constexpr std::string_view kDefaultGroups =
    "X25519MLKEM768:SecP256r1MLKEM768:SecP384r1MLKEM1024:X25519:secp256r1:X448:secp384r1:secp521r1";

// The groups of `list` (colon-separated) that this OpenSSL, with the providers loaded into ctx's
// library context, knows; the order is kept. OpenSSL 3.0 refuses a whole list with one unknown
// name, so a program started without the pqcea provider keeps the classical part.
inline std::string known_groups(SSL_CTX* ctx, std::string_view list) {
  std::string out;
  ERR_set_mark();
  while (!list.empty()) {
    const std::size_t colon = list.find(':');
    const std::string name(list.substr(0, colon));
    list = colon == std::string_view::npos ? std::string_view{} : list.substr(colon + 1);
    if (!name.empty() && SSL_CTX_set1_groups_list(ctx, name.c_str()) == 1) out += (out.empty() ? "" : ":") + name;
  }
  ERR_pop_to_mark();
  return out;
}

// Sets ctx's groups: `configured` exactly as given (false if OpenSSL refuses it), or, when it is
// empty, every group of kDefaultGroups this OpenSSL knows (false only if it knows none of them).
[[nodiscard]] inline bool set_groups(SSL_CTX* ctx, std::string_view configured) {
  const std::string list = configured.empty() ? known_groups(ctx, kDefaultGroups) : std::string(configured);
  return !list.empty() && SSL_CTX_set1_groups_list(ctx, list.c_str()) == 1;
}

}  // namespace pqcea::tls
