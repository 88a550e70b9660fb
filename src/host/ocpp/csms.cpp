// The CSMS (include/pqcea/host/ocpp/csms.hpp; docs/ocpp.md): the WebSocket server, the per-station
// protocol logic and the dual track. One network thread runs every session; attestation and
// database writes go to the verifier engine's workers and come back to the network thread.
#include "pqcea/host/ocpp/csms.hpp"

#include <csignal>
#include <deque>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <sstream>
#include <utility>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "engine.hpp"  // the verifier's worker pool (src/host/service/engine.hpp)
#include "internal.hpp"
#include "metrics.hpp"
#include "ocpp_internal.hpp"
#include "pqcea/host/classical_pki.hpp"
#include "pqcea/host/csr.hpp"
#include "pqcea/host/device_client.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/host/hex.hpp"
#include "pqcea/host/service.hpp"
#include "pqcea/host/tls_groups.hpp"

namespace pqcea::ocpp {

namespace classical = pki::classical;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

std::int64_t unix_now() { return service::detail::unix_now(); }

bool loopback(const asio::ip::address& a) { return a.is_loopback(); }

// Station ids: identifierString of the schemas (letters, digits and *-_=:+|@.), at most 48.
bool valid_station_id(const std::string& id) {
  if (id.empty() || id.size() > limit::kStationId) return false;
  for (unsigned char c : id)
    if (!std::isalnum(c) && std::string_view("*-_=:+|@.").find(static_cast<char>(c)) == std::string_view::npos)
      return false;
  return true;
}

}  // namespace

// One station's connection: protocol state and the write queue. Lives on the network thread.
class Session : public std::enable_shared_from_this<Session> {
 public:
  // `exporter`: the TLS exporter value of the connection (empty on security profile 1);
  // `writer` queues one text frame on the connection.
  Session(Csms::Impl& csms, std::string station_id, Bytes exporter, std::function<void(std::string)> writer);
  void opened();
  // The connection ended: calls still waiting for an answer fail (their handlers hold the
  // session, so dropping them also frees it).
  void closed();
  void on_frame(const std::string& text);
  void send(std::string frame) { writer_(std::move(frame)); }
  std::string tls_group;  // "TLSv1.3 X25519MLKEM768" (empty on profile 1)
  std::string tls_client_serial;  // profile 3: the serial (hex) of the client certificate presented
  // on_error gets "CODE: description" for a CALLERROR, or why no answer can come.
  void send_call(std::string_view action, Json payload, std::function<void(const Json&)> on_result = {},
                 std::function<void(const std::string&)> on_error = {});
  // What the operator interface shows and decides on (network thread).
  int security_profile() const;
  Json describe() const;
  const std::string& id() const { return id_; }
  bool is_closed() const { return closed_; }
  void event(const std::string& kind, const std::string& type, const std::string& detail);
  bool maybe_offer_firmware();  // true if the running campaign was offered now

 private:
  void handle_call(const Frame& f);
  void reply(const std::string& call_id, const Json& payload) { send(result_frame(call_id, payload)); }
  void save_station();

  void on_boot(const Frame& f);
  void on_data_transfer(const Frame& f);
  void on_evidence(const std::string& call_id, const Json& data);
  void on_sign_certificate(const Frame& f);
  void on_firmware_status(const Frame& f);

  Csms::Impl& csms_;
  std::function<void(std::string)> writer_;
  std::string id_;
  Bytes exporter_;
  IdSource ids_{"c"};
  struct PendingCall {
    std::function<void(const Json&)> on_result;
    std::function<void(const std::string&)> on_error;
  };
  std::map<std::string, PendingCall> pending_;
  bool closed_ = false;

  verifier::OcppStation record_;
  bool offers_pqc_ = false, attested_ = false, attestation_failed_ = false;
  long offered_campaign_ = 0;  // the firmware campaign this station was offered (0: none)
  Bytes challenge_nonce_;
  std::int64_t challenge_request_id_ = 0, challenge_at_ = 0;
  std::int64_t next_request_id_ = 1;
};

// The WebSocket of one station over any stream (TCP, or TLS over TCP): handshake with the
// ocpp2.0.1 subprotocol, a read loop into the Session, and a write queue.
template <class Ws>
class Connection : public std::enable_shared_from_this<Connection<Ws>> {
 public:
  explicit Connection(Ws ws) : ws_(std::move(ws)) {}
  void start(std::shared_ptr<http::request<http::string_body>> req, std::shared_ptr<Session> session) {
    session_ = std::move(session);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::sec_websocket_protocol, std::string(kSubprotocol));
    }));
    ws_.read_message_max(kMaxFrameBytes);
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept(*req, [self = this->shared_from_this(), req](beast::error_code ec) {
      if (ec) return;
      self->session_->opened();
      self->read();
    });
  }
  void send(std::string frame) {
    queue_.push_back(std::move(frame));
    if (!writing_) write_next();
  }

 private:
  void read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        if (self->session_) self->session_->closed();
        self->session_.reset();  // nothing more is written
        return;
      }
      std::string text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      if (self->session_) self->session_->on_frame(text);
      self->read();
    });
  }
  void write_next() {
    if (queue_.empty()) {
      writing_ = false;
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->queue_.pop_front();
      self->write_next();
    });
  }

  Ws ws_;
  std::shared_ptr<Session> session_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  bool writing_ = false;
};

struct Csms::Impl {
  CsmsConfig cfg;
  CsmsCounters counters;
  service::Config service_cfg;
  service::detail::Metrics metrics;
  std::unique_ptr<service::detail::Engine> engine;
  std::optional<pki::CertificateAuthority> pqc_ca;
  std::optional<classical::Ca> classical_ca;
  std::string firmware_signer_pem;
  // The firmware campaign (L01): stations that boot Accepted with another firmwareVersion are
  // offered this image. Set at start (--firmware) or by the operator (PUT /admin/firmware); read
  // and replaced on the network thread only.
  struct Campaign {
    long id = 0;  // 0: no campaign
    Bytes image;
    std::string name, version, signature_b64;
  } campaign;
  void set_campaign(Bytes image, std::string name, std::string version);
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  // The operator interface (docs/ocpp.md, "Operator interface"): loopback HTTP, the fleet's
  // admin token. The live sessions by station id (network thread).
  tcp::acceptor admin_acceptor{io};
  std::string admin_token;
  std::map<std::string, std::weak_ptr<Session>> sessions;
  std::shared_ptr<Session> live_session(const std::string& id) {
    const auto it = sessions.find(id);
    if (it == sessions.end()) return nullptr;
    auto s = it->second.lock();
    return s && !s->is_closed() ? s : nullptr;
  }
  void accept_admin();
  struct AdminConn;
  void serve_admin(std::shared_ptr<AdminConn> c);
  void admin_station_call(std::shared_ptr<AdminConn> c, const std::string& id, const std::string& op, const Json& body);
  void admin_firmware(std::shared_ptr<AdminConn> c, const Json& body);
  std::thread thread;
  bool started = false;

  explicit Impl(CsmsConfig c) : cfg(std::move(c)) {}

  void log(const std::string& line) {
    if (!cfg.quiet) std::cerr << "csms: " << line << "\n";
  }

  // A database write on a worker, fire and forget (the outcome is logged on failure).
  void store(std::function<void(verifier::Store&)> fn) {
    service::detail::Engine::Job job;
    job.run = [fn = std::move(fn)](service::detail::WorkerContext& ctx) { fn(ctx.store); };
    job.fail = [this](const std::string& why) { log("store: " + why); };
    if (!engine->run(std::move(job))) log("store: queue full, a record was dropped");
  }

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // stopped
      handle_connection(std::move(socket));
      accept();
    });
  }

  std::unique_ptr<asio::ssl::context> tls;  // profiles 2/3

  template <class Stream>
  struct HttpConn {
    Stream stream;
    beast::flat_buffer buf;
    http::request<http::string_body> req;
    explicit HttpConn(Stream s) : stream(std::move(s)) {}
  };
  void handle_connection(tcp::socket socket);
  template <class Stream>
  void serve_http(std::shared_ptr<HttpConn<Stream>> c, Bytes exporter, std::string tls_cn, std::string tls_group = "",
                  std::string tls_client_serial = "");
};

// The HTTP request on a new connection (plain TCP or TLS): a WebSocket upgrade at /ocpp/{id}, or
// GET /firmware/{name}. `exporter` and `tls_cn` come from the TLS handshake (empty on profile 1).
template <class Stream>
void Csms::Impl::serve_http(std::shared_ptr<HttpConn<Stream>> c, Bytes exporter, std::string tls_cn,
                            std::string tls_group, std::string tls_client_serial) {
  beast::get_lowest_layer(c->stream).expires_after(std::chrono::seconds(10));
  http::async_read(c->stream, c->buf, c->req, [this, c, exporter, tls_cn, tls_group, tls_client_serial](beast::error_code ec, std::size_t) {
    if (ec) return;
    const std::string target(c->req.target());
    auto finish = [c](auto res) {
      http::async_write(c->stream, *res, [c, res](beast::error_code, std::size_t) {
        beast::error_code ignored;
        beast::get_lowest_layer(c->stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
      });
    };
    auto respond = [c, finish](http::status status, std::string body) {
      auto res = std::make_shared<http::response<http::string_body>>(status, c->req.version());
      res->set(http::field::content_type, "text/plain");
      res->body() = std::move(body);
      res->prepare_payload();
      finish(res);
    };
    if (websocket::is_upgrade(c->req)) {
      static constexpr std::string_view kPrefix = "/ocpp/";
      if (target.rfind(kPrefix, 0) != 0) return respond(http::status::not_found, "no such path\n");
      const std::string id = target.substr(kPrefix.size());
      if (!valid_station_id(id)) return respond(http::status::bad_request, "bad station id\n");
      // Profile 3: the client certificate's CN is the station's identity (A00.FR.405).
      if (!cfg.tls_client_ca_file.empty() && tls_cn != id) {
        ++counters.auth_refused;
        log(id + ": refused: the client certificate names '" + tls_cn + "'");
        store([e = verifier::OcppEvent{id, "csms-security", "InvalidChargingStationCertificate",
                                       "client certificate CN " + tls_cn, unix_now()}](verifier::Store& st) {
          st.add_ocpp_event(e);
        });
        return respond(http::status::forbidden, "client certificate for another station\n");
      }
      // Profiles 1 and 2: HTTP Basic with the station id as user (Part 2 A00).
      if (!cfg.station_password.empty()) {
        const std::string want = id + ":" + cfg.station_password;
        const auto header = std::string(c->req[http::field::authorization]);
        std::optional<Bytes> got;
        if (header.rfind("Basic ", 0) == 0) got = detail::unbase64(header.substr(6));
        if (!got || !detail::equal_secret(*got, want)) {
          ++counters.auth_refused;
          log(id + ": refused: wrong or missing HTTP Basic credentials");
          return respond(http::status::unauthorized, "authentication required\n");
        }
      }
      // The subprotocol must be offered (Part 4 §3.1.2); a client without it is refused.
      const auto offered = std::string(c->req[http::field::sec_websocket_protocol]);
      if (offered.find(kSubprotocol) == std::string::npos)
        return respond(http::status::bad_request, "subprotocol ocpp2.0.1 required\n");
      using Ws = websocket::stream<Stream>;
      auto conn = std::make_shared<Connection<Ws>>(Ws(std::move(c->stream)));
      std::weak_ptr<Connection<Ws>> weak = conn;
      auto session = std::make_shared<Session>(*this, id, exporter, [weak](std::string frame) {
        if (auto cn = weak.lock()) cn->send(std::move(frame));
      });
      session->tls_group = tls_group;
      session->tls_client_serial = tls_client_serial;
      sessions[id] = session;  // a reconnecting station replaces its earlier session
      conn->start(std::make_shared<http::request<http::string_body>>(std::move(c->req)), session);
      return;
    }
    if (c->req.method() == http::verb::get && campaign.id != 0 && target == "/firmware/" + campaign.name) {
      auto res = std::make_shared<http::response<http::vector_body<std::uint8_t>>>(http::status::ok, c->req.version());
      res->set(http::field::content_type, "application/octet-stream");
      res->body() = campaign.image;
      res->prepare_payload();
      return finish(res);
    }
    respond(http::status::not_found, "not found\n");
  });
}

void Csms::Impl::handle_connection(tcp::socket socket) {
  if (!tls) return serve_http(std::make_shared<HttpConn<beast::tcp_stream>>(beast::tcp_stream(std::move(socket))), {}, "");
  using Tls = beast::ssl_stream<beast::tcp_stream>;
  auto c = std::make_shared<HttpConn<Tls>>(Tls(beast::tcp_stream(std::move(socket)), *tls));
  beast::get_lowest_layer(c->stream).expires_after(std::chrono::seconds(10));
  c->stream.async_handshake(asio::ssl::stream_base::server, [this, c](beast::error_code ec) {
    if (ec) return;
    SSL* ssl = c->stream.native_handle();
    const std::string group = detail::negotiated_group(ssl);
    if (cfg.require_pqc_kex && !detail::post_quantum_group(group)) {
      ++counters.auth_refused;
      log("refused a TLS connection that negotiated " + group + " (post-quantum key exchange required)");
      store([e = verifier::OcppEvent{"-", "csms-security", "PqcDowngradeAttempt", "TLS key exchange " + group,
                                     unix_now()}](verifier::Store& st) { st.add_ocpp_event(e); });
      beast::error_code ignored;
      beast::get_lowest_layer(c->stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    std::string cn, serial;
    if (X509* peer = SSL_get1_peer_certificate(ssl)) {
      cn = detail::common_name(peer);
      serial = detail::serial_hex(peer);
      X509_free(peer);
    }
    serve_http(c, detail::tls_exporter(ssl), cn, std::string(SSL_get_version(ssl)) + " " + group, serial);
  });
}

// ---- Session -------------------------------------------------------------------------------------
void Session::opened() {
  ++csms_.counters.connections;
  record_.id = id_;
  // What protected this connection: "TLSv1.3 X25519MLKEM768", or profile 1.
  event("connection", tls_group.empty() ? "ws" : "wss", tls_group.empty() ? "security profile 1" : tls_group);
  // Profile 3: which certificate the station presented (A03: a renewed one after CertificateSigned).
  if (!tls_client_serial.empty()) event("connection", "client-certificate", tls_client_serial);
}

Session::Session(Csms::Impl& csms, std::string station_id, Bytes exporter, std::function<void(std::string)> writer)
    : csms_(csms), writer_(std::move(writer)), id_(std::move(station_id)), exporter_(std::move(exporter)) {}

void Session::closed() {
  closed_ = true;
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, call] : pending)
    if (call.on_error) call.on_error("the station disconnected");
}

void Session::send_call(std::string_view action, Json payload, std::function<void(const Json&)> on_result,
                        std::function<void(const std::string&)> on_error) {
  const std::string id = ids_.next();
  pending_[id] = PendingCall{std::move(on_result), std::move(on_error)};
  send(call_frame(id, action, payload));
}

int Session::security_profile() const {
  if (tls_group.empty()) return 1;
  return csms_.cfg.tls_client_ca_file.empty() ? 2 : 3;
}

Json Session::describe() const {
  return Json{{"id", id_},
              {"securityProfile", security_profile()},
              {"tls", tls_group},
              {"boot", record_.boot_status},
              {"attestation", record_.attestation},
              {"firmwareVersion", record_.firmware_version},
              {"offersPqc", offers_pqc_}};
}

void Session::event(const std::string& kind, const std::string& type, const std::string& detail) {
  verifier::OcppEvent e{id_, kind, type, detail, unix_now()};
  csms_.store([e](verifier::Store& s) { s.add_ocpp_event(e); });
}

void Session::save_station() {
  record_.updated_at = unix_now();
  auto r = record_;
  csms_.store([r](verifier::Store& s) { s.put_ocpp_station(r); });
}

void Session::on_frame(const std::string& text) {
  std::string id;
  Frame f;
  try {
    f = parse_frame(text, &id);
  } catch (const RpcError& e) {
    ++csms_.counters.protocol_errors;
    send(error_frame(id, e.code(), e.what()));
    return;
  }
  if (f.type == FrameType::call) {
    try {
      handle_call(f);
    } catch (const RpcError& e) {
      ++csms_.counters.protocol_errors;
      csms_.log(id_ + ": " + f.action + ": " + e.code() + ": " + e.what());
      send(error_frame(f.id, e.code(), e.what()));
    } catch (const std::exception& e) {
      ++csms_.counters.protocol_errors;
      csms_.log(id_ + ": " + f.action + ": " + e.what());
      send(error_frame(f.id, "InternalError", "internal error"));
    }
    return;
  }
  const auto it = pending_.find(f.id);
  if (it == pending_.end()) return;
  auto call = std::move(it->second);
  pending_.erase(it);
  if (f.type == FrameType::error) {
    ++csms_.counters.protocol_errors;
    csms_.log(id_ + ": CALLERROR " + f.error_code + ": " + f.error_description);
    if (call.on_error) call.on_error(f.error_code + ": " + f.error_description);
    return;
  }
  if (call.on_result) {
    try {
      call.on_result(f.payload);
    } catch (const std::exception& e) {
      csms_.log(id_ + ": result: " + e.what());
    }
  }
}

void Session::handle_call(const Frame& f) {
  const auto now = unix_now();
  if (f.action == "BootNotification") return on_boot(f);
  if (f.action == "DataTransfer") return on_data_transfer(f);
  if (f.action == "SignCertificate") return on_sign_certificate(f);
  if (f.action == "FirmwareStatusNotification") return on_firmware_status(f);
  if (f.action == "Heartbeat") return reply(f.id, Json{{"currentTime", rfc3339(now)}});
  if (f.action == "StatusNotification") {
    enum_field(f.payload, "connectorStatus", {"Available", "Occupied", "Reserved", "Unavailable", "Faulted"});
    return reply(f.id, Json::object());
  }
  if (f.action == "TransactionEvent") {
    const auto type = enum_field(f.payload, "eventType", {"Started", "Updated", "Ended"});
    object_field(f.payload, "transactionInfo");
    Json answer = Json::object();
    if (f.payload.contains("idToken")) answer["idTokenInfo"] = Json{{"status", "Accepted"}};
    if (type != "Updated") event("transaction", type, "");
    return reply(f.id, answer);
  }
  if (f.action == "SecurityEventNotification") {
    const auto type = string_field(f.payload, "type", limit::kSecurityEventType);
    string_field(f.payload, "timestamp", 64);
    const auto info = optional_string(f.payload, "techInfo", limit::kTechInfo).value_or("");
    ++csms_.counters.security_events;
    csms_.log(id_ + ": security event " + type + (info.empty() ? "" : ": " + info));
    event("security", type, info);
    return reply(f.id, Json::object());
  }
  if (f.action == "NotifyEvent" || f.action == "MeterValues") return reply(f.id, Json::object());
  throw RpcError("NotImplemented", f.action + " is not implemented by this CSMS");
}

// B01/B02: Pending until the post-quantum attestation is affirming.
void Session::on_boot(const Frame& f) {
  const auto& cs = object_field(f.payload, "chargingStation");
  record_.model = string_field(cs, "model", limit::kModel);
  string_field(cs, "vendorName", limit::kVendorName);
  record_.firmware_version = optional_string(cs, "firmwareVersion", limit::kFirmwareVersion).value_or("");
  const auto serial = optional_string(cs, "serialNumber", limit::kSerialNumber);
  string_field(f.payload, "reason", 32);
  offers_pqc_ = our_custom_data(f.payload) != nullptr;
  const auto now = unix_now();
  std::string status;
  std::int64_t interval = csms_.cfg.heartbeat_interval;
  if (serial && *serial != id_.substr(0, limit::kSerialNumber)) {
    // B01.FR.12's rule on profile 3 (serial = certificate CN) applied to the URL identity on every profile.
    status = "Rejected";
    event("csms-security", "StationIdentityMismatch", "serialNumber " + *serial);
  } else if (attestation_failed_) {
    status = "Rejected";
  } else if (attested_ || csms_.cfg.mode == PqcMode::off) {
    status = "Accepted";
  } else if (offers_pqc_) {
    status = "Pending";
    interval = csms_.cfg.pending_interval;
  } else if (csms_.cfg.mode == PqcMode::required) {
    status = "Rejected";
    event("csms-security", "PqcDowngradeAttempt", "a station without the post-quantum track");
  } else {
    status = "Accepted";  // Hybrid: a classical station is served on the classical track alone
    event("csms-security", "PqcDowngradeAttempt", "classical station accepted (Hybrid mode)");
  }
  reply(f.id, Json{{"currentTime", rfc3339(now)}, {"interval", interval}, {"status", status}});
  record_.boot_status = status;
  save_station();
  event("boot", status, record_.firmware_version);
  if (status == "Accepted") {
    ++csms_.counters.boots_accepted;
    maybe_offer_firmware();
  } else if (status == "Rejected") {
    ++csms_.counters.boots_rejected;
  } else if (challenge_nonce_.empty()) {
    // The attestation challenge: a fresh nonce for this connection.
    challenge_nonce_.resize(32);
    if (host::system_random(challenge_nonce_) != Status::ok) throw std::runtime_error("no entropy");
    challenge_request_id_ = next_request_id_++;
    challenge_at_ = now;
    Json data{{"requestId", challenge_request_id_}, {"nonce", host::hex_encode(challenge_nonce_)}};
    send_call("DataTransfer",
              Json{{"vendorId", std::string(kVendorId)}, {"messageId", "AttestationChallenge"}, {"data", data}},
              [this, self = shared_from_this()](const Json& r) {
                if (optional_string(r, "status", 32).value_or("") != "Accepted")
                  csms_.log(id_ + ": the station did not take the attestation challenge");
              });
  }
}

void Session::on_data_transfer(const Frame& f) {
  const auto vendor = string_field(f.payload, "vendorId", limit::kVendorIdLength);
  if (vendor != kVendorId) return reply(f.id, Json{{"status", "UnknownVendorId"}});
  const auto message = optional_string(f.payload, "messageId", limit::kMessageId).value_or("");
  if (message != "AttestationEvidence") return reply(f.id, Json{{"status", "UnknownMessageId"}});
  const auto it = f.payload.find("data");
  if (it == f.payload.end() || !it->is_object()) throw RpcError("FormatViolation", "AttestationEvidence: data");
  on_evidence(f.id, *it);
}

// The evidence: the device certificate must chain to the fleet CA and name this station; the
// device is registered with the verifier on first sight; the EAT must carry this connection's
// binding nonce and pass the policy.
void Session::on_evidence(const std::string& call_id, const Json& data) {
  auto refuse = [this, call_id](const std::string& code, const std::string& why) {
    ++csms_.counters.attest_refused;
    attestation_failed_ = true;
    record_.attestation = code;
    save_station();
    event("csms-security", "AttestationFailed", code + ": " + why);
    csms_.log(id_ + ": attestation refused: " + code + ": " + why);
    reply(call_id, Json{{"status", "Rejected"}, {"data", Json{{"error", code}}}});
    send_call("TriggerMessage", Json{{"requestedMessage", "BootNotification"}});
  };
  const auto request_id = int_field(data, "requestId");
  if (challenge_nonce_.empty() || request_id != challenge_request_id_)
    return refuse("no_challenge", "no outstanding challenge with this requestId");
  const auto evidence = detail::unbase64(string_field(data, "evidence", 64 * 1024));
  if (!evidence) throw RpcError("PropertyConstraintViolation", "evidence is not base64");
  pki::Certificate cert;
  try {
    cert = pki::parse_certificate(pki::from_pem(string_field(data, "certificate", 32 * 1024), "CERTIFICATE"));
  } catch (const std::exception& e) {
    return refuse("certificate_invalid", e.what());
  }
  const auto now = unix_now();
  const auto chain = pki::validate_chain(cert, {}, csms_.engine->trust(), now, pki::mldsa_verify);
  if (!chain) return refuse("certificate_invalid", chain.reason);
  const std::string want_uri = std::string(service::kStationUriPrefix) + id_;
  if (std::find(cert.san_uris.begin(), cert.san_uris.end(), want_uri) == cert.san_uris.end())
    return refuse("certificate_invalid", "the device certificate does not name station " + id_);
  const std::string device_id = cert.subject.serial_number;
  const Bytes eat_nonce = detail::binding_nonce(challenge_nonce_, exporter_);
  challenge_nonce_.clear();  // single use
  record_.device_id = device_id;
  verifier::Device d;
  d.id = device_id;
  d.model = record_.model;
  d.sig_alg = std::string(pki::algorithm_name(cert.public_key_algorithm));
  d.public_key = cert.public_key;
  d.certificate = cert.der;
  d.not_after = cert.validity.not_after;
  d.registered_at = now;
  auto self = shared_from_this();
  auto& io = csms_.io;
  // On a worker: register (or check the registered key), store the nonce; then appraise.
  service::detail::Engine::Job job;
  job.run = [this, self, d, eat_nonce, call_id, refuse, evidence = *evidence, &io](service::detail::WorkerContext& ctx) {
    std::string problem;
    try {
      const auto known = ctx.store.device(d.id, false);
      if (!known) {
        ctx.store.put_device(d);
      } else if (known->public_key != d.public_key || known->revoked) {
        problem = known->revoked ? "device_revoked" : "key_mismatch";
      }
      if (problem.empty()) ctx.store.put_nonce(d.id, eat_nonce, unix_now() + 300, 8);
    } catch (const std::exception& e) {
      problem = std::string("store_unavailable: ") + e.what();
    }
    if (!problem.empty()) {
      asio::post(io, [self, refuse, problem] {
        (void)self;
        refuse(problem, "registration");
      });
      return;
    }
    const bool queued = csms_.engine->attest(
        std::string(evidence.begin(), evidence.end()), [this, self, call_id, refuse, &io](verifier::Outcome& o) {
          asio::post(io, [this, self, call_id, refuse, o] {
            if (o.rejected) return refuse(o.error, o.message);
            record_.attestation = o.status;
            if (o.status != "affirming") {
              ++csms_.counters.attest_refused;
              attestation_failed_ = true;
              event("csms-security", "AttestationFailed", o.status + ": " + o.claims.dump());
              csms_.log(id_ + ": attestation " + o.status + ": " + o.claims.dump());
            } else {
              ++csms_.counters.attest_affirming;
              attested_ = true;
              event("attestation", o.status, o.record.id);
            }
            save_station();
            reply(call_id, Json{{"status", "Accepted"},
                                {"data", Json{{"status", o.status}, {"result", detail::base64(o.record.ear)}}}});
            send_call("TriggerMessage", Json{{"requestedMessage", "BootNotification"}});
          });
        });
    if (!queued) asio::post(io, [self, refuse] {
      (void)self;
      refuse("overloaded", "the appraisal queue is full");
    });
  };
  // Every handler that comes back to the network thread holds the session (self): `refuse` uses it.
  job.fail = [self, refuse, &io](const std::string& why) {
    asio::post(io, [self, refuse, why] {
      (void)self;
      refuse("store_unavailable", why);
    });
  };
  if (!csms_.engine->run(std::move(job))) refuse("overloaded", "the worker queue is full");
}

// A02/A03: the classical CSR in `csr`, the ML-DSA CSR in customData.pqcCsr, bound by the hash of
// the ML-DSA key inside the classical CSR. The CAs decide every extension.
void Session::on_sign_certificate(const Frame& f) {
  const auto csr_pem = string_field(f.payload, "csr", limit::kCsr);
  const auto type = optional_string(f.payload, "certificateType", 32).value_or("ChargingStationCertificate");
  const Json* cd = our_custom_data(f.payload);
  std::string why;
  classical::Csr csr;
  std::optional<pki::CertificationRequest> pqc;
  try {
    if (type != "ChargingStationCertificate") throw pki::Error("only ChargingStationCertificate is issued here");
    csr = classical::parse_csr_pem(csr_pem);
    if (csr.common_name != id_) throw pki::Error("the CSR names " + csr.common_name + ", not " + id_);
    if (cd != nullptr && cd->contains("pqcCsr") && (*cd)["pqcCsr"].is_string()) {
      pqc = pki::parse_csr(pki::from_pem((*cd)["pqcCsr"].get<std::string>(), "CERTIFICATE REQUEST"));
      if (!pki::verify_csr(*pqc, pki::mldsa_verify)) throw pki::Error("the ML-DSA CSR's signature does not verify");
      if (csr.pqc_key_hash != detail::sha256(pqc->public_key))
        throw pki::Error("the classical CSR does not bind the ML-DSA key");
    } else if (csms_.cfg.mode == PqcMode::required) {
      throw pki::Error("no ML-DSA CSR (post-quantum track required)");
    }
  } catch (const std::exception& e) {
    why = e.what();
  }
  if (!why.empty()) {
    ++csms_.counters.certificates_refused;
    event("csms-security", "InvalidChargingStationCertificate", why);
    csms_.log(id_ + ": SignCertificate refused: " + why);
    return reply(f.id, Json{{"status", "Rejected"}, {"statusInfo", Json{{"reasonCode", "InvalidCSR"},
                                                                       {"additionalInfo", why.substr(0, 512)}}}});
  }
  reply(f.id, Json{{"status", "Accepted"}});
  // Issue both, the ML-DSA certificate naming the classical one (RFC 9763).
  const auto& cfg = csms_.cfg;
  const std::string leaf = csms_.classical_ca->issue_station_pem(csr, id_, "", static_cast<int>(cfg.certificate_days));
  Json req{{"certificateChain", leaf + csms_.classical_ca->certificate_pem()},
           {"certificateType", "ChargingStationCertificate"}};
  record_.classical_serial = host::hex_encode(classical::inspect_certificate_pem(leaf).serial);
  if (pqc) {
    pki::StationCertificateRequest r;
    r.station_id = id_;
    const auto now = unix_now();
    r.validity = {now - 60, now + cfg.certificate_days * 86400};
    r.related_certificate_der = classical::inspect_certificate_pem(leaf).der;
    const auto cert = pki::issue_station_certificate(*csms_.pqc_ca, *pqc, r);
    Json c = custom_data();
    c["pqcCertificateChain"] = pki::to_pem(cert.der, "CERTIFICATE") + pki::to_pem(csms_.pqc_ca->certificate().der, "CERTIFICATE");
    req["customData"] = c;
    record_.pqc_serial = host::hex_encode(cert.serial);
  }
  ++csms_.counters.certificates_issued;
  save_station();
  event("certificate", "Issued", record_.classical_serial + (pqc ? " + ML-DSA " + record_.pqc_serial : " (classical only)"));
  send_call("CertificateSigned", req, [this, self = shared_from_this()](const Json& r) {
    event("certificate", optional_string(r, "status", 16).value_or("?"), "CertificateSigned answer");
  });
}

bool Session::maybe_offer_firmware() {
  const auto& campaign = csms_.campaign;
  if (campaign.id == 0 || offered_campaign_ == campaign.id || record_.boot_status != "Accepted" ||
      record_.firmware_version == campaign.version)
    return false;
  offered_campaign_ = campaign.id;
  ++csms_.counters.firmware_offered;
  const auto port = csms_.acceptor.local_endpoint().port();
  const std::string host = csms_.acceptor.local_endpoint().address().to_string();
  Json fw{{"location", std::string(csms_.tls ? "https://" : "http://") + host + ":" + std::to_string(port) + "/firmware/" + campaign.name},
          {"retrieveDateTime", rfc3339(unix_now())},
          {"signingCertificate", csms_.firmware_signer_pem},
          {"signature", campaign.signature_b64}};
  Json cd = custom_data();
  cd["pqcImage"] = true;
  send_call("UpdateFirmware", Json{{"requestId", next_request_id_++}, {"firmware", fw}, {"customData", cd}},
            [this, self = shared_from_this()](const Json& r) {
              const auto s = optional_string(r, "status", 32).value_or("?");
              if (s != "Accepted") {
                ++csms_.counters.firmware_failed;
                event("firmware", s, "UpdateFirmware answer");
              }
            });
  return true;
}

void Session::on_firmware_status(const Frame& f) {
  const auto status = string_field(f.payload, "status", 32);
  reply(f.id, Json::object());
  event("firmware", status, "");
  if (status == "Installed") {
    ++csms_.counters.firmware_installed;
  } else if (status == "InvalidSignature" || status == "InstallVerificationFailed" || status == "DownloadFailed" ||
             status == "InstallationFailed") {
    ++csms_.counters.firmware_failed;
  }
}

// ---- The operator interface ------------------------------------------------------------------------
// Loopback HTTP with the fleet's admin token (Bearer), one request per connection. What an
// operator asks of a station is sent as the OCPP call the use case names, and the HTTP answer
// waits for the station's answer (M01-M06: InstallCertificate, GetInstalledCertificateIds,
// DeleteCertificate; TriggerMessage). PUT /admin/firmware starts a firmware campaign (L01).
struct Csms::Impl::AdminConn : std::enable_shared_from_this<Csms::Impl::AdminConn> {
  beast::tcp_stream stream;
  beast::flat_buffer buf;
  http::request_parser<http::string_body> parser;
  bool answered = false;
  explicit AdminConn(tcp::socket s) : stream(std::move(s)) {}
  // One answer per request; later ones (a station answering after the timeout) are dropped.
  void answer(http::status status, const Json& body) {
    if (answered) return;
    answered = true;
    auto res = std::make_shared<http::response<http::string_body>>(status, 11);
    res->set(http::field::content_type, "application/json");
    res->set(http::field::connection, "close");
    res->body() = body.dump() + "\n";
    res->prepare_payload();
    http::async_write(stream, *res, [self = shared_from_this(), res](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }
};

namespace {
// The largest admin request: a firmware image in base64 (images are bounded by the CSMS's
// 16 MiB firmware limit, base64 adds a third).
constexpr std::size_t kAdminBodyLimit = 24u << 20;
constexpr std::size_t kFirmwareImageLimit = 16u << 20;
constexpr auto kStationAnswerTimeout = std::chrono::seconds(30);

Json error_body(const std::string& why) { return Json{{"error", why}}; }
}  // namespace

void Csms::Impl::accept_admin() {
  admin_acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec) return;  // stopped
    serve_admin(std::make_shared<AdminConn>(std::move(socket)));
    accept_admin();
  });
}

void Csms::Impl::serve_admin(std::shared_ptr<AdminConn> c) {
  c->parser.body_limit(kAdminBodyLimit);
  c->stream.expires_after(std::chrono::seconds(30));
  http::async_read(c->stream, c->buf, c->parser, [this, c](beast::error_code ec, std::size_t) {
    if (ec) return c->answer(http::status::bad_request, error_body("unreadable request: " + ec.message()));
    c->stream.expires_never();
    const auto& req = c->parser.get();
    const auto header = std::string(req[http::field::authorization]);
    const std::string_view bearer = "Bearer ";
    const bool authorized =
        header.rfind(bearer, 0) == 0 &&
        detail::equal_secret(std::span(reinterpret_cast<const std::uint8_t*>(header.data()) + bearer.size(),
                                       header.size() - bearer.size()),
                             admin_token);
    if (!authorized) return c->answer(http::status::unauthorized, error_body("admin token required"));
    const std::string target(req.target());
    Json body = Json::object();
    if (!req.body().empty()) {
      body = Json::parse(req.body(), nullptr, false);
      if (body.is_discarded() || !body.is_object()) return c->answer(http::status::bad_request, error_body("the body is not a JSON object"));
    }
    if (req.method() == http::verb::get && target == "/admin/stations") {
      Json list = Json::array();
      for (const auto& [id, weak] : sessions)
        if (auto s = live_session(id)) list.push_back(s->describe());
      return c->answer(http::status::ok, Json{{"stations", list}});
    }
    if (req.method() == http::verb::put && target == "/admin/firmware") return admin_firmware(c, body);
    static constexpr std::string_view kPrefix = "/admin/stations/";
    if (req.method() == http::verb::post && target.rfind(kPrefix, 0) == 0) {
      const auto rest = target.substr(kPrefix.size());
      const auto slash = rest.find('/');
      if (slash != std::string::npos) return admin_station_call(c, rest.substr(0, slash), rest.substr(slash + 1), body);
    }
    c->answer(http::status::not_found, error_body("no such admin endpoint"));
  });
}

// POST /admin/stations/{id}/{operation}: checked here (an operator's mistake never reaches the
// station), sent, and the station's answer returned as {"station", "action", "answer"}.
void Csms::Impl::admin_station_call(std::shared_ptr<AdminConn> c, const std::string& id, const std::string& op,
                                    const Json& body) {
  auto session = live_session(id);
  if (!session) return c->answer(http::status::not_found, error_body("station " + id + " is not connected"));
  std::string action;
  Json payload;
  bool changes_trust = false;  // M-block changes of the station's trust anchors
  try {
    if (op == "install-certificate") {
      action = "InstallCertificate";
      changes_trust = true;
      const auto type = enum_field(body, "certificateType", {"V2GRootCertificate", "MORootCertificate",
                                                           "CSMSRootCertificate", "ManufacturerRootCertificate"});
      const auto pem = string_field(body, "certificate", limit::kCertificate);
      classical::inspect_certificate_pem(pem);  // throws on anything but a certificate
      payload = Json{{"certificateType", type}, {"certificate", pem}};
      if (const auto pqc = optional_string(body, "pqcCertificate", limit::kPqcCertificate)) {
        // The ML-DSA root travels in customData (docs/ocpp.md, "PQC roots"); the CSMS sends only
        // one the station would take.
        pki::Certificate root;
        if (const auto why = detail::pqc_root_problem(*pqc, unix_now(), root); !why.empty())
          throw RpcError("PropertyConstraintViolation", "pqcCertificate: " + why);
        Json cd = custom_data();
        cd["pqcCertificate"] = *pqc;
        payload["customData"] = cd;
      }
    } else if (op == "get-installed-certificate-ids") {
      action = "GetInstalledCertificateIds";
      payload = Json::object();
      if (const auto it = body.find("certificateType"); it != body.end()) {
        if (!it->is_array()) throw RpcError("TypeConstraintViolation", "certificateType: expected an array");
        for (const auto& t : *it)
          enum_field(Json{{"t", t}}, "t", {"V2GRootCertificate", "MORootCertificate", "CSMSRootCertificate",
                                           "V2GCertificateChain", "ManufacturerRootCertificate"});
        payload["certificateType"] = *it;
      }
    } else if (op == "delete-certificate") {
      action = "DeleteCertificate";
      changes_trust = true;
      // The certificate itself (the CSMS computes its CertificateHashData, roots being
      // self-issued) or the hash data as GetInstalledCertificateIds listed it.
      if (const auto pem = optional_string(body, "certificate", limit::kCertificate)) {
        const auto h = classical::certificate_hash_data(*pem, *pem);
        payload = Json{{"certificateHashData", Json{{"hashAlgorithm", "SHA256"},
                                                    {"issuerNameHash", h.issuer_name_hash},
                                                    {"issuerKeyHash", h.issuer_key_hash},
                                                    {"serialNumber", h.serial_number}}}};
      } else {
        const auto& h = object_field(body, "certificateHashData");
        enum_field(h, "hashAlgorithm", {"SHA256", "SHA384", "SHA512"});
        string_field(h, "issuerNameHash", 128);
        string_field(h, "issuerKeyHash", 128);
        string_field(h, "serialNumber", 40);
        payload = Json{{"certificateHashData", h}};
      }
    } else if (op == "trigger-message") {
      action = "TriggerMessage";
      payload = Json{{"requestedMessage", enum_field(body, "requestedMessage",
                                                     {"BootNotification", "Heartbeat", "StatusNotification",
                                                      "SignChargingStationCertificate", "FirmwareStatusNotification"})}};
    } else {
      return c->answer(http::status::not_found, error_body("no such station operation: " + op));
    }
  } catch (const std::exception& e) {
    return c->answer(http::status::bad_request, error_body(op + ": " + e.what()));
  }
  // M-block: trust anchors never change over security profile 1 (no transport security: anyone
  // on the path could install a root); the CSMS does not even send the call.
  if (changes_trust && session->security_profile() < 2) {
    session->event("csms-security", "CertificateOperationRefused", action + " over security profile 1");
    return c->answer(http::status::conflict,
                     error_body(action + " refused: station " + id + " is connected on security profile 1 "
                                "(certificate operations need TLS, profiles 2 and 3)"));
  }
  auto timer = std::make_shared<asio::steady_timer>(io, kStationAnswerTimeout);
  timer->async_wait([c, timer, id](beast::error_code ec) {
    if (!ec) c->answer(http::status::gateway_timeout, error_body("station " + id + " did not answer"));
  });
  session->send_call(
      action, payload,
      [this, c, timer, session, action](const Json& answer) {
        timer->cancel();
        session->event("admin", action, optional_string(answer, "status", 32).value_or("answered"));
        c->answer(http::status::ok, Json{{"station", session->id()}, {"action", action}, {"answer", answer}});
      },
      [c, timer, session, action](const std::string& why) {
        timer->cancel();
        session->event("admin", action, "error: " + why);
        c->answer(http::status::bad_gateway, error_body(action + ": " + why));
      });
}

// PUT /admin/firmware {"version", "name", "image" (base64 of a signed `pqcea image`)}: the new
// campaign replaces the old one and is offered at once to every connected Accepted station
// running another version, and to later boots.
void Csms::Impl::admin_firmware(std::shared_ptr<AdminConn> c, const Json& body) {
  std::optional<Bytes> image;
  std::string version, name;
  try {
    version = string_field(body, "version", limit::kFirmwareVersion);
    name = string_field(body, "name", 128);
    for (unsigned char ch : name)
      if (!std::isalnum(ch) && ch != '.' && ch != '-' && ch != '_') throw RpcError("PropertyConstraintViolation", "name: letters, digits, . - _ only");
    image = detail::unbase64(string_field(body, "image", kAdminBodyLimit));
    if (!image || image->empty() || image->size() > kFirmwareImageLimit)
      throw RpcError("PropertyConstraintViolation", "image: expected base64 of at most 16 MiB");
  } catch (const std::exception& e) {
    return c->answer(http::status::bad_request, error_body(std::string("firmware: ") + e.what()));
  }
  set_campaign(std::move(*image), name, version);
  long offered = 0;
  for (const auto& [id, weak] : sessions)
    if (auto s = live_session(id); s && s->maybe_offer_firmware()) ++offered;
  log("firmware campaign " + std::to_string(campaign.id) + ": " + name + " " + version + ", offered to " +
      std::to_string(offered) + " connected stations");
  c->answer(http::status::ok, Json{{"campaign", campaign.id}, {"version", version}, {"name", name}, {"offered", offered}});
}

void Csms::Impl::set_campaign(Bytes image, std::string name, std::string version) {
  const auto key = classical::EcKey::from_pem(service::detail::read_text(cfg.fleet / "firmware-signer.key.pem"));
  campaign.signature_b64 = detail::base64(key.sign_sha256(image));
  campaign.image = std::move(image);
  campaign.name = std::move(name);
  campaign.version = std::move(version);
  ++campaign.id;
}

// ---- Csms ------------------------------------------------------------------------------------------
Csms::Csms(CsmsConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Csms::~Csms() { stop(); }

void Csms::start() {
  auto& i = *impl_;
  const auto& cfg = i.cfg;
  // Profile 1 has no transport security at all: loopback only (tests, classical peers on the host).
  const auto colon = cfg.listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen " + cfg.listen + ": expected HOST:PORT");
  const auto address = asio::ip::make_address(cfg.listen.substr(0, colon));
  // Every station authenticates (HTTP Basic, or a client certificate on profile 3): what a
  // connection stores about a station must come from that station.
  if (cfg.station_password.empty() && cfg.tls_client_ca_file.empty())
    throw std::invalid_argument("stations must authenticate: give --password-file (profiles 1 and 2) or --tls-client-ca "
                                "(profile 3)");
  // The classical OCPP CA and firmware signer are made on first start (never replaced).
  classical::ensure_fleet_classical(cfg.fleet);
  const bool with_tls = !cfg.tls_cert_file.empty();
  if (!with_tls && !loopback(address))
    throw std::invalid_argument("--listen " + cfg.listen + ": security profile 1 (ws://) serves loopback only");
  if (with_tls) {
    // Profiles 2/3 (Part 2 A00): TLS 1.2 or later, post-quantum hybrid groups first; profile 3
    // requires a client certificate from --tls-client-ca.
    i.tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    SSL_CTX* ctx = i.tls->native_handle();
    SSL_CTX_set_min_proto_version(ctx, cfg.require_pqc_kex ? TLS1_3_VERSION : TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION);  // A00.FR.321
    i.tls->use_certificate_chain_file(cfg.tls_cert_file);
    i.tls->use_private_key_file(cfg.tls_key_file, asio::ssl::context::pem);
    if (!tls::set_groups(ctx, cfg.tls_groups)) throw std::invalid_argument("--tls-groups " + cfg.tls_groups + ": refused by OpenSSL");
    if (!cfg.tls_client_ca_file.empty()) {
      i.tls->load_verify_file(cfg.tls_client_ca_file);
      i.tls->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    }
  }
  const auto port = static_cast<std::uint16_t>(std::stoi(cfg.listen.substr(colon + 1)));

  service::load_fleet(cfg.fleet, i.service_cfg);
  i.service_cfg.db = cfg.db;
  i.service_cfg.workers = 1;
  i.service_cfg.quiet = true;
  i.service_cfg.max_batch = 16;
  i.engine = std::make_unique<service::detail::Engine>(i.service_cfg, i.metrics);
  i.engine->start();
  if (!cfg.policy_file.empty()) {
    const auto body = Json::parse(service::detail::read_text(cfg.policy_file), nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("document") || !body.contains("signature"))
      throw std::invalid_argument(cfg.policy_file + ": expected a signed policy (pqcea policy sign)");
    const auto sig = detail::unbase64(body["signature"].get<std::string>());
    if (!sig) throw std::invalid_argument(cfg.policy_file + ": signature is not base64");
    std::promise<std::string> done;
    service::detail::Engine::Job job;
    const std::string doc = body["document"].get<std::string>();
    job.run = [&](service::detail::WorkerContext& ctx) {
      try {
        i.engine->upload_policy(ctx.store, doc, *sig);
        done.set_value("");
      } catch (const std::exception& e) {
        done.set_value(e.what());
      }
    };
    job.fail = [&](const std::string& why) { done.set_value(why); };
    auto result = done.get_future();
    if (!i.engine->run(std::move(job))) throw std::runtime_error("engine queue full");
    if (const auto why = result.get(); !why.empty()) throw std::invalid_argument(cfg.policy_file + ": " + why);
  }
  i.pqc_ca.emplace(service::load_fleet_ca(cfg.fleet));
  i.classical_ca.emplace(classical::Ca::load(service::detail::read_text(cfg.fleet / "ocpp-ca.pem"),
                                             service::detail::read_text(cfg.fleet / "ocpp-ca.key.pem")));
  i.firmware_signer_pem = service::detail::read_text(cfg.fleet / "firmware-signer.pem");
  if (!cfg.firmware_image.empty()) {
    if (cfg.firmware_version.empty()) throw std::invalid_argument("--firmware-version is needed with --firmware");
    const auto text = service::detail::read_text(cfg.firmware_image);
    i.set_campaign(Bytes(text.begin(), text.end()), cfg.firmware_image.filename().string(), cfg.firmware_version);
  }
  tcp::endpoint ep(address, port);
  i.acceptor.open(ep.protocol());
  i.acceptor.set_option(asio::socket_base::reuse_address(true));
  i.acceptor.bind(ep);
  i.acceptor.listen();
  i.accept();
  if (!cfg.admin_listen.empty()) {
    const auto c2 = cfg.admin_listen.rfind(':');
    if (c2 == std::string::npos) throw std::invalid_argument("--admin-listen " + cfg.admin_listen + ": expected HOST:PORT");
    const auto admin_address = asio::ip::make_address(cfg.admin_listen.substr(0, c2));
    // The operator interface is plain HTTP: loopback only (an operator on another machine
    // reaches it through their own tunnel).
    if (!loopback(admin_address)) throw std::invalid_argument("--admin-listen " + cfg.admin_listen + ": loopback only");
    i.admin_token = service::read_token_file(cfg.fleet / "admin.token");
    tcp::endpoint aep(admin_address, static_cast<std::uint16_t>(std::stoi(cfg.admin_listen.substr(c2 + 1))));
    i.admin_acceptor.open(aep.protocol());
    i.admin_acceptor.set_option(asio::socket_base::reuse_address(true));
    i.admin_acceptor.bind(aep);
    i.admin_acceptor.listen();
    i.accept_admin();
  }
  i.thread = std::thread([&i] { i.io.run(); });
  i.started = true;
}

std::uint16_t Csms::port() const { return impl_->acceptor.local_endpoint().port(); }
std::uint16_t Csms::admin_port() const {
  return impl_->admin_acceptor.is_open() ? impl_->admin_acceptor.local_endpoint().port() : 0;
}

void Csms::run_until_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int sig = 0;
  sigwait(&set, &sig);
  stop();
}

void Csms::stop() {
  auto& i = *impl_;
  if (!i.started) return;
  i.started = false;
  asio::post(i.io, [&i] {
    beast::error_code ec;
    i.acceptor.close(ec);
    i.admin_acceptor.close(ec);
  });
  i.io.stop();
  if (i.thread.joinable()) i.thread.join();
  if (i.engine) i.engine->stop();
}

const CsmsCounters& Csms::counters() const { return impl_->counters; }

std::string Csms::summary() const {
  const auto& c = impl_->counters;
  std::ostringstream s;
  s << "csms: connections " << c.connections << ", boots accepted " << c.boots_accepted << ", rejected "
    << c.boots_rejected << "; attestations affirming " << c.attest_affirming << ", refused " << c.attest_refused
    << "; certificates issued " << c.certificates_issued << ", refused " << c.certificates_refused
    << "; firmware offered " << c.firmware_offered << ", installed " << c.firmware_installed << ", failed "
    << c.firmware_failed << "; security events " << c.security_events << "; protocol errors " << c.protocol_errors;
  return s.str();
}

}  // namespace pqcea::ocpp
