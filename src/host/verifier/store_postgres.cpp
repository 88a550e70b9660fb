// PostgreSQL engine of the verifier store (libpq). Same schema and migrations as SQLite. The
// nonce row is locked (SELECT ... FOR UPDATE) inside the transaction that records the result, so
// replicas sharing the database cannot both consume one nonce; results.nonce is UNIQUE as well.
#include <libpq-fe.h>

#include <algorithm>
#include <mutex>

#include "pqcea/host/verifier/store.hpp"
#include "schema.hpp"

namespace pqcea::verifier {
namespace {

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultFree>;

// Parameters for PQexecParams: text for strings and integers, binary for bytea.
class Params {
 public:
  Params& text(std::string v) {
    store_.push_back(std::move(v));
    push(store_.back().data(), static_cast<int>(store_.back().size()), 0);
    return *this;
  }
  Params& i64(std::int64_t v) { return text(std::to_string(v)); }
  Params& bytes(std::span<const std::uint8_t> v) {
    // A null pointer would mean SQL NULL; an empty value needs a non-null one.
    static const char kEmpty[1] = {0};
    push(v.empty() ? kEmpty : reinterpret_cast<const char*>(v.data()), static_cast<int>(v.size()), 1);
    return *this;
  }
  int n() const { return static_cast<int>(values_.size()); }
  const char* const* values() {
    // Strings may have moved while the deque grew; refresh their pointers.
    for (std::size_t i = 0, s = 0; i < values_.size(); ++i)
      if (formats_[i] == 0) values_[i] = store_[s++].c_str();
    return values_.data();
  }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  void push(const char* p, int len, int fmt) {
    values_.push_back(p);
    lengths_.push_back(len);
    formats_.push_back(fmt);
  }
  std::vector<std::string> store_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

Bytes bytea(const PGresult* r, int row, int col) {
  std::size_t n = 0;
  unsigned char* p = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r, row, col)), &n);
  if (p == nullptr) throw StoreError("postgres: bad bytea value");
  Bytes out(p, p + n);
  PQfreemem(p);
  return out;
}

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(const std::string& url) {
    conn_ = PQconnectdb(url.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(conn_);
      PQfinish(conn_);
      throw StoreError("cannot connect to PostgreSQL: " + msg);
    }
  }
  ~PostgresStore() override { PQfinish(conn_); }

  void migrate() override {
    std::lock_guard<std::mutex> lock(mu_);
    exec("BEGIN");
    try {
      // One migrator at a time across replicas.
      exec("SELECT pg_advisory_xact_lock(7042011)");
      exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)");
      int current = version_locked();
      for (const auto& m : schema::migrations()) {
        if (m.version <= current) continue;
        exec(schema::render(m.sql, {"BYTEA", "BIGSERIAL PRIMARY KEY", "replace(gen_random_uuid()::text, '-', '')",
                                    "ALTER TABLE nonces ADD COLUMN seq BIGSERIAL;"})
                 .c_str());
        Params p;
        p.i64(m.version);
        query("INSERT INTO schema_migrations(version) VALUES ($1)", p);
      }
      exec("COMMIT");
    } catch (...) {
      PQclear(PQexec(conn_, "ROLLBACK"));
      throw;
    }
  }

  int schema_version() override {
    std::lock_guard<std::mutex> lock(mu_);
    return version_locked();
  }

  void put_device(const Device& d) override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    p.text(d.id).text(d.model).text(d.sig_alg).bytes(d.public_key).bytes(d.certificate).bytes(d.tpm_ak);
    p.i64(d.not_after).i64(d.revoked ? 1 : 0).i64(d.registered_at);
    Result r = run("INSERT INTO devices(id, model, sig_alg, public_key, certificate, tpm_ak, not_after, revoked,"
                   " registered_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
                   p);
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
      if (state != nullptr && std::string(state) == "23505") throw StoreError("device " + d.id + " is already registered");
      throw StoreError(std::string("postgres: ") + PQresultErrorMessage(r.get()));
    }
  }

  std::optional<Device> device(const std::string& id, bool with_certificate) override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    p.text(id);
    Result r = query(with_certificate ? "SELECT id, model, sig_alg, public_key, certificate, tpm_ak, not_after, revoked,"
                                        " registered_at FROM devices WHERE id = $1"
                                      : "SELECT id, model, sig_alg, public_key, ''::bytea, tpm_ak, not_after, revoked,"
                                        " registered_at FROM devices WHERE id = $1",
                     p);
    if (PQntuples(r.get()) == 0) return std::nullopt;
    return device_row(r.get(), 0);
  }

  // Row `i` of a device query (id, model, sig_alg, public_key, certificate, tpm_ak, not_after,
  // revoked, registered_at; the certificate may be selected as ''::bytea).
  static Device device_row(const PGresult* r, int i) {
    Device d;
    d.id = PQgetvalue(r, i, 0);
    d.model = PQgetvalue(r, i, 1);
    d.sig_alg = PQgetvalue(r, i, 2);
    d.public_key = bytea(r, i, 3);
    d.certificate = bytea(r, i, 4);
    d.tpm_ak = bytea(r, i, 5);
    d.not_after = std::stoll(PQgetvalue(r, i, 6));
    d.revoked = std::stoll(PQgetvalue(r, i, 7)) != 0;
    d.registered_at = std::stoll(PQgetvalue(r, i, 8));
    return d;
  }

  bool revoke(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    p.text(id);
    Result r = query("UPDATE devices SET revoked = 1 WHERE id = $1", p);
    return std::string(PQcmdTuples(r.get())) == "1";
  }

  bool delete_device(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    p.text(id);
    exec("BEGIN");
    try {
      query("DELETE FROM nonces WHERE device_id = $1", p);
      query("DELETE FROM results WHERE device_id = $1", p);
      Result r = query("DELETE FROM devices WHERE id = $1", p);
      const bool found = std::string(PQcmdTuples(r.get())) == "1";
      exec("COMMIT");
      return found;
    } catch (...) {
      PQclear(PQexec(conn_, "ROLLBACK"));
      throw;
    }
  }

  void put_ocpp_station(const OcppStation& st) override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    p.text(st.id).text(st.device_id).text(st.model).text(st.firmware_version).text(st.boot_status).text(st.attestation)
        .text(st.classical_serial).text(st.pqc_serial).i64(st.updated_at);
    query("INSERT INTO ocpp_stations(id, device_id, model, firmware_version, boot_status, attestation, classical_serial,"
           " pqc_serial, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9::bigint) ON CONFLICT(id) DO UPDATE SET"
           " device_id = CASE WHEN excluded.device_id <> '' THEN excluded.device_id ELSE ocpp_stations.device_id END,"
           " model = excluded.model, firmware_version = excluded.firmware_version, boot_status = excluded.boot_status,"
           " attestation = excluded.attestation,"
           " classical_serial = CASE WHEN excluded.classical_serial <> '' THEN excluded.classical_serial"
           " ELSE ocpp_stations.classical_serial END,"
           " pqc_serial = CASE WHEN excluded.pqc_serial <> '' THEN excluded.pqc_serial ELSE ocpp_stations.pqc_serial END,"
           " updated_at = excluded.updated_at", p);
  }

  std::optional<OcppStation> ocpp_station(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    p.text(id);
    Result r = query("SELECT id, device_id, model, firmware_version, boot_status, attestation, classical_serial, pqc_serial, updated_at"
           " FROM ocpp_stations WHERE id = $1", p);
    if (PQntuples(r.get()) == 0) return std::nullopt;
    const PGresult* g = r.get();
    return OcppStation{PQgetvalue(g, 0, 0), PQgetvalue(g, 0, 1), PQgetvalue(g, 0, 2), PQgetvalue(g, 0, 3),
                       PQgetvalue(g, 0, 4), PQgetvalue(g, 0, 5), PQgetvalue(g, 0, 6), PQgetvalue(g, 0, 7),
                       std::stoll(PQgetvalue(g, 0, 8))};
  }

  void add_ocpp_event(const OcppEvent& e) override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    p.text(e.station_id).text(e.kind).text(e.type).text(e.detail).i64(e.at);
    query("INSERT INTO ocpp_events(station_id, kind, type, detail, at) VALUES ($1,$2,$3,$4,$5::bigint)", p);
  }

  std::vector<OcppEvent> ocpp_events(const std::string& station_id, std::size_t limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    p.text(station_id).i64(static_cast<std::int64_t>(limit));
    Result r = query("SELECT station_id, kind, type, detail, at FROM (SELECT * FROM ocpp_events WHERE station_id = $1"
           " ORDER BY seq DESC LIMIT $2::bigint) AS recent ORDER BY seq", p);
    std::vector<OcppEvent> out;
    for (int i = 0; i < PQntuples(r.get()); ++i)
      out.push_back(OcppEvent{PQgetvalue(r.get(), i, 0), PQgetvalue(r.get(), i, 1), PQgetvalue(r.get(), i, 2),
                              PQgetvalue(r.get(), i, 3), std::stoll(PQgetvalue(r.get(), i, 4))});
    return out;
  }

  std::size_t ocpp_station_count() override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    Result r = query("SELECT COUNT(*) FROM ocpp_stations", p);
    return static_cast<std::size_t>(std::stoll(PQgetvalue(r.get(), 0, 0)));
  }

  std::vector<Device> list_devices(const std::string& after, std::size_t limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    p.text(after);
    p.text(std::to_string(limit));
    Result r = query("SELECT id, model, sig_alg, public_key, ''::bytea, tpm_ak, not_after, revoked, registered_at"
                     " FROM devices WHERE id > $1 ORDER BY id LIMIT $2::bigint",
                     p);
    std::vector<Device> out;
    for (int i = 0; i < PQntuples(r.get()); ++i) out.push_back(device_row(r.get(), i));
    return out;
  }

  std::size_t device_count() override { return count("SELECT COUNT(*) FROM devices"); }
  std::size_t result_count() override { return count("SELECT COUNT(*) FROM results"); }
  std::size_t nonce_count() override { return count("SELECT COUNT(*) FROM nonces"); }

  void put_nonce(const std::string& device_id, std::span<const std::uint8_t> nonce, std::int64_t expires_at,
                 std::size_t max_outstanding) override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    p.bytes(nonce).text(device_id).i64(expires_at);
    Params cap;
    cap.text(device_id).i64(static_cast<std::int64_t>(std::max<std::size_t>(1, max_outstanding)));
    // A nonce need not survive a database crash (its device just asks again), so its commit
    // does not wait for the WAL flush; results, registrations, revocations and policies do.
    exec("BEGIN; SET LOCAL synchronous_commit TO off");
    try {
      query("INSERT INTO nonces(nonce, device_id, expires_at, used) VALUES ($1,$2,$3,0)", p);
      // seq grows with each insert: the newest max_outstanding unused nonces stay.
      query("DELETE FROM nonces WHERE device_id = $1 AND used = 0 AND seq NOT IN"
            " (SELECT seq FROM nonces WHERE device_id = $1 AND used = 0 ORDER BY seq DESC LIMIT $2)",
            cap);
      exec("COMMIT");
    } catch (...) {
      PQclear(PQexec(conn_, "ROLLBACK"));
      throw;
    }
  }

  std::size_t sweep_nonces(std::int64_t expired_before, std::size_t limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    p.i64(expired_before).i64(static_cast<std::int64_t>(limit));
    Result r = query("DELETE FROM nonces WHERE nonce IN (SELECT nonce FROM nonces WHERE expires_at < $1 LIMIT $2)", p);
    return static_cast<std::size_t>(std::stoull(PQcmdTuples(r.get())));
  }

  NonceCheck check_nonce(const std::string& device_id, std::span<const std::uint8_t> nonce, std::int64_t now) override {
    std::lock_guard<std::mutex> lock(mu_);
    return check_locked(device_id, nonce, now, false);
  }

  void commit_results(std::span<PendingResult> batch, std::int64_t now) override {
    std::lock_guard<std::mutex> lock(mu_);
    exec("BEGIN");
    try {
      for (auto& p : batch) {
        ResultRecord& rec = *p.record;
        // One round trip in the common case: the UPDATE consumes the nonce only if it is live and
        // this device's (its row lock orders concurrent replicas), and the result is inserted
        // only if it did. No row back: the nonce was not usable, and the lookup says why.
        const std::string id = new_result_id();
        Params q;
        q.bytes(p.nonce).text(rec.device_id).i64(now).text(rec.status).text(rec.detail).bytes(rec.ear).text(id);
        Result ins = query("WITH consumed AS (UPDATE nonces SET used = 1 WHERE nonce = $1 AND device_id = $2"
                           " AND used = 0 AND expires_at > $3 RETURNING nonce)"
                           " INSERT INTO results(id, device_id, status, detail, ear, nonce, created_at)"
                           " SELECT $7, $2, $4, $5, $6, nonce, $3 FROM consumed RETURNING id",
                           q);
        if (PQntuples(ins.get()) != 1) {
          p.outcome = check_locked(rec.device_id, p.nonce, now, true);
          if (p.outcome == NonceCheck::ok) throw StoreError("nonce neither consumed nor refused");
          continue;
        }
        p.outcome = NonceCheck::ok;
        rec.id = id;
        rec.created_at = now;
        rec.nonce.assign(p.nonce.begin(), p.nonce.end());
      }
      exec("COMMIT");
    } catch (...) {
      PQclear(PQexec(conn_, "ROLLBACK"));
      for (auto& p : batch) p.record->id.clear();
      throw;
    }
  }

  // The first row of "SELECT id, device_id, status, detail, ear, nonce, created_at FROM results".
  static ResultRecord read_result(PGresult* res) {
    ResultRecord rec;
    rec.id = PQgetvalue(res, 0, 0);
    rec.device_id = PQgetvalue(res, 0, 1);
    rec.status = PQgetvalue(res, 0, 2);
    rec.detail = PQgetvalue(res, 0, 3);
    rec.ear = bytea(res, 0, 4);
    rec.nonce = bytea(res, 0, 5);
    rec.created_at = std::stoll(PQgetvalue(res, 0, 6));
    return rec;
  }

  std::optional<ResultRecord> last_result(const std::string& device_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    p.text(device_id);
    Result r = query("SELECT id, device_id, status, detail, ear, nonce, created_at FROM results"
                     " WHERE device_id = $1 ORDER BY seq DESC LIMIT 1",
                     p);
    if (PQntuples(r.get()) == 0) return std::nullopt;
    return read_result(r.get());
  }

  std::optional<ResultRecord> result(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    p.text(id);
    Result r = query("SELECT id, device_id, status, detail, ear, nonce, created_at FROM results WHERE id = $1", p);
    if (PQntuples(r.get()) == 0) return std::nullopt;
    return read_result(r.get());
  }

  std::int64_t put_policy(const std::string& document, std::span<const std::uint8_t> signature,
                          std::int64_t now) override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    p.text(document).bytes(signature).i64(now);
    Result r = query("INSERT INTO policies(document, signature, uploaded_at) VALUES ($1,$2,$3) RETURNING revision", p);
    return std::stoll(PQgetvalue(r.get(), 0, 0));
  }

  std::optional<StoredPolicy> latest_policy() override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    Result r = query("SELECT revision, document, signature, uploaded_at FROM policies ORDER BY revision DESC LIMIT 1", p);
    if (PQntuples(r.get()) == 0) return std::nullopt;
    return StoredPolicy{std::stoll(PQgetvalue(r.get(), 0, 0)), PQgetvalue(r.get(), 0, 1), bytea(r.get(), 0, 2),
                        std::stoll(PQgetvalue(r.get(), 0, 3))};
  }

  std::int64_t latest_policy_revision() override {
    std::lock_guard<std::mutex> lock(mu_);
    Params p;
    Result r = query("SELECT COALESCE(MAX(revision), 0) FROM policies", p);
    return std::stoll(PQgetvalue(r.get(), 0, 0));
  }

  void bulk_fill(const std::string& prefix, std::size_t count, std::int64_t now) override {
    std::lock_guard<std::mutex> lock(mu_);
    constexpr std::size_t kChunk = 1000000;  // one statement (one transaction) per chunk
    for (std::size_t first = 0; first < count; first += kChunk) {
      const std::size_t last = std::min(count, first + kChunk) - 1;
      Params p;
      p.text(prefix).i64(static_cast<std::int64_t>(first)).i64(static_cast<std::int64_t>(last));
      p.i64(now + 10 * 365 * 86400LL).i64(now);
      // The placeholder key compresses to a few bytes (TOAST), so the heap stays small.
      query("INSERT INTO devices(id, model, sig_alg, public_key, certificate, tpm_ak, not_after, revoked,"
            " registered_at) SELECT $1 || g, 'placeholder', 'placeholder', decode(repeat('00', 2592), 'hex'),"
            " ''::bytea, ''::bytea, $4::bigint, 0, $5::bigint FROM generate_series($2::bigint, $3::bigint) g",
            p);
    }
  }

 private:
  void exec(const char* sql) {
    Result r(PQexec(conn_, sql));
    auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      throw StoreError(std::string("postgres: ") + PQresultErrorMessage(r.get()));
  }
  Result run(const char* sql, Params& p) {
    return Result(PQexecParams(conn_, sql, p.n(), nullptr, p.values(), p.lengths(), p.formats(), 0));
  }
  Result query(const char* sql, Params& p) {
    Result r = run(sql, p);
    auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      throw StoreError(std::string("postgres: ") + PQresultErrorMessage(r.get()));
    return r;
  }
  int version_locked() {
    Result r(PQexec(conn_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return 0;
    return std::stoi(PQgetvalue(r.get(), 0, 0));
  }
  std::size_t count(const char* sql) {
    std::lock_guard<std::mutex> lock(mu_);
    Result r(PQexec(conn_, sql));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) throw StoreError(PQresultErrorMessage(r.get()));
    return static_cast<std::size_t>(std::stoull(PQgetvalue(r.get(), 0, 0)));
  }
  NonceCheck check_locked(const std::string& device_id, std::span<const std::uint8_t> nonce, std::int64_t now,
                          bool for_update) {
    Params p;
    p.bytes(nonce);
    Result r = query(for_update ? "SELECT device_id, expires_at, used FROM nonces WHERE nonce = $1 FOR UPDATE"
                                : "SELECT device_id, expires_at, used FROM nonces WHERE nonce = $1",
                     p);
    if (PQntuples(r.get()) == 0) return NonceCheck::unknown;
    if (device_id != PQgetvalue(r.get(), 0, 0)) return NonceCheck::wrong_device;
    if (std::stoll(PQgetvalue(r.get(), 0, 2)) != 0) return NonceCheck::used;
    if (std::stoll(PQgetvalue(r.get(), 0, 1)) <= now) return NonceCheck::expired;
    return NonceCheck::ok;
  }

  PGconn* conn_ = nullptr;
  std::mutex mu_;
};

}  // namespace

std::unique_ptr<Store> open_postgres_store(const std::string& url) {
  auto s = std::make_unique<PostgresStore>(url);
  s->migrate();
  return s;
}

}  // namespace pqcea::verifier
