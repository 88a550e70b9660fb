// The service as a process: `pqcea serve` is killed with SIGKILL in the middle of a load and
// restarted on the same database; no acknowledged result is missing or different, and none is
// duplicated. And a small `pqcea loadgen` run ends with "lost: 0".
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "pqcea/host/verifier/store.hpp"
#include "service_fixture.hpp"

using namespace svc_test;
using pqcea::service::HttpClient;

namespace {

std::vector<std::string> serve_args(const fs::path& dir, const std::string& db, const fs::path& port_file) {
  // Many challenges per device from one address ahead of the attestations: the limits that
  // protect a real fleet's devices are lifted for these load runs.
  return {PQCEA_BIN, "serve", "--listen", "127.0.0.1:0", "--db", db, "--fleet", (dir / "fleet").string(),
          "--port-file", port_file.string(), "--quiet", "--challenge-rate-device", "0", "--challenge-rate-source", "0",
          "--max-nonces-per-device", "1000"};
}

}  // namespace

TEST(ServiceProcess, KillMidLoadLosesAndDuplicatesNothing) {
  fs::path dir = temp_dir("kill");
  Fleet fleet(dir / "fleet");
  const std::string db = "sqlite:" + (dir / "verifier.db").string();
  auto server = std::make_unique<Child>(serve_args(dir, db, dir / "port1"), dir / "serve1.log");
  const std::string base = "http://127.0.0.1:" + std::to_string(wait_port(dir / "port1"));
  HttpClient admin(base);
  ASSERT_EQ(admin.request("PUT", "/v1/admin/policy", fleet.policy_body(), "application/json", fleet.admin).status, 200);

  constexpr std::size_t kDevices = 8, kPerDevice = 25;
  std::vector<pqcea::sim::Device> devices;
  std::vector<std::vector<std::string>> tokens(kDevices);
  std::vector<std::vector<Bytes>> nonces(kDevices);
  for (std::size_t i = 0; i < kDevices; ++i) {
    devices.push_back(fleet.device(i, "kill"));
    ASSERT_EQ(admin.request("POST", "/v1/admin/devices", fleet.register_body(devices[i]), "application/json", fleet.admin).status, 201);
    for (std::size_t k = 0; k < kPerDevice; ++k) {
      auto r = admin.request("POST", "/v1/challenge", json{{"device_id", devices[i].id}}.dump());
      ASSERT_EQ(r.status, 200);
      nonces[i].push_back(unhex(json::parse(r.body).at("nonce")));
      Bytes t = pqcea::sim::build_evidence(devices[i], nonces[i].back());
      tokens[i].emplace_back(t.begin(), t.end());
    }
  }

  // Eight devices attest concurrently; the server is killed once some results are acknowledged.
  struct Ack {
    std::string id;
    std::string ear;
  };
  std::mutex mu;
  std::map<std::pair<std::size_t, std::size_t>, Ack> acked;
  std::atomic<std::size_t> ack_count{0};
  std::vector<std::thread> senders;
  for (std::size_t i = 0; i < kDevices; ++i)
    senders.emplace_back([&, i] {
      for (std::size_t k = 0; k < kPerDevice; ++k) {
        try {
          HttpClient c(base);  // a fresh connection per attempt: no silent retry
          auto r = c.request("POST", "/v1/attest", tokens[i][k], "application/cose");
          if (r.status != 200) continue;
          auto j = json::parse(r.body);
          std::lock_guard<std::mutex> lock(mu);
          acked[{i, k}] = {j.at("result_id").get<std::string>(), j.at("ear").get<std::string>()};
          ++ack_count;
        } catch (const std::exception&) {
          // connection refused or cut by the kill: not acknowledged
        }
      }
    });
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (ack_count < 40 && std::chrono::steady_clock::now() < limit) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  server->kill(SIGKILL);
  for (auto& t : senders) t.join();
  const std::size_t n_acked = acked.size();
  ASSERT_GE(n_acked, 40u);
  ASSERT_LT(n_acked, kDevices * kPerDevice) << "the kill came after the load: nothing was in flight";

  // Every acknowledged result is in the database, byte for byte.
  {
    auto store = pqcea::verifier::open_store(db);
    for (const auto& [key, ack] : acked) {
      auto rec = store->result(ack.id);
      ASSERT_TRUE(rec.has_value()) << "acknowledged result " << ack.id << " is missing";
      EXPECT_EQ(rec->nonce, nonces[key.first][key.second]);
      EXPECT_EQ(rec->ear, unb64(ack.ear));
      EXPECT_EQ(rec->device_id, devices[key.first].id);
    }
  }

  // Restart on the same database and send every token again: acknowledged ones are refused as
  // replays; the others are either refused (committed, answer lost in the kill) or accepted now.
  server = std::make_unique<Child>(serve_args(dir, db, dir / "port2"), dir / "serve2.log");
  HttpClient again("http://127.0.0.1:" + std::to_string(wait_port(dir / "port2")));
  std::size_t accepted_now = 0, committed_unacked = 0;
  for (std::size_t i = 0; i < kDevices; ++i)
    for (std::size_t k = 0; k < kPerDevice; ++k) {
      auto r = again.request("POST", "/v1/attest", tokens[i][k], "application/cose");
      const bool was_acked = acked.count({i, k}) != 0;
      if (was_acked) {
        EXPECT_EQ(r.status, 409) << r.body;
      } else {
        ASSERT_TRUE(r.status == 200 || r.status == 409) << r.body;
        (r.status == 200 ? accepted_now : committed_unacked)++;
      }
      if (r.status == 409) {
        EXPECT_EQ(json::parse(r.body).at("error"), "nonce_used");
      }
    }
  // Each token's verdict is stored exactly once: no duplicate, no loss.
  EXPECT_EQ(pqcea::verifier::open_store(db)->result_count(), kDevices * kPerDevice);
  EXPECT_EQ(n_acked + committed_unacked + accepted_now, kDevices * kPerDevice);
  std::cout << "acknowledged before the kill: " << n_acked << ", committed but unacknowledged: " << committed_unacked
            << ", accepted after the restart: " << accepted_now << "\n";
  server.reset();
  fs::remove_all(dir);
}

TEST(ServiceProcess, SmallLoadgenRunLosesNothing) {
  fs::path dir = temp_dir("loadgen");
  Fleet fleet(dir / "fleet");
  Child server(serve_args(dir, "sqlite:" + (dir / "verifier.db").string(), dir / "port"), dir / "serve.log");
  const std::string target = "http://127.0.0.1:" + std::to_string(wait_port(dir / "port"));
  Child loadgen({PQCEA_BIN, "loadgen", "--target", target, "--fleet", (dir / "fleet").string(), "--devices", "20",
                 "--attestations", "200", "--tamper-every", "10", "--check-signatures", "20"},
                dir / "loadgen.log");
  const int rc = loadgen.wait(std::chrono::seconds(120));
  const std::string out = slurp(dir / "loadgen.log");
  std::cout << out;
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("\nlost: 0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("200 acknowledged of 200"), std::string::npos) << out;
  EXPECT_NE(out.find("10 of 10 replayed tokens refused"), std::string::npos) << out;
  EXPECT_NE(out.find("EAR signatures verified 20/20"), std::string::npos) << out;
  fs::remove_all(dir);
}
