#include "metrics.hpp"

#include <sys/resource.h>

#include <sstream>

namespace pqcea::service::detail {

void Metrics::request(std::string_view route, int code, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{std::string(route), code}];
  Histogram& h = latency_[std::string(route)];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::result(std::string_view status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++results_[std::string(status)];
}

void Metrics::rejection(std::string_view error) {
  std::lock_guard<std::mutex> lock(mu_);
  ++rejections_[std::string(error)];
}

void Metrics::security_event(std::string_view kind) {
  std::lock_guard<std::mutex> lock(mu_);
  ++security_events_[std::string(kind)];
}

void SecurityLog::add(SecurityEvent e) {
  std::lock_guard<std::mutex> lock(mu_);
  if (events_.size() >= capacity_) events_.pop_front();
  events_.push_back(std::move(e));
  ++total_;
}

std::vector<SecurityEvent> SecurityLog::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {events_.begin(), events_.end()};
}

std::uint64_t SecurityLog::total() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_;
}

void Metrics::batch(std::size_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  ++batches_;
  batched_ += size;
}

std::string Metrics::render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::ostringstream o;
  o << "# HELP pqcea_http_requests_total HTTP requests by route pattern and status code.\n"
       "# TYPE pqcea_http_requests_total counter\n";
  for (const auto& [k, v] : requests_)
    o << "pqcea_http_requests_total{route=\"" << k.first << "\",code=\"" << k.second << "\"} " << v << "\n";
  o << "# HELP pqcea_http_request_duration_seconds Time from a complete request to its response.\n"
       "# TYPE pqcea_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      o << "pqcea_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << kBuckets[i] << "\"} "
        << h.counts[i] << "\n";
    o << "pqcea_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << h.count << "\n";
    o << "pqcea_http_request_duration_seconds_sum{route=\"" << route << "\"} " << h.sum << "\n";
    o << "pqcea_http_request_duration_seconds_count{route=\"" << route << "\"} " << h.count << "\n";
  }
  o << "# HELP pqcea_attestation_results_total Appraised attestations by result status.\n"
       "# TYPE pqcea_attestation_results_total counter\n";
  for (const char* s : {"affirming", "warning", "contraindicated"}) {
    auto it = results_.find(s);
    o << "pqcea_attestation_results_total{status=\"" << s << "\"} " << (it == results_.end() ? 0 : it->second)
      << "\n";
  }
  o << "# HELP pqcea_attestation_rejections_total Rejected evidence (bad input, nothing stored) by error code.\n"
       "# TYPE pqcea_attestation_rejections_total counter\n";
  for (const auto& [k, v] : rejections_) o << "pqcea_attestation_rejections_total{error=\"" << k << "\"} " << v << "\n";
  o << "# HELP pqcea_security_events_total Refused requests that look like an attack, by kind.\n"
       "# TYPE pqcea_security_events_total counter\n";
  for (const char* k : {"signature_invalid", "rate_limited_challenge", "bad_token"}) {
    auto it = security_events_.find(k);
    o << "pqcea_security_events_total{kind=\"" << k << "\"} " << (it == security_events_.end() ? 0 : it->second) << "\n";
  }
  for (const auto& [k, v] : security_events_)
    if (k != "signature_invalid" && k != "rate_limited_challenge" && k != "bad_token")
      o << "pqcea_security_events_total{kind=\"" << k << "\"} " << v << "\n";
  o << "# HELP pqcea_result_batches_total Signed result batches (one ML-DSA signature each).\n"
       "# TYPE pqcea_result_batches_total counter\n"
    << "pqcea_result_batches_total " << batches_ << "\n"
    << "# HELP pqcea_result_batch_items_total Attestations appraised in batches.\n"
       "# TYPE pqcea_result_batch_items_total counter\n"
    << "pqcea_result_batch_items_total " << batched_ << "\n"
    << "# HELP pqcea_open_connections Open client connections.\n# TYPE pqcea_open_connections gauge\n"
    << "pqcea_open_connections " << open_connections.load() << "\n"
    << "# HELP pqcea_attest_queue Attestations waiting for a worker.\n# TYPE pqcea_attest_queue gauge\n"
    << "pqcea_attest_queue " << queued.load() << "\n"
    << "# HELP pqcea_http_rejected_total Requests refused before their body was read, by status and reason.\n"
       "# TYPE pqcea_http_rejected_total counter\n"
    << "pqcea_http_rejected_total{code=\"413\",reason=\"body_too_large\"} " << refused_body_too_large.load() << "\n"
    << "pqcea_http_rejected_total{code=\"429\",reason=\"rate\"} " << refused_rate.load() << "\n"
    << "pqcea_http_rejected_total{code=\"429\",reason=\"source_bytes\"} " << refused_source_bytes.load() << "\n"
    << "pqcea_http_rejected_total{code=\"503\",reason=\"inflight_bytes\"} " << refused_inflight_bytes.load() << "\n"
    << "pqcea_http_rejected_total{code=\"503\",reason=\"queue_full\"} " << refused_queue_full.load() << "\n"
    << "# HELP pqcea_inflight_body_bytes Request body bytes held for requests not yet answered.\n"
       "# TYPE pqcea_inflight_body_bytes gauge\n"
    << "pqcea_inflight_body_bytes " << inflight_bytes.load() << "\n"
    << "# HELP pqcea_nonces_swept_total Expired nonces deleted by the sweeps.\n# TYPE pqcea_nonces_swept_total counter\n"
    << "pqcea_nonces_swept_total " << nonces_swept.load() << "\n";
  // The standard process metric: on a shared machine, work per CPU-second is the figure that
  // does not depend on what else runs.
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
  o << "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
       "# TYPE process_cpu_seconds_total counter\n"
    << "process_cpu_seconds_total " << cpu << "\n";
  return o.str();
}

}  // namespace pqcea::service::detail
