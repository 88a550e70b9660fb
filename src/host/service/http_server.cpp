// The transport: HTTP/1.1 over TCP or TLS (OpenSSL via Boost.Asio ssl), Boost.Beast parsing,
// per-request deadlines and keep-alive. Requests are handed to the Api as plain structs; the Api
// answers from any thread and the answer is written on the connection's strand.
//
// Memory is bounded before it is spent: when a request's header is complete, and before any of its
// body is buffered, it is admitted or refused (Admission below): the route's body limit (413), the
// client address's request rate (429), the requests waiting for a worker (503), and the body bytes
// held for unanswered requests, per client address (429) and in all (503). A refused request's
// body is never read; its connection closes after the answer.
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <utility>  // before Boost 1.74: its awaitable.hpp needs std::exchange

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "access_log.hpp"
#include "api.hpp"
#include "engine.hpp"
#include "internal.hpp"
#include "metrics.hpp"
#include "pqcea/attest/claims.hpp"
#include "pqcea/host/service.hpp"
#include "pqcea/host/tls_groups.hpp"

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

// ---- body limits per route ------------------------------------------------------------------
constexpr std::size_t base64_size(std::size_t n) { return (n + 2) / 3 * 4; }
// /v1/attest takes the token itself (application/cose) or {"evidence": "<base64>"} (api.cpp); the
// JSON form is the larger: the base64 of the largest token the appraisal accepts, the 15 bytes of
// {"evidence":""}, and room for whitespace and a small extra field. Raw tokens between 16 KiB and
// this limit still reach the appraisal, which answers 413 token_too_large.
constexpr std::size_t kAttestBodyLimit = base64_size(attest::kMaxTokenSize) + 1024;  // 22,872 bytes
static_assert(kAttestBodyLimit == 22872, "docs/verifier-service.md and tests/security/attack_suite.py quote it");
// {"device_id": "<up to 128 characters>"} is 144 bytes without whitespace.
constexpr std::size_t kChallengeBodyLimit = 512;
// Reads and unknown paths take no body; a little is tolerated so a stray one gets the route's answer.
constexpr std::size_t kOtherBodyLimit = 1024;
constexpr std::size_t kHeaderLimit = 16 * 1024;
// A connection's read buffer never grows beyond a full header and a little more: body bytes move
// from it into the request's body, whose size the admission has accounted for.
constexpr std::size_t kReadBufferLimit = kHeaderLimit + 4096;

std::size_t body_limit_for(std::string_view path, const Config& cfg) {
  if (path == "/v1/attest") return kAttestBodyLimit;
  if (path == "/v1/challenge") return kChallengeBodyLimit;
  if (path.substr(0, 10) == "/v1/admin/") return cfg.body_limit;  // policies and certificate chains
  return kOtherBodyLimit;
}

// ---- admission: per-source rate and bytes held -----------------------------------------------
// A client address: IPv4 as its IPv4-mapped IPv6 form, IPv6 by its /64 prefix (one host usually
// owns a whole /64, so counting single addresses would let it multiply its share).
using SourceKey = std::array<std::uint8_t, 16>;
SourceKey source_of(const tcp::endpoint& ep) {
  auto a = ep.address();
  if (a.is_v4()) a = net::ip::make_address_v6(net::ip::v4_mapped, a.to_v4());
  SourceKey k = a.to_v6().to_bytes();
  if (!a.to_v6().is_v4_mapped()) std::fill(k.begin() + 8, k.end(), std::uint8_t{0});
  return k;
}
struct SourceKeyHash {
  std::size_t operator()(const SourceKey& k) const noexcept {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (std::uint8_t b : k) h = (h ^ b) * 1099511628211ull;
    return static_cast<std::size_t>(h);
  }
};

class Admission {
 public:
  enum class Refusal { none, rate, source_bytes, inflight_bytes };
  // Body bytes held for one request, from its admission to its answer (or its connection's end).
  class Reservation {
   public:
    Reservation(Admission* a, SourceKey k, std::size_t n, bool tracked) : a_(a), key_(k), bytes_(n), tracked_(tracked) {}
    Reservation(Reservation&& o) noexcept : a_(std::exchange(o.a_, nullptr)), key_(o.key_), bytes_(o.bytes_), tracked_(o.tracked_) {}
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;
    Reservation& operator=(Reservation&&) = delete;
    ~Reservation() {
      if (a_ != nullptr) a_->release(key_, bytes_, tracked_);
    }

   private:
    Admission* a_;
    SourceKey key_;
    std::size_t bytes_;
    bool tracked_;
  };

  Admission(const Config& cfg, detail::Metrics& metrics)
      : cfg_(cfg), metrics_(metrics),
        burst_(cfg.rate_burst > 0 ? cfg.rate_burst : std::max(1.0, 2 * cfg.rate_per_source)) {}

  // Takes one token from the source's bucket: 0, or the seconds until the next token.
  int take_token(const SourceKey& k) {
    if (cfg_.rate_per_source <= 0) return 0;
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = Clock::now();
    Entry* e = entry(k, now);
    if (e == nullptr) return 0;  // table full: only the global limits apply (see entry())
    return e->bucket.take(now, cfg_.rate_per_source, burst_);
  }

  // Holds `bytes` for a request of source `k`, or says which limit it would exceed.
  Refusal reserve(const SourceKey& k, std::size_t bytes, std::optional<Reservation>& out) {
    if (bytes == 0) return Refusal::none;
    std::lock_guard<std::mutex> lock(mu_);
    if (total_ + bytes > cfg_.max_inflight_bytes) return Refusal::inflight_bytes;
    Entry* e = cfg_.max_inflight_bytes_per_source ? entry(k, Clock::now()) : nullptr;
    if (e != nullptr && e->bytes + bytes > cfg_.max_inflight_bytes_per_source) {
      if (e->bytes == 0 && cfg_.rate_per_source <= 0) sources_.erase(k);  // created just now
      return Refusal::source_bytes;
    }
    total_ += bytes;
    if (e != nullptr) e->bytes += bytes;
    metrics_.inflight_bytes = static_cast<std::int64_t>(total_);
    out.emplace(this, k, bytes, e != nullptr);
    return Refusal::none;
  }

 private:
  struct Entry {
    detail::TokenBucket bucket;
    std::size_t bytes = 0;
  };
  // Enough for every client of a large deployment; beyond, an attacker controls so many addresses
  // that per-source limits no longer help and the global ones must (each entry is ~80 bytes).
  static constexpr std::size_t kMaxSources = 1u << 16;

  bool idle(const Entry& e, Clock::time_point now) const {
    if (e.bytes != 0) return false;
    return cfg_.rate_per_source <= 0 || e.bucket.full_at(now, cfg_.rate_per_source, burst_);
  }
  // The source's entry, created with a full bucket; null if the table is full of busy sources.
  Entry* entry(const SourceKey& k, Clock::time_point now) {
    auto it = sources_.find(k);
    if (it != sources_.end()) return &it->second;
    if (sources_.size() >= kMaxSources) {
      // An idle entry (full bucket, nothing held) is the same as no entry: drop those, at most
      // once a second so a flood of new addresses does not turn every request into a sweep.
      if (now - last_sweep_ < std::chrono::seconds(1)) return nullptr;
      last_sweep_ = now;
      std::erase_if(sources_, [&](const auto& kv) { return idle(kv.second, now); });
      if (sources_.size() >= kMaxSources) return nullptr;
    }
    Entry& e = sources_[k];
    e.bucket = {burst_, now};
    return &e;
  }
  void release(const SourceKey& k, std::size_t bytes, bool tracked) {
    std::lock_guard<std::mutex> lock(mu_);
    total_ -= bytes;
    metrics_.inflight_bytes = static_cast<std::int64_t>(total_);
    if (!tracked) return;
    auto it = sources_.find(k);
    if (it == sources_.end()) return;
    it->second.bytes -= bytes;
    if (idle(it->second, Clock::now())) sources_.erase(it);
  }

  const Config& cfg_;
  detail::Metrics& metrics_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<SourceKey, Entry, SourceKeyHash> sources_;
  std::size_t total_ = 0;
  Clock::time_point last_sweep_{};
};

struct Shared {
  Api& api;
  const Config& cfg;
  detail::Metrics& metrics;
  Admission admission{cfg, metrics};
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> pending{0};  // requests handed to the Api and not answered yet
};

beast::tcp_stream& tcp_of(beast::tcp_stream& s) { return s; }
beast::tcp_stream& tcp_of(beast::ssl_stream<beast::tcp_stream>& s) { return s.next_layer(); }

std::string_view sv(beast::string_view v) { return {v.data(), v.size()}; }

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  Session(Stream&& stream, Shared& sh)
      : stream_(std::move(stream)), sh_(sh), timer_(tcp_of(stream_).get_executor()) {
    ++sh_.connections;
    ++sh_.metrics.open_connections;
    beast::error_code ec;
    const auto peer = tcp_of(stream_).socket().remote_endpoint(ec);
    if (!ec) {
      source_ = source_of(peer);
      peer_ = peer.address().to_string();
    }
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
    // Until the header says which route, the largest any route takes (a larger Content-Length is
    // refused as soon as the header ends); admit() then narrows it to the route's limit.
    route_limit_ = std::max({kAttestBodyLimit, kChallengeBodyLimit, kOtherBodyLimit, sh_.cfg.body_limit});
    parser_->body_limit(route_limit_);
    parser_->header_limit(kHeaderLimit);
    started_ = false;
    continued_ = false;
    admitted_ = false;
    read_some();
  }

  void read_some() {
    if (!started_ && (buffer_.size() > 0 || parser_->got_some())) {
      started_ = true;
      began_ = Clock::now();
      deadline_ = began_ + sh_.cfg.request_timeout;
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
    if (ec == http::error::body_limit) return refuse_too_large();
    if (ec == http::error::header_limit) return refuse(431, "header_too_large", "headers are limited to 16 KiB");
    if (ec && ec.category() == http::make_error_code(http::error::bad_method).category())
      return refuse(400, "malformed_http", "not a valid HTTP/1.1 request: " + ec.message());
    if (ec) return close();  // reset, aborted, TLS failure: nothing to answer
    if (!started_) {
      started_ = true;
      began_ = Clock::now();
      deadline_ = began_ + sh_.cfg.request_timeout;
    }
    // The header is complete and (the parser not being eager) no body byte has been parsed yet.
    if (!admitted_ && parser_->is_header_done()) {
      admitted_ = true;
      if (!admit()) return;
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

  // Decides whether the request's body may be read; false if the request was refused (answered).
  bool admit() {
    const auto& msg = parser_->get();
    const std::string_view target = sv(msg.target());
    if (const int retry_after = sh_.admission.take_token(source_); retry_after != 0) {
      ++sh_.metrics.refused_rate;
      refuse(429, "rate_limited", "too many requests from this address, retry later", retry_after);
      return false;
    }
    route_limit_ = body_limit_for(target.substr(0, target.find('?')), sh_.cfg);
    const auto length = parser_->content_length();
    if (length && *length > route_limit_) {
      refuse_too_large();
      return false;
    }
    if (sh_.pending.load() >= sh_.cfg.max_queue) {
      ++sh_.metrics.refused_queue_full;
      refuse(503, "overloaded", "too many requests waiting, retry later");
      return false;
    }
    // A chunked body is held as it grows, up to the route's limit: reserve that.
    const std::size_t bytes = length ? static_cast<std::size_t>(*length) : parser_->chunked() ? route_limit_ : 0;
    switch (sh_.admission.reserve(source_, bytes, held_)) {
      case Admission::Refusal::none:
        break;
      case Admission::Refusal::source_bytes:
        ++sh_.metrics.refused_source_bytes;
        refuse(429, "rate_limited", "too many request bytes in flight from this address, retry later");
        return false;
      default:
        ++sh_.metrics.refused_inflight_bytes;
        refuse(503, "overloaded", "too many request bytes in flight, retry later");
        return false;
    }
    parser_->body_limit(route_limit_);  // chunked bodies: checked as they arrive
    return true;
  }

  void refuse_too_large() {
    ++sh_.metrics.refused_body_too_large;
    refuse(413, "body_too_large", "this endpoint takes bodies of up to " + std::to_string(route_limit_) + " bytes");
  }

  void dispatch_request() {
    auto& msg = parser_->get();
    detail::Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.content_type = detail::media_type(sv(msg[http::field::content_type]));
    req.authorization = std::string(sv(msg[http::field::authorization]));
    req.body = std::move(msg.body());
    beast::error_code peer_ec;
    req.peer = tcp_of(stream_).socket().remote_endpoint(peer_ec).address().to_string();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    tcp_of(stream_).expires_never();  // appraisal time is bounded by the worker pool, not the socket
    ++sh_.pending;
    sh_.api.handle(std::move(req), [self = this->shared_from_this()](Response res) {
      --self->sh_.pending;
      net::post(tcp_of(self->stream_).get_executor(),
                [self, res = std::move(res)]() mutable { self->write(std::move(res), false); });
    });
  }

  // A request refused by the transport: answered with a JSON error, then the connection closes
  // (the rest of the request, if any, is not read).
  void refuse(int status, std::string_view code, const std::string& message, int retry_after = 0) {
    sh_.api.transport_error(status);
    Response r = detail::json_error(status, code, message);
    r.retry_after = retry_after;
    write(std::move(r), true);
  }

  void write(Response r, bool close_after) {
    held_.reset();  // the request's body is gone: its bytes no longer count
    res_ = {};
    res_.version(version_);
    res_.result(static_cast<unsigned>(r.status));
    res_.set(http::field::server, "pqcea");
    res_.set(http::field::content_type, r.content_type);
    res_.set(http::field::cache_control, "no-store");
    if (!r.allow.empty()) res_.set(http::field::allow, r.allow);
    if (r.request_id.empty()) detail::stamp(r, detail::new_request_id());
    res_.set("X-Request-Id", r.request_id);
    // Overload and rate answers tell the client when to come back (RFC 9110 section 10.2.3).
    if (r.retry_after <= 0 && (r.status == 429 || r.status == 503)) r.retry_after = 1;
    if (r.retry_after > 0) res_.set(http::field::retry_after, std::to_string(r.retry_after));
    res_.body() = std::move(r.body);
    res_.keep_alive(keep_alive_ && !close_after);
    res_.prepare_payload();
    request_id_ = std::move(r.request_id);
    tcp_of(stream_).expires_after(sh_.cfg.write_timeout);
    http::async_write(stream_, res_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->log_access();
      if (ec) return self->close();
      if (!self->res_.keep_alive()) return self->shutdown();
      self->read_request();
    });
  }

  // One access log line for the response just written (or that failed to be).
  void log_access() {
    if (sh_.cfg.quiet || sh_.cfg.access_log == AccessLog::off) return;
    detail::AccessRecord rec;
    rec.request_id = request_id_;
    if (parser_ && parser_->is_header_done()) {
      rec.method = sv(parser_->get().method_string());
      rec.target = sv(parser_->get().target());
    }
    rec.source = peer_;
    rec.status = static_cast<int>(res_.result_int());
    rec.bytes = res_.body().size();
    rec.seconds = started_ ? std::chrono::duration<double>(Clock::now() - began_).count() : 0.0;
    detail::write_access_log(sh_.cfg.access_log, detail::access_log_line(rec));
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
  SourceKey source_{};
  std::string peer_;        // the client's address, for the access log
  std::string request_id_;  // of the response being written
  Clock::time_point began_{};
  beast::flat_buffer buffer_{kReadBufferLimit};
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  net::steady_timer timer_;
  std::uint64_t timer_gen_ = 0;
  bool timed_out_ = false;
  Clock::time_point deadline_{};
  bool started_ = false, continued_ = false, keep_alive_ = false, admitted_ = false;
  unsigned version_ = 11;
  std::size_t route_limit_ = 0;
  std::optional<Admission::Reservation> held_;
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
  // No --tls-groups: the project's default list, post-quantum hybrids first (tls_groups.hpp).
  if (!pqcea::tls::set_groups(ctx->native_handle(), c.tls_groups))
    throw std::runtime_error("OpenSSL does not know the TLS groups '" +
                             (c.tls_groups.empty() ? std::string(pqcea::tls::kDefaultGroups) : c.tls_groups) + "'");
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
