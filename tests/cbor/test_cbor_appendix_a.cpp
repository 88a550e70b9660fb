// RFC 8949 Appendix A examples that are deterministically encoded: each is encoded with the
// Encoder API and compared byte for byte, decoded with the typed reads and checked for its
// value, and walked item by item and re-encoded to the same bytes. The Appendix A examples
// that are not deterministic (indefinite lengths) or outside the profile (floats, unassigned
// simple values) are checked to be rejected, with the reason.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cbor_test_util.hpp"
#include "pqcea/cbor.hpp"

using pqcea::Status;
using pqcea::cbor::Decoder;
using pqcea::cbor::Encoder;
using pqcea::cbor::Error;
using pqcea::cbor::Item;
using pqcea::cbor::Major;
using pqcea::test::from_hex;
using pqcea::test::to_hex;

namespace {

std::vector<std::uint8_t> encode(const std::function<void(Encoder&)>& f) {
  std::vector<std::uint8_t> buf(256);
  Encoder e(buf);
  f(e);
  std::size_t len = 0;
  EXPECT_EQ(e.finish(len), Status::ok) << pqcea::cbor::to_string(e.error());
  buf.resize(len);
  return buf;
}

// Decodes every item with the generic pull API and replays it into an Encoder.
Status reencode(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out, Error& why) {
  out.assign(in.size() + 16, 0);
  Decoder d(in);
  Encoder e(out);
  Item it;
  do {
    if (d.next(it) != Status::ok) {
      why = d.error();
      return Status::decode_error;
    }
    switch (it.major) {
      case Major::unsigned_int: e.add_uint(it.arg); break;
      case Major::negative_int: e.add_negative(it.arg); break;
      case Major::byte_string: e.add_bytes(it.bytes); break;
      case Major::text_string:
        e.add_text(std::string_view(reinterpret_cast<const char*>(it.bytes.data()), it.bytes.size()));
        break;
      case Major::array: e.begin_array(it.arg); break;
      case Major::map: e.begin_map(it.arg); break;
      case Major::tag: e.add_tag(it.arg); break;
      case Major::simple:
        if (it.arg == pqcea::cbor::kSimpleNull) {
          e.add_null();
        } else if (it.arg == pqcea::cbor::kSimpleUndefined) {
          e.add_undefined();
        } else {
          e.add_bool(it.arg == pqcea::cbor::kSimpleTrue);
        }
        break;
    }
  } while (d.depth() > 0);
  if (d.finish() != Status::ok) {
    why = d.error();
    return Status::decode_error;
  }
  std::size_t len = 0;
  if (e.finish(len) != Status::ok) return Status::invalid_argument;
  out.resize(len);
  return Status::ok;
}

struct Example {
  const char* diag;
  const char* hex;
  std::function<void(Encoder&)> enc;
  std::function<void(Decoder&)> check;  // typed decode of the value, asserting it
};

void expect_uint(Decoder& d, std::uint64_t v) {
  std::uint64_t got = 0;
  ASSERT_EQ(d.read_uint(got), Status::ok);
  EXPECT_EQ(got, v);
}
void expect_int(Decoder& d, std::int64_t v) {
  std::int64_t got = 0;
  ASSERT_EQ(d.read_int(got), Status::ok);
  EXPECT_EQ(got, v);
}
void expect_text(Decoder& d, std::string_view v) {
  std::string_view got;
  ASSERT_EQ(d.read_text(got), Status::ok);
  EXPECT_EQ(got, v);
}
void expect_bytes(Decoder& d, const std::string& hex) {
  std::span<const std::uint8_t> got;
  ASSERT_EQ(d.read_bytes(got), Status::ok);
  EXPECT_EQ(to_hex(got), hex);
}

const std::vector<Example>& examples() {
  static const std::vector<Example> ex = {
      {"0", "00", [](Encoder& e) { e.add_uint(0); }, [](Decoder& d) { expect_uint(d, 0); }},
      {"1", "01", [](Encoder& e) { e.add_uint(1); }, [](Decoder& d) { expect_uint(d, 1); }},
      {"10", "0a", [](Encoder& e) { e.add_uint(10); }, [](Decoder& d) { expect_uint(d, 10); }},
      {"23", "17", [](Encoder& e) { e.add_uint(23); }, [](Decoder& d) { expect_uint(d, 23); }},
      {"24", "1818", [](Encoder& e) { e.add_uint(24); }, [](Decoder& d) { expect_uint(d, 24); }},
      {"25", "1819", [](Encoder& e) { e.add_uint(25); }, [](Decoder& d) { expect_uint(d, 25); }},
      {"100", "1864", [](Encoder& e) { e.add_uint(100); }, [](Decoder& d) { expect_uint(d, 100); }},
      {"1000", "1903e8", [](Encoder& e) { e.add_uint(1000); }, [](Decoder& d) { expect_uint(d, 1000); }},
      {"1000000", "1a000f4240", [](Encoder& e) { e.add_uint(1000000); }, [](Decoder& d) { expect_uint(d, 1000000); }},
      {"1000000000000", "1b000000e8d4a51000", [](Encoder& e) { e.add_uint(1000000000000ull); },
       [](Decoder& d) { expect_uint(d, 1000000000000ull); }},
      {"18446744073709551615", "1bffffffffffffffff", [](Encoder& e) { e.add_uint(UINT64_MAX); },
       [](Decoder& d) { expect_uint(d, UINT64_MAX); }},
      {"18446744073709551616", "c249010000000000000000",
       [](Encoder& e) {
         e.add_tag(2);
         e.add_bytes(from_hex("010000000000000000"));
       },
       [](Decoder& d) {
         std::uint64_t t = 0;
         ASSERT_EQ(d.read_tag(t), Status::ok);
         EXPECT_EQ(t, 2u);
         expect_bytes(d, "010000000000000000");
       }},
      {"-18446744073709551616", "3bffffffffffffffff", [](Encoder& e) { e.add_negative(UINT64_MAX); },
       [](Decoder& d) {
         // Below INT64_MIN: the typed int read refuses it, the generic read gives the argument.
         Item it;
         ASSERT_EQ(d.peek(it), Status::ok);
         EXPECT_EQ(it.major, Major::negative_int);
         EXPECT_EQ(it.arg, UINT64_MAX);
         ASSERT_EQ(d.next(it), Status::ok);
       }},
      {"-18446744073709551617", "c349010000000000000000",
       [](Encoder& e) {
         e.add_tag(3);
         e.add_bytes(from_hex("010000000000000000"));
       },
       [](Decoder& d) {
         std::uint64_t t = 0;
         ASSERT_EQ(d.read_tag(t), Status::ok);
         EXPECT_EQ(t, 3u);
         expect_bytes(d, "010000000000000000");
       }},
      {"-1", "20", [](Encoder& e) { e.add_int(-1); }, [](Decoder& d) { expect_int(d, -1); }},
      {"-10", "29", [](Encoder& e) { e.add_int(-10); }, [](Decoder& d) { expect_int(d, -10); }},
      {"-100", "3863", [](Encoder& e) { e.add_int(-100); }, [](Decoder& d) { expect_int(d, -100); }},
      {"-1000", "3903e7", [](Encoder& e) { e.add_int(-1000); }, [](Decoder& d) { expect_int(d, -1000); }},
      {"false", "f4", [](Encoder& e) { e.add_bool(false); },
       [](Decoder& d) {
         bool b = true;
         ASSERT_EQ(d.read_bool(b), Status::ok);
         EXPECT_FALSE(b);
       }},
      {"true", "f5", [](Encoder& e) { e.add_bool(true); },
       [](Decoder& d) {
         bool b = false;
         ASSERT_EQ(d.read_bool(b), Status::ok);
         EXPECT_TRUE(b);
       }},
      {"null", "f6", [](Encoder& e) { e.add_null(); }, [](Decoder& d) { ASSERT_EQ(d.read_null(), Status::ok); }},
      {"undefined", "f7", [](Encoder& e) { e.add_undefined(); },
       [](Decoder& d) {
         Item it;
         ASSERT_EQ(d.next(it), Status::ok);
         EXPECT_EQ(it.major, Major::simple);
         EXPECT_EQ(it.arg, pqcea::cbor::kSimpleUndefined);
       }},
      {"0(\"2013-03-21T20:04:00Z\")", "c074323031332d30332d32315432303a30343a30305a",
       [](Encoder& e) {
         e.add_tag(0);
         e.add_text("2013-03-21T20:04:00Z");
       },
       [](Decoder& d) {
         std::uint64_t t = 9;
         ASSERT_EQ(d.read_tag(t), Status::ok);
         EXPECT_EQ(t, 0u);
         expect_text(d, "2013-03-21T20:04:00Z");
       }},
      {"1(1363896240)", "c11a514b67b0",
       [](Encoder& e) {
         e.add_tag(1);
         e.add_uint(1363896240);
       },
       [](Decoder& d) {
         std::uint64_t t = 0;
         ASSERT_EQ(d.read_tag(t), Status::ok);
         EXPECT_EQ(t, 1u);
         expect_uint(d, 1363896240);
       }},
      {"23(h'01020304')", "d74401020304",
       [](Encoder& e) {
         e.add_tag(23);
         e.add_bytes(from_hex("01020304"));
       },
       [](Decoder& d) {
         std::uint64_t t = 0;
         ASSERT_EQ(d.read_tag(t), Status::ok);
         EXPECT_EQ(t, 23u);
         expect_bytes(d, "01020304");
       }},
      {"24(h'6449455446')", "d818456449455446",
       [](Encoder& e) {
         e.add_tag(24);
         e.begin_bstr_wrapped();
         e.add_text("IETF");
       },
       [](Decoder& d) {
         std::uint64_t t = 0;
         ASSERT_EQ(d.read_tag(t), Status::ok);
         EXPECT_EQ(t, 24u);
         std::span<const std::uint8_t> inner;
         ASSERT_EQ(d.read_bytes(inner), Status::ok);
         Decoder in(inner);
         expect_text(in, "IETF");
         EXPECT_EQ(in.finish(), Status::ok);
       }},
      {"32(\"http://www.example.com\")", "d82076687474703a2f2f7777772e6578616d706c652e636f6d",
       [](Encoder& e) {
         e.add_tag(32);
         e.add_text("http://www.example.com");
       },
       [](Decoder& d) {
         std::uint64_t t = 0;
         ASSERT_EQ(d.read_tag(t), Status::ok);
         EXPECT_EQ(t, 32u);
         expect_text(d, "http://www.example.com");
       }},
      {"h''", "40", [](Encoder& e) { e.add_bytes({}); }, [](Decoder& d) { expect_bytes(d, ""); }},
      {"h'01020304'", "4401020304", [](Encoder& e) { e.add_bytes(from_hex("01020304")); },
       [](Decoder& d) { expect_bytes(d, "01020304"); }},
      {"\"\"", "60", [](Encoder& e) { e.add_text(""); }, [](Decoder& d) { expect_text(d, ""); }},
      {"\"a\"", "6161", [](Encoder& e) { e.add_text("a"); }, [](Decoder& d) { expect_text(d, "a"); }},
      {"\"IETF\"", "6449455446", [](Encoder& e) { e.add_text("IETF"); }, [](Decoder& d) { expect_text(d, "IETF"); }},
      {"\"\\\"\\\\\"", "62225c", [](Encoder& e) { e.add_text("\"\\"); }, [](Decoder& d) { expect_text(d, "\"\\"); }},
      {"\"\\u00fc\"", "62c3bc", [](Encoder& e) { e.add_text("\xc3\xbc"); },
       [](Decoder& d) { expect_text(d, "\xc3\xbc"); }},
      {"\"\\u6c34\"", "63e6b0b4", [](Encoder& e) { e.add_text("\xe6\xb0\xb4"); },
       [](Decoder& d) { expect_text(d, "\xe6\xb0\xb4"); }},
      {"\"\\ud800\\udd51\"", "64f0908591", [](Encoder& e) { e.add_text("\xf0\x90\x85\x91"); },
       [](Decoder& d) { expect_text(d, "\xf0\x90\x85\x91"); }},
      {"[]", "80", [](Encoder& e) { e.begin_array(0); },
       [](Decoder& d) {
         std::uint64_t n = 9;
         ASSERT_EQ(d.read_array(n), Status::ok);
         EXPECT_EQ(n, 0u);
       }},
      {"[1, 2, 3]", "83010203",
       [](Encoder& e) {
         e.begin_array(3);
         e.add_uint(1);
         e.add_uint(2);
         e.add_uint(3);
       },
       [](Decoder& d) {
         std::uint64_t n = 0;
         ASSERT_EQ(d.read_array(n), Status::ok);
         ASSERT_EQ(n, 3u);
         for (std::uint64_t i = 1; i <= 3; ++i) expect_uint(d, i);
       }},
      {"[1, [2, 3], [4, 5]]", "8301820203820405",
       [](Encoder& e) {
         e.begin_array(3);
         e.add_uint(1);
         e.begin_array(2);
         e.add_uint(2);
         e.add_uint(3);
         e.begin_array(2);
         e.add_uint(4);
         e.add_uint(5);
       },
       [](Decoder& d) {
         std::uint64_t n = 0;
         ASSERT_EQ(d.read_array(n), Status::ok);
         ASSERT_EQ(n, 3u);
         expect_uint(d, 1);
         ASSERT_EQ(d.read_array(n), Status::ok);
         ASSERT_EQ(n, 2u);
         expect_uint(d, 2);
         expect_uint(d, 3);
         ASSERT_EQ(d.read_array(n), Status::ok);
         ASSERT_EQ(n, 2u);
         expect_uint(d, 4);
         expect_uint(d, 5);
       }},
      {"[1, 2, ..., 25]", "98190102030405060708090a0b0c0d0e0f101112131415161718181819",
       [](Encoder& e) {
         e.begin_array(25);
         for (std::uint64_t i = 1; i <= 25; ++i) e.add_uint(i);
       },
       [](Decoder& d) {
         std::uint64_t n = 0;
         ASSERT_EQ(d.read_array(n), Status::ok);
         ASSERT_EQ(n, 25u);
         for (std::uint64_t i = 1; i <= 25; ++i) expect_uint(d, i);
       }},
      {"{}", "a0", [](Encoder& e) { e.begin_map(0); },
       [](Decoder& d) {
         std::uint64_t n = 9;
         ASSERT_EQ(d.read_map(n), Status::ok);
         EXPECT_EQ(n, 0u);
       }},
      {"{1: 2, 3: 4}", "a201020304",
       [](Encoder& e) {
         e.begin_map(2);
         e.add_uint(1);
         e.add_uint(2);
         e.add_uint(3);
         e.add_uint(4);
       },
       [](Decoder& d) {
         std::uint64_t n = 0;
         ASSERT_EQ(d.read_map(n), Status::ok);
         ASSERT_EQ(n, 2u);
         for (std::uint64_t i = 1; i <= 4; ++i) expect_uint(d, i);
       }},
      {"{\"a\": 1, \"b\": [2, 3]}", "a26161016162820203",
       [](Encoder& e) {
         e.begin_map(2);
         e.add_text("a");
         e.add_uint(1);
         e.add_text("b");
         e.begin_array(2);
         e.add_uint(2);
         e.add_uint(3);
       },
       [](Decoder& d) {
         std::uint64_t n = 0;
         ASSERT_EQ(d.read_map(n), Status::ok);
         ASSERT_EQ(n, 2u);
         expect_text(d, "a");
         expect_uint(d, 1);
         expect_text(d, "b");
         ASSERT_EQ(d.read_array(n), Status::ok);
         ASSERT_EQ(n, 2u);
         expect_uint(d, 2);
         expect_uint(d, 3);
       }},
      {"[\"a\", {\"b\": \"c\"}]", "826161a161626163",
       [](Encoder& e) {
         e.begin_array(2);
         e.add_text("a");
         e.begin_map(1);
         e.add_text("b");
         e.add_text("c");
       },
       [](Decoder& d) {
         std::uint64_t n = 0;
         ASSERT_EQ(d.read_array(n), Status::ok);
         ASSERT_EQ(n, 2u);
         expect_text(d, "a");
         ASSERT_EQ(d.read_map(n), Status::ok);
         ASSERT_EQ(n, 1u);
         expect_text(d, "b");
         expect_text(d, "c");
       }},
      {"{\"a\": \"A\", ..., \"e\": \"E\"}", "a56161614161626142616361436164614461656145",
       [](Encoder& e) {
         e.begin_map(5);
         const char* kv[] = {"a", "A", "b", "B", "c", "C", "d", "D", "e", "E"};
         for (const char* s : kv) e.add_text(s);
       },
       [](Decoder& d) {
         std::uint64_t n = 0;
         ASSERT_EQ(d.read_map(n), Status::ok);
         ASSERT_EQ(n, 5u);
         const char* kv[] = {"a", "A", "b", "B", "c", "C", "d", "D", "e", "E"};
         for (const char* s : kv) expect_text(d, s);
       }},
  };
  return ex;
}

TEST(CborAppendixA, EncodeMatchesRfc) {
  for (const Example& x : examples()) {
    EXPECT_EQ(to_hex(encode(x.enc)), x.hex) << x.diag;
  }
}

TEST(CborAppendixA, TypedDecodeGivesValueAndConsumesAll) {
  for (const Example& x : examples()) {
    SCOPED_TRACE(x.diag);
    const auto bytes = from_hex(x.hex);
    Decoder d(bytes);
    x.check(d);
    EXPECT_EQ(d.finish(), Status::ok) << pqcea::cbor::to_string(d.error());
  }
}

TEST(CborAppendixA, GenericDecodeReencodesIdentically) {
  for (const Example& x : examples()) {
    const auto bytes = from_hex(x.hex);
    std::vector<std::uint8_t> out;
    Error why = Error::none;
    ASSERT_EQ(reencode(bytes, out, why), Status::ok) << x.diag << ": " << pqcea::cbor::to_string(why);
    EXPECT_EQ(to_hex(out), x.hex) << x.diag;
  }
}

// Appendix A examples that deterministic decoding must refuse, with the reason.
TEST(CborAppendixA, NonDeterministicAndOutOfProfileExamplesRejected) {
  const struct {
    const char* diag;
    const char* hex;
    Error why;
  } rejected[] = {
      {"0.0", "f90000", Error::float_not_supported},
      {"-0.0", "f98000", Error::float_not_supported},
      {"1.1", "fb3ff199999999999a", Error::float_not_supported},
      {"100000.0", "fa47c35000", Error::float_not_supported},
      {"Infinity", "f97c00", Error::float_not_supported},
      {"simple(16)", "f0", Error::unsupported_simple},
      {"simple(255)", "f8ff", Error::unsupported_simple},
      {"(_ h'0102', h'030405')", "5f42010243030405ff", Error::indefinite_length},
      {"(_ \"strea\", \"ming\")", "7f657374726561646d696e67ff", Error::indefinite_length},
      {"[_ ]", "9fff", Error::indefinite_length},
      {"[_ 1, [2, 3], [_ 4, 5]]", "9f018202039f0405ffff", Error::indefinite_length},
      {"[1, [2, 3], [_ 4, 5]]", "83018202039f0405ff", Error::indefinite_length},
      {"{_ \"a\": 1, \"b\": [_ 2, 3]}", "bf61610161629f0203ffff", Error::indefinite_length},
      {"{_ \"Fun\": true, \"Amt\": -2}", "bf6346756ef563416d7421ff", Error::indefinite_length},
  };
  for (const auto& r : rejected) {
    const auto bytes = from_hex(r.hex);
    std::vector<std::uint8_t> out;
    Error why = Error::none;
    EXPECT_EQ(reencode(bytes, out, why), Status::decode_error) << r.diag;
    EXPECT_EQ(why, r.why) << r.diag << ": got " << pqcea::cbor::to_string(why);
  }
}

}  // namespace
