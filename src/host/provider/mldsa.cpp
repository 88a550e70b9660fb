// ML-DSA-44/65/87 (FIPS 204, RFC 9881) for the pqcea provider: key management, signature
// (pure ML-DSA, empty context, as certificates use it), encoders and decoders for
// SubjectPublicKeyInfo and PKCS#8 PrivateKeyInfo (seed form) in DER and PEM, and a text encoder.
// Signing, verification and the DER formats are the project's own (pqcea_pki's ML-DSA binding and
// encoders on pqcea_mldsa); nothing of OpenSSL's is used for ML-DSA.
#include <openssl/core_names.h>
#include <openssl/core_object.h>
#include <openssl/params.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <array>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <string>

#include "common.hpp"
#include "pqcea/host/hex.hpp"
#include "pqcea/host/pki.hpp"
#include "pqcea/mldsa.hpp"

namespace pqcea::provider {
namespace {

using pki::Algorithm;

struct DsaVariant {
  const char* names;
  const char* name;  // canonical; also the short and long name registered for the OID
  const char* oid;
  Algorithm alg;
  std::size_t pk_bytes, sig_bytes;
  int secbits;
  std::uint8_t oid_last;  // 2.16.840.1.101.3.4.3.<oid_last>
};

constexpr DsaVariant kDsa[] = {
    {"ML-DSA-44:MLDSA44:id-ml-dsa-44:2.16.840.1.101.3.4.3.17", "ML-DSA-44", "2.16.840.1.101.3.4.3.17",
     Algorithm::MlDsa44, mldsa::MlDsa44::pk_bytes, mldsa::MlDsa44::sig_bytes, 128, 17},
    {"ML-DSA-65:MLDSA65:id-ml-dsa-65:2.16.840.1.101.3.4.3.18", "ML-DSA-65", "2.16.840.1.101.3.4.3.18",
     Algorithm::MlDsa65, mldsa::MlDsa65::pk_bytes, mldsa::MlDsa65::sig_bytes, 192, 18},
    {"ML-DSA-87:MLDSA87:id-ml-dsa-87:2.16.840.1.101.3.4.3.19", "ML-DSA-87", "2.16.840.1.101.3.4.3.19",
     Algorithm::MlDsa87, mldsa::MlDsa87::pk_bytes, mldsa::MlDsa87::sig_bytes, 256, 19},
};

struct DsaKey {
  const DsaVariant* v;
  std::vector<std::uint8_t> pk;
  std::array<std::uint8_t, 32> seed{};
  bool has_private = false;
  std::shared_ptr<const pki::Signer> signer;
  ~DsaKey() { OPENSSL_cleanse(seed.data(), seed.size()); }
};

// Builds a key from its seed (FIPS 204 ML-DSA.KeyGen_internal) through the project's signer.
std::unique_ptr<DsaKey> key_from_seed(const DsaVariant& v, std::span<const std::uint8_t, 32> seed) {
  auto k = std::make_unique<DsaKey>();
  k->v = &v;
  std::memcpy(k->seed.data(), seed.data(), 32);
  k->signer = pki::mldsa_signer(v.alg, seed, pki::SigningMode::hedged);
  k->pk = k->signer->public_key();
  k->has_private = true;
  return k;
}

// ---- key management ---------------------------------------------------------------------------
template <std::size_t I>
void* km_new(void*) {
  auto* k = new (std::nothrow) DsaKey;
  if (k != nullptr) k->v = &kDsa[I];
  return k;
}
void km_free(void* k) { delete static_cast<DsaKey*>(k); }

int km_has(const void* kp, int selection) {
  const auto* k = static_cast<const DsaKey*>(kp);
  if (k == nullptr) return 0;
  int ok = 1;
  if ((selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) != 0) ok = ok && !k->pk.empty();
  if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0) ok = ok && k->has_private;
  return ok;
}

int km_match(const void* a, const void* b, int selection) {
  const auto* x = static_cast<const DsaKey*>(a);
  const auto* y = static_cast<const DsaKey*>(b);
  if (x->v != y->v) return 0;
  if ((selection & OSSL_KEYMGMT_SELECT_KEYPAIR) != 0 && x->pk != y->pk) return 0;
  return 1;
}

int km_get_params(void* kp, OSSL_PARAM params[]) {
  const auto* k = static_cast<const DsaKey*>(kp);
  OSSL_PARAM* p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_BITS);
  if (p != nullptr && !OSSL_PARAM_set_int(p, static_cast<int>(8 * k->v->pk_bytes))) return 0;
  p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_SECURITY_BITS);
  if (p != nullptr && !OSSL_PARAM_set_int(p, k->v->secbits)) return 0;
  p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_MAX_SIZE);
  if (p != nullptr && !OSSL_PARAM_set_int(p, static_cast<int>(k->v->sig_bytes))) return 0;
  // Pure ML-DSA signs the message itself: no digest (an empty mandatory digest means "none").
  p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_MANDATORY_DIGEST);
  if (p != nullptr && !OSSL_PARAM_set_utf8_string(p, "")) return 0;
  p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_PUB_KEY);
  if (p != nullptr && (k->pk.empty() || !OSSL_PARAM_set_octet_string(p, k->pk.data(), k->pk.size()))) return 0;
  p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY);
  if (p != nullptr && (k->pk.empty() || !OSSL_PARAM_set_octet_string(p, k->pk.data(), k->pk.size()))) return 0;
  return 1;
}

const OSSL_PARAM* km_gettable_params(void*) {
  static const OSSL_PARAM params[] = {OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, nullptr),
                                      OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, nullptr),
                                      OSSL_PARAM_int(OSSL_PKEY_PARAM_MAX_SIZE, nullptr),
                                      OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_MANDATORY_DIGEST, nullptr, 0),
                                      OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0),
                                      OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0),
                                      OSSL_PARAM_END};
  return params;
}

// Import / export: "pub" = the raw public key, "priv" = the 32-byte seed.
int km_import(void* kp, int selection, const OSSL_PARAM params[]) {
  auto* k = static_cast<DsaKey*>(kp);
  try {
    const OSSL_PARAM* p = OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_PRIV_KEY);
    if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0 && p != nullptr) {
      const void* d = nullptr;
      std::size_t n = 0;
      if (!OSSL_PARAM_get_octet_string_ptr(p, &d, &n) || n != 32) return 0;
      auto fresh = key_from_seed(*k->v, std::span<const std::uint8_t, 32>(static_cast<const std::uint8_t*>(d), 32));
      k->seed = fresh->seed;
      k->pk = fresh->pk;
      k->signer = fresh->signer;
      k->has_private = true;
    }
    p = OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_PUB_KEY);
    if ((selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) != 0 && p != nullptr) {
      const void* d = nullptr;
      std::size_t n = 0;
      if (!OSSL_PARAM_get_octet_string_ptr(p, &d, &n) || n != k->v->pk_bytes) return 0;
      const auto* b = static_cast<const std::uint8_t*>(d);
      if (k->has_private && !std::equal(b, b + n, k->pk.begin())) return 0;  // must belong to the seed
      k->pk.assign(b, b + n);
    }
    return k->pk.empty() ? 0 : 1;
  } catch (const std::exception&) {
    return 0;
  }
}

int km_export(void* kp, int selection, OSSL_CALLBACK* cb, void* arg) {
  auto* k = static_cast<DsaKey*>(kp);
  OSSL_PARAM params[3];
  int n = 0;
  if ((selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) != 0 && !k->pk.empty())
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, k->pk.data(), k->pk.size());
  if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0 && k->has_private)
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, k->seed.data(), k->seed.size());
  params[n] = OSSL_PARAM_construct_end();
  return cb(params, arg);
}

const OSSL_PARAM* km_io_types(int) {
  static const OSSL_PARAM params[] = {OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0),
                                      OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, nullptr, 0), OSSL_PARAM_END};
  return params;
}

struct DsaGen {
  const DsaVariant* v;
  int selection;
};

template <std::size_t I>
void* km_gen_init(void*, int selection, const OSSL_PARAM[]) {
  return new (std::nothrow) DsaGen{&kDsa[I], selection};
}
int km_gen_set_params(void*, const OSSL_PARAM[]) { return 1; }
const OSSL_PARAM* km_gen_settable_params(void*, void*) {
  static const OSSL_PARAM params[] = {OSSL_PARAM_END};
  return params;
}

void* km_gen(void* gp, OSSL_CALLBACK*, void*) {
  const auto* g = static_cast<DsaGen*>(gp);
  if ((g->selection & OSSL_KEYMGMT_SELECT_KEYPAIR) == 0) return nullptr;
  std::array<std::uint8_t, 32> seed{};
  if (provider_rng().generate(seed) != Status::ok) return nullptr;
  try {
    auto k = key_from_seed(*g->v, seed);
    OPENSSL_cleanse(seed.data(), seed.size());
    return k.release();
  } catch (const std::exception&) {
    OPENSSL_cleanse(seed.data(), seed.size());
    return nullptr;
  }
}
void km_gen_cleanup(void* gp) { delete static_cast<DsaGen*>(gp); }

// The decoder hands over its object by reference (a pointer to a DsaKey).
void* km_load(const void* reference, std::size_t size) {
  if (reference == nullptr || size != sizeof(DsaKey*)) return nullptr;
  DsaKey* k = nullptr;
  std::memcpy(&k, reference, sizeof k);
  std::memset(const_cast<void*>(reference), 0, sizeof k);  // ownership moves to the caller
  return k;
}

template <std::size_t I>
const OSSL_DISPATCH kKeymgmt[] = {
    {OSSL_FUNC_KEYMGMT_NEW, reinterpret_cast<void (*)()>(km_new<I>)},
    {OSSL_FUNC_KEYMGMT_FREE, reinterpret_cast<void (*)()>(km_free)},
    {OSSL_FUNC_KEYMGMT_HAS, reinterpret_cast<void (*)()>(km_has)},
    {OSSL_FUNC_KEYMGMT_MATCH, reinterpret_cast<void (*)()>(km_match)},
    {OSSL_FUNC_KEYMGMT_GET_PARAMS, reinterpret_cast<void (*)()>(km_get_params)},
    {OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, reinterpret_cast<void (*)()>(km_gettable_params)},
    {OSSL_FUNC_KEYMGMT_IMPORT, reinterpret_cast<void (*)()>(km_import)},
    {OSSL_FUNC_KEYMGMT_IMPORT_TYPES, reinterpret_cast<void (*)()>(km_io_types)},
    {OSSL_FUNC_KEYMGMT_EXPORT, reinterpret_cast<void (*)()>(km_export)},
    {OSSL_FUNC_KEYMGMT_EXPORT_TYPES, reinterpret_cast<void (*)()>(km_io_types)},
    {OSSL_FUNC_KEYMGMT_GEN_INIT, reinterpret_cast<void (*)()>(km_gen_init<I>)},
    {OSSL_FUNC_KEYMGMT_GEN_SET_PARAMS, reinterpret_cast<void (*)()>(km_gen_set_params)},
    {OSSL_FUNC_KEYMGMT_GEN_SETTABLE_PARAMS, reinterpret_cast<void (*)()>(km_gen_settable_params)},
    {OSSL_FUNC_KEYMGMT_GEN, reinterpret_cast<void (*)()>(km_gen)},
    {OSSL_FUNC_KEYMGMT_GEN_CLEANUP, reinterpret_cast<void (*)()>(km_gen_cleanup)},
    {OSSL_FUNC_KEYMGMT_LOAD, reinterpret_cast<void (*)()>(km_load)},
    {0, nullptr}};

// ---- signature ----------------------------------------------------------------------------------
struct SigCtx {
  DsaKey* key = nullptr;
  std::vector<std::uint8_t> msg;  // streamed input (DigestSignUpdate); pure ML-DSA needs all of it
};

void* sig_newctx(void*, const char*) { return new (std::nothrow) SigCtx; }
void sig_freectx(void* c) { delete static_cast<SigCtx*>(c); }
void* sig_dupctx(void* c) { return new (std::nothrow) SigCtx(*static_cast<SigCtx*>(c)); }

bool no_digest(const char* mdname) { return mdname == nullptr || mdname[0] == '\0'; }

int sig_sign_init(void* c, void* k, const OSSL_PARAM[]) {
  auto* key = static_cast<DsaKey*>(k);
  if (key == nullptr || !key->has_private) return 0;
  auto* ctx = static_cast<SigCtx*>(c);
  ctx->key = key;
  ctx->msg.clear();
  return 1;
}
int sig_verify_init(void* c, void* k, const OSSL_PARAM[]) {
  auto* key = static_cast<DsaKey*>(k);
  if (key == nullptr || key->pk.empty()) return 0;
  auto* ctx = static_cast<SigCtx*>(c);
  ctx->key = key;
  ctx->msg.clear();
  return 1;
}
// ML-DSA is used pure: a digest name other than none is refused.
int sig_digest_sign_init(void* c, const char* mdname, void* k, const OSSL_PARAM p[]) {
  return no_digest(mdname) ? sig_sign_init(c, k, p) : 0;
}
int sig_digest_verify_init(void* c, const char* mdname, void* k, const OSSL_PARAM p[]) {
  return no_digest(mdname) ? sig_verify_init(c, k, p) : 0;
}

int do_sign(SigCtx* ctx, unsigned char* sig, std::size_t* siglen, std::size_t sigsize, const unsigned char* tbs,
            std::size_t tbslen) {
  const DsaKey* k = ctx->key;
  if (k == nullptr || siglen == nullptr) return 0;
  if (sig == nullptr) {
    *siglen = k->v->sig_bytes;
    return 1;
  }
  if (sigsize < k->v->sig_bytes || !k->signer) return 0;
  try {
    const pki::Bytes s = k->signer->sign(pki::ByteView(tbs, tbslen));
    if (s.size() != k->v->sig_bytes) return 0;
    std::memcpy(sig, s.data(), s.size());
    *siglen = s.size();
    return 1;
  } catch (const std::exception&) {
    return 0;
  }
}

int do_verify(SigCtx* ctx, const unsigned char* sig, std::size_t siglen, const unsigned char* tbs, std::size_t tbslen) {
  const DsaKey* k = ctx->key;
  if (k == nullptr) return 0;
  return pki::mldsa_verify(k->v->alg, k->pk, pki::ByteView(tbs, tbslen), pki::ByteView(sig, siglen)) ? 1 : 0;
}

int sig_sign(void* c, unsigned char* sig, std::size_t* siglen, std::size_t sigsize, const unsigned char* tbs,
             std::size_t tbslen) {
  return do_sign(static_cast<SigCtx*>(c), sig, siglen, sigsize, tbs, tbslen);
}
int sig_verify(void* c, const unsigned char* sig, std::size_t siglen, const unsigned char* tbs, std::size_t tbslen) {
  return do_verify(static_cast<SigCtx*>(c), sig, siglen, tbs, tbslen);
}
int sig_update(void* c, const unsigned char* data, std::size_t n) {
  auto* ctx = static_cast<SigCtx*>(c);
  ctx->msg.insert(ctx->msg.end(), data, data + n);
  return 1;
}
int sig_digest_sign_final(void* c, unsigned char* sig, std::size_t* siglen, std::size_t sigsize) {
  auto* ctx = static_cast<SigCtx*>(c);
  return do_sign(ctx, sig, siglen, sigsize, ctx->msg.data(), ctx->msg.size());
}
int sig_digest_verify_final(void* c, const unsigned char* sig, std::size_t siglen) {
  auto* ctx = static_cast<SigCtx*>(c);
  return do_verify(ctx, sig, siglen, ctx->msg.data(), ctx->msg.size());
}

// AlgorithmIdentifier (RFC 9881 §3): SEQUENCE { OID 2.16.840.1.101.3.4.3.x }, parameters absent.
int sig_get_ctx_params(void* c, OSSL_PARAM params[]) {
  const auto* ctx = static_cast<SigCtx*>(c);
  OSSL_PARAM* p = OSSL_PARAM_locate(params, OSSL_SIGNATURE_PARAM_ALGORITHM_ID);
  if (p != nullptr) {
    if (ctx->key == nullptr) return 0;
    const std::uint8_t aid[] = {0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03,
                                ctx->key->v->oid_last};
    if (!OSSL_PARAM_set_octet_string(p, aid, sizeof aid)) return 0;
  }
  return 1;
}
const OSSL_PARAM* sig_gettable_ctx_params(void*, void*) {
  static const OSSL_PARAM params[] = {OSSL_PARAM_octet_string(OSSL_SIGNATURE_PARAM_ALGORITHM_ID, nullptr, 0),
                                      OSSL_PARAM_END};
  return params;
}
int sig_set_ctx_params(void*, const OSSL_PARAM[]) { return 1; }
const OSSL_PARAM* sig_settable_ctx_params(void*, void*) {
  static const OSSL_PARAM params[] = {OSSL_PARAM_END};
  return params;
}

const OSSL_DISPATCH kSignature[] = {
    {OSSL_FUNC_SIGNATURE_NEWCTX, reinterpret_cast<void (*)()>(sig_newctx)},
    {OSSL_FUNC_SIGNATURE_FREECTX, reinterpret_cast<void (*)()>(sig_freectx)},
    {OSSL_FUNC_SIGNATURE_DUPCTX, reinterpret_cast<void (*)()>(sig_dupctx)},
    {OSSL_FUNC_SIGNATURE_SIGN_INIT, reinterpret_cast<void (*)()>(sig_sign_init)},
    {OSSL_FUNC_SIGNATURE_SIGN, reinterpret_cast<void (*)()>(sig_sign)},
    {OSSL_FUNC_SIGNATURE_VERIFY_INIT, reinterpret_cast<void (*)()>(sig_verify_init)},
    {OSSL_FUNC_SIGNATURE_VERIFY, reinterpret_cast<void (*)()>(sig_verify)},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_INIT, reinterpret_cast<void (*)()>(sig_digest_sign_init)},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_UPDATE, reinterpret_cast<void (*)()>(sig_update)},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_FINAL, reinterpret_cast<void (*)()>(sig_digest_sign_final)},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN, reinterpret_cast<void (*)()>(sig_sign)},
    {OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_INIT, reinterpret_cast<void (*)()>(sig_digest_verify_init)},
    {OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_UPDATE, reinterpret_cast<void (*)()>(sig_update)},
    {OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_FINAL, reinterpret_cast<void (*)()>(sig_digest_verify_final)},
    {OSSL_FUNC_SIGNATURE_DIGEST_VERIFY, reinterpret_cast<void (*)()>(sig_verify)},
    {OSSL_FUNC_SIGNATURE_GET_CTX_PARAMS, reinterpret_cast<void (*)()>(sig_get_ctx_params)},
    {OSSL_FUNC_SIGNATURE_GETTABLE_CTX_PARAMS, reinterpret_cast<void (*)()>(sig_gettable_ctx_params)},
    {OSSL_FUNC_SIGNATURE_SET_CTX_PARAMS, reinterpret_cast<void (*)()>(sig_set_ctx_params)},
    {OSSL_FUNC_SIGNATURE_SETTABLE_CTX_PARAMS, reinterpret_cast<void (*)()>(sig_settable_ctx_params)},
    {0, nullptr}};

// ---- encoders -----------------------------------------------------------------------------------
enum class Form : std::uint8_t { der, pem, text };
enum class Structure : std::uint8_t { spki, pkcs8, none };

// An encoder context remembers the cipher asked for (genpkey -aes256, pkey -aes256, ...): with one,
// PrivateKeyInfo is written as a PKCS#8 EncryptedPrivateKeyInfo (PBES2 from OpenSSL, passphrase from
// the caller's callback). A cipher that cannot be fetched fails, so a key is never silently left
// unencrypted.
struct EncCtx {
  EVP_CIPHER* cipher = nullptr;
};
void* enc_newctx(void*) { return new (std::nothrow) EncCtx; }
void enc_freectx(void* c) {
  auto* ctx = static_cast<EncCtx*>(c);
  if (ctx != nullptr) EVP_CIPHER_free(ctx->cipher);
  delete ctx;
}
int enc_set_ctx_params(void* c, const OSSL_PARAM params[]) {
  auto* ctx = static_cast<EncCtx*>(c);
  const OSSL_PARAM* p = OSSL_PARAM_locate_const(params, OSSL_ENCODER_PARAM_CIPHER);
  if (p == nullptr) return 1;
  const char* name = nullptr;
  if (!OSSL_PARAM_get_utf8_string_ptr(p, &name)) return 0;
  EVP_CIPHER_free(ctx->cipher);
  ctx->cipher = nullptr;
  if (name == nullptr || name[0] == '\0') return 1;
  ctx->cipher = EVP_CIPHER_fetch(classic_ctx(), name, nullptr);
  return ctx->cipher != nullptr ? 1 : 0;
}
const OSSL_PARAM* enc_settable_ctx_params(void*) {
  static const OSSL_PARAM params[] = {OSSL_PARAM_utf8_string(OSSL_ENCODER_PARAM_CIPHER, nullptr, 0),
                                      OSSL_PARAM_utf8_string(OSSL_ENCODER_PARAM_PROPERTIES, nullptr, 0),
                                      OSSL_PARAM_END};
  return params;
}

// PKCS#8 PrivateKeyInfo DER -> EncryptedPrivateKeyInfo DER under `cipher` (PBES2, default KDF).
bool encrypt_pkcs8(const pki::Bytes& der, const EVP_CIPHER* cipher, OSSL_PASSPHRASE_CALLBACK* cb, void* cbarg,
                   pki::Bytes& out) {
  if (cb == nullptr) return false;
  char pass[1024];
  std::size_t pass_len = 0;
  OSSL_PARAM pparams[] = {OSSL_PARAM_construct_utf8_string(OSSL_PASSPHRASE_PARAM_INFO, const_cast<char*>("pqcea"), 0),
                          OSSL_PARAM_construct_end()};
  if (!cb(pass, sizeof pass, &pass_len, pparams, cbarg)) return false;
  const unsigned char* p = der.data();
  PKCS8_PRIV_KEY_INFO* p8 = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));
  X509_SIG* sig = p8 == nullptr ? nullptr
                                : PKCS8_encrypt_ex(-1, cipher, pass, static_cast<int>(pass_len), nullptr, 0, 0, p8,
                                                   classic_ctx(), nullptr);
  OPENSSL_cleanse(pass, sizeof pass);
  PKCS8_PRIV_KEY_INFO_free(p8);
  if (sig == nullptr) return false;
  unsigned char* enc = nullptr;
  const int n = i2d_X509_SIG(sig, &enc);
  X509_SIG_free(sig);
  if (n <= 0) return false;
  out.assign(enc, enc + n);
  OPENSSL_free(enc);
  return true;
}

template <Structure S>
int enc_does_selection(void*, int selection) {
  if (S == Structure::pkcs8) return (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0;
  if (S == Structure::spki) return (selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) != 0;
  return (selection & OSSL_KEYMGMT_SELECT_KEYPAIR) != 0;
}

// OpenSSL's text layout: 15 colon-separated bytes per indented line.
std::string hex_block(const std::vector<std::uint8_t>& b) {
  std::string s;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i % 15 == 0) s += i == 0 ? "    " : "\n    ";
    s += host::hex_encode(std::span(&b[i], 1));
    if (i + 1 != b.size()) s += ':';
  }
  return s + "\n";
}

template <Form F, Structure S>
int enc_encode(void* c, OSSL_CORE_BIO* out, const void* obj, const OSSL_PARAM[], int selection,
               OSSL_PASSPHRASE_CALLBACK* pw_cb, void* pw_cbarg) {
  const auto* ctx = static_cast<const EncCtx*>(c);
  const auto* k = static_cast<const DsaKey*>(obj);
  if (k == nullptr) return 0;
  try {
    if constexpr (F == Form::text) {
      std::string t;
      if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0 && k->has_private)
        t += std::string(k->v->name) + " Private-Key:\nseed:\n" +
             hex_block(std::vector<std::uint8_t>(k->seed.begin(), k->seed.end()));
      else
        t += std::string(k->v->name) + " Public-Key:\n";
      t += "pub:\n" + hex_block(k->pk);
      return core_bio_write(out, t.data(), t.size()) ? 1 : 0;
    } else {
      pki::Bytes der;
      const char* label = nullptr;
      if constexpr (S == Structure::pkcs8) {
        if (!k->has_private) return 0;
        der = pki::encode_private_key_seed(k->v->alg, k->seed);
        label = "PRIVATE KEY";
        if (ctx->cipher != nullptr) {
          pki::Bytes enc;
          const bool ok = encrypt_pkcs8(der, ctx->cipher, pw_cb, pw_cbarg, enc);
          OPENSSL_cleanse(der.data(), der.size());
          if (!ok) return 0;
          der = std::move(enc);
          label = "ENCRYPTED PRIVATE KEY";
        }
      } else {
        if (k->pk.empty()) return 0;
        der = pki::encode_spki(k->v->alg, k->pk);
        label = "PUBLIC KEY";
      }
      bool ok;
      if constexpr (F == Form::pem) {
        const std::string pem = pki::to_pem(der, label);
        ok = core_bio_write(out, pem.data(), pem.size());
      } else {
        ok = core_bio_write(out, der.data(), der.size());
      }
      OPENSSL_cleanse(der.data(), der.size());
      return ok ? 1 : 0;
    }
  } catch (const std::exception&) {
    return 0;
  }
}

template <Form F, Structure S>
const OSSL_DISPATCH kEncoder[] = {{OSSL_FUNC_ENCODER_NEWCTX, reinterpret_cast<void (*)()>(enc_newctx)},
                                  {OSSL_FUNC_ENCODER_FREECTX, reinterpret_cast<void (*)()>(enc_freectx)},
                                  {OSSL_FUNC_ENCODER_DOES_SELECTION, reinterpret_cast<void (*)()>(enc_does_selection<S>)},
                                  {OSSL_FUNC_ENCODER_SET_CTX_PARAMS, reinterpret_cast<void (*)()>(enc_set_ctx_params)},
                                  {OSSL_FUNC_ENCODER_SETTABLE_CTX_PARAMS,
                                   reinterpret_cast<void (*)()>(enc_settable_ctx_params)},
                                  {OSSL_FUNC_ENCODER_ENCODE, reinterpret_cast<void (*)()>(enc_encode<F, S>)},
                                  {0, nullptr}};

// ---- decoders (DER; the default provider turns PEM into DER first) ---------------------------
template <std::size_t I, Structure S>
void* dec_newctx(void*) {
  return const_cast<DsaVariant*>(&kDsa[I]);
}
void dec_freectx(void*) {}

template <Structure S>
int dec_does_selection(void*, int selection) {
  if (selection == 0) return 1;
  if (S == Structure::pkcs8) return (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0;
  return (selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) != 0;
}

// Returns 1 without an object when the input is not ours (another algorithm), so that the next
// decoder is tried; a parse failure of our own structure is likewise "not decoded".
template <std::size_t I, Structure S>
int dec_decode(void*, OSSL_CORE_BIO* in, int, OSSL_CALLBACK* data_cb, void* data_cbarg, OSSL_PASSPHRASE_CALLBACK*,
               void*) {
  const DsaVariant& v = kDsa[I];
  std::vector<std::uint8_t> der;
  if (!core_bio_read_all(in, der)) return 0;
  std::unique_ptr<DsaKey> key;
  try {
    if constexpr (S == Structure::pkcs8) {
      auto [alg, seed] = pki::decode_private_key_seed(der);
      if (alg != v.alg) return 1;
      key = key_from_seed(v, seed);
      OPENSSL_cleanse(seed.data(), seed.size());
    } else {
      auto [alg, pk] = pki::decode_spki(der);
      if (alg != v.alg || pk.size() != v.pk_bytes) return 1;
      key = std::make_unique<DsaKey>();
      key->v = &v;
      key->pk = std::move(pk);
    }
  } catch (const std::exception&) {
    OPENSSL_cleanse(der.data(), der.size());
    return 1;
  }
  OPENSSL_cleanse(der.data(), der.size());
  DsaKey* raw = key.release();
  int object_type = OSSL_OBJECT_PKEY;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_int(OSSL_OBJECT_PARAM_TYPE, &object_type),
                         OSSL_PARAM_construct_utf8_string(OSSL_OBJECT_PARAM_DATA_TYPE, const_cast<char*>(v.name), 0),
                         OSSL_PARAM_construct_octet_string(OSSL_OBJECT_PARAM_REFERENCE, &raw, sizeof raw),
                         OSSL_PARAM_construct_end()};
  const int ok = data_cb(params, data_cbarg);
  delete raw;  // still ours unless km_load took it (it clears the pointer)
  return ok;
}

template <std::size_t I, Structure S>
const OSSL_DISPATCH kDecoder[] = {{OSSL_FUNC_DECODER_NEWCTX, reinterpret_cast<void (*)()>(dec_newctx<I, S>)},
                                  {OSSL_FUNC_DECODER_FREECTX, reinterpret_cast<void (*)()>(dec_freectx)},
                                  {OSSL_FUNC_DECODER_DOES_SELECTION, reinterpret_cast<void (*)()>(dec_does_selection<S>)},
                                  {OSSL_FUNC_DECODER_DECODE, reinterpret_cast<void (*)()>(dec_decode<I, S>)},
                                  {0, nullptr}};

#define PQCEA_ENC(I, F, S, props) {kDsa[I].names, "provider=pqcea," props, kEncoder<F, S>, nullptr}
#define PQCEA_ENCODERS(I)                                                                               \
  PQCEA_ENC(I, Form::der, Structure::spki, "output=der,structure=SubjectPublicKeyInfo"),                \
      PQCEA_ENC(I, Form::pem, Structure::spki, "output=pem,structure=SubjectPublicKeyInfo"),            \
      PQCEA_ENC(I, Form::der, Structure::pkcs8, "output=der,structure=PrivateKeyInfo"),                 \
      PQCEA_ENC(I, Form::pem, Structure::pkcs8, "output=pem,structure=PrivateKeyInfo"),                 \
      PQCEA_ENC(I, Form::text, Structure::none, "output=text")
#define PQCEA_DECODERS(I)                                                                                 \
  {kDsa[I].names, "provider=pqcea,input=der,structure=SubjectPublicKeyInfo", kDecoder<I, Structure::spki>, \
   nullptr},                                                                                              \
      {kDsa[I].names, "provider=pqcea,input=der,structure=PrivateKeyInfo", kDecoder<I, Structure::pkcs8>, nullptr}

}  // namespace

const OSSL_ALGORITHM mldsa_keymgmt_algorithms[] = {{kDsa[0].names, "provider=pqcea", kKeymgmt<0>, "ML-DSA-44 (FIPS 204)"},
                                                   {kDsa[1].names, "provider=pqcea", kKeymgmt<1>, "ML-DSA-65 (FIPS 204)"},
                                                   {kDsa[2].names, "provider=pqcea", kKeymgmt<2>, "ML-DSA-87 (FIPS 204)"},
                                                   {nullptr, nullptr, nullptr, nullptr}};
const OSSL_ALGORITHM mldsa_signature_algorithms[] = {{kDsa[0].names, "provider=pqcea", kSignature, nullptr},
                                                     {kDsa[1].names, "provider=pqcea", kSignature, nullptr},
                                                     {kDsa[2].names, "provider=pqcea", kSignature, nullptr},
                                                     {nullptr, nullptr, nullptr, nullptr}};
const OSSL_ALGORITHM mldsa_encoder_algorithms[] = {PQCEA_ENCODERS(0), PQCEA_ENCODERS(1), PQCEA_ENCODERS(2),
                                                   {nullptr, nullptr, nullptr, nullptr}};
const OSSL_ALGORITHM mldsa_decoder_algorithms[] = {PQCEA_DECODERS(0), PQCEA_DECODERS(1), PQCEA_DECODERS(2),
                                                   {nullptr, nullptr, nullptr, nullptr}};

namespace {

// OpenSSL 3.0's X.509 code rates a certificate's signature (X509_get_signature_info, used by the
// verifier's auth_level and libssl's security level) from the signature OID's digest; for an OID
// with no digest it asks the legacy EVP_PKEY_ASN1_METHOD of the key type for a siginf_set
// callback (crypto/x509/x509_set.c, x509_sig_info_init) and rates the signature -1 bits without
// one: "CA signature digest algorithm too weak" at every level >= 1. The provider interface has
// no way to supply that, so this registers one method per ML-DSA OID holding only siginf_set,
// in the process's libcrypto (the one that loaded this module). Its name is the key manager's
// canonical name, so our keys report the OID's nid as their type (EVP_PKEY_get_id), as Ed25519
// keys do in 3.0 (provider key manager plus legacy method), whatever the order in which libcrypto
// learns the names; they stay provider keys, and every other slot of the method is empty, which
// libcrypto checks before any use.
int siginf_set(X509_SIG_INFO* siginf, const X509_ALGOR* alg, const ASN1_STRING*) {
  const ASN1_OBJECT* obj = nullptr;
  int ptype = 0;
  X509_ALGOR_get0(&obj, &ptype, nullptr, alg);
  const int nid = OBJ_obj2nid(obj);
  for (const DsaVariant& v : kDsa) {
    // RFC 9881 §2: the parameters are absent; anything else is not an ML-DSA signature we rate.
    if (nid == OBJ_txt2nid(v.oid) && ptype == V_ASN1_UNDEF) {
      // Pure ML-DSA with an empty context is also TLS 1.3's ML-DSA (hence X509_SIG_INFO_TLS).
      X509_SIG_INFO_set(siginf, NID_undef, nid, v.secbits, X509_SIG_INFO_TLS);
      return 1;
    }
  }
  return 0;
}

// Once per process: the methods live in a process-wide table, whatever library context loads
// the provider, and are never removed (the module is linked with -z nodelete, so the callback
// stays mapped after the last unload). A nid that already has a method keeps it.
void register_siginf_methods() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (const DsaVariant& v : kDsa) {
      const int nid = OBJ_txt2nid(v.oid);
      if (nid == NID_undef || EVP_PKEY_asn1_find(nullptr, nid) != nullptr) continue;
      EVP_PKEY_ASN1_METHOD* m = EVP_PKEY_asn1_new(nid, 0, v.name, "pqcea: security bits of ML-DSA signatures");
      if (m == nullptr) continue;
      EVP_PKEY_asn1_set_siginf(m, siginf_set);
      if (EVP_PKEY_asn1_add0(m) != 1) EVP_PKEY_asn1_free(m);
    }
  });
}

}  // namespace

// OIDs with their names, and each as a signature algorithm with no digest (so X.509 code maps the
// AlgorithmIdentifier to our key type), then the signature-information methods above.
bool mldsa_register_oids(const OSSL_CORE_HANDLE* handle, OSSL_FUNC_core_obj_create_fn* obj_create,
                         OSSL_FUNC_core_obj_add_sigid_fn* add_sigid) {
  if (obj_create == nullptr || add_sigid == nullptr) return false;
  for (const DsaVariant& v : kDsa) {
    if (!obj_create(handle, v.oid, v.name, v.name)) return false;
    if (!add_sigid(handle, v.name, "", v.name)) return false;
  }
  register_siginf_methods();
  return true;
}

}  // namespace pqcea::provider
