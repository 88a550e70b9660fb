// Deterministic CBOR encoder (RFC 8949 §4.2.1). See include/pqcea/cbor.hpp for the contract.
#include <cstring>

#include "pqcea/cbor.hpp"

namespace pqcea::cbor {

namespace {

// Bytewise lexicographic comparison of two encoded keys (RFC 8949 §4.2.1): a shorter key that
// is a prefix of a longer one sorts first. Returns <0, 0, >0.
int compare_keys(const std::uint8_t* a, std::size_t alen, const std::uint8_t* b, std::size_t blen) {
  const std::size_t n = alen < blen ? alen : blen;
  const int c = n == 0 ? 0 : std::memcmp(a, b, n);
  if (c != 0) return c;
  if (alen == blen) return 0;
  return alen < blen ? -1 : 1;
}

}  // namespace

void Encoder::fail(Status s, Error e) {
  if (status_ == Status::ok) {
    status_ = s;
    error_ = e;
  }
}

// Writes a head in its shortest form (RFC 8949 §3 and §4.2.1 first bullet).
void Encoder::write_head(std::uint8_t major, std::uint64_t arg) {
  const std::size_t n = head_size(arg);
  if (out_.size() - pos_ < n) {
    fail(Status::buffer_too_small, Error::buffer_too_small);
    return;
  }
  std::uint8_t* p = out_.data() + pos_;
  const auto ib = static_cast<std::uint8_t>(major << 5);
  switch (n) {
    case 1: p[0] = static_cast<std::uint8_t>(ib | arg); break;
    case 2: p[0] = static_cast<std::uint8_t>(ib | 24); break;
    case 3: p[0] = static_cast<std::uint8_t>(ib | 25); break;
    case 5: p[0] = static_cast<std::uint8_t>(ib | 26); break;
    default: p[0] = static_cast<std::uint8_t>(ib | 27); break;
  }
  for (std::size_t i = 1; i < n; ++i) p[i] = static_cast<std::uint8_t>(arg >> (8 * (n - 1 - i)));
  pos_ += n;
}

bool Encoder::begin_item() {
  if (status_ != Status::ok) return false;
  Frame& f = frames_[depth_];
  // A key starts when a map expects an even number of items: keys and values alternate and
  // the count started at 2 * pairs.
  if (f.kind == Kind::map && (f.remaining % 2) == 0) f.key_start = pos_;
  return true;
}

// Called when an item is completely written. Closes every container it completes.
void Encoder::end_item() {
  while (status_ == Status::ok && depth_ > 0) {
    Frame& f = frames_[depth_];
    if (f.kind == Kind::map && (f.remaining % 2) == 0) {
      // The completed item was a key: it must sort strictly after the previous key of this
      // map (RFC 8949 §4.2.1); equality would be a duplicate key (§5.6).
      const std::size_t klen = pos_ - f.key_start;
      if (f.has_prev_key) {
        const int c = compare_keys(out_.data() + f.prev_key_start, f.prev_key_len,
                                   out_.data() + f.key_start, klen);
        if (c >= 0) {
          fail(Status::invalid_argument, c == 0 ? Error::duplicate_key : Error::unsorted_keys);
          return;
        }
      }
      f.prev_key_start = f.key_start;
      f.prev_key_len = klen;
      f.has_prev_key = true;
    }
    if (--f.remaining != 0) return;
    if (f.kind == Kind::wrap) {
      // Move the content back so the byte-string head is in shortest form.
      const std::size_t content = f.start + 5;
      const std::size_t len = pos_ - content;
      if (len > 0xFFFFFFFFu) {
        fail(Status::buffer_too_small, Error::buffer_too_small);
        return;
      }
      const std::size_t h = head_size(len);
      pos_ = f.start;
      write_head(2, len);  // cannot fail: the 5 reserved bytes are free
      std::memmove(out_.data() + f.start + h, out_.data() + content, len);
      pos_ = f.start + h + len;
    }
    --depth_;  // the finished container is one item of its parent: loop once more
  }
}

bool Encoder::push(Kind kind, std::uint64_t remaining, std::size_t start) {
  if (depth_ >= kMaxDepth) {
    fail(Status::invalid_argument, Error::too_deep);
    return false;
  }
  Frame& f = frames_[++depth_];
  f = Frame{};
  f.kind = kind;
  f.remaining = remaining;
  f.start = start;
  return true;
}

void Encoder::add_uint(std::uint64_t v) {
  if (!begin_item()) return;
  write_head(0, v);
  end_item();
}

void Encoder::add_int(std::int64_t v) {
  if (v >= 0) {
    add_uint(static_cast<std::uint64_t>(v));
  } else {
    add_negative(static_cast<std::uint64_t>(-(v + 1)));  // RFC 8949 §3.1: value is -1 - arg
  }
}

void Encoder::add_negative(std::uint64_t n) {
  if (!begin_item()) return;
  write_head(1, n);
  end_item();
}

void Encoder::add_bytes(std::span<const std::uint8_t> b) {
  if (!begin_item()) return;
  write_head(2, b.size());
  if (status_ != Status::ok) return;
  if (out_.size() - pos_ < b.size()) {
    fail(Status::buffer_too_small, Error::buffer_too_small);
    return;
  }
  // Copy before end_item(): completing this item may close a wrapped bstr, which moves the
  // bytes just written.
  if (!b.empty()) std::memcpy(out_.data() + pos_, b.data(), b.size());
  pos_ += b.size();
  end_item();
}

bool Encoder::closes_wrap() const {
  // Would completing one item here close a wrapped byte string (directly or through the
  // containers it completes)? Containers with one item left close with it.
  for (std::size_t d = depth_; d > 0; --d) {
    const Frame& f = frames_[d];
    if (f.remaining != 1) return false;
    if (f.kind == Kind::wrap) return true;
  }
  return false;
}

std::span<std::uint8_t> Encoder::add_bytes_in_place(std::size_t n) {
  if (status_ != Status::ok) return {};
  // The span handed back must stay where it is; a wrapped bstr closing would move it.
  if (closes_wrap()) {
    fail(Status::invalid_argument, Error::bad_call);
    return {};
  }
  if (!begin_item()) return {};
  write_head(2, n);
  if (status_ != Status::ok) return {};
  if (out_.size() - pos_ < n) {
    fail(Status::buffer_too_small, Error::buffer_too_small);
    return {};
  }
  std::span<std::uint8_t> dst = out_.subspan(pos_, n);
  pos_ += n;
  end_item();
  if (status_ != Status::ok) return {};
  return dst;
}

void Encoder::add_text(std::string_view s) {
  if (!begin_item()) return;
  write_head(3, s.size());
  if (status_ != Status::ok) return;
  if (out_.size() - pos_ < s.size()) {
    fail(Status::buffer_too_small, Error::buffer_too_small);
    return;
  }
  if (!s.empty()) std::memcpy(out_.data() + pos_, s.data(), s.size());
  pos_ += s.size();
  end_item();
}

void Encoder::add_bool(bool v) {
  if (!begin_item()) return;
  write_head(7, v ? kSimpleTrue : kSimpleFalse);
  end_item();
}

void Encoder::add_null() {
  if (!begin_item()) return;
  write_head(7, kSimpleNull);
  end_item();
}

void Encoder::add_undefined() {
  if (!begin_item()) return;
  write_head(7, kSimpleUndefined);
  end_item();
}

void Encoder::add_tag(std::uint64_t tag) {
  if (!begin_item()) return;
  write_head(6, tag);
  if (status_ != Status::ok) return;
  push(Kind::tag, 1, 0);
}

void Encoder::begin_array(std::uint64_t count) {
  if (!begin_item()) return;
  write_head(4, count);
  if (status_ != Status::ok) return;
  if (count == 0) {
    end_item();
  } else {
    push(Kind::array, count, 0);
  }
}

void Encoder::begin_map(std::uint64_t pairs) {
  if (!begin_item()) return;
  if (pairs > UINT64_MAX / 2) {
    fail(Status::invalid_argument, Error::bad_call);
    return;
  }
  write_head(5, pairs);
  if (status_ != Status::ok) return;
  if (pairs == 0) {
    end_item();
  } else {
    push(Kind::map, 2 * pairs, 0);
  }
}

void Encoder::begin_bstr_wrapped() {
  if (!begin_item()) return;
  if (out_.size() - pos_ < 5) {
    fail(Status::buffer_too_small, Error::buffer_too_small);
    return;
  }
  const std::size_t start = pos_;
  pos_ += 5;  // reserved head, fixed up when the one wrapped item completes
  if (!push(Kind::wrap, 1, start)) pos_ = start;
}

Status Encoder::finish(std::size_t& len) const {
  if (status_ != Status::ok) return status_;
  if (depth_ != 0) return Status::invalid_argument;  // a container still expects items
  len = pos_;
  return Status::ok;
}

const char* to_string(Error e) {
  switch (e) {
    case Error::none: return "none";
    case Error::truncated: return "truncated input";
    case Error::reserved_additional_info: return "reserved additional information value";
    case Error::indefinite_length: return "indefinite length or break";
    case Error::non_shortest: return "argument not in shortest form";
    case Error::unsupported_simple: return "unsupported simple value";
    case Error::float_not_supported: return "floating-point value not supported";
    case Error::length_exceeds_input: return "length exceeds input";
    case Error::too_deep: return "nesting too deep";
    case Error::duplicate_key: return "duplicate map key";
    case Error::unsorted_keys: return "map keys not in deterministic order";
    case Error::trailing_bytes: return "trailing bytes after the data item";
    case Error::invalid_utf8: return "text string is not valid UTF-8";
    case Error::unexpected_type: return "unexpected data item type";
    case Error::value_out_of_range: return "value out of range";
    case Error::incomplete: return "data item incomplete";
    case Error::buffer_too_small: return "output buffer too small";
    case Error::bad_call: return "encoder misuse";
  }
  return "unknown";
}

}  // namespace pqcea::cbor
