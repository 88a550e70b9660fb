// Loads the pqcea provider into a fresh library context and runs each TLS group's key exchange the
// way libssl does (keygen, encoded share, paramgen + set1_encoded_public_key, encapsulate,
// decapsulate), checking share sizes, equal secrets, and rejection of malformed shares.
// argv[1] = directory holding pqcea.so.
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include <cstdio>
#include <cstring>
#include <vector>

namespace {
int failures = 0;
void check(bool ok, const char* group, const char* what) {
  std::printf("%s %s: %s\n", ok ? "ok  " : "FAIL", group, what);
  if (!ok) {
    ++failures;
    ERR_print_errors_fp(stdout);
  }
  ERR_clear_error();
}

struct Group {
  const char* name;
  std::size_t client_share, server_share, secret;
};

EVP_PKEY* keygen(OSSL_LIB_CTX* ctx, const char* name, bool params_only) {
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(ctx, name, nullptr);
  EVP_PKEY* key = nullptr;
  bool ok = pctx != nullptr && (params_only ? EVP_PKEY_paramgen_init(pctx) : EVP_PKEY_keygen_init(pctx)) > 0 &&
            EVP_PKEY_CTX_set_group_name(pctx, name) > 0 &&
            (params_only ? EVP_PKEY_paramgen(pctx, &key) : EVP_PKEY_keygen(pctx, &key)) > 0;
  EVP_PKEY_CTX_free(pctx);
  if (!ok) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  return key;
}

// Server side: import the client share into a parameter-only key and encapsulate.
bool encapsulate(OSSL_LIB_CTX* ctx, const char* name, const std::vector<unsigned char>& share,
                 std::vector<unsigned char>& ct, std::vector<unsigned char>& ss) {
  EVP_PKEY* peer = keygen(ctx, name, true);
  if (peer == nullptr) return false;
  bool ok = EVP_PKEY_set1_encoded_public_key(peer, share.data(), share.size()) > 0;
  EVP_PKEY_CTX* pctx = ok ? EVP_PKEY_CTX_new_from_pkey(ctx, peer, nullptr) : nullptr;
  std::size_t ctlen = 0, sslen = 0;
  ok = pctx != nullptr && EVP_PKEY_encapsulate_init(pctx, nullptr) > 0 &&
       EVP_PKEY_encapsulate(pctx, nullptr, &ctlen, nullptr, &sslen) > 0;
  if (ok) {
    ct.resize(ctlen);
    ss.resize(sslen);
    ok = EVP_PKEY_encapsulate(pctx, ct.data(), &ctlen, ss.data(), &sslen) > 0;
    ct.resize(ctlen);
    ss.resize(sslen);
  }
  EVP_PKEY_CTX_free(pctx);
  EVP_PKEY_free(peer);
  return ok;
}

bool decapsulate(OSSL_LIB_CTX* ctx, EVP_PKEY* key, const std::vector<unsigned char>& ct, std::vector<unsigned char>& ss) {
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_pkey(ctx, key, nullptr);
  std::size_t sslen = 0;
  bool ok = pctx != nullptr && EVP_PKEY_decapsulate_init(pctx, nullptr) > 0 &&
            EVP_PKEY_decapsulate(pctx, nullptr, &sslen, ct.data(), ct.size()) > 0;
  if (ok) {
    ss.resize(sslen);
    ok = EVP_PKEY_decapsulate(pctx, ss.data(), &sslen, ct.data(), ct.size()) > 0;
    ss.resize(sslen);
  }
  EVP_PKEY_CTX_free(pctx);
  return ok;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  OSSL_LIB_CTX* ctx = OSSL_LIB_CTX_new();
  OSSL_PROVIDER_set_default_search_path(ctx, argv[1]);
  OSSL_PROVIDER* prov = OSSL_PROVIDER_load(ctx, "pqcea");
  OSSL_PROVIDER* def = OSSL_PROVIDER_load(ctx, "default");
  if (prov == nullptr || def == nullptr) {
    ERR_print_errors_fp(stdout);
    std::printf("FAIL: cannot load providers from %s\n", argv[1]);
    return 1;
  }
  {  // A second library context loading the provider, then released: the first must keep working
     // (the provider's classical library context is shared and reference-counted).
    OSSL_LIB_CTX* other = OSSL_LIB_CTX_new();
    OSSL_PROVIDER_set_default_search_path(other, argv[1]);
    OSSL_PROVIDER* p2 = OSSL_PROVIDER_load(other, "pqcea");
    check(p2 != nullptr, "provider", "loads into a second library context");
    if (p2 != nullptr) OSSL_PROVIDER_unload(p2);
    OSSL_LIB_CTX_free(other);
  }
  const Group groups[] = {{"X25519MLKEM768", 1216, 1120, 64},    {"SecP256r1MLKEM768", 1249, 1153, 64},
                          {"SecP384r1MLKEM1024", 1665, 1665, 80}, {"MLKEM512", 800, 768, 32},
                          {"MLKEM768", 1184, 1088, 32},           {"MLKEM1024", 1568, 1568, 32}};
  for (const Group& g : groups) {
    EVP_PKEY* key = keygen(ctx, g.name, false);
    check(key != nullptr, g.name, "key generation with the group name set");
    if (key == nullptr) continue;
    unsigned char* enc = nullptr;
    std::size_t enc_len = EVP_PKEY_get1_encoded_public_key(key, &enc);
    check(enc_len == g.client_share, g.name, "client share size");
    std::vector<unsigned char> share(enc, enc + enc_len);
    OPENSSL_free(enc);
    std::vector<unsigned char> ct, ss_server, ss_client;
    bool ok = encapsulate(ctx, g.name, share, ct, ss_server);
    check(ok && ct.size() == g.server_share && ss_server.size() == g.secret, g.name, "encapsulate: sizes");
    ok = decapsulate(ctx, key, ct, ss_client);
    check(ok && ss_client == ss_server, g.name, "decapsulate: same shared secret");

    // Malformed client shares: one byte short, one byte long, all 0xFF (ML-KEM modulus check fails).
    std::vector<unsigned char> bad(share.begin(), share.end() - 1), tmp_ct, tmp_ss;
    check(!encapsulate(ctx, g.name, bad, tmp_ct, tmp_ss), g.name, "client share one byte short rejected");
    bad = share;
    bad.push_back(0);
    check(!encapsulate(ctx, g.name, bad, tmp_ct, tmp_ss), g.name, "client share one byte long rejected");
    bad.assign(share.size(), 0xFF);
    check(!encapsulate(ctx, g.name, bad, tmp_ct, tmp_ss), g.name, "client share of 0xFF bytes rejected");
    // Malformed server shares: wrong length fails; a flipped ML-KEM ciphertext bit gives a different
    // (implicit-rejection) secret, so the peers' secrets disagree and Finished fails.
    std::vector<unsigned char> bad_ct(ct.begin(), ct.end() - 1);
    check(!decapsulate(ctx, key, bad_ct, tmp_ss), g.name, "server share one byte short rejected");
    bad_ct = ct;
    const bool mlkem_first = std::strncmp(g.name, "SecP", 4) != 0;
    bad_ct[mlkem_first ? 5 : ct.size() - 5] ^= 0x01;
    ok = decapsulate(ctx, key, bad_ct, tmp_ss);
    check(ok && tmp_ss.size() == ss_server.size() && tmp_ss != ss_server, g.name,
          "flipped ML-KEM ciphertext: implicit rejection, secrets differ");
    EVP_PKEY_free(key);
  }
  OSSL_PROVIDER_unload(prov);
  OSSL_PROVIDER_unload(def);
  OSSL_LIB_CTX_free(ctx);
  std::printf("%d failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}
