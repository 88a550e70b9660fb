// A small strict DER (ITU-T X.690 Distinguished Encoding Rules) encoder and decoder for the PKI
// module (X.509 certificates with ML-DSA, RFC 5280 / RFC 9881).
//
// Encoder: functions that return one complete TLV each; compose them with sequence(), set_of(),
// explicit_tag() and implicit_tag().
//
// Decoder: a Reader walks the elements of one constructed value. It accepts only DER: single-octet
// identifiers, definite lengths in minimal form, lengths within the buffer, primitive/constructed
// form as DER requires, bounded nesting depth, no trailing bytes (Reader::finish). The value
// decoders (decode_integer, decode_oid, ...) check the DER rules of their type. Every rejection
// throws der::Error with a message naming the rule.
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pqcea::der {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Identifier octets (X.690 §8.1.2). Only the low-tag-number form (number < 31) is supported.
namespace tag {
inline constexpr std::uint8_t kBoolean = 0x01;
inline constexpr std::uint8_t kInteger = 0x02;
inline constexpr std::uint8_t kBitString = 0x03;
inline constexpr std::uint8_t kOctetString = 0x04;
inline constexpr std::uint8_t kNull = 0x05;
inline constexpr std::uint8_t kOid = 0x06;
inline constexpr std::uint8_t kUtf8String = 0x0C;
inline constexpr std::uint8_t kPrintableString = 0x13;
inline constexpr std::uint8_t kIa5String = 0x16;
inline constexpr std::uint8_t kUtcTime = 0x17;
inline constexpr std::uint8_t kGeneralizedTime = 0x18;
inline constexpr std::uint8_t kSequence = 0x30;
inline constexpr std::uint8_t kSet = 0x31;
inline constexpr std::uint8_t kConstructed = 0x20;
inline constexpr std::uint8_t kContextClass = 0x80;
// [n] context-specific tag; constructed for EXPLICIT tags and for IMPLICIT tags of constructed types.
constexpr std::uint8_t context(unsigned n, bool constructed) {
  return static_cast<std::uint8_t>(kContextClass | (constructed ? kConstructed : 0) | (n & 0x1F));
}
}  // namespace tag

// Human-readable name of an identifier octet, for error messages ("SEQUENCE", "[0]", "0x42").
std::string tag_name(std::uint8_t tag);

// ---- time ------------------------------------------------------------------------------------
// Seconds since 1970-01-01T00:00:00Z, without leap seconds (as POSIX time and RFC 5280 §4.1.2.5).
using Time = std::int64_t;
struct CivilTime {
  int year, month, day, hour, minute, second;
};
Time to_time(const CivilTime& c);  // throws Error on an impossible date or time
CivilTime to_civil(Time t);
std::string format_time(Time t);   // "2025-03-01T12:00:00Z"

// ---- encoder ---------------------------------------------------------------------------------
Bytes tlv(std::uint8_t tag, ByteView content);
Bytes boolean(bool v);                           // 0xFF / 0x00 (X.690 §11.1)
Bytes null();
Bytes integer(std::int64_t v);                   // minimal two's complement (X.690 §8.3.2)
Bytes integer_unsigned(ByteView magnitude_be);   // non-negative big integer from its magnitude
Bytes oid(std::string_view dotted);              // "2.16.840.1.101.3.4.3.19"
Bytes bit_string(ByteView bits, unsigned unused_bits = 0);
// A NamedBitList BIT STRING (X.690 §11.2.2: trailing zero bits removed). Bit i of `bits` is the
// named bit number i (bit 0 = most significant bit of the first octet).
Bytes named_bit_string(std::uint32_t bits);
Bytes octet_string(ByteView v);
Bytes utf8_string(std::string_view s);           // rejects ill-formed UTF-8
Bytes printable_string(std::string_view s);      // rejects characters outside PrintableString
Bytes ia5_string(std::string_view s);            // rejects bytes >= 0x80
Bytes utc_time(Time t);                          // YYMMDDHHMMSSZ, years 1950..2049
Bytes generalized_time(Time t);                  // YYYYMMDDHHMMSSZ, years 0000..9999
// RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
Bytes x509_time(Time t);
Bytes sequence(std::initializer_list<ByteView> parts);
Bytes sequence(const std::vector<Bytes>& parts);
Bytes set_of(std::vector<Bytes> parts);          // components sorted as X.690 §11.6 requires
Bytes explicit_tag(unsigned n, ByteView inner_tlv);
// [n] IMPLICIT: replaces the identifier of `inner_tlv`, keeping its primitive/constructed form.
Bytes implicit_tag(unsigned n, ByteView inner_tlv);
void append(Bytes& out, ByteView more);

// ---- decoder ---------------------------------------------------------------------------------
inline constexpr std::size_t kDefaultMaxDepth = 24;

struct Element {
  std::uint8_t tag = 0;
  ByteView content;   // the contents octets
  ByteView encoding;  // the whole TLV
  bool constructed() const { return (tag & tag::kConstructed) != 0; }
};

class Reader {
 public:
  // Reads the elements of `data` (the contents of a constructed value, or a top-level buffer).
  explicit Reader(ByteView data, std::size_t depth = 0, std::size_t max_depth = kDefaultMaxDepth);

  bool empty() const { return pos_ == data_.size(); }
  std::uint8_t peek_tag() const;                      // throws if empty
  Element next();                                     // any element
  Element next(std::uint8_t expected_tag, std::string_view what);
  std::optional<Element> next_if(std::uint8_t tag);   // consumes only if the tag matches
  // A reader over the contents of a constructed element, one nesting level deeper.
  Reader enter(const Element& e, std::string_view what) const;
  Reader enter(std::uint8_t expected_tag, std::string_view what) {
    return enter(next(expected_tag, what), what);
  }
  void finish(std::string_view what) const;           // throws if bytes remain
  std::size_t depth() const { return depth_; }

 private:
  ByteView data_;
  std::size_t pos_ = 0;
  std::size_t depth_;
  std::size_t max_depth_;
};

// A reader over the contents of `e`, which must carry `expected_tag` (a constructed tag).
Reader contents(const Element& e, std::uint8_t expected_tag, std::string_view what);
// The single element that makes up all of `data` (trailing bytes are an error).
Element parse_single(ByteView data, std::string_view what);
// Walks the whole tree of `data` (one element, no trailing bytes): every length, every nested
// constructed value, the nesting depth and the DER form of universal types.
void check_tree(ByteView data, std::size_t max_depth = kDefaultMaxDepth);

bool decode_boolean(const Element& e);
void decode_null(const Element& e);
std::int64_t decode_int64(const Element& e);            // rejects values outside int64
Bytes decode_integer(const Element& e);                 // minimal two's complement contents
Bytes decode_unsigned_integer(const Element& e);        // rejects negatives; magnitude, no sign octet
std::string decode_oid(const Element& e);
struct BitString {
  Bytes bytes;
  unsigned unused_bits = 0;
};
BitString decode_bit_string(const Element& e);
// A BIT STRING with no unused bits, returned as octets (public keys and signatures).
Bytes decode_octet_aligned_bit_string(const Element& e);
// A NamedBitList BIT STRING (DER: no trailing zero bits); bits above `max_bits` are an error.
std::uint32_t decode_named_bit_string(const Element& e, unsigned max_bits);
ByteView decode_octet_string(const Element& e);
// UTF8String, PrintableString or IA5String, validated against its character set.
std::string decode_string(const Element& e);
// UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), the DER forms RFC 5280 allows.
Time decode_time(const Element& e);

}  // namespace pqcea::der
