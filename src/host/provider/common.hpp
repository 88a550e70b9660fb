// Shared state of the pqcea OpenSSL provider (docs/tls-provider.md).
#pragma once
#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "pqcea/rng/entropy.hpp"

namespace pqcea::provider {

// The library context holding OpenSSL's "default" provider only: X25519, P-256/P-384, RAND.
// Our own provider is never loaded into it, so nothing we fetch there can recurse into us.
OSSL_LIB_CTX* classic_ctx();

// Randomness for the project's randomized wrappers, drawn from classic_ctx()'s private DRBG.
rng::RandomSource& provider_rng();

// Core upcalls captured at init (BIO access for encoders/decoders).
bool core_bio_read_all(OSSL_CORE_BIO* bio, std::vector<std::uint8_t>& out);
bool core_bio_write(OSSL_CORE_BIO* bio, const void* data, std::size_t len);

// Algorithm tables and capabilities, defined per module.
extern const OSSL_ALGORITHM kem_keymgmt_algorithms[];
extern const OSSL_ALGORITHM kem_algorithms[];
int tls_group_capabilities(OSSL_CALLBACK* cb, void* arg);

extern const OSSL_ALGORITHM mldsa_keymgmt_algorithms[];
extern const OSSL_ALGORITHM mldsa_signature_algorithms[];
extern const OSSL_ALGORITHM mldsa_encoder_algorithms[];
extern const OSSL_ALGORITHM mldsa_decoder_algorithms[];
// Registers the ML-DSA OIDs with libcrypto (names and signature-algorithm mapping).
bool mldsa_register_oids(const OSSL_CORE_HANDLE* handle, OSSL_FUNC_core_obj_create_fn* obj_create,
                         OSSL_FUNC_core_obj_add_sigid_fn* add_sigid);

}  // namespace pqcea::provider
