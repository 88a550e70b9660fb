// Strict DER encoder and decoder (ITU-T X.690 §8 basic rules plus the §10/§11 DER restrictions).
#include "pqcea/host/der.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>

namespace pqcea::der {

namespace {

[[noreturn]] void fail(std::string_view what, std::string_view why) {
  std::string msg = "DER: ";
  if (!what.empty()) {
    msg += what;
    msg += ": ";
  }
  msg += why;
  throw Error(msg);
}

void check_tag_number(std::uint8_t tag) {
  if ((tag & 0x1F) == 0x1F) throw Error("DER: high-tag-number identifiers are not supported");
}

void append_length(Bytes& out, std::size_t len) {
  // X.690 §10.1: the definite form with the minimum number of length octets.
  if (len < 0x80) {
    out.push_back(static_cast<std::uint8_t>(len));
    return;
  }
  std::uint8_t tmp[sizeof(std::size_t)];
  int n = 0;
  while (len != 0) {
    tmp[n++] = static_cast<std::uint8_t>(len & 0xFF);
    len >>= 8;
  }
  out.push_back(static_cast<std::uint8_t>(0x80 | n));
  for (int i = n - 1; i >= 0; --i) out.push_back(tmp[i]);
}

bool is_printable_char(unsigned char c) {
  // X.680 §41.4 Table 10: PrintableString characters.
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case ' ': case '\'': case '(': case ')': case '+': case ',': case '-': case '.': case '/':
    case ':': case '=': case '?':
      return true;
    default:
      return false;
  }
}

// RFC 3629 §4: well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    std::uint32_t cp;
    std::uint32_t min;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      n = 1; cp = b0 & 0x1F; min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      n = 2; cp = b0 & 0x0F; min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      n = 3; cp = b0 & 0x07; min = 0x10000;
    } else {
      return false;
    }
    if (s.size() - i - 1 < n) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

std::string_view as_chars(ByteView v) {
  return {reinterpret_cast<const char*>(v.data()), v.size()};
}

ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

void put_digits(std::string& out, int v, int width) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%0*d", width, v);
  out += buf;
}

int parse_digits(std::string_view s, std::size_t pos, std::size_t n, std::string_view what) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') fail(what, "time contains a non-digit");
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

void expect_tag(const Element& e, std::uint8_t t, std::string_view type) {
  if (e.tag != t) {
    fail(type, "expected " + tag_name(t) + ", got " + tag_name(e.tag));
  }
}

}  // namespace

std::string tag_name(std::uint8_t t) {
  switch (t) {
    case tag::kBoolean: return "BOOLEAN";
    case tag::kInteger: return "INTEGER";
    case tag::kBitString: return "BIT STRING";
    case tag::kOctetString: return "OCTET STRING";
    case tag::kNull: return "NULL";
    case tag::kOid: return "OBJECT IDENTIFIER";
    case tag::kUtf8String: return "UTF8String";
    case tag::kPrintableString: return "PrintableString";
    case tag::kIa5String: return "IA5String";
    case tag::kUtcTime: return "UTCTime";
    case tag::kGeneralizedTime: return "GeneralizedTime";
    case tag::kSequence: return "SEQUENCE";
    case tag::kSet: return "SET";
    default: break;
  }
  char buf[32];
  if ((t & 0xC0) == tag::kContextClass) {
    std::snprintf(buf, sizeof buf, "[%u]%s", t & 0x1Fu, (t & tag::kConstructed) ? "" : " primitive");
  } else {
    std::snprintf(buf, sizeof buf, "tag 0x%02X", t);
  }
  return buf;
}

// ---- time ------------------------------------------------------------------------------------

Time to_time(const CivilTime& c) {
  using namespace std::chrono;
  if (c.year < 0 || c.year > 9999) throw Error("time: year out of range 0000..9999");
  year_month_day ymd{year{c.year}, month{static_cast<unsigned>(c.month)},
                     day{static_cast<unsigned>(c.day)}};
  if (c.month < 1 || c.month > 12 || c.day < 1 || !ymd.ok()) throw Error("time: invalid date");
  if (c.hour < 0 || c.hour > 23 || c.minute < 0 || c.minute > 59 || c.second < 0 || c.second > 59)
    throw Error("time: invalid time of day");
  auto days = sys_days{ymd}.time_since_epoch().count();
  return static_cast<Time>(days) * 86400 + c.hour * 3600 + c.minute * 60 + c.second;
}

CivilTime to_civil(Time t) {
  using namespace std::chrono;
  Time d = t / 86400;
  Time r = t % 86400;
  if (r < 0) {
    r += 86400;
    --d;
  }
  year_month_day ymd{sys_days{days{d}}};
  CivilTime c;
  c.year = static_cast<int>(ymd.year());
  c.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  c.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  c.hour = static_cast<int>(r / 3600);
  c.minute = static_cast<int>((r % 3600) / 60);
  c.second = static_cast<int>(r % 60);
  return c;
}

std::string format_time(Time t) {
  CivilTime c = to_civil(t);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return buf;
}

// ---- encoder ---------------------------------------------------------------------------------

void append(Bytes& out, ByteView more) { out.insert(out.end(), more.begin(), more.end()); }

Bytes tlv(std::uint8_t t, ByteView content) {
  check_tag_number(t);
  Bytes out;
  out.reserve(content.size() + 6);
  out.push_back(t);
  append_length(out, content.size());
  append(out, content);
  return out;
}

Bytes boolean(bool v) {
  std::uint8_t c = v ? 0xFF : 0x00;
  return tlv(tag::kBoolean, ByteView(&c, 1));
}

Bytes null() { return tlv(tag::kNull, {}); }

Bytes integer(std::int64_t v) {
  std::uint8_t be[8];
  auto u = static_cast<std::uint64_t>(v);
  for (int i = 7; i >= 0; --i) {
    be[i] = static_cast<std::uint8_t>(u & 0xFF);
    u >>= 8;
  }
  // X.690 §8.3.2: drop leading octets while the first nine bits are all 0 or all 1.
  std::size_t start = 0;
  while (start < 7 && ((be[start] == 0x00 && (be[start + 1] & 0x80) == 0) ||
                       (be[start] == 0xFF && (be[start + 1] & 0x80) != 0)))
    ++start;
  return tlv(tag::kInteger, ByteView(be + start, 8 - start));
}

Bytes integer_unsigned(ByteView magnitude) {
  std::size_t start = 0;
  while (start < magnitude.size() && magnitude[start] == 0) ++start;
  Bytes content;
  if (start == magnitude.size()) {
    content.push_back(0);
  } else {
    if (magnitude[start] & 0x80) content.push_back(0);  // keep the value positive
    content.insert(content.end(), magnitude.begin() + static_cast<std::ptrdiff_t>(start),
                   magnitude.end());
  }
  return tlv(tag::kInteger, content);
}

Bytes oid(std::string_view dotted) {
  std::vector<std::uint64_t> arcs;
  std::size_t i = 0;
  while (true) {
    std::size_t j = i;
    while (j < dotted.size() && dotted[j] != '.') ++j;
    if (j == i) throw Error("OID: empty arc in \"" + std::string(dotted) + "\"");
    if (j - i > 1 && dotted[i] == '0')
      throw Error("OID: arc with a leading zero in \"" + std::string(dotted) + "\"");
    std::uint64_t v = 0;
    for (std::size_t k = i; k < j; ++k) {
      if (dotted[k] < '0' || dotted[k] > '9')
        throw Error("OID: non-digit in \"" + std::string(dotted) + "\"");
      if (v > (std::numeric_limits<std::uint64_t>::max() >> 8) / 10)
        throw Error("OID: arc too large in \"" + std::string(dotted) + "\"");
      v = v * 10 + static_cast<std::uint64_t>(dotted[k] - '0');
    }
    arcs.push_back(v);
    if (j == dotted.size()) break;
    i = j + 1;
  }
  // X.690 §8.19.4: the first two arcs share one subidentifier (40 * X + Y).
  if (arcs.size() < 2) throw Error("OID: needs at least two arcs");
  if (arcs[0] > 2) throw Error("OID: first arc must be 0, 1 or 2");
  if (arcs[0] < 2 && arcs[1] > 39) throw Error("OID: second arc must be below 40 under arc 0 or 1");
  Bytes content;
  auto put = [&](std::uint64_t v) {
    std::uint8_t tmp[10];
    int n = 0;
    do {
      tmp[n++] = static_cast<std::uint8_t>(v & 0x7F);
      v >>= 7;
    } while (v != 0);
    for (int k = n - 1; k >= 0; --k)
      content.push_back(static_cast<std::uint8_t>(tmp[k] | (k != 0 ? 0x80 : 0x00)));
  };
  put(arcs[0] * 40 + arcs[1]);
  for (std::size_t k = 2; k < arcs.size(); ++k) put(arcs[k]);
  return tlv(tag::kOid, content);
}

Bytes bit_string(ByteView bits, unsigned unused_bits) {
  if (unused_bits > 7) throw Error("BIT STRING: more than 7 unused bits");
  if (bits.empty() && unused_bits != 0) throw Error("BIT STRING: unused bits in an empty string");
  if (!bits.empty() && (bits.back() & ((1u << unused_bits) - 1)) != 0)
    throw Error("BIT STRING: unused bits must be zero (X.690 §11.2.1)");
  Bytes content;
  content.reserve(bits.size() + 1);
  content.push_back(static_cast<std::uint8_t>(unused_bits));
  append(content, bits);
  return tlv(tag::kBitString, content);
}

Bytes named_bit_string(std::uint32_t bits) {
  if (bits == 0) return bit_string({}, 0);
  unsigned highest = 0;  // the highest named bit that is set
  for (unsigned i = 0; i < 32; ++i)
    if (bits & (1u << i)) highest = i;
  std::size_t nbytes = highest / 8 + 1;
  Bytes octets(nbytes, 0);
  for (unsigned i = 0; i <= highest; ++i)
    if (bits & (1u << i)) octets[i / 8] |= static_cast<std::uint8_t>(0x80u >> (i % 8));
  return bit_string(octets, 7 - highest % 8);
}

Bytes octet_string(ByteView v) { return tlv(tag::kOctetString, v); }

Bytes utf8_string(std::string_view s) {
  if (!is_valid_utf8(s)) throw Error("UTF8String: ill-formed UTF-8");
  return tlv(tag::kUtf8String, as_bytes(s));
}

Bytes printable_string(std::string_view s) {
  for (char c : s)
    if (!is_printable_char(static_cast<unsigned char>(c)))
      throw Error("PrintableString: character outside the PrintableString set in \"" +
                  std::string(s) + "\"");
  return tlv(tag::kPrintableString, as_bytes(s));
}

Bytes ia5_string(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) throw Error("IA5String: byte above 0x7F");
  return tlv(tag::kIa5String, as_bytes(s));
}

Bytes utc_time(Time t) {
  CivilTime c = to_civil(t);
  if (c.year < 1950 || c.year > 2049) throw Error("UTCTime: year outside 1950..2049");
  std::string s;
  put_digits(s, c.year % 100, 2);
  put_digits(s, c.month, 2);
  put_digits(s, c.day, 2);
  put_digits(s, c.hour, 2);
  put_digits(s, c.minute, 2);
  put_digits(s, c.second, 2);
  s += 'Z';
  return tlv(tag::kUtcTime, as_bytes(s));
}

Bytes generalized_time(Time t) {
  CivilTime c = to_civil(t);
  if (c.year < 0 || c.year > 9999) throw Error("GeneralizedTime: year outside 0000..9999");
  std::string s;
  put_digits(s, c.year, 4);
  put_digits(s, c.month, 2);
  put_digits(s, c.day, 2);
  put_digits(s, c.hour, 2);
  put_digits(s, c.minute, 2);
  put_digits(s, c.second, 2);
  s += 'Z';
  return tlv(tag::kGeneralizedTime, as_bytes(s));
}

Bytes x509_time(Time t) {
  int y = to_civil(t).year;
  return (y >= 1950 && y <= 2049) ? utc_time(t) : generalized_time(t);
}

Bytes sequence(std::initializer_list<ByteView> parts) {
  Bytes content;
  for (ByteView p : parts) append(content, p);
  return tlv(tag::kSequence, content);
}

Bytes sequence(const std::vector<Bytes>& parts) {
  Bytes content;
  for (const Bytes& p : parts) append(content, p);
  return tlv(tag::kSequence, content);
}

namespace {
// X.690 §11.6: SET OF components in ascending order, compared as octet strings with the shorter
// one padded with trailing zero octets.
bool set_order_less(const Bytes& a, const Bytes& b) {
  std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t x = i < a.size() ? a[i] : 0;
    std::uint8_t y = i < b.size() ? b[i] : 0;
    if (x != y) return x < y;
  }
  return false;
}
}  // namespace

Bytes set_of(std::vector<Bytes> parts) {
  std::stable_sort(parts.begin(), parts.end(), set_order_less);
  Bytes content;
  for (const Bytes& p : parts) append(content, p);
  return tlv(tag::kSet, content);
}

Bytes explicit_tag(unsigned n, ByteView inner_tlv) {
  if (n > 30) throw Error("explicit tag number above 30");
  return tlv(tag::context(n, true), inner_tlv);
}

Bytes implicit_tag(unsigned n, ByteView inner_tlv) {
  if (n > 30) throw Error("implicit tag number above 30");
  Element e = parse_single(inner_tlv, "implicit tag inner value");
  return tlv(tag::context(n, e.constructed()), e.content);
}

// ---- decoder ---------------------------------------------------------------------------------

Reader::Reader(ByteView data, std::size_t depth, std::size_t max_depth)
    : data_(data), depth_(depth), max_depth_(max_depth) {
  if (depth_ > max_depth_) throw Error("DER: nesting deeper than " + std::to_string(max_depth_));
}

std::uint8_t Reader::peek_tag() const {
  if (empty()) throw Error("DER: unexpected end of data");
  return data_[pos_];
}

Element Reader::next() {
  const std::size_t start = pos_;
  const std::size_t avail = data_.size() - pos_;
  if (avail == 0) throw Error("DER: unexpected end of data");
  if (avail < 2) throw Error("DER: truncated element header");
  std::uint8_t t = data_[pos_];
  check_tag_number(t);
  if (t == 0x00) throw Error("DER: end-of-contents octets are not allowed (definite lengths only)");
  std::size_t p = pos_ + 1;
  std::uint8_t l0 = data_[p++];
  std::size_t len;
  if (l0 < 0x80) {
    len = l0;
  } else if (l0 == 0x80) {
    throw Error("DER: indefinite length is not allowed (X.690 §10.1)");
  } else if (l0 == 0xFF) {
    throw Error("DER: reserved length octet 0xFF");
  } else {
    std::size_t n = l0 & 0x7F;
    if (n > 4) throw Error("DER: length field of more than 4 octets");
    if (data_.size() - p < n) throw Error("DER: truncated length field");
    if (data_[p] == 0) throw Error("DER: length not in minimal form (leading zero octet)");
    len = 0;
    for (std::size_t k = 0; k < n; ++k) len = (len << 8) | data_[p++];
    if (len < 0x80) throw Error("DER: length not in minimal form (long form below 128)");
  }
  if (len > data_.size() - p)
    throw Error("DER: length " + std::to_string(len) + " exceeds the " +
                std::to_string(data_.size() - p) + " bytes available");
  Element e;
  e.tag = t;
  e.content = data_.subspan(p, len);
  e.encoding = data_.subspan(start, p + len - start);
  pos_ = p + len;
  return e;
}

Element Reader::next(std::uint8_t expected_tag, std::string_view what) {
  if (empty()) fail(what, "missing (expected " + tag_name(expected_tag) + ")");
  if (peek_tag() != expected_tag)
    fail(what, "expected " + tag_name(expected_tag) + ", got " + tag_name(peek_tag()));
  return next();
}

std::optional<Element> Reader::next_if(std::uint8_t t) {
  if (empty() || peek_tag() != t) return std::nullopt;
  return next();
}

Reader Reader::enter(const Element& e, std::string_view what) const {
  if (!e.constructed()) fail(what, "expected a constructed value");
  if (depth_ + 1 > max_depth_) fail(what, "nesting deeper than " + std::to_string(max_depth_));
  return Reader(e.content, depth_ + 1, max_depth_);
}

void Reader::finish(std::string_view what) const {
  if (!empty())
    fail(what, std::to_string(data_.size() - pos_) + " trailing byte(s) after the last element");
}

Reader contents(const Element& e, std::uint8_t expected_tag, std::string_view what) {
  if (e.tag != expected_tag)
    fail(what, "expected " + tag_name(expected_tag) + ", got " + tag_name(e.tag));
  return Reader(ByteView{}).enter(e, what);
}

Element parse_single(ByteView data, std::string_view what) {
  Reader r(data);
  Element e = r.next();
  r.finish(what);
  return e;
}

namespace {
void check_tree_rec(const Element& e, std::size_t depth, std::size_t max_depth) {
  const std::uint8_t t = e.tag;
  if ((t & 0xC0) == 0) {  // universal class: DER fixes the form (X.690 §10.2, §8.x)
    const std::uint8_t number = t & 0x1F;
    const bool must_construct = number == 0x10 || number == 0x11;  // SEQUENCE, SET
    if (must_construct != e.constructed())
      throw Error("DER: " + tag_name(t) + " in the wrong primitive/constructed form");
  }
  if (!e.constructed()) return;
  if (depth + 1 > max_depth)
    throw Error("DER: nesting deeper than " + std::to_string(max_depth));
  Reader r(e.content, depth + 1, max_depth);
  while (!r.empty()) check_tree_rec(r.next(), depth + 1, max_depth);
}
}  // namespace

void check_tree(ByteView data, std::size_t max_depth) {
  check_tree_rec(parse_single(data, "top level"), 0, max_depth);
}

bool decode_boolean(const Element& e) {
  expect_tag(e, tag::kBoolean, "BOOLEAN");
  if (e.content.size() != 1) fail("BOOLEAN", "length must be 1");
  if (e.content[0] == 0xFF) return true;
  if (e.content[0] == 0x00) return false;
  fail("BOOLEAN", "value must be 0x00 or 0xFF (X.690 §11.1)");
}

void decode_null(const Element& e) {
  expect_tag(e, tag::kNull, "NULL");
  if (!e.content.empty()) fail("NULL", "length must be 0");
}

Bytes decode_integer(const Element& e) {
  expect_tag(e, tag::kInteger, "INTEGER");
  const ByteView c = e.content;
  if (c.empty()) fail("INTEGER", "empty contents");
  if (c.size() >= 2 && ((c[0] == 0x00 && (c[1] & 0x80) == 0) || (c[0] == 0xFF && (c[1] & 0x80) != 0)))
    fail("INTEGER", "not in minimal two's complement form (X.690 §8.3.2)");
  return Bytes(c.begin(), c.end());
}

std::int64_t decode_int64(const Element& e) {
  Bytes c = decode_integer(e);
  if (c.size() > 8) fail("INTEGER", "value does not fit in 64 bits");
  std::uint64_t v = (c[0] & 0x80) ? ~std::uint64_t{0} : 0;
  for (std::uint8_t b : c) v = (v << 8) | b;
  return static_cast<std::int64_t>(v);
}

Bytes decode_unsigned_integer(const Element& e) {
  Bytes c = decode_integer(e);
  if (c[0] & 0x80) fail("INTEGER", "negative value where a non-negative one is required");
  if (c.size() > 1 && c[0] == 0x00) c.erase(c.begin());
  return c;
}

std::string decode_oid(const Element& e) {
  expect_tag(e, tag::kOid, "OBJECT IDENTIFIER");
  const ByteView c = e.content;
  if (c.empty()) fail("OBJECT IDENTIFIER", "empty contents");
  if ((c.back() & 0x80) != 0) fail("OBJECT IDENTIFIER", "last subidentifier is truncated");
  std::string out;
  std::size_t i = 0;
  bool first = true;
  while (i < c.size()) {
    if (c[i] == 0x80) fail("OBJECT IDENTIFIER", "subidentifier not in minimal form (X.690 §8.19.2)");
    std::uint64_t v = 0;
    while (true) {
      if (v > (std::numeric_limits<std::uint64_t>::max() >> 7))
        fail("OBJECT IDENTIFIER", "subidentifier too large");
      v = (v << 7) | (c[i] & 0x7F);
      if ((c[i++] & 0x80) == 0) break;
    }
    if (first) {
      std::uint64_t a = v < 40 ? 0 : (v < 80 ? 1 : 2);
      out += std::to_string(a);
      out += '.';
      out += std::to_string(v - 40 * a);
      first = false;
    } else {
      out += '.';
      out += std::to_string(v);
    }
  }
  return out;
}

BitString decode_bit_string(const Element& e) {
  expect_tag(e, tag::kBitString, "BIT STRING");
  const ByteView c = e.content;
  if (c.empty()) fail("BIT STRING", "empty contents (the unused-bits octet is missing)");
  unsigned unused = c[0];
  if (unused > 7) fail("BIT STRING", "more than 7 unused bits");
  if (c.size() == 1 && unused != 0) fail("BIT STRING", "unused bits in an empty string");
  if (c.size() > 1 && (c.back() & ((1u << unused) - 1)) != 0)
    fail("BIT STRING", "unused bits are not zero (X.690 §11.2.1)");
  BitString b;
  b.bytes.assign(c.begin() + 1, c.end());
  b.unused_bits = unused;
  return b;
}

Bytes decode_octet_aligned_bit_string(const Element& e) {
  BitString b = decode_bit_string(e);
  if (b.unused_bits != 0) fail("BIT STRING", "expected whole octets (0 unused bits)");
  return std::move(b.bytes);
}

std::uint32_t decode_named_bit_string(const Element& e, unsigned max_bits) {
  BitString b = decode_bit_string(e);
  if (!b.bytes.empty() && b.bytes.back() == 0)
    fail("BIT STRING", "named bit list has trailing zero bits (X.690 §11.2.2)");
  if (!b.bytes.empty() && (b.bytes.back() & (1u << b.unused_bits)) == 0)
    fail("BIT STRING", "named bit list has trailing zero bits (X.690 §11.2.2)");
  std::size_t nbits = b.bytes.size() * 8 - b.unused_bits;
  if (nbits > max_bits || nbits > 32) fail("BIT STRING", "named bit beyond the defined bits");
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < nbits; ++i)
    if (b.bytes[i / 8] & (0x80u >> (i % 8))) v |= 1u << i;
  return v;
}

ByteView decode_octet_string(const Element& e) {
  expect_tag(e, tag::kOctetString, "OCTET STRING");
  return e.content;
}

std::string decode_string(const Element& e) {
  std::string_view s = as_chars(e.content);
  switch (e.tag) {
    case tag::kUtf8String:
      if (!is_valid_utf8(s)) fail("UTF8String", "ill-formed UTF-8");
      break;
    case tag::kPrintableString:
      for (char ch : s)
        if (!is_printable_char(static_cast<unsigned char>(ch)))
          fail("PrintableString", "character outside the PrintableString set");
      break;
    case tag::kIa5String:
      for (char ch : s)
        if (static_cast<unsigned char>(ch) >= 0x80) fail("IA5String", "byte above 0x7F");
      break;
    default:
      fail("string", "expected UTF8String, PrintableString or IA5String, got " + tag_name(e.tag));
  }
  return std::string(s);
}

Time decode_time(const Element& e) {
  std::string_view s = as_chars(e.content);
  CivilTime c{};
  std::size_t p;
  if (e.tag == tag::kUtcTime) {
    // RFC 5280 §4.1.2.5.1: YYMMDDHHMMSSZ, seconds present, Zulu; YY >= 50 is 19YY, else 20YY.
    if (s.size() != 13 || s[12] != 'Z') fail("UTCTime", "must be YYMMDDHHMMSSZ");
    int yy = parse_digits(s, 0, 2, "UTCTime");
    c.year = yy >= 50 ? 1900 + yy : 2000 + yy;
    p = 2;
  } else if (e.tag == tag::kGeneralizedTime) {
    // RFC 5280 §4.1.2.5.2: YYYYMMDDHHMMSSZ, no fractional seconds, Zulu.
    if (s.size() != 15 || s[14] != 'Z') fail("GeneralizedTime", "must be YYYYMMDDHHMMSSZ");
    c.year = parse_digits(s, 0, 4, "GeneralizedTime");
    p = 4;
  } else {
    fail("time", "expected UTCTime or GeneralizedTime, got " + tag_name(e.tag));
  }
  std::string_view what = e.tag == tag::kUtcTime ? "UTCTime" : "GeneralizedTime";
  c.month = parse_digits(s, p, 2, what);
  c.day = parse_digits(s, p + 2, 2, what);
  c.hour = parse_digits(s, p + 4, 2, what);
  c.minute = parse_digits(s, p + 6, 2, what);
  c.second = parse_digits(s, p + 8, 2, what);
  try {
    return to_time(c);
  } catch (const Error& err) {
    fail(what, err.what());
  }
}

}  // namespace pqcea::der
