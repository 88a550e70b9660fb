// The verifier service end to end over real HTTP on loopback: registration with chain
// validation, policy upload, challenge, attestation with signed results, every bad input
// refused with a machine-readable error and nothing written, timeouts, metrics, TLS, and two
// replicas sharing one PostgreSQL database.
#include <gtest/gtest.h>

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
    if (GetParam() == "postgresql" && !pqcea::test::PgCluster::available())
      GTEST_SKIP() << "PostgreSQL is not installed (run scripts/bootstrap)";
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
  pqcea::service::HttpResult get(const std::string& target) { return http_->request("GET", target); }
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

  // Read back: the device's last result and the result by id, as stored.
  auto dev = json::parse(get("/v1/devices/" + d.id).body);
  EXPECT_EQ(dev.at("status"), "active");
  EXPECT_EQ(dev.at("model"), d.fw->model);
  EXPECT_EQ(dev.at("last_result").at("result_id"), res.at("result_id"));
  auto stored = get("/v1/results/" + std::to_string(res.at("result_id").get<std::int64_t>()));
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
  };
  expect(post("/v1/challenge", "{\"device_id\": "), 400, "malformed_json");
  expect(post("/v1/challenge", "[1,2]"), 400, "malformed_json");
  expect(post("/v1/challenge", "{\"id\": \"x\"}"), 400, "bad_request");
  expect(post("/v1/challenge", "{\"device_id\": \"../etc\"}"), 400, "bad_device_id");
  expect(post("/v1/challenge", json{{"device_id", "0000ffff"}}.dump()), 404, "unknown_device");
  expect(post("/v1/challenge", "device_id=x", "application/x-www-form-urlencoded"), 415, "unsupported_media_type");
  expect(post("/v1/attest", "\xa1\x01", "application/cose"), 400, "malformed_token");
  expect(post("/v1/attest", std::string(6000, '\x9f'), "application/cose"), 400, "malformed_token");
  expect(post("/v1/attest", "{\"evidence\": \"***\"}"), 400, "malformed_base64");
  expect(post("/v1/attest", tok, "text/plain"), 415, "unsupported_media_type");
  expect(post("/v1/attest", std::string(70000, 'x'), "application/cose"), 413, "body_too_large");
  http_ = std::make_unique<HttpClient>(base());  // the server closed that connection
  expect(post("/v1/attest", std::string(20000, 'x'), "application/cose"), 413, "token_too_large");
  // An evidence for a device that is not registered.
  auto stranger = fleet_->device(99, "stranger");
  Bytes st = pqcea::sim::build_evidence(stranger, nonce);
  expect(post("/v1/attest", std::string(st.begin(), st.end()), "application/cose"), 404, "unknown_device");
  // A nonce this verifier never issued.
  Bytes forged_nonce(32, 0x42);
  Bytes fn = pqcea::sim::build_evidence(d, forged_nonce);
  expect(post("/v1/attest", std::string(fn.begin(), fn.end()), "application/cose"), 409, "nonce_unknown");
  EXPECT_EQ(results_in_db(), 0u);

  // The genuine evidence is accepted once; its replay is refused.
  ASSERT_EQ(post("/v1/attest", tok, "application/cose").status, 200);
  expect(post("/v1/attest", tok, "application/cose"), 409, "nonce_used");
  EXPECT_EQ(results_in_db(), 1u);

  // Revoked: no more challenges, and evidence on an earlier nonce is refused.
  Bytes n2 = challenge(d);
  Bytes t2 = pqcea::sim::build_evidence(d, n2);
  auto rv = post("/v1/admin/devices/" + d.id + "/revoke", "", "application/json", fleet_->admin);
  ASSERT_EQ(rv.status, 200) << rv.body;
  expect(post("/v1/challenge", json{{"device_id", d.id}}.dump()), 403, "device_revoked");
  expect(post("/v1/attest", std::string(t2.begin(), t2.end()), "application/cose"), 403, "device_revoked");
  EXPECT_EQ(json::parse(get("/v1/devices/" + d.id).body).at("status"), "revoked");
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
  EXPECT_EQ(get("/v1/results/abc").status, 400);
  EXPECT_EQ(get("/v1/results/999999").status, 404);
  EXPECT_EQ(get("/v1/devices/unknown").status, 404);
  r = get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body).at("schema_version"), 2);
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
  if (!pqcea::test::PgCluster::available()) GTEST_SKIP() << "PostgreSQL is not installed";
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
