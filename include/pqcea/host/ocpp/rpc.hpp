// OCPP-J framing (OCPP 2.0.1 Part 4, "JSON over WebSocket"): CALL [2, id, action, payload],
// CALLRESULT [3, id, payload], CALLERROR [4, id, code, description, details], and strict,
// bounded reading of the payload fields the station and the CSMS use, with the official 2.0.1
// schema limits as constants (docs/ocpp.md, "Size ledger").
//
// A frame that is not one of the three shapes, or a payload field of the wrong type or beyond
// its schema limit, is refused with the OCPP error code the specification names
// (FormatViolation, TypeConstraintViolation, OccurrenceConstraintViolation ...), never half-used.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pqcea::ocpp {

using Json = nlohmann::json;

// The extension's vendorId (customData and DataTransfer) and the WebSocket subprotocol.
inline constexpr std::string_view kVendorId = "org.pqc-edge-attestor";
inline constexpr std::string_view kSubprotocol = "ocpp2.0.1";

// A whole frame may carry an ML-DSA-87 chain (about 21,000 characters) and evidence (about 7,500)
// in customData; anything beyond this is refused before it is parsed.
inline constexpr std::size_t kMaxFrameBytes = 256 * 1024;

// Schema limits of OCPP 2.0.1 (maxLength, characters) for the fields the dual track touches.
namespace limit {
inline constexpr std::size_t kCsr = 5500;               // SignCertificateRequest.csr
inline constexpr std::size_t kCertificateChain = 10000; // CertificateSignedRequest.certificateChain
inline constexpr std::size_t kCertificate = 5500;       // InstallCertificateRequest.certificate
inline constexpr std::size_t kSigningCertificate = 5500;  // FirmwareType.signingCertificate
inline constexpr std::size_t kFirmwareSignature = 800;  // FirmwareType.signature
inline constexpr std::size_t kFirmwareLocation = 512;   // FirmwareType.location
inline constexpr std::size_t kVendorIdLength = 255;     // DataTransfer.vendorId, CustomDataType.vendorId
inline constexpr std::size_t kMessageId = 50;           // DataTransfer.messageId
inline constexpr std::size_t kSecurityEventType = 50;   // SecurityEventNotificationRequest.type
inline constexpr std::size_t kTechInfo = 255;           // SecurityEventNotificationRequest.techInfo
inline constexpr std::size_t kSerialNumber = 25;        // ChargingStationType.serialNumber
inline constexpr std::size_t kModel = 20;               // ChargingStationType.model
inline constexpr std::size_t kVendorName = 50;          // ChargingStationType.vendorName
inline constexpr std::size_t kFirmwareVersion = 50;     // ChargingStationType.firmwareVersion
inline constexpr std::size_t kMessageIdLength = 36;     // the OCPP-J message id
inline constexpr std::size_t kStationId = 48;           // identity in the URL (Part 2 A00: identifierString)
// Ours (the extension): customData.pqcCertificate of InstallCertificate. One ML-DSA-87 root is
// about 10,300 characters of PEM, beyond the 5,500 of the standard `certificate` field; twice that
// leaves room for longer names and extensions (the frame cap still bounds the whole message).
inline constexpr std::size_t kPqcCertificate = 20000;
}  // namespace limit

enum class FrameType { call = 2, result = 3, error = 4 };

struct Frame {
  FrameType type = FrameType::call;
  std::string id;
  std::string action;       // call only
  Json payload;             // call and result: an object
  std::string error_code;   // error only
  std::string error_description;
};

// An OCPP-J error to send back for a call (code from Part 4 §4.3).
class RpcError : public std::runtime_error {
 public:
  RpcError(std::string code, const std::string& description) : std::runtime_error(description), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

// Strict: exactly one of the three shapes, id a string of 1..36 characters, payload an object,
// at most kMaxFrameBytes. Throws RpcError (with the id in `id_out` when it could be read, so
// the CALLERROR can name it; "-1" otherwise, as Part 4 says for an unreadable id).
Frame parse_frame(std::string_view text, std::string* id_out = nullptr);

std::string call_frame(const std::string& id, std::string_view action, const Json& payload);
std::string result_frame(const std::string& id, const Json& payload);
std::string error_frame(const std::string& id, std::string_view code, std::string_view description);

// Field readers: throw RpcError(TypeConstraintViolation / OccurrenceConstraintViolation /
// PropertyConstraintViolation) naming the field.
const Json& object_field(const Json& obj, std::string_view name);
std::string string_field(const Json& obj, std::string_view name, std::size_t max_length);
std::optional<std::string> optional_string(const Json& obj, std::string_view name, std::size_t max_length);
std::int64_t int_field(const Json& obj, std::string_view name);
// The value of `name` when it is one of `allowed` (an enumeration of the schema).
std::string enum_field(const Json& obj, std::string_view name, std::initializer_list<std::string_view> allowed);

// The extension's customData object of `obj` (customData with our vendorId), or nullptr.
const Json* our_custom_data(const Json& obj);
// A customData object with our vendorId.
Json custom_data();

// RFC 3339 UTC with seconds ("2026-12-07T19:42:13Z") and back (nullopt if malformed).
std::string rfc3339(std::int64_t unix_seconds);
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

// Message ids: "<prefix><counter>", unique per connection.
class IdSource {
 public:
  explicit IdSource(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string next() { return prefix_ + std::to_string(++n_); }

 private:
  std::string prefix_;
  std::uint64_t n_ = 0;
};

}  // namespace pqcea::ocpp
