#include "encoding.hpp"

namespace pqcea::mlkem::detail {

// Compress_d / Decompress_d without division are exact for every input (Eq. 4.7, 4.8).
static_assert(check_compress<1>() && check_compress<4>() && check_compress<5>() && check_compress<10>() &&
              check_compress<11>());


void encode12(std::uint8_t* out, const Poly& p) {
  for (int i = 0; i < n / 2; ++i) {
    const auto a = static_cast<std::uint16_t>(p.c[2 * i]), b = static_cast<std::uint16_t>(p.c[2 * i + 1]);
    out[3 * i] = static_cast<std::uint8_t>(a);
    out[3 * i + 1] = static_cast<std::uint8_t>((a >> 8) | (b << 4));
    out[3 * i + 2] = static_cast<std::uint8_t>(b >> 4);
  }
}

void decode12(Poly& p, const std::uint8_t* in) {
  for (int i = 0; i < n / 2; ++i) {
    const auto a = static_cast<std::int16_t>(in[3 * i] | ((in[3 * i + 1] & 0x0F) << 8));
    const auto b = static_cast<std::int16_t>((in[3 * i + 1] >> 4) | (in[3 * i + 2] << 4));
    // Values are < 2^12 < 2q: one conditional subtraction (by mask) gives x mod q.
    p.c[2 * i] = caddq(static_cast<std::int16_t>(a - q));
    p.c[2 * i + 1] = caddq(static_cast<std::int16_t>(b - q));
  }
}

bool check12(const std::uint8_t* in) {
  unsigned bad = 0;
  for (int i = 0; i < n / 2; ++i) {
    const unsigned a = in[3 * i] | ((in[3 * i + 1] & 0x0Fu) << 8);
    const unsigned b = (in[3 * i + 1] >> 4) | (static_cast<unsigned>(in[3 * i + 2]) << 4);
    bad |= static_cast<unsigned>(a >= static_cast<unsigned>(q)) | static_cast<unsigned>(b >= static_cast<unsigned>(q));
  }
  return bad == 0;
}

void poly_canonical(Poly& p) {
  for (auto& x : p.c) x = to_canonical(x);
}

void poly_from_msg(Poly& p, const std::uint8_t m[32]) {
  for (int i = 0; i < 32; ++i) {
    for (int j = 0; j < 8; ++j) {
      const std::uint32_t bit = (m[i] >> j) & 1u;
      const std::uint32_t mask = 0u - ct::value_barrier(bit);
      p.c[8 * i + j] = static_cast<std::int16_t>(mask & ((q + 1) / 2));  // Decompress_1(bit)
    }
  }
}

void poly_to_msg(std::uint8_t m[32], const Poly& p) {
  for (int i = 0; i < 32; ++i) {
    std::uint32_t byte = 0;
    for (int j = 0; j < 8; ++j) {
      const auto x = static_cast<std::uint16_t>(to_canonical(p.c[8 * i + j]));
      byte |= static_cast<std::uint32_t>(compress<1>(x)) << j;
    }
    m[i] = static_cast<std::uint8_t>(byte);
  }
}

}  // namespace pqcea::mlkem::detail
