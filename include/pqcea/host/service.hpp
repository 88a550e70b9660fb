// The verifier service (docs/verifier-service.md): the appraisal of src/host/verifier behind a
// versioned HTTP/1.1 API (Boost.Beast), optionally over TLS (OpenSSL through Boost.Asio), with the
// database as the only state, so any number of replicas can serve one PostgreSQL database.
//
//   POST /v1/challenge            {device_id} -> {nonce (hex), expires_at}
//   POST /v1/attest               COSE_Sign1 evidence (application/cose, or JSON with base64)
//                                 -> the signed attestation result
//   GET  /v1/devices/{id}         registry status and the last result     (read or admin token)
//   GET  /v1/results/{id}         one stored result                       (read or admin token)
//   GET  /v1/verifier-key         the key that signs results
//   POST /v1/admin/devices        register (certificate validated against the fleet CA)
//   PUT  /v1/admin/policy         signed reference values and policy
//   POST /v1/admin/devices/{id}/revoke
//   GET  /v1/admin/security-events  the recent security events (admin token)
//   GET  /healthz, GET /metrics   (Prometheus text format)
#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pqcea::service {

using Bytes = std::vector<std::uint8_t>;

// Where the access log goes: one JSON object per line and request (http_server.cpp, docs/deploy.md).
enum class AccessLog { off, stdout_lines, stderr_lines };

struct Config {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT (port 0 = any free port); loopback by default
  std::string db = "sqlite:verifier.db";  // sqlite:PATH or postgresql://...
  std::string ca_cert_pem;                // the fleet CA root; registrations must chain to it
  std::string operator_key_pem;           // the operator's ML-DSA public key (SPKI): signs policies
  // The verifier's ML-DSA-87 key (PKCS#8 seed PEM) that signs results. Only its path travels:
  // the engine reads it into its one wiped copy (the expanded key), so no seed sits in a Config.
  std::string verifier_key_file;
  std::string admin_token;                // bearer token of the admin endpoints (required)
  std::string read_token;                 // bearer token of the read endpoints (optional; admin reads too)
  std::string tls_cert_file, tls_key_file;  // both set: HTTPS only
  std::string tls_groups;                 // OpenSSL key-exchange groups, e.g. "X25519:P-256"; empty: tls::kDefaultGroups
  unsigned io_threads = 0;                // 0 = one per core
  unsigned workers = 0;                   // appraisal threads; 0 = one per core
  std::size_t body_limit = 64 * 1024;     // larger bodies: 413 body_too_large
  std::chrono::milliseconds request_timeout{10000};  // from a request's first byte to its last
  std::chrono::milliseconds idle_timeout{30000};     // a keep-alive connection without a request
  std::chrono::milliseconds write_timeout{10000};    // a client that does not read its response
  std::int64_t nonce_ttl = 300;           // seconds
  std::size_t max_outstanding_nonces = 8;  // unused nonces per device; one more drops the oldest
  // Challenge issue rates (token buckets, per replica): per device id asked for, and per source
  // address. rate 0 = unlimited. Beyond: 429 rate_limited with Retry-After.
  double challenge_rate_device = 1, challenge_burst_device = 8;
  double challenge_rate_source = 100, challenge_burst_source = 200;
  std::chrono::milliseconds nonce_sweep_interval{10000};  // expired nonces deleted this often,
  std::size_t nonce_sweep_batch = 1000;                   // at most this many rows per sweep,
  std::int64_t nonce_sweep_grace = 60;                    // once expired this many seconds
  std::size_t security_log_size = 1024;   // security events kept for GET /v1/admin/security-events
  std::size_t max_batch = 64;             // results signed together (one ML-DSA signature)
  std::size_t key_cache_bytes = 256u << 20;  // prepared device keys (ML-DSA-87: 68 KB each); 0 = off
  std::size_t max_connections = 10000;    // beyond: new connections are closed at once
  std::size_t max_queue = 20000;          // requests waiting for a worker; beyond: 503 overloaded
  // Abuse limits, checked when a request's header is complete, before its body is read
  // (http_server.cpp; docs/verifier-service.md "Limits and abuse").
  std::size_t max_inflight_bytes = 64u << 20;             // bodies buffered or queued, all clients; beyond: 503
  std::size_t max_inflight_bytes_per_source = 16u << 20;  // the same per client address; beyond: 429
  double rate_per_source = 0;  // requests per second per client address (token bucket); 0 = off
  double rate_burst = 0;       // the bucket's size; 0 = twice the rate (at least 1)
  std::chrono::milliseconds policy_poll{1000};  // how often a replica looks for a newer policy
  bool quiet = false;                     // no log lines on stderr (and no access log)
  AccessLog access_log = AccessLog::off;  // `pqcea serve` defaults to stdout
};

class Server {
 public:
  explicit Server(Config config);
  ~Server();  // stops
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  // Opens the database (migrations), binds, and starts the threads. Throws on failure.
  void start();
  std::uint16_t port() const;
  // Blocks until SIGINT or SIGTERM, then stops.
  void run_until_signal();
  // Stops accepting, answers what is queued, joins the threads. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---- fleet key material (`pqcea fleet-init`) ----------------------------------------------------
// DIR/ca.pem + ca.key.pem            fleet root CA (ML-DSA-87): issues device certificates
// DIR/operator.pub.pem + .key.pem    operator key (ML-DSA-87): signs reference values / policy
// DIR/verifier.pub.pem + .key.pem    verifier key (ML-DSA-87): signs attestation results
// DIR/admin.token                    bearer token of the admin endpoints (0600)
// DIR/read.token                     bearer token of the read endpoints (0600)
// DIR/tls.pem + tls.key.pem          self-signed TLS certificate for 127.0.0.1/localhost (optional)
void init_fleet(const std::filesystem::path& dir, bool with_tls, bool force = false);
// Fills the key and trust fields of `c` from a fleet folder (private keys of the CA and the
// operator are not read: the service does not need them).
void load_fleet(const std::filesystem::path& dir, Config& c);
// A bearer token from its file (tokens never come from the command line: argv is visible to
// every user of the machine), without the trailing newline. Throws if unreadable or empty.
std::string read_token_file(const std::filesystem::path& path);
// A self-signed EC P-256 certificate for 127.0.0.1, ::1 and localhost (PEM files).
void write_self_signed_tls(const std::filesystem::path& cert_file, const std::filesystem::path& key_file,
                           bool force = false);

// ---- a small blocking HTTP/1.1 client (tests, the load generator's setup and check phases) -----
struct HttpResult {
  int status = 0;
  std::string content_type;
  std::string body;
};
class HttpClient {
 public:
  // base: "http://HOST:PORT" or "https://HOST:PORT" (then ca_file is the certificate to trust).
  explicit HttpClient(std::string base, std::string ca_file = "");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  // One request on a kept-alive connection (reconnects once if the server had closed it).
  // Throws std::runtime_error on a transport failure.
  HttpResult request(std::string_view method, std::string_view target, std::string_view body = {},
                     std::string_view content_type = "application/json", std::string_view bearer = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---- the load generator (`pqcea loadgen`) ---------------------------------------------------
struct LoadgenOptions {
  std::vector<std::string> targets;  // http(s)://HOST:PORT; several = replicas, used round robin
  std::filesystem::path fleet;       // fleet folder (CA and operator keys, admin token)
  std::string tls_ca;                // certificate to trust for https targets (default DIR/tls.pem)
  std::size_t devices = 100;
  std::size_t attestations = 1000;
  std::size_t concurrency = 0;       // connections in flight; 0 = devices
  double rate = 0;                   // attest phase: offered attestations/s (open loop); 0 = closed loop
  std::size_t tamper_every = 50;     // every n-th evidence reports modified firmware (0 = never)
  std::size_t check_signatures = 200;  // results whose EAR signature is verified in the check
  unsigned build_threads = 0;        // evidence builders; 0 = one per core
  bool allow_errors = false;         // exit 0 even with failed requests (fault-injection runs)
  std::string seed;                  // device identities derive from it; empty = random per run
  bool production_ok = false;        // run even if the verifier has devices that are not loadgen's
};
// Thrown when loadgen refuses a verifier (it has devices of its own and production_ok is false).
struct LoadgenRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Prints the phases, throughput, p50/p99 and a last line "lost: K". Returns the exit status.
int run_loadgen(const LoadgenOptions& options, std::ostream& out);

}  // namespace pqcea::service
