// HMAC (FIPS 198-1) over any hash with update/final/block_size/digest_size.
#pragma once
#include <cstddef>
#include <cstdint>

#include "pqcea/core/secret.hpp"

namespace pqcea::hash {

template <typename H>
class Hmac {
 public:
  static constexpr std::size_t digest_size = H::digest_size;
  Hmac(const std::uint8_t* key, std::size_t key_len) {
    std::uint8_t k0[H::block_size] = {};
    if (key_len > H::block_size) {
      H::hash(k0, key, key_len);  // FIPS 198-1 step 2: hash keys longer than a block
    } else {
      for (std::size_t i = 0; i < key_len; ++i) k0[i] = key[i];
    }
    std::uint8_t pad[H::block_size];
    for (std::size_t i = 0; i < H::block_size; ++i) pad[i] = static_cast<std::uint8_t>(k0[i] ^ 0x36);
    inner_.update(pad, H::block_size);
    for (std::size_t i = 0; i < H::block_size; ++i) pad[i] = static_cast<std::uint8_t>(k0[i] ^ 0x5c);
    outer_.update(pad, H::block_size);
    secure_wipe(k0, sizeof k0);
    secure_wipe(pad, sizeof pad);
  }
  void update(const std::uint8_t* in, std::size_t n) { inner_.update(in, n); }
  void final(std::uint8_t* out) {
    std::uint8_t ih[H::digest_size];
    inner_.final(ih);
    outer_.update(ih, H::digest_size);
    outer_.final(out);
    secure_wipe(ih, sizeof ih);
  }
  static void mac(std::uint8_t* out, const std::uint8_t* key, std::size_t key_len, const std::uint8_t* msg,
                  std::size_t n) {
    Hmac h(key, key_len);
    h.update(msg, n);
    h.final(out);
  }

 private:
  H inner_;
  H outer_;
};

}  // namespace pqcea::hash
