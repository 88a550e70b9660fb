// Deterministic CBOR (RFC 8949): an encoder that writes into a caller-supplied buffer and a strict
// pull decoder. Both are freestanding: no heap, no exceptions, fixed nesting bound.
//
// What "deterministic" means here is RFC 8949 §4.2.1 (core deterministic encoding):
//   - integers, lengths and tag numbers in their shortest form (§4.2.1, first bullet);
//   - definite lengths only (no indefinite-length strings, arrays or maps);
//   - map keys sorted by the bytewise lexicographic order of their encodings, no duplicates.
// The encoder enforces all three (keys must be added in order; an out-of-order or repeated key
// is an error, not silently re-sorted). The decoder accepts exactly that subset and rejects
// anything else, so one value has exactly one accepted encoding.
//
// Out of this profile on purpose: floating point (major type 7, additional info 25..27) and
// simple values other than false/true/null/undefined. Attestation data never needs them and
// every accepted shape is one more thing a verifier must reason about.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "pqcea/core/status.hpp"

namespace pqcea::cbor {

// RFC 8949 §3.1 major types.
enum class Major : std::uint8_t {
  unsigned_int = 0,
  negative_int = 1,
  byte_string = 2,
  text_string = 3,
  array = 4,
  map = 5,
  tag = 6,
  simple = 7,  // only false (20), true (21), null (22), undefined (23) are accepted
};

// Simple values accepted (RFC 8949 §3.3).
inline constexpr std::uint8_t kSimpleFalse = 20;
inline constexpr std::uint8_t kSimpleTrue = 21;
inline constexpr std::uint8_t kSimpleNull = 22;
inline constexpr std::uint8_t kSimpleUndefined = 23;

// Maximum container nesting (arrays, maps, tags and wrapped byte strings each count one level).
// A fixed bound keeps the decoder's state on the stack and stops stack/CPU exhaustion attacks.
inline constexpr std::size_t kMaxDepth = 16;

// Why a decode or encode failed, finer than Status (which stays decode_error / buffer_too_small /
// invalid_argument). Tests assert the exact reason so a rejection for the wrong cause cannot pass.
enum class Error : std::uint8_t {
  none = 0,
  truncated,                 // input ends inside an item
  reserved_additional_info,  // additional info 28..30 (RFC 8949 §3: not well-formed)
  indefinite_length,         // additional info 31 (indefinite length or "break")
  non_shortest,              // argument not in its shortest form (§4.2.1)
  unsupported_simple,        // simple value other than false/true/null/undefined
  float_not_supported,       // half/single/double floats are outside this profile
  length_exceeds_input,      // string length or element count larger than what remains
  too_deep,                  // nesting beyond kMaxDepth
  duplicate_key,             // two equal map keys (§5.6: not valid)
  unsorted_keys,             // map keys not in bytewise order of their encodings (§4.2.1)
  trailing_bytes,            // bytes after the single top-level item
  invalid_utf8,              // text string not valid UTF-8 (§5.3.1)
  unexpected_type,           // typed read found a different major type / simple value
  value_out_of_range,        // integer does not fit the requested type
  incomplete,                // finish() while a container is still open
  buffer_too_small,          // encoder: output buffer full
  bad_call,                  // encoder: wrong use (key order, too many items, too deep)
};

const char* to_string(Error e);

// ------------------------------------------------------------------------------------------
// Encoder
// ------------------------------------------------------------------------------------------
// Writes one or more data items into `out`. Errors are sticky: after the first failure every
// further call is a no-op, and status()/finish() report the first failure. Nothing is ever
// written past the end of `out`.
//
// Containers close themselves: begin_array(n) expects exactly n items, begin_map(n) exactly n
// key/value pairs, add_tag(t) exactly one item, begin_bstr_wrapped() exactly one item (the
// "bstr .cbor" pattern COSE uses). When the last item of a container is written the container
// is complete and counts as one item of its parent.
//
// begin_bstr_wrapped() reserves a 5-byte head, writes the content after it, then moves the
// content back so the head is in shortest form. It therefore needs up to 4 bytes of slack
// in `out` beyond the final size.
class Encoder {
 public:
  explicit Encoder(std::span<std::uint8_t> out) : out_(out) {}

  void add_uint(std::uint64_t v);
  void add_int(std::int64_t v);
  // Encodes the negative integer -1-n (major type 1 with argument n), covering the whole CBOR
  // range down to -2^64, which int64_t cannot express.
  void add_negative(std::uint64_t n);
  void add_bytes(std::span<const std::uint8_t> b);
  void add_text(std::string_view s);  // the caller vouches for UTF-8 (our strings are ASCII)
  void add_bool(bool v);
  void add_null();
  void add_undefined();
  void add_tag(std::uint64_t tag);
  void begin_array(std::uint64_t count);
  void begin_map(std::uint64_t pairs);
  void begin_bstr_wrapped();
  // Writes the head of a byte string of length n and hands back the n bytes to fill in place
  // (used for signatures produced straight into the token). Empty span on error. Refused
  // (invalid_argument) where the string would complete a begin_bstr_wrapped() item, because
  // closing the wrap moves the content and the span would no longer point at it.
  [[nodiscard]] std::span<std::uint8_t> add_bytes_in_place(std::size_t n);

  // ok, buffer_too_small (out of space) or invalid_argument (wrong use: unsorted or duplicate
  // map key, too deep, container counts).
  [[nodiscard]] Status status() const { return status_; }
  [[nodiscard]] Error error() const { return error_; }
  // ok only if no error occurred and every container is complete; len = bytes written.
  [[nodiscard]] Status finish(std::size_t& len) const;

  std::size_t size() const { return pos_; }
  std::size_t depth() const { return depth_; }
  // Items still expected by the innermost open container (0 at top level).
  std::uint64_t remaining_in_container() const { return depth_ == 0 ? 0 : frames_[depth_].remaining; }
  std::span<const std::uint8_t> written() const { return {out_.data(), pos_}; }
  std::span<std::uint8_t> buffer() { return out_; }

 private:
  enum class Kind : std::uint8_t { root, array, map, tag, wrap };
  struct Frame {
    std::uint64_t remaining = 0;  // items still expected (maps count keys and values)
    std::size_t start = 0;        // wrap: offset of the reserved head
    std::size_t key_start = 0;    // map: offset where the current key began
    std::size_t prev_key_start = 0;
    std::size_t prev_key_len = 0;
    bool has_prev_key = false;
    Kind kind = Kind::root;
  };

  bool begin_item();
  void end_item();
  bool closes_wrap() const;
  void write_head(std::uint8_t major, std::uint64_t arg);
  bool push(Kind kind, std::uint64_t remaining, std::size_t start);
  void fail(Status s, Error e);

  std::span<std::uint8_t> out_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
  std::array<Frame, kMaxDepth + 1> frames_{};
  Status status_ = Status::ok;
  Error error_ = Error::none;
};

// ------------------------------------------------------------------------------------------
// Decoder
// ------------------------------------------------------------------------------------------
// One data item as seen by the pull decoder.
struct Item {
  Major major = Major::unsigned_int;
  // unsigned_int / negative_int: the argument (value, or -1-value for negatives);
  // byte/text string: length; array: element count; map: number of pairs; tag: tag number;
  // simple: the simple value (20..23).
  std::uint64_t arg = 0;
  std::span<const std::uint8_t> bytes;  // string content (byte and text strings)
};

// A strict pull decoder over exactly one top-level data item. It never reads outside `in`,
// keeps its container stack in a fixed array, and checks while it reads:
// well-formedness, shortest-form arguments, definite lengths, lengths within the input,
// UTF-8 of text strings, nesting bound, map key order and uniqueness, and (in finish())
// that the single item was complete and no bytes follow it.
// Errors are sticky: after the first failure every call returns Status::decode_error.
class Decoder {
 public:
  explicit Decoder(std::span<const std::uint8_t> in);

  // Consumes the next item's head (and, for strings, its content). Containers and tags are
  // entered: their elements follow as further items.
  [[nodiscard]] Status next(Item& item);
  // Decodes the next item's head without consuming it.
  [[nodiscard]] Status peek(Item& item);

  // Typed reads: consume the next item if it has the requested type, else Error::unexpected_type.
  [[nodiscard]] Status read_uint(std::uint64_t& v);
  [[nodiscard]] Status read_int(std::int64_t& v);
  [[nodiscard]] Status read_bytes(std::span<const std::uint8_t>& b);
  [[nodiscard]] Status read_text(std::string_view& s);
  [[nodiscard]] Status read_bool(bool& v);
  [[nodiscard]] Status read_null();
  [[nodiscard]] Status read_tag(std::uint64_t& tag);
  [[nodiscard]] Status read_array(std::uint64_t& count);
  [[nodiscard]] Status read_map(std::uint64_t& pairs);
  // Skips the next complete item (a container with everything in it), checking it all.
  [[nodiscard]] Status skip();

  // ok only if the one top-level item is complete and nothing follows it.
  [[nodiscard]] Status finish();

  // Marks the decoder failed with a reason found by the caller (e.g. a schema violation), so
  // later calls fail too. Returns Status::decode_error for convenient `return d.fail(...)`.
  Status fail(Error e);

  Error error() const { return error_; }
  std::size_t offset() const { return pos_; }
  std::size_t depth() const { return depth_; }
  bool at_end() const { return pos_ == in_.size(); }
  // Items still expected by the innermost open container (for a map: keys plus values).
  std::uint64_t remaining_in_container() const { return frames_[depth_].remaining; }

 private:
  enum class Kind : std::uint8_t { root, array, map, tag };
  struct Frame {
    // size_t suffices: decode_head() refuses counts larger than the bytes left in the input.
    std::size_t remaining = 0;
    std::size_t key_start = 0;
    std::size_t prev_key_start = 0;
    std::size_t prev_key_len = 0;
    bool has_prev_key = false;
    Kind kind = Kind::root;
  };

  Status decode_head(std::size_t at, Item& item, std::size_t& next_pos);
  Status end_item();

  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
  std::array<Frame, kMaxDepth + 1> frames_{};
  Error error_ = Error::none;
};

// Length of the head for an argument (1, 2, 3, 5 or 9 bytes; RFC 8949 §3).
constexpr std::size_t head_size(std::uint64_t arg) {
  return arg < 24 ? 1 : arg <= 0xFF ? 2 : arg <= 0xFFFF ? 3 : arg <= 0xFFFFFFFFu ? 5 : 9;
}
// Encoded size of a byte or text string of length n.
constexpr std::size_t string_size(std::size_t n) { return head_size(n) + n; }
// Encoded size of an integer.
constexpr std::size_t int_size(std::int64_t v) {
  return v >= 0 ? head_size(static_cast<std::uint64_t>(v))
                : head_size(static_cast<std::uint64_t>(-(v + 1)));
}

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool valid_utf8(std::span<const std::uint8_t> s);

}  // namespace pqcea::cbor
