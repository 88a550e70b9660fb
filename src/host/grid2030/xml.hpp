// The XML subset IEEE 2030.5 application/sep+xml bodies use, read strictly and within bounds.
//
// Accepted: an optional XML declaration (version 1.0, encoding UTF-8), one root element in the
// default namespace http://ieee.org/2030.5 (sep.xsd's targetNamespace), unprefixed elements and
// attributes, element-only or text-only content, the five predefined entities and numeric
// character references. Refused, each with a reason: DOCTYPE (so no entity expansion), comments,
// processing instructions, CDATA, prefixed names, other namespace declarations (xmlns:xsi
// excepted, as 2030.5 samples carry it), mixed content, duplicate attributes, ill-formed UTF-8,
// control characters, and anything beyond the limits below.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pqcea::grid2030::xml {

inline constexpr std::string_view kSepNamespace = "http://ieee.org/2030.5";

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Limits {
  std::size_t max_document_bytes = 64 * 1024;
  std::size_t max_depth = 8;  // MirrorUsagePoint/MirrorMeterReading/Reading/timePeriod/start is 5
  std::size_t max_elements = 2048;
  std::size_t max_attributes = 8;
  std::size_t max_name_bytes = 64;
  std::size_t max_text_bytes = 512;  // longest 2030.5 string field is String192 (UTF-8: <= 768 B)
};

struct Element {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;  // in document order
  std::string text;                                              // leaf elements only
  std::vector<Element> children;

  const std::string* attribute(std::string_view key) const;
  Element& add(std::string child_name, std::string child_text = {});
  Element& set(std::string key, std::string value);
};

// Parses one document; the root's xmlns attribute is checked and removed. Throws Error.
Element parse(std::string_view document, const Limits& limits = {});
// Writes the declaration and `root` with xmlns="http://ieee.org/2030.5", two-space indented.
std::string write(const Element& root);

}  // namespace pqcea::grid2030::xml
