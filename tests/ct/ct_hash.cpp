// Constant-time check of the hashes and the DRBG on secret inputs (keys, seeds).
#include <cstdio>

#include "pqcea/core/ct.hpp"
#include "pqcea/hash/hmac.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/rng/drbg.hpp"

using namespace pqcea;

int main() {
  std::uint8_t secret[300];
  for (int i = 0; i < 300; ++i) secret[i] = static_cast<std::uint8_t>(i * 13);
  ct::poison(secret, sizeof secret);
  std::uint8_t out[200];
  hash::Sha3_256::hash(out, secret, sizeof secret);
  hash::Sha3_512::hash(out, secret, sizeof secret);
  hash::Shake128::hash(out, 200, secret, sizeof secret);
  hash::Shake256::hash(out, 200, secret, sizeof secret);
  hash::Sha256::hash(out, secret, sizeof secret);
  hash::Sha512::hash(out, secret, sizeof secret);
  hash::Hmac<hash::Sha256>::mac(out, secret, 32, secret + 32, 100);
  hash::Hmac<hash::Sha512>::mac(out, secret, 200, secret + 32, 100);  // long key: hashed first
  rng::ShakeDrbg drbg;
  if (drbg.instantiate(std::span<const std::uint8_t>(secret, 48), {}, {}) != Status::ok) return 1;
  if (drbg.generate(std::span<std::uint8_t>(out, 200)) != Status::ok) return 1;
  if (drbg.reseed(std::span<const std::uint8_t>(secret + 48, 32), {}) != Status::ok) return 1;
  if (drbg.generate(std::span<std::uint8_t>(out, 64)) != Status::ok) return 1;
  std::puts("ct_hash done");
  return 0;
}
