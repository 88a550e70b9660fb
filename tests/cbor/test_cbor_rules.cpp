// Every rejection rule of the strict decoder and every guard of the encoder, each its own test,
// asserting the exact reason (so a rejection for a different cause does not pass).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cbor_test_util.hpp"
#include "pqcea/cbor.hpp"

using pqcea::Status;
using pqcea::cbor::Decoder;
using pqcea::cbor::Encoder;
using pqcea::cbor::Error;
using pqcea::cbor::Item;
using pqcea::test::from_hex;
using pqcea::test::to_hex;

namespace {

// Walks the whole input with the generic API and finish(); returns the first error.
Error walk(const std::vector<std::uint8_t>& in) {
  Decoder d(in);
  Item it;
  do {
    if (d.next(it) != Status::ok) return d.error();
  } while (d.depth() > 0);
  if (d.finish() != Status::ok) return d.error();
  return Error::none;
}

Error walk_hex(const char* hex) { return walk(from_hex(hex)); }

// ---- decoder: well-formedness -------------------------------------------------------------

TEST(CborDecoder, EmptyInputIsTruncated) { EXPECT_EQ(walk({}), Error::truncated); }

TEST(CborDecoder, TruncatedArgumentRejected) {
  EXPECT_EQ(walk_hex("19 01"), Error::truncated);
  EXPECT_EQ(walk_hex("1a 00 01 00"), Error::truncated);
  EXPECT_EQ(walk_hex("1b 00 00 00 01 00 00 00"), Error::truncated);
  EXPECT_EQ(walk_hex("18"), Error::truncated);
}

TEST(CborDecoder, TruncatedContainerRejected) {
  EXPECT_EQ(walk_hex("82 81 01"), Error::truncated);  // array(2) with one element
  EXPECT_EQ(walk_hex("a1 81 01"), Error::truncated);  // map without the value
  EXPECT_EQ(walk_hex("c1"), Error::truncated);        // tag without content
  // A count larger than the bytes left is caught at the head already.
  EXPECT_EQ(walk_hex("82 01"), Error::length_exceeds_input);
  EXPECT_EQ(walk_hex("a1 01"), Error::length_exceeds_input);
}

TEST(CborDecoder, FinishWithOpenContainerIsIncomplete) {
  const auto in = from_hex("82 01 02");
  Decoder d(in);
  std::uint64_t n = 0, v = 0;
  ASSERT_EQ(d.read_array(n), Status::ok);
  ASSERT_EQ(d.read_uint(v), Status::ok);
  EXPECT_EQ(d.finish(), Status::decode_error);
  EXPECT_EQ(d.error(), Error::incomplete);
}

TEST(CborDecoder, ReservedAdditionalInfoRejected) {
  for (const char* h : {"1c", "1d", "1e", "3c", "5d", "7e", "9c", "bd", "de", "fc", "fd", "fe"}) {
    EXPECT_EQ(walk_hex(h), Error::reserved_additional_info) << h;
  }
}

// ---- decoder: deterministic-encoding rules (RFC 8949 §4.2.1) -------------------------------

TEST(CborDecoder, IndefiniteLengthsRejected) {
  EXPECT_EQ(walk_hex("5f 41 01 ff"), Error::indefinite_length);  // byte string
  EXPECT_EQ(walk_hex("7f 61 61 ff"), Error::indefinite_length);  // text string
  EXPECT_EQ(walk_hex("9f 01 ff"), Error::indefinite_length);     // array
  EXPECT_EQ(walk_hex("bf 01 02 ff"), Error::indefinite_length);  // map
  EXPECT_EQ(walk_hex("ff"), Error::indefinite_length);           // lone break
  EXPECT_EQ(walk_hex("1f"), Error::indefinite_length);           // ai 31 on an integer
  EXPECT_EQ(walk_hex("df 01"), Error::indefinite_length);        // ai 31 on a tag
}

TEST(CborDecoder, NonShortestIntegersRejected) {
  EXPECT_EQ(walk_hex("18 17"), Error::non_shortest);                    // 23 in one extra byte
  EXPECT_EQ(walk_hex("19 00 ff"), Error::non_shortest);                 // 255 in two
  EXPECT_EQ(walk_hex("1a 00 00 ff ff"), Error::non_shortest);           // 65535 in four
  EXPECT_EQ(walk_hex("1b 00 00 00 00 ff ff ff ff"), Error::non_shortest);
  EXPECT_EQ(walk_hex("38 00"), Error::non_shortest);                    // -1 in one extra byte
  EXPECT_EQ(walk_hex("18 00"), Error::non_shortest);                    // 0 in one extra byte
  // The smallest values of each width are fine.
  EXPECT_EQ(walk_hex("18 18"), Error::none);
  EXPECT_EQ(walk_hex("19 01 00"), Error::none);
  EXPECT_EQ(walk_hex("1a 00 01 00 00"), Error::none);
  EXPECT_EQ(walk_hex("1b 00 00 00 01 00 00 00 00"), Error::none);
}

TEST(CborDecoder, NonShortestLengthsCountsAndTagsRejected) {
  EXPECT_EQ(walk_hex("58 01 00"), Error::non_shortest);        // bstr length 1 in 1 extra byte
  EXPECT_EQ(walk_hex("78 01 61"), Error::non_shortest);        // tstr
  EXPECT_EQ(walk_hex("98 01 00"), Error::non_shortest);        // array count
  EXPECT_EQ(walk_hex("b8 01 00 00"), Error::non_shortest);     // map count
  EXPECT_EQ(walk_hex("d8 01 00"), Error::non_shortest);        // tag 1 in 1 extra byte
  EXPECT_EQ(walk_hex("59 00 01 00"), Error::non_shortest);
}

TEST(CborDecoder, DuplicateMapKeysRejected) {
  EXPECT_EQ(walk_hex("a2 01 01 01 02"), Error::duplicate_key);
  EXPECT_EQ(walk_hex("a2 61 61 01 61 61 02"), Error::duplicate_key);
  // Duplicate in a nested map, and duplicate array-valued keys.
  EXPECT_EQ(walk_hex("a1 01 a2 02 00 02 00"), Error::duplicate_key);
  EXPECT_EQ(walk_hex("a2 81 01 00 81 01 00"), Error::duplicate_key);
}

TEST(CborDecoder, UnsortedMapKeysRejected) {
  EXPECT_EQ(walk_hex("a2 02 00 01 00"), Error::unsorted_keys);
  EXPECT_EQ(walk_hex("a2 61 62 00 0a 00"), Error::unsorted_keys);  // text key before int key
  // Bytewise order, not the RFC 7049 length-first order: 24 (18 18) sorts before -1 (20).
  EXPECT_EQ(walk_hex("a2 20 00 18 18 00"), Error::unsorted_keys);
  EXPECT_EQ(walk_hex("a2 18 18 00 20 00"), Error::none);
  // A key that is a prefix of another sorts first.
  EXPECT_EQ(walk_hex("a2 62 61 61 00 61 61 00"), Error::unsorted_keys);
  EXPECT_EQ(walk_hex("a2 61 61 00 62 61 61 00"), Error::none);
}

TEST(CborDecoder, TrailingBytesRejected) {
  EXPECT_EQ(walk_hex("01 02"), Error::trailing_bytes);
  EXPECT_EQ(walk_hex("80 00"), Error::trailing_bytes);
  // A second next() after the single item is refused the same way.
  const auto in = from_hex("01 02");
  Decoder d(in);
  Item it;
  ASSERT_EQ(d.next(it), Status::ok);
  EXPECT_EQ(d.next(it), Status::decode_error);
  EXPECT_EQ(d.error(), Error::trailing_bytes);
}

TEST(CborDecoder, NestingDeeperThanBoundRejected) {
  std::vector<std::uint8_t> ok(pqcea::cbor::kMaxDepth, 0x81);
  ok.push_back(0x00);
  EXPECT_EQ(walk(ok), Error::none);
  std::vector<std::uint8_t> deep(pqcea::cbor::kMaxDepth + 1, 0x81);
  deep.push_back(0x00);
  EXPECT_EQ(walk(deep), Error::too_deep);
  // Tags count as nesting too (a long tag chain cannot exhaust anything).
  std::vector<std::uint8_t> tags(pqcea::cbor::kMaxDepth + 1, 0xc1);
  tags.push_back(0x00);
  EXPECT_EQ(walk(tags), Error::too_deep);
  // skip() obeys the same bound.
  Decoder d(deep);
  EXPECT_EQ(d.skip(), Status::decode_error);
  EXPECT_EQ(d.error(), Error::too_deep);
}

TEST(CborDecoder, LengthsBeyondInputRejected) {
  EXPECT_EQ(walk_hex("44 01 02"), Error::length_exceeds_input);
  EXPECT_EQ(walk_hex("5a ff ff ff ff 00"), Error::length_exceeds_input);
  EXPECT_EQ(walk_hex("5b ff ff ff ff ff ff ff ff 00"), Error::length_exceeds_input);
  EXPECT_EQ(walk_hex("7b 7f ff ff ff ff ff ff ff 00"), Error::length_exceeds_input);
  // Counts that the remaining bytes cannot possibly hold.
  EXPECT_EQ(walk_hex("9b ff ff ff ff ff ff ff ff 00"), Error::length_exceeds_input);
  EXPECT_EQ(walk_hex("bb 7f ff ff ff ff ff ff ff 00"), Error::length_exceeds_input);
  EXPECT_EQ(walk_hex("83 01 02"), Error::length_exceeds_input);
  EXPECT_EQ(walk_hex("a2 01 02 03"), Error::length_exceeds_input);
}

TEST(CborDecoder, InvalidUtf8Rejected) {
  EXPECT_EQ(walk_hex("62 c3 28"), Error::invalid_utf8);        // bad continuation
  EXPECT_EQ(walk_hex("62 c0 80"), Error::invalid_utf8);        // overlong NUL
  EXPECT_EQ(walk_hex("63 e0 80 80"), Error::invalid_utf8);     // overlong 3-byte
  EXPECT_EQ(walk_hex("63 ed a0 80"), Error::invalid_utf8);     // UTF-16 surrogate
  EXPECT_EQ(walk_hex("64 f4 90 80 80"), Error::invalid_utf8);  // above U+10FFFF
  EXPECT_EQ(walk_hex("61 80"), Error::invalid_utf8);           // lone continuation
  EXPECT_EQ(walk_hex("62 e6 b0"), Error::invalid_utf8);        // cut sequence
  EXPECT_EQ(walk_hex("64 f0 90 85 91"), Error::none);
}

TEST(CborDecoder, FloatsAndUnassignedSimpleValuesRejected) {
  EXPECT_EQ(walk_hex("f9 3c 00"), Error::float_not_supported);
  EXPECT_EQ(walk_hex("fa 3f 80 00 00"), Error::float_not_supported);
  EXPECT_EQ(walk_hex("fb 3f f0 00 00 00 00 00 00"), Error::float_not_supported);
  EXPECT_EQ(walk_hex("e0"), Error::unsupported_simple);     // simple(0)
  EXPECT_EQ(walk_hex("f3"), Error::unsupported_simple);     // simple(19)
  EXPECT_EQ(walk_hex("f8 14"), Error::unsupported_simple);  // simple(20) in two bytes: not well-formed
  EXPECT_EQ(walk_hex("f8 20"), Error::unsupported_simple);
}

TEST(CborDecoder, TypedReadsRejectUnexpectedTypesAndTags) {
  {
    const auto in = from_hex("c1 00");  // a tag where an integer is expected
    Decoder d(in);
    std::uint64_t v = 0;
    EXPECT_EQ(d.read_uint(v), Status::decode_error);
    EXPECT_EQ(d.error(), Error::unexpected_type);
  }
  {
    const auto in = from_hex("41 00");
    Decoder d(in);
    std::string_view s;
    EXPECT_EQ(d.read_text(s), Status::decode_error);
    EXPECT_EQ(d.error(), Error::unexpected_type);
  }
  {
    const auto in = from_hex("f6");  // null is not a bool
    Decoder d(in);
    bool b = false;
    EXPECT_EQ(d.read_bool(b), Status::decode_error);
    EXPECT_EQ(d.error(), Error::unexpected_type);
  }
  {
    const auto in = from_hex("1b 80 00 00 00 00 00 00 00");  // 2^63 does not fit int64
    Decoder d(in);
    std::int64_t v = 0;
    EXPECT_EQ(d.read_int(v), Status::decode_error);
    EXPECT_EQ(d.error(), Error::value_out_of_range);
  }
  {
    const auto in = from_hex("3b 7f ff ff ff ff ff ff ff");  // INT64_MIN is fine
    Decoder d(in);
    std::int64_t v = 0;
    EXPECT_EQ(d.read_int(v), Status::ok);
    EXPECT_EQ(v, INT64_MIN);
  }
}

TEST(CborDecoder, ErrorsAreSticky) {
  const auto in = from_hex("82 18 01 01");
  Decoder d(in);
  std::uint64_t n = 0, v = 0;
  ASSERT_EQ(d.read_array(n), Status::ok);
  EXPECT_EQ(d.read_uint(v), Status::decode_error);
  EXPECT_EQ(d.error(), Error::non_shortest);
  EXPECT_EQ(d.read_uint(v), Status::decode_error);
  EXPECT_EQ(d.finish(), Status::decode_error);
  EXPECT_EQ(d.error(), Error::non_shortest);
}

TEST(CborDecoder, SkipConsumesWholeItems) {
  const auto in = from_hex("83 a2 01 82 02 03 04 c1 05 61 61 07");
  Decoder d(in);
  std::uint64_t n = 0, v = 0;
  ASSERT_EQ(d.read_array(n), Status::ok);
  ASSERT_EQ(d.skip(), Status::ok);  // the map with a nested array
  ASSERT_EQ(d.skip(), Status::ok);  // the text
  ASSERT_EQ(d.read_uint(v), Status::ok);
  EXPECT_EQ(v, 7u);
  EXPECT_EQ(d.finish(), Status::ok);
}

TEST(CborDecoder, EveryPrefixOfAValidItemIsRejected) {
  const auto in = from_hex("a3 01 83 61 61 42 00 01 c1 1a 00 01 00 00 02 a1 20 f5 63 61 62 63 f6");
  ASSERT_EQ(walk(in), Error::none);
  for (std::size_t n = 0; n < in.size(); ++n) {
    std::vector<std::uint8_t> prefix(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n));
    const Error e = walk(prefix);
    EXPECT_TRUE(e == Error::truncated || e == Error::length_exceeds_input) << n << ": " << pqcea::cbor::to_string(e);
  }
}

// ---- encoder -------------------------------------------------------------------------------

TEST(CborEncoder, IntegersUseShortestForm) {
  struct {
    std::int64_t v;
    const char* hex;
  } cases[] = {{0, "00"},          {23, "17"},           {24, "1818"},         {255, "18ff"},
               {256, "190100"},    {65535, "19ffff"},    {65536, "1a00010000"}, {-1, "20"},
               {-24, "37"},        {-25, "3818"},        {-256, "38ff"},       {-257, "390100"},
               {-65537, "3a00010000"}, {INT64_MAX, "1b7fffffffffffffff"}, {INT64_MIN, "3b7fffffffffffffff"},
               {4294967295, "1affffffff"}, {4294967296, "1b0000000100000000"}};
  for (const auto& c : cases) {
    std::uint8_t buf[9];
    Encoder e(buf);
    e.add_int(c.v);
    std::size_t len = 0;
    ASSERT_EQ(e.finish(len), Status::ok);
    EXPECT_EQ(to_hex({buf, len}), c.hex) << c.v;
  }
}

TEST(CborEncoder, OverflowNeverWritesPastTheEnd) {
  auto build = [](Encoder& e) {
    e.begin_map(2);
    e.add_uint(1);
    e.add_bytes(std::vector<std::uint8_t>(30, 0xAB));
    e.add_uint(2);
    e.begin_bstr_wrapped();
    e.begin_array(2);
    e.add_text("hello");
    e.add_int(-1000);
  };
  std::vector<std::uint8_t> full(128);
  Encoder ref(full);
  build(ref);
  std::size_t need = 0;
  ASSERT_EQ(ref.finish(need), Status::ok);
  // Every smaller buffer: buffer_too_small, and the guard bytes after the span stay intact.
  // The wrapped bstr needs up to 4 bytes of slack (documented), so sizes need..need+3 may fail too.
  for (std::size_t n = 0; n < need; ++n) {
    std::vector<std::uint8_t> backing(n + 16, 0x5A);
    Encoder e(std::span<std::uint8_t>(backing.data(), n));
    build(e);
    std::size_t len = 0;
    EXPECT_EQ(e.finish(len), Status::buffer_too_small) << n;
    EXPECT_EQ(e.error(), Error::buffer_too_small);
    for (std::size_t i = n; i < backing.size(); ++i) ASSERT_EQ(backing[i], 0x5A) << "wrote past end at " << n;
  }
  std::vector<std::uint8_t> exact(need + 4);
  Encoder e(exact);
  build(e);
  std::size_t len = 0;
  ASSERT_EQ(e.finish(len), Status::ok);
  EXPECT_EQ(len, need);
  EXPECT_EQ(std::vector<std::uint8_t>(exact.begin(), exact.begin() + static_cast<std::ptrdiff_t>(len)),
            std::vector<std::uint8_t>(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(need)));
}

TEST(CborEncoder, UnsortedKeysRefused) {
  std::uint8_t buf[32];
  Encoder e(buf);
  e.begin_map(2);
  e.add_uint(2);
  e.add_uint(0);
  e.add_uint(1);
  e.add_uint(0);
  std::size_t len = 0;
  EXPECT_EQ(e.finish(len), Status::invalid_argument);
  EXPECT_EQ(e.error(), Error::unsorted_keys);
}

TEST(CborEncoder, BytewiseNotLengthFirstOrder) {
  // 256 (19 01 00) sorts before -1 (20) although its encoding is longer.
  std::uint8_t buf[32];
  Encoder e(buf);
  e.begin_map(2);
  e.add_int(256);
  e.add_uint(0);
  e.add_int(-1);
  e.add_uint(0);
  std::size_t len = 0;
  ASSERT_EQ(e.finish(len), Status::ok);
  EXPECT_EQ(to_hex({buf, len}), "a219010000" "2000");
}

TEST(CborEncoder, DuplicateKeysRefused) {
  std::uint8_t buf[32];
  Encoder e(buf);
  e.begin_map(2);
  e.add_text("k");
  e.add_uint(0);
  e.add_text("k");
  e.add_uint(1);
  std::size_t len = 0;
  EXPECT_EQ(e.finish(len), Status::invalid_argument);
  EXPECT_EQ(e.error(), Error::duplicate_key);
}

TEST(CborEncoder, DepthBoundEnforced) {
  std::uint8_t buf[64];
  Encoder e(buf);
  for (std::size_t i = 0; i <= pqcea::cbor::kMaxDepth; ++i) e.begin_array(1);
  e.add_uint(0);
  std::size_t len = 0;
  EXPECT_EQ(e.finish(len), Status::invalid_argument);
  EXPECT_EQ(e.error(), Error::too_deep);
}

TEST(CborEncoder, OpenContainerIsNotFinished) {
  std::uint8_t buf[16];
  Encoder e(buf);
  e.begin_array(2);
  e.add_uint(1);
  std::size_t len = 99;
  EXPECT_EQ(e.finish(len), Status::invalid_argument);
  EXPECT_EQ(len, 99u);
  e.add_uint(2);
  EXPECT_EQ(e.finish(len), Status::ok);
  EXPECT_EQ(to_hex({buf, len}), "820102");
}

TEST(CborEncoder, WrappedByteStringHeadIsShortest) {
  for (const std::size_t n : {std::size_t{0}, std::size_t{20}, std::size_t{21}, std::size_t{22}, std::size_t{250},
                              std::size_t{253}, std::size_t{254}, std::size_t{65533}, std::size_t{65534}}) {
    // The wrapped item is a text string of n bytes; its encoding (inner) is the bstr content.
    std::vector<std::uint8_t> content(n, 0x61);
    std::vector<std::uint8_t> buf(n + 32);
    Encoder e(buf);
    e.begin_bstr_wrapped();
    e.add_text(std::string_view(reinterpret_cast<const char*>(content.data()), content.size()));
    std::size_t len = 0;
    ASSERT_EQ(e.finish(len), Status::ok);
    const std::size_t inner = pqcea::cbor::string_size(n);
    EXPECT_EQ(len, pqcea::cbor::head_size(inner) + inner) << n;
    // The result is canonical: the strict decoder accepts it and finds the text inside.
    Decoder d({buf.data(), len});
    std::span<const std::uint8_t> b;
    ASSERT_EQ(d.read_bytes(b), Status::ok);
    ASSERT_EQ(d.finish(), Status::ok);
    Decoder in(b);
    std::string_view s;
    ASSERT_EQ(in.read_text(s), Status::ok);
    EXPECT_EQ(s.size(), n);
    EXPECT_EQ(in.finish(), Status::ok);
  }
}

TEST(CborEncoder, ErrorsAreSticky) {
  std::uint8_t buf[2];
  Encoder e(buf);
  e.add_uint(1000);  // needs 3 bytes
  EXPECT_EQ(e.status(), Status::buffer_too_small);
  e.add_uint(1);  // would fit, but the encoder has failed
  EXPECT_EQ(e.size(), 0u);
  std::size_t len = 0;
  EXPECT_EQ(e.finish(len), Status::buffer_too_small);
}

TEST(CborEncoder, InPlaceBytesReserveExactly) {
  std::uint8_t buf[40] = {};
  Encoder e(buf);
  e.begin_array(1);
  auto dst = e.add_bytes_in_place(30);
  ASSERT_EQ(dst.size(), 30u);
  for (auto& b : dst) b = 0x11;
  std::size_t len = 0;
  ASSERT_EQ(e.finish(len), Status::ok);
  EXPECT_EQ(len, 1u + 2u + 30u);
  EXPECT_EQ(buf[1], 0x58);
  EXPECT_EQ(buf[2], 30);
  Encoder small(std::span<std::uint8_t>(buf, 10));
  EXPECT_TRUE(small.add_bytes_in_place(30).empty());
  EXPECT_EQ(small.status(), Status::buffer_too_small);
}

// Regression: a byte string that completes a wrapped item must land after the move that puts
// the wrap's head in shortest form (the bytes were once copied to the pre-move position).
TEST(CborEncoder, ByteStringClosingAWrapKeepsItsContent) {
  std::vector<std::uint8_t> buf(64);
  Encoder e(buf);
  e.begin_bstr_wrapped();
  e.begin_array(2);
  e.add_uint(1);
  e.add_bytes(from_hex("00112233445566778899aabbccddeeff"));
  std::size_t len = 0;
  ASSERT_EQ(e.finish(len), Status::ok);
  EXPECT_EQ(to_hex({buf.data(), len}), "53" "82" "01" "50" "00112233445566778899aabbccddeeff");
}

TEST(CborEncoder, InPlaceBytesRefusedWhereTheyWouldCloseAWrap) {
  std::vector<std::uint8_t> buf(64);
  Encoder e(buf);
  e.begin_bstr_wrapped();
  e.begin_array(1);
  EXPECT_TRUE(e.add_bytes_in_place(4).empty());
  EXPECT_EQ(e.status(), Status::invalid_argument);
  EXPECT_EQ(e.error(), Error::bad_call);
  // Not the last item of the wrap: allowed.
  Encoder ok(buf);
  ok.begin_bstr_wrapped();
  ok.begin_array(2);
  EXPECT_EQ(ok.add_bytes_in_place(4).size(), 4u);
  EXPECT_EQ(ok.status(), Status::ok);
}

TEST(CborUtf8, ValidatorMatchesRfc3629) {
  EXPECT_TRUE(pqcea::cbor::valid_utf8(from_hex("")));
  EXPECT_TRUE(pqcea::cbor::valid_utf8(from_hex("7f c2 80 df bf e0 a0 80 ef bf bf f0 90 80 80 f4 8f bf bf")));
  EXPECT_FALSE(pqcea::cbor::valid_utf8(from_hex("c1 bf")));
  EXPECT_FALSE(pqcea::cbor::valid_utf8(from_hex("f5 80 80 80")));
  EXPECT_FALSE(pqcea::cbor::valid_utf8(from_hex("ed bf bf")));
  EXPECT_FALSE(pqcea::cbor::valid_utf8(from_hex("f0 8f bf bf")));
  EXPECT_FALSE(pqcea::cbor::valid_utf8(from_hex("e1 80 41")));
}

}  // namespace
