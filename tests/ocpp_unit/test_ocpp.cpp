// OCPP 2.0.1 unit tests through the public headers only (include/pqcea/host/ocpp/...):
//  - OCPP-J framing (Part 4 §4: CALL / CALLRESULT / CALLERROR) and the strict field readers, with
//    the error code Part 4 §4.3 names for each refusal;
//  - the station core driven sans-I/O: the test is the firmware (it implements StationPorts, feeds
//    frames with received() and reads take_outgoing()) and the CSMS at once.
// The SHA-256 and base64 the station's output is compared with come from OpenSSL, not the product.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <optional>

#include "pqcea/boot/manifest.hpp"
#include "pqcea/host/boot_image.hpp"
#include "pqcea/host/classical_pki.hpp"
#include "pqcea/host/csr.hpp"
#include "pqcea/host/device_sim.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/host/hex.hpp"
#include "pqcea/host/ocpp/rpc.hpp"
#include "pqcea/host/ocpp/station.hpp"

using namespace pqcea;
using namespace pqcea::ocpp;
namespace classical = pqcea::pki::classical;
namespace fs = std::filesystem;

namespace {

// ---- independent helpers (OpenSSL) ------------------------------------------------------------
Bytes openssl_sha256(const Bytes& data) {
  Bytes d(SHA256_DIGEST_LENGTH);
  SHA256(data.data(), data.size(), d.data());
  return d;
}

std::string openssl_base64(const Bytes& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// The refusal code of parse_frame, and the id it reported for the CALLERROR.
std::pair<std::string, std::string> refusal(std::string_view text) {
  std::string id;
  try {
    parse_frame(text, &id);
  } catch (const RpcError& e) {
    return {e.code(), id};
  }
  return {"accepted", id};
}

template <class F>
std::string code_of(F&& f) {
  try {
    f();
  } catch (const RpcError& e) {
    return e.code();
  }
  return "accepted";
}

}  // namespace

// ---- (a) framing ------------------------------------------------------------------------------
TEST(OcppFrame, ParsesTheThreeShapes) {
  const auto call = parse_frame(R"([2,"m-1","Heartbeat",{}])");
  EXPECT_EQ(call.type, FrameType::call);
  EXPECT_EQ(call.id, "m-1");
  EXPECT_EQ(call.action, "Heartbeat");
  EXPECT_TRUE(call.payload.is_object());

  const auto result = parse_frame(R"([3,"m-1",{"currentTime":"2026-12-07T19:42:13Z"}])");
  EXPECT_EQ(result.type, FrameType::result);
  EXPECT_EQ(result.payload.at("currentTime"), "2026-12-07T19:42:13Z");

  const auto error = parse_frame(R"([4,"m-1","NotImplemented","no such action",{}])");
  EXPECT_EQ(error.type, FrameType::error);
  EXPECT_EQ(error.error_code, "NotImplemented");
  EXPECT_EQ(error.error_description, "no such action");
}

TEST(OcppFrame, RefusesWithTheRightCode) {
  // Not an array, or too short: the id cannot be read, so the CALLERROR names "-1" (Part 4 §4.2.3).
  EXPECT_EQ(refusal(R"({"a":1})"), std::make_pair(std::string("RpcFrameworkError"), std::string("-1")));
  EXPECT_EQ(refusal("not json"), std::make_pair(std::string("RpcFrameworkError"), std::string("-1")));
  EXPECT_EQ(refusal(R"([2,"m-1"])").first, "RpcFrameworkError");
  // The message type is not an integer; an unknown message type (the id is known by then).
  EXPECT_EQ(refusal(R"(["2","m-1","Heartbeat",{}])").first, "RpcFrameworkError");
  EXPECT_EQ(refusal(R"([5,"m-1",{}])"), std::make_pair(std::string("MessageTypeNotSupported"), std::string("m-1")));
  // The id: a string of 1..36 characters.
  EXPECT_EQ(refusal(R"([2,17,"Heartbeat",{}])").first, "RpcFrameworkError");
  EXPECT_EQ(refusal(R"([2,"","Heartbeat",{}])"), std::make_pair(std::string("RpcFrameworkError"), std::string("-1")));
  EXPECT_EQ(refusal("[2,\"" + std::string(37, 'a') + "\",\"Heartbeat\",{}]").first, "RpcFrameworkError");
  EXPECT_EQ(refusal("[2,\"" + std::string(36, 'a') + "\",\"Heartbeat\",{}]").first, "accepted");
  // The payload of a CALL is an object; a CALL has exactly four elements.
  EXPECT_EQ(refusal(R"([2,"m-1","Heartbeat",[]])"), std::make_pair(std::string("FormatViolation"), std::string("m-1")));
  EXPECT_EQ(refusal(R"([2,"m-1","Heartbeat",{},{}])").first, "RpcFrameworkError");
  EXPECT_EQ(refusal(R"([3,"m-1","x"])").first, "RpcFrameworkError");
  EXPECT_EQ(refusal(R"([4,"m-1","NotImplemented","x"])").first, "RpcFrameworkError");
}

TEST(OcppFrame, FrameCapIsExact) {
  const std::string head = R"([2,"m-1","DataTransfer",{"data":")", tail = R"("}])";
  std::string at_cap = head + std::string(kMaxFrameBytes - head.size() - tail.size(), 'x') + tail;
  ASSERT_EQ(at_cap.size(), kMaxFrameBytes);
  EXPECT_EQ(refusal(at_cap).first, "accepted");
  std::string over = head + std::string(kMaxFrameBytes + 1 - head.size() - tail.size(), 'x') + tail;
  // Refused before it is parsed: no id is read from it.
  EXPECT_EQ(refusal(over), std::make_pair(std::string("FormatViolation"), std::string("-1")));
}

TEST(OcppFields, ReadersRefuseWithTheRightCode) {
  const Json obj = Json::parse(R"({"s":"abc","n":7,"f":1.5,"o":{},"e":"Pending"})");
  EXPECT_EQ(string_field(obj, "s", 3), "abc");
  EXPECT_EQ(code_of([&] { string_field(obj, "s", 2); }), "PropertyConstraintViolation");
  EXPECT_EQ(code_of([&] { string_field(obj, "missing", 10); }), "OccurrenceConstraintViolation");
  EXPECT_EQ(code_of([&] { string_field(obj, "n", 10); }), "TypeConstraintViolation");
  EXPECT_FALSE(optional_string(obj, "missing", 10).has_value());

  EXPECT_EQ(int_field(obj, "n"), 7);
  EXPECT_EQ(code_of([&] { int_field(obj, "f"); }), "TypeConstraintViolation");
  EXPECT_EQ(code_of([&] { int_field(obj, "s"); }), "TypeConstraintViolation");
  EXPECT_EQ(code_of([&] { int_field(obj, "missing"); }), "OccurrenceConstraintViolation");

  EXPECT_EQ(enum_field(obj, "e", {"Accepted", "Pending", "Rejected"}), "Pending");
  EXPECT_EQ(code_of([&] { enum_field(obj, "e", {"Accepted", "Rejected"}); }), "PropertyConstraintViolation");
  EXPECT_EQ(code_of([&] { enum_field(obj, "n", {"Accepted"}); }), "TypeConstraintViolation");
  EXPECT_EQ(code_of([&] { object_field(obj, "s"); }), "TypeConstraintViolation");
  EXPECT_EQ(code_of([&] { object_field(obj, "missing"); }), "OccurrenceConstraintViolation");
}

TEST(OcppTime, Rfc3339RoundTripAndRefusals) {
  for (std::int64_t t : {std::int64_t{0}, std::int64_t{951782400} /* 2000-02-29 */, std::int64_t{1796672533},
                         std::int64_t{4102444799}})
    EXPECT_EQ(parse_rfc3339(rfc3339(t)), t) << rfc3339(t);
  EXPECT_EQ(rfc3339(1796672533), "2026-12-07T19:42:13Z");
  EXPECT_EQ(parse_rfc3339("2026-12-07T19:42:13.250Z"), 1796672533);
  EXPECT_EQ(parse_rfc3339("2026-12-07T20:42:13+01:00"), 1796672533);
  EXPECT_EQ(parse_rfc3339("2026-12-07T14:42:13-05:00"), 1796672533);
  for (const char* bad : {"", "2026-12-07", "2026-12-07 19:42:13Z", "2026-12-07T19:42:13", "2026-13-07T19:42:13Z",
                          "2026-12-00T19:42:13Z", "2026-12-07T24:00:00Z", "2026-12-07T19:42:13Zjunk",
                          "2026-12-07T19:42:13+0100", "26-12-07T19:42:13Z"})
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
}

// ---- (b) the station core, sans-I/O -------------------------------------------------------------
namespace {

// The firmware's side of the station: records what the core asked for.
struct TestPorts final : StationPorts {
  std::vector<Bytes> evidence_nonces;
  Bytes evidence_bytes{0xd2, 0x84, 0x43, 0xa1, 0x01, 0x38, 0x2b, 0x00, 0xff};  // any bytes: the station relays them
  std::string device_cert = "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n";
  std::vector<std::pair<std::int64_t, std::string>> downloads;
  std::optional<Bytes> rebooted_payload;
  std::string rebooted_version;

  Bytes evidence(std::span<const std::uint8_t> eat_nonce) override {
    evidence_nonces.emplace_back(eat_nonce.begin(), eat_nonce.end());
    return evidence_bytes;
  }
  std::string device_certificate_pem() override { return device_cert; }
  void start_download(std::int64_t request_id, const std::string& url) override { downloads.emplace_back(request_id, url); }
  void reboot_into(const Bytes& payload, const std::string& version) override {
    rebooted_payload = payload;
    rebooted_version = version;
  }
};

std::vector<Json> take(Station& s) {
  std::vector<Json> v;
  for (const auto& f : s.take_outgoing()) v.push_back(Json::parse(f));
  return v;
}

// The CALLs among `frames` with this action.
std::vector<Json> calls(const std::vector<Json>& frames, const std::string& action) {
  std::vector<Json> v;
  for (const auto& f : frames)
    if (f[0] == 2 && f[2] == action) v.push_back(f);
  return v;
}

// The CALLRESULT answering call `id` (or null). Found by id, not position: the station queues the
// calls a handler makes (evidence, security events) before the handler's own answer.
Json result_for(const std::vector<Json>& frames, const std::string& id) {
  for (const auto& f : frames)
    if (f[0] == 3 && f[1] == id) return f[2];
  return nullptr;
}

std::vector<std::string> firmware_statuses(const std::vector<Json>& frames) {
  std::vector<std::string> v;
  for (const auto& f : calls(frames, "FirmwareStatusNotification")) v.push_back(f[3]["status"]);
  return v;
}

std::vector<std::string> security_events(const std::vector<Json>& frames) {
  std::vector<std::string> v;
  for (const auto& f : calls(frames, "SecurityEventNotification")) v.push_back(f[3]["type"]);
  return v;
}

StationConfig config(PqcMode mode) {
  StationConfig c;
  c.station_id = "CS-000001";
  c.mode = mode;
  return c;
}

// Connects and answers the BootNotification with `status`; returns what the station sent after.
std::vector<Json> boot_with(Station& s, const std::string& status, std::int64_t t, Bytes exporter = {}) {
  s.connected(t, std::move(exporter));
  const auto out = take(s);
  const auto b = calls(out, "BootNotification");
  EXPECT_EQ(b.size(), 1u);
  if (b.empty()) return {};
  s.received(result_frame(b[0][1], Json{{"status", status}, {"interval", 5}, {"currentTime", rfc3339(t)}}), t);
  return take(s);
}

Json challenge(std::int64_t request_id, const Bytes& nonce) {
  return Json{{"vendorId", std::string(kVendorId)},
              {"messageId", "AttestationChallenge"},
              {"data", Json{{"requestId", request_id}, {"nonce", host::hex_encode(nonce)}}}};
}

}  // namespace

TEST(OcppStation, BootAdvertisesTheExtensionInHybridOnly) {
  TestPorts ports;
  Station hybrid(config(PqcMode::hybrid), ports);
  hybrid.connected(1000);
  auto out = take(hybrid);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0][2], "BootNotification");
  const auto& req = out[0][3];
  EXPECT_EQ(req["chargingStation"]["serialNumber"], "CS-000001");
  EXPECT_EQ(req["customData"]["vendorId"], "org.pqc-edge-attestor");
  EXPECT_EQ(req["customData"]["pqcMode"], "Hybrid");
  EXPECT_EQ(req["customData"]["attestation"], true);

  Station off(config(PqcMode::off), ports);
  off.connected(1000);
  out = take(off);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0][3].contains("customData"));
}

TEST(OcppStation, PendingThenChallengeGivesEvidenceForTheBoundNonce) {
  TestPorts ports;
  Station s(config(PqcMode::hybrid), ports);
  EXPECT_TRUE(boot_with(s, "Pending", 1000).empty());  // Pending: nothing to send until challenged
  EXPECT_EQ(s.status().boot, StationStatus::Boot::pending);

  Bytes nonce(32);
  for (std::size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<std::uint8_t>(0xa0 + i);
  s.received(call_frame("c-1", "DataTransfer", challenge(42, nonce)), 1001);
  const auto out = take(s);
  ASSERT_EQ(out.size(), 2u);
  // The answer, and the evidence (a CALL of its own).
  EXPECT_EQ(result_for(out, "c-1"), (Json{{"status", "Accepted"}}));
  const auto ev = calls(out, "DataTransfer");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0][3]["vendorId"], "org.pqc-edge-attestor");
  EXPECT_EQ(ev[0][3]["messageId"], "AttestationEvidence");
  EXPECT_EQ(ev[0][3]["data"]["requestId"], 42);
  EXPECT_EQ(ev[0][3]["data"]["evidence"], openssl_base64(ports.evidence_bytes));
  EXPECT_EQ(ev[0][3]["data"]["certificate"], ports.device_cert);
  // Security profile 1: no exporter, so the EAT nonce is SHA-256(nonce).
  ASSERT_EQ(ports.evidence_nonces.size(), 1u);
  EXPECT_EQ(ports.evidence_nonces[0], openssl_sha256(nonce));

  // The CSMS appraises it affirming.
  s.received(result_frame(ev[0][1], Json{{"status", "Accepted"}, {"data", Json{{"status", "affirming"}}}}), 1002);
  EXPECT_TRUE(s.status().attested);
  EXPECT_EQ(s.status().attestation_status, "affirming");
}

TEST(OcppStation, EvidenceNonceIncludesTheTlsExporter) {
  TestPorts ports;
  Station s(config(PqcMode::hybrid), ports);
  Bytes exporter(32, 0x5c);
  boot_with(s, "Pending", 1000, exporter);
  const Bytes nonce(16, 0x11);
  s.received(call_frame("c-1", "DataTransfer", challenge(1, nonce)), 1001);
  Bytes both = nonce;
  both.insert(both.end(), exporter.begin(), exporter.end());
  ASSERT_EQ(ports.evidence_nonces.size(), 1u);
  EXPECT_EQ(ports.evidence_nonces[0], openssl_sha256(both));
  EXPECT_NE(ports.evidence_nonces[0], openssl_sha256(nonce));
}

TEST(OcppStation, RequiredModeRefusesAnUnattestedAcceptedBoot) {
  TestPorts ports;
  Station s(config(PqcMode::required), ports);
  const auto out = boot_with(s, "Accepted", 1000);
  EXPECT_EQ(security_events(out), std::vector<std::string>{"PqcDowngradeAttempt"});
  EXPECT_NE(s.status().boot, StationStatus::Boot::accepted);
  EXPECT_EQ(s.status().boots_accepted, 0);
  // Nothing an accepted station sends (StatusNotification, SignCertificate) went out.
  EXPECT_TRUE(calls(out, "StatusNotification").empty());
  EXPECT_TRUE(calls(out, "SignCertificate").empty());
}

TEST(OcppStation, UnknownActionIsNotImplemented) {
  TestPorts ports;
  Station s(config(PqcMode::hybrid), ports);
  s.connected(1000);
  take(s);
  s.received(call_frame("c-9", "ReserveNow", Json::object()), 1001);
  const auto out = take(s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0][0], 4);
  EXPECT_EQ(out[0][1], "c-9");
  EXPECT_EQ(out[0][2], "NotImplemented");
}

TEST(OcppStation, MalformedFrameIsRpcFrameworkErrorWithIdMinusOne) {
  TestPorts ports;
  Station s(config(PqcMode::hybrid), ports);
  s.connected(1000);
  take(s);
  s.received("[2, this is not json", 1001);
  const auto out = take(s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0][0], 4);
  EXPECT_EQ(out[0][1], "-1");
  EXPECT_EQ(out[0][2], "RpcFrameworkError");
  EXPECT_EQ(s.status().protocol_errors.size(), 1u);
}

TEST(OcppStation, InstallCertificateOverProfileOneIsRejected) {
  TestPorts ports;
  auto cfg = config(PqcMode::hybrid);
  cfg.security_profile = 1;
  Station s(cfg, ports);
  s.connected(1000);
  take(s);
  const auto root = classical::Ca::create("Other root", "Attacker", 30);
  s.received(call_frame("c-1", "InstallCertificate",
                        Json{{"certificateType", "CSMSRootCertificate"}, {"certificate", root.certificate_pem()}}),
             1001);
  const auto out = take(s);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(result_for(out, "c-1"), (Json{{"status", "Rejected"}}));
  EXPECT_EQ(security_events(out), std::vector<std::string>{"InvalidCsmsCertificate"});
  EXPECT_EQ(s.config().classical_root_pem, "");  // the anchor was not added
}

namespace {

// A firmware signer under `ca` and the UpdateFirmware request for `file` signed by it: ECDSA P-256
// over SHA-256 of the whole file, base64 (the standard `signature` field, L01.FR.09).
Json update_firmware(std::int64_t request_id, const classical::Ca& ca, const Bytes& file, std::int64_t t) {
  const auto key = classical::EcKey::generate();
  const auto cert = ca.issue_signer_pem(key.spki_der(), "PQCEA firmware signer", 30);
  return Json{{"requestId", request_id},
              {"firmware", Json{{"location", "http://csms.test/firmware/fw.img"},
                                {"retrieveDateTime", rfc3339(t)},
                                {"signingCertificate", cert},
                                {"signature", openssl_base64(key.sign_sha256(file))}}}};
}

// ML-DSA-87 image keys in a private temporary folder, removed afterwards.
struct ImageKey {
  fs::path dir;
  std::string sk;
  Bytes pk;
  ImageKey() {
    dir = fs::temp_directory_path() / ("pqcea-ocpp-unit-" + std::to_string(::getpid()) + "-" + std::to_string(now()));
    fs::create_directories(dir);
    sk = (dir / "image.key").string();
    pk = host::boot_image::keygen(host::boot_image::parse_algorithm("ML-DSA-87"), sk, host::system_rng());
  }
  ~ImageKey() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::array<std::uint8_t, 32> key_id() const {
    std::array<std::uint8_t, 32> id{};
    boot::key_id_of(pk, id);
    return id;
  }
  Bytes image(std::uint32_t counter, const Bytes& payload) const {
    boot::ImageParams p;
    p.version = {2, 1, 0, 0};
    p.security_counter = counter;
    return host::boot_image::sign_image(sk, p, payload);
  }
};

}  // namespace

TEST(OcppStation, UpdateFirmwareWithAnUntrustedSignerIsInvalidCertificate) {
  TestPorts ports;
  const auto fleet = classical::Ca::create("PQCEA OCPP classical CA", "PQCEA", 30);
  const auto other = classical::Ca::create("Somebody else", "Other", 30);
  auto cfg = config(PqcMode::hybrid);
  cfg.classical_root_pem = fleet.certificate_pem();
  Station s(cfg, ports);
  const auto t = now();
  s.connected(t);
  take(s);
  const Bytes file(100, 0x42);
  s.received(call_frame("c-1", "UpdateFirmware", update_firmware(5, other, file, t)), t);
  const auto out = take(s);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(result_for(out, "c-1"), (Json{{"status", "InvalidCertificate"}}));
  EXPECT_EQ(security_events(out), std::vector<std::string>{"InvalidFirmwareSigningCertificate"});
  EXPECT_TRUE(ports.downloads.empty());  // nothing fetched (L01.FR.02)
}

TEST(OcppStation, FirmwareBelowTheSecurityCounterIsARollback) {
  TestPorts ports;
  const ImageKey key;
  const auto ca = classical::Ca::create("PQCEA OCPP classical CA", "PQCEA", 30);
  auto cfg = config(PqcMode::hybrid);
  cfg.classical_root_pem = ca.certificate_pem();
  cfg.image_key_id = key.key_id();
  cfg.security_counter = 5;
  Station s(cfg, ports);
  const auto t = now();
  s.connected(t);
  take(s);
  const Bytes payload(4096, 0x37);
  const auto file = key.image(4, payload);  // validly signed, counter 4 < 5
  s.received(call_frame("c-1", "UpdateFirmware", update_firmware(7, ca, file, t)), t);
  auto out = take(s);
  ASSERT_FALSE(out.empty());
  // Here the answer does go out first (L01.FR.01 order), then Downloading.
  EXPECT_EQ(out[0], Json::parse(result_frame("c-1", Json{{"status", "Accepted"}})));
  EXPECT_EQ(firmware_statuses(out), std::vector<std::string>{"Downloading"});
  ASSERT_EQ(ports.downloads.size(), 1u);
  EXPECT_EQ(ports.downloads[0], std::make_pair(std::int64_t{7}, std::string("http://csms.test/firmware/fw.img")));

  s.download_done(7, file, t + 1);
  out = take(s);
  EXPECT_EQ(firmware_statuses(out), (std::vector<std::string>{"Downloaded", "InstallVerificationFailed"}));
  EXPECT_EQ(security_events(out), std::vector<std::string>{"FirmwareRollbackAttempt"});
  EXPECT_FALSE(ports.rebooted_payload.has_value());
  EXPECT_EQ(s.config().security_counter, 5u);
}

TEST(OcppStation, GoodFirmwareIsInstalledAndRebootedInto) {
  TestPorts ports;
  const ImageKey key;
  const auto ca = classical::Ca::create("PQCEA OCPP classical CA", "PQCEA", 30);
  auto cfg = config(PqcMode::hybrid);
  cfg.classical_root_pem = ca.certificate_pem();
  cfg.image_key_id = key.key_id();
  cfg.security_counter = 5;
  Station s(cfg, ports);
  const auto t = now();
  s.connected(t);
  take(s);
  Bytes payload(4096);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i);
  const auto file = key.image(6, payload);
  s.received(call_frame("c-1", "UpdateFirmware", update_firmware(8, ca, file, t)), t);
  take(s);
  s.download_done(8, file, t + 1);
  const auto out = take(s);
  EXPECT_EQ(firmware_statuses(out),
            (std::vector<std::string>{"Downloaded", "SignatureVerified", "Installing", "InstallRebooting"}));
  EXPECT_TRUE(security_events(out).empty());
  ASSERT_TRUE(ports.rebooted_payload.has_value());
  EXPECT_EQ(*ports.rebooted_payload, payload);
  EXPECT_EQ(ports.rebooted_version, "2.1.0");
  EXPECT_EQ(s.config().security_counter, 6u);
}

TEST(OcppStation, ClassicalSignatureOverAnotherFileIsInvalidSignature) {
  TestPorts ports;
  const ImageKey key;
  const auto ca = classical::Ca::create("PQCEA OCPP classical CA", "PQCEA", 30);
  auto cfg = config(PqcMode::hybrid);
  cfg.classical_root_pem = ca.certificate_pem();
  cfg.image_key_id = key.key_id();
  Station s(cfg, ports);
  const auto t = now();
  s.connected(t);
  take(s);
  const auto file = key.image(1, Bytes(4096, 0x01));
  s.received(call_frame("c-1", "UpdateFirmware", update_firmware(9, ca, key.image(1, Bytes(4096, 0x02)), t)), t);
  take(s);
  s.download_done(9, file, t + 1);
  const auto out = take(s);
  EXPECT_EQ(firmware_statuses(out), (std::vector<std::string>{"Downloaded", "InvalidSignature"}));
  EXPECT_EQ(security_events(out), std::vector<std::string>{"InvalidFirmwareSignature"});
  EXPECT_FALSE(ports.rebooted_payload.has_value());
}

// ---- M01-M06 with the dual track: ML-DSA twins of roots (customData.pqcCertificate) ----------------
namespace {

// An ML-DSA-87 root CA made with the product's CA code (the station under test only parses and
// checks it), valid from `from` to `until`.
pki::CertificateAuthority mldsa_root(const std::string& cn, std::int64_t from, std::int64_t until) {
  const auto key = sim::KeyPair::generate();
  pki::Name n;
  n.organization = "Other CSMS operator";
  n.common_name = cn;
  return pki::CertificateAuthority::create_root(n, {from, until}, pki::mldsa_signer(pki::Algorithm::MlDsa87, key.seed));
}

std::string pem_of(const pki::Certificate& c) { return pki::to_pem(c.der, "CERTIFICATE"); }

Json install_request(const std::string& type, const std::string& classical_pem, const std::string& pqc_pem) {
  Json req{{"certificateType", type}, {"certificate", classical_pem}};
  if (!pqc_pem.empty()) req["customData"] = Json{{"vendorId", std::string(kVendorId)}, {"pqcCertificate", pqc_pem}};
  return req;
}

// A station on security profile 2 whose configured anchors are a classical CA and an ML-DSA fleet
// root of its own (neither is the CSMS PKI the tests install later).
struct RootsFixture {
  TestPorts ports;
  classical::Ca configured_classical = classical::Ca::create("Configured root", "Factory", 30);
  pki::CertificateAuthority configured_pqc = mldsa_root("Configured ML-DSA root", now() - 60, now() + 86400);
  std::unique_ptr<Station> station;
  explicit RootsFixture(PqcMode mode) {
    auto cfg = config(mode);
    cfg.security_profile = 2;
    cfg.classical_root_pem = configured_classical.certificate_pem();
    cfg.pqc_root_pem = pem_of(configured_pqc.certificate());
    station = std::make_unique<Station>(cfg, ports);
    station->connected(now());
    take(*station);
  }
  // Sends one CALL and returns what the station sent back (its answer and any calls it made).
  std::vector<Json> call(const std::string& id, const std::string& action, const Json& payload) {
    station->received(call_frame(id, action, payload), now());
    return take(*station);
  }
};

// The CertificateHashData of a self-signed ML-DSA root, computed with OpenSSL's SHA-256 over the
// DER the product's parser located (issuer Name TLV, raw public key), serial as hex without
// leading zeros (OCPP 2.0.1 CertificateHashDataType).
Json expected_hash_data(const pki::Certificate& root) {
  std::string serial = host::hex_encode(root.serial);
  serial.erase(0, std::min(serial.find_first_not_of('0'), serial.size() - 1));
  return Json{{"hashAlgorithm", "SHA256"},
              {"issuerNameHash", host::hex_encode(openssl_sha256(root.issuer_der))},
              {"issuerKeyHash", host::hex_encode(openssl_sha256(root.public_key))},
              {"serialNumber", serial}};
}

// Plays the CSMS of A02/A03 with the given CAs: answers the station's SignCertificate with
// Accepted and returns the CertificateSigned request for its two CSRs (the ML-DSA certificate
// naming the classical one, RFC 9763), as the product's CSMS builds it.
Json certificate_signed_for(const Json& sign_request, const classical::Ca& classical_ca,
                            const pki::CertificateAuthority& pqc_ca) {
  const auto& req = sign_request[3];
  const auto csr = classical::parse_csr_pem(req["csr"].get<std::string>());
  const std::string leaf = classical_ca.issue_station_pem(csr, csr.common_name, "", 30);
  const auto pqc_csr = pki::parse_csr(pki::from_pem(req["customData"]["pqcCsr"].get<std::string>(), "CERTIFICATE REQUEST"));
  pki::StationCertificateRequest r;
  r.station_id = csr.common_name;
  r.validity = {now() - 60, now() + 30 * 86400};
  r.related_certificate_der = classical::inspect_certificate_pem(leaf).der;
  const auto pqc_leaf = pki::issue_station_certificate(pqc_ca, pqc_csr, r);
  return Json{{"certificateChain", leaf + classical_ca.certificate_pem()},
              {"certificateType", "ChargingStationCertificate"},
              {"customData", Json{{"vendorId", std::string(kVendorId)},
                                  {"pqcCertificateChain", pem_of(pqc_leaf) + pem_of(pqc_ca.certificate())}}}};
}

// Boots the fixture's station to Accepted and returns its SignCertificate call (answered Accepted).
Json accepted_sign_request(Station& s) {
  const auto t = now();
  s.disconnected();
  const auto out = boot_with(s, "Accepted", t);
  const auto sign = calls(out, "SignCertificate");
  EXPECT_EQ(sign.size(), 1u);
  if (sign.empty()) return nullptr;
  s.received(result_frame(sign[0][1], Json{{"status", "Accepted"}}), t);
  take(s);
  return sign[0];
}

}  // namespace

TEST(OcppStationRoots, GoodPqcRootIsInstalledAndAnchorsCertificateSigned) {
  RootsFixture f(PqcMode::hybrid);
  const auto csms_classical = classical::Ca::create("Other CSMS root", "Other CSMS operator", 30);
  const auto csms_pqc = mldsa_root("Other CSMS ML-DSA root", now() - 60, now() + 86400);

  // Before the install, a CertificateSigned from that PKI is refused (the test can fail).
  auto sign = accepted_sign_request(*f.station);
  ASSERT_FALSE(sign.is_null());
  auto out = f.call("c-0", "CertificateSigned", certificate_signed_for(sign, csms_classical, csms_pqc));
  EXPECT_EQ(result_for(out, "c-0"), (Json{{"status", "Rejected"}}));

  out = f.call("c-1", "InstallCertificate",
               install_request("CSMSRootCertificate", csms_classical.certificate_pem(), pem_of(csms_pqc.certificate())));
  EXPECT_EQ(result_for(out, "c-1"), (Json{{"status", "Accepted"}}));
  EXPECT_TRUE(security_events(out).empty());

  sign = accepted_sign_request(*f.station);
  ASSERT_FALSE(sign.is_null());
  out = f.call("c-2", "CertificateSigned", certificate_signed_for(sign, csms_classical, csms_pqc));
  EXPECT_EQ(result_for(out, "c-2"), (Json{{"status", "Accepted"}})) << Json(calls(out, "SecurityEventNotification")).dump();
  EXPECT_EQ(f.station->status().certificates_installed, 1);
  EXPECT_FALSE(f.station->certificates().pqc_chain_pem.empty());
}

TEST(OcppStationRoots, PqcRootWithABadSelfSignatureIsRejectedAndReported) {
  RootsFixture f(PqcMode::hybrid);
  const auto csms_classical = classical::Ca::create("Other CSMS root", "Other CSMS operator", 30);
  auto der = mldsa_root("Forged ML-DSA root", now() - 60, now() + 86400).certificate().der;
  der.back() ^= 0x01;  // the last octet is inside the signature BIT STRING
  const auto out = f.call("c-1", "InstallCertificate",
                          install_request("CSMSRootCertificate", csms_classical.certificate_pem(), pki::to_pem(der, "CERTIFICATE")));
  EXPECT_EQ(result_for(out, "c-1"), (Json{{"status", "Rejected"}}));
  const auto ev = calls(out, "SecurityEventNotification");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0][3]["type"], "InvalidCsmsCertificate");
  EXPECT_NE(ev[0][3]["techInfo"].get<std::string>().find("self-signature"), std::string::npos) << ev[0][3]["techInfo"];
  // The whole install was refused: the classical root did not join either.
  EXPECT_EQ(f.station->config().classical_root_pem, f.configured_classical.certificate_pem());
}

TEST(OcppStationRoots, ExpiredOrNonCaPqcRootIsRejected) {
  RootsFixture f(PqcMode::hybrid);
  const auto csms_classical = classical::Ca::create("Other CSMS root", "Other CSMS operator", 30);
  const auto expired = mldsa_root("Expired ML-DSA root", now() - 7200, now() - 3600);
  auto out = f.call("c-1", "InstallCertificate",
                    install_request("CSMSRootCertificate", csms_classical.certificate_pem(), pem_of(expired.certificate())));
  EXPECT_EQ(result_for(out, "c-1"), (Json{{"status", "Rejected"}}));
  EXPECT_EQ(security_events(out), std::vector<std::string>{"InvalidCsmsCertificate"});

  // A device certificate (cA=false) from a good root is no root.
  const auto root = mldsa_root("ML-DSA root", now() - 60, now() + 86400);
  pki::DeviceRequest d;
  d.device_id = "DEVICE1";
  d.public_key = sim::KeyPair::generate().pk;
  d.validity = {now() - 60, now() + 3600};
  out = f.call("c-2", "InstallCertificate",
               install_request("CSMSRootCertificate", csms_classical.certificate_pem(), pem_of(root.issue_device(d))));
  EXPECT_EQ(result_for(out, "c-2"), (Json{{"status", "Rejected"}}));
  EXPECT_EQ(security_events(out), std::vector<std::string>{"InvalidCsmsCertificate"});
}

TEST(OcppStationRoots, RequiredModeRefusesACsmsRootWithoutItsPqcTwin) {
  RootsFixture f(PqcMode::required);
  const auto csms_classical = classical::Ca::create("Other CSMS root", "Other CSMS operator", 30);
  auto out = f.call("c-1", "InstallCertificate", install_request("CSMSRootCertificate", csms_classical.certificate_pem(), ""));
  EXPECT_EQ(result_for(out, "c-1"), (Json{{"status", "Rejected"}}));
  EXPECT_EQ(f.station->config().classical_root_pem, f.configured_classical.certificate_pem());
  // With its twin the same root is taken.
  const auto csms_pqc = mldsa_root("Other CSMS ML-DSA root", now() - 60, now() + 86400);
  out = f.call("c-2", "InstallCertificate",
               install_request("CSMSRootCertificate", csms_classical.certificate_pem(), pem_of(csms_pqc.certificate())));
  EXPECT_EQ(result_for(out, "c-2"), (Json{{"status", "Accepted"}}));
}

TEST(OcppStationRoots, GetListsThePqcHashDataAndDeleteRemovesThePair) {
  RootsFixture f(PqcMode::hybrid);
  const auto csms_classical = classical::Ca::create("Other CSMS root", "Other CSMS operator", 30);
  const auto csms_pqc = mldsa_root("Other CSMS ML-DSA root", now() - 60, now() + 86400);
  auto out = f.call("c-1", "InstallCertificate",
                    install_request("CSMSRootCertificate", csms_classical.certificate_pem(), pem_of(csms_pqc.certificate())));
  ASSERT_EQ(result_for(out, "c-1"), (Json{{"status", "Accepted"}}));

  out = f.call("c-2", "GetInstalledCertificateIds", Json{{"certificateType", Json::array({"CSMSRootCertificate"})}});
  auto r = result_for(out, "c-2");
  ASSERT_EQ(r["status"], "Accepted");
  ASSERT_EQ(r["certificateHashDataChain"].size(), 2u);
  const auto& configured = r["certificateHashDataChain"][0];
  const auto& installed = r["certificateHashDataChain"][1];
  EXPECT_FALSE(configured.contains("customData"));  // the configured root has no ML-DSA twin
  ASSERT_TRUE(installed.contains("customData"));
  EXPECT_EQ(installed["customData"]["vendorId"], "org.pqc-edge-attestor");
  EXPECT_EQ(installed["customData"]["pqcCertificateHashData"], expected_hash_data(csms_pqc.certificate()));
  const auto classical_hash = installed["certificateHashData"];
  EXPECT_NE(classical_hash, installed["customData"]["pqcCertificateHashData"]);

  // Delete by the classical root's hash data: the pair goes, and with it the ML-DSA anchor.
  out = f.call("c-3", "DeleteCertificate", Json{{"certificateHashData", classical_hash}});
  EXPECT_EQ(result_for(out, "c-3"), (Json{{"status", "Accepted"}}));
  out = f.call("c-4", "GetInstalledCertificateIds", Json::object());
  r = result_for(out, "c-4");
  ASSERT_EQ(r["certificateHashDataChain"].size(), 1u);
  EXPECT_FALSE(r["certificateHashDataChain"][0].contains("customData"));
  out = f.call("c-5", "DeleteCertificate", Json{{"certificateHashData", classical_hash}});
  EXPECT_EQ(result_for(out, "c-5"), (Json{{"status", "NotFound"}}));
  const auto sign = accepted_sign_request(*f.station);
  ASSERT_FALSE(sign.is_null());
  out = f.call("c-6", "CertificateSigned", certificate_signed_for(sign, f.configured_classical, csms_pqc));
  EXPECT_EQ(result_for(out, "c-6"), (Json{{"status", "Rejected"}}));
}

// ---- A02.FR.17/18: SignCertificate again when no CertificateSigned comes ------------------------
TEST(OcppStationCertificateRetry, ResendsWithADoublingWaitAtMostRepeatTimes) {
  TestPorts ports;
  auto cfg = config(PqcMode::hybrid);
  cfg.cert_signing_wait_minimum = 10;
  cfg.cert_signing_repeat_times = 2;
  Station s(cfg, ports);
  const std::int64_t t0 = 1000;
  const auto booted = boot_with(s, "Accepted", t0);
  auto sign = calls(booted, "SignCertificate");
  ASSERT_EQ(sign.size(), 1u);
  const auto first_csr = sign[0][3]["csr"];
  // The scripted CSMS accepts every request and never sends CertificateSigned. Every resend is
  // answered at once, so the waits start at t0, t0 + 10 and t0 + 30.
  std::vector<std::int64_t> sent_at;
  std::int64_t answered_at = t0;
  s.received(result_frame(sign[0][1], Json{{"status", "Accepted"}}), answered_at);
  for (std::int64_t t = t0 + 1; t <= t0 + 200; ++t) {
    s.tick(t);
    for (const auto& f : take(s)) {
      if (f[0] != 2 || f[2] != "SignCertificate") continue;
      sent_at.push_back(t);
      EXPECT_EQ(f[3]["csr"], first_csr);  // the same request: a late CertificateSigned still fits
      s.received(result_frame(f[1], Json{{"status", "Accepted"}}), t);
    }
  }
  EXPECT_EQ(sent_at, (std::vector<std::int64_t>{t0 + 10, t0 + 10 + 20}));
  // After the last wait (40 s) the station gave up.
  EXPECT_EQ(s.status().certificates_refused, 1);
  const auto& errors = s.status().protocol_errors;
  EXPECT_EQ(std::count_if(errors.begin(), errors.end(),
                          [](const std::string& e) { return e.find("no CertificateSigned after 3 requests") != std::string::npos; }),
            1)
      << Json(errors).dump();
}

TEST(OcppStationCertificateRetry, CertificateSignedStopsTheRetries) {
  TestPorts ports;
  auto cfg = config(PqcMode::hybrid);
  cfg.cert_signing_wait_minimum = 10;
  cfg.cert_signing_repeat_times = 3;
  Station s(cfg, ports);
  const auto sign = calls(boot_with(s, "Accepted", 1000), "SignCertificate");
  ASSERT_EQ(sign.size(), 1u);
  s.received(result_frame(sign[0][1], Json{{"status", "Accepted"}}), 1000);
  // An answer the station refuses (no ML-DSA chain from a trusted root) still ends the wait.
  s.received(call_frame("c-1", "CertificateSigned", Json{{"certificateChain", "no certificate"}}), 1005);
  take(s);
  for (std::int64_t t = 1006; t <= 1100; ++t) {
    s.tick(t);
    EXPECT_TRUE(calls(take(s), "SignCertificate").empty()) << "at " << t;
  }
}
