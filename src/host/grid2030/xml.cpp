// Strict bounded reader and writer for the 2030.5 XML subset (see xml.hpp; XML 1.0 §2-4).
#include "xml.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace pqcea::grid2030::xml {

const std::string* Element::attribute(std::string_view key) const {
  for (const auto& [k, v] : attributes)
    if (k == key) return &v;
  return nullptr;
}

Element& Element::add(std::string child_name, std::string child_text) {
  children.push_back(Element{std::move(child_name), {}, std::move(child_text), {}});
  return children.back();
}

Element& Element::set(std::string key, std::string value) {
  attributes.emplace_back(std::move(key), std::move(value));
  return *this;
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// XML 1.0 §2.2 Char: tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF.
bool is_xml_char(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

class Parser {
 public:
  Parser(std::string_view doc, const Limits& limits) : doc_(doc), limits_(limits) {}

  Element document() {
    if (doc_.size() > limits_.max_document_bytes) fail("document larger than " + std::to_string(limits_.max_document_bytes) + " bytes");
    check_utf8();
    if (starts_with("\xEF\xBB\xBF")) pos_ += 3;  // a UTF-8 byte order mark is allowed (XML 1.0 §4.3.3)
    if (starts_with("<?xml")) declaration();
    skip_space();
    if (starts_with("<!DOCTYPE")) fail("DOCTYPE not accepted");
    if (!starts_with("<")) fail("expected the root element");
    Element root = element(1);
    skip_space();
    if (pos_ != doc_.size()) fail("content after the root element");
    const std::string* ns = root.attribute("xmlns");
    if (ns == nullptr || *ns != kSepNamespace) fail("root element not in namespace " + std::string(kSepNamespace));
    std::erase_if(root.attributes, [](const auto& a) { return a.first == "xmlns" || a.first == "xmlns:xsi"; });
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw Error("XML at byte " + std::to_string(pos_) + ": " + why);
  }
  bool starts_with(std::string_view s) const { return doc_.substr(pos_).starts_with(s); }
  void skip_space() {
    while (pos_ < doc_.size() && is_space(doc_[pos_])) ++pos_;
  }
  void expect(char c) {
    if (pos_ >= doc_.size() || doc_[pos_] != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }

  // Every byte sequence well-formed UTF-8 (no overlongs, no surrogates) and an XML Char.
  void check_utf8() {
    const auto* p = reinterpret_cast<const unsigned char*>(doc_.data());
    for (std::size_t i = 0; i < doc_.size();) {
      std::uint32_t cp = p[i];
      std::size_t n = 0;
      if (cp < 0x80) n = 0;
      else if ((cp & 0xE0) == 0xC0) { n = 1; cp &= 0x1F; }
      else if ((cp & 0xF0) == 0xE0) { n = 2; cp &= 0x0F; }
      else if ((cp & 0xF8) == 0xF0) { n = 3; cp &= 0x07; }
      else { pos_ = i; fail("ill-formed UTF-8"); }
      if (i + n >= doc_.size() && n != 0) { pos_ = i; fail("truncated UTF-8"); }
      for (std::size_t k = 1; k <= n; ++k) {
        if ((p[i + k] & 0xC0) != 0x80) { pos_ = i; fail("ill-formed UTF-8"); }
        cp = (cp << 6) | (p[i + k] & 0x3F);
      }
      static constexpr std::uint32_t kMinForLength[4] = {0, 0x80, 0x800, 0x10000};
      pos_ = i;
      if (cp < kMinForLength[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) fail("ill-formed UTF-8");
      if (!is_xml_char(cp)) fail("character not allowed in XML");
      i += n + 1;
    }
    pos_ = 0;
  }

  std::string name() {
    const std::size_t start = pos_;
    if (pos_ >= doc_.size() || !is_name_start(doc_[pos_])) fail("expected a name");
    while (pos_ < doc_.size() && (is_name_char(doc_[pos_]) || doc_[pos_] == ':')) ++pos_;
    if (pos_ - start > limits_.max_name_bytes) fail("name longer than " + std::to_string(limits_.max_name_bytes) + " bytes");
    return std::string(doc_.substr(start, pos_ - start));
  }

  // Character data up to `stop` with references replaced (XML 1.0 §4.1, §4.6).
  std::string char_data(char stop) {
    std::string out;
    while (pos_ < doc_.size() && doc_[pos_] != stop) {
      const char c = doc_[pos_];
      if (c == '<') fail("'<' in attribute value");
      if (c == '&') {
        reference(out);
      } else {
        out += c;
        ++pos_;
      }
      if (out.size() > limits_.max_text_bytes) fail("value longer than " + std::to_string(limits_.max_text_bytes) + " bytes");
    }
    return out;
  }

  void reference(std::string& out) {
    const std::size_t semi = doc_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 10) fail("unterminated reference");
    const std::string_view ref = doc_.substr(pos_ + 1, semi - pos_ - 1);
    if (ref == "lt") out += '<';
    else if (ref == "gt") out += '>';
    else if (ref == "amp") out += '&';
    else if (ref == "quot") out += '"';
    else if (ref == "apos") out += '\'';
    else if (ref.size() >= 2 && ref[0] == '#') {
      const bool hex = ref[1] == 'x';
      const std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) fail("empty character reference");
      std::uint32_t cp = 0;
      for (char d : digits) {
        int v = -1;
        if (d >= '0' && d <= '9') v = d - '0';
        else if (hex && d >= 'a' && d <= 'f') v = d - 'a' + 10;
        else if (hex && d >= 'A' && d <= 'F') v = d - 'A' + 10;
        if (v < 0) fail("bad character reference");
        cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
        if (cp > 0x10FFFF) fail("character reference out of range");
      }
      if (!is_xml_char(cp) || (cp >= 0xD800 && cp <= 0xDFFF)) fail("character reference to a non-XML character");
      append_utf8(out, cp);
    } else {
      fail("entity reference '&" + std::string(ref) + ";' not accepted");
    }
    pos_ = semi + 1;
  }

  // <?xml version="1.0" encoding="UTF-8" standalone="yes"?> (XML 1.0 §2.8), nothing else.
  void declaration() {
    pos_ += 5;
    bool saw_version = false;
    for (;;) {
      const std::size_t before = pos_;
      skip_space();
      if (starts_with("?>")) {
        pos_ += 2;
        break;
      }
      if (pos_ == before) fail("malformed XML declaration");
      const std::string key = name();
      skip_space();
      expect('=');
      skip_space();
      const char q = pos_ < doc_.size() ? doc_[pos_] : '\0';
      if (q != '"' && q != '\'') fail("expected a quoted value");
      ++pos_;
      const std::size_t end = doc_.find(q, pos_);
      if (end == std::string_view::npos || end - pos_ > 16) fail("malformed XML declaration");
      std::string value(doc_.substr(pos_, end - pos_));
      pos_ = end + 1;
      std::transform(value.begin(), value.end(), value.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
      if (key == "version" && !saw_version && value == "1.0") saw_version = true;
      else if (key == "encoding" && saw_version && value == "utf-8") {}
      else if (key == "standalone" && saw_version && (value == "yes" || value == "no")) {}
      else fail("XML declaration: " + key + "=\"" + value + "\" not accepted");
    }
    if (!saw_version) fail("XML declaration without version");
  }

  Element element(std::size_t depth) {
    if (depth > limits_.max_depth) fail("nesting deeper than " + std::to_string(limits_.max_depth));
    if (++element_count_ > limits_.max_elements) fail("more than " + std::to_string(limits_.max_elements) + " elements");
    expect('<');
    if (starts_with("!--")) fail("comments not accepted");
    if (starts_with("![CDATA[")) fail("CDATA not accepted");
    if (starts_with("?")) fail("processing instructions not accepted");
    if (starts_with("!")) fail("markup declarations not accepted");
    Element e;
    e.name = name();
    if (e.name.find(':') != std::string::npos) fail("prefixed element <" + e.name + "> not accepted");
    for (;;) {
      const std::size_t before = pos_;
      skip_space();
      if (starts_with("/>")) {
        pos_ += 2;
        return e;
      }
      if (starts_with(">")) {
        ++pos_;
        break;
      }
      if (pos_ == before) fail("expected whitespace before an attribute");
      attribute(e, depth);
    }
    content(e, depth);
    return e;
  }

  void attribute(Element& e, std::size_t depth) {
    std::string key = name();
    skip_space();
    expect('=');
    skip_space();
    const char q = pos_ < doc_.size() ? doc_[pos_] : '\0';
    if (q != '"' && q != '\'') fail("expected a quoted attribute value");
    ++pos_;
    std::string value = char_data(q);
    expect(q);
    if (e.attribute(key) != nullptr) fail("duplicate attribute " + key);
    if (e.attributes.size() >= limits_.max_attributes) fail("too many attributes on <" + e.name + ">");
    const bool root = depth == 1;
    if (key == "xmlns") {
      if (!root) fail("namespace declaration below the root");
    } else if (key == "xmlns:xsi") {
      if (!root || value != "http://www.w3.org/2001/XMLSchema-instance") fail("unexpected xmlns:xsi");
    } else if (key.find(':') != std::string::npos) {
      fail("prefixed attribute " + key + " not accepted");
    }
    e.attributes.emplace_back(std::move(key), std::move(value));
  }

  void content(Element& e, std::size_t depth) {
    std::string text;
    for (;;) {
      if (pos_ >= doc_.size()) fail("unterminated <" + e.name + ">");
      if (starts_with("</")) {
        pos_ += 2;
        const std::string closing = name();
        if (closing != e.name) fail("</" + closing + "> closes <" + e.name + ">");
        skip_space();
        expect('>');
        break;
      }
      if (doc_[pos_] == '<') {
        e.children.push_back(element(depth + 1));
        continue;
      }
      if (doc_[pos_] == '&') {
        reference(text);
      } else {
        text += doc_[pos_++];
      }
      if (text.size() > limits_.max_text_bytes) fail("text of <" + e.name + "> longer than " + std::to_string(limits_.max_text_bytes) + " bytes");
    }
    if (!e.children.empty()) {
      if (!std::all_of(text.begin(), text.end(), is_space)) fail("mixed content in <" + e.name + ">");
    } else {
      e.text = std::move(text);
    }
  }

  std::string_view doc_;
  const Limits& limits_;
  std::size_t pos_ = 0;
  std::size_t element_count_ = 0;
};

void escape(std::string& out, std::string_view s, bool attribute) {
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\r': out += "&#13;"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      default: out += c;
    }
  }
}

void write_element(std::string& out, const Element& e, std::size_t indent, bool root) {
  out.append(indent * 2, ' ');
  out += '<';
  out += e.name;
  if (root) {
    out += " xmlns=\"";
    out += kSepNamespace;
    out += '"';
  }
  for (const auto& [k, v] : e.attributes) {
    out += ' ';
    out += k;
    out += "=\"";
    escape(out, v, true);
    out += '"';
  }
  if (e.children.empty() && e.text.empty()) {
    out += "/>\n";
    return;
  }
  out += '>';
  if (e.children.empty()) {
    escape(out, e.text, false);
  } else {
    out += '\n';
    for (const Element& c : e.children) write_element(out, c, indent + 1, false);
    out.append(indent * 2, ' ');
  }
  out += "</";
  out += e.name;
  out += ">\n";
}

}  // namespace

Element parse(std::string_view document, const Limits& limits) { return Parser(document, limits).document(); }

std::string write(const Element& root) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  write_element(out, root, 0, true);
  return out;
}

}  // namespace pqcea::grid2030::xml
