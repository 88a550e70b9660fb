// A small blocking HTTP/1.1 client over TCP or TLS (tests, the load generator's setup and check).
#include <utility>  // before Boost 1.74: its awaitable.hpp needs std::exchange

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

#include "pqcea/host/service.hpp"
#include "pqcea/host/tls_groups.hpp"

namespace pqcea::service {
namespace {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
}  // namespace

struct HttpClient::Impl {
  std::string host, port;
  bool tls = false;
  net::io_context ioc;
  std::optional<ssl::context> ctx;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  bool connected() const { return tls ? secure.has_value() : plain.has_value(); }
  void connect() {
    tcp::resolver resolver(ioc);
    auto endpoints = resolver.resolve(host, port);
    if (tls) {
      secure.emplace(ioc, *ctx);
      secure->next_layer().expires_after(std::chrono::seconds(30));
      secure->next_layer().connect(endpoints);
      secure->next_layer().socket().set_option(tcp::no_delay(true));
      if (!SSL_set_tlsext_host_name(secure->native_handle(), host.c_str()))
        throw std::runtime_error("TLS: cannot set the server name");
      secure->set_verify_callback(ssl::host_name_verification(host));
      secure->handshake(ssl::stream_base::client);
    } else {
      plain.emplace(ioc);
      plain->expires_after(std::chrono::seconds(30));
      plain->connect(endpoints);
      plain->socket().set_option(tcp::no_delay(true));
    }
    buffer.clear();
  }
  void disconnect() {
    plain.reset();
    secure.reset();
  }
  template <class Stream>
  HttpResult exchange(Stream& s, beast::tcp_stream& t, http::request<http::string_body>& req) {
    t.expires_after(std::chrono::seconds(60));
    http::write(s, req);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(s, buffer, parser);
    auto& res = parser.get();
    HttpResult out;
    out.status = static_cast<int>(res.result_int());
    const auto ct = res[http::field::content_type];
    out.content_type = std::string(ct.data(), ct.size());
    out.body = std::move(res.body());
    if (!res.keep_alive()) disconnect();
    return out;
  }
};

HttpClient::HttpClient(std::string base, std::string ca_file) : impl_(std::make_unique<Impl>()) {
  std::string rest;
  if (base.rfind("http://", 0) == 0) {
    rest = base.substr(7);
  } else if (base.rfind("https://", 0) == 0) {
    rest = base.substr(8);
    impl_->tls = true;
  } else {
    throw std::runtime_error("URL must start with http:// or https://: " + base);
  }
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("URL needs a port: " + base);
  impl_->host = rest.substr(0, colon);
  if (impl_->host.size() >= 2 && impl_->host.front() == '[') impl_->host = impl_->host.substr(1, impl_->host.size() - 2);
  impl_->port = rest.substr(colon + 1);
  if (impl_->tls) {
    impl_->ctx.emplace(ssl::context::tls_client);
    impl_->ctx->set_verify_mode(ssl::verify_peer);
    if (!pqcea::tls::set_groups(impl_->ctx->native_handle(), {}))
      throw std::runtime_error("TLS: OpenSSL knows none of the default key-exchange groups");
    if (ca_file.empty()) {
      impl_->ctx->set_default_verify_paths();
    } else {
      impl_->ctx->load_verify_file(ca_file);
    }
  }
}

HttpClient::~HttpClient() = default;

HttpResult HttpClient::request(std::string_view method, std::string_view target, std::string_view body,
                               std::string_view content_type, std::string_view bearer) {
  http::request<http::string_body> req;
  req.method_string(beast::string_view(method.data(), method.size()));
  req.target(beast::string_view(target.data(), target.size()));
  req.version(11);
  req.set(http::field::host, impl_->host + ":" + impl_->port);
  req.set(http::field::user_agent, "pqcea-client");
  if (!body.empty() || method == "POST" || method == "PUT") req.set(http::field::content_type, std::string(content_type));
  if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + std::string(bearer));
  req.body() = std::string(body);
  req.keep_alive(true);
  req.prepare_payload();
  for (int attempt = 0;; ++attempt) {
    const bool fresh = !impl_->connected();
    try {
      if (fresh) impl_->connect();
      return impl_->tls ? impl_->exchange(*impl_->secure, impl_->secure->next_layer(), req)
                        : impl_->exchange(*impl_->plain, *impl_->plain, req);
    } catch (const std::exception& e) {
      impl_->disconnect();
      // A kept-alive connection the server had closed: retry once on a fresh one. Only safe
      // because nothing was read: the server closes idle connections, not half-served ones.
      if (fresh || attempt > 0) throw std::runtime_error(std::string("HTTP request failed: ") + e.what());
    }
  }
}

}  // namespace pqcea::service
