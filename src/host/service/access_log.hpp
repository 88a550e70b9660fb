// The access log of `pqcea serve`: one JSON object per line and answered request (docs/deploy.md,
// "Logs"), written by the transport when a response has been sent.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "pqcea/host/service.hpp"

namespace pqcea::service::detail {

struct AccessRecord {
  std::string_view request_id;  // also the response's X-Request-Id header
  std::string_view method;      // empty when the request line never arrived whole
  std::string_view target;      // the query string is left out of the log
  std::string_view source;      // the client's IP address
  int status = 0;
  std::size_t bytes = 0;        // response body bytes
  double seconds = 0;           // from the request's first byte to its response written
};

// {"time":"2026-12-07T10:00:00.123Z","request_id":"...","method":"POST","path":"/v1/attest",
//  "status":200,"bytes":5501,"duration_ms":12.5,"source":"10.0.0.7"} and a newline.
std::string access_log_line(const AccessRecord& r);
// Writes the line with one write(2) (so lines from several threads never interleave); nothing
// when `where` is off. A failed write is ignored: logging never stops the service.
void write_access_log(AccessLog where, const std::string& line);

}  // namespace pqcea::service::detail
