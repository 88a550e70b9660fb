/* ML-DSA (FIPS 204) C API: ML-DSA-44, ML-DSA-65, ML-DSA-87 with fixed-size arrays.
 *
 * A thin layer over include/pqcea/mldsa.hpp, implemented in the freestanding module (no heap).
 * Every function returns PQCEA_STATUS_OK (0) or an error code with the values of pqcea::Status:
 *   PQCEA_STATUS_INVALID_SIGNATURE  verification failed (wrong or malformed signature, wrong length);
 *   PQCEA_STATUS_INVALID_KEY        a public key of the wrong length, or an expanded private key whose
 *                                   s1/s2 coefficients are out of range (signing checks it first);
 *   PQCEA_STATUS_INVALID_ARGUMENT   a NULL pointer where data is required, a context longer than
 *                                   255 bytes, an unknown input kind or pre-hash;
 *   PQCEA_STATUS_INVALID_LENGTH     a digest or mu of the wrong length, a private key that is
 *                                   neither a seed nor an expanded key;
 *   PQCEA_STATUS_ENTROPY_FAILURE    the random callback returned non-zero.
 * On failure a signature output is zeroed.
 *
 * Private keys: the 32-byte seed xi (preferred storage) or the expanded FIPS 204 encoding; the
 * *_ex functions take either (told apart by sk_len). Signing is hedged when given a random
 * callback; *_derand takes rnd (all zero = the deterministic variant).
 * Randomness: rng(ctx, out, len) returns 0 on success. */
#ifndef PQCEA_MLDSA_H
#define PQCEA_MLDSA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef PQCEA_STATUS_OK
#define PQCEA_STATUS_OK 0
#define PQCEA_STATUS_INVALID_LENGTH 1
#define PQCEA_STATUS_INVALID_KEY 2
#define PQCEA_STATUS_INVALID_SIGNATURE 3
#define PQCEA_STATUS_INVALID_ARGUMENT 4
#define PQCEA_STATUS_ENTROPY_FAILURE 5
#endif

#ifndef PQCEA_RANDOM_FN_DEFINED
#define PQCEA_RANDOM_FN_DEFINED
typedef int (*pqcea_random_fn)(void* ctx, uint8_t* out, size_t len);
#endif

#define PQCEA_MLDSA_SEED_BYTES 32
#define PQCEA_MLDSA_RND_BYTES 32
#define PQCEA_MLDSA_MU_BYTES 64
#define PQCEA_MLDSA_MAX_CONTEXT_BYTES 255

#define PQCEA_MLDSA44_PK_BYTES 1312
#define PQCEA_MLDSA44_SK_BYTES 2560
#define PQCEA_MLDSA44_SIG_BYTES 2420
#define PQCEA_MLDSA65_PK_BYTES 1952
#define PQCEA_MLDSA65_SK_BYTES 4032
#define PQCEA_MLDSA65_SIG_BYTES 3309
#define PQCEA_MLDSA87_PK_BYTES 2592
#define PQCEA_MLDSA87_SK_BYTES 4896
#define PQCEA_MLDSA87_SIG_BYTES 4627

/* What is signed (FIPS 204): pure ML-DSA with a context, HashML-DSA over a message or a digest,
 * the internal interface on M', or an external mu. */
enum pqcea_mldsa_kind {
  PQCEA_MLDSA_PURE = 0,       /* data = message, ctx */
  PQCEA_MLDSA_PREHASH = 1,    /* data = message, hashed with `prehash`, ctx */
  PQCEA_MLDSA_PREHASHED = 2,  /* data = digest of `prehash`, ctx */
  PQCEA_MLDSA_INTERNAL = 3,   /* data = M' (Sign_internal / Verify_internal) */
  PQCEA_MLDSA_EXTERNAL_MU = 4 /* data = mu, 64 bytes */
};
/* Pre-hash functions (FIPS 204 §5.4.1); SHAKE-128 gives 32 bytes, SHAKE-256 64. */
enum pqcea_mldsa_prehash {
  PQCEA_MLDSA_SHA2_224 = 0, PQCEA_MLDSA_SHA2_256, PQCEA_MLDSA_SHA2_384, PQCEA_MLDSA_SHA2_512,
  PQCEA_MLDSA_SHA2_512_224, PQCEA_MLDSA_SHA2_512_256, PQCEA_MLDSA_SHA3_224, PQCEA_MLDSA_SHA3_256,
  PQCEA_MLDSA_SHA3_384, PQCEA_MLDSA_SHA3_512, PQCEA_MLDSA_SHAKE128, PQCEA_MLDSA_SHAKE256
};
typedef struct pqcea_mldsa_input {
  int kind;    /* enum pqcea_mldsa_kind */
  int prehash; /* enum pqcea_mldsa_prehash, for PREHASH / PREHASHED */
  const uint8_t* data;
  size_t data_len;
  const uint8_t* ctx; /* may be NULL when ctx_len is 0 */
  size_t ctx_len;
} pqcea_mldsa_input;

/* Memory mode for the *_ex functions: 0 = fast, 1 = low memory (same results). */
#define PQCEA_MLDSA_FAST 0
#define PQCEA_MLDSA_LOW_MEMORY 1

#define PQCEA_MLDSA_DECLARE(NN)                                                                                  \
  int pqcea_mldsa##NN##_keypair_derand(uint8_t pk[PQCEA_MLDSA##NN##_PK_BYTES], uint8_t sk[PQCEA_MLDSA##NN##_SK_BYTES], \
                                       const uint8_t xi[PQCEA_MLDSA_SEED_BYTES]);                                \
  int pqcea_mldsa##NN##_keypair(uint8_t pk[PQCEA_MLDSA##NN##_PK_BYTES], uint8_t sk[PQCEA_MLDSA##NN##_SK_BYTES],  \
                                pqcea_random_fn rng, void* rng_ctx);                                             \
  int pqcea_mldsa##NN##_keypair_seed(uint8_t pk[PQCEA_MLDSA##NN##_PK_BYTES], uint8_t xi[PQCEA_MLDSA_SEED_BYTES], \
                                     pqcea_random_fn rng, void* rng_ctx);                                        \
  int pqcea_mldsa##NN##_check_sk(const uint8_t sk[PQCEA_MLDSA##NN##_SK_BYTES]);                                  \
  /* Pure ML-DSA, expanded key, hedged. */                                                                       \
  int pqcea_mldsa##NN##_sign(uint8_t sig[PQCEA_MLDSA##NN##_SIG_BYTES], const uint8_t sk[PQCEA_MLDSA##NN##_SK_BYTES], \
                             const uint8_t* msg, size_t msg_len, const uint8_t* ctx, size_t ctx_len,             \
                             pqcea_random_fn rng, void* rng_ctx);                                                \
  int pqcea_mldsa##NN##_verify(const uint8_t pk[PQCEA_MLDSA##NN##_PK_BYTES], const uint8_t* msg, size_t msg_len,  \
                               const uint8_t* ctx, size_t ctx_len, const uint8_t sig[PQCEA_MLDSA##NN##_SIG_BYTES]); \
  /* Every mode: sk is the seed (sk_len 32) or the expanded key; rnd all zero = deterministic. */                \
  int pqcea_mldsa##NN##_sign_derand(uint8_t sig[PQCEA_MLDSA##NN##_SIG_BYTES], const uint8_t* sk, size_t sk_len,  \
                                    const pqcea_mldsa_input* in, const uint8_t rnd[PQCEA_MLDSA_RND_BYTES],       \
                                    int memory_mode);                                                            \
  int pqcea_mldsa##NN##_verify_ex(const uint8_t* pk, size_t pk_len, const pqcea_mldsa_input* in, const uint8_t* sig, \
                                  size_t sig_len, int memory_mode);

PQCEA_MLDSA_DECLARE(44)
PQCEA_MLDSA_DECLARE(65)
PQCEA_MLDSA_DECLARE(87)

#ifdef __cplusplus
}
#endif

#endif /* PQCEA_MLDSA_H */
