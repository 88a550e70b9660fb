#include <gtest/gtest.h>

#include <filesystem>

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
      if (!pqcea::test::PgCluster::available()) GTEST_SKIP() << "PostgreSQL is not installed (run scripts/bootstrap)";
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

}  // namespace

TEST_P(StoreTest, MigrationsAreIdempotentAndVersioned) {
  EXPECT_EQ(store_->schema_version(), 2);
  store_->migrate();
  EXPECT_EQ(store_->schema_version(), 2);
  EXPECT_EQ(store_->device_count(), 1u);
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

TEST_P(StoreTest, NonceIsSingleUse) {
  store_->put_nonce("meter-0001", kNonce, 100);
  EXPECT_EQ(store_->check_nonce("meter-0001", kNonce, 50), NonceCheck::ok);
  auto r = result();
  EXPECT_EQ(store_->commit_result(kNonce, 50, r), NonceCheck::ok);
  EXPECT_GT(r.id, 0);
  auto r2 = result();
  EXPECT_EQ(store_->commit_result(kNonce, 51, r2), NonceCheck::used);
  EXPECT_EQ(store_->result_count(), 1u);
  EXPECT_EQ(store_->last_result("meter-0001")->id, r.id);
}

TEST_P(StoreTest, RejectedNonceWritesNothing) {
  store_->put_nonce("meter-0001", kNonce, 100);
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
  store_->put_nonce("meter-0001", kNonce, 100);
  auto a = result();
  auto b = result();
  EXPECT_EQ(second->commit_result(kNonce, 10, a), NonceCheck::ok);
  EXPECT_EQ(store_->commit_result(kNonce, 10, b), NonceCheck::used);
  EXPECT_EQ(store_->result_count(), 1u);
}

TEST_P(StoreTest, ResultById) {
  store_->put_nonce("meter-0001", kNonce, 100);
  auto r = result();
  ASSERT_EQ(store_->commit_result(kNonce, 50, r), NonceCheck::ok);
  auto got = store_->result(r.id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->device_id, "meter-0001");
  EXPECT_EQ(got->ear, (Bytes{1, 2, 3}));
  EXPECT_EQ(got->nonce, kNonce);
  EXPECT_EQ(got->created_at, 50);
  EXPECT_FALSE(store_->result(r.id + 1).has_value());
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
