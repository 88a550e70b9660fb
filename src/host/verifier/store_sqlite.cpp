// SQLite engine of the verifier store: one file, WAL journal. synchronous=NORMAL in WAL mode
// keeps every committed transaction across a crash of the process (the WAL write happens before
// COMMIT returns); only an operating-system crash or power loss may lose the last commits.
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <map>
#include <mutex>

#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/host/hex.hpp"
#include "pqcea/host/verifier/store.hpp"
#include "schema.hpp"

namespace pqcea::verifier {

std::string new_result_id() {
  std::array<std::uint8_t, 16> r{};
  if (host::system_random(r) != Status::ok) throw StoreError("system entropy failed");
  return host::hex_encode(r);
}

const char* to_string(NonceCheck c) {
  switch (c) {
    case NonceCheck::ok: return "ok";
    case NonceCheck::unknown: return "nonce was not issued by this verifier";
    case NonceCheck::used: return "nonce already used (replay)";
    case NonceCheck::expired: return "nonce expired";
    case NonceCheck::wrong_device: return "nonce was issued to another device";
  }
  return "?";
}

namespace {

// Prepared statements are cached per connection (keyed by their SQL text, which are string
// literals): preparing costs more than running these small statements.
class StmtCache {
 public:
  explicit StmtCache(sqlite3*& db) : db_(db) {}
  ~StmtCache() {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
  }
  sqlite3_stmt* get(const char* sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK)
      throw StoreError(std::string("sqlite prepare: ") + sqlite3_errmsg(db_));
    cache_.emplace(sql, st);
    return st;
  }

 private:
  sqlite3*& db_;
  std::map<const char*, sqlite3_stmt*> cache_;
};

class Stmt {
 public:
  Stmt(StmtCache& cache, sqlite3* db, const char* sql) : db_(db), s_(cache.get(sql)) {}
  ~Stmt() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, std::span<const std::uint8_t> v) {
    if (v.empty()) {
      sqlite3_bind_zeroblob(s_, i, 0);  // an empty value, not NULL
    } else {
      sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    return *this;
  }
  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  // Returns true while a row is available.
  bool step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StoreError(std::string("sqlite step: ") + sqlite3_errmsg(db_));
  }
  std::string text(int c) {
    auto* p = sqlite3_column_text(s_, c);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, c)))
             : std::string();
  }
  Bytes blob(int c) {
    auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s_, c));
    return p ? Bytes(p, p + sqlite3_column_bytes(s_, c)) : Bytes();
  }
  std::int64_t i64(int c) { return sqlite3_column_int64(s_, c); }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw StoreError("cannot open sqlite database " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 10000);  // several processes may share the file
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  }
  ~SqliteStore() override { sqlite3_close_v2(db_); }  // closes once the cached statements are finalized

  void migrate() override {
    std::lock_guard<std::mutex> lock(mu_);
    exec("BEGIN IMMEDIATE");
    try {
      exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)");
      int current = version_locked();
      for (const auto& m : schema::migrations()) {
        if (m.version <= current) continue;
        exec(schema::render(m.sql, {"BLOB", "INTEGER PRIMARY KEY AUTOINCREMENT", "lower(hex(randomblob(16)))", ""})
                 .c_str());
        Stmt(stmts_, db_, "INSERT INTO schema_migrations(version) VALUES (?)").bind(1, std::int64_t{m.version}).step();
      }
      exec("COMMIT");
    } catch (...) {
      exec("ROLLBACK");
      throw;
    }
  }

  int schema_version() override {
    std::lock_guard<std::mutex> lock(mu_);
    return version_locked();
  }

  void put_device(const Device& d) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(stmts_, db_,
           "INSERT INTO devices(id, model, sig_alg, public_key, certificate, tpm_ak, not_after, revoked, registered_at)"
           " VALUES (?,?,?,?,?,?,?,?,?)");
    s.bind(1, d.id).bind(2, d.model).bind(3, d.sig_alg).bind(4, d.public_key).bind(5, d.certificate).bind(6, d.tpm_ak);
    s.bind(7, d.not_after).bind(8, std::int64_t{d.revoked ? 1 : 0}).bind(9, d.registered_at);
    try {
      s.step();
    } catch (const StoreError&) {
      if (sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_PRIMARYKEY)
        throw StoreError("device " + d.id + " is already registered");
      throw;
    }
  }

  std::optional<Device> device(const std::string& id, bool with_certificate) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(stmts_, db_,
           with_certificate ? "SELECT id, model, sig_alg, public_key, certificate, tpm_ak, not_after, revoked, registered_at"
                            " FROM devices WHERE id = ?"
                          : "SELECT id, model, sig_alg, public_key, x'', tpm_ak, not_after, revoked, registered_at"
                            " FROM devices WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return device_row(s);
  }

  // A row of id, model, sig_alg, public_key, certificate, tpm_ak, not_after, revoked, registered_at
  // (the certificate may be selected as x'').
  static Device device_row(Stmt& s) {
    Device d;
    d.id = s.text(0);
    d.model = s.text(1);
    d.sig_alg = s.text(2);
    d.public_key = s.blob(3);
    d.certificate = s.blob(4);
    d.tpm_ak = s.blob(5);
    d.not_after = s.i64(6);
    d.revoked = s.i64(7) != 0;
    d.registered_at = s.i64(8);
    return d;
  }

  bool revoke(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt(stmts_, db_, "UPDATE devices SET revoked = 1 WHERE id = ?").bind(1, id).step();
    return sqlite3_changes(db_) == 1;
  }

  bool delete_device(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    exec("BEGIN IMMEDIATE");
    try {
      Stmt(stmts_, db_, "DELETE FROM nonces WHERE device_id = ?").bind(1, id).step();
      Stmt(stmts_, db_, "DELETE FROM results WHERE device_id = ?").bind(1, id).step();
      Stmt(stmts_, db_, "DELETE FROM devices WHERE id = ?").bind(1, id).step();
      const bool found = sqlite3_changes(db_) == 1;
      exec("COMMIT");
      return found;
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  void put_ocpp_station(const OcppStation& st) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt(stmts_, db_, "INSERT INTO ocpp_stations(id, device_id, model, firmware_version, boot_status, attestation, classical_serial,"
           " pqc_serial, updated_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
           " device_id = CASE WHEN excluded.device_id <> '' THEN excluded.device_id ELSE ocpp_stations.device_id END,"
           " model = excluded.model, firmware_version = excluded.firmware_version, boot_status = excluded.boot_status,"
           " attestation = excluded.attestation,"
           " classical_serial = CASE WHEN excluded.classical_serial <> '' THEN excluded.classical_serial"
           " ELSE ocpp_stations.classical_serial END,"
           " pqc_serial = CASE WHEN excluded.pqc_serial <> '' THEN excluded.pqc_serial ELSE ocpp_stations.pqc_serial END,"
           " updated_at = excluded.updated_at")
        .bind(1, st.id).bind(2, st.device_id).bind(3, st.model).bind(4, st.firmware_version).bind(5, st.boot_status)
        .bind(6, st.attestation).bind(7, st.classical_serial).bind(8, st.pqc_serial).bind(9, st.updated_at).step();
  }

  std::optional<OcppStation> ocpp_station(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(stmts_, db_, "SELECT id, device_id, model, firmware_version, boot_status, attestation, classical_serial, pqc_serial, updated_at"
           " FROM ocpp_stations WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return OcppStation{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7), s.i64(8)};
  }

  void add_ocpp_event(const OcppEvent& e) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt(stmts_, db_, "INSERT INTO ocpp_events(station_id, kind, type, detail, at) VALUES (?,?,?,?,?)")
        .bind(1, e.station_id).bind(2, e.kind).bind(3, e.type).bind(4, e.detail).bind(5, e.at).step();
  }

  std::vector<OcppEvent> ocpp_events(const std::string& station_id, std::size_t limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(stmts_, db_, "SELECT station_id, kind, type, detail, at FROM (SELECT * FROM ocpp_events WHERE station_id = ?"
           " ORDER BY seq DESC LIMIT ?) AS recent ORDER BY seq");
    s.bind(1, station_id).bind(2, static_cast<std::int64_t>(limit));
    std::vector<OcppEvent> out;
    while (s.step()) out.push_back(OcppEvent{s.text(0), s.text(1), s.text(2), s.text(3), s.i64(4)});
    return out;
  }

  std::size_t ocpp_station_count() override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(stmts_, db_, "SELECT COUNT(*) FROM ocpp_stations");
    s.step();
    return static_cast<std::size_t>(s.i64(0));
  }

  std::vector<Device> list_devices(const std::string& after, std::size_t limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(stmts_, db_,
           "SELECT id, model, sig_alg, public_key, x'', tpm_ak, not_after, revoked, registered_at FROM devices"
           " WHERE id > ? ORDER BY id LIMIT ?");
    s.bind(1, after).bind(2, static_cast<std::int64_t>(limit));
    std::vector<Device> out;
    while (s.step()) out.push_back(device_row(s));
    return out;
  }

  std::size_t device_count() override { return count("SELECT COUNT(*) FROM devices"); }
  std::size_t result_count() override { return count("SELECT COUNT(*) FROM results"); }
  std::size_t nonce_count() override { return count("SELECT COUNT(*) FROM nonces"); }

  void put_nonce(const std::string& device_id, std::span<const std::uint8_t> nonce, std::int64_t expires_at,
                 std::size_t max_outstanding) override {
    std::lock_guard<std::mutex> lock(mu_);
    exec("BEGIN IMMEDIATE");
    try {
      Stmt(stmts_, db_, "INSERT INTO nonces(nonce, device_id, expires_at, used) VALUES (?,?,?,0)")
          .bind(1, nonce)
          .bind(2, device_id)
          .bind(3, expires_at)
          .step();
      // rowid grows with each insert: the newest max_outstanding unused nonces stay.
      Stmt(stmts_, db_,
           "DELETE FROM nonces WHERE device_id = ?1 AND used = 0 AND rowid NOT IN"
           " (SELECT rowid FROM nonces WHERE device_id = ?1 AND used = 0 ORDER BY rowid DESC LIMIT ?2)")
          .bind(1, device_id)
          .bind(2, static_cast<std::int64_t>(std::max<std::size_t>(1, max_outstanding)))
          .step();
      exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  std::size_t sweep_nonces(std::int64_t expired_before, std::size_t limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt(stmts_, db_, "DELETE FROM nonces WHERE rowid IN (SELECT rowid FROM nonces WHERE expires_at < ? LIMIT ?)")
        .bind(1, expired_before)
        .bind(2, static_cast<std::int64_t>(limit))
        .step();
    return static_cast<std::size_t>(sqlite3_changes(db_));
  }

  NonceCheck check_nonce(const std::string& device_id, std::span<const std::uint8_t> nonce, std::int64_t now) override {
    std::lock_guard<std::mutex> lock(mu_);
    return check_locked(device_id, nonce, now);
  }

  void commit_results(std::span<PendingResult> batch, std::int64_t now) override {
    std::lock_guard<std::mutex> lock(mu_);
    // IMMEDIATE takes the write lock first, so two processes cannot both see a nonce unused.
    exec("BEGIN IMMEDIATE");
    try {
      for (auto& p : batch) {
        ResultRecord& r = *p.record;
        p.outcome = check_locked(r.device_id, p.nonce, now);
        if (p.outcome != NonceCheck::ok) continue;
        Stmt(stmts_, db_, "UPDATE nonces SET used = 1 WHERE nonce = ? AND used = 0").bind(1, p.nonce).step();
        if (sqlite3_changes(db_) != 1) throw StoreError("nonce consumed concurrently");
        const std::string id = new_result_id();
        Stmt ins(stmts_, db_,
                 "INSERT INTO results(id, device_id, status, detail, ear, nonce, created_at) VALUES (?,?,?,?,?,?,?)");
        ins.bind(1, id).bind(2, r.device_id).bind(3, r.status).bind(4, r.detail).bind(5, r.ear).bind(6, p.nonce);
        ins.bind(7, now).step();
        r.id = id;
        r.created_at = now;
        r.nonce.assign(p.nonce.begin(), p.nonce.end());
      }
      exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      for (auto& p : batch) p.record->id.clear();
      throw;
    }
  }

  // A row of "SELECT id, device_id, status, detail, ear, nonce, created_at FROM results".
  static ResultRecord read_result(Stmt& s) {
    ResultRecord r;
    r.id = s.text(0);
    r.device_id = s.text(1);
    r.status = s.text(2);
    r.detail = s.text(3);
    r.ear = s.blob(4);
    r.nonce = s.blob(5);
    r.created_at = s.i64(6);
    return r;
  }

  std::optional<ResultRecord> last_result(const std::string& device_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(stmts_, db_,
           "SELECT id, device_id, status, detail, ear, nonce, created_at FROM results WHERE device_id = ?"
           " ORDER BY seq DESC LIMIT 1");
    s.bind(1, device_id);
    if (!s.step()) return std::nullopt;
    return read_result(s);
  }

  std::optional<ResultRecord> result(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(stmts_, db_, "SELECT id, device_id, status, detail, ear, nonce, created_at FROM results WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_result(s);
  }

  std::int64_t put_policy(const std::string& document, std::span<const std::uint8_t> signature,
                          std::int64_t now) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt(stmts_, db_, "INSERT INTO policies(document, signature, uploaded_at) VALUES (?,?,?)")
        .bind(1, document)
        .bind(2, signature)
        .bind(3, now)
        .step();
    return sqlite3_last_insert_rowid(db_);
  }

  std::optional<StoredPolicy> latest_policy() override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(stmts_, db_,
           "SELECT revision, document, signature, uploaded_at FROM policies ORDER BY revision DESC LIMIT 1");
    if (!s.step()) return std::nullopt;
    return StoredPolicy{s.i64(0), s.text(1), s.blob(2), s.i64(3)};
  }

  std::int64_t latest_policy_revision() override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(stmts_, db_, "SELECT COALESCE(MAX(revision), 0) FROM policies");
    return s.step() ? s.i64(0) : 0;
  }

  void bulk_fill(const std::string& prefix, std::size_t count, std::int64_t now) override {
    std::lock_guard<std::mutex> lock(mu_);
    constexpr std::size_t kChunk = 100000;  // one transaction per chunk
    for (std::size_t first = 0; first < count; first += kChunk) {
      const std::size_t last = std::min(count, first + kChunk) - 1;
      exec("BEGIN IMMEDIATE");
      try {
        Stmt s(stmts_, db_,
               "WITH RECURSIVE g(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM g WHERE n < ?)"
               " INSERT INTO devices(id, model, sig_alg, public_key, certificate, tpm_ak, not_after, revoked,"
               " registered_at) SELECT ? || n, 'placeholder', 'placeholder', zeroblob(2592), x'', x'', ?, 0, ?"
               " FROM g");
        s.bind(1, static_cast<std::int64_t>(first)).bind(2, static_cast<std::int64_t>(last)).bind(3, prefix);
        s.bind(4, now + 10 * 365 * 86400LL).bind(5, now).step();
        exec("COMMIT");
      } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
      }
    }
  }

 private:
  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw StoreError("sqlite: " + msg);
    }
  }
  int version_locked() {
    Stmt s(stmts_, db_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    return s.step() ? static_cast<int>(s.i64(0)) : 0;
  }
  std::size_t count(const char* sql) {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt s(stmts_, db_, sql);
    return s.step() ? static_cast<std::size_t>(s.i64(0)) : 0;
  }
  NonceCheck check_locked(const std::string& device_id, std::span<const std::uint8_t> nonce, std::int64_t now) {
    Stmt s(stmts_, db_, "SELECT device_id, expires_at, used FROM nonces WHERE nonce = ?");
    s.bind(1, nonce);
    if (!s.step()) return NonceCheck::unknown;
    if (s.text(0) != device_id) return NonceCheck::wrong_device;
    if (s.i64(2) != 0) return NonceCheck::used;
    if (s.i64(1) <= now) return NonceCheck::expired;
    return NonceCheck::ok;
  }

  sqlite3* db_ = nullptr;
  StmtCache stmts_{db_};  // declared after db_: finalized before the connection closes
  std::mutex mu_;
};

}  // namespace

std::unique_ptr<Store> open_postgres_store(const std::string& url);  // store_postgres.cpp

std::unique_ptr<Store> open_store(const std::string& url) {
  if (url.rfind("sqlite:", 0) == 0) {
    auto s = std::make_unique<SqliteStore>(url.substr(7));
    s->migrate();
    return s;
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return open_postgres_store(url);
  throw StoreError("unsupported database URL (use sqlite:PATH or postgresql://...): " + url);
}

}  // namespace pqcea::verifier
