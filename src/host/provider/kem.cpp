// TLS 1.3 key-exchange groups as KEMs: the three ECDHE-MLKEM hybrids (draft-ietf-tls-ecdhe-mlkem)
// and pure ML-KEM-512/768/1024 (draft-ietf-tls-mlkem). One key manager and one KEM per group.
//
// Share layouts (client share = key generation output, server share = "ciphertext"):
//   X25519MLKEM768     client: ek(1184) || x25519(32)          server: ct(1088) || x25519(32)
//                      secret: K_mlkem(32) || X25519(32)
//   SecP256r1MLKEM768  client: P-256 point(65) || ek(1184)     server: P-256 point(65) || ct(1088)
//                      secret: ECDH(32) || K_mlkem(32)
//   SecP384r1MLKEM1024 client: P-384 point(97) || ek(1568)     server: P-384 point(97) || ct(1568)
//                      secret: ECDH(48) || K_mlkem(32)
//   MLKEMxxx           client: ek                              server: ct      secret: K (32)
// Points are uncompressed (0x04 || X || Y). ML-KEM comes from the project (pqcea_mlkem); X25519 and
// ECDH from OpenSSL's default provider in a separate library context.
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/prov_ssl.h>

#include <array>
#include <cstring>
#include <memory>
#include <new>

#include "common.hpp"
#include "pqcea/mlkem.hpp"

namespace pqcea::provider {
namespace {

enum class Ec : std::uint8_t { none, x25519, p256, p384 };

struct Variant {
  const char* names;     // keymgmt / KEM names (first = canonical)
  const char* group;     // TLS group name
  unsigned id;           // TLS NamedGroup codepoint
  mlkem::Alg alg;
  Ec ec;
  bool mlkem_first;      // share and secret order
  unsigned secbits;
};

constexpr Variant kVariants[] = {
    {"X25519MLKEM768", "X25519MLKEM768", 0x11EC, mlkem::Alg::mlkem768, Ec::x25519, true, 192},
    {"SecP256r1MLKEM768", "SecP256r1MLKEM768", 0x11EB, mlkem::Alg::mlkem768, Ec::p256, false, 192},
    {"SecP384r1MLKEM1024", "SecP384r1MLKEM1024", 0x11ED, mlkem::Alg::mlkem1024, Ec::p384, false, 256},
    {"MLKEM512:ML-KEM-512", "MLKEM512", 0x0200, mlkem::Alg::mlkem512, Ec::none, true, 128},
    {"MLKEM768:ML-KEM-768", "MLKEM768", 0x0201, mlkem::Alg::mlkem768, Ec::none, true, 192},
    {"MLKEM1024:ML-KEM-1024", "MLKEM1024", 0x0202, mlkem::Alg::mlkem1024, Ec::none, true, 256},
};
constexpr std::size_t kVariantCount = sizeof kVariants / sizeof kVariants[0];

constexpr std::size_t ec_pub_bytes(Ec e) { return e == Ec::x25519 ? 32 : e == Ec::p256 ? 65 : e == Ec::p384 ? 97 : 0; }
constexpr std::size_t ec_secret_bytes(Ec e) { return e == Ec::x25519 ? 32 : e == Ec::p256 ? 32 : e == Ec::p384 ? 48 : 0; }
constexpr const char* ec_curve(Ec e) { return e == Ec::p256 ? "P-256" : "P-384"; }

std::size_t share_bytes(const Variant& v) { return mlkem::sizes(v.alg).ek + ec_pub_bytes(v.ec); }
std::size_t ct_bytes(const Variant& v) { return mlkem::sizes(v.alg).ct + ec_pub_bytes(v.ec); }
std::size_t secret_bytes(const Variant& v) { return mlkem::shared_key_bytes + ec_secret_bytes(v.ec); }

struct PkeyDel {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PctxDel {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDel>;
using Pctx = std::unique_ptr<EVP_PKEY_CTX, PctxDel>;

struct KemKey {
  const Variant* v;
  std::vector<std::uint8_t> ek;          // ML-KEM encapsulation key
  std::array<std::uint8_t, 64> seed{};   // ML-KEM d || z (private)
  bool has_private = false;
  Pkey ec;                               // own key pair, or the peer's public key
  std::vector<std::uint8_t> ec_pub;      // its encoding
  ~KemKey() { OPENSSL_cleanse(seed.data(), seed.size()); }
};

// ---- classical half ---------------------------------------------------------------------------
Pkey ec_generate(Ec e) {
  if (e == Ec::x25519) return Pkey(EVP_PKEY_Q_keygen(classic_ctx(), nullptr, "X25519"));
  return Pkey(EVP_PKEY_Q_keygen(classic_ctx(), nullptr, "EC", ec_curve(e)));
}

bool ec_encode(EVP_PKEY* pk, Ec e, std::vector<std::uint8_t>& out) {
  out.assign(ec_pub_bytes(e), 0);
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out.data(), out.size(), &len) != 1)
    return false;
  return len == out.size() && (e == Ec::x25519 || out[0] == 0x04);
}

// A peer's public value: X25519 raw 32 bytes, or an uncompressed point that must lie on the curve.
Pkey ec_peer(Ec e, const std::uint8_t* p, std::size_t n) {
  if (n != ec_pub_bytes(e)) return nullptr;
  if (e == Ec::x25519) return Pkey(EVP_PKEY_new_raw_public_key_ex(classic_ctx(), "X25519", nullptr, p, n));
  if (p[0] != 0x04) return nullptr;  // the drafts require the uncompressed form
  Pctx ctx(EVP_PKEY_CTX_new_from_name(classic_ctx(), "EC", nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return nullptr;
  char curve[8];
  std::strcpy(curve, ec_curve(e));
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, curve, 0),
                         OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<std::uint8_t*>(p), n),
                         OSSL_PARAM_construct_end()};
  EVP_PKEY* out = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_PUBLIC_KEY, params) != 1) return nullptr;
  return Pkey(out);
}

bool ec_derive(EVP_PKEY* own, EVP_PKEY* peer, std::uint8_t* out, std::size_t n) {
  Pctx ctx(EVP_PKEY_CTX_new_from_pkey(classic_ctx(), own, nullptr));
  std::size_t len = n;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, 1) != 1 ||
      EVP_PKEY_derive(ctx.get(), out, &len) != 1)
    return false;
  return len == n;
}

// ---- key management ---------------------------------------------------------------------------
struct GenCtx {
  const Variant* v;
  int selection;
};

template <std::size_t I>
void* km_new(void*) {
  return new (std::nothrow) KemKey{&kVariants[I], {}, {}, false, nullptr, {}};
}
void km_free(void* k) { delete static_cast<KemKey*>(k); }

int km_has(const void* kp, int selection) {
  const auto* k = static_cast<const KemKey*>(kp);
  if (k == nullptr) return 0;
  int ok = 1;
  if ((selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) != 0) ok = ok && !k->ek.empty();
  if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0) ok = ok && k->has_private;
  return ok;
}

bool encoded_public(const KemKey& k, std::vector<std::uint8_t>& out) {
  if (k.ek.empty()) return false;
  out.clear();
  if (k.v->mlkem_first) {
    out.insert(out.end(), k.ek.begin(), k.ek.end());
    out.insert(out.end(), k.ec_pub.begin(), k.ec_pub.end());
  } else {
    out.insert(out.end(), k.ec_pub.begin(), k.ec_pub.end());
    out.insert(out.end(), k.ek.begin(), k.ek.end());
  }
  return true;
}

int km_get_params(void* kp, OSSL_PARAM params[]) {
  auto* k = static_cast<KemKey*>(kp);
  const Variant& v = *k->v;
  OSSL_PARAM* p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_BITS);
  if (p != nullptr && !OSSL_PARAM_set_int(p, static_cast<int>(8 * share_bytes(v)))) return 0;
  p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_SECURITY_BITS);
  if (p != nullptr && !OSSL_PARAM_set_int(p, static_cast<int>(v.secbits))) return 0;
  p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_MAX_SIZE);
  if (p != nullptr && !OSSL_PARAM_set_int(p, static_cast<int>(ct_bytes(v)))) return 0;
  p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY);
  if (p != nullptr) {
    std::vector<std::uint8_t> enc;
    if (!encoded_public(*k, enc) || !OSSL_PARAM_set_octet_string(p, enc.data(), enc.size())) return 0;
  }
  return 1;
}

const OSSL_PARAM* km_gettable_params(void*) {
  static const OSSL_PARAM params[] = {OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, nullptr),
                                      OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, nullptr),
                                      OSSL_PARAM_int(OSSL_PKEY_PARAM_MAX_SIZE, nullptr),
                                      OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0),
                                      OSSL_PARAM_END};
  return params;
}

// The peer's key share arrives here (EVP_PKEY_set1_encoded_public_key). Every length is checked,
// the ML-KEM part gets the FIPS 203 §7.2 check, the EC part the on-curve check.
int km_set_params(void* kp, const OSSL_PARAM params[]) {
  auto* k = static_cast<KemKey*>(kp);
  const OSSL_PARAM* p = OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY);
  if (p == nullptr) return 1;
  const void* data = nullptr;
  std::size_t len = 0;
  if (!OSSL_PARAM_get_octet_string_ptr(p, &data, &len)) return 0;
  const Variant& v = *k->v;
  if (len != share_bytes(v)) return 0;
  const auto* b = static_cast<const std::uint8_t*>(data);
  const std::size_t ek_len = mlkem::sizes(v.alg).ek;
  const std::size_t ec_len = ec_pub_bytes(v.ec);
  const std::uint8_t* ek = v.mlkem_first ? b : b + ec_len;
  const std::uint8_t* ecp = v.mlkem_first ? b + ek_len : b;
  if (mlkem::check_encaps_key(v.alg, std::span<const std::uint8_t>(ek, ek_len)) != Status::ok) return 0;
  Pkey peer;
  if (v.ec != Ec::none) {
    peer = ec_peer(v.ec, ecp, ec_len);
    if (!peer) return 0;
  }
  k->ek.assign(ek, ek + ek_len);
  k->ec_pub.assign(ecp, ecp + ec_len);
  k->ec = std::move(peer);
  k->has_private = false;
  return 1;
}

const OSSL_PARAM* km_settable_params(void*) {
  static const OSSL_PARAM params[] = {OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0),
                                      OSSL_PARAM_END};
  return params;
}

int km_match(const void* a, const void* b, int) {
  const auto* x = static_cast<const KemKey*>(a);
  const auto* y = static_cast<const KemKey*>(b);
  return x->v == y->v && x->ek == y->ek && x->ec_pub == y->ec_pub;
}

template <std::size_t I>
void* km_gen_init(void*, int selection, const OSSL_PARAM[]) {
  return new (std::nothrow) GenCtx{&kVariants[I], selection};
}

// libssl sets the group name on the generation context; it must name this very group.
int km_gen_set_params(void* gp, const OSSL_PARAM params[]) {
  auto* g = static_cast<GenCtx*>(gp);
  const OSSL_PARAM* p = OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_GROUP_NAME);
  if (p == nullptr) return 1;
  const char* name = nullptr;
  if (!OSSL_PARAM_get_utf8_string_ptr(p, &name)) return 0;
  return OPENSSL_strcasecmp(name, g->v->group) == 0 ? 1 : 0;
}

const OSSL_PARAM* km_gen_settable_params(void*, void*) {
  static const OSSL_PARAM params[] = {OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, nullptr, 0), OSSL_PARAM_END};
  return params;
}

void* km_gen(void* gp, OSSL_CALLBACK*, void*) {
  auto* g = static_cast<GenCtx*>(gp);
  auto key = std::unique_ptr<KemKey>(new (std::nothrow) KemKey{g->v, {}, {}, false, nullptr, {}});
  if (!key) return nullptr;
  if ((g->selection & OSSL_KEYMGMT_SELECT_KEYPAIR) == 0) return key.release();  // parameters only
  const Variant& v = *g->v;
  key->ek.assign(mlkem::sizes(v.alg).ek, 0);
  if (mlkem::keygen_seed(v.alg, key->ek, key->seed, provider_rng()) != Status::ok) return nullptr;
  key->has_private = true;
  if (v.ec != Ec::none) {
    key->ec = ec_generate(v.ec);
    if (!key->ec || !ec_encode(key->ec.get(), v.ec, key->ec_pub)) return nullptr;
  }
  return key.release();
}

void km_gen_cleanup(void* gp) { delete static_cast<GenCtx*>(gp); }

template <std::size_t I>
const OSSL_DISPATCH kKeymgmt[] = {
    {OSSL_FUNC_KEYMGMT_NEW, reinterpret_cast<void (*)()>(km_new<I>)},
    {OSSL_FUNC_KEYMGMT_FREE, reinterpret_cast<void (*)()>(km_free)},
    {OSSL_FUNC_KEYMGMT_HAS, reinterpret_cast<void (*)()>(km_has)},
    {OSSL_FUNC_KEYMGMT_MATCH, reinterpret_cast<void (*)()>(km_match)},
    {OSSL_FUNC_KEYMGMT_GET_PARAMS, reinterpret_cast<void (*)()>(km_get_params)},
    {OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, reinterpret_cast<void (*)()>(km_gettable_params)},
    {OSSL_FUNC_KEYMGMT_SET_PARAMS, reinterpret_cast<void (*)()>(km_set_params)},
    {OSSL_FUNC_KEYMGMT_SETTABLE_PARAMS, reinterpret_cast<void (*)()>(km_settable_params)},
    {OSSL_FUNC_KEYMGMT_GEN_INIT, reinterpret_cast<void (*)()>(km_gen_init<I>)},
    {OSSL_FUNC_KEYMGMT_GEN_SET_PARAMS, reinterpret_cast<void (*)()>(km_gen_set_params)},
    {OSSL_FUNC_KEYMGMT_GEN_SETTABLE_PARAMS, reinterpret_cast<void (*)()>(km_gen_settable_params)},
    {OSSL_FUNC_KEYMGMT_GEN, reinterpret_cast<void (*)()>(km_gen)},
    {OSSL_FUNC_KEYMGMT_GEN_CLEANUP, reinterpret_cast<void (*)()>(km_gen_cleanup)},
    {0, nullptr}};

// ---- KEM ----------------------------------------------------------------------------------------
struct KemCtx {
  KemKey* key = nullptr;
};

void* kem_newctx(void*) { return new (std::nothrow) KemCtx; }
void kem_freectx(void* c) { delete static_cast<KemCtx*>(c); }
void* kem_dupctx(void* c) { return new (std::nothrow) KemCtx(*static_cast<KemCtx*>(c)); }

int kem_encaps_init(void* c, void* k, const OSSL_PARAM[]) {
  auto* key = static_cast<KemKey*>(k);
  if (key == nullptr || key->ek.empty()) return 0;
  static_cast<KemCtx*>(c)->key = key;
  return 1;
}

int kem_decaps_init(void* c, void* k, const OSSL_PARAM[]) {
  auto* key = static_cast<KemKey*>(k);
  if (key == nullptr || !key->has_private) return 0;
  static_cast<KemCtx*>(c)->key = key;
  return 1;
}

// Server side: out = the server share, secret = the combined shared secret.
int kem_encaps(void* c, unsigned char* out, std::size_t* outlen, unsigned char* secret, std::size_t* secretlen) {
  const KemKey* k = static_cast<KemCtx*>(c)->key;
  const Variant& v = *k->v;
  const std::size_t ct_len = ct_bytes(v), ss_len = secret_bytes(v);
  if (out == nullptr) {
    if (outlen != nullptr) *outlen = ct_len;
    if (secretlen != nullptr) *secretlen = ss_len;
    return 1;
  }
  if (secret == nullptr || outlen == nullptr || secretlen == nullptr || *outlen < ct_len || *secretlen < ss_len)
    return 0;
  const std::size_t mct = mlkem::sizes(v.alg).ct, ecl = ec_pub_bytes(v.ec), ecs = ec_secret_bytes(v.ec);
  std::uint8_t* ct_m = v.mlkem_first ? out : out + ecl;
  std::uint8_t* ct_e = v.mlkem_first ? out + mct : out;
  std::uint8_t* ss_m = v.mlkem_first ? secret : secret + ecs;
  std::uint8_t* ss_e = v.mlkem_first ? secret + mlkem::shared_key_bytes : secret;
  if (mlkem::encaps(v.alg, std::span<std::uint8_t>(ss_m, mlkem::shared_key_bytes), std::span<std::uint8_t>(ct_m, mct),
                    k->ek, provider_rng()) != Status::ok)
    return 0;
  if (v.ec != Ec::none) {
    Pkey eph = ec_generate(v.ec);
    std::vector<std::uint8_t> pub;
    if (!eph || !k->ec || !ec_encode(eph.get(), v.ec, pub) || !ec_derive(eph.get(), k->ec.get(), ss_e, ecs)) {
      OPENSSL_cleanse(secret, ss_len);
      return 0;
    }
    std::memcpy(ct_e, pub.data(), ecl);
  }
  *outlen = ct_len;
  *secretlen = ss_len;
  return 1;
}

// Client side: in = the server share. A wrong length or an invalid point fails; a wrong ML-KEM
// ciphertext yields the implicit-rejection key, so the handshake fails at Finished.
int kem_decaps(void* c, unsigned char* out, std::size_t* outlen, const unsigned char* in, std::size_t inlen) {
  const KemKey* k = static_cast<KemCtx*>(c)->key;
  const Variant& v = *k->v;
  const std::size_t ss_len = secret_bytes(v);
  if (out == nullptr) {
    if (outlen != nullptr) *outlen = ss_len;
    return 1;
  }
  if (outlen == nullptr || *outlen < ss_len || in == nullptr || inlen != ct_bytes(v)) return 0;
  const std::size_t mct = mlkem::sizes(v.alg).ct, ecl = ec_pub_bytes(v.ec), ecs = ec_secret_bytes(v.ec);
  const std::uint8_t* ct_m = v.mlkem_first ? in : in + ecl;
  const std::uint8_t* ct_e = v.mlkem_first ? in + mct : in;
  std::uint8_t* ss_m = v.mlkem_first ? out : out + ecs;
  std::uint8_t* ss_e = v.mlkem_first ? out + mlkem::shared_key_bytes : out;
  if (mlkem::decaps(v.alg, std::span<std::uint8_t>(ss_m, mlkem::shared_key_bytes),
                    std::span<const std::uint8_t>(ct_m, mct), k->seed) != Status::ok)
    return 0;
  if (v.ec != Ec::none) {
    Pkey peer = ec_peer(v.ec, ct_e, ecl);
    if (!peer || !k->ec || !ec_derive(k->ec.get(), peer.get(), ss_e, ecs)) {
      OPENSSL_cleanse(out, ss_len);
      return 0;
    }
  }
  *outlen = ss_len;
  return 1;
}

int kem_set_ctx_params(void*, const OSSL_PARAM[]) { return 1; }
const OSSL_PARAM* kem_settable_ctx_params(void*, void*) {
  static const OSSL_PARAM params[] = {OSSL_PARAM_END};
  return params;
}

const OSSL_DISPATCH kKem[] = {
    {OSSL_FUNC_KEM_NEWCTX, reinterpret_cast<void (*)()>(kem_newctx)},
    {OSSL_FUNC_KEM_FREECTX, reinterpret_cast<void (*)()>(kem_freectx)},
    {OSSL_FUNC_KEM_DUPCTX, reinterpret_cast<void (*)()>(kem_dupctx)},
    {OSSL_FUNC_KEM_ENCAPSULATE_INIT, reinterpret_cast<void (*)()>(kem_encaps_init)},
    {OSSL_FUNC_KEM_ENCAPSULATE, reinterpret_cast<void (*)()>(kem_encaps)},
    {OSSL_FUNC_KEM_DECAPSULATE_INIT, reinterpret_cast<void (*)()>(kem_decaps_init)},
    {OSSL_FUNC_KEM_DECAPSULATE, reinterpret_cast<void (*)()>(kem_decaps)},
    {OSSL_FUNC_KEM_SET_CTX_PARAMS, reinterpret_cast<void (*)()>(kem_set_ctx_params)},
    {OSSL_FUNC_KEM_SETTABLE_CTX_PARAMS, reinterpret_cast<void (*)()>(kem_settable_ctx_params)},
    {0, nullptr}};

int group_cb(const Variant& v, OSSL_CALLBACK* cb, void* arg) {
  unsigned id = v.id, secbits = v.secbits, is_kem = 1;
  int min_tls = TLS1_3_VERSION, max_tls = 0, min_dtls = -1, max_dtls = -1;
  // The algorithm name is the canonical keymgmt/KEM name (up to the first ':').
  char alg[32];
  std::size_t n = std::strcspn(v.names, ":");
  std::memcpy(alg, v.names, n);
  alg[n] = '\0';
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_CAPABILITY_TLS_GROUP_NAME, const_cast<char*>(v.group), 0),
      OSSL_PARAM_construct_utf8_string(OSSL_CAPABILITY_TLS_GROUP_NAME_INTERNAL, const_cast<char*>(v.group), 0),
      OSSL_PARAM_construct_utf8_string(OSSL_CAPABILITY_TLS_GROUP_ALG, alg, 0),
      OSSL_PARAM_construct_uint(OSSL_CAPABILITY_TLS_GROUP_ID, &id),
      OSSL_PARAM_construct_uint(OSSL_CAPABILITY_TLS_GROUP_SECURITY_BITS, &secbits),
      OSSL_PARAM_construct_int(OSSL_CAPABILITY_TLS_GROUP_MIN_TLS, &min_tls),
      OSSL_PARAM_construct_int(OSSL_CAPABILITY_TLS_GROUP_MAX_TLS, &max_tls),
      OSSL_PARAM_construct_int(OSSL_CAPABILITY_TLS_GROUP_MIN_DTLS, &min_dtls),
      OSSL_PARAM_construct_int(OSSL_CAPABILITY_TLS_GROUP_MAX_DTLS, &max_dtls),
      OSSL_PARAM_construct_uint(OSSL_CAPABILITY_TLS_GROUP_IS_KEM, &is_kem),
      OSSL_PARAM_construct_end()};
  return cb(params, arg);
}

}  // namespace

const OSSL_ALGORITHM kem_keymgmt_algorithms[] = {
    {kVariants[0].names, "provider=pqcea", kKeymgmt<0>, "X25519 + ML-KEM-768 hybrid (TLS 0x11EC)"},
    {kVariants[1].names, "provider=pqcea", kKeymgmt<1>, "P-256 + ML-KEM-768 hybrid (TLS 0x11EB)"},
    {kVariants[2].names, "provider=pqcea", kKeymgmt<2>, "P-384 + ML-KEM-1024 hybrid (TLS 0x11ED)"},
    {kVariants[3].names, "provider=pqcea", kKeymgmt<3>, "ML-KEM-512 (TLS 0x0200)"},
    {kVariants[4].names, "provider=pqcea", kKeymgmt<4>, "ML-KEM-768 (TLS 0x0201)"},
    {kVariants[5].names, "provider=pqcea", kKeymgmt<5>, "ML-KEM-1024 (TLS 0x0202)"},
    {nullptr, nullptr, nullptr, nullptr}};
static_assert(kVariantCount == 6);

const OSSL_ALGORITHM kem_algorithms[] = {
    {kVariants[0].names, "provider=pqcea", kKem, nullptr}, {kVariants[1].names, "provider=pqcea", kKem, nullptr},
    {kVariants[2].names, "provider=pqcea", kKem, nullptr}, {kVariants[3].names, "provider=pqcea", kKem, nullptr},
    {kVariants[4].names, "provider=pqcea", kKem, nullptr}, {kVariants[5].names, "provider=pqcea", kKem, nullptr},
    {nullptr, nullptr, nullptr, nullptr}};

int tls_group_capabilities(OSSL_CALLBACK* cb, void* arg) {
  for (const Variant& v : kVariants)
    if (!group_cb(v, cb, arg)) return 0;
  return 1;
}

}  // namespace pqcea::provider
