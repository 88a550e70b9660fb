// IEEE 2030.5 core resources a DER client touches, as C++ values, and their application/sep+xml
// form (namespace http://ieee.org/2030.5, the targetNamespace of sep.xsd 2.0.4).
//
// Every type has to_xml(); element order is sep.xsd's (base type's sequence first). Each type
// models the subset of its schema elements listed in its struct; schema elements outside that
// subset are not written, and parse_*() refuses them like unknown ones.
//
// parse_*() exist for the bodies a server receives from a client (EndDevice POST, Registration,
// DERStatus / DERSettings / DERCapability PUT, MirrorUsagePoint / MirrorMeterReading POST,
// Response POST). They are strict: the root element must be the expected one; unknown, repeated
// or out-of-order elements, unknown attributes, missing required elements, values out of their
// schema range and documents beyond xml::Limits are refused with ParseError naming the element.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pqcea/host/grid2030/identity.hpp"

namespace pqcea::grid2030 {

class ParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::string_view kMediaType = "application/sep+xml";

using Bytes = std::vector<std::uint8_t>;
using TimeType = std::int64_t;  // seconds since 1970-01-01T00:00:00Z (TimeType, Int64)

struct Link {
  std::string href;
  bool operator==(const Link&) const = default;
};
struct ListLink {
  std::string href;
  std::optional<std::uint16_t> all;
  bool operator==(const ListLink&) const = default;
};

// IdentifiedObject's sequence: mRID (HexBinary128), description (String32), version (UInt16).
struct Identified {
  Bytes mrid;  // 1..16 octets
  std::optional<std::string> description;
  std::optional<std::uint16_t> version;
  bool operator==(const Identified&) const = default;
};

// ActivePower, ApparentPower, CurrentRMS: value × 10^multiplier.
struct SignedScaled {
  std::int8_t multiplier = 0;
  std::int16_t value = 0;
  bool operator==(const SignedScaled&) const = default;
};
struct UnsignedScaled {
  std::int8_t multiplier = 0;
  std::uint16_t value = 0;
  bool operator==(const UnsignedScaled&) const = default;
};

struct DateTimeInterval {
  std::uint32_t duration = 0;
  TimeType start = 0;
  bool operator==(const DateTimeInterval&) const = default;
};

// ---- function-set discovery ------------------------------------------------------------------
struct DeviceCapability {
  std::string href = "/dcap";
  std::optional<std::uint32_t> poll_rate;
  std::optional<ListLink> der_program_list;
  std::optional<Link> time;
  std::optional<ListLink> end_device_list;
  std::optional<ListLink> mirror_usage_point_list;
  std::optional<Link> self_device;
};

struct Time {
  std::string href = "/tm";
  std::optional<std::uint32_t> poll_rate;
  TimeType current_time = 0;
  TimeType dst_end_time = 0;
  std::int32_t dst_offset = 0;
  TimeType dst_start_time = 0;
  std::optional<TimeType> local_time;
  std::uint8_t quality = 7;  // 7 = intentionally uncoordinated (§11.2)
  std::int32_t tz_offset = 0;
};

struct EndDevice {
  std::string href;  // empty in a client's POST
  std::optional<ListLink> der_list;
  std::optional<Lfdi> lfdi;
  std::uint64_t sfdi = 0;
  TimeType changed_time = 0;
  std::optional<bool> enabled;
  std::optional<ListLink> function_set_assignments_list;
  std::optional<Link> registration;
  bool operator==(const EndDevice&) const = default;
};

struct Registration {
  std::string href;
  std::optional<std::uint32_t> poll_rate;
  TimeType date_time_registered = 0;
  std::uint32_t pin = 0;
  bool operator==(const Registration&) const = default;
};

struct FunctionSetAssignments {
  std::string href;
  std::optional<ListLink> der_program_list;
  std::optional<Link> time;
  Identified id;
};

// ---- DER programs and controls --------------------------------------------------------------
struct DerControlBase {
  std::optional<bool> op_mod_connect;
  std::optional<bool> op_mod_energize;
  std::optional<std::int16_t> op_mod_fixed_w;       // SignedPerCent, hundredths of a percent
  std::optional<std::uint16_t> op_mod_max_lim_w;    // PerCent
  std::optional<SignedScaled> op_mod_target_w;      // ActivePower
  std::optional<std::uint16_t> ramp_tms;            // hundredths of a second
};

struct DerProgram {
  std::string href;
  Identified id;
  std::optional<ListLink> active_der_control_list;
  std::optional<Link> default_der_control;
  std::optional<ListLink> der_control_list;
  std::uint8_t primacy = 0;
};

struct EventStatus {
  std::uint8_t current_status = 0;  // 0 scheduled, 1 active, 2 cancelled, ...
  TimeType date_time = 0;
  bool potentially_superseded = false;
};

struct DerControl {
  std::string href;
  std::optional<std::string> reply_to;
  std::optional<std::uint8_t> response_required;  // HexBinary8
  Identified id;
  TimeType creation_time = 0;
  EventStatus event_status;
  DateTimeInterval interval;
  std::optional<std::int16_t> randomize_start;
  DerControlBase base;
};

struct DefaultDerControl {
  std::string href;
  Identified id;
  DerControlBase base;
  std::optional<std::uint16_t> set_gradient_w;  // setGradW
};

// ---- DER status, settings, capability (client PUTs) ----------------------------------------------
struct StatusValue {
  TimeType date_time = 0;
  std::uint16_t value = 0;  // UInt8 / HexBinary8 for the status codes, PerCent for state of charge
  bool operator==(const StatusValue&) const = default;
};

struct DerStatus {
  std::string href;
  std::optional<StatusValue> gen_connect_status;     // ConnectStatusType (value HexBinary8 bitmap)
  std::optional<StatusValue> inverter_status;        // InverterStatusType
  std::optional<StatusValue> operational_mode_status;
  TimeType reading_time = 0;
  std::optional<StatusValue> state_of_charge_status;  // StateOfChargeStatusType (value PerCent)
  bool operator==(const DerStatus&) const = default;
};

struct DerSettings {
  std::string href;
  std::optional<std::uint32_t> modes_enabled;  // DERControlType bitmap (HexBinary32)
  std::uint16_t set_gradient_w = 0;
  std::optional<UnsignedScaled> set_max_va;
  SignedScaled set_max_w;
  TimeType updated_time = 0;
  bool operator==(const DerSettings&) const = default;
};

struct DerCapability {
  std::string href;
  std::uint32_t modes_supported = 0;  // DERControlType bitmap
  UnsignedScaled rating_a;            // rtgA, CurrentRMS
  std::optional<UnsignedScaled> rating_va;
  SignedScaled rating_w;
  std::uint8_t type = 0;  // DERType
  bool operator==(const DerCapability&) const = default;
};

// ---- metering mirror (client POSTs) -----------------------------------------------------------------
struct Reading {
  std::optional<std::uint16_t> quality_flags;  // HexBinary16
  std::optional<DateTimeInterval> time_period;
  std::optional<std::int64_t> value;  // Int48
  bool operator==(const Reading&) const = default;
};

struct ReadingType {
  std::optional<std::uint8_t> accumulation_behaviour;
  std::optional<std::uint8_t> commodity;
  std::optional<std::uint8_t> flow_direction;
  std::optional<std::uint32_t> interval_length;
  std::optional<std::uint8_t> kind;
  std::optional<std::int8_t> power_of_ten_multiplier;
  std::optional<std::uint8_t> uom;
  bool operator==(const ReadingType&) const = default;
};

struct MirrorMeterReading {
  std::string href;
  Identified id;
  std::optional<TimeType> last_update_time;
  std::optional<TimeType> next_update_time;
  std::optional<Reading> reading;
  std::optional<ReadingType> reading_type;
  bool operator==(const MirrorMeterReading&) const = default;
};

struct MirrorUsagePoint {
  std::string href;
  Identified id;
  std::uint16_t role_flags = 0;  // RoleFlagsType (HexBinary16)
  std::uint8_t service_category_kind = 0;
  std::uint8_t status = 0;
  Lfdi device_lfdi{};
  std::vector<MirrorMeterReading> readings;  // at most kMaxMirrorMeterReadings
  std::optional<std::uint32_t> post_rate;
  bool operator==(const MirrorUsagePoint&) const = default;
};
inline constexpr std::size_t kMaxMirrorMeterReadings = 32;

struct Response {
  std::string href;
  std::optional<TimeType> created_date_time;
  Lfdi end_device_lfdi{};
  std::optional<std::uint8_t> status;
  Bytes subject;  // mRID of the event answered
  bool operator==(const Response&) const = default;
};

// ---- lists ---------------------------------------------------------------------------------------
template <typename T>
struct List {
  std::string href;
  std::uint16_t all = 0;  // items on the server; results = items.size()
  std::optional<std::uint32_t> poll_rate;
  std::vector<T> items;
};
using EndDeviceList = List<EndDevice>;
using FunctionSetAssignmentsList = List<FunctionSetAssignments>;
using DerProgramList = List<DerProgram>;
using DerControlList = List<DerControl>;

// ---- XML --------------------------------------------------------------------------------------------
std::string to_xml(const DeviceCapability& r);
std::string to_xml(const Time& r);
std::string to_xml(const EndDevice& r);
std::string to_xml(const EndDeviceList& r);
std::string to_xml(const Registration& r);
std::string to_xml(const FunctionSetAssignments& r);
std::string to_xml(const FunctionSetAssignmentsList& r);
std::string to_xml(const DerProgram& r);
std::string to_xml(const DerProgramList& r);
std::string to_xml(const DerControl& r);
std::string to_xml(const DerControlList& r);
std::string to_xml(const DefaultDerControl& r);
std::string to_xml(const DerStatus& r);
std::string to_xml(const DerSettings& r);
std::string to_xml(const DerCapability& r);
std::string to_xml(const MirrorUsagePoint& r);
std::string to_xml(const MirrorMeterReading& r);
std::string to_xml(const Response& r);

EndDevice parse_end_device(std::string_view body);
Registration parse_registration(std::string_view body);
DerStatus parse_der_status(std::string_view body);
DerSettings parse_der_settings(std::string_view body);
DerCapability parse_der_capability(std::string_view body);
MirrorUsagePoint parse_mirror_usage_point(std::string_view body);
MirrorMeterReading parse_mirror_meter_reading(std::string_view body);
Response parse_response(std::string_view body);

}  // namespace pqcea::grid2030
