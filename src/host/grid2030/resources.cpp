// IEEE 2030.5 resources <-> application/sep+xml (see resources.hpp). Element names and order are
// sep.xsd 2.0.4's; comments name the schema type whose sequence a block follows.
#include "pqcea/host/grid2030/resources.hpp"

#include <charconv>
#include <limits>

#include "pqcea/host/hex.hpp"
#include "xml.hpp"

namespace pqcea::grid2030 {
namespace {

using xml::Element;

// ---- writing ----------------------------------------------------------------------------------------
Element root(std::string name, const std::string& href) {
  Element e{std::move(name), {}, {}, {}};
  if (!href.empty()) e.set("href", href);
  return e;
}

template <typename Int>
std::string text_of(Int v) {
  return std::to_string(static_cast<std::conditional_t<std::is_signed_v<Int>, long long, unsigned long long>>(v));
}

std::string hex_of(std::uint64_t v, std::size_t octets) {
  Bytes b(octets);
  for (std::size_t i = 0; i < octets; ++i) b[octets - 1 - i] = static_cast<std::uint8_t>(v >> (8 * i));
  return host::hex_encode(b, host::HexCase::upper);
}

void add_link(Element& e, const char* name, const std::optional<Link>& link) {
  if (link) e.add(name).set("href", link->href);
}
void add_list_link(Element& e, const char* name, const std::optional<ListLink>& link) {
  if (!link) return;
  Element& l = e.add(name).set("href", link->href);
  if (link->all) l.set("all", text_of(*link->all));
}
template <typename Int>
void add_int(Element& e, const char* name, const std::optional<Int>& v) {
  if (v) e.add(name, text_of(*v));
}
template <typename Int>
void add_int(Element& e, const char* name, Int v) {
  e.add(name, text_of(v));
}
void add_bool(Element& e, const char* name, const std::optional<bool>& v) {
  if (v) e.add(name, *v ? "true" : "false");
}
template <typename Scaled>
void add_scaled(Element& e, const char* name, const Scaled& v) {
  Element& s = e.add(name);
  add_int(s, "multiplier", v.multiplier);
  add_int(s, "value", v.value);
}
template <typename Scaled>
void add_scaled(Element& e, const char* name, const std::optional<Scaled>& v) {
  if (v) add_scaled(e, name, *v);
}
void add_interval(Element& e, const char* name, const DateTimeInterval& v) {
  Element& i = e.add(name);
  add_int(i, "duration", v.duration);
  add_int(i, "start", v.start);
}
void add_status(Element& e, const char* name, const std::optional<StatusValue>& v, bool hex_value) {
  if (!v) return;
  Element& s = e.add(name);
  add_int(s, "dateTime", v->date_time);
  s.add("value", hex_value ? hex_of(v->value, 1) : text_of(v->value));
}
// IdentifiedObject: mRID, description, version.
void add_identified(Element& e, const Identified& id) {
  e.add("mRID", host::hex_encode(id.mrid, host::HexCase::upper));
  if (id.description) e.add("description", *id.description);
  add_int(e, "version", id.version);
}
void add_list_attributes(Element& e, std::uint16_t all, std::size_t results, const std::optional<std::uint32_t>& poll_rate) {
  e.set("all", text_of(all)).set("results", text_of(results));
  if (poll_rate) e.set("pollRate", text_of(*poll_rate));
}

// DERControlBase's sequence (the modelled subset, in schema order).
void add_control_base(Element& e, const DerControlBase& b) {
  Element& c = e.add("DERControlBase");
  add_bool(c, "opModConnect", b.op_mod_connect);
  add_bool(c, "opModEnergize", b.op_mod_energize);
  add_int(c, "opModFixedW", b.op_mod_fixed_w);
  add_int(c, "opModMaxLimW", b.op_mod_max_lim_w);
  add_scaled(c, "opModTargetW", b.op_mod_target_w);
  add_int(c, "rampTms", b.ramp_tms);
}

Element element_of(const EndDevice& r) {
  Element e = root("EndDevice", r.href);
  add_list_link(e, "DERListLink", r.der_list);
  if (r.lfdi) e.add("lFDI", lfdi_to_hex(*r.lfdi));
  add_int(e, "sFDI", r.sfdi);
  add_int(e, "changedTime", r.changed_time);
  add_bool(e, "enabled", r.enabled);
  add_list_link(e, "FunctionSetAssignmentsListLink", r.function_set_assignments_list);
  add_link(e, "RegistrationLink", r.registration);
  return e;
}

Element element_of(const FunctionSetAssignments& r) {
  Element e = root("FunctionSetAssignments", r.href);
  // FunctionSetAssignmentsBase first, then IdentifiedObject's fields.
  add_list_link(e, "DERProgramListLink", r.der_program_list);
  add_link(e, "TimeLink", r.time);
  add_identified(e, r.id);
  return e;
}

Element element_of(const DerProgram& r) {
  Element e = root("DERProgram", r.href);
  add_identified(e, r.id);
  add_list_link(e, "ActiveDERControlListLink", r.active_der_control_list);
  add_link(e, "DefaultDERControlLink", r.default_der_control);
  add_list_link(e, "DERControlListLink", r.der_control_list);
  add_int(e, "primacy", r.primacy);
  return e;
}

Element element_of(const DerControl& r) {
  Element e = root("DERControl", r.href);
  if (r.reply_to) e.set("replyTo", *r.reply_to);
  if (r.response_required) e.set("responseRequired", hex_of(*r.response_required, 1));
  add_identified(e, r.id);
  add_int(e, "creationTime", r.creation_time);
  Element& s = e.add("EventStatus");
  add_int(s, "currentStatus", r.event_status.current_status);
  add_int(s, "dateTime", r.event_status.date_time);
  s.add("potentiallySuperseded", r.event_status.potentially_superseded ? "true" : "false");
  add_interval(e, "interval", r.interval);
  add_int(e, "randomizeStart", r.randomize_start);
  add_control_base(e, r.base);
  return e;
}

Element element_of(const MirrorMeterReading& r) {
  Element e = root("MirrorMeterReading", r.href);
  add_identified(e, r.id);
  add_int(e, "lastUpdateTime", r.last_update_time);
  add_int(e, "nextUpdateTime", r.next_update_time);
  if (r.reading) {
    Element& rd = e.add("Reading");
    if (r.reading->quality_flags) rd.add("qualityFlags", hex_of(*r.reading->quality_flags, 2));
    if (r.reading->time_period) add_interval(rd, "timePeriod", *r.reading->time_period);
    add_int(rd, "value", r.reading->value);
  }
  if (r.reading_type) {
    const ReadingType& t = *r.reading_type;
    Element& rt = e.add("ReadingType");
    add_int(rt, "accumulationBehaviour", t.accumulation_behaviour);
    add_int(rt, "commodity", t.commodity);
    add_int(rt, "flowDirection", t.flow_direction);
    add_int(rt, "intervalLength", t.interval_length);
    add_int(rt, "kind", t.kind);
    add_int(rt, "powerOfTenMultiplier", t.power_of_ten_multiplier);
    add_int(rt, "uom", t.uom);
  }
  return e;
}

template <typename T>
std::string list_xml(const char* name, const List<T>& list) {
  Element e = root(name, list.href);
  add_list_attributes(e, list.all, list.items.size(), list.poll_rate);
  for (const T& item : list.items) e.children.push_back(element_of(item));
  return xml::write(e);
}

// ---- reading ----------------------------------------------------------------------------------------
[[noreturn]] void refuse(const std::string& why) { throw ParseError(why); }

void check_attributes(const Element& e, std::initializer_list<std::string_view> allowed) {
  for (const auto& [k, v] : e.attributes) {
    bool ok = false;
    for (auto a : allowed) ok = ok || k == a;
    if (!ok) refuse("attribute " + k + " not accepted on <" + e.name + ">");
  }
}

template <typename Int>
Int parse_int(const std::string& text, const std::string& what, Int min = std::numeric_limits<Int>::min(),
              Int max = std::numeric_limits<Int>::max()) {
  // xs:long and friends allow a '+' sign, leading zeros and surrounding whitespace; 2030.5
  // writers do not emit them and this reader does not accept them.
  std::int64_t wide_signed = 0;
  std::uint64_t wide_unsigned = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const bool leading_zero = text.size() > 1 && (text[0] == '0' || (text[0] == '-' && text[1] == '0'));
  std::from_chars_result r{};
  if constexpr (std::is_signed_v<Int>) r = std::from_chars(first, last, wide_signed);
  else r = std::from_chars(first, last, wide_unsigned);
  if (text.empty() || r.ec != std::errc() || r.ptr != last || leading_zero) refuse("<" + what + ">: not an integer: \"" + text.substr(0, 32) + "\"");
  if constexpr (std::is_signed_v<Int>) {
    if (wide_signed < min || wide_signed > max) refuse("<" + what + ">: " + text + " out of range");
    return static_cast<Int>(wide_signed);
  } else {
    if (wide_unsigned < min || wide_unsigned > max) refuse("<" + what + ">: " + text + " out of range");
    return static_cast<Int>(wide_unsigned);
  }
}

std::uint64_t parse_hex_uint(const std::string& text, const std::string& what, std::size_t max_octets) {
  const auto bytes = host::hex_decode(text);
  if (!bytes || bytes->empty() || bytes->size() > max_octets)
    refuse("<" + what + ">: not hexBinary of 1.." + std::to_string(max_octets) + " octets");
  std::uint64_t v = 0;
  for (auto b : *bytes) v = (v << 8) | b;
  return v;
}

// Children of one element taken in schema order: each take() consumes the next child only if it
// has the asked name, so an element out of order stays unconsumed and finish() refuses it.
class Fields {
 public:
  explicit Fields(const Element& e) : e_(e) {
    const bool blank = e.text.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!blank) refuse("<" + e.name + "> has text where elements belong");
  }
  const Element* take(std::string_view name) {
    if (next_ < e_.children.size() && e_.children[next_].name == name) return &e_.children[next_++];
    return nullptr;
  }
  const Element& require(std::string_view name) {
    const Element* c = take(name);
    if (c == nullptr) refuse("<" + e_.name + ">: missing <" + std::string(name) + ">" + found());
    return *c;
  }
  template <typename Int>
  std::optional<Int> int_opt(std::string_view name, Int min = std::numeric_limits<Int>::min(), Int max = std::numeric_limits<Int>::max()) {
    const Element* c = leaf(name);
    if (c == nullptr) return std::nullopt;
    return parse_int<Int>(c->text, c->name, min, max);
  }
  template <typename Int>
  Int int_req(std::string_view name, Int min = std::numeric_limits<Int>::min(), Int max = std::numeric_limits<Int>::max()) {
    auto v = int_opt<Int>(name, min, max);
    if (!v) refuse("<" + e_.name + ">: missing <" + std::string(name) + ">" + found());
    return *v;
  }
  std::optional<std::uint64_t> hex_opt(std::string_view name, std::size_t max_octets) {
    const Element* c = leaf(name);
    if (c == nullptr) return std::nullopt;
    return parse_hex_uint(c->text, c->name, max_octets);
  }
  std::uint64_t hex_req(std::string_view name, std::size_t max_octets) {
    auto v = hex_opt(name, max_octets);
    if (!v) refuse("<" + e_.name + ">: missing <" + std::string(name) + ">" + found());
    return *v;
  }
  std::optional<bool> bool_opt(std::string_view name) {
    const Element* c = leaf(name);
    if (c == nullptr) return std::nullopt;
    if (c->text == "true" || c->text == "1") return true;
    if (c->text == "false" || c->text == "0") return false;
    refuse("<" + c->name + ">: not a boolean");
  }
  std::optional<std::string> string_opt(std::string_view name, std::size_t max_chars) {
    const Element* c = leaf(name);
    if (c == nullptr) return std::nullopt;
    std::size_t chars = 0;  // xs:maxLength counts characters; the text is well-formed UTF-8
    for (unsigned char b : c->text) chars += (b & 0xC0) != 0x80;
    if (chars > max_chars) refuse("<" + c->name + ">: longer than " + std::to_string(max_chars) + " characters");
    return c->text;
  }
  void finish() const {
    if (next_ < e_.children.size())
      refuse("<" + e_.name + ">: element <" + e_.children[next_].name +
             "> not accepted here (unknown, unsupported, repeated or out of schema order)");
  }

 private:
  const Element* leaf(std::string_view name) {
    const Element* c = take(name);
    if (c != nullptr && !c->children.empty()) refuse("<" + c->name + "> must hold a value, not elements");
    if (c != nullptr) check_attributes(*c, {});
    return c;
  }
  std::string found() const {
    return next_ < e_.children.size() ? " (found <" + e_.children[next_].name + ">)" : "";
  }
  const Element& e_;
  std::size_t next_ = 0;
};

const Element& expect_root(const Element& e, std::string_view name) {
  if (e.name != name) refuse("expected <" + std::string(name) + ">, got <" + e.name + ">");
  return e;
}

xml::Element parse_document(std::string_view body) {
  try {
    return xml::parse(body);
  } catch (const xml::Error& err) {
    refuse(err.what());
  }
}

std::string href_of(const Element& e) {
  const std::string* h = e.attribute("href");
  if (h != nullptr && h->size() > 256) refuse("<" + e.name + ">: href longer than 256 bytes");
  return h ? *h : std::string();
}

std::optional<Link> link_opt(Fields& f, std::string_view name) {
  const Element* c = f.take(name);
  if (c == nullptr) return std::nullopt;
  check_attributes(*c, {"href"});
  Fields(*c).finish();
  if (c->attribute("href") == nullptr) refuse("<" + c->name + ">: missing href");
  return Link{href_of(*c)};
}
std::optional<ListLink> list_link_opt(Fields& f, std::string_view name) {
  const Element* c = f.take(name);
  if (c == nullptr) return std::nullopt;
  check_attributes(*c, {"href", "all"});
  Fields(*c).finish();
  if (c->attribute("href") == nullptr) refuse("<" + c->name + ">: missing href");
  ListLink l{href_of(*c), std::nullopt};
  if (const std::string* all = c->attribute("all")) l.all = parse_int<std::uint16_t>(*all, c->name + " all");
  return l;
}

Bytes mrid_of(const Element& c) {
  check_attributes(c, {});
  const auto b = host::hex_decode(c.text);
  if (!b || b->empty() || b->size() > 16) refuse("<" + c.name + ">: not hexBinary of 1..16 octets");
  return *b;
}

Identified identified(Fields& f) {
  Identified id;
  id.mrid = mrid_of(f.require("mRID"));
  id.description = f.string_opt("description", 32);
  id.version = f.int_opt<std::uint16_t>("version");
  return id;
}

template <typename Scaled>
std::optional<Scaled> scaled_opt(Fields& f, std::string_view name) {
  const Element* c = f.take(name);
  if (c == nullptr) return std::nullopt;
  check_attributes(*c, {});
  Fields s(*c);
  Scaled v;
  v.multiplier = s.int_req<std::int8_t>("multiplier");
  v.value = s.int_req<decltype(v.value)>("value");
  s.finish();
  return v;
}
template <typename Scaled>
Scaled scaled_req(Fields& f, const Element& parent, std::string_view name) {
  auto v = scaled_opt<Scaled>(f, name);
  if (!v) refuse("<" + parent.name + ">: missing <" + std::string(name) + ">");
  return *v;
}

std::optional<DateTimeInterval> interval_opt(Fields& f, std::string_view name) {
  const Element* c = f.take(name);
  if (c == nullptr) return std::nullopt;
  check_attributes(*c, {});
  Fields i(*c);
  DateTimeInterval v;
  v.duration = i.int_req<std::uint32_t>("duration");
  v.start = i.int_req<std::int64_t>("start");
  i.finish();
  return v;
}

// ConnectStatusType (hex bitmap), InverterStatusType / OperationalModeStatusType (UInt8),
// StateOfChargeStatusType (PerCent, 0..10000).
enum class StatusKind { hex8, uint8, percent };
std::optional<StatusValue> status_opt(Fields& f, std::string_view name, StatusKind kind) {
  const Element* c = f.take(name);
  if (c == nullptr) return std::nullopt;
  check_attributes(*c, {});
  Fields s(*c);
  StatusValue v;
  v.date_time = s.int_req<std::int64_t>("dateTime");
  if (kind == StatusKind::hex8) {
    v.value = static_cast<std::uint16_t>(s.hex_req("value", 1));
  } else {
    v.value = s.int_req<std::uint16_t>("value", 0, kind == StatusKind::uint8 ? 255 : 10000);
  }
  s.finish();
  return v;
}

Lfdi lfdi_of(const Element& c) {
  check_attributes(c, {});
  // HexBinary160 allows fewer octets; an LFDI is always all 160 bits (§6.3.4).
  auto l = c.children.empty() ? lfdi_from_hex(c.text) : std::nullopt;
  if (!l || c.text.size() != 40) refuse("<" + c.name + ">: not an LFDI (40 hex digits)");
  return *l;
}

MirrorMeterReading mirror_meter_reading_of(const Element& e) {
  check_attributes(e, {"href"});
  Fields f(e);
  MirrorMeterReading r;
  r.href = href_of(e);
  r.id = identified(f);
  r.last_update_time = f.int_opt<std::int64_t>("lastUpdateTime");
  r.next_update_time = f.int_opt<std::int64_t>("nextUpdateTime");
  if (const Element* c = f.take("Reading")) {
    check_attributes(*c, {});
    Fields rf(*c);
    Reading rd;
    if (auto q = rf.hex_opt("qualityFlags", 2)) rd.quality_flags = static_cast<std::uint16_t>(*q);
    rd.time_period = interval_opt(rf, "timePeriod");
    rd.value = rf.int_opt<std::int64_t>("value", -140737488355328, 140737488355328);  // Int48 per sep.xsd
    rf.finish();
    r.reading = rd;
  }
  if (const Element* c = f.take("ReadingType")) {
    check_attributes(*c, {});
    Fields tf(*c);
    ReadingType t;
    t.accumulation_behaviour = tf.int_opt<std::uint8_t>("accumulationBehaviour");
    t.commodity = tf.int_opt<std::uint8_t>("commodity");
    t.flow_direction = tf.int_opt<std::uint8_t>("flowDirection");
    t.interval_length = tf.int_opt<std::uint32_t>("intervalLength");
    t.kind = tf.int_opt<std::uint8_t>("kind");
    t.power_of_ten_multiplier = tf.int_opt<std::int8_t>("powerOfTenMultiplier");
    t.uom = tf.int_opt<std::uint8_t>("uom");
    tf.finish();
    r.reading_type = t;
  }
  f.finish();
  return r;
}

}  // namespace

// ---- to_xml --------------------------------------------------------------------------------------------
std::string to_xml(const DeviceCapability& r) {
  Element e = root("DeviceCapability", r.href);
  if (r.poll_rate) e.set("pollRate", text_of(*r.poll_rate));
  // FunctionSetAssignmentsBase, then DeviceCapability's own links.
  add_list_link(e, "DERProgramListLink", r.der_program_list);
  add_link(e, "TimeLink", r.time);
  add_list_link(e, "EndDeviceListLink", r.end_device_list);
  add_list_link(e, "MirrorUsagePointListLink", r.mirror_usage_point_list);
  add_link(e, "SelfDeviceLink", r.self_device);
  return xml::write(e);
}

std::string to_xml(const Time& r) {
  Element e = root("Time", r.href);
  if (r.poll_rate) e.set("pollRate", text_of(*r.poll_rate));
  add_int(e, "currentTime", r.current_time);
  add_int(e, "dstEndTime", r.dst_end_time);
  add_int(e, "dstOffset", r.dst_offset);
  add_int(e, "dstStartTime", r.dst_start_time);
  add_int(e, "localTime", r.local_time);
  add_int(e, "quality", r.quality);
  add_int(e, "tzOffset", r.tz_offset);
  return xml::write(e);
}

std::string to_xml(const EndDevice& r) { return xml::write(element_of(r)); }
std::string to_xml(const EndDeviceList& r) { return list_xml("EndDeviceList", r); }

std::string to_xml(const Registration& r) {
  Element e = root("Registration", r.href);
  if (r.poll_rate) e.set("pollRate", text_of(*r.poll_rate));
  add_int(e, "dateTimeRegistered", r.date_time_registered);
  add_int(e, "pIN", r.pin);
  return xml::write(e);
}

std::string to_xml(const FunctionSetAssignments& r) { return xml::write(element_of(r)); }
std::string to_xml(const FunctionSetAssignmentsList& r) { return list_xml("FunctionSetAssignmentsList", r); }
std::string to_xml(const DerProgram& r) { return xml::write(element_of(r)); }
std::string to_xml(const DerProgramList& r) { return list_xml("DERProgramList", r); }
std::string to_xml(const DerControl& r) { return xml::write(element_of(r)); }

std::string to_xml(const DerControlList& r) {
  // DERControlList has no pollRate attribute in sep.xsd (a SubscribableList only).
  Element e = root("DERControlList", r.href);
  add_list_attributes(e, r.all, r.items.size(), std::nullopt);
  for (const DerControl& item : r.items) e.children.push_back(element_of(item));
  return xml::write(e);
}

std::string to_xml(const DefaultDerControl& r) {
  Element e = root("DefaultDERControl", r.href);
  add_identified(e, r.id);
  add_control_base(e, r.base);
  add_int(e, "setGradW", r.set_gradient_w);
  return xml::write(e);
}

std::string to_xml(const DerStatus& r) {
  Element e = root("DERStatus", r.href);
  add_status(e, "genConnectStatus", r.gen_connect_status, true);
  add_status(e, "inverterStatus", r.inverter_status, false);
  add_status(e, "operationalModeStatus", r.operational_mode_status, false);
  add_int(e, "readingTime", r.reading_time);
  add_status(e, "stateOfChargeStatus", r.state_of_charge_status, false);
  return xml::write(e);
}

std::string to_xml(const DerSettings& r) {
  Element e = root("DERSettings", r.href);
  if (r.modes_enabled) e.add("modesEnabled", hex_of(*r.modes_enabled, 4));
  add_int(e, "setGradW", r.set_gradient_w);
  add_scaled(e, "setMaxVA", r.set_max_va);
  add_scaled(e, "setMaxW", r.set_max_w);
  add_int(e, "updatedTime", r.updated_time);
  return xml::write(e);
}

std::string to_xml(const DerCapability& r) {
  Element e = root("DERCapability", r.href);
  e.add("modesSupported", hex_of(r.modes_supported, 4));
  add_scaled(e, "rtgA", r.rating_a);
  add_scaled(e, "rtgVA", r.rating_va);
  add_scaled(e, "rtgW", r.rating_w);
  add_int(e, "type", r.type);
  return xml::write(e);
}

std::string to_xml(const MirrorUsagePoint& r) {
  Element e = root("MirrorUsagePoint", r.href);
  add_identified(e, r.id);
  e.add("roleFlags", hex_of(r.role_flags, 2));
  add_int(e, "serviceCategoryKind", r.service_category_kind);
  add_int(e, "status", r.status);
  e.add("deviceLFDI", lfdi_to_hex(r.device_lfdi));
  for (const MirrorMeterReading& m : r.readings) e.children.push_back(element_of(m));
  add_int(e, "postRate", r.post_rate);
  return xml::write(e);
}

std::string to_xml(const MirrorMeterReading& r) { return xml::write(element_of(r)); }

std::string to_xml(const Response& r) {
  Element e = root("Response", r.href);
  add_int(e, "createdDateTime", r.created_date_time);
  e.add("endDeviceLFDI", lfdi_to_hex(r.end_device_lfdi));
  add_int(e, "status", r.status);
  e.add("subject", host::hex_encode(r.subject, host::HexCase::upper));
  return xml::write(e);
}

// ---- parse_* ---------------------------------------------------------------------------------------------
EndDevice parse_end_device(std::string_view body) {
  const Element doc = parse_document(body);
  const Element& e = expect_root(doc, "EndDevice");
  check_attributes(e, {"href", "subscribable"});
  Fields f(e);
  EndDevice r;
  r.href = href_of(e);
  r.der_list = list_link_opt(f, "DERListLink");
  if (const Element* c = f.take("lFDI")) r.lfdi = lfdi_of(*c);
  r.sfdi = f.int_req<std::uint64_t>("sFDI", 0, kMaxSfdi);
  if (!sfdi_is_valid(r.sfdi)) refuse("<sFDI>: check digit wrong (IEEE 2030.5 §6.3.3)");
  r.changed_time = f.int_req<std::int64_t>("changedTime");
  r.enabled = f.bool_opt("enabled");
  r.function_set_assignments_list = list_link_opt(f, "FunctionSetAssignmentsListLink");
  r.registration = link_opt(f, "RegistrationLink");
  f.finish();
  if (r.lfdi && sfdi_from_lfdi(*r.lfdi) != r.sfdi) refuse("<EndDevice>: sFDI is not the one of lFDI");
  return r;
}

Registration parse_registration(std::string_view body) {
  const Element doc = parse_document(body);
  const Element& e = expect_root(doc, "Registration");
  check_attributes(e, {"href", "pollRate"});
  Fields f(e);
  Registration r;
  r.href = href_of(e);
  if (const std::string* p = e.attribute("pollRate")) r.poll_rate = parse_int<std::uint32_t>(*p, "Registration pollRate");
  r.date_time_registered = f.int_req<std::int64_t>("dateTimeRegistered");
  r.pin = f.int_req<std::uint32_t>("pIN");
  f.finish();
  return r;
}

DerStatus parse_der_status(std::string_view body) {
  const Element doc = parse_document(body);
  const Element& e = expect_root(doc, "DERStatus");
  check_attributes(e, {"href", "subscribable"});
  Fields f(e);
  DerStatus r;
  r.href = href_of(e);
  r.gen_connect_status = status_opt(f, "genConnectStatus", StatusKind::hex8);
  r.inverter_status = status_opt(f, "inverterStatus", StatusKind::uint8);
  r.operational_mode_status = status_opt(f, "operationalModeStatus", StatusKind::uint8);
  r.reading_time = f.int_req<std::int64_t>("readingTime");
  r.state_of_charge_status = status_opt(f, "stateOfChargeStatus", StatusKind::percent);
  f.finish();
  return r;
}

DerSettings parse_der_settings(std::string_view body) {
  const Element doc = parse_document(body);
  const Element& e = expect_root(doc, "DERSettings");
  check_attributes(e, {"href", "subscribable"});
  Fields f(e);
  DerSettings r;
  r.href = href_of(e);
  if (auto m = f.hex_opt("modesEnabled", 4)) r.modes_enabled = static_cast<std::uint32_t>(*m);
  r.set_gradient_w = f.int_req<std::uint16_t>("setGradW");
  r.set_max_va = scaled_opt<UnsignedScaled>(f, "setMaxVA");
  r.set_max_w = scaled_req<SignedScaled>(f, e, "setMaxW");
  r.updated_time = f.int_req<std::int64_t>("updatedTime");
  f.finish();
  return r;
}

DerCapability parse_der_capability(std::string_view body) {
  const Element doc = parse_document(body);
  const Element& e = expect_root(doc, "DERCapability");
  check_attributes(e, {"href"});
  Fields f(e);
  DerCapability r;
  r.href = href_of(e);
  r.modes_supported = static_cast<std::uint32_t>(f.hex_req("modesSupported", 4));
  r.rating_a = scaled_req<UnsignedScaled>(f, e, "rtgA");
  r.rating_va = scaled_opt<UnsignedScaled>(f, "rtgVA");
  r.rating_w = scaled_req<SignedScaled>(f, e, "rtgW");
  r.type = f.int_req<std::uint8_t>("type");
  f.finish();
  return r;
}

MirrorUsagePoint parse_mirror_usage_point(std::string_view body) {
  const Element doc = parse_document(body);
  const Element& e = expect_root(doc, "MirrorUsagePoint");
  check_attributes(e, {"href"});
  Fields f(e);
  MirrorUsagePoint r;
  r.href = href_of(e);
  r.id = identified(f);
  r.role_flags = static_cast<std::uint16_t>(f.hex_req("roleFlags", 2));
  r.service_category_kind = f.int_req<std::uint8_t>("serviceCategoryKind");
  r.status = f.int_req<std::uint8_t>("status");
  r.device_lfdi = lfdi_of(f.require("deviceLFDI"));
  while (const Element* m = f.take("MirrorMeterReading")) {
    if (r.readings.size() == kMaxMirrorMeterReadings)
      refuse("<MirrorUsagePoint>: more than " + std::to_string(kMaxMirrorMeterReadings) + " MirrorMeterReading");
    r.readings.push_back(mirror_meter_reading_of(*m));
  }
  r.post_rate = f.int_opt<std::uint32_t>("postRate");
  f.finish();
  return r;
}

MirrorMeterReading parse_mirror_meter_reading(std::string_view body) {
  const Element doc = parse_document(body);
  return mirror_meter_reading_of(expect_root(doc, "MirrorMeterReading"));
}

Response parse_response(std::string_view body) {
  const Element doc = parse_document(body);
  const Element& e = expect_root(doc, "Response");
  check_attributes(e, {"href"});
  Fields f(e);
  Response r;
  r.href = href_of(e);
  r.created_date_time = f.int_opt<std::int64_t>("createdDateTime");
  r.end_device_lfdi = lfdi_of(f.require("endDeviceLFDI"));
  r.status = f.int_opt<std::uint8_t>("status");
  r.subject = mrid_of(f.require("subject"));
  f.finish();
  return r;
}

}  // namespace pqcea::grid2030
