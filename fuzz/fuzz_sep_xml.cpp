// libFuzzer target for the IEEE 2030.5 body parsers (src/host/grid2030/xml.cpp, resources.cpp):
// every application/sep+xml body a server receives from a client goes through one of them.
//
// A rejection is ParseError; any other exception escapes and libFuzzer reports it. Property,
// checked with a trap: a body one parser accepts, written back with to_xml, parses again to the
// same value (the writer emits only what the reader accepts, and nothing is lost between them).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pqcea/host/grid2030/resources.hpp"

namespace {

namespace g = pqcea::grid2030;

[[noreturn]] void broken() { __builtin_trap(); }

template <typename Parse>
void check(std::string_view body, Parse parse) {
  try {
    const auto value = parse(body);
    if (!(parse(g::to_xml(value)) == value)) broken();
  } catch (const g::ParseError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  check(body, g::parse_end_device);
  check(body, g::parse_registration);
  check(body, g::parse_der_status);
  check(body, g::parse_der_settings);
  check(body, g::parse_der_capability);
  check(body, g::parse_mirror_usage_point);
  check(body, g::parse_mirror_meter_reading);
  check(body, g::parse_response);
  return 0;
}
