// The versioned HTTP API (docs/verifier-service.md): routing, JSON bodies, error codes.
#pragma once
#include <string>
#include <string_view>

#include "engine.hpp"
#include "internal.hpp"
#include "metrics.hpp"

namespace pqcea::service::detail {

class Api {
 public:
  Api(Engine& engine, Metrics& metrics, const Config& config)
      : engine_(engine), metrics_(metrics), config_(config) {}
  // Answers one request: `reply` is called exactly once, possibly on a worker thread.
  void handle(Request req, Reply reply);
  // A request the transport refused (too large, too slow, malformed HTTP): counted, not routed.
  void transport_error(int status) { metrics_.request("(transport)", status, 0.0); }
  Metrics& metrics() { return metrics_; }

 private:
  void challenge(const Request& req, Reply reply);
  void attest(Request& req, Reply reply);
  void device(const std::string& id, Reply reply);
  void result(const std::string& id, Reply reply);
  void register_device(const Request& req, Reply reply);
  void upload_policy(const Request& req, Reply reply);
  void revoke(const std::string& id, Reply reply);
  void healthz(Reply reply);
  bool authorized(const Request& req) const;
  // Queues a job on a worker; answers 503 if the queue is full or the database is unreachable.
  void job(Reply reply, std::function<void(WorkerContext&, Reply&)> fn);

  Engine& engine_;
  Metrics& metrics_;
  const Config& config_;
};

// The HTTP status of an appraisal rejection code.
int status_for(std::string_view error);

}  // namespace pqcea::service::detail
