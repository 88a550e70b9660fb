// The verifier's schema as ordered migrations, shared by every storage engine. Types are written
// in the common subset of SQLite and PostgreSQL; the few engine-specific spellings are
// placeholders each engine fills in (Dialect below).
#pragma once
#include <string>
#include <vector>

namespace pqcea::verifier::schema {

struct Migration {
  int version;
  const char* sql;
};

inline const std::vector<Migration>& migrations() {
  static const std::vector<Migration> m = {
      {1,
       "CREATE TABLE devices ("
       " id TEXT PRIMARY KEY, model TEXT NOT NULL, sig_alg TEXT NOT NULL, public_key {BLOB} NOT NULL,"
       " certificate {BLOB} NOT NULL, tpm_ak {BLOB} NOT NULL, not_after BIGINT NOT NULL,"
       " revoked INTEGER NOT NULL DEFAULT 0, registered_at BIGINT NOT NULL);"
       "CREATE TABLE nonces ("
       " nonce {BLOB} PRIMARY KEY, device_id TEXT NOT NULL REFERENCES devices(id),"
       " expires_at BIGINT NOT NULL, used INTEGER NOT NULL DEFAULT 0);"
       "CREATE TABLE results ("
       " id {SERIAL}, device_id TEXT NOT NULL REFERENCES devices(id), status TEXT NOT NULL,"
       " detail TEXT NOT NULL, ear {BLOB} NOT NULL, nonce {BLOB} NOT NULL UNIQUE, created_at BIGINT NOT NULL);"
       "CREATE INDEX results_by_device ON results(device_id, id);"},
      {2,
       "CREATE TABLE policies ("
       " revision {SERIAL}, document TEXT NOT NULL, signature {BLOB} NOT NULL, uploaded_at BIGINT NOT NULL);"},
      // Public result ids become random 128-bit values (32 lower-case hex characters): a
      // sequential id let anyone count and walk the results. The old serial stays, renamed seq,
      // for ordering a device's history; existing rows get a random id, so they stay readable.
      // Nonces gain the indexes of the per-device cap and of the expiry sweep, and an issue
      // order ({NONCE_SEQ}: SQLite has its rowid, PostgreSQL gets a serial column).
      {3,
       "ALTER TABLE results RENAME COLUMN id TO seq;"
       "ALTER TABLE results ADD COLUMN id TEXT;"
       "UPDATE results SET id = {RANDOM_ID} WHERE id IS NULL;"
       "CREATE UNIQUE INDEX results_by_id ON results(id);"
       "CREATE INDEX nonces_by_device ON nonces(device_id, used);"
       "CREATE INDEX nonces_by_expiry ON nonces(expires_at);"
       "{NONCE_SEQ}"},
      // OCPP: the CSMS's stations and their event log (docs/ocpp.md).
      {4,
       "CREATE TABLE ocpp_stations ("
       " id TEXT PRIMARY KEY, device_id TEXT NOT NULL, model TEXT NOT NULL, firmware_version TEXT NOT NULL,"
       " boot_status TEXT NOT NULL, attestation TEXT NOT NULL, classical_serial TEXT NOT NULL,"
       " pqc_serial TEXT NOT NULL, updated_at BIGINT NOT NULL);"
       "CREATE TABLE ocpp_events ("
       " seq {SERIAL}, station_id TEXT NOT NULL, kind TEXT NOT NULL, type TEXT NOT NULL, detail TEXT NOT NULL,"
       " at BIGINT NOT NULL);"
       "CREATE INDEX ocpp_events_by_station ON ocpp_events(station_id, seq);"},
  };
  return m;
}

// How one engine spells what the common subset lacks.
struct Dialect {
  std::string blob;       // binary column type
  std::string serial;     // auto-increment primary key
  std::string random_id;  // SQL expression: 32 random lower-case hex characters, per row
  std::string nonce_seq;  // statement(s) giving nonces an issue order (may be empty)
};

inline std::string render(const char* sql, const Dialect& d) {
  std::string s = sql;
  for (auto [key, val] : {std::pair<std::string, std::string>{"{BLOB}", d.blob}, {"{SERIAL}", d.serial},
                          {"{RANDOM_ID}", d.random_id}, {"{NONCE_SEQ}", d.nonce_seq}}) {
    for (std::size_t p; (p = s.find(key)) != std::string::npos;) s.replace(p, key.size(), val);
  }
  return s;
}

}  // namespace pqcea::verifier::schema
