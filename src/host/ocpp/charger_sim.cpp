// The station simulator (`pqcea charger`, include/pqcea/host/ocpp/csms.hpp): N stations of the
// station library on one network thread, each a real WebSocket client of the CSMS, with its own
// ML-DSA-87 device key, factory certificate (fleet CA) and firmware payload. Only the hardware
// is simulated: evidence, CSRs, certificate checks and image checks are the product's own.
#include <chrono>
#include <deque>
#include <iostream>
#include <sstream>
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "internal.hpp"
#include "ocpp_internal.hpp"
#include "pqcea/boot/manifest.hpp"
#include "pqcea/host/classical_pki.hpp"
#include "pqcea/host/device_client.hpp"
#include "pqcea/host/device_sim.hpp"
#include "pqcea/host/ocpp/csms.hpp"
#include "pqcea/host/tls_groups.hpp"

namespace pqcea::ocpp {

namespace classical = pki::classical;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

std::string ChargerReport::line() const {
  std::ostringstream s;
  s << "charger: stations " << stations << ", accepted " << accepted << ", refused " << refused << ", attested "
    << attested << ", certificates " << certificates << ", firmware updated " << firmware_updated << ", lost: " << lost;
  return s.str();
}

namespace {

std::int64_t now_s() { return service::detail::unix_now(); }

struct Url {
  std::string host, port, path;
  bool tls = false;
};
Url parse_ws_url(const std::string& url) {
  const bool tls = url.rfind("wss://", 0) == 0;
  if (!tls && url.rfind("ws://", 0) != 0) throw std::invalid_argument("--csms " + url + ": expected ws://HOST:PORT/PATH or wss://...");
  const auto rest = url.substr(tls ? 6 : 5);
  const auto slash = rest.find('/');
  const auto hostport = rest.substr(0, slash);
  const auto colon = hostport.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--csms " + url + ": no port");
  Url u{hostport.substr(0, colon), hostport.substr(colon + 1), slash == std::string::npos ? "/" : rest.substr(slash), tls};
  if (u.path.back() != '/') u.path += '/';
  return u;
}

// A blocking GET of an http:// or https:// URL (the firmware file); nullopt on any failure. `tls`
// is the station's TLS context (its trust anchors; and its client certificate on profile 3).
std::optional<Bytes> http_get(const std::string& url, asio::ssl::context* tls) {
  try {
    const bool https = url.rfind("https://", 0) == 0;
    if (!https && url.rfind("http://", 0) != 0) return std::nullopt;
    if (https && tls == nullptr) return std::nullopt;
    const auto rest = url.substr(https ? 8 : 7);
    const auto slash = rest.find('/');
    const auto hostport = rest.substr(0, slash);
    const auto colon = hostport.rfind(':');
    asio::io_context io;
    tcp::resolver resolver(io);
    http::request<http::empty_body> req(http::verb::get, slash == std::string::npos ? "/" : rest.substr(slash), 11);
    req.set(http::field::host, hostport);
    beast::flat_buffer buf;
    http::response_parser<http::vector_body<std::uint8_t>> parser;
    parser.body_limit(64u << 20);
    const auto endpoints = resolver.resolve(hostport.substr(0, colon), hostport.substr(colon + 1));
    if (https) {
      beast::ssl_stream<beast::tcp_stream> stream(io, *tls);
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(20));
      beast::get_lowest_layer(stream).connect(endpoints);
      stream.handshake(asio::ssl::stream_base::client);
      http::write(stream, req);
      http::read(stream, buf, parser);
    } else {
      beast::tcp_stream stream(io);
      stream.expires_after(std::chrono::seconds(20));
      stream.connect(endpoints);
      http::write(stream, req);
      http::read(stream, buf, parser);
    }
    if (parser.get().result() != http::status::ok) return std::nullopt;
    return std::move(parser.get().body());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The station's TLS: trust --tls-ca, hybrid groups first; on profile 3 `client` (the station's
// classical certificate and key) as the client certificate.
std::unique_ptr<asio::ssl::context> station_tls(const ChargerConfig& cfg, const StationCertificates* client) {
  auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX* ctx = tls->native_handle();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (!tls::set_groups(ctx, cfg.tls_groups)) throw std::invalid_argument("--tls-groups " + cfg.tls_groups + ": refused by OpenSSL");
  if (cfg.tls_ca.empty()) throw std::invalid_argument("wss:// needs --tls-ca (the CSMS certificate to trust)");
  tls->load_verify_file(cfg.tls_ca.string());
  tls->set_verify_mode(asio::ssl::verify_peer);
  if (client != nullptr) {
    tls->use_certificate_chain(asio::buffer(client->classical_pem));
    tls->use_private_key(asio::buffer(client->classical_key_pem), asio::ssl::context::pem);
  }
  return tls;
}

struct SimStation : StationPorts {
  asio::io_context& io;
  const Url& url;
  const ChargerConfig& cfg;
  sim::Device device;
  sim::Firmware fw;
  sim::KeyPair forger;  // used instead of the device key by a planted forger
  bool forged = false;
  std::string certificate_pem;
  Bytes payload;
  std::unique_ptr<Station> station;
  using PlainWs = websocket::stream<beast::tcp_stream>;
  using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
  std::unique_ptr<PlainWs> ws;       // profile 1
  std::unique_ptr<TlsWs> wss;        // profiles 2/3
  std::unique_ptr<asio::ssl::context> tls;  // the station's trust anchors and client certificate
  // Calls f with whichever WebSocket this station uses.
  template <class F>
  void with_ws(F&& f) {
    if (wss) {
      f(*wss);
    } else {
      f(*ws);
    }
  }
  beast::flat_buffer buffer;
  std::deque<std::string> queue;
  bool writing = false, open = false, reboot_pending = false;
  std::int64_t reconnect_at = 0;
  int charging_step = 0;  // 0 none, 1 started, 2 done

  std::string authorization;  // the Authorization header ("" = none)
  // Profile 3, A03: the connection being made presents a renewed certificate not yet confirmed by
  // an Accepted boot; if it fails, the station goes back to the previous one.
  bool trying_renewed = false;
  // Whether this station is to install a certificate: it has none, or its factory one expires
  // within --renew-days (the station library decides; this only tells the simulator to wait).
  bool renewal_expected = true;

  SimStation(asio::io_context& i, const Url& u, const ChargerConfig& c) : io(i), url(u), cfg(c) {}

  Bytes evidence(std::span<const std::uint8_t> eat_nonce) override {
    fw.version = station->config().firmware_version;
    fw.components = {{"app", detail::sha256_array(payload)}};
    device.fw = &fw;
    sim::EvidenceOptions opt;
    if (forged) opt.signing_key = &forger;
    return sim::build_evidence(device, eat_nonce, opt);
  }
  std::string device_certificate_pem() override { return certificate_pem; }
  void start_download(std::int64_t request_id, const std::string& location) override {
    // After the answer to UpdateFirmware has gone out.
    asio::post(io, [this, request_id, location] {
      station->download_done(request_id, http_get(location, tls.get()), now_s());
      flush();
    });
  }
  void reboot_into(const Bytes& image_payload, const std::string&) override {
    payload = image_payload;
    reboot_pending = true;
  }

  void connect() {
    if (url.tls) {
      // On profile 3 a fresh context per connection, presenting the station's current certificate;
      // otherwise the one context (trust anchors only) serves every connection.
      wss.reset();
      if (!tls || cfg.client_certificates)
        tls = station_tls(cfg, cfg.client_certificates ? &station->certificates() : nullptr);
      wss = std::make_unique<TlsWs>(io, *tls);
    } else {
      ws = std::make_unique<PlainWs>(io);
    }
    auto resolver = std::make_shared<tcp::resolver>(io);
    resolver->async_resolve(url.host, url.port, [this, resolver](beast::error_code ec, tcp::resolver::results_type r) {
      if (ec) return retry("resolve: " + ec.message());
      with_ws([&](auto& w) {
        beast::get_lowest_layer(w).expires_after(std::chrono::seconds(10));
        beast::get_lowest_layer(w).async_connect(r, [this](beast::error_code ec2, const tcp::endpoint&) {
          if (ec2) return retry("connect: " + ec2.message());
          if (!wss) return upgrade({});
          wss->next_layer().async_handshake(asio::ssl::stream_base::client, [this](beast::error_code ec3) {
            if (ec3) return retry("TLS handshake: " + ec3.message());
            upgrade(detail::tls_exporter(wss->next_layer().native_handle()));
          });
        });
      });
    });
  }
  // The WebSocket upgrade on the open connection (TCP, or TLS after its handshake).
  void upgrade(Bytes exporter) {
    with_ws([&](auto& w) {
      beast::get_lowest_layer(w).expires_never();
      w.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
      w.set_option(websocket::stream_base::decorator([auth = authorization](websocket::request_type& req) {
        req.set(http::field::sec_websocket_protocol, std::string(kSubprotocol));
        if (!auth.empty()) req.set(http::field::authorization, auth);
      }));
      w.read_message_max(kMaxFrameBytes);
      w.async_handshake(url.host + ":" + url.port, url.path + station->config().station_id,
                        [this, exporter](beast::error_code ec) {
                          if (ec) return retry("WebSocket upgrade: " + ec.message());
                          open = true;
                          station->connected(now_s(), exporter);
                          flush();
                          read();
                        });
    });
  }
  void retry(const std::string& why) {
    open = false;
    if (trying_renewed && station->certificate_unconfirmed()) {
      // A03: the old certificate was kept for this; the station reports it once booted again.
      std::cerr << "charger: " << station->config().station_id << ": the renewed certificate failed (" << why
                << "); back to the previous one\n";
      station->certificate_unusable(why);
    }
    trying_renewed = false;
    reconnect_at = now_s() + 1;
  }
  // Profile 3, A03: once the station installed a renewed certificate and nothing is in flight,
  // the connection is closed and made again presenting the new certificate.
  void reconnect_with_renewed_certificate() {
    if (!station->certificate_unconfirmed()) trying_renewed = false;
    if (!cfg.client_certificates || !open || trying_renewed || !station->certificate_unconfirmed()) return;
    if (station->busy() || !queue.empty() || writing || reboot_pending) return;
    trying_renewed = true;
    open = false;
    station->disconnected();
    close_socket();
    reconnect_at = now_s() + 1;
  }
  void read() {
    with_ws([&](auto& w) { w.async_read(buffer, [this](beast::error_code ec, std::size_t) {
      if (ec) {
        if (open) {
          open = false;
          station->disconnected();
          reconnect_at = now_s() + 1;
        }
        return;
      }
      const std::string text = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      station->received(text, now_s());
      flush();
      read();
    }); });
  }
  void flush() {
    for (auto& f : station->take_outgoing()) queue.push_back(std::move(f));
    if (!writing) write_next();
    if (reboot_pending && queue.empty() && !writing && !station->busy()) {
      // Restart into the new image once every status notification was answered (closing with
      // answers unread would reset the connection and the CSMS could lose the last frames): the
      // connection goes down, the station boots again.
      reboot_pending = false;
      open = false;
      station->disconnected();
      close_socket();
      reconnect_at = now_s() + 1;
    }
  }
  void write_next() {
    if (queue.empty() || !open) {
      writing = false;
      return;
    }
    writing = true;
    with_ws([&](auto& w) {
    w.text(true);
    w.async_write(asio::buffer(queue.front()), [this](beast::error_code ec, std::size_t) {
      writing = false;
      if (ec) return;
      queue.pop_front();
      write_next();
      if (queue.empty() && reboot_pending) flush();
    });
    });
  }
  void close_socket() {
    beast::error_code ignored;
    with_ws([&](auto& w) { beast::get_lowest_layer(w).socket().close(ignored); });
  }
};

}  // namespace

ChargerReport run_chargers(const ChargerConfig& cfg) {
  const Url url = parse_ws_url(cfg.csms_url);
  classical::ensure_fleet_classical(cfg.fleet);
  const auto ca = service::load_fleet_ca(cfg.fleet);
  std::optional<classical::Ca> classical_ca;
  if (cfg.client_certificates)
    classical_ca.emplace(classical::Ca::load(service::detail::read_text(cfg.fleet / "ocpp-ca.pem"),
                                             service::detail::read_text(cfg.fleet / "ocpp-ca.key.pem")));
  std::string classical_root;
  if (cfg.classical_roots.empty()) classical_root = service::detail::read_text(cfg.fleet / "ocpp-ca.pem");
  for (const auto& f : cfg.classical_roots) classical_root += service::detail::read_text(f);
  const std::string until = !cfg.until.empty() ? cfg.until : cfg.expect_firmware_version.empty() ? "certificate" : "firmware";
  if (until != "boot" && until != "certificate" && until != "firmware")
    throw std::invalid_argument("--until " + until + ": expected boot, certificate or firmware");
  const std::string pqc_root = service::detail::read_text(cfg.fleet / "ca.pem");
  const auto firmware_text = service::detail::read_text(cfg.firmware);
  const Bytes firmware(firmware_text.begin(), firmware_text.end());
  const auto image_pk_text = service::detail::read_text(cfg.image_public_key);
  std::array<std::uint8_t, 32> image_key_id{};
  boot::key_id_of(std::span(reinterpret_cast<const std::uint8_t*>(image_pk_text.data()), image_pk_text.size()),
                  image_key_id);
  if (cfg.bad_firmware + cfg.forged > cfg.stations) throw std::invalid_argument("more planted stations than stations");

  if (url.tls) station_tls(cfg, nullptr);  // refuses bad --tls-groups / a missing --tls-ca before any station starts
  asio::io_context io;
  std::vector<std::unique_ptr<SimStation>> sims;
  const auto now = now_s();
  for (std::size_t n = 0; n < cfg.stations; ++n) {
    auto s = std::make_unique<SimStation>(io, url, cfg);
    char id[32];
    std::snprintf(id, sizeof id, "%s%06zu", cfg.id_prefix.c_str(), n + 1);
    s->device.key = sim::KeyPair::generate();
    s->device.ueid = service::ueid_for_key(s->device.key.pk);
    s->device.id = service::device_id_for_key(s->device.key.pk);
    s->fw.model = cfg.model;
    s->fw.swname = "pqcea-charger";
    s->payload = firmware;
    // The planted faults, at the end of the list: a modified payload; evidence signed by another key.
    if (n >= cfg.stations - cfg.bad_firmware - cfg.forged && n < cfg.stations - cfg.forged) s->payload[0] ^= 1;
    if (n >= cfg.stations - cfg.forged) {
      s->forged = true;
      s->forger = sim::KeyPair::generate();
    }
    pki::DeviceRequest req;
    req.device_id = s->device.id;
    req.public_key = s->device.key.pk;
    req.validity = {now - 60, now + 365 * 86400};
    req.san_uri = std::string(service::kStationUriPrefix) + id;
    s->certificate_pem = pki::to_pem(ca.issue_device(req).der, "CERTIFICATE");
    StationConfig sc;
    sc.station_id = id;
    sc.model = cfg.model;
    sc.firmware_version = cfg.firmware_version;
    sc.mode = cfg.mode;
    sc.classical_root_pem = classical_root;
    sc.pqc_root_pem = pqc_root;
    sc.image_key_id = image_key_id;
    sc.renew_before_seconds = cfg.renew_days * 86400;
    sc.security_profile = url.tls ? (cfg.client_certificates ? 3 : 2) : 1;
    if (!cfg.password.empty()) {
      const std::string user_pass = std::string(id) + ":" + cfg.password;
      s->authorization = "Basic " + detail::base64(std::span(reinterpret_cast<const std::uint8_t*>(user_pass.data()), user_pass.size()));
    }
    s->station = std::make_unique<Station>(sc, *s);
    if (url.tls && cfg.client_certificates) {
      // Profile 3: a factory certificate with CN = station id from the classical fleet CA (the
      // production line's job), 365 days; the station holds it as its classical certificate and
      // renews it (A03) when it expires within --renew-days.
      const auto key = classical::EcKey::generate();
      const auto csr = classical::parse_csr_pem(classical::make_csr_pem(key, id, "PQCEA Charging", {}));
      StationCertificates factory;
      factory.classical_pem = classical_ca->issue_station_pem(csr, id, "", 365);
      factory.classical_key_pem = key.private_pem();
      factory.not_after = classical::inspect_certificate_pem(factory.classical_pem).not_after;
      s->renewal_expected = factory.not_after - now < sc.renew_before_seconds;
      s->station->set_certificates(std::move(factory));
    }
    sims.push_back(std::move(s));
  }
  for (auto& s : sims) s->connect();

  // Done: refused at boot, or accepted with its certificates and (when a campaign runs) the new
  // firmware installed, its charging session over and nothing in flight.
  auto done = [&](const SimStation& s) {
    const auto& st = s.station->status();
    if (st.boot == StationStatus::Boot::rejected && st.boots_rejected > 0 && !st.attested) return true;
    if (st.boot != StationStatus::Boot::accepted) return false;
    if (until != "boot" && s.renewal_expected && st.certificates_installed == 0) return false;
    // Profile 3: the renewed certificate must have carried an Accepted boot (A03).
    if (cfg.client_certificates && s.station->certificate_unconfirmed()) return false;
    if (until == "firmware" && s.station->config().firmware_version != cfg.expect_firmware_version) return false;
    if (cfg.charge && s.charging_step != 2) return false;
    return !s.station->busy() && !s.reboot_pending;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(cfg.timeout_seconds);
  asio::steady_timer timer(io);
  std::optional<std::chrono::steady_clock::time_point> all_done_at;
  std::function<void()> tick = [&] {
    const auto t = now_s();
    bool all = true;
    for (auto& s : sims) {
      if (!s->open && s->reconnect_at != 0 && t >= s->reconnect_at) {
        s->reconnect_at = 0;
        s->connect();
      }
      if (s->open) {
        s->station->tick(t);
        const auto& st = s->station->status();
        if (cfg.charge && st.boot == StationStatus::Boot::accepted && !s->station->busy()) {
          if (s->charging_step == 0) {
            s->station->start_transaction(t, "04E91C5A" + std::to_string(t % 100000));
            s->charging_step = 1;
          } else if (s->charging_step == 1) {
            s->station->stop_transaction(t);
            s->charging_step = 2;
          }
        }
        s->flush();
        s->reconnect_with_renewed_certificate();
      }
      if (!done(*s)) all = false;
    }
    // Done: the stations stay connected --hold seconds more (a peer may still call them).
    if (all && !all_done_at) all_done_at = std::chrono::steady_clock::now();
    const bool held = all_done_at && std::chrono::steady_clock::now() >= *all_done_at + std::chrono::seconds(cfg.hold_seconds);
    if (held || std::chrono::steady_clock::now() > deadline) {
      for (auto& s : sims)
        if (s->open) s->close_socket();
      io.stop();
      return;
    }
    timer.expires_after(std::chrono::milliseconds(200));
    timer.async_wait([&](beast::error_code) { tick(); });
  };
  timer.expires_after(std::chrono::milliseconds(200));
  timer.async_wait([&](beast::error_code) { tick(); });
  io.run();

  ChargerReport r;
  r.stations = sims.size();
  for (auto& s : sims) {
    const auto& st = s->station->status();
    const bool finished = done(*s);
    if (!finished) {
      ++r.lost;
      std::cerr << "charger: " << s->station->config().station_id << " did not finish (boot "
                << static_cast<int>(st.boot) << ", attestation '" << st.attestation_status << "', certificates "
                << st.certificates_installed << ", firmware " << s->station->config().firmware_version << ")\n";
      for (const auto& e : st.protocol_errors) std::cerr << "  " << e << "\n";
      continue;
    }
    if (st.boot == StationStatus::Boot::accepted) {
      ++r.accepted;
    } else {
      ++r.refused;
      if (!cfg.quiet)
        std::cerr << "charger: " << s->station->config().station_id << " refused (attestation '" << st.attestation_status
                  << "')\n";
    }
    if (st.attested) ++r.attested;
    if (st.certificates_installed > 0) ++r.certificates;
    if (st.firmware_installed > 0) ++r.firmware_updated;
  }
  return r;
}

}  // namespace pqcea::ocpp
