// Falcon encodings (round-3 spec v1.2 §3.11): hand-derived bit strings, round trips, and every
// strictness rule of decoding (values >= q, forbidden -2^(bits-1), "-0", over-long unary part,
// non-zero unused bits, non-zero padding, headers, lengths).
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <vector>

#include "falcon/codec.hpp"

using namespace pqcea;
using namespace pqcea::falcon;

namespace {
std::mt19937 rng_for(unsigned seed) { return std::mt19937(seed); }
}  // namespace

// Bits written by hand from §3.11.2 (sign, 7 low bits, unary high part ending in 1):
// 1 -> 0 0000001 1; -130 -> 1 0000010 01; 0 -> 0 0000000 1; 2047 -> 0 1111111 0^15 1; 4 zero bits.
TEST(FalconCodec, CompressHandVector) {
  const std::array<std::int16_t, 4> x{1, -130, 0, 2047};
  const std::array<std::uint8_t, 7> want{0x01, 0xC1, 0x20, 0x17, 0xF0, 0x00, 0x10};
  std::array<std::uint8_t, 16> out{};
  ASSERT_EQ(codec::comp_encode(out, x), want.size());
  EXPECT_TRUE(std::equal(want.begin(), want.end(), out.begin()));
  std::array<std::int16_t, 4> back{};
  EXPECT_EQ(codec::comp_decode(back, want), want.size());
  EXPECT_EQ(back, x);
  // Exactly too small an output buffer: encoding fails instead of truncating.
  EXPECT_EQ(codec::comp_encode(std::span<std::uint8_t>(out.data(), 6), x), 0u);
  // Out of the compressible range.
  const std::array<std::int16_t, 2> big{2048, 0}, small{-2048, 0};
  EXPECT_EQ(codec::comp_encode(out, big), 0u);
  EXPECT_EQ(codec::comp_encode(out, small), 0u);
}

TEST(FalconCodec, CompressRoundTripRandom) {
  auto g = rng_for(1);
  std::uniform_int_distribution<int> d(-2047, 2047), small(-300, 300);
  for (int iter = 0; iter < 200; ++iter) {
    std::vector<std::int16_t> x(512);
    for (auto& v : x) v = static_cast<std::int16_t>(iter % 2 ? d(g) : small(g));
    std::vector<std::uint8_t> buf(4 * 512);
    const std::size_t len = codec::comp_encode(buf, x);
    ASSERT_GT(len, 0u);
    std::vector<std::int16_t> y(512);
    ASSERT_EQ(codec::comp_decode(y, std::span<const std::uint8_t>(buf.data(), len)), len);
    ASSERT_EQ(x, y);
    // One byte short: the decoder runs out of input.
    EXPECT_EQ(codec::comp_decode(y, std::span<const std::uint8_t>(buf.data(), len - 1)), 0u);
  }
}

TEST(FalconCodec, DecompressRejectsNonCanonical) {
  std::array<std::int16_t, 1> x{};
  // "-0": 1 0000000 1, then 7 zero bits.
  const std::array<std::uint8_t, 2> minus_zero{0x80, 0x80};
  EXPECT_EQ(codec::comp_decode(x, minus_zero), 0u);
  const std::array<std::uint8_t, 2> plus_zero{0x00, 0x80};
  EXPECT_EQ(codec::comp_decode(x, plus_zero), 2u);
  EXPECT_EQ(x[0], 0);
  // Unary part of 16 zeros: |s| would reach 2048 > 2047.
  const std::array<std::uint8_t, 4> too_long{0x00, 0x00, 0x00, 0x80};
  EXPECT_EQ(codec::comp_decode(x, too_long), 0u);
  // 15 zeros is the largest allowed high part: 0 0000000 0^15 1 -> 1920.
  const std::array<std::uint8_t, 3> max_high{0x00, 0x00, 0x01};
  EXPECT_EQ(codec::comp_decode(x, max_high), 3u);
  EXPECT_EQ(x[0], 1920);
  // Non-zero unused bits after the last coefficient: 0 0000000 1 then 1000000.
  const std::array<std::uint8_t, 2> trailing{0x00, 0xC0};
  EXPECT_EQ(codec::comp_decode(x, trailing), 0u);
  const std::array<std::uint8_t, 2> trailing_last{0x00, 0x81};
  EXPECT_EQ(codec::comp_decode(x, trailing_last), 0u);
  // Runs out of input inside the unary part.
  const std::array<std::uint8_t, 1> cut{0x00};
  EXPECT_EQ(codec::comp_decode(x, cut), 0u);
}

TEST(FalconCodec, ModqHandVectorAndRange) {
  const std::array<std::uint16_t, 4> x{12288, 0, 1, 8191};
  const std::array<std::uint8_t, 7> want{0xC0, 0x00, 0x00, 0x00, 0x00, 0x5F, 0xFF};
  std::array<std::uint8_t, 7> out{};
  ASSERT_EQ(codec::modq_encode(out, x), 7u);
  EXPECT_EQ(out, want);
  std::array<std::uint16_t, 4> back{};
  ASSERT_EQ(codec::modq_decode(back, want), 7u);
  EXPECT_EQ(back, x);
  // 12289 = q itself: 11 0000 0000 0001 as the first value.
  std::array<std::uint8_t, 7> q_value{0xC0, 0x04, 0, 0, 0, 0, 0};
  EXPECT_EQ(codec::modq_decode(back, q_value), 0u);
  const std::array<std::uint16_t, 4> bad{0, 12289, 0, 0};
  EXPECT_EQ(codec::modq_encode(out, bad), 0u);
  // All ones: 16383 in every slot.
  std::array<std::uint8_t, 7> ones{};
  ones.fill(0xFF);
  EXPECT_EQ(codec::modq_decode(back, ones), 0u);
}

TEST(FalconCodec, PublicKeyRoundTripAndHeader) {
  auto g = rng_for(2);
  std::uniform_int_distribution<int> d(0, kQ - 1);
  std::array<std::uint16_t, 1024> h{}, back{};
  for (auto& v : h) v = static_cast<std::uint16_t>(d(g));
  std::array<std::uint8_t, Falcon1024::pk_bytes> pk{};
  ASSERT_EQ(codec::encode_public_key<Falcon1024>(pk, h), Status::ok);
  EXPECT_EQ(pk[0], 0x0A);
  ASSERT_EQ(codec::decode_public_key<Falcon1024>(back, pk), Status::ok);
  EXPECT_EQ(back, h);
  pk[0] = 0x09;
  EXPECT_EQ(codec::decode_public_key<Falcon1024>(back, pk), Status::invalid_key);
  pk[0] = 0x0A;
  pk[1] = 0xFF;  // first coefficient becomes >= 16320 > q
  EXPECT_EQ(codec::decode_public_key<Falcon1024>(back, pk), Status::invalid_key);
}

TEST(FalconCodec, TrimI8HandVectorAndForbiddenValue) {
  const std::array<std::int8_t, 4> x{31, -31, 0, -1};
  const std::array<std::uint8_t, 3> want{0x7E, 0x10, 0x3F};
  std::array<std::uint8_t, 3> out{};
  ASSERT_EQ(codec::trim_i8_encode(out, x, 6), 3u);
  EXPECT_EQ(out, want);
  std::array<std::int8_t, 4> back{};
  ASSERT_EQ(codec::trim_i8_decode(back, want, 6), 3u);
  EXPECT_EQ(back, x);
  // -32 (100000) is representable in 6 bits but forbidden; so is 32 (out of range).
  const std::array<std::int8_t, 4> m32{-32, 0, 0, 0}, p32{32, 0, 0, 0};
  EXPECT_EQ(codec::trim_i8_encode(out, m32, 6), 0u);
  EXPECT_EQ(codec::trim_i8_encode(out, p32, 6), 0u);
  const std::array<std::uint8_t, 3> forbidden{0x80, 0x00, 0x00};
  EXPECT_EQ(codec::trim_i8_decode(back, forbidden, 6), 0u);
  // 8 bits: -128 forbidden, -127 fine.
  const std::array<std::uint8_t, 1> m128{0x80}, m127{0x81};
  std::array<std::int8_t, 1> one{};
  EXPECT_EQ(codec::trim_i8_decode(one, m128, 8), 0u);
  EXPECT_EQ(codec::trim_i8_decode(one, m127, 8), 1u);
  EXPECT_EQ(one[0], -127);
}

template <class P>
void private_key_round_trip(unsigned seed) {
  auto g = rng_for(seed);
  const int lim = (1 << (P::fg_bits - 1)) - 1;
  std::uniform_int_distribution<int> dfg(-lim, lim), dF(-127, 127);
  std::array<std::int8_t, P::n> f{}, gg{}, F{}, f2{}, g2{}, F2{};
  for (std::size_t i = 0; i < P::n; ++i) {
    f[i] = static_cast<std::int8_t>(dfg(g));
    gg[i] = static_cast<std::int8_t>(dfg(g));
    F[i] = static_cast<std::int8_t>(dF(g));
  }
  std::array<std::uint8_t, P::sk_bytes> sk{};
  ASSERT_EQ(codec::encode_private_key<P>(sk, f, gg, F), Status::ok);
  EXPECT_EQ(sk[0], 0x50 + P::logn);
  ASSERT_EQ(codec::decode_private_key<P>(f2, g2, F2, sk), Status::ok);
  EXPECT_EQ(f, f2);
  EXPECT_EQ(gg, g2);
  EXPECT_EQ(F, F2);
  sk[0] ^= 0x10;
  EXPECT_EQ(codec::decode_private_key<P>(f2, g2, F2, sk), Status::invalid_key);
  sk[0] ^= 0x10;
  f[7] = static_cast<std::int8_t>(lim + 1);  // does not fit fg_bits
  EXPECT_EQ(codec::encode_private_key<P>(sk, f, gg, F), Status::invalid_argument);
}
TEST(FalconCodec, PrivateKeyRoundTrip512) { private_key_round_trip<Falcon512>(3); }
TEST(FalconCodec, PrivateKeyRoundTrip1024) { private_key_round_trip<Falcon1024>(4); }

template <class P>
void signature_formats(unsigned seed) {
  auto g = rng_for(seed);
  std::uniform_int_distribution<int> d(-150, 150);
  std::array<std::int16_t, P::n> s2{}, back{};
  for (auto& v : s2) v = static_cast<std::int16_t>(d(g));
  std::array<std::uint8_t, kNonceBytes> nonce{};
  for (std::size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<std::uint8_t>(i * 7);
  std::vector<std::uint8_t> sig(P::sig_max_bytes);
  std::size_t len = 0;

  // Compressed: exact length, header, nonce in place; one more byte or one less is rejected.
  ASSERT_EQ(codec::encode_signature<P>(sig, len, nonce, s2, Format::compressed), Status::ok);
  ASSERT_LE(len, P::sig_max_bytes);
  EXPECT_EQ(sig[0], 0x30 + P::logn);
  EXPECT_TRUE(std::equal(nonce.begin(), nonce.end(), sig.begin() + 1));
  ASSERT_EQ(codec::decode_signature<P>(back, std::span<const std::uint8_t>(sig.data(), len), Format::compressed),
            Status::ok);
  EXPECT_EQ(back, s2);
  sig[len] = 0;
  EXPECT_EQ(codec::decode_signature<P>(back, std::span<const std::uint8_t>(sig.data(), len + 1), Format::compressed),
            Status::invalid_signature);
  EXPECT_EQ(codec::decode_signature<P>(back, std::span<const std::uint8_t>(sig.data(), len - 1), Format::compressed),
            Status::invalid_signature);
  sig[0] = 0x20 + P::logn;  // the NIST sm header is not a detached-signature header
  EXPECT_EQ(codec::decode_signature<P>(back, std::span<const std::uint8_t>(sig.data(), len), Format::compressed),
            Status::invalid_signature);

  // Padded: always sig_padded_bytes, zero padding, a non-zero padding byte is rejected.
  std::vector<std::uint8_t> pad(P::sig_padded_bytes);
  ASSERT_EQ(codec::encode_signature<P>(pad, len, nonce, s2, Format::padded), Status::ok);
  ASSERT_EQ(len, P::sig_padded_bytes);
  ASSERT_EQ(codec::decode_signature<P>(back, pad, Format::padded), Status::ok);
  EXPECT_EQ(back, s2);
  EXPECT_EQ(pad.back(), 0);
  pad.back() = 1;
  EXPECT_EQ(codec::decode_signature<P>(back, pad, Format::padded), Status::invalid_signature);
  pad.back() = 0;
  EXPECT_EQ(codec::decode_signature<P>(back, std::span<const std::uint8_t>(pad.data(), pad.size() - 1), Format::padded),
            Status::invalid_signature);
  // A padded signature is not a valid compressed one (trailing zero bytes) and vice versa.
  EXPECT_EQ(codec::decode_signature<P>(back, pad, Format::compressed), Status::invalid_signature);

  // A vector too large for the padded size: the encoder says so (the signer samples again).
  for (auto& v : s2) v = 1500;
  EXPECT_EQ(codec::encode_signature<P>(pad, len, nonce, s2, Format::padded), Status::buffer_too_small);
  // A too-small output buffer is a caller error.
  std::vector<std::uint8_t> tiny(P::sig_padded_bytes - 1);
  EXPECT_EQ(codec::encode_signature<P>(tiny, len, nonce, s2, Format::padded), Status::invalid_length);
}
TEST(FalconCodec, SignatureFormats512) { signature_formats<Falcon512>(5); }
TEST(FalconCodec, SignatureFormats1024) { signature_formats<Falcon1024>(6); }
