#include <gtest/gtest.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <filesystem>
#include <set>

#include "pg_cluster.hpp"
#include "pqcea/host/verifier/store.hpp"

using namespace pqcea::verifier;

namespace {

// Every test runs on both engines: SQLite (a file in a fresh folder) and PostgreSQL (a fresh
// database in a throwaway cluster shared by the suite).
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {}
  static void TearDownTestSuite() { cluster_.reset(); }
  void SetUp() override {
    static int counter = 0;
    if (GetParam() == "postgresql") {
      // Not a skip: a missing PostgreSQL fails the suite (scripts/bootstrap installs it).
      ASSERT_TRUE(pqcea::test::PgCluster::available()) << "PostgreSQL is not installed (run scripts/bootstrap)";
      if (!cluster_) cluster_ = std::make_unique<pqcea::test::PgCluster>();
      url_ = cluster_->create_database("store_test_" + std::to_string(++counter));
    } else {
      dir_ = std::filesystem::temp_directory_path() / ("pqcea-store-" + std::to_string(::getpid()) + "-" +
                                                        std::to_string(++counter));
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "verifier.db").string();
    }
    store_ = open_store(url_);
    Device d;
    d.id = "meter-0001";
    d.model = "meter-x1";
    d.sig_alg = "ML-DSA-87";
    d.public_key = Bytes(2592, 7);
    d.certificate = Bytes(100, 1);
    d.not_after = 2000000000;
    d.registered_at = 1;
    store_->put_device(d);
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  ResultRecord result(const std::string& dev = "meter-0001") {
    ResultRecord r;
    r.device_id = dev;
    r.status = "affirming";
    r.detail = "{}";
    r.ear = Bytes{1, 2, 3};
    return r;
  }
  static std::unique_ptr<pqcea::test::PgCluster> cluster_;
  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
};
std::unique_ptr<pqcea::test::PgCluster> StoreTest::cluster_;

const Bytes kNonce(32, 0xAB);

Bytes nonce_n(std::size_t i) {
  Bytes n(32, 0x5A);
  n[0] = static_cast<std::uint8_t>(i);
  n[1] = static_cast<std::uint8_t>(i >> 8);
  return n;
}

bool is_result_id(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Runs SQL on the database behind `url` with the engine's own client library (to build a
// database at an old schema version, as an earlier release left it).
void raw_sql(const std::string& url, const std::string& sql) {
  if (url.rfind("sqlite:", 0) == 0) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(url.substr(7).c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    const std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << msg;
  } else {
    PGconn* c = PQconnectdb(url.c_str());
    PGresult* r = PQexec(c, sql.c_str());
    const auto st = PQresultStatus(r);
    const std::string msg = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    ASSERT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) << msg;
  }
}

}  // namespace

TEST_P(StoreTest, MigrationsAreIdempotentAndVersioned) {
  EXPECT_EQ(store_->schema_version(), 4);
  store_->migrate();
  EXPECT_EQ(store_->schema_version(), 4);
  EXPECT_EQ(store_->device_count(), 1u);
}

TEST_P(StoreTest, OcppStationsUpsertAndEventsKeepTheirOrder) {
  EXPECT_FALSE(store_->ocpp_station("CS-1").has_value());
  OcppStation s{"CS-1", "dev", "PQCEA-AC22", "1.0.0", "Pending", "", "", "", 100};
  store_->put_ocpp_station(s);
  s.boot_status = "Accepted";
  s.attestation = "affirming";
  s.classical_serial = "0a1b";
  s.updated_at = 101;
  store_->put_ocpp_station(s);  // the same id: replaced, not duplicated
  const auto got = store_->ocpp_station("CS-1");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->boot_status, "Accepted");
  EXPECT_EQ(got->attestation, "affirming");
  EXPECT_EQ(got->classical_serial, "0a1b");
  EXPECT_EQ(got->updated_at, 101);
  EXPECT_EQ(store_->ocpp_station_count(), 1u);
  s.classical_serial.clear();  // a later connection that has not renewed: the serial stays
  s.boot_status = "Pending";
  store_->put_ocpp_station(s);
  EXPECT_EQ(store_->ocpp_station("CS-1")->classical_serial, "0a1b");
  EXPECT_EQ(store_->ocpp_station("CS-1")->boot_status, "Pending");
  for (int i = 0; i < 5; ++i) store_->add_ocpp_event({"CS-1", "firmware", "status" + std::to_string(i), "", 200 + i});
  store_->add_ocpp_event({"CS-2", "security", "InvalidFirmwareSignature", "x", 300});
  const auto last3 = store_->ocpp_events("CS-1", 3);  // the newest three, oldest first
  ASSERT_EQ(last3.size(), 3u);
  EXPECT_EQ(last3[0].type, "status2");
  EXPECT_EQ(last3[2].type, "status4");
  EXPECT_EQ(last3[2].at, 204);
  EXPECT_EQ(store_->ocpp_events("CS-2", 10).size(), 1u);
}

TEST_P(StoreTest, RegistryRoundTripAndDuplicateRejected) {
  auto d = store_->device("meter-0001");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->public_key.size(), 2592u);
  EXPECT_FALSE(d->revoked);
  EXPECT_THROW(store_->put_device(*d), StoreError);
  EXPECT_FALSE(store_->device("nope").has_value());
  EXPECT_TRUE(store_->revoke("meter-0001"));
  EXPECT_TRUE(store_->device("meter-0001")->revoked);
  EXPECT_FALSE(store_->revoke("nope"));
}

TEST_P(StoreTest, DeleteRemovesTheDeviceItsNoncesAndResultsOnly) {
  auto other = *store_->device("meter-0001");
  other.id = "meter-0002";
  store_->put_device(other);
  store_->put_nonce("meter-0001", kNonce, 100, 8);
  auto r = result();
  ASSERT_EQ(store_->commit_result(kNonce, 50, r), NonceCheck::ok);
  store_->put_nonce("meter-0001", nonce_n(1), 100, 8);  // an unused one too
  store_->put_nonce("meter-0002", nonce_n(2), 100, 8);
  EXPECT_TRUE(store_->delete_device("meter-0001"));
  EXPECT_FALSE(store_->device("meter-0001").has_value());
  EXPECT_FALSE(store_->result(r.id).has_value());
  EXPECT_EQ(store_->result_count(), 0u);
  EXPECT_EQ(store_->nonce_count(), 1u);  // meter-0002's
  EXPECT_TRUE(store_->device("meter-0002").has_value());
  EXPECT_FALSE(store_->delete_device("meter-0001"));
  EXPECT_FALSE(store_->delete_device("nope"));
}

TEST_P(StoreTest, ListPagesThroughTheRegistryInIdOrder) {
  auto d = *store_->device("meter-0001");
  for (const char* id : {"meter-0004", "meter-0002", "meter-0003"}) {
    d.id = id;
    store_->put_device(d);
  }
  ASSERT_TRUE(store_->revoke("meter-0003"));
  auto page = store_->list_devices("", 3);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].id, "meter-0001");
  EXPECT_EQ(page[2].id, "meter-0003");
  EXPECT_TRUE(page[2].revoked);
  EXPECT_TRUE(page[0].certificate.empty());  // pages carry no certificates
  EXPECT_EQ(page[0].public_key.size(), 2592u);
  page = store_->list_devices("meter-0003", 3);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, "meter-0004");
  EXPECT_TRUE(store_->list_devices("meter-0004", 3).empty());
}

TEST_P(StoreTest, NonceIsSingleUse) {
  store_->put_nonce("meter-0001", kNonce, 100, 8);
  EXPECT_EQ(store_->check_nonce("meter-0001", kNonce, 50), NonceCheck::ok);
  auto r = result();
  EXPECT_EQ(store_->commit_result(kNonce, 50, r), NonceCheck::ok);
  EXPECT_TRUE(is_result_id(r.id)) << r.id;
  auto r2 = result();
  EXPECT_EQ(store_->commit_result(kNonce, 51, r2), NonceCheck::used);
  EXPECT_EQ(store_->result_count(), 1u);
  EXPECT_EQ(store_->last_result("meter-0001")->id, r.id);
}

TEST_P(StoreTest, RejectedNonceWritesNothing) {
  store_->put_nonce("meter-0001", kNonce, 100, 8);
  auto r = result();
  EXPECT_EQ(store_->commit_result(kNonce, 100, r), NonceCheck::expired);
  EXPECT_EQ(store_->commit_result(Bytes(32, 1), 50, r), NonceCheck::unknown);
  Device other = *store_->device("meter-0001");
  other.id = "meter-0002";
  store_->put_device(other);
  auto r3 = result("meter-0002");
  EXPECT_EQ(store_->commit_result(kNonce, 50, r3), NonceCheck::wrong_device);
  EXPECT_EQ(store_->result_count(), 0u);
  // The nonce is still usable by its own device afterwards.
  EXPECT_EQ(store_->commit_result(kNonce, 50, r), NonceCheck::ok);
}

// Two connections (as two verifier processes would have) share the file: the database decides.
TEST_P(StoreTest, NonceSingleUseAcrossConnections) {
  auto second = open_store(url_);
  store_->put_nonce("meter-0001", kNonce, 100, 8);
  auto a = result();
  auto b = result();
  EXPECT_EQ(second->commit_result(kNonce, 10, a), NonceCheck::ok);
  EXPECT_EQ(store_->commit_result(kNonce, 10, b), NonceCheck::used);
  EXPECT_EQ(store_->result_count(), 1u);
}

TEST_P(StoreTest, ResultById) {
  store_->put_nonce("meter-0001", kNonce, 100, 8);
  auto r = result();
  ASSERT_EQ(store_->commit_result(kNonce, 50, r), NonceCheck::ok);
  auto got = store_->result(r.id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->device_id, "meter-0001");
  EXPECT_EQ(got->ear, (Bytes{1, 2, 3}));
  EXPECT_EQ(got->nonce, kNonce);
  EXPECT_EQ(got->created_at, 50);
  EXPECT_FALSE(store_->result(std::string(32, '0')).has_value());
  EXPECT_FALSE(store_->result("1").has_value());
}

// Public result ids are 128 random bits: distinct, not in issue order, all 32 hex characters.
TEST_P(StoreTest, ResultIdsAreRandom128BitHex) {
  std::set<std::string> ids;
  std::vector<std::string> in_order;
  for (std::size_t i = 0; i < 20; ++i) {
    store_->put_nonce("meter-0001", nonce_n(i), 100, 64);
    auto r = result();
    ASSERT_EQ(store_->commit_result(nonce_n(i), 50, r), NonceCheck::ok);
    EXPECT_TRUE(is_result_id(r.id)) << r.id;
    ids.insert(r.id);
    in_order.push_back(r.id);
    EXPECT_EQ(store_->last_result("meter-0001")->id, r.id);  // history order is the commit order
  }
  EXPECT_EQ(ids.size(), 20u);
  EXPECT_FALSE(std::is_sorted(in_order.begin(), in_order.end()));  // 1 in 20! by chance
}

// A device holds at most max_outstanding unused nonces; one more drops its oldest. Used nonces
// and other devices' nonces are not touched.
TEST_P(StoreTest, OutstandingNoncesPerDeviceAreCappedOldestFirst) {
  Device other = *store_->device("meter-0001");
  other.id = "meter-0002";
  store_->put_device(other);
  store_->put_nonce("meter-0002", nonce_n(1000), 100, 3);
  store_->put_nonce("meter-0001", nonce_n(0), 100, 3);
  auto r = result();
  ASSERT_EQ(store_->commit_result(nonce_n(0), 50, r), NonceCheck::ok);  // used: stays
  for (std::size_t i = 1; i <= 5; ++i) store_->put_nonce("meter-0001", nonce_n(i), 100, 3);
  EXPECT_EQ(store_->check_nonce("meter-0001", nonce_n(1), 50), NonceCheck::unknown);
  EXPECT_EQ(store_->check_nonce("meter-0001", nonce_n(2), 50), NonceCheck::unknown);
  for (std::size_t i = 3; i <= 5; ++i) EXPECT_EQ(store_->check_nonce("meter-0001", nonce_n(i), 50), NonceCheck::ok) << i;
  EXPECT_EQ(store_->check_nonce("meter-0001", nonce_n(0), 50), NonceCheck::used);
  EXPECT_EQ(store_->check_nonce("meter-0002", nonce_n(1000), 50), NonceCheck::ok);
  EXPECT_EQ(store_->nonce_count(), 5u);  // 3 live + 1 used of meter-0001, 1 of meter-0002
}

// Expired nonces go in bounded batches; live ones and those within the grace stay.
TEST_P(StoreTest, SweepDeletesExpiredNoncesInBoundedBatches) {
  for (std::size_t i = 0; i < 25; ++i) store_->put_nonce("meter-0001", nonce_n(i), 10 + std::int64_t(i % 5), 1000);
  for (std::size_t i = 100; i < 105; ++i) store_->put_nonce("meter-0001", nonce_n(i), 500, 1000);
  ASSERT_EQ(store_->nonce_count(), 30u);
  EXPECT_EQ(store_->sweep_nonces(100, 10), 10u);
  EXPECT_EQ(store_->nonce_count(), 20u);
  EXPECT_EQ(store_->sweep_nonces(100, 10), 10u);
  EXPECT_EQ(store_->sweep_nonces(100, 10), 5u);
  EXPECT_EQ(store_->sweep_nonces(100, 10), 0u);
  EXPECT_EQ(store_->nonce_count(), 5u);
  EXPECT_EQ(store_->check_nonce("meter-0001", nonce_n(100), 50), NonceCheck::ok);
  EXPECT_EQ(store_->sweep_nonces(500, 10), 0u);  // expires_at == 500 is not before 500
  EXPECT_EQ(store_->sweep_nonces(501, 10), 5u);
}

// A database left at schema version 2 (sequential integer result ids) migrates to random ids
// and keeps its results readable, in their order.
TEST_P(StoreTest, VersionTwoDatabaseMigratesAndKeepsItsResults) {
  store_.reset();
  const std::string old_url = url_ + (GetParam() == "sqlite" ? "-v2" : "");
  std::string url = old_url;
  if (GetParam() == "postgresql") {
    static int n = 0;
    url = cluster_->create_database("store_v2_" + std::to_string(++n));
  }
  const bool pg = GetParam() == "postgresql";
  const std::string blob = pg ? "BYTEA" : "BLOB", serial = pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
  const std::string x = pg ? "'\\x0102'::bytea" : "x'0102'";
  raw_sql(url, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY);"
               "CREATE TABLE devices (id TEXT PRIMARY KEY, model TEXT NOT NULL, sig_alg TEXT NOT NULL, public_key " + blob +
               " NOT NULL, certificate " + blob + " NOT NULL, tpm_ak " + blob + " NOT NULL, not_after BIGINT NOT NULL,"
               " revoked INTEGER NOT NULL DEFAULT 0, registered_at BIGINT NOT NULL);"
               "CREATE TABLE nonces (nonce " + blob + " PRIMARY KEY, device_id TEXT NOT NULL REFERENCES devices(id),"
               " expires_at BIGINT NOT NULL, used INTEGER NOT NULL DEFAULT 0);"
               "CREATE TABLE results (id " + serial + ", device_id TEXT NOT NULL REFERENCES devices(id), status TEXT NOT NULL,"
               " detail TEXT NOT NULL, ear " + blob + " NOT NULL, nonce " + blob + " NOT NULL UNIQUE, created_at BIGINT NOT NULL);"
               "CREATE INDEX results_by_device ON results(device_id, id);"
               "CREATE TABLE policies (revision " + serial + ", document TEXT NOT NULL, signature " + blob +
               " NOT NULL, uploaded_at BIGINT NOT NULL);"
               "INSERT INTO schema_migrations(version) VALUES (1), (2);"
               "INSERT INTO devices VALUES ('old-1', 'meter-x1', 'ML-DSA-87', " + x + ", " + x + ", " + x + ", 9, 0, 1);"
               "INSERT INTO results(device_id, status, detail, ear, nonce, created_at) VALUES"
               " ('old-1', 'warning', '{}', " + x + ", " + (pg ? "'\\x01'::bytea" : "x'01'") + ", 5),"
               " ('old-1', 'affirming', '{}', " + x + ", " + (pg ? "'\\x02'::bytea" : "x'02'") + ", 6);");
  auto migrated = open_store(url);
  EXPECT_EQ(migrated->schema_version(), 4);
  EXPECT_EQ(migrated->result_count(), 2u);
  auto last = migrated->last_result("old-1");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->status, "affirming");  // the newer of the two
  EXPECT_TRUE(is_result_id(last->id)) << last->id;
  auto again = migrated->result(last->id);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->created_at, 6);
  EXPECT_EQ(again->ear, (Bytes{1, 2}));
  // New results and nonces work on the migrated schema.
  migrated->put_nonce("old-1", kNonce, 100, 8);
  auto r = result("old-1");
  EXPECT_EQ(migrated->commit_result(kNonce, 50, r), NonceCheck::ok);
  EXPECT_EQ(migrated->last_result("old-1")->id, r.id);
}

TEST_P(StoreTest, PolicyRevisionsIncreaseAndTheLatestWins) {
  EXPECT_EQ(store_->latest_policy_revision(), 0);
  EXPECT_FALSE(store_->latest_policy().has_value());
  const std::int64_t r1 = store_->put_policy("{\"version\":1}", Bytes{9, 9}, 10);
  const std::int64_t r2 = store_->put_policy("{\"version\":1,\"models\":{}}", Bytes{8}, 11);
  EXPECT_GT(r2, r1);
  EXPECT_EQ(store_->latest_policy_revision(), r2);
  auto p = store_->latest_policy();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->revision, r2);
  EXPECT_EQ(p->document, "{\"version\":1,\"models\":{}}");
  EXPECT_EQ(p->signature, Bytes{8});
  EXPECT_EQ(p->uploaded_at, 11);
}

TEST_P(StoreTest, BulkFillAddsPlaceholderRowsThatCannotAttest) {
  store_->bulk_fill("filler-", 2500, 100);
  EXPECT_EQ(store_->device_count(), 2501u);
  auto d = store_->device("filler-2499");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->sig_alg, "placeholder");
  EXPECT_EQ(d->public_key, Bytes(2592, 0));
  EXPECT_FALSE(store_->device("filler-2500").has_value());
  EXPECT_THROW(store_->bulk_fill("filler-", 1, 100), StoreError);  // ids are unique
  EXPECT_EQ(store_->device_count(), 2501u);
}

TEST_P(StoreTest, UnknownUrlIsAClearError) {
  EXPECT_THROW(open_store("mysql://x"), StoreError);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });
