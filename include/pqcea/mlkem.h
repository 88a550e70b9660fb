/* ML-KEM (FIPS 203) C API: ML-KEM-512, ML-KEM-768, ML-KEM-1024 with fixed-size arrays.
 *
 * A thin layer over include/pqcea/mlkem.hpp, implemented in the freestanding module (no heap).
 * Every function returns PQCEA_STATUS_OK (0) or an error code with the values of pqcea::Status:
 *   PQCEA_STATUS_INVALID_KEY     an encapsulation key failed the FIPS 203 §7.2 modulus check, or a
 *                                decapsulation key failed the §7.3 hash check (outputs zeroed);
 *   PQCEA_STATUS_ENTROPY_FAILURE the random callback returned non-zero (outputs zeroed);
 *   PQCEA_STATUS_INVALID_ARGUMENT a required pointer was NULL.
 * A wrong ciphertext is not an error: decapsulation returns the implicit-rejection key.
 *
 * Key forms: the 64-byte seed d || z (preferred storage form; *_keypair_seed returns it, the
 * *_decaps_seed functions take it) or the expanded decapsulation key dk.
 *
 * Randomness: the randomized functions call rng(ctx, out, len) and expect 0 on success. */
#ifndef PQCEA_MLKEM_H
#define PQCEA_MLKEM_H

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

#define PQCEA_MLKEM_SHARED_KEY_BYTES 32
#define PQCEA_MLKEM_SEED_BYTES 64
#define PQCEA_MLKEM_MESSAGE_BYTES 32

#define PQCEA_MLKEM512_EK_BYTES 800
#define PQCEA_MLKEM512_DK_BYTES 1632
#define PQCEA_MLKEM512_CT_BYTES 768
#define PQCEA_MLKEM768_EK_BYTES 1184
#define PQCEA_MLKEM768_DK_BYTES 2400
#define PQCEA_MLKEM768_CT_BYTES 1088
#define PQCEA_MLKEM1024_EK_BYTES 1568
#define PQCEA_MLKEM1024_DK_BYTES 3168
#define PQCEA_MLKEM1024_CT_BYTES 1568

/* ---- ML-KEM-512 ---- */
int pqcea_mlkem512_keypair_derand(uint8_t ek[PQCEA_MLKEM512_EK_BYTES], uint8_t dk[PQCEA_MLKEM512_DK_BYTES],
                                  const uint8_t seed[PQCEA_MLKEM_SEED_BYTES]);
int pqcea_mlkem512_keypair(uint8_t ek[PQCEA_MLKEM512_EK_BYTES], uint8_t dk[PQCEA_MLKEM512_DK_BYTES],
                           pqcea_random_fn rng, void* rng_ctx);
int pqcea_mlkem512_keypair_seed(uint8_t ek[PQCEA_MLKEM512_EK_BYTES], uint8_t seed[PQCEA_MLKEM_SEED_BYTES],
                                pqcea_random_fn rng, void* rng_ctx);
int pqcea_mlkem512_encaps_derand(uint8_t key[PQCEA_MLKEM_SHARED_KEY_BYTES], uint8_t ct[PQCEA_MLKEM512_CT_BYTES],
                                 const uint8_t ek[PQCEA_MLKEM512_EK_BYTES],
                                 const uint8_t m[PQCEA_MLKEM_MESSAGE_BYTES]);
int pqcea_mlkem512_encaps(uint8_t key[PQCEA_MLKEM_SHARED_KEY_BYTES], uint8_t ct[PQCEA_MLKEM512_CT_BYTES],
                          const uint8_t ek[PQCEA_MLKEM512_EK_BYTES], pqcea_random_fn rng, void* rng_ctx);
int pqcea_mlkem512_decaps(uint8_t key[PQCEA_MLKEM_SHARED_KEY_BYTES], const uint8_t ct[PQCEA_MLKEM512_CT_BYTES],
                          const uint8_t dk[PQCEA_MLKEM512_DK_BYTES]);
int pqcea_mlkem512_decaps_seed(uint8_t key[PQCEA_MLKEM_SHARED_KEY_BYTES], const uint8_t ct[PQCEA_MLKEM512_CT_BYTES],
                               const uint8_t seed[PQCEA_MLKEM_SEED_BYTES]);
int pqcea_mlkem512_check_ek(const uint8_t ek[PQCEA_MLKEM512_EK_BYTES]);
int pqcea_mlkem512_check_dk(const uint8_t dk[PQCEA_MLKEM512_DK_BYTES]);

/* ---- ML-KEM-768 ---- */
int pqcea_mlkem768_keypair_derand(uint8_t ek[PQCEA_MLKEM768_EK_BYTES], uint8_t dk[PQCEA_MLKEM768_DK_BYTES],
                                  const uint8_t seed[PQCEA_MLKEM_SEED_BYTES]);
int pqcea_mlkem768_keypair(uint8_t ek[PQCEA_MLKEM768_EK_BYTES], uint8_t dk[PQCEA_MLKEM768_DK_BYTES],
                           pqcea_random_fn rng, void* rng_ctx);
int pqcea_mlkem768_keypair_seed(uint8_t ek[PQCEA_MLKEM768_EK_BYTES], uint8_t seed[PQCEA_MLKEM_SEED_BYTES],
                                pqcea_random_fn rng, void* rng_ctx);
int pqcea_mlkem768_encaps_derand(uint8_t key[PQCEA_MLKEM_SHARED_KEY_BYTES], uint8_t ct[PQCEA_MLKEM768_CT_BYTES],
                                 const uint8_t ek[PQCEA_MLKEM768_EK_BYTES],
                                 const uint8_t m[PQCEA_MLKEM_MESSAGE_BYTES]);
int pqcea_mlkem768_encaps(uint8_t key[PQCEA_MLKEM_SHARED_KEY_BYTES], uint8_t ct[PQCEA_MLKEM768_CT_BYTES],
                          const uint8_t ek[PQCEA_MLKEM768_EK_BYTES], pqcea_random_fn rng, void* rng_ctx);
int pqcea_mlkem768_decaps(uint8_t key[PQCEA_MLKEM_SHARED_KEY_BYTES], const uint8_t ct[PQCEA_MLKEM768_CT_BYTES],
                          const uint8_t dk[PQCEA_MLKEM768_DK_BYTES]);
int pqcea_mlkem768_decaps_seed(uint8_t key[PQCEA_MLKEM_SHARED_KEY_BYTES], const uint8_t ct[PQCEA_MLKEM768_CT_BYTES],
                               const uint8_t seed[PQCEA_MLKEM_SEED_BYTES]);
int pqcea_mlkem768_check_ek(const uint8_t ek[PQCEA_MLKEM768_EK_BYTES]);
int pqcea_mlkem768_check_dk(const uint8_t dk[PQCEA_MLKEM768_DK_BYTES]);

/* ---- ML-KEM-1024 ---- */
int pqcea_mlkem1024_keypair_derand(uint8_t ek[PQCEA_MLKEM1024_EK_BYTES], uint8_t dk[PQCEA_MLKEM1024_DK_BYTES],
                                   const uint8_t seed[PQCEA_MLKEM_SEED_BYTES]);
int pqcea_mlkem1024_keypair(uint8_t ek[PQCEA_MLKEM1024_EK_BYTES], uint8_t dk[PQCEA_MLKEM1024_DK_BYTES],
                            pqcea_random_fn rng, void* rng_ctx);
int pqcea_mlkem1024_keypair_seed(uint8_t ek[PQCEA_MLKEM1024_EK_BYTES], uint8_t seed[PQCEA_MLKEM_SEED_BYTES],
                                 pqcea_random_fn rng, void* rng_ctx);
int pqcea_mlkem1024_encaps_derand(uint8_t key[PQCEA_MLKEM_SHARED_KEY_BYTES], uint8_t ct[PQCEA_MLKEM1024_CT_BYTES],
                                  const uint8_t ek[PQCEA_MLKEM1024_EK_BYTES],
                                  const uint8_t m[PQCEA_MLKEM_MESSAGE_BYTES]);
int pqcea_mlkem1024_encaps(uint8_t key[PQCEA_MLKEM_SHARED_KEY_BYTES], uint8_t ct[PQCEA_MLKEM1024_CT_BYTES],
                           const uint8_t ek[PQCEA_MLKEM1024_EK_BYTES], pqcea_random_fn rng, void* rng_ctx);
int pqcea_mlkem1024_decaps(uint8_t key[PQCEA_MLKEM_SHARED_KEY_BYTES], const uint8_t ct[PQCEA_MLKEM1024_CT_BYTES],
                           const uint8_t dk[PQCEA_MLKEM1024_DK_BYTES]);
int pqcea_mlkem1024_decaps_seed(uint8_t key[PQCEA_MLKEM_SHARED_KEY_BYTES],
                                const uint8_t ct[PQCEA_MLKEM1024_CT_BYTES], const uint8_t seed[PQCEA_MLKEM_SEED_BYTES]);
int pqcea_mlkem1024_check_ek(const uint8_t ek[PQCEA_MLKEM1024_EK_BYTES]);
int pqcea_mlkem1024_check_dk(const uint8_t dk[PQCEA_MLKEM1024_DK_BYTES]);

#ifdef __cplusplus
}
#endif

#endif /* PQCEA_MLKEM_H */
