// libFuzzer target for the verifier API's request path: bytes from a client through the
// Boost.Beast HTTP/1.1 parser, with the limits the server sets (src/host/service/http_server.cpp),
// into the real dispatcher (Api::handle, src/host/service/api.cpp) with a real Engine, worker and
// SQLite store in a private temporary folder, and a real fleet (CA, operator and verifier keys).
// Several pipelined requests in one input are handled in turn, as on a keep-alive connection.
//
// The fleet is made afresh per process, so seeds cannot hold its admin token: an Authorization
// header "Bearer @ADMIN@" is replaced by the real one, to reach the admin routes.
//
// Properties, checked with a trap:
//  1. every parsed request is answered exactly once, within 30 s;
//  2. the status is a valid HTTP status and never 500: fuzzed input must meet a 4xx (or a 503
//     when overloaded), not an unexpected exception;
//  3. a JSON error answer is a JSON object with a string "error" code.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "api.hpp"
#include "engine.hpp"
#include "internal.hpp"
#include "metrics.hpp"
#include "pqcea/host/service.hpp"

namespace {

namespace http = boost::beast::http;
namespace service = pqcea::service;
namespace detail = pqcea::service::detail;
namespace fs = std::filesystem;

[[noreturn]] void broken() { __builtin_trap(); }

constexpr std::size_t kHeaderLimit = 16 * 1024;  // as the server's parser

struct World {
  fs::path dir;
  service::Config config;
  detail::Metrics metrics;
  std::unique_ptr<detail::Engine> engine;
  std::unique_ptr<detail::Api> api;

  World() {
    std::string tmpl = (fs::temp_directory_path() / "pqcea-fuzz-http-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) broken();
    dir = tmpl;
    service::init_fleet(dir / "fleet", false);
    service::load_fleet(dir / "fleet", config);
    config.db = "sqlite:" + (dir / "verifier.db").string();
    config.workers = 1;
    config.max_batch = 4;
    config.key_cache_bytes = 16u << 20;
    config.quiet = true;
    engine = std::make_unique<detail::Engine>(config, metrics);
    engine->start();
    api = std::make_unique<detail::Api>(*engine, metrics, config);
  }
  ~World() {
    api.reset();
    engine.reset();  // joins the worker before its database goes
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

World& world() {
  static World w;
  return w;
}

std::string_view sv(boost::beast::string_view v) { return {v.data(), v.size()}; }

void dispatch(http::request<http::string_body>& msg) {
  World& w = world();
  detail::Request req;
  req.method = std::string(sv(msg.method_string()));
  req.target = std::string(sv(msg.target()));
  req.content_type = detail::media_type(sv(msg[http::field::content_type]));
  req.authorization = std::string(sv(msg[http::field::authorization]));
  if (req.authorization == "Bearer @ADMIN@") req.authorization = "Bearer " + w.config.admin_token;
  req.body = std::move(msg.body());

  auto answer = std::make_shared<std::promise<detail::Response>>();
  auto calls = std::make_shared<std::atomic<int>>(0);
  std::future<detail::Response> got = answer->get_future();
  w.api->handle(std::move(req), [answer, calls](detail::Response r) {
    if (calls->fetch_add(1) != 0) broken();  // property 1: exactly once
    answer->set_value(std::move(r));
  });
  if (got.wait_for(std::chrono::seconds(30)) != std::future_status::ready) broken();
  const detail::Response r = got.get();
  // Property 2.
  if (r.status < 200 || r.status > 599 || r.status == 500) broken();
  // Property 3.
  if (r.status >= 400 && r.content_type == "application/json") {
    const auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("error") || !j["error"].is_string()) broken();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  std::size_t off = 0;
  // One parser per request, as the server's read loop; stops at the first transport error.
  for (int n = 0; n < 8 && off < size; ++n) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(w.config.body_limit);
    parser.header_limit(kHeaderLimit);
    parser.eager(true);
    boost::beast::error_code ec;
    while (off < size && !parser.is_done()) {
      const std::size_t used = parser.put(boost::asio::buffer(data + off, size - off), ec);
      off += used;
      if (ec == http::error::need_more) {
        ec = {};
        if (used == 0) break;
        continue;
      }
      if (ec) break;
    }
    if (!ec && !parser.is_done()) parser.put_eof(ec);  // the client closed its side
    if (ec || !parser.is_done()) {
      w.api->transport_error(400);
      return 0;
    }
    auto msg = parser.release();
    dispatch(msg);
  }
  return 0;
}
