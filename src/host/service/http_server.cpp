// The transport: HTTP/1.1 over TCP or TLS (OpenSSL via Boost.Asio ssl), Boost.Beast parsing with
// a body limit, per-request deadlines and keep-alive. Requests are handed to the Api as plain
// structs; the Api answers from any thread and the answer is written on the connection's strand.
#include <openssl/ssl.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include <utility>  // before Boost 1.74: its awaitable.hpp needs std::exchange

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "api.hpp"
#include "engine.hpp"
#include "internal.hpp"
#include "metrics.hpp"
#include "pqcea/host/service.hpp"

namespace pqcea::service {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using detail::Api;
using detail::Response;

struct Shared {
  Api& api;
  const Config& cfg;
  detail::Metrics& metrics;
  std::atomic<std::size_t> connections{0};
};

beast::tcp_stream& tcp_of(beast::tcp_stream& s) { return s; }
beast::tcp_stream& tcp_of(beast::ssl_stream<beast::tcp_stream>& s) { return s.next_layer(); }

std::string_view sv(beast::string_view v) { return {v.data(), v.size()}; }

std::string media_type(std::string_view v) {
  std::string s(v.substr(0, v.find(';')));
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  std::size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
  s = s.substr(b);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  Session(Stream&& stream, Shared& sh)
      : stream_(std::move(stream)), sh_(sh), timer_(tcp_of(stream_).get_executor()) {
    ++sh_.connections;
    ++sh_.metrics.open_connections;
  }
  ~Session() {
    --sh_.connections;
    --sh_.metrics.open_connections;
  }

  void run() {
    net::dispatch(tcp_of(stream_).get_executor(), [self = this->shared_from_this()] { self->start(); });
  }

 private:
  void start() {
    if constexpr (kTls) {
      tcp_of(stream_).expires_after(sh_.cfg.request_timeout);
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->close();
        self->read_request();
      });
    } else {
      read_request();
    }
  }

  void read_request() {
    parser_.emplace();
    parser_->body_limit(sh_.cfg.body_limit);
    parser_->header_limit(16 * 1024);
    started_ = false;
    continued_ = false;
    read_some();
  }

  void read_some() {
    if (!started_ && (buffer_.size() > 0 || parser_->got_some())) {
      started_ = true;
      deadline_ = Clock::now() + sh_.cfg.request_timeout;
    }
    // Idle: a keep-alive connection waiting for its next request. Started: the whole request
    // must arrive before the deadline, however slowly its bytes trickle in. The deadline is a
    // timer of our own (not the stream's expiry, which would close the socket) so that a late
    // request can still be answered with 408.
    arm(started_ ? deadline_ : Clock::now() + sh_.cfg.idle_timeout);
    tcp_of(stream_).expires_never();  // (a write's expiry must not cut the read)
    http::async_read_some(stream_, buffer_, *parser_,
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void arm(Clock::time_point when) {
    timed_out_ = false;
    const std::uint64_t gen = ++timer_gen_;
    timer_.expires_at(when);
    timer_.async_wait([self = this->shared_from_this(), gen](beast::error_code ec) {
      if (ec || gen != self->timer_gen_) return;  // cancelled, or an older wait
      self->timed_out_ = true;
      beast::error_code ignored;
      tcp_of(self->stream_).socket().cancel(ignored);
    });
  }

  void disarm() {
    ++timer_gen_;
    timer_.cancel();
  }

  void on_read(beast::error_code ec) {
    const bool timed_out = timed_out_ && ec;
    disarm();
    if (ec == http::error::end_of_stream) return close();
    if (timed_out) {
      if (started_ || buffer_.size() > 0 || parser_->got_some())
        return refuse(408, "request_timeout", "the request did not arrive in time");
      return close();  // idle keep-alive connection
    }
    if (ec == http::error::body_limit)
      return refuse(413, "body_too_large", "bodies are limited to " + std::to_string(sh_.cfg.body_limit) + " bytes");
    if (ec == http::error::header_limit) return refuse(431, "header_too_large", "headers are limited to 16 KiB");
    if (ec && ec.category() == http::make_error_code(http::error::bad_method).category())
      return refuse(400, "malformed_http", "not a valid HTTP/1.1 request: " + ec.message());
    if (ec) return close();  // reset, aborted, TLS failure: nothing to answer
    if (!started_) {
      started_ = true;
      deadline_ = Clock::now() + sh_.cfg.request_timeout;
    }
    if (!parser_->is_done()) {
      // A client waiting for "100 Continue" before it sends the body (curl does).
      if (parser_->is_header_done() && !continued_) {
        continued_ = true;
        auto expect = parser_->get()[http::field::expect];
        if (beast::iequals(expect, "100-continue")) {
          static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          tcp_of(stream_).expires_at(deadline_);
          return net::async_write(stream_, net::buffer(kContinue),
                                  [self = this->shared_from_this()](beast::error_code wec, std::size_t) {
                                    if (wec) return self->close();
                                    self->read_some();
                                  });
        }
      }
      return read_some();
    }
    dispatch_request();
  }

  void dispatch_request() {
    auto& msg = parser_->get();
    detail::Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.content_type = media_type(sv(msg[http::field::content_type]));
    req.authorization = std::string(sv(msg[http::field::authorization]));
    req.body = std::move(msg.body());
    beast::error_code peer_ec;
    req.peer = tcp_of(stream_).socket().remote_endpoint(peer_ec).address().to_string();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    tcp_of(stream_).expires_never();  // appraisal time is bounded by the worker pool, not the socket
    sh_.api.handle(std::move(req), [self = this->shared_from_this()](Response res) {
      net::post(tcp_of(self->stream_).get_executor(),
                [self, res = std::move(res)]() mutable { self->write(std::move(res), false); });
    });
  }

  // A request refused by the transport: answered with a JSON error, then the connection closes
  // (the rest of the request, if any, is not read).
  void refuse(int status, std::string_view code, const std::string& message) {
    sh_.api.transport_error(status);
    write(detail::json_error(status, code, message), true);
  }

  void write(Response r, bool close_after) {
    res_ = {};
    res_.version(version_);
    res_.result(static_cast<unsigned>(r.status));
    res_.set(http::field::server, "pqcea");
    res_.set(http::field::content_type, r.content_type);
    res_.set(http::field::cache_control, "no-store");
    if (!r.allow.empty()) res_.set(http::field::allow, r.allow);
    if (r.request_id.empty()) detail::stamp(r, detail::new_request_id());
    res_.set("X-Request-Id", r.request_id);
    if (r.retry_after > 0) res_.set(http::field::retry_after, std::to_string(r.retry_after));
    res_.body() = std::move(r.body);
    res_.keep_alive(keep_alive_ && !close_after);
    res_.prepare_payload();
    tcp_of(stream_).expires_after(sh_.cfg.write_timeout);
    http::async_write(stream_, res_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      if (!self->res_.keep_alive()) return self->shutdown();
      self->read_request();
    });
  }

  void shutdown() {
    if constexpr (kTls) {
      tcp_of(stream_).expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close(); });
    } else {
      beast::error_code ec;
      tcp_of(stream_).socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  void close() {
    beast::error_code ec;
    tcp_of(stream_).socket().close(ec);
  }

  Stream stream_;
  Shared& sh_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  net::steady_timer timer_;
  std::uint64_t timer_gen_ = 0;
  bool timed_out_ = false;
  Clock::time_point deadline_{};
  bool started_ = false, continued_ = false, keep_alive_ = false;
  unsigned version_ = 11;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::endpoint ep, ssl::context* tls, Shared& sh)
      : ioc_(ioc), acceptor_(net::make_strand(ioc)), timer_(acceptor_.get_executor()), tls_(tls), sh_(sh) {
    acceptor_.open(ep.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void start() { accept(); }
  void stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
      self->timer_.cancel();
    });
  }

 private:
  void accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
      self->on_accept(ec, std::move(s));
    });
  }
  void on_accept(beast::error_code ec, tcp::socket s) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {  // e.g. out of file descriptors: pause briefly rather than spin
      timer_.expires_after(std::chrono::milliseconds(50));
      timer_.async_wait([self = shared_from_this()](beast::error_code tec) {
        if (!tec) self->accept();
      });
      return;
    }
    if (sh_.connections.load() >= sh_.cfg.max_connections) {
      beast::error_code ignored;
      s.close(ignored);
    } else {
      beast::error_code ignored;
      s.set_option(tcp::no_delay(true), ignored);
      if (tls_ != nullptr) {
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            beast::ssl_stream<beast::tcp_stream>(std::move(s), *tls_), sh_)
            ->run();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(s)), sh_)->run();
      }
    }
    accept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer timer_;
  ssl::context* tls_;
  Shared& sh_;
};

tcp::endpoint parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("--listen wants HOST:PORT, got " + listen);
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port) > 65535)
    throw std::runtime_error("bad port in --listen " + listen);
  beast::error_code ec;
  auto addr = net::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) throw std::runtime_error("bad address in --listen " + listen + " (use an IP address)");
  return {addr, static_cast<std::uint16_t>(std::stoul(port))};
}

std::unique_ptr<ssl::context> make_tls(const Config& c) {
  // Loads the OpenSSL configuration (OPENSSL_CONF): providers it activates, e.g. one adding
  // hybrid ML-KEM groups, are then usable through --tls-groups without any change here.
  OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, nullptr);
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->use_certificate_chain_file(c.tls_cert_file);
  ctx->use_private_key_file(c.tls_key_file, ssl::context::pem);
  if (!c.tls_groups.empty() && SSL_CTX_set1_groups_list(ctx->native_handle(), c.tls_groups.c_str()) != 1)
    throw std::runtime_error("OpenSSL does not know the TLS groups '" + c.tls_groups + "'");
  return ctx;
}

}  // namespace

struct Server::Impl {
  explicit Impl(Config c) : cfg(std::move(c)), engine(cfg, metrics), api(engine, metrics, cfg), shared{api, cfg, metrics} {}
  Config cfg;
  detail::Metrics metrics;
  detail::Engine engine;
  Api api;
  Shared shared;
  std::unique_ptr<net::io_context> ioc;
  std::unique_ptr<ssl::context> tls;
  std::shared_ptr<Listener> listener;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  bool running = false;
};

Server::Server(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Server::~Server() { stop(); }

void Server::start() {
  Impl& s = *impl_;
  if (s.cfg.tls_cert_file.empty() != s.cfg.tls_key_file.empty())
    throw std::runtime_error("TLS needs both --tls-cert and --tls-key");
  if (!s.cfg.tls_cert_file.empty()) s.tls = make_tls(s.cfg);
  s.engine.start();
  const unsigned n = s.cfg.io_threads ? s.cfg.io_threads : std::max(1u, std::thread::hardware_concurrency());
  s.ioc = std::make_unique<net::io_context>(static_cast<int>(n));
  s.listener = std::make_shared<Listener>(*s.ioc, parse_listen(s.cfg.listen), s.tls.get(), s.shared);
  s.port = s.listener->port();
  s.listener->start();
  for (unsigned i = 0; i < n; ++i) s.threads.emplace_back([&s] { s.ioc->run(); });
  s.running = true;
  if (!s.cfg.quiet)
    std::cerr << "pqcea serve: listening on " << (s.tls ? "https" : "http") << "://" << s.cfg.listen.substr(0, s.cfg.listen.rfind(':'))
              << ":" << s.port << " (" << n << " network threads, database " << s.cfg.db.substr(0, s.cfg.db.find(':')) << ")\n";
}

std::uint16_t Server::port() const { return impl_->port; }

void Server::run_until_signal() {
  net::io_context sig_ioc;
  net::signal_set signals(sig_ioc, SIGINT, SIGTERM);
  signals.async_wait([](beast::error_code, int) {});
  sig_ioc.run_one();
  stop();
}

void Server::stop() {
  Impl& s = *impl_;
  if (!s.running) {
    s.engine.stop();
    return;
  }
  s.running = false;
  s.listener->stop();
  s.engine.stop();  // answers what is queued; the answers are written by the network threads
  // Give those last writes a moment, then end every connection.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  s.ioc->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  s.listener.reset();
  s.ioc.reset();
}

}  // namespace pqcea::service
