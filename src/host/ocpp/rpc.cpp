// OCPP-J framing and strict field reading (include/pqcea/host/ocpp/rpc.hpp).
#include "pqcea/host/ocpp/rpc.hpp"

#include <cstdio>
#include <ctime>

namespace pqcea::ocpp {

namespace {

std::string field_path(std::string_view name) { return "'" + std::string(name) + "'"; }

}  // namespace

Frame parse_frame(std::string_view text, std::string* id_out) {
  if (id_out) *id_out = "-1";
  if (text.size() > kMaxFrameBytes)
    throw RpcError("FormatViolation", "frame of " + std::to_string(text.size()) + " bytes; at most " +
                                          std::to_string(kMaxFrameBytes));
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array() || j.size() < 3)
    throw RpcError("RpcFrameworkError", "not an OCPP-J message (a JSON array [type, id, ...])");
  if (!j[0].is_number_integer()) throw RpcError("RpcFrameworkError", "message type is not an integer");
  if (!j[1].is_string()) throw RpcError("RpcFrameworkError", "message id is not a string");
  Frame f;
  f.id = j[1].get<std::string>();
  if (f.id.empty() || f.id.size() > limit::kMessageIdLength)
    throw RpcError("RpcFrameworkError", "message id of " + std::to_string(f.id.size()) + " characters (1..36)");
  if (id_out) *id_out = f.id;
  switch (j[0].get<int>()) {
    case 2:
      if (j.size() != 4 || !j[2].is_string()) throw RpcError("RpcFrameworkError", "a CALL is [2, id, action, payload]");
      if (!j[3].is_object()) throw RpcError("FormatViolation", "the payload of a CALL is an object");
      f.type = FrameType::call;
      f.action = j[2].get<std::string>();
      f.payload = std::move(j[3]);
      return f;
    case 3:
      if (j.size() != 3 || !j[2].is_object()) throw RpcError("RpcFrameworkError", "a CALLRESULT is [3, id, payload]");
      f.type = FrameType::result;
      f.payload = std::move(j[2]);
      return f;
    case 4:
      if (j.size() != 5 || !j[2].is_string() || !j[3].is_string() || !j[4].is_object())
        throw RpcError("RpcFrameworkError", "a CALLERROR is [4, id, code, description, details]");
      f.type = FrameType::error;
      f.error_code = j[2].get<std::string>();
      f.error_description = j[3].get<std::string>();
      return f;
    default:
      throw RpcError("MessageTypeNotSupported", "message type " + j[0].dump() + " (2, 3 or 4)");
  }
}

std::string call_frame(const std::string& id, std::string_view action, const Json& payload) {
  return Json::array({2, id, std::string(action), payload}).dump();
}
std::string result_frame(const std::string& id, const Json& payload) { return Json::array({3, id, payload}).dump(); }
std::string error_frame(const std::string& id, std::string_view code, std::string_view description) {
  // errorDescription is at most 255 characters (Part 4 §4.2.3).
  std::string d(description.substr(0, 255));
  return Json::array({4, id, std::string(code), d, Json::object()}).dump();
}

const Json& object_field(const Json& obj, std::string_view name) {
  const auto it = obj.find(name);
  if (it == obj.end()) throw RpcError("OccurrenceConstraintViolation", "missing " + field_path(name));
  if (!it->is_object()) throw RpcError("TypeConstraintViolation", field_path(name) + " is not an object");
  return *it;
}

std::optional<std::string> optional_string(const Json& obj, std::string_view name, std::size_t max_length) {
  const auto it = obj.find(name);
  if (it == obj.end()) return std::nullopt;
  if (!it->is_string()) throw RpcError("TypeConstraintViolation", field_path(name) + " is not a string");
  auto s = it->get<std::string>();
  if (s.size() > max_length)
    throw RpcError("PropertyConstraintViolation", field_path(name) + " has " + std::to_string(s.size()) +
                                                      " characters; at most " + std::to_string(max_length));
  return s;
}

std::string string_field(const Json& obj, std::string_view name, std::size_t max_length) {
  auto s = optional_string(obj, name, max_length);
  if (!s) throw RpcError("OccurrenceConstraintViolation", "missing " + field_path(name));
  return *s;
}

std::int64_t int_field(const Json& obj, std::string_view name) {
  const auto it = obj.find(name);
  if (it == obj.end()) throw RpcError("OccurrenceConstraintViolation", "missing " + field_path(name));
  if (!it->is_number_integer()) throw RpcError("TypeConstraintViolation", field_path(name) + " is not an integer");
  return it->get<std::int64_t>();
}

std::string enum_field(const Json& obj, std::string_view name, std::initializer_list<std::string_view> allowed) {
  const auto s = string_field(obj, name, 64);
  for (auto a : allowed)
    if (s == a) return s;
  throw RpcError("PropertyConstraintViolation", field_path(name) + " = '" + s + "' is not an allowed value");
}

const Json* our_custom_data(const Json& obj) {
  const auto it = obj.find("customData");
  if (it == obj.end() || !it->is_object()) return nullptr;
  const auto v = it->find("vendorId");
  if (v == it->end() || !v->is_string() || v->get<std::string>() != kVendorId) return nullptr;
  return &*it;
}

Json custom_data() { return Json{{"vendorId", std::string(kVendorId)}}; }

std::string rfc3339(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::int64_t> parse_rfc3339(std::string_view text) {
  // The date-time format of the schemas: YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM); offsets other
  // than UTC are converted.
  int y, mo, d, h, mi, s;
  int n = 0;
  const std::string str(text.substr(0, 64));
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 || n != 19)
    return std::nullopt;
  std::size_t i = 19;
  if (i < str.size() && str[i] == '.') {
    ++i;
    while (i < str.size() && str[i] >= '0' && str[i] <= '9') ++i;
  }
  long offset = 0;
  if (i < str.size() && str[i] == 'Z') {
    ++i;
  } else if (i + 6 == str.size() && (str[i] == '+' || str[i] == '-') && str[i + 3] == ':') {
    const int oh = std::atoi(str.substr(i + 1, 2).c_str()), om = std::atoi(str.substr(i + 4, 2).c_str());
    offset = (str[i] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != str.size() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<std::int64_t>(timegm(&tm)) - offset;
}

}  // namespace pqcea::ocpp
