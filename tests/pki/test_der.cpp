// DER encoder: exact encodings from X.690 rules; decoder: round trips and every rejection rule.
#include <gtest/gtest.h>

#include <limits>

#include "pki_test_util.hpp"
#include "pqcea/host/der.hpp"

using namespace pqcea;
using pkitest::Bytes;
using pkitest::hex;

namespace {

der::Element one(const Bytes& b) { return der::parse_single(b, "test"); }

// Expects `f` to throw der::Error whose message contains `fragment`.
template <class F>
void expect_der_error(F f, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one containing \"" << fragment << "\"";
  } catch (const der::Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)
        << "message \"" << e.what() << "\" lacks \"" << fragment << "\"";
  }
}

}  // namespace

// ---- encoder: exact bytes ---------------------------------------------------------------------

TEST(DerEncode, IntegerMinimalTwosComplement) {
  EXPECT_EQ(der::integer(0), hex("020100"));
  EXPECT_EQ(der::integer(127), hex("02017F"));
  EXPECT_EQ(der::integer(128), hex("02020080"));
  EXPECT_EQ(der::integer(256), hex("02020100"));
  EXPECT_EQ(der::integer(-1), hex("0201FF"));
  EXPECT_EQ(der::integer(-128), hex("020180"));
  EXPECT_EQ(der::integer(-129), hex("0202FF7F"));
  EXPECT_EQ(der::integer(std::numeric_limits<std::int64_t>::max()), hex("02087FFFFFFFFFFFFFFF"));
  EXPECT_EQ(der::integer(std::numeric_limits<std::int64_t>::min()), hex("02088000000000000000"));
  EXPECT_EQ(der::integer_unsigned(hex("000080")), hex("02020080"));
  EXPECT_EQ(der::integer_unsigned(hex("0000")), hex("020100"));
  EXPECT_EQ(der::integer_unsigned(hex("7F01")), hex("02027F01"));
}

TEST(DerEncode, IntegerRoundTrip) {
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{127},
                         std::int64_t{128}, std::int64_t{-128}, std::int64_t{-129},
                         std::int64_t{65535}, std::int64_t{-65536}, std::int64_t{1} << 40,
                         std::numeric_limits<std::int64_t>::max(),
                         std::numeric_limits<std::int64_t>::min()}) {
    EXPECT_EQ(der::decode_int64(one(der::integer(v))), v) << v;
  }
  EXPECT_EQ(der::decode_unsigned_integer(one(hex("02020080"))), hex("80"));
}

TEST(DerEncode, Lengths) {
  EXPECT_EQ(der::octet_string(Bytes(127, 0)).size(), 2u + 127);
  Bytes b = der::octet_string(Bytes(128, 0));
  EXPECT_EQ(Bytes(b.begin(), b.begin() + 3), hex("048180"));
  b = der::octet_string(Bytes(256, 0));
  EXPECT_EQ(Bytes(b.begin(), b.begin() + 4), hex("04820100"));
  b = der::octet_string(Bytes(70000, 0));
  EXPECT_EQ(Bytes(b.begin(), b.begin() + 5), hex("0483011170"));
  EXPECT_EQ(der::decode_octet_string(one(b)).size(), 70000u);
}

TEST(DerEncode, ObjectIdentifiers) {
  EXPECT_EQ(der::oid("1.2.840.113549"), hex("06062A864886F70D"));
  EXPECT_EQ(der::oid("2.16.840.1.101.3.4.3.19"), hex("0609608648016503040313"));
  EXPECT_EQ(der::oid("2.5.29.19"), hex("0603551D13"));
  EXPECT_EQ(der::oid("2.999.3"), hex("0603883703"));
  EXPECT_EQ(der::oid("0.0"), hex("060100"));
  for (const char* o : {"2.16.840.1.101.3.4.3.17", "1.3.6.1.4.1.99999.1", "2.999.3", "0.39",
                        "1.2.18446744073709551", "2.5.4.3"}) {
    EXPECT_EQ(der::decode_oid(one(der::oid(o))), o);
  }
  for (const char* bad : {"1", "3.1", "1.40", "1..2", "1.02", "1.2.", "", "a.b", "1.2.x"}) {
    EXPECT_THROW(der::oid(bad), der::Error) << bad;
  }
}

TEST(DerEncode, BitStrings) {
  EXPECT_EQ(der::bit_string(hex("0102")), hex("0303000102"));
  EXPECT_EQ(der::bit_string({}), hex("030100"));
  EXPECT_EQ(der::bit_string(hex("A0"), 5), hex("030205A0"));
  EXPECT_THROW(der::bit_string(hex("A1"), 5), der::Error);  // padding bit set
  EXPECT_THROW(der::bit_string(hex("00"), 8), der::Error);
  EXPECT_THROW(der::bit_string({}, 1), der::Error);
  // NamedBitList (X.690 §11.2.2): trailing zeros removed. keyCertSign(5) | cRLSign(6):
  EXPECT_EQ(der::named_bit_string((1u << 5) | (1u << 6)), hex("03020106"));
  EXPECT_EQ(der::named_bit_string(1u << 0), hex("03020780"));   // digitalSignature
  EXPECT_EQ(der::named_bit_string(1u << 8), hex("0303070080")); // decipherOnly
  EXPECT_EQ(der::named_bit_string(0), hex("030100"));
  for (std::uint32_t v : {1u, 0x60u, 0x1FFu, 0x100u, 0x21u}) {
    EXPECT_EQ(der::decode_named_bit_string(one(der::named_bit_string(v)), 9), v);
  }
  auto bs = der::decode_bit_string(one(hex("030205A0")));
  EXPECT_EQ(bs.unused_bits, 5u);
  EXPECT_EQ(bs.bytes, hex("A0"));
}

TEST(DerEncode, BooleanNullOctets) {
  EXPECT_EQ(der::boolean(true), hex("0101FF"));
  EXPECT_EQ(der::boolean(false), hex("010100"));
  EXPECT_EQ(der::null(), hex("0500"));
  EXPECT_TRUE(der::decode_boolean(one(hex("0101FF"))));
  EXPECT_FALSE(der::decode_boolean(one(hex("010100"))));
  EXPECT_NO_THROW(der::decode_null(one(hex("0500"))));
  EXPECT_EQ(der::octet_string(hex("DEAD")), hex("0402DEAD"));
}

TEST(DerEncode, Strings) {
  EXPECT_EQ(der::printable_string("Ab1 '()+,-./:=?"), [] {
    Bytes b = hex("130F");
    std::string s = "Ab1 '()+,-./:=?";
    b.insert(b.end(), s.begin(), s.end());
    return b;
  }());
  EXPECT_THROW(der::printable_string("a@b"), der::Error);
  EXPECT_THROW(der::printable_string("a*b"), der::Error);
  EXPECT_THROW(der::printable_string("a_b"), der::Error);
  EXPECT_EQ(der::utf8_string("\xC3\xA9"), hex("0C02C3A9"));
  EXPECT_THROW(der::utf8_string("\xC0\x80"), der::Error);          // overlong NUL
  EXPECT_THROW(der::utf8_string("\xED\xA0\x80"), der::Error);      // surrogate
  EXPECT_THROW(der::utf8_string("\xF4\x90\x80\x80"), der::Error);  // above U+10FFFF
  EXPECT_THROW(der::utf8_string("\xE2\x82"), der::Error);          // truncated
  EXPECT_THROW(der::ia5_string("\x80"), der::Error);
  EXPECT_EQ(der::decode_string(one(der::utf8_string("Grid \xE2\x9A\xA1"))), "Grid \xE2\x9A\xA1");
  EXPECT_EQ(der::decode_string(one(der::ia5_string("urn:x"))), "urn:x");
  EXPECT_EQ(der::decode_string(one(der::printable_string("DE"))), "DE");
  expect_der_error([] { der::decode_string(one(hex("13024140"))); }, "PrintableString");
  expect_der_error([] { der::decode_string(one(hex("0C02C080"))); }, "UTF-8");
  expect_der_error([] { der::decode_string(one(hex("160180"))); }, "IA5String");
  expect_der_error([] { der::decode_string(one(hex("0401AA"))); }, "expected UTF8String");
}

TEST(DerEncode, TimesFollowRfc5280) {
  using pkitest::at;
  auto text = [](const Bytes& b) { return std::string(b.begin() + 2, b.end()); };
  Bytes u = der::x509_time(at(2025, 1, 2, 3, 4, 5));
  EXPECT_EQ(u[0], der::tag::kUtcTime);
  EXPECT_EQ(text(u), "250102030405Z");
  Bytes g = der::x509_time(at(2050, 1, 1));
  EXPECT_EQ(g[0], der::tag::kGeneralizedTime);
  EXPECT_EQ(text(g), "20500101000000Z");
  EXPECT_EQ(der::x509_time(at(2049, 12, 31, 23, 59, 59))[0], der::tag::kUtcTime);
  EXPECT_EQ(der::x509_time(at(1949, 12, 31))[0], der::tag::kGeneralizedTime);
  EXPECT_EQ(text(der::x509_time(at(9999, 12, 31, 23, 59, 59))), "99991231235959Z");
  EXPECT_THROW(der::utc_time(at(2050, 1, 1)), der::Error);
  // Round trips, and the UTCTime century rule (YY >= 50 is 19YY).
  for (der::Time t : {at(1970, 1, 1), at(2000, 2, 29, 12), at(2049, 12, 31, 23, 59, 59),
                      at(2050, 1, 1), at(2100, 3, 1), at(1950, 1, 1)}) {
    EXPECT_EQ(der::decode_time(one(der::x509_time(t))), t) << der::format_time(t);
    EXPECT_EQ(der::decode_time(one(der::generalized_time(t))), t);
  }
  EXPECT_EQ(der::decode_time(one(der::tlv(der::tag::kUtcTime, hex("3530303130313030303030305A")))),
            at(1950, 1, 1));
  EXPECT_EQ(der::format_time(at(2025, 6, 7, 8, 9, 10)), "2025-06-07T08:09:10Z");
  EXPECT_EQ(at(1970, 1, 1), 0);
  EXPECT_EQ(at(2000, 3, 1), 951868800);
}

TEST(DerDecode, TimeRejections) {
  // Each returns the decoded time (the encoding must outlive the Element that views it).
  auto decode = [](std::uint8_t t, const std::string& s) {
    Bytes enc = der::tlv(t, Bytes(s.begin(), s.end()));
    return der::decode_time(one(enc));
  };
  auto utc = [&](const std::string& s) { return decode(der::tag::kUtcTime, s); };
  auto gen = [&](const std::string& s) { return decode(der::tag::kGeneralizedTime, s); };
  expect_der_error([&] { utc("2501020304Z"); }, "YYMMDDHHMMSSZ");  // no seconds
  expect_der_error([&] { utc("250102030405"); }, "YYMMDDHHMMSSZ");  // no Z
  expect_der_error([&] { utc("250102030405+0100"); }, "YYMMDDHHMMSSZ");
  expect_der_error([&] { utc("251302030405Z"); }, "invalid date");
  expect_der_error([&] { utc("250230030405Z"); }, "invalid date");
  expect_der_error([&] { utc("250102240000Z"); }, "invalid time");
  expect_der_error([&] { utc("250102030460Z"); }, "invalid time");
  expect_der_error([&] { utc("25010203040AZ"); }, "non-digit");
  expect_der_error([&] { gen("20500101000000.5Z"); }, "YYYYMMDDHHMMSSZ");
  expect_der_error([&] { gen("205001010000Z"); }, "YYYYMMDDHHMMSSZ");
  expect_der_error([&] { gen("20500101000000"); }, "YYYYMMDDHHMMSSZ");
  expect_der_error([&] { der::decode_time(one(hex("0401AA"))); }, "expected UTCTime");
  EXPECT_EQ(gen("20240229235959Z"), pkitest::at(2024, 2, 29, 23, 59, 59));
  expect_der_error([&] { gen("20230229000000Z"); }, "invalid date");
}

TEST(DerEncode, ConstructedAndTags) {
  EXPECT_EQ(der::sequence({der::integer(1), der::boolean(true)}), hex("30060201010101FF"));
  EXPECT_EQ(der::sequence(std::vector<Bytes>{}), hex("3000"));
  // SET OF sorted by encoding (X.690 §11.6).
  EXPECT_EQ(der::set_of({der::integer(5), der::integer(1), der::integer(256)}),
            hex("310A02010102010502020100"));
  EXPECT_EQ(der::set_of({hex("0401FF"), hex("040100"), hex("04")}), hex("3107040401000401FF"));
  EXPECT_EQ(der::explicit_tag(0, der::integer(2)), hex("A003020102"));
  EXPECT_EQ(der::implicit_tag(0, der::octet_string(hex("AB"))), hex("8001AB"));
  EXPECT_EQ(der::implicit_tag(1, der::sequence({der::integer(0)})), hex("A103020100"));
  EXPECT_EQ(der::implicit_tag(6, der::ia5_string("u")), hex("860175"));
  EXPECT_THROW(der::explicit_tag(31, der::null()), der::Error);
}

TEST(DerDecode, ReaderWalksAndMatchesTags) {
  Bytes b = der::sequence({der::integer(7), der::oid("2.5.4.3"), der::explicit_tag(3, der::null())});
  der::Element top = one(b);
  EXPECT_EQ(top.encoding.size(), b.size());
  der::Reader r = der::contents(top, der::tag::kSequence, "top");
  EXPECT_EQ(der::decode_int64(r.next(der::tag::kInteger, "n")), 7);
  EXPECT_FALSE(r.next_if(der::tag::kBoolean).has_value());
  EXPECT_EQ(der::decode_oid(r.next(der::tag::kOid, "type")), "2.5.4.3");
  der::Reader inner = r.enter(der::tag::context(3, true), "ext");
  der::decode_null(inner.next(der::tag::kNull, "null"));
  inner.finish("ext");
  r.finish("top");
  EXPECT_TRUE(r.empty());
  expect_der_error([&] { der::Reader x(b); x.next(der::tag::kSet, "field"); }, "expected SET, got SEQUENCE");
  expect_der_error([&] { der::Reader x(der::ByteView{}); x.next(der::tag::kSet, "field"); }, "missing");
  expect_der_error([&] { der::contents(one(hex("0500")), der::tag::kNull, "x"); }, "constructed");
}

// ---- decoder rejections (X.690 §10, §11) ---------------------------------------------------

TEST(DerDecode, RejectsIndefiniteLength) {
  expect_der_error([] { one(hex("3080020101 0000")); }, "indefinite");
  expect_der_error([] { one(hex("0000")); }, "end-of-contents");
}

TEST(DerDecode, RejectsNonMinimalLengths) {
  expect_der_error([] { one(hex("04810501020304 05")); }, "minimal");         // long form for 5
  Bytes long127 = hex("04817F");
  long127.resize(long127.size() + 0x7F);
  expect_der_error([&] { one(long127); }, "minimal");  // long form for 127
  Bytes lead = hex("04820090");
  lead.resize(lead.size() + 0x90);
  expect_der_error([&] { one(lead); }, "leading zero");
  Bytes ok = hex("048180");
  ok.resize(ok.size() + 0x80);
  EXPECT_NO_THROW(one(ok));
}

TEST(DerDecode, RejectsLengthsBeyondTheBuffer) {
  expect_der_error([] { one(hex("04050102")); }, "exceeds");
  expect_der_error([] { one(hex("0482FF")); }, "truncated length");
  expect_der_error([] { one(hex("04")); }, "truncated");
  expect_der_error([] { one(hex("0485 0100000000")); }, "more than 4");
  expect_der_error([] { one(hex("04FF")); }, "reserved");
  expect_der_error([] { one(hex("")); }, "end of data");
  // Inner element longer than its parent: caught when the parent's contents are read.
  expect_der_error([] { der::check_tree(hex("3003 0405AA")); }, "exceeds");
  expect_der_error([] { der::check_tree(hex("3004 0403AABB")); }, "exceeds");
  expect_der_error([] { der::check_tree(hex("3003 020105 00")); }, "trailing");
}

TEST(DerDecode, RejectsTrailingBytes) {
  expect_der_error([] { one(hex("050000")); }, "trailing");
  expect_der_error([] { der::check_tree(hex("3000 3000")); }, "trailing");
  Bytes b = der::sequence({der::integer(1)});
  der::Reader r = der::contents(one(b), der::tag::kSequence, "s");
  expect_der_error([&] { r.finish("s"); }, "trailing");
}

TEST(DerDecode, BoundsNestingDepth) {
  Bytes inner = der::null();
  for (int i = 0; i < 10; ++i) inner = der::sequence({inner});
  EXPECT_NO_THROW(der::check_tree(inner));
  for (int i = 0; i < 30; ++i) inner = der::sequence({inner});
  expect_der_error([&] { der::check_tree(inner); }, "nesting deeper");
  EXPECT_NO_THROW(der::check_tree(inner, 64));
  // Reader::enter enforces the same bound.
  der::Reader walk(inner);
  expect_der_error([&] {
    for (;;) {
      der::Element x = walk.next();
      walk = walk.enter(x, "level");
    }
  }, "nesting deeper");
}

TEST(DerDecode, RejectsWrongFormsAndTags) {
  expect_der_error([] { der::check_tree(hex("2403 040100")); }, "primitive/constructed");  // constructed OCTET STRING
  expect_der_error([] { der::check_tree(hex("1000")); }, "primitive/constructed");         // primitive SEQUENCE
  expect_der_error([] { der::check_tree(hex("2303 030100")); }, "primitive/constructed");  // constructed BIT STRING
  expect_der_error([] { one(hex("1F8100 00")); }, "high-tag-number");
  EXPECT_NO_THROW(der::check_tree(der::sequence({der::set_of({der::integer(1)}), der::explicit_tag(0, der::null())})));
}

TEST(DerDecode, RejectsNonMinimalIntegers) {
  expect_der_error([] { der::decode_integer(one(hex("02020001"))); }, "minimal");
  expect_der_error([] { der::decode_integer(one(hex("0202FF80"))); }, "minimal");
  expect_der_error([] { der::decode_integer(one(hex("0200"))); }, "empty");
  expect_der_error([] { der::decode_int64(one(hex("0209010000000000000000"))); }, "64 bits");
  expect_der_error([] { der::decode_unsigned_integer(one(hex("0201FF"))); }, "negative");
  EXPECT_EQ(der::decode_int64(one(hex("0202FF7F"))), -129);
  expect_der_error([] { der::decode_integer(one(hex("0101FF"))); }, "expected INTEGER");
}

TEST(DerDecode, BooleanOnlyZeroOrFF) {
  expect_der_error([] { der::decode_boolean(one(hex("010101"))); }, "0x00 or 0xFF");
  expect_der_error([] { der::decode_boolean(one(hex("01017F"))); }, "0x00 or 0xFF");
  expect_der_error([] { der::decode_boolean(one(hex("0102FFFF"))); }, "length");
  expect_der_error([] { der::decode_boolean(one(hex("0100"))); }, "length");
  expect_der_error([] { der::decode_null(one(hex("050100"))); }, "length");
}

TEST(DerDecode, RejectsMalformedBitStrings) {
  expect_der_error([] { der::decode_bit_string(one(hex("0300"))); }, "empty");
  expect_der_error([] { der::decode_bit_string(one(hex("030208FF"))); }, "more than 7");
  expect_der_error([] { der::decode_bit_string(one(hex("030103"))); }, "empty string");
  expect_der_error([] { der::decode_bit_string(one(hex("03020107"))); }, "not zero");
  expect_der_error([] { der::decode_octet_aligned_bit_string(one(hex("03020180"))); }, "whole octets");
  // NamedBitList with a trailing zero bit: bits 5 only, but encoded with unused=1 (bit 6 zero).
  expect_der_error([] { der::decode_named_bit_string(one(hex("03020104")), 9); }, "trailing zero");
  expect_der_error([] { der::decode_named_bit_string(one(hex("0303008000")), 9); }, "trailing zero");
  expect_der_error([] { der::decode_named_bit_string(one(hex("0303068040")), 9); }, "beyond");
  EXPECT_EQ(der::decode_named_bit_string(one(hex("03020520")), 9), 1u << 2);
}

TEST(DerDecode, RejectsMalformedOids) {
  expect_der_error([] { der::decode_oid(one(hex("0600"))); }, "empty");
  expect_der_error([] { der::decode_oid(one(hex("06022A86"))); }, "truncated");
  expect_der_error([] { der::decode_oid(one(hex("06032A8001"))); }, "minimal");
  expect_der_error([] { der::decode_oid(one(hex("060B2AFFFFFFFFFFFFFFFFFF7F"))); }, "too large");
}

TEST(DerTime, CivilConversions) {
  using pkitest::at;
  auto c = der::to_civil(at(2024, 2, 29, 23, 59, 58));
  EXPECT_EQ(c.year, 2024);
  EXPECT_EQ(c.month, 2);
  EXPECT_EQ(c.day, 29);
  EXPECT_EQ(c.hour, 23);
  EXPECT_EQ(c.minute, 59);
  EXPECT_EQ(c.second, 58);
  EXPECT_EQ(der::to_civil(-1).year, 1969);
  EXPECT_THROW(der::to_time({2023, 2, 29, 0, 0, 0}), der::Error);
  EXPECT_THROW(der::to_time({2023, 0, 1, 0, 0, 0}), der::Error);
  EXPECT_THROW(der::to_time({10000, 1, 1, 0, 0, 0}), der::Error);
}
