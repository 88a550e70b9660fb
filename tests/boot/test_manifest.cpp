// Manifest encoding and the strict parser: the layout of Table 1 (docs/secure-boot.md), every bound
// at and just past its edge, every rejection, and the order in which rules are reported.
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "pqcea/boot/manifest.hpp"

namespace pqcea::boot {
namespace {

Manifest sample() {
  Manifest m;
  m.payload_size = 0x12345;
  m.load_address = 0x10300000;
  m.version = {1, 2, 0x0304, 0x05060708};
  m.security_counter = 7;
  m.digest_alg = kDigestSha3_256;
  for (std::size_t i = 0; i < kDigestSize; ++i) m.digest[i] = static_cast<std::uint8_t>(0xA0 + i);
  for (std::size_t i = 0; i < kKeyIdSize; ++i) m.key_id[i] = static_cast<std::uint8_t>(0x40 + i);
  return m;
}

std::array<std::uint8_t, kManifestSize> encoded(const Manifest& m) {
  std::array<std::uint8_t, kManifestSize> b{};
  EXPECT_EQ(encode_manifest(m, b), Status::ok);
  return b;
}

ManifestError parse_error(std::span<const std::uint8_t> b) {
  Manifest out;
  ManifestError e = ManifestError::none;
  const Status s = parse_manifest(b, out, &e);
  EXPECT_EQ(s == Status::ok, e == ManifestError::none);
  return e;
}

void put32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
}

TEST(Manifest, LayoutMatchesTable1) {
  const auto b = encoded(sample());
  EXPECT_EQ(std::memcmp(b.data(), "PQFW", 4), 0);
  EXPECT_EQ(b[4], 1);  // format version 1, little-endian
  EXPECT_EQ(b[5], 0);
  EXPECT_EQ(b[6], 128);  // manifest size
  EXPECT_EQ(b[7], 0);
  for (int i = 8; i < 12; ++i) EXPECT_EQ(b[i], 0) << "flags";
  EXPECT_EQ(b[12], 0x45);  // payload size 0x12345
  EXPECT_EQ(b[13], 0x23);
  EXPECT_EQ(b[14], 0x01);
  EXPECT_EQ(b[15], 0x00);
  EXPECT_EQ(b[19], 0x10);  // load address 0x10300000
  EXPECT_EQ(b[18], 0x30);
  EXPECT_EQ(b[20], 1);  // major
  EXPECT_EQ(b[21], 2);  // minor
  EXPECT_EQ(b[22], 0x04);
  EXPECT_EQ(b[23], 0x03);
  EXPECT_EQ(b[24], 0x08);
  EXPECT_EQ(b[27], 0x05);
  EXPECT_EQ(b[28], 7);   // security counter
  EXPECT_EQ(b[32], 10);  // SHA3-256
  EXPECT_EQ(b[34], 0xCE);  // -50 as int16 LE
  EXPECT_EQ(b[35], 0xFF);
  EXPECT_EQ(b[36], 0xA0);  // digest
  EXPECT_EQ(b[67], 0xA0 + 31);
  EXPECT_EQ(b[68], 0x40);  // key id
  EXPECT_EQ(b[99], 0x40 + 31);
  for (std::size_t i = 100; i < 128; ++i) EXPECT_EQ(b[i], 0) << "reserved " << i;
}

TEST(Manifest, RoundTrip) {
  const Manifest m = sample();
  const auto b = encoded(m);
  Manifest out;
  ASSERT_EQ(parse_manifest(b, out), Status::ok);
  EXPECT_EQ(out.payload_size, m.payload_size);
  EXPECT_EQ(out.load_address, m.load_address);
  EXPECT_EQ(compare(out.version, m.version), 0);
  EXPECT_EQ(out.security_counter, m.security_counter);
  EXPECT_EQ(out.digest_alg, m.digest_alg);
  EXPECT_EQ(out.digest, m.digest);
  EXPECT_EQ(out.key_id, m.key_id);
}

TEST(Manifest, ParserIgnoresBytesAfterTheManifestButNeedsAllOfIt) {
  const auto b = encoded(sample());
  std::array<std::uint8_t, kManifestSize + 5> longer{};
  std::memcpy(longer.data(), b.data(), b.size());
  EXPECT_EQ(parse_error(longer), ManifestError::none);
  EXPECT_EQ(parse_error(std::span<const std::uint8_t>(b.data(), kManifestSize - 1)), ManifestError::truncated);
  EXPECT_EQ(parse_error({}), ManifestError::truncated);
}

TEST(Manifest, RejectsMagicVersionSizeFlags) {
  auto b = encoded(sample());
  for (std::size_t i = 0; i < 4; ++i) {
    auto c = b;
    c[i] ^= 0x01;
    EXPECT_EQ(parse_error(c), ManifestError::bad_magic) << i;
  }
  std::array<std::uint8_t, kManifestSize> erased;
  erased.fill(0xFF);
  EXPECT_EQ(parse_error(erased), ManifestError::bad_magic);
  erased.fill(0x00);
  EXPECT_EQ(parse_error(erased), ManifestError::bad_magic);
  // Format 2 exists since SLH-DSA and HSS images (its rules: Manifest2.*); 3 and up do not.
  for (int v : {0, 3, 0x100, 0x102, 0xFFFF}) {
    auto c = b;
    put16(c.data() + offset::format_version, static_cast<std::uint16_t>(v));
    EXPECT_EQ(parse_error(c), ManifestError::bad_format_version) << v;
  }
  for (int v : {0, 127, 129, 256}) {
    auto c = b;
    put16(c.data() + offset::manifest_size, static_cast<std::uint16_t>(v));
    EXPECT_EQ(parse_error(c), ManifestError::bad_manifest_size) << v;
  }
  for (int bit = 0; bit < 32; ++bit) {
    auto c = b;
    put32(c.data() + offset::flags, 1u << bit);
    EXPECT_EQ(parse_error(c), ManifestError::bad_flags) << bit;
  }
}

TEST(Manifest, PayloadSizeBounds) {
  auto b = encoded(sample());
  struct Case {
    std::uint32_t size;
    ManifestError want;
  };
  for (const Case& k : {Case{0, ManifestError::payload_size_out_of_bounds},
                        Case{kMinPayloadSize - 1, ManifestError::payload_size_out_of_bounds},
                        Case{kMinPayloadSize, ManifestError::none}, Case{kMaxPayloadSize, ManifestError::none},
                        Case{kMaxPayloadSize + 1, ManifestError::payload_size_out_of_bounds},
                        Case{0xFFFFFFFFu, ManifestError::payload_size_out_of_bounds}}) {
    auto c = b;
    put32(c.data() + offset::payload_size, k.size);
    EXPECT_EQ(parse_error(c), k.want) << k.size;
  }
}

TEST(Manifest, LoadAddressBounds) {
  auto b = encoded(sample());
  for (std::uint32_t a : {0x10300001u, 0x10300004u, 0x10300080u, 0x103000FFu}) {
    auto c = b;
    put32(c.data() + offset::load_address, a);
    EXPECT_EQ(parse_error(c), ManifestError::load_address_misaligned) << std::hex << a;
  }
  for (std::uint32_t a : {0u, 0x100u, 0x10300100u}) {
    auto c = b;
    put32(c.data() + offset::load_address, a);
    EXPECT_EQ(parse_error(c), ManifestError::none) << std::hex << a;
  }
  // The payload must end at or below 2^32.
  auto c = b;
  put32(c.data() + offset::payload_size, 0x100);
  put32(c.data() + offset::load_address, 0xFFFFFF00u);
  EXPECT_EQ(parse_error(c), ManifestError::none);
  put32(c.data() + offset::payload_size, 0x101);
  EXPECT_EQ(parse_error(c), ManifestError::load_address_wraps);
}

TEST(Manifest, SecurityCounterBounds) {
  auto b = encoded(sample());
  for (std::uint32_t v : {0u, 1u, kMaxSecurityCounter}) {
    auto c = b;
    put32(c.data() + offset::security_counter, v);
    EXPECT_EQ(parse_error(c), ManifestError::none) << v;
  }
  for (std::uint32_t v : {kMaxSecurityCounter + 1, 0xFFFFFFFFu}) {
    auto c = b;
    put32(c.data() + offset::security_counter, v);
    EXPECT_EQ(parse_error(c), ManifestError::security_counter_out_of_bounds) << v;
  }
}

TEST(Manifest, AlgorithmIds) {
  auto b = encoded(sample());
  for (int v : {0, 2, 7, 8, 9, 11, 12, 0xFFFF}) {
    auto c = b;
    put16(c.data() + offset::digest_alg, static_cast<std::uint16_t>(v));
    EXPECT_EQ(parse_error(c), ManifestError::bad_digest_alg) << v;
  }
  for (std::uint16_t v : {kDigestSha256, kDigestSha3_256}) {
    auto c = b;
    put16(c.data() + offset::digest_alg, v);
    EXPECT_EQ(parse_error(c), ManifestError::none) << v;
  }
  // ML-DSA-44 / -65 (COSE -48 / -49), 0 and +50 are not ML-DSA-87.
  for (int v : {-48, -49, -51, 0, 50}) {
    auto c = b;
    put16(c.data() + offset::sig_alg, static_cast<std::uint16_t>(static_cast<std::int16_t>(v)));
    EXPECT_EQ(parse_error(c), ManifestError::bad_sig_alg) << v;
  }
}

TEST(Manifest, EveryReservedByteMustBeZero) {
  const auto b = encoded(sample());
  for (std::size_t i = offset::reserved; i < kManifestSize; ++i) {
    for (int v : {0x01, 0x80, 0xFF}) {
      auto c = b;
      c[i] = static_cast<std::uint8_t>(v);
      EXPECT_EQ(parse_error(c), ManifestError::reserved_not_zero) << i;
    }
  }
}

TEST(Manifest, FirstBrokenRuleIsReported) {
  auto c = encoded(sample());
  put16(c.data() + offset::format_version, 3);
  put32(c.data() + offset::payload_size, 0);
  c[120] = 1;
  EXPECT_EQ(parse_error(c), ManifestError::bad_format_version);
  put16(c.data() + offset::format_version, 1);
  EXPECT_EQ(parse_error(c), ManifestError::payload_size_out_of_bounds);
  put32(c.data() + offset::payload_size, 64);
  EXPECT_EQ(parse_error(c), ManifestError::reserved_not_zero);
}

TEST(Manifest, OutputUntouchedOnFailure) {
  auto c = encoded(sample());
  c[offset::reserved] = 1;
  Manifest out;
  out.payload_size = 4242;
  EXPECT_EQ(parse_manifest(c, out), Status::decode_error);
  EXPECT_EQ(out.payload_size, 4242u);
}

TEST(Manifest, EncoderRefusesOutOfBoundFields) {
  std::array<std::uint8_t, kManifestSize> b{};
  ManifestError e;
  Manifest m = sample();
  m.payload_size = 0;
  EXPECT_EQ(encode_manifest(m, b, &e), Status::invalid_argument);
  EXPECT_EQ(e, ManifestError::payload_size_out_of_bounds);
  m = sample();
  m.load_address = 0x10300010;
  EXPECT_EQ(encode_manifest(m, b, &e), Status::invalid_argument);
  EXPECT_EQ(e, ManifestError::load_address_misaligned);
  m = sample();
  m.security_counter = kMaxSecurityCounter + 1;
  EXPECT_EQ(encode_manifest(m, b, &e), Status::invalid_argument);
  EXPECT_EQ(e, ManifestError::security_counter_out_of_bounds);
  m = sample();
  m.digest_alg = 7;
  EXPECT_EQ(encode_manifest(m, b, &e), Status::invalid_argument);
  EXPECT_EQ(e, ManifestError::bad_digest_alg);
}

TEST(Manifest, ImageGeometry) {
  Manifest m = sample();
  m.payload_size = 1000;
  EXPECT_EQ(image_size(m), 128u + 1000 + 2592 + 4627 + 8);
  EXPECT_EQ(public_key_offset(m), 1128u);
  EXPECT_EQ(signature_offset(m), 1128u + 2592);
  EXPECT_EQ(end_marker_offset(m), 1128u + 2592 + 4627);
}

TEST(Manifest, VersionOrder) {
  EXPECT_LT(compare({1, 2, 3, 4}, {1, 2, 3, 5}), 0);
  EXPECT_LT(compare({1, 2, 3, 9}, {1, 2, 4, 0}), 0);
  EXPECT_LT(compare({1, 9, 9, 9}, {2, 0, 0, 0}), 0);
  EXPECT_GT(compare({1, 10, 0, 0}, {1, 9, 0xFFFF, 0}), 0);
  EXPECT_EQ(compare({3, 4, 5, 6}, {3, 4, 5, 6}), 0);
}

TEST(Manifest, DigestAlgorithmsMatchKnownAnswers) {
  const std::uint8_t abc[3] = {'a', 'b', 'c'};
  std::array<std::uint8_t, kDigestSize> d;
  ASSERT_EQ(payload_digest(kDigestSha256, abc, d), Status::ok);
  EXPECT_EQ(d[0], 0xba);  // FIPS 180-4 example: ba7816bf...
  EXPECT_EQ(d[31], 0xad);
  ASSERT_EQ(payload_digest(kDigestSha3_256, abc, d), Status::ok);
  EXPECT_EQ(d[0], 0x3a);  // FIPS 202 example: 3a985da7...
  EXPECT_EQ(d[31], 0x32);
  EXPECT_EQ(payload_digest(7, abc, d), Status::unsupported);
}

}  // namespace
}  // namespace pqcea::boot
