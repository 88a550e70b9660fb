// Internals of the verifier service shared by its translation units. Only http_server.cpp and
// the clients include Boost; the API, the worker pool and the metrics see plain structs.
#pragma once
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pqcea/host/hex.hpp"
#include "pqcea/host/pki.hpp"

namespace pqcea::service::detail {

// One token bucket: `rate` tokens per second up to `burst`. The per-source limit of the transport
// (http_server.cpp) and the challenge limits of the API (TokenBuckets, api.hpp) both keep these.
struct TokenBucket {
  using Clock = std::chrono::steady_clock;
  double tokens = 0;
  Clock::time_point last{};

  void refill(Clock::time_point now, double rate, double burst) {
    tokens = std::min(burst, tokens + rate * std::chrono::duration<double>(now - last).count());
    last = now;
  }
  // Refills, then takes one token: 0 if taken, else the whole seconds until the next (at least 1).
  int take(Clock::time_point now, double rate, double burst) {
    refill(now, rate, burst);
    if (tokens >= 1.0) {
      tokens -= 1.0;
      return 0;
    }
    return std::max(1, static_cast<int>(std::ceil((1.0 - tokens) / rate)));
  }
  // Refilled to the brim by `now`: such a bucket holds nothing worth keeping.
  bool full_at(Clock::time_point now, double rate, double burst) const {
    return tokens + rate * std::chrono::duration<double>(now - last).count() >= burst;
  }
};

// One HTTP request as the API sees it (the transport has already enforced size and time limits).
struct Request {
  std::string method;
  std::string target;         // path and query
  std::string content_type;   // media type without parameters, lower case
  std::string authorization;  // the Authorization header, verbatim
  std::string body;
  std::string peer;           // the client's IP address (security events, per-source rates)
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string allow;        // set on 405
  std::string request_id;   // sent as X-Request-Id (every response has one)
  int retry_after = 0;      // seconds for Retry-After; every 429 and 503 gets at least 1 (http_server.cpp)
  // An error's code and fixed message, so that the body can be rendered again with the id of
  // the request it answers (json_error gives it a fresh id; the Api replaces it).
  std::string error_code, error_message;
};

// Called exactly once per request, from any thread.
using Reply = std::function<void(Response)>;

// The media type of a Content-Type header value: parameters dropped, trimmed, lower case (what
// Request::content_type holds; the transport and the HTTP fuzz target both build requests).
std::string media_type(std::string_view header_value);

// A fresh request id: 16 lower-case hex characters, unique within the process and unpredictable
// across processes (it names a request in the server log; it is not a secret).
std::string new_request_id();

// {"error": code, "message": message, "request_id": id} with a fresh request id. The message is a
// fixed text: what went wrong, never how (no exception or database text reaches a client).
Response json_error(int status, std::string_view code, std::string_view message);
// Sets the response's request id and, for an error, renders its body again with that id.
void stamp(Response& r, const std::string& request_id);

// Encodings used in the JSON bodies.
std::string base64_encode(std::span<const std::uint8_t> data);
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);  // standard alphabet, padded or not
using host::hex_decode;  // include/pqcea/host/hex.hpp: the one hex codec of the host code
using host::hex_encode;

std::int64_t unix_now();

// A public text file (PEM, JSON) whole; throws std::runtime_error naming the file.
std::string read_text(const std::filesystem::path& p);
// Writes DIR/NAME.key.pem (a fresh ML-DSA-87 seed, PKCS#8, 0600, never replaced unless `force`)
// and DIR/NAME.pub.pem (SPKI); returns the signer (fleet.cpp).
std::shared_ptr<const pki::Signer> new_key(const std::filesystem::path& dir, const std::string& name, bool force);
// The ML-DSA signer of a PKCS#8 seed PEM file, read as a secret (bounded, wiped).
std::shared_ptr<const pki::Signer> load_signer(const std::filesystem::path& key_file);

}  // namespace pqcea::service::detail
