/* Exercises include/pqcea/mlkem.h from C (compiled as C99, -pedantic): proves the header is valid
 * C and the functions link and behave. Called from test_mlkem_capi.cpp, which also compares the
 * results with the C++ API. Returns 0 or the line number of the first failed check. */
#include "pqcea/mlkem.h"

#include <string.h>

#define CHECK(cond)        \
  do {                     \
    if (!(cond)) return __LINE__; \
  } while (0)

static int counter_rng(void* ctx, uint8_t* out, size_t len) {
  uint8_t* state = (uint8_t*)ctx;
  size_t i;
  for (i = 0; i < len; ++i) out[i] = (*state)++;
  return 0;
}

static int failing_rng(void* ctx, uint8_t* out, size_t len) {
  (void)ctx;
  (void)out;
  (void)len;
  return -1;
}

static int all_zero(const uint8_t* p, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i)
    if (p[i] != 0) return 0;
  return 1;
}

int mlkem_c_derand_768(uint8_t ek[PQCEA_MLKEM768_EK_BYTES], uint8_t ct[PQCEA_MLKEM768_CT_BYTES],
                       uint8_t key[PQCEA_MLKEM_SHARED_KEY_BYTES], const uint8_t seed[PQCEA_MLKEM_SEED_BYTES],
                       const uint8_t m[PQCEA_MLKEM_MESSAGE_BYTES]) {
  static uint8_t dk[PQCEA_MLKEM768_DK_BYTES];
  uint8_t key2[PQCEA_MLKEM_SHARED_KEY_BYTES];
  CHECK(pqcea_mlkem768_keypair_derand(ek, dk, seed) == PQCEA_STATUS_OK);
  CHECK(pqcea_mlkem768_encaps_derand(key, ct, ek, m) == PQCEA_STATUS_OK);
  CHECK(pqcea_mlkem768_decaps(key2, ct, dk) == PQCEA_STATUS_OK);
  CHECK(memcmp(key, key2, sizeof key2) == 0);
  return 0;
}

int mlkem_c_selftest(void) {
  static uint8_t ek[PQCEA_MLKEM1024_EK_BYTES], ek2[PQCEA_MLKEM1024_EK_BYTES];
  static uint8_t dk[PQCEA_MLKEM1024_DK_BYTES];
  static uint8_t ct[PQCEA_MLKEM1024_CT_BYTES];
  uint8_t seed[PQCEA_MLKEM_SEED_BYTES];
  uint8_t k1[32], k2[32], k3[32];
  uint8_t state = 7;

  /* ML-KEM-512: randomized round trip, then the seed form. */
  CHECK(pqcea_mlkem512_keypair(ek, dk, counter_rng, &state) == PQCEA_STATUS_OK);
  CHECK(pqcea_mlkem512_check_ek(ek) == PQCEA_STATUS_OK);
  CHECK(pqcea_mlkem512_check_dk(dk) == PQCEA_STATUS_OK);
  CHECK(pqcea_mlkem512_encaps(k1, ct, ek, counter_rng, &state) == PQCEA_STATUS_OK);
  CHECK(pqcea_mlkem512_decaps(k2, ct, dk) == PQCEA_STATUS_OK);
  CHECK(memcmp(k1, k2, 32) == 0);
  CHECK(pqcea_mlkem512_keypair_seed(ek2, seed, counter_rng, &state) == PQCEA_STATUS_OK);
  CHECK(pqcea_mlkem512_encaps(k1, ct, ek2, counter_rng, &state) == PQCEA_STATUS_OK);
  CHECK(pqcea_mlkem512_decaps_seed(k2, ct, seed) == PQCEA_STATUS_OK);
  CHECK(memcmp(k1, k2, 32) == 0);
  ct[0] ^= 1; /* implicit rejection: a different key, no error */
  CHECK(pqcea_mlkem512_decaps_seed(k3, ct, seed) == PQCEA_STATUS_OK);
  CHECK(memcmp(k1, k3, 32) != 0);

  /* ML-KEM-1024 from a seed; the decapsulation key equals the expanded seed. */
  CHECK(pqcea_mlkem1024_keypair_seed(ek, seed, counter_rng, &state) == PQCEA_STATUS_OK);
  CHECK(pqcea_mlkem1024_keypair_derand(ek2, dk, seed) == PQCEA_STATUS_OK);
  CHECK(memcmp(ek, ek2, sizeof ek) == 0);
  CHECK(pqcea_mlkem1024_encaps(k1, ct, ek, counter_rng, &state) == PQCEA_STATUS_OK);
  CHECK(pqcea_mlkem1024_decaps(k2, ct, dk) == PQCEA_STATUS_OK);
  CHECK(pqcea_mlkem1024_decaps_seed(k3, ct, seed) == PQCEA_STATUS_OK);
  CHECK(memcmp(k1, k2, 32) == 0 && memcmp(k1, k3, 32) == 0);

  /* Malformed keys: a coefficient 0xFFF (>= q) in ek, a corrupted H(ek) in dk. */
  memcpy(ek2, ek, sizeof ek);
  ek2[0] = 0xFF;
  ek2[1] |= 0x0F;
  CHECK(pqcea_mlkem1024_check_ek(ek2) == PQCEA_STATUS_INVALID_KEY);
  memset(k1, 0x55, 32);
  CHECK(pqcea_mlkem1024_encaps(k1, ct, ek2, counter_rng, &state) == PQCEA_STATUS_INVALID_KEY);
  CHECK(all_zero(k1, 32) && all_zero(ct, sizeof ct));
  dk[768 * 4 + 40] ^= 1;
  CHECK(pqcea_mlkem1024_check_dk(dk) == PQCEA_STATUS_INVALID_KEY);
  CHECK(pqcea_mlkem1024_decaps(k2, ct, dk) == PQCEA_STATUS_INVALID_KEY);

  /* RNG failure and NULL arguments. */
  CHECK(pqcea_mlkem768_keypair(ek, dk, failing_rng, NULL) == PQCEA_STATUS_ENTROPY_FAILURE);
  CHECK(pqcea_mlkem768_keypair(ek, NULL, counter_rng, &state) == PQCEA_STATUS_INVALID_ARGUMENT);
  CHECK(pqcea_mlkem768_encaps(k1, ct, ek, NULL, NULL) == PQCEA_STATUS_INVALID_ARGUMENT);
  CHECK(pqcea_mlkem768_decaps(NULL, ct, dk) == PQCEA_STATUS_INVALID_ARGUMENT);
  return 0;
}
