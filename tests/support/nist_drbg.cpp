#include "nist_drbg.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace pqcea::test {
namespace {

void aes256_block(const std::uint8_t key[32], const std::uint8_t in[16], std::uint8_t out[16]) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  if (ctx == nullptr || EVP_EncryptInit_ex(ctx, EVP_aes_256_ecb(), nullptr, key, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 || EVP_EncryptUpdate(ctx, out, &len, in, 16) != 1 || len != 16) {
    EVP_CIPHER_CTX_free(ctx);
    throw std::runtime_error("AES-256 failed");
  }
  EVP_CIPHER_CTX_free(ctx);
}

void increment(std::array<std::uint8_t, 16>& v) {
  for (int j = 15; j >= 0; --j) {
    if (++v[static_cast<std::size_t>(j)] != 0) break;
  }
}

}  // namespace

NistDrbg::NistDrbg(std::span<const std::uint8_t, 48> entropy) { update(entropy.data()); }

void NistDrbg::update(const std::uint8_t* data) {
  std::uint8_t temp[48];
  for (int i = 0; i < 3; ++i) {
    increment(v_);
    aes256_block(key_.data(), v_.data(), temp + 16 * i);
  }
  if (data != nullptr)
    for (int i = 0; i < 48; ++i) temp[i] ^= data[i];
  for (int i = 0; i < 32; ++i) key_[static_cast<std::size_t>(i)] = temp[i];
  for (int i = 0; i < 16; ++i) v_[static_cast<std::size_t>(i)] = temp[32 + i];
}

void NistDrbg::randombytes(std::uint8_t* out, std::size_t n) {
  std::uint8_t block[16];
  while (n > 0) {
    increment(v_);
    aes256_block(key_.data(), v_.data(), block);
    std::size_t take = n < 16 ? n : 16;
    for (std::size_t i = 0; i < take; ++i) out[i] = block[i];
    out += take;
    n -= take;
  }
  update(nullptr);
}

}  // namespace pqcea::test
