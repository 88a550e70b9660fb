#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <cstdio>

#include "pqcea/hash/backend.hpp"
#include "pqcea/hash/hmac.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/acvp.hpp"

using namespace pqcea;

namespace {
std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

template <typename H>
std::string digest(const std::vector<std::uint8_t>& m) {
  std::vector<std::uint8_t> out(H::digest_size);
  H::hash(out.data(), m.data(), m.size());
  return acvp::to_hex(out);
}
}  // namespace

// FIPS 180-4 / FIPS 202 example values.
TEST(Sha2, KnownAnswers) {
  auto abc = bytes("abc");
  EXPECT_EQ(digest<hash::Sha224>(abc), "23097D223405D8228642A477BDA255B32AADBCE4BDA0B3F7E36C9DA7");
  EXPECT_EQ(digest<hash::Sha256>(abc), "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  EXPECT_EQ(digest<hash::Sha384>(abc),
            "CB00753F45A35E8BB5A03D699AC65007272C32AB0EDED1631A8B605A43FF5BED8086072BA1E7CC2358BAECA134C825A7");
  EXPECT_EQ(digest<hash::Sha512_256>(abc), "53048E2681941EF99B2E29B76B4C7DABE4C2D0C634FC6D46E0E2F13107E7AF23");
  EXPECT_EQ(digest<hash::Sha512_224>(abc), "4634270F707B6A54DAAE7530460842E20E37ED265CEEE9A43E8924AA");
  auto two_block = bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
  EXPECT_EQ(digest<hash::Sha256>(two_block), "248D6A61D20638B8E5C026930C3E6039A33CE45964FF2167F6ECEDD419DB06C1");
}

TEST(Sha2, IncrementalEqualsOneShot) {
  std::vector<std::uint8_t> m(1000);
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = static_cast<std::uint8_t>(i * 7);
  for (std::size_t split : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 127u, 128u, 129u, 999u}) {
    hash::Sha256 a;
    a.update(m.data(), split);
    a.update(m.data() + split, m.size() - split);
    std::uint8_t x[32];
    a.final(x);
    EXPECT_EQ(acvp::to_hex(x), digest<hash::Sha256>(m)) << split;
    hash::Sha512 b;
    b.update(m.data(), split);
    b.update(m.data() + split, m.size() - split);
    std::uint8_t y[64];
    b.final(y);
    EXPECT_EQ(acvp::to_hex(y), digest<hash::Sha512>(m)) << split;
  }
}

TEST(Sha3, KnownAnswers) {
  auto abc = bytes("abc");
  EXPECT_EQ(digest<hash::Sha3_224>(abc), "E642824C3F8CF24AD09234EE7D3C766FC9A3A5168D0C94AD73B46FDF");
  EXPECT_EQ(digest<hash::Sha3_256>(abc), "3A985DA74FE225B2045C172D6BD390BD855F086E3E9D525B46BFE24511431532");
  EXPECT_EQ(digest<hash::Sha3_384>(abc),
            "EC01498288516FC926459F58E2C6AD8DF9B473CB0FC08C2596DA7CF0E49BE4B298D88CEA927AC7F539F1EDF228376D25");
  EXPECT_EQ(digest<hash::Sha3_256>({}), "A7FFC6F8BF1ED76651C14756A061D662F580FF4DE43B49FA82D80A4B80F8434A");
}

// Any split of absorb calls and any split of squeeze calls gives the same stream.
TEST(Shake, IncrementalAbsorbAndSqueeze) {
  std::vector<std::uint8_t> m(500);
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = static_cast<std::uint8_t>(i);
  std::vector<std::uint8_t> ref(1000);
  hash::Shake128::hash(ref.data(), ref.size(), m.data(), m.size());
  for (std::size_t step : {1u, 7u, 167u, 168u, 169u, 333u}) {
    hash::Shake128 x;
    for (std::size_t off = 0; off < m.size(); off += step) x.absorb(m.data() + off, std::min(step, m.size() - off));
    std::vector<std::uint8_t> out(ref.size());
    for (std::size_t off = 0; off < out.size(); off += step) x.squeeze(out.data() + off, std::min(step, out.size() - off));
    EXPECT_EQ(out, ref) << step;
  }
  std::uint8_t e[32];
  hash::Shake256::hash(e, 32, nullptr, 0);
  EXPECT_EQ(acvp::to_hex(e), "46B9DD2B0BA88D13233B3FEB743EEB243FCD52EA62B81B82B50C27646ED5762F");
}

// RFC 4231 test cases 1 and 6 (key longer than the block).
TEST(Hmac, Rfc4231) {
  std::vector<std::uint8_t> key(20, 0x0b);
  auto data = bytes("Hi There");
  std::uint8_t mac[64];
  hash::Hmac<hash::Sha256>::mac(mac, key.data(), key.size(), data.data(), data.size());
  EXPECT_EQ(acvp::to_hex(std::span<const std::uint8_t>(mac, 32)),
            "B0344C61D8DB38535CA8AFCEAF0BF12B881DC200C9833DA726E9376C2E32CFF7");
  hash::Hmac<hash::Sha512>::mac(mac, key.data(), key.size(), data.data(), data.size());
  EXPECT_EQ(acvp::to_hex(mac),
            "87AA7CDEA5EF619D4FF0B4241A1D6CB02379F4E2CE4EC2787AD0B30545E17CDEDAA833B7D6B8A702038B274EAEA3F4E4BE9D914EEB6"
            "1F1702E696C203A126854");
  std::vector<std::uint8_t> long_key(131, 0xaa);
  auto msg = bytes("Test Using Larger Than Block-Size Key - Hash Key First");
  hash::Hmac<hash::Sha256>::mac(mac, long_key.data(), long_key.size(), msg.data(), msg.size());
  EXPECT_EQ(acvp::to_hex(std::span<const std::uint8_t>(mac, 32)),
            "60E431591EE0B67F0D8A26AACBF5B77F8E0BC6213728C5140546040F0EE37F54");
}

// The native SHA-256 backend (SHA-NI where the CPU has it) against the portable one, on every
// length around the block boundaries and on random data; then the known answers on both paths.
TEST(Sha2, NativeBackendMatchesPortable) {
  std::vector<std::uint8_t> m(1100);
  std::uint32_t x = 12345;
  for (auto& b : m) {
    x = x * 1103515245u + 12345u;
    b = static_cast<std::uint8_t>(x >> 16);
  }
  for (std::size_t len = 0; len < m.size(); len += (len < 200 ? 1 : 37)) {
    std::vector<std::uint8_t> in(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(len));
    hash::set_native_backends(true);
    const std::string native = digest<hash::Sha256>(in);
    hash::set_native_backends(false);
    ASSERT_STREQ(hash::sha256_backend(), "portable");
    EXPECT_EQ(native, digest<hash::Sha256>(in)) << len;
  }
  hash::set_native_backends(true);
  std::printf("SHA-256 backend in use: %s\n", hash::sha256_backend());
}

TEST(Sha2, KnownAnswersOnPortablePath) {
  hash::set_native_backends(false);
  EXPECT_EQ(digest<hash::Sha256>(bytes("abc")), "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  hash::set_native_backends(true);
  EXPECT_EQ(digest<hash::Sha256>(bytes("abc")), "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
}
