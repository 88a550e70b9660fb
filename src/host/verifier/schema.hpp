// The verifier's schema as ordered migrations, shared by every storage engine. Types are written
// in the common subset of SQLite and PostgreSQL; {BLOB} is replaced per engine (BLOB / BYTEA).
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
  };
  return m;
}

inline std::string render(const char* sql, const std::string& blob, const std::string& serial) {
  std::string s = sql;
  for (auto [key, val] : {std::pair<std::string, std::string>{"{BLOB}", blob}, {"{SERIAL}", serial}}) {
    for (std::size_t p; (p = s.find(key)) != std::string::npos;) s.replace(p, key.size(), val);
  }
  return s;
}

}  // namespace pqcea::verifier::schema
