// pqcea OpenSSL 3 provider: entry point, query, capabilities (docs/tls-provider.md).
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include <cstring>
#include <mutex>

#include "common.hpp"

namespace pqcea::provider {
namespace {

// Shared by every library context the provider is loaded into; counted so that the last
// teardown frees it and an earlier one does not pull it from under the others.
std::mutex g_mu;
int g_users = 0;
OSSL_LIB_CTX* g_classic = nullptr;
OSSL_PROVIDER* g_default = nullptr;
OSSL_FUNC_BIO_read_ex_fn* g_bio_read = nullptr;
OSSL_FUNC_BIO_write_ex_fn* g_bio_write = nullptr;

class OsslRng final : public rng::RandomSource {
 public:
  Status generate(std::span<std::uint8_t> out) override {
    if (out.empty()) return Status::ok;
    return RAND_priv_bytes_ex(g_classic, out.data(), out.size(), 0) == 1 ? Status::ok : Status::entropy_failure;
  }
};
OsslRng g_rng;

const OSSL_PARAM* gettable_params(void*) {
  static const OSSL_PARAM params[] = {
      OSSL_PARAM_DEFN(OSSL_PROV_PARAM_NAME, OSSL_PARAM_UTF8_PTR, nullptr, 0),
      OSSL_PARAM_DEFN(OSSL_PROV_PARAM_VERSION, OSSL_PARAM_UTF8_PTR, nullptr, 0),
      OSSL_PARAM_DEFN(OSSL_PROV_PARAM_BUILDINFO, OSSL_PARAM_UTF8_PTR, nullptr, 0),
      OSSL_PARAM_DEFN(OSSL_PROV_PARAM_STATUS, OSSL_PARAM_INTEGER, nullptr, 0),
      OSSL_PARAM_END};
  return params;
}

int get_params(void*, OSSL_PARAM params[]) {
  OSSL_PARAM* p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_NAME);
  if (p != nullptr && !OSSL_PARAM_set_utf8_ptr(p, "PQC-Edge-Attestor provider (ML-KEM hybrids, ML-DSA)")) return 0;
  p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_VERSION);
  if (p != nullptr && !OSSL_PARAM_set_utf8_ptr(p, "0.1.0")) return 0;
  p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_BUILDINFO);
  if (p != nullptr && !OSSL_PARAM_set_utf8_ptr(p, "pqcea")) return 0;
  p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_STATUS);
  if (p != nullptr && !OSSL_PARAM_set_int(p, 1)) return 0;
  return 1;
}

const OSSL_ALGORITHM* query(void*, int operation_id, int* no_cache) {
  *no_cache = 0;
  switch (operation_id) {
    case OSSL_OP_KEYMGMT: {
      // Both tables concatenated once: KEM groups first, then ML-DSA.
      static std::vector<OSSL_ALGORITHM> all = [] {
        std::vector<OSSL_ALGORITHM> v;
        for (const OSSL_ALGORITHM* a = kem_keymgmt_algorithms; a->algorithm_names != nullptr; ++a) v.push_back(*a);
        for (const OSSL_ALGORITHM* a = mldsa_keymgmt_algorithms; a->algorithm_names != nullptr; ++a) v.push_back(*a);
        v.push_back(OSSL_ALGORITHM{nullptr, nullptr, nullptr, nullptr});
        return v;
      }();
      return all.data();
    }
    case OSSL_OP_KEM: return kem_algorithms;
    case OSSL_OP_SIGNATURE: return mldsa_signature_algorithms;
    case OSSL_OP_ENCODER: return mldsa_encoder_algorithms;
    case OSSL_OP_DECODER: return mldsa_decoder_algorithms;
    default: return nullptr;
  }
}

int get_capabilities(void*, const char* capability, OSSL_CALLBACK* cb, void* arg) {
  if (std::strcmp(capability, "TLS-GROUP") == 0) return tls_group_capabilities(cb, arg);
  return 0;
}

void release_classic() {
  if (g_default != nullptr) OSSL_PROVIDER_unload(g_default);
  g_default = nullptr;
  OSSL_LIB_CTX_free(g_classic);
  g_classic = nullptr;
}

void teardown(void*) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_users > 0 && --g_users == 0) release_classic();
}

const OSSL_DISPATCH provider_dispatch[] = {
    {OSSL_FUNC_PROVIDER_TEARDOWN, reinterpret_cast<void (*)()>(teardown)},
    {OSSL_FUNC_PROVIDER_GETTABLE_PARAMS, reinterpret_cast<void (*)()>(gettable_params)},
    {OSSL_FUNC_PROVIDER_GET_PARAMS, reinterpret_cast<void (*)()>(get_params)},
    {OSSL_FUNC_PROVIDER_QUERY_OPERATION, reinterpret_cast<void (*)()>(query)},
    {OSSL_FUNC_PROVIDER_GET_CAPABILITIES, reinterpret_cast<void (*)()>(get_capabilities)},
    {0, nullptr}};

}  // namespace

OSSL_LIB_CTX* classic_ctx() { return g_classic; }
rng::RandomSource& provider_rng() { return g_rng; }

bool core_bio_read_all(OSSL_CORE_BIO* bio, std::vector<std::uint8_t>& out) {
  if (g_bio_read == nullptr) return false;
  std::uint8_t buf[4096];
  for (;;) {
    std::size_t got = 0;
    if (!g_bio_read(bio, buf, sizeof buf, &got) || got == 0) break;
    out.insert(out.end(), buf, buf + got);
    if (out.size() > (1u << 20)) return false;  // no key or key file is that large
  }
  return true;
}

bool core_bio_write(OSSL_CORE_BIO* bio, const void* data, std::size_t len) {
  std::size_t written = 0;
  return g_bio_write != nullptr && g_bio_write(bio, data, len, &written) == 1 && written == len;
}

}  // namespace pqcea::provider

extern "C" __attribute__((visibility("default"))) int OSSL_provider_init(const OSSL_CORE_HANDLE* handle,
                                                                         const OSSL_DISPATCH* in,
                                                                         const OSSL_DISPATCH** out, void** provctx) {
  using namespace pqcea::provider;
  OSSL_FUNC_core_obj_create_fn* obj_create = nullptr;
  OSSL_FUNC_core_obj_add_sigid_fn* add_sigid = nullptr;
  for (; in->function_id != 0; ++in) {
    switch (in->function_id) {
      case OSSL_FUNC_BIO_READ_EX: g_bio_read = OSSL_FUNC_BIO_read_ex(in); break;
      case OSSL_FUNC_BIO_WRITE_EX: g_bio_write = OSSL_FUNC_BIO_write_ex(in); break;
      case OSSL_FUNC_CORE_OBJ_CREATE: obj_create = OSSL_FUNC_core_obj_create(in); break;
      case OSSL_FUNC_CORE_OBJ_ADD_SIGID: add_sigid = OSSL_FUNC_core_obj_add_sigid(in); break;
      default: break;
    }
  }
  {
    std::lock_guard<std::mutex> lock(g_mu);
    if (g_users == 0) {
      g_classic = OSSL_LIB_CTX_new();
      g_default = g_classic != nullptr ? OSSL_PROVIDER_load(g_classic, "default") : nullptr;
      if (g_default == nullptr) {
        release_classic();
        return 0;
      }
    }
    ++g_users;
  }
  if (!mldsa_register_oids(handle, obj_create, add_sigid)) {
    teardown(nullptr);
    return 0;
  }
  *out = provider_dispatch;
  *provctx = g_classic;
  return 1;
}
