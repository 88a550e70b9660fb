// The versioned HTTP API (docs/verifier-service.md): routing, credentials, rate limits of the
// challenge, JSON bodies, error codes, security events.
#pragma once
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine.hpp"
#include "internal.hpp"
#include "metrics.hpp"

namespace pqcea::service::detail {

// Token buckets keyed by a string (a device id, a source address): `rate` tokens per second up
// to `burst`. The number of keys is bounded: when full, buckets that have refilled (and so carry
// no state worth keeping) are dropped; if none has, the request is refused until one does.
class TokenBuckets {
 public:
  using Clock = std::chrono::steady_clock;
  TokenBuckets(double rate, double burst, std::size_t max_keys = 65536);
  // 0 if a token was taken; else the whole seconds until one is available (at least 1).
  int take(const std::string& key, Clock::time_point now = Clock::now());

 private:
  const double rate_, burst_;
  const std::size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, TokenBucket> buckets_;
  Clock::time_point last_prune_{};
};

class Api {
 public:
  Api(Engine& engine, Metrics& metrics, const Config& config);
  // Answers one request: `reply` is called exactly once, possibly on a worker thread.
  void handle(Request req, Reply reply);
  // A request the transport refused (too large, too slow, malformed HTTP): counted, not routed.
  void transport_error(int status) { metrics_.request("(transport)", status, 0.0); }
  Metrics& metrics() { return metrics_; }

 private:
  // What a handler knows about the request it answers, beyond its body.
  struct Call {
    std::string request_id;
    std::string peer;
  };
  enum class Scope { none, read, admin };

  void challenge(const Call& call, const Request& req, Reply reply);
  void attest(const Call& call, Request& req, Reply reply);
  void device(const Call& call, const std::string& id, Reply reply);
  void result(const Call& call, const std::string& id, Reply reply);
  void register_device(const Call& call, const Request& req, Reply reply);
  void upload_policy(const Call& call, const Request& req, Reply reply);
  void revoke(const Call& call, const std::string& id, Reply reply);
  void list_devices(const Call& call, const Request& req, Reply reply);
  void delete_device(const Call& call, const std::string& id, Reply reply);
  void current_policy(const Call& call, Reply reply);
  void security_events(Reply reply);
  void healthz(const Call& call, Reply reply);
  // The scope of the request's bearer token; a token that matches nothing is a security event.
  Scope scope_of(const Call& call, const Request& req);
  // Queues a job on a worker; answers 503 if the queue is full or the database is unreachable,
  // 500 if the job throws (the exception text goes to the server log, never to the client).
  void job(const Call& call, Reply reply, std::function<void(WorkerContext&, Reply&)> fn);
  void security_event(const Call& call, std::string_view kind, const std::string& device_id);
  // One line on the server log (stderr) naming the request; nothing when quiet.
  void log(const Call& call, const std::string& text) const;

  Engine& engine_;
  Metrics& metrics_;
  const Config& config_;
  SecurityLog security_log_;
  TokenBuckets device_buckets_, source_buckets_;
};

// The HTTP status of an appraisal rejection code.
int status_for(std::string_view error);

}  // namespace pqcea::service::detail
