#include "access_log.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

namespace pqcea::service::detail {
namespace {

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return std::string(buf, n) + "." + std::to_string(1000 + ms).substr(1) + "Z";
}

}  // namespace

std::string access_log_line(const AccessRecord& r) {
  // The path as the client sent it, up to 512 bytes (the header may hold 16 KiB); invalid UTF-8
  // is replaced, never copied into the log raw.
  std::string_view path = r.target.substr(0, r.target.find('?'));
  if (path.size() > 512) path = path.substr(0, 512);
  nlohmann::ordered_json j = {{"time", utc_now()},
                      {"request_id", r.request_id},
                      {"method", r.method},
                      {"path", path},
                      {"status", r.status},
                      {"bytes", r.bytes},
                      {"duration_ms", std::round(r.seconds * 1e6) / 1e3},
                      {"source", r.source}};
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

void write_access_log(AccessLog where, const std::string& line) {
  if (where == AccessLog::off) return;
  const int fd = where == AccessLog::stdout_lines ? STDOUT_FILENO : STDERR_FILENO;
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace pqcea::service::detail
