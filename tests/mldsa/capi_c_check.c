/* Compiles include/pqcea/mldsa.h as C (not C++) and signs/verifies through it; called by the
 * GoogleTest in test_mldsa_capi.cpp. Returns 0 when every step behaves. */
#include <string.h>

#include "pqcea/mldsa.h"

static int counter_rng(void* ctx, uint8_t* out, size_t len) {
  unsigned* n = (unsigned*)ctx;
  for (size_t i = 0; i < len; ++i) out[i] = (uint8_t)(*n + i * 31u);
  ++*n;
  return 0;
}

int pqcea_mldsa_c_roundtrip(void) {
  static uint8_t pk[PQCEA_MLDSA87_PK_BYTES], sk[PQCEA_MLDSA87_SK_BYTES], sig[PQCEA_MLDSA87_SIG_BYTES];
  static const uint8_t msg[] = "firmware image";
  static const uint8_t ctx[] = "boot";
  unsigned n = 1;
  if (pqcea_mldsa87_keypair(pk, sk, counter_rng, &n) != PQCEA_STATUS_OK) return 1;
  if (pqcea_mldsa87_sign(sig, sk, msg, sizeof msg, ctx, sizeof ctx, counter_rng, &n) != PQCEA_STATUS_OK) return 2;
  if (pqcea_mldsa87_verify(pk, msg, sizeof msg, ctx, sizeof ctx, sig) != PQCEA_STATUS_OK) return 3;
  if (pqcea_mldsa87_verify(pk, msg, sizeof msg - 1, ctx, sizeof ctx, sig) != PQCEA_STATUS_INVALID_SIGNATURE) return 4;
  return 0;
}
