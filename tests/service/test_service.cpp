// The verifier service end to end over real HTTP on loopback: registration with chain
// validation, policy upload, challenge, attestation with signed results, every bad input
// refused with a machine-readable error and nothing written, forged evidence refused and
// logged, challenge rate limits, read credentials, error bodies, timeouts, metrics, TLS, and
// two replicas sharing one PostgreSQL database.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <set>

#include "pg_cluster.hpp"
#include "pqcea/attest/mldsa_cose.hpp"
#include "pqcea/host/verifier/store.hpp"
#include "service_fixture.hpp"

using namespace svc_test;
using pqcea::service::HttpClient;
using pqcea::service::Server;

namespace {

std::unique_ptr<pqcea::test::PgCluster> g_cluster;

std::string database(const std::string& engine, const fs::path& dir) {
  static int n = 0;
  if (engine == "sqlite") return "sqlite:" + (dir / "verifier.db").string();
  if (!g_cluster) g_cluster = std::make_unique<pqcea::test::PgCluster>();
  return g_cluster->create_database("svc_" + std::to_string(++n));
}

class ServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    // Not a skip: a missing PostgreSQL fails the suite (scripts/bootstrap installs it).
    if (GetParam() == "postgresql") {
      ASSERT_TRUE(pqcea::test::PgCluster::available()) << "PostgreSQL is not installed (run scripts/bootstrap)";
    }
    dir_ = temp_dir("api");
    fleet_ = std::make_unique<Fleet>(dir_ / "fleet");
    db_ = database(GetParam(), dir_);
    start();
  }
  void TearDown() override {
    server_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  void start(std::function<void(pqcea::service::Config&)> tweak = {}) {
    server_.reset();
    auto cfg = fleet_->config(db_);
    if (tweak) tweak(cfg);
    server_ = std::make_unique<Server>(cfg);
    server_->start();
    http_ = std::make_unique<HttpClient>(base());
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  pqcea::service::HttpResult post(const std::string& target, const std::string& body,
                                  const std::string& type = "application/json", const std::string& bearer = "") {
    return http_->request("POST", target, body, type, bearer);
  }
  pqcea::service::HttpResult get(const std::string& target, const std::string& bearer = "") {
    return http_->request("GET", target, {}, "application/json", bearer);
  }
  // A raw exchange (to see the headers) on a fresh connection.
  std::string raw(const std::string& method, const std::string& target, const std::string& body = "",
                  const std::string& headers = "") {
    return RawSocket::exchange(server_->port(), method, target, body, headers);
  }
  static std::string error_of(const pqcea::service::HttpResult& r) {
    auto j = json::parse(r.body, nullptr, false);
    return j.is_object() ? j.value("error", "") : "(not json)";
  }
  pqcea::sim::Device registered(std::size_t i) {
    auto d = fleet_->device(i);
    auto r = post("/v1/admin/devices", fleet_->register_body(d), "application/json", fleet_->admin);
    EXPECT_EQ(r.status, 201) << r.body;
    return d;
  }
  void upload_policy() {
    auto r = http_->request("PUT", "/v1/admin/policy", fleet_->policy_body(), "application/json", fleet_->admin);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  Bytes challenge(const pqcea::sim::Device& d) {
    auto r = post("/v1/challenge", json{{"device_id", d.id}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return unhex(json::parse(r.body).at("nonce").get<std::string>());
  }
  std::size_t results_in_db() { return pqcea::verifier::open_store(db_)->result_count(); }
  std::size_t nonces_in_db() { return pqcea::verifier::open_store(db_)->nonce_count(); }
  std::string metrics() { return get("/metrics").body; }

  fs::path dir_;
  std::unique_ptr<Fleet> fleet_;
  std::string db_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<HttpClient> http_;
};

}  // namespace

TEST_P(ServiceTest, RegisterChallengeAttestAndReadBack) {
  upload_policy();
  auto d = registered(0);
  const std::int64_t before = now_s();
  auto r = post("/v1/challenge", json{{"device_id", d.id}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  auto ch = json::parse(r.body);
  EXPECT_EQ(ch.at("nonce").get<std::string>().size(), 64u);  // 32 bytes, hex
  EXPECT_GE(ch.at("expires_at").get<std::int64_t>(), before + 300);
  Bytes nonce = unhex(ch.at("nonce").get<std::string>());

  Bytes token = pqcea::sim::build_evidence(d, nonce);
  r = post("/v1/attest", std::string(token.begin(), token.end()), "application/cose");
  ASSERT_EQ(r.status, 200) << r.body;
  auto res = json::parse(r.body);
  EXPECT_EQ(res.at("status"), "affirming");
  EXPECT_EQ(res.at("device_id"), d.id);
  EXPECT_EQ(res.at("claims").at("signature"), "ok");
  EXPECT_EQ(res.at("nonce"), ch.at("nonce"));

  // The result is signed by the verifier key the service publishes.
  auto key = json::parse(get("/v1/verifier-key").body);
  pqcea::attest::MlDsa87CoseVerifier v87;
  auto ear = pqcea::verifier::open_result(unb64(res.at("ear")), v87, unb64(key.at("public_key")));
  EXPECT_EQ(ear.at("submods").at(d.id).at("ear.status"), "affirming");

  // Read back (with the read token): the device's last result and the result by id, as stored.
  const std::string result_id = res.at("result_id").get<std::string>();
  EXPECT_EQ(result_id.size(), 32u);
  EXPECT_EQ(result_id.find_first_not_of("0123456789abcdef"), std::string::npos) << result_id;
  auto dev = json::parse(get("/v1/devices/" + d.id, fleet_->read).body);
  EXPECT_EQ(dev.at("status"), "active");
  EXPECT_EQ(dev.at("model"), d.fw->model);
  EXPECT_EQ(dev.at("last_result").at("result_id"), res.at("result_id"));
  auto stored = get("/v1/results/" + result_id, fleet_->read);
  ASSERT_EQ(stored.status, 200);
  EXPECT_EQ(json::parse(stored.body).at("ear"), res.at("ear"));

  // The JSON form of the evidence (base64) works the same; tampered firmware is contraindicated.
  pqcea::sim::EvidenceOptions eo;
  eo.tamper_app = true;
  Bytes bad = pqcea::sim::build_evidence(d, challenge(d), eo);
  r = post("/v1/attest", json{{"evidence", b64(bad)}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  res = json::parse(r.body);
  EXPECT_EQ(res.at("status"), "contraindicated");
  EXPECT_NE(res.at("claims").at("measurements").get<std::string>().find("app"), std::string::npos);
  EXPECT_EQ(results_in_db(), 2u);
}

TEST_P(ServiceTest, BadInputIsRefusedWithAReasonAndNothingIsWritten) {
  upload_policy();
  auto d = registered(1);
  Bytes nonce = challenge(d);
  Bytes token = pqcea::sim::build_evidence(d, nonce);
  const std::string tok(token.begin(), token.end());

  auto expect = [&](const pqcea::service::HttpResult& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(error_of(r), code) << r.body;
    EXPECT_NE(json::parse(r.body, nullptr, false).value("message", ""), "") << r.body;
    EXPECT_EQ(json::parse(r.body, nullptr, false).value("request_id", "").size(), 16u) << r.body;
  };
  expect(post("/v1/challenge", "{\"device_id\": "), 400, "malformed_json");
  expect(post("/v1/challenge", "[1,2]"), 400, "malformed_json");
  expect(post("/v1/challenge", "{\"id\": \"x\"}"), 400, "bad_request");
  expect(post("/v1/challenge", "{\"device_id\": \"../etc\"}"), 400, "bad_device_id");
  expect(post("/v1/challenge", "device_id=x", "application/x-www-form-urlencoded"), 415, "unsupported_media_type");
  expect(post("/v1/attest", "\xa1\x01", "application/cose"), 400, "malformed_token");
  expect(post("/v1/attest", std::string(6000, '\x9f'), "application/cose"), 400, "malformed_token");
  expect(post("/v1/attest", "{\"evidence\": \"***\"}"), 400, "malformed_base64");
  expect(post("/v1/attest", tok, "text/plain"), 415, "unsupported_media_type");
  expect(post("/v1/attest", std::string(70000, 'x'), "application/cose"), 413, "body_too_large");
  http_ = std::make_unique<HttpClient>(base());  // the server closed that connection
  expect(post("/v1/attest", std::string(20000, 'x'), "application/cose"), 413, "token_too_large");
  // Evidence for a device that is not registered: no registered key authenticates it.
  auto stranger = fleet_->device(99, "stranger");
  Bytes st = pqcea::sim::build_evidence(stranger, nonce);
  expect(post("/v1/attest", std::string(st.begin(), st.end()), "application/cose"), 400, "signature_invalid");
  // A nonce this verifier never issued.
  Bytes forged_nonce(32, 0x42);
  Bytes fn = pqcea::sim::build_evidence(d, forged_nonce);
  expect(post("/v1/attest", std::string(fn.begin(), fn.end()), "application/cose"), 409, "nonce_unknown");
  EXPECT_EQ(results_in_db(), 0u);

  // The genuine evidence is accepted once; its replay is refused.
  ASSERT_EQ(post("/v1/attest", tok, "application/cose").status, 200);
  expect(post("/v1/attest", tok, "application/cose"), 409, "nonce_used");
  EXPECT_EQ(results_in_db(), 1u);

  // Revoked: evidence on an earlier nonce is refused (a challenge still answers, unstored).
  Bytes n2 = challenge(d);
  Bytes t2 = pqcea::sim::build_evidence(d, n2);
  auto rv = post("/v1/admin/devices/" + d.id + "/revoke", "", "application/json", fleet_->admin);
  ASSERT_EQ(rv.status, 200) << rv.body;
  expect(post("/v1/attest", std::string(t2.begin(), t2.end()), "application/cose"), 403, "device_revoked");
  EXPECT_EQ(json::parse(get("/v1/devices/" + d.id, fleet_->read).body).at("status"), "revoked");
  EXPECT_EQ(results_in_db(), 1u);
}

TEST_P(ServiceTest, ExpiredNonceIsRefused) {
  start([](pqcea::service::Config& c) { c.nonce_ttl = 1; });
  upload_policy();
  auto d = registered(2);
  Bytes token = pqcea::sim::build_evidence(d, challenge(d));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto r = post("/v1/attest", std::string(token.begin(), token.end()), "application/cose");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(error_of(r), "nonce_expired");
  EXPECT_EQ(results_in_db(), 0u);
}

TEST_P(ServiceTest, AdminEndpointsNeedTheTokenAndValidateWhatTheyGet) {
  auto d = fleet_->device(3);
  const std::string body = fleet_->register_body(d);
  auto r = post("/v1/admin/devices", body);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(error_of(r), "unauthorized");
  r = post("/v1/admin/devices", body, "application/json", fleet_->admin + "x");
  EXPECT_EQ(r.status, 401);
  // A certificate from another CA does not register.
  Fleet other(dir_ / "other-fleet");
  r = post("/v1/admin/devices", other.register_body(d), "application/json", fleet_->admin);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(error_of(r), "certificate_invalid");
  r = post("/v1/admin/devices", json{{"certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"},
                                     {"model", "meter-x1"}}.dump(),
           "application/json", fleet_->admin);
  EXPECT_EQ(r.status / 100, 4);
  EXPECT_FALSE(error_of(r).empty());
  EXPECT_EQ(post("/v1/admin/devices", body, "application/json", fleet_->admin).status, 201);
  r = post("/v1/admin/devices", body, "application/json", fleet_->admin);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(error_of(r), "device_exists");
  // A policy signed by someone else, or not valid, is refused; no attestation without one.
  r = http_->request("PUT", "/v1/admin/policy", other.policy_body(), "application/json", fleet_->admin);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(error_of(r), "policy_signature_invalid");
  Bytes token = pqcea::sim::build_evidence(d, challenge(d));
  r = post("/v1/attest", std::string(token.begin(), token.end()), "application/cose");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(error_of(r), "no_policy");
  EXPECT_EQ(post("/v1/admin/devices/nobody/revoke", "", "application/json", fleet_->admin).status, 404);
  // Routing.
  EXPECT_EQ(get("/v1/nothing").status, 404);
  r = get("/v1/attest");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(error_of(r), "method_not_allowed");
  EXPECT_EQ(get("/v1/results/abc", fleet_->read).status, 400);
  EXPECT_EQ(get("/v1/results/999999", fleet_->read).status, 400);
  EXPECT_EQ(get("/v1/results/" + std::string(32, 'a'), fleet_->read).status, 404);
  EXPECT_EQ(get("/v1/devices/unknown", fleet_->read).status, 404);
  r = get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body).at("schema_version"), 4);
}

TEST_P(ServiceTest, MetricsCountRequestsResultsAndLatency) {
  upload_policy();
  auto d = registered(4);
  Bytes token = pqcea::sim::build_evidence(d, challenge(d));
  ASSERT_EQ(post("/v1/attest", std::string(token.begin(), token.end()), "application/cose").status, 200);
  EXPECT_EQ(post("/v1/attest", std::string(token.begin(), token.end()), "application/cose").status, 409);
  auto r = get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.content_type.find("text/plain"), std::string::npos);
  const std::string& m = r.body;
  EXPECT_NE(m.find("pqcea_http_requests_total{route=\"/v1/attest\",code=\"200\"} 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("pqcea_http_requests_total{route=\"/v1/attest\",code=\"409\"} 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("pqcea_attestation_results_total{status=\"affirming\"} 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("pqcea_attestation_rejections_total{error=\"nonce_used\"} 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("pqcea_http_request_duration_seconds_bucket{route=\"/v1/attest\",le=\"+Inf\"} 2\n"), std::string::npos) << m;
  EXPECT_NE(m.find("pqcea_http_request_duration_seconds_count{route=\"/v1/challenge\"} 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("# TYPE pqcea_http_request_duration_seconds histogram"), std::string::npos);
  const auto cpu = m.find("\nprocess_cpu_seconds_total ");
  ASSERT_NE(cpu, std::string::npos) << m;
  EXPECT_GT(std::stod(m.substr(cpu + 27)), 0.0);
}

// Slow and disconnecting clients: a request that does not arrive in time gets 408 and the
// connection closes; one that hangs up half-way writes nothing; the server keeps serving.
TEST_P(ServiceTest, SlowAndDisconnectingClients) {
  start([](pqcea::service::Config& c) {
    c.request_timeout = std::chrono::milliseconds(600);
    c.idle_timeout = std::chrono::milliseconds(800);
  });
  upload_policy();
  auto d = registered(5);
  Bytes token = pqcea::sim::build_evidence(d, challenge(d));
  {
    RawSocket s(server_->port());
    s.send("POST /v1/attest HTTP/1.1\r\nHost: x\r\nContent-Type: application/cose\r\n");  // never finishes
    const std::string reply = s.read_all();
    EXPECT_NE(reply.find("HTTP/1.1 408"), std::string::npos) << reply;
    EXPECT_NE(reply.find("\"error\":\"request_timeout\""), std::string::npos) << reply;
  }
  {
    RawSocket s(server_->port());
    s.send("POST /v1/attest HTTP/1.1\r\nHost: x\r\nContent-Type: application/cose\r\nContent-Length: " +
           std::to_string(token.size()) + "\r\n\r\n" + std::string(token.begin(), token.begin() + 1000));
    s.close();  // hangs up with most of the evidence unsent
  }
  {
    RawSocket s(server_->port());  // an idle connection is closed without a response
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(s.read_all(), "");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  }
  {
    RawSocket s(server_->port());
    s.send("GARBAGE / HTTP/9\r\n\r\n");
    EXPECT_NE(s.read_all().find("\"error\":\"malformed_http\""), std::string::npos);
  }
  EXPECT_EQ(results_in_db(), 0u);
  http_ = std::make_unique<HttpClient>(base());
  auto r = post("/v1/attest", std::string(token.begin(), token.end()), "application/cose");
  EXPECT_EQ(r.status, 200) << r.body;  // the nonce was not consumed by the broken attempt
  EXPECT_EQ(results_in_db(), 1u);
}

// Evidence signed with another key (a stranger naming a registered device) is refused with
// 400 signature_invalid: no row written, last_result unchanged, the nonce still usable by the
// real device; the event is counted in /metrics and in the admin's security-event log.
TEST_P(ServiceTest, ForgedEvidenceIsRefusedLoggedAndWritesNothing) {
  upload_policy();
  auto d = registered(10);
  Bytes first = pqcea::sim::build_evidence(d, challenge(d));
  auto ok = post("/v1/attest", std::string(first.begin(), first.end()), "application/cose");
  ASSERT_EQ(ok.status, 200) << ok.body;
  const std::string last_id = json::parse(ok.body).at("result_id");

  Bytes nonce = challenge(d);
  const std::size_t results = results_in_db(), nonces = nonces_in_db();
  auto forger = pqcea::sim::KeyPair::generate();
  pqcea::sim::EvidenceOptions eo;
  eo.signing_key = &forger;
  eo.tamper_app = true;  // what an attacker would want recorded
  Bytes forged = pqcea::sim::build_evidence(d, nonce, eo);
  const std::string resp = raw("POST", "/v1/attest", std::string(forged.begin(), forged.end()),
                               "Content-Type: application/cose\r\n");
  EXPECT_NE(resp.find("HTTP/1.1 400"), std::string::npos) << resp;
  auto body = json::parse(body_of(resp), nullptr, false);
  ASSERT_TRUE(body.is_object()) << resp;
  EXPECT_EQ(body.value("error", ""), "signature_invalid");
  const std::string request_id = body.value("request_id", "");
  EXPECT_EQ(header_of(resp, "X-Request-Id"), request_id);

  EXPECT_EQ(results_in_db(), results);
  EXPECT_EQ(nonces_in_db(), nonces);
  auto dev = json::parse(get("/v1/devices/" + d.id, fleet_->read).body);
  EXPECT_EQ(dev.at("last_result").at("result_id"), last_id);
  EXPECT_EQ(dev.at("last_result").at("status"), "affirming");

  const std::string m = metrics();
  EXPECT_NE(m.find("pqcea_security_events_total{kind=\"signature_invalid\"} 1\n"), std::string::npos) << m;
  auto ev = get("/v1/admin/security-events", fleet_->admin);
  ASSERT_EQ(ev.status, 200) << ev.body;
  auto events = json::parse(ev.body).at("events");
  ASSERT_EQ(events.size(), 1u) << ev.body;
  EXPECT_EQ(events[0].at("kind"), "signature_invalid");
  EXPECT_EQ(events[0].at("source"), "127.0.0.1");
  EXPECT_EQ(events[0].at("device_id"), d.id);
  EXPECT_EQ(events[0].at("request_id"), request_id);
  EXPECT_EQ(get("/v1/admin/security-events", fleet_->read).status, 401);  // admin only

  // The real device, same nonce: appraised.
  Bytes real = pqcea::sim::build_evidence(d, nonce);
  auto r = post("/v1/attest", std::string(real.begin(), real.end()), "application/cose");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).at("status"), "affirming");
  EXPECT_EQ(results_in_db(), results + 1);
}

// The challenge answers the same shape and status for an unknown, a revoked and a registered
// device; only the registered device's nonce is stored.
TEST_P(ServiceTest, ChallengeLooksTheSameForUnknownRevokedAndRegisteredDevices) {
  auto live = registered(11);
  auto gone = registered(12);
  ASSERT_EQ(post("/v1/admin/devices/" + gone.id + "/revoke", "", "application/json", fleet_->admin).status, 200);
  const std::string unknown = fleet_->device(13, "never-registered").id;
  auto shape = [&](const std::string& id) {
    auto r = post("/v1/challenge", json{{"device_id", id}}.dump());
    EXPECT_EQ(r.status, 200) << id << ": " << r.body;
    auto j = json::parse(r.body);
    std::set<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it) keys.insert(it.key());
    EXPECT_EQ(keys, (std::set<std::string>{"device_id", "nonce", "expires_at"})) << r.body;
    EXPECT_EQ(j.at("device_id"), id);
    EXPECT_EQ(j.at("nonce").get<std::string>().size(), 64u);
    EXPECT_EQ(r.content_type, "application/json");
    return j.at("expires_at").get<std::int64_t>() - now_s();
  };
  const std::size_t before = nonces_in_db();
  const auto t_unknown = shape(unknown);
  const auto t_revoked = shape(gone.id);
  EXPECT_EQ(nonces_in_db(), before);
  const auto t_live = shape(live.id);
  EXPECT_EQ(nonces_in_db(), before + 1);
  EXPECT_NEAR(double(t_unknown), double(t_live), 2.0);
  EXPECT_NEAR(double(t_revoked), double(t_live), 2.0);
}

// Per-device and per-source token buckets: beyond the burst, 429 rate_limited with Retry-After,
// the same for a registered and an unknown id; counted as a security event.
TEST_P(ServiceTest, ChallengeRatesAreLimitedPerDeviceAndPerSource) {
  start([](pqcea::service::Config& c) {
    c.challenge_rate_device = 0.01;
    c.challenge_burst_device = 2;
    c.challenge_rate_source = 0.01;
    c.challenge_burst_source = 7;
  });
  auto d = registered(14);
  const std::string unknown = fleet_->device(15, "unknown").id;
  for (const std::string& id : {d.id, unknown}) {
    for (int i = 0; i < 2; ++i) EXPECT_EQ(post("/v1/challenge", json{{"device_id", id}}.dump()).status, 200);
    const std::string resp = raw("POST", "/v1/challenge", json{{"device_id", id}}.dump());
    EXPECT_NE(resp.find("HTTP/1.1 429"), std::string::npos) << resp;
    EXPECT_EQ(json::parse(body_of(resp)).at("error"), "rate_limited") << resp;
    EXPECT_GE(std::stoi(header_of(resp, "Retry-After")), 1) << resp;
  }
  // The source has spent 6 of its 7 tokens (4 granted, 2 refused by the device buckets).
  EXPECT_EQ(post("/v1/challenge", json{{"device_id", "fresh-1"}}.dump()).status, 200);
  auto r = post("/v1/challenge", json{{"device_id", "fresh-2"}}.dump());
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(error_of(r), "rate_limited");
  EXPECT_NE(metrics().find("pqcea_security_events_total{kind=\"rate_limited_challenge\"} 3\n"), std::string::npos);
}

// Reads need the read or the admin token; without one every id gets the same 401, so the
// answer does not tell which devices or results exist.
TEST_P(ServiceTest, ReadsNeedATokenAndDoNotTellWhatExists) {
  upload_policy();
  auto d = registered(16);
  Bytes t = pqcea::sim::build_evidence(d, challenge(d));
  auto a = post("/v1/attest", std::string(t.begin(), t.end()), "application/cose");
  ASSERT_EQ(a.status, 200) << a.body;
  const std::string rid = json::parse(a.body).at("result_id");
  const std::vector<std::string> existing = {"/v1/devices/" + d.id, "/v1/results/" + rid};
  const std::vector<std::string> missing = {"/v1/devices/nobody", "/v1/results/" + std::string(32, '0'),
                                            "/v1/results/not-an-id"};
  auto without_id = [](const std::string& body) {
    auto j = json::parse(body);
    j.erase("request_id");
    return j.dump();
  };
  std::string first_body;
  for (const auto& list : {existing, missing})
    for (const auto& path : list)
      for (const std::string& bearer : {std::string(), fleet_->read + "x", std::string("not-a-token")}) {
        auto r = get(path, bearer);
        EXPECT_EQ(r.status, 401) << path << " " << r.body;
        EXPECT_EQ(error_of(r), "unauthorized");
        if (first_body.empty()) first_body = without_id(r.body);
        EXPECT_EQ(without_id(r.body), first_body) << path;
      }
  // The scheme is case-insensitive (RFC 7235); the token is not.
  for (const std::string scheme : {"Bearer", "bearer", "bEaReR", "BEARER"}) {
    const std::string resp = raw("GET", existing[0], "", "Authorization: " + scheme + " " + fleet_->read + "\r\n");
    EXPECT_NE(resp.find("HTTP/1.1 200"), std::string::npos) << scheme << ": " << resp;
  }
  std::string upper = fleet_->read;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(raw("GET", existing[0], "", "Authorization: Bearer " + upper + "\r\n").find("HTTP/1.1 401"), 0u);
  EXPECT_EQ(raw("GET", existing[0], "", "Authorization: Basic " + fleet_->read + "\r\n").find("HTTP/1.1 401"), 0u);
  // With a token: existing ids read, unknown ids 404; the admin token reads too.
  for (const auto& path : existing) {
    EXPECT_EQ(get(path, fleet_->read).status, 200) << path;
    EXPECT_EQ(get(path, fleet_->admin).status, 200) << path;
  }
  EXPECT_EQ(get(missing[0], fleet_->read).status, 404);
  EXPECT_EQ(get(missing[1], fleet_->read).status, 404);
  // The read token is no admin token.
  EXPECT_EQ(post("/v1/admin/devices/" + d.id + "/revoke", "", "application/json", fleet_->read).status, 401);
  // Wrong tokens were counted (the empty one was not a token at all).
  EXPECT_NE(metrics().find("pqcea_security_events_total{kind=\"bad_token\"} "), std::string::npos);
}

// Every response carries X-Request-Id; every error body is exactly {error, message, request_id}
// with the same id, and database or exception text never reaches the client.
TEST_P(ServiceTest, ErrorsCarryARequestIdAndNoInternalText) {
  upload_policy();
  auto d = registered(17);
  const std::string ok = raw("GET", "/healthz");
  EXPECT_NE(ok.find("HTTP/1.1 200"), std::string::npos) << ok;
  EXPECT_EQ(header_of(ok, "X-Request-Id").size(), 16u) << ok;
  EXPECT_NE(header_of(ok, "X-Request-Id"), header_of(raw("GET", "/healthz"), "X-Request-Id"));
  auto check = [](const std::string& resp) {
    auto j = json::parse(body_of(resp), nullptr, false);
    ASSERT_TRUE(j.is_object()) << resp;
    std::set<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it) keys.insert(it.key());
    EXPECT_EQ(keys, (std::set<std::string>{"error", "message", "request_id"})) << resp;
    EXPECT_EQ(j.value("request_id", ""), header_of(resp, "X-Request-Id")) << resp;
    for (const char* leak : {"sqlite", "postgres", "SQL", "table", "exception", "what()", "der:", "base64 body"})
      EXPECT_EQ(resp.find(leak), std::string::npos) << leak << " in " << resp;
  };
  check(raw("GET", "/v1/nothing"));
  check(raw("POST", "/v1/challenge", "{"));
  check(raw("POST", "/v1/attest", "\xa1\x01", "Content-Type: application/cose\r\n"));
  check(raw("POST", "/v1/admin/devices", json{{"certificate", "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n"},
                                              {"model", "m"}}.dump(),
            "Authorization: Bearer " + fleet_->admin + "\r\n"));
  check(raw("GET", "/v1/devices/x"));
  check(raw("GARBAGE", "/"));

  // Break the database under the running server: the client gets 503 store_unavailable with a
  // fixed message, never the database's error text.
  if (GetParam() == "sqlite") {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_.substr(7).c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DROP TABLE results", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  } else {
    PGconn* c = PQconnectdb(db_.c_str());
    PGresult* r = PQexec(c, "DROP TABLE results");
    ASSERT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
  }
  const std::string resp = raw("GET", "/v1/devices/" + d.id, "", "Authorization: Bearer " + fleet_->read + "\r\n");
  EXPECT_NE(resp.find("HTTP/1.1 503"), std::string::npos) << resp;
  EXPECT_NE(resp.find("\"error\":\"store_unavailable\""), std::string::npos) << resp;
  check(resp);
}

// Expired nonces are deleted by the engine's sweep, in bounded batches (the bound itself is
// checked at the store: StoreTest.SweepDeletesExpiredNoncesInBoundedBatches).
TEST_P(ServiceTest, ExpiredNoncesAreSwept) {
  start([](pqcea::service::Config& c) {
    c.nonce_ttl = 1;
    c.nonce_sweep_grace = 0;
    c.nonce_sweep_batch = 2;
    c.nonce_sweep_interval = std::chrono::milliseconds(100);
  });
  auto d = registered(18);
  for (int i = 0; i < 5; ++i) challenge(d);
  EXPECT_GE(nonces_in_db(), 1u);
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (nonces_in_db() > 0 && std::chrono::steady_clock::now() < limit)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(nonces_in_db(), 0u);
  EXPECT_NE(metrics().find("pqcea_nonces_swept_total 5\n"), std::string::npos) << metrics();
}

// fleet-init writes both tokens 0600, distinct, and the service reads them.
TEST_P(ServiceTest, FleetTokensArePrivateFiles) {
  for (const char* name : {"admin.token", "read.token", "verifier.key.pem"}) {
    struct stat st{};
    ASSERT_EQ(::stat((fleet_->dir / name).c_str(), &st), 0) << name;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << name;
  }
  EXPECT_NE(fleet_->admin, fleet_->read);
  EXPECT_GE(fleet_->read.size(), 32u);
}

INSTANTIATE_TEST_SUITE_P(Engines, ServiceTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

// HTTPS through OpenSSL; a plain-HTTP client gets no answer from the TLS port.
TEST(ServiceTls, ServesHttpsWithTheConfiguredCertificate) {
  fs::path dir = temp_dir("tls");
  Fleet fleet(dir / "fleet");
  auto cfg = fleet.config("sqlite:" + (dir / "v.db").string());
  cfg.tls_cert_file = (dir / "fleet" / "tls.pem").string();
  cfg.tls_key_file = (dir / "fleet" / "tls.key.pem").string();
  cfg.tls_groups = "X25519:P-256";
  Server server(cfg);
  server.start();
  HttpClient https("https://127.0.0.1:" + std::to_string(server.port()), (dir / "fleet" / "tls.pem").string());
  auto r = https.request("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  auto d = fleet.device(0);
  EXPECT_EQ(https.request("POST", "/v1/admin/devices", fleet.register_body(d), "application/json", fleet.admin).status, 201);
  HttpClient plain("http://127.0.0.1:" + std::to_string(server.port()));
  EXPECT_THROW(plain.request("GET", "/healthz"), std::runtime_error);
  HttpClient untrusting("https://127.0.0.1:" + std::to_string(server.port()), (dir / "fleet" / "ca.pem").string());
  EXPECT_THROW(untrusting.request("GET", "/healthz"), std::runtime_error);
  server.stop();
  fs::remove_all(dir);
}

// Two replicas share one PostgreSQL database: a nonce from one is used at the other, and only once;
// a policy uploaded to one reaches the other.
TEST(ServiceReplicas, NoncesAndPoliciesAreSharedThroughTheDatabase) {
  ASSERT_TRUE(pqcea::test::PgCluster::available()) << "PostgreSQL is not installed (run scripts/bootstrap)";
  fs::path dir = temp_dir("replicas");
  Fleet fleet(dir / "fleet");
  const std::string db = database("postgresql", dir);
  auto cfg = fleet.config(db);
  cfg.policy_poll = std::chrono::milliseconds(100);
  Server a(cfg), b(cfg);
  a.start();
  b.start();
  HttpClient ca("http://127.0.0.1:" + std::to_string(a.port())), cb("http://127.0.0.1:" + std::to_string(b.port()));
  ASSERT_EQ(ca.request("PUT", "/v1/admin/policy", fleet.policy_body(), "application/json", fleet.admin).status, 200);
  auto d = fleet.device(0);
  ASSERT_EQ(ca.request("POST", "/v1/admin/devices", fleet.register_body(d), "application/json", fleet.admin).status, 201);
  auto ch = ca.request("POST", "/v1/challenge", json{{"device_id", d.id}}.dump());
  ASSERT_EQ(ch.status, 200);
  Bytes token = pqcea::sim::build_evidence(d, unhex(json::parse(ch.body).at("nonce")));
  const std::string tok(token.begin(), token.end());
  // B learns the policy from the database within its poll interval.
  pqcea::service::HttpResult r;
  for (int i = 0; i < 50; ++i) {
    r = cb.request("POST", "/v1/attest", tok, "application/cose");
    if (r.status != 503) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(r.status, 200) << r.body;
  r = ca.request("POST", "/v1/attest", tok, "application/cose");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(json::parse(r.body).at("error"), "nonce_used");
  EXPECT_EQ(pqcea::verifier::open_store(db)->result_count(), 1u);
  a.stop();
  b.stop();
  g_cluster.reset();
  fs::remove_all(dir);
}
