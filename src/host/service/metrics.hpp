// Counters and a latency histogram in the Prometheus text exposition format (version 0.0.4).
// Label values come from fixed sets (route patterns, status codes, result statuses, error codes),
// so the number of series stays bounded whatever clients send.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace pqcea::service::detail {

class Metrics {
 public:
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  void request(std::string_view route, int code, double seconds);
  void result(std::string_view status);        // appraised: affirming | warning | contraindicated
  void rejection(std::string_view error);      // rejected attestation, by error code
  void batch(std::size_t size);                // one signed batch of results
  void security_event(std::string_view kind);  // signature_invalid, rate_limited_challenge, bad_token
  std::atomic<std::int64_t> open_connections{0};
  std::atomic<std::int64_t> queued{0};
  // Requests the transport refused at the end of their header, before reading the body
  // (http_server.cpp), and the body bytes it holds for requests not yet answered.
  std::atomic<std::uint64_t> refused_body_too_large{0}, refused_rate{0}, refused_source_bytes{0},
      refused_inflight_bytes{0}, refused_queue_full{0};
  std::atomic<std::int64_t> inflight_bytes{0};
  std::atomic<std::int64_t> nonces_swept{0};
  std::string render() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> counts{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::map<std::string, std::uint64_t> results_;
  std::map<std::string, std::uint64_t> rejections_;
  std::map<std::string, std::uint64_t> security_events_;
  std::uint64_t batches_ = 0, batched_ = 0;
};

// The recent security events, newest last, for GET /v1/admin/security-events. A ring: the
// oldest entry goes when the log is full, so an attacker cannot grow the server's memory by
// provoking events (they stay counted in the metrics).
struct SecurityEvent {
  std::int64_t time = 0;  // seconds since the epoch
  std::string kind;       // signature_invalid | rate_limited_challenge | bad_token
  std::string source;     // the client's address
  std::string device_id;  // the device the request named (unverified), may be empty
  std::string request_id;
};

class SecurityLog {
 public:
  explicit SecurityLog(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  void add(SecurityEvent e);
  std::vector<SecurityEvent> snapshot() const;
  std::uint64_t total() const;  // events ever added (also those the ring dropped)

 private:
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::deque<SecurityEvent> events_;
  std::uint64_t total_ = 0;
};

}  // namespace pqcea::service::detail
