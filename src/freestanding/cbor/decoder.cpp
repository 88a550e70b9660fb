// Strict deterministic CBOR decoder (RFC 8949). See include/pqcea/cbor.hpp for the contract.
//
// Bounds discipline: every read is preceded by a check of the form `n <= size - pos` (never
// `pos + n <= size`, which could wrap), so the decoder cannot read outside its input.
#include <cstring>

#include "pqcea/cbor.hpp"

namespace pqcea::cbor {

namespace {

int compare_keys(const std::uint8_t* a, std::size_t alen, const std::uint8_t* b, std::size_t blen) {
  const std::size_t n = alen < blen ? alen : blen;
  const int c = n == 0 ? 0 : std::memcmp(a, b, n);
  if (c != 0) return c;
  if (alen == blen) return 0;
  return alen < blen ? -1 : 1;
}

}  // namespace

// RFC 3629 §4 syntax: rejects overlong forms, UTF-16 surrogates (U+D800..U+DFFF) and code
// points above U+10FFFF. RFC 8949 §3.1 requires text strings to be valid UTF-8.
bool valid_utf8(std::span<const std::uint8_t> s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const std::uint8_t b0 = s[i];
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      len = 3;
      if (b0 == 0xE0) lo = 0xA0;  // overlong
      if (b0 == 0xED) hi = 0x9F;  // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      len = 4;
      if (b0 == 0xF0) lo = 0x90;  // overlong
      if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;  // continuation byte, C0/C1 (overlong) or F5..FF
    }
    if (n - i < len) return false;
    if (s[i + 1] < lo || s[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

Decoder::Decoder(std::span<const std::uint8_t> in) : in_(in) {
  frames_[0].kind = Kind::root;
  frames_[0].remaining = 1;  // exactly one top-level data item
}

Status Decoder::fail(Error e) {
  if (error_ == Error::none) error_ = e;
  return Status::decode_error;
}

// Decodes the head at `at` (and locates string content) without changing the decoder state.
Status Decoder::decode_head(std::size_t at, Item& item, std::size_t& next_pos) {
  const std::size_t size = in_.size();
  if (at >= size) return fail(Error::truncated);
  const std::uint8_t ib = in_[at];
  const auto major = static_cast<std::uint8_t>(ib >> 5);
  const auto ai = static_cast<std::uint8_t>(ib & 0x1F);
  std::size_t p = at + 1;

  if (major == 7) {
    // RFC 8949 §3.3: only the four simple values we use; floats are outside this profile,
    // 24 (one-byte simple value) carries only unassigned values, 28..30 are reserved and 31
    // is "break", which only ends indefinite-length items.
    if (ai >= 20 && ai <= 23) {
      item = Item{Major::simple, ai, {}};
      next_pos = p;
      return Status::ok;
    }
    if (ai >= 25 && ai <= 27) return fail(Error::float_not_supported);
    if (ai >= 28 && ai <= 30) return fail(Error::reserved_additional_info);
    if (ai == 31) return fail(Error::indefinite_length);
    return fail(Error::unsupported_simple);
  }

  std::uint64_t arg = 0;
  if (ai < 24) {
    arg = ai;
  } else if (ai <= 27) {
    const std::size_t n = std::size_t{1} << (ai - 24);  // 1, 2, 4 or 8 bytes
    if (size - p < n) return fail(Error::truncated);
    for (std::size_t i = 0; i < n; ++i) arg = (arg << 8) | in_[p + i];
    p += n;
    // RFC 8949 §4.2.1: the argument must use the shortest head that can hold it.
    const bool shortest = (ai == 24 && arg >= 24) || (ai == 25 && arg > 0xFF) ||
                          (ai == 26 && arg > 0xFFFF) || (ai == 27 && arg > 0xFFFFFFFFu);
    if (!shortest) return fail(Error::non_shortest);
  } else if (ai <= 30) {
    return fail(Error::reserved_additional_info);
  } else {
    // ai 31: indefinite length (majors 2..5) or not well-formed (0, 1, 6). Either way rejected:
    // deterministic encoding uses definite lengths only (§4.2.1).
    return fail(Error::indefinite_length);
  }

  item.major = static_cast<Major>(major);
  item.arg = arg;
  item.bytes = {};
  const std::size_t left = size - p;
  switch (item.major) {
    case Major::byte_string:
    case Major::text_string:
      if (arg > left) return fail(Error::length_exceeds_input);
      item.bytes = in_.subspan(p, static_cast<std::size_t>(arg));
      if (item.major == Major::text_string && !valid_utf8(item.bytes)) return fail(Error::invalid_utf8);
      p += static_cast<std::size_t>(arg);
      break;
    case Major::array:
      // Every element takes at least one byte: a count above what is left cannot be honest,
      // and rejecting it here keeps counters small.
      if (arg > left) return fail(Error::length_exceeds_input);
      break;
    case Major::map:
      if (arg > left / 2) return fail(Error::length_exceeds_input);
      break;
    case Major::tag:
      if (left == 0) return fail(Error::truncated);
      break;
    default:
      break;
  }
  next_pos = p;
  return Status::ok;
}

Status Decoder::peek(Item& item) {
  if (error_ != Error::none) return Status::decode_error;
  if (frames_[depth_].remaining == 0) {
    // Only the root can be complete here (containers pop when complete).
    return fail(pos_ < in_.size() ? Error::trailing_bytes : Error::truncated);
  }
  std::size_t next_pos = 0;
  Item tmp;
  const Status s = decode_head(pos_, tmp, next_pos);
  if (s != Status::ok) return s;
  item = tmp;
  return Status::ok;
}

// One item is complete: account for it in the enclosing containers, checking map key order.
Status Decoder::end_item() {
  for (;;) {
    Frame& f = frames_[depth_];
    if (f.kind == Kind::map && (f.remaining % 2) == 0) {
      const std::size_t klen = pos_ - f.key_start;
      if (f.has_prev_key) {
        // RFC 8949 §4.2.1: keys sorted bytewise; equal encodings are duplicates (§5.6).
        const int c =
            compare_keys(in_.data() + f.prev_key_start, f.prev_key_len, in_.data() + f.key_start, klen);
        if (c == 0) return fail(Error::duplicate_key);
        if (c > 0) return fail(Error::unsorted_keys);
      }
      f.prev_key_start = f.key_start;
      f.prev_key_len = klen;
      f.has_prev_key = true;
    }
    --f.remaining;
    if (f.remaining != 0 || depth_ == 0) return Status::ok;
    --depth_;
  }
}

Status Decoder::next(Item& item) {
  if (error_ != Error::none) return Status::decode_error;
  Frame& top = frames_[depth_];
  if (top.remaining == 0) return fail(pos_ < in_.size() ? Error::trailing_bytes : Error::truncated);
  std::size_t next_pos = 0;
  Item tmp;
  const Status s = decode_head(pos_, tmp, next_pos);
  if (s != Status::ok) return s;

  if (top.kind == Kind::map && (top.remaining % 2) == 0) top.key_start = pos_;
  pos_ = next_pos;

  const bool container = tmp.major == Major::array || tmp.major == Major::map || tmp.major == Major::tag;
  if (container && !(tmp.arg == 0 && tmp.major != Major::tag)) {
    if (depth_ >= kMaxDepth) return fail(Error::too_deep);
    Frame& f = frames_[++depth_];
    f = Frame{};
    f.kind = tmp.major == Major::array ? Kind::array : tmp.major == Major::map ? Kind::map : Kind::tag;
    // Counts were bounded by the input size in decode_head(), so they fit size_t.
    const auto count = static_cast<std::size_t>(tmp.arg);
    f.remaining = tmp.major == Major::map ? 2 * count : tmp.major == Major::array ? count : 1;
  } else {
    const Status e = end_item();
    if (e != Status::ok) return e;
  }
  item = tmp;
  return Status::ok;
}

Status Decoder::read_uint(std::uint64_t& v) {
  Item it;
  if (peek(it) != Status::ok) return Status::decode_error;
  if (it.major != Major::unsigned_int) return fail(Error::unexpected_type);
  if (next(it) != Status::ok) return Status::decode_error;
  v = it.arg;
  return Status::ok;
}

Status Decoder::read_int(std::int64_t& v) {
  Item it;
  if (peek(it) != Status::ok) return Status::decode_error;
  if (it.major != Major::unsigned_int && it.major != Major::negative_int) return fail(Error::unexpected_type);
  if (it.arg > static_cast<std::uint64_t>(INT64_MAX)) return fail(Error::value_out_of_range);
  if (next(it) != Status::ok) return Status::decode_error;
  // RFC 8949 §3.1: a negative integer's value is -1 - argument.
  v = it.major == Major::unsigned_int ? static_cast<std::int64_t>(it.arg) : -1 - static_cast<std::int64_t>(it.arg);
  return Status::ok;
}

Status Decoder::read_bytes(std::span<const std::uint8_t>& b) {
  Item it;
  if (peek(it) != Status::ok) return Status::decode_error;
  if (it.major != Major::byte_string) return fail(Error::unexpected_type);
  if (next(it) != Status::ok) return Status::decode_error;
  b = it.bytes;
  return Status::ok;
}

Status Decoder::read_text(std::string_view& s) {
  Item it;
  if (peek(it) != Status::ok) return Status::decode_error;
  if (it.major != Major::text_string) return fail(Error::unexpected_type);
  if (next(it) != Status::ok) return Status::decode_error;
  s = std::string_view(reinterpret_cast<const char*>(it.bytes.data()), it.bytes.size());
  return Status::ok;
}

Status Decoder::read_bool(bool& v) {
  Item it;
  if (peek(it) != Status::ok) return Status::decode_error;
  if (it.major != Major::simple || (it.arg != kSimpleFalse && it.arg != kSimpleTrue)) {
    return fail(Error::unexpected_type);
  }
  if (next(it) != Status::ok) return Status::decode_error;
  v = it.arg == kSimpleTrue;
  return Status::ok;
}

Status Decoder::read_null() {
  Item it;
  if (peek(it) != Status::ok) return Status::decode_error;
  if (it.major != Major::simple || it.arg != kSimpleNull) return fail(Error::unexpected_type);
  return next(it);
}

Status Decoder::read_tag(std::uint64_t& tag) {
  Item it;
  if (peek(it) != Status::ok) return Status::decode_error;
  if (it.major != Major::tag) return fail(Error::unexpected_type);
  if (next(it) != Status::ok) return Status::decode_error;
  tag = it.arg;
  return Status::ok;
}

Status Decoder::read_array(std::uint64_t& count) {
  Item it;
  if (peek(it) != Status::ok) return Status::decode_error;
  if (it.major != Major::array) return fail(Error::unexpected_type);
  if (next(it) != Status::ok) return Status::decode_error;
  count = it.arg;
  return Status::ok;
}

Status Decoder::read_map(std::uint64_t& pairs) {
  Item it;
  if (peek(it) != Status::ok) return Status::decode_error;
  if (it.major != Major::map) return fail(Error::unexpected_type);
  if (next(it) != Status::ok) return Status::decode_error;
  pairs = it.arg;
  return Status::ok;
}

Status Decoder::skip() {
  if (error_ != Error::none) return Status::decode_error;
  // A scalar leaves the depth unchanged; a container raises it until its last element is read
  // (containers close themselves), so the item is done once the depth is back to d or below.
  const std::size_t d = depth_;
  Item it;
  do {
    if (next(it) != Status::ok) return Status::decode_error;
  } while (depth_ > d);
  return Status::ok;
}

Status Decoder::finish() {
  if (error_ != Error::none) return Status::decode_error;
  if (depth_ != 0 || frames_[0].remaining != 0) return fail(Error::incomplete);
  if (pos_ != in_.size()) return fail(Error::trailing_bytes);
  return Status::ok;
}

}  // namespace pqcea::cbor
