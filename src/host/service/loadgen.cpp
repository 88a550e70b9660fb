// `pqcea loadgen`: simulated devices against one or more verifier replicas over HTTP.
//
//   setup     fetch the verifier key, upload the signed policy, create N devices (ML-DSA-87 keys,
//             certificates from the fleet CA) and register them through the admin API;
//   challenge one nonce per attestation, C connections in flight (timed);
//   evidence  every token is built before the attest phase (ML-DSA-87 signing is device work,
//             and on a shared 2-core machine it would otherwise compete with the verifier);
//   attest    C connections in flight, each a simulated device sending its evidence (timed:
//             throughput, p50 / p99 latency);
//   replay    a few tokens sent again must be refused (nonce_used);
//   check     every acknowledged result is read back from the verifier (so from the database)
//             and compared byte for byte; a sample of EAR signatures is verified.
// The last line is "lost: K": acknowledged results missing or different in the database, plus
// verdicts other than the planted ones.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "internal.hpp"
#include "pqcea/attest/mldsa_cose.hpp"
#include "pqcea/attest/token.hpp"
#include "pqcea/host/device_sim.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/host/pki.hpp"
#include "pqcea/host/service.hpp"
#include "pqcea/host/verifier/appraisal.hpp"

namespace pqcea::service {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  std::string t = s.str();
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  return t;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

template <class F>
void parallel_for(std::size_t n, unsigned threads, F&& fn) {
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  std::exception_ptr error;
  std::mutex error_mu;
  for (unsigned t = 0; t < std::max(1u, threads); ++t)
    pool.emplace_back([&] {
      for (std::size_t i; (i = next++) < n;) {
        try {
          fn(i);
        } catch (...) {
          std::lock_guard<std::mutex> lock(error_mu);
          if (!error) error = std::current_exception();
          next = n;
        }
      }
    });
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

struct Target {
  std::string base;  // http://host:port
  std::string host, port;
  tcp::endpoint endpoint;
};

struct Latency {
  std::vector<double> samples;
  double percentile(double p) const {
    if (samples.empty()) return 0;
    std::vector<double> s = samples;
    const std::size_t k = std::min(s.size() - 1, static_cast<std::size_t>(p * static_cast<double>(s.size())));
    std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(k), s.end());
    return s[k];
  }
};

// Runs `count` requests over `conns` kept-alive connections; connection s sends requests s,
// s + conns, s + 2 conns, ... one after the other (a simulated device waits for its answer).
class AsyncRun {
 public:
  using Make = std::function<std::size_t(std::size_t i, http::request<http::string_body>& req)>;  // -> target
  using Done = std::function<void(std::size_t i, int status, std::string& body, double seconds)>;
  // rate > 0: open loop, request i is not sent before start + i / rate (devices attesting on a
  // schedule); 0: closed loop, each connection sends its next request as soon as it has an answer.
  AsyncRun(const std::vector<Target>& targets, std::size_t count, std::size_t conns, Make make, Done done,
           double rate = 0)
      : targets_(targets), count_(count), conns_(std::max<std::size_t>(1, std::min(conns, count))),
        make_(std::move(make)), done_(std::move(done)), rate_(rate) {}

  void run() {
    start_ = Clock::now();
    for (std::size_t s = 0; s < conns_; ++s) std::make_shared<Slot>(*this, s)->step();
    ioc_.run();
  }

 private:
  struct Slot : std::enable_shared_from_this<Slot> {
    Slot(AsyncRun& r, std::size_t first) : run(r), next(first), pace(r.ioc_) {}
    AsyncRun& run;
    std::size_t next, cur = 0, target = SIZE_MAX;
    net::steady_timer pace;
    std::optional<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    std::optional<http::response_parser<http::string_body>> parser;
    Clock::time_point t0;

    void step() {
      if (next >= run.count_) return;
      if (run.rate_ > 0) {
        const auto due = run.start_ + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(static_cast<double>(next) / run.rate_));
        if (due > Clock::now()) {
          pace.expires_at(due);
          return pace.async_wait([self = shared_from_this()](beast::error_code) { self->issue(); });
        }
      }
      issue();
    }
    void issue() {
      cur = next;
      next += run.conns_;
      req = {};
      const std::size_t t = run.make_(cur, req);
      req.version(11);
      req.set(http::field::host, run.targets_[t].host + ":" + run.targets_[t].port);
      req.keep_alive(true);
      req.prepare_payload();
      t0 = Clock::now();
      if (stream && t == target) return send();
      target = t;
      buffer.clear();
      stream.emplace(run.ioc_);
      stream->expires_after(std::chrono::seconds(30));
      stream->async_connect(run.targets_[t].endpoint, [self = shared_from_this()](beast::error_code ec) {
        if (ec) return self->fail();
        beast::error_code ignored;
        self->stream->socket().set_option(tcp::no_delay(true), ignored);
        self->send();
      });
    }
    void send() {
      stream->expires_after(std::chrono::seconds(60));
      http::async_write(*stream, req, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return self->fail();
        self->parser.emplace();
        self->parser->body_limit(16 * 1024 * 1024);
        http::async_read(*self->stream, self->buffer, *self->parser,
                         [self](beast::error_code rec, std::size_t) { self->on_read(rec); });
      });
    }
    void on_read(beast::error_code ec) {
      if (ec) return fail();
      auto& res = parser->get();
      const bool keep = res.keep_alive();
      run.done_(cur, static_cast<int>(res.result_int()), res.body(), seconds_since(t0));
      if (!keep) stream.reset();
      step();
    }
    // Connection refused or lost (e.g. the verifier was killed): the request counts as not
    // acknowledged, and the next one tries a fresh connection.
    void fail() {
      std::string empty;
      run.done_(cur, 0, empty, seconds_since(t0));
      stream.reset();
      step();
    }
  };

  net::io_context ioc_{1};
  const std::vector<Target>& targets_;
  std::size_t count_, conns_;
  Make make_;
  Done done_;
  double rate_;
  Clock::time_point start_;
};

struct Ack {
  std::string id;
  std::string status, ear, nonce;
};

}  // namespace

int run_loadgen(const LoadgenOptions& o, std::ostream& out) {
  if (o.targets.empty()) throw std::runtime_error("at least one --target is needed");
  if (o.devices == 0 || o.attestations == 0) throw std::runtime_error("--devices and --attestations must be positive");
  // Many connections: raise the descriptor limit to what the system allows.
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  const std::size_t conns = o.concurrency ? o.concurrency : o.devices;
  const unsigned threads = o.build_threads ? o.build_threads : std::max(1u, std::thread::hardware_concurrency());
  std::vector<Target> targets;
  {
    net::io_context ioc;
    tcp::resolver resolver(ioc);
    for (const auto& t : o.targets) {
      if (t.rfind("http://", 0) != 0)
        throw std::runtime_error("the load generator speaks plain HTTP (use http://HOST:PORT): " + t);
      std::string rest = t.substr(7);
      if (!rest.empty() && rest.back() == '/') rest.pop_back();
      const auto colon = rest.rfind(':');
      if (colon == std::string::npos) throw std::runtime_error("target needs a port: " + t);
      Target x{"http://" + rest, rest.substr(0, colon), rest.substr(colon + 1), {}};
      x.endpoint = *resolver.resolve(x.host, x.port).begin();
      targets.push_back(std::move(x));
    }
  }
  const std::string admin = read_text(o.fleet / "admin.token");
  out << "loadgen: " << o.devices << " devices, " << o.attestations << " attestations, " << conns
      << " connections, " << (o.rate > 0 ? "offered " + std::to_string(static_cast<long>(o.rate)) + "/s" : "closed loop")
      << ", " << targets.size() << " verifier(s):";
  for (const auto& t : targets) out << " " << t.base;
  out << "\n" << std::flush;

  // ---- setup ----------------------------------------------------------------------------------
  auto t_setup = Clock::now();
  HttpClient setup(targets[0].base);
  Bytes verifier_pk;
  {
    auto r = setup.request("GET", "/v1/verifier-key");
    if (r.status != 200) throw std::runtime_error("GET /v1/verifier-key: " + std::to_string(r.status) + " " + r.body);
    verifier_pk = detail::base64_decode(json::parse(r.body).at("public_key").get<std::string>()).value();
  }
  const std::vector<sim::Firmware> fws = sim::reference_firmware();
  const std::vector<sim::Firmware> used(fws.begin(), fws.begin() + 2);  // meter and charger (no TPM)
  std::int64_t revision = 0;
  {
    auto [alg, seed] = pki::decode_private_key_seed(pki::from_pem(read_text(o.fleet / "operator.key.pem"), "PRIVATE KEY"));
    auto signer = pki::mldsa_signer(alg, seed);
    const std::string doc = sim::policy_json(fws);
    Bytes sig = signer->sign(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(doc.data()), doc.size()));
    auto r = setup.request("PUT", "/v1/admin/policy", json{{"document", doc}, {"signature", detail::base64_encode(sig)}}.dump(),
                           "application/json", admin);
    if (r.status != 200) throw std::runtime_error("policy upload: " + std::to_string(r.status) + " " + r.body);
    revision = json::parse(r.body).at("revision").get<std::int64_t>();
  }
  std::string run_seed = o.seed;
  if (run_seed.empty()) {
    std::array<std::uint8_t, 8> r{};
    if (host::system_random(r) != Status::ok) throw std::runtime_error("system entropy failed");
    run_seed = detail::hex_encode(r);
  }
  std::vector<sim::Device> devices(o.devices);
  {
    auto [alg, seed] = pki::decode_private_key_seed(pki::from_pem(read_text(o.fleet / "ca.key.pem"), "PRIVATE KEY"));
    pki::CertificateAuthority ca(pki::parse_certificate(pki::from_pem(read_text(o.fleet / "ca.pem"), "CERTIFICATE")),
                                 pki::mldsa_signer(alg, seed));
    const std::int64_t now = detail::unix_now();
    std::atomic<std::size_t> registered{0};
    std::vector<std::unique_ptr<HttpClient>> clients;
    for (unsigned t = 0; t < threads * 2; ++t) clients.push_back(std::make_unique<HttpClient>(targets[t % targets.size()].base));
    std::atomic<unsigned> next_client{0};
    thread_local HttpClient* mine = nullptr;
    parallel_for(o.devices, threads * 2, [&](std::size_t i) {
      if (mine == nullptr) mine = clients[next_client++].get();
      sim::Device& d = devices[i];
      d.fw = &used[i % used.size()];
      auto h = sim::sha256("pqcea loadgen " + run_seed + " device " + std::to_string(i));
      d.ueid.push_back(attest::kUeidRand);
      d.ueid.insert(d.ueid.end(), h.begin(), h.begin() + 16);
      d.id = verifier::Appraiser::device_id_for_ueid(d.ueid);
      d.key = sim::KeyPair::generate();
      pki::DeviceRequest req;
      req.device_id = d.id;
      req.public_key = d.key.pk;
      req.validity = {now - 60, now + 5 * 365 * 86400LL};
      pki::Certificate cert = ca.issue_device(req);
      auto r = mine->request("POST", "/v1/admin/devices",
                             json{{"certificate", pki::to_pem(cert.der, "CERTIFICATE")}, {"model", d.fw->model}}.dump(),
                             "application/json", admin);
      if (r.status != 201) throw std::runtime_error("registering " + d.id + ": " + std::to_string(r.status) + " " + r.body);
      ++registered;
    });
    mine = nullptr;
    secure_wipe(seed.data(), seed.size());
  }
  out << "  setup       " << o.devices << " devices registered, policy revision " << revision << " ("
      << std::fixed << std::setprecision(1) << seconds_since(t_setup) << " s)\n" << std::flush;

  const std::size_t m = o.attestations;
  const std::size_t T = targets.size();
  auto device_of = [&](std::size_t i) -> const sim::Device& { return devices[i % devices.size()]; };
  auto tampered = [&](std::size_t i) { return o.tamper_every != 0 && i % o.tamper_every == o.tamper_every - 1; };

  // ---- challenges -----------------------------------------------------------------------------
  std::vector<Bytes> nonces(m);
  std::size_t challenge_errors = 0;
  Latency challenge_latency;
  challenge_latency.samples.reserve(m);
  auto t_ch = Clock::now();
  AsyncRun(
      targets, m, conns,
      [&](std::size_t i, http::request<http::string_body>& req) {
        req.method(http::verb::post);
        req.target("/v1/challenge");
        req.set(http::field::content_type, "application/json");
        req.body() = "{\"device_id\":\"" + device_of(i).id + "\"}";
        return i % T;
      },
      [&](std::size_t i, int status, std::string& body, double s) {
        if (status == 200) {
          auto j = json::parse(body, nullptr, false);
          auto n = j.is_object() && j.contains("nonce") && j["nonce"].is_string()
                       ? detail::hex_decode(j["nonce"].get<std::string>())
                       : std::nullopt;
          if (n) {
            nonces[i] = std::move(*n);
            challenge_latency.samples.push_back(s);
            return;
          }
        }
        ++challenge_errors;
      })
      .run();
  const double ch_s = seconds_since(t_ch);
  out << "  challenge   " << m - challenge_errors << " nonces in " << std::setprecision(2) << ch_s << " s: "
      << std::setprecision(0) << static_cast<double>(m - challenge_errors) / ch_s << "/s, p50 " << std::setprecision(1)
      << challenge_latency.percentile(0.5) * 1e3 << " ms, p99 " << challenge_latency.percentile(0.99) * 1e3
      << " ms, errors " << challenge_errors << "\n" << std::flush;

  // ---- evidence (untimed: device work) ---------------------------------------------------------
  auto t_ev = Clock::now();
  std::vector<std::string> tokens(m);
  parallel_for(m, threads, [&](std::size_t i) {
    if (nonces[i].empty()) return;
    sim::EvidenceOptions eo;
    eo.tamper_app = tampered(i);
    Bytes t = sim::build_evidence(device_of(i), nonces[i], eo);
    tokens[i].assign(t.begin(), t.end());
  });
  out << "  evidence    " << m - challenge_errors << " COSE_Sign1 tokens built (ML-DSA-87, " << threads
      << " threads, untimed): " << std::setprecision(1) << seconds_since(t_ev) << " s\n" << std::flush;

  // The verifiers' CPU time (their /metrics): attestations per verifier CPU-second do not depend
  // on what else shares the machine.
  auto verifier_cpu = [&]() {
    double sum = 0;
    for (const auto& t : targets) {
      HttpClient c(t.base);
      auto r = c.request("GET", "/metrics");
      const auto pos = r.body.find("\nprocess_cpu_seconds_total ");
      if (r.status != 200 || pos == std::string::npos) return -1.0;
      sum += std::stod(r.body.substr(pos + 27));
    }
    return sum;
  };

  // ---- attest (timed) --------------------------------------------------------------------------
  const double cpu_before = verifier_cpu();
  std::vector<std::optional<Ack>> acks(m);
  std::map<int, std::size_t> codes;
  std::size_t wrong_verdicts = 0, attest_sent = 0;
  Latency attest_latency;
  attest_latency.samples.reserve(m);
  auto t_at = Clock::now();
  AsyncRun(
      targets, m, conns,
      [&](std::size_t i, http::request<http::string_body>& req) {
        req.method(http::verb::post);
        req.target("/v1/attest");
        req.set(http::field::content_type, "application/cose");
        req.body() = tokens[i];
        return (i + 1) % T;  // another replica than the one that issued the nonce
      },
      [&](std::size_t i, int status, std::string& body, double s) {
        if (tokens[i].empty()) return;
        ++attest_sent;
        ++codes[status];
        if (status == 0) return;
        attest_latency.samples.push_back(s);
        if (status != 200) return;
        auto j = json::parse(body, nullptr, false);
        Ack a;
        try {
          a.id = j.at("result_id").get<std::string>();
          a.status = j.at("status").get<std::string>();
          a.ear = j.at("ear").get<std::string>();
          a.nonce = j.at("nonce").get<std::string>();
        } catch (const std::exception&) {
          ++wrong_verdicts;  // a 200 without a well-formed result
          return;
        }
        if (a.status != (tampered(i) ? "contraindicated" : "affirming") || a.nonce != detail::hex_encode(nonces[i]))
          ++wrong_verdicts;
        acks[i] = std::move(a);
      },
      o.rate)
      .run();
  const double at_s = seconds_since(t_at);
  const double cpu_used = cpu_before >= 0 ? verifier_cpu() - cpu_before : -1;
  std::size_t acked = 0;
  for (const auto& a : acks) acked += a.has_value();
  const double rate = static_cast<double>(acked) / at_s;
  out << "  attest      " << acked << " acknowledged of " << attest_sent << " in " << std::setprecision(2) << at_s
      << " s; responses:";
  for (const auto& [c, n] : codes) out << " " << (c == 0 ? std::string("failed") : std::to_string(c)) << "=" << n;
  out << "\n" << std::flush;

  // ---- replays must be refused ------------------------------------------------------------------
  std::size_t replays = 0, replay_refused = 0;
  for (std::size_t i = 0; i < m && replays < 10; ++i) {
    if (!acks[i]) continue;
    ++replays;
    HttpClient c(targets[i % T].base);
    auto r = c.request("POST", "/v1/attest", tokens[i], "application/cose");
    auto j = json::parse(r.body, nullptr, false);
    if (r.status == 409 && j.is_object() && j.value("error", "") == "nonce_used") ++replay_refused;
  }
  out << "  replay      " << replay_refused << " of " << replays << " replayed tokens refused (nonce_used)\n";

  // ---- check every acknowledged result against the database -----------------------------------
  std::vector<std::size_t> acked_idx;
  for (std::size_t i = 0; i < m; ++i)
    if (acks[i]) acked_idx.push_back(i);
  std::atomic<std::size_t> missing{0}, differing{0};
  auto t_ck = Clock::now();
  AsyncRun(
      targets, acked_idx.size(), std::min<std::size_t>(conns, 64),
      [&](std::size_t k, http::request<http::string_body>& req) {
        req.method(http::verb::get);
        req.target("/v1/results/" + acks[acked_idx[k]]->id);
        req.set(http::field::authorization, "Bearer " + admin);  // reads need a credential
        return k % T;
      },
      [&](std::size_t k, int status, std::string& body, double) {
        const std::size_t i = acked_idx[k];
        if (status == 404) {
          ++missing;
          return;
        }
        auto j = json::parse(body, nullptr, false);
        if (status != 200 || !j.is_object() || j.value("ear", "") != acks[i]->ear ||
            j.value("status", "") != acks[i]->status || j.value("device_id", "") != device_of(i).id ||
            j.value("nonce", "") != acks[i]->nonce)
          ++differing;
      })
      .run();
  // The signature of a sample of results, with the verifier's public key.
  std::size_t sig_checked = 0, sig_bad = 0;
  attest::MlDsa87CoseVerifier v87;
  for (std::size_t k = 0; k < acked_idx.size() && sig_checked < o.check_signatures; ++k) {
    const Ack& a = *acks[acked_idx[k]];
    ++sig_checked;
    try {
      json r = verifier::open_result(detail::base64_decode(a.ear).value(), v87, verifier_pk);
      if (r.at("submods").at(device_of(acked_idx[k]).id).at("ear.status").get<std::string>() != a.status) ++sig_bad;
    } catch (const std::exception&) {
      ++sig_bad;
    }
  }
  const std::size_t lost = missing + differing + wrong_verdicts + sig_bad + (replays - replay_refused);
  out << "  check       " << acked_idx.size() << " acknowledged results read back in " << std::setprecision(1)
      << seconds_since(t_ck) << " s: missing " << missing << ", different " << differing << "; verdicts other than planted "
      << wrong_verdicts << "; EAR signatures verified " << sig_checked - sig_bad << "/" << sig_checked << "\n";
  const std::size_t errors = (attest_sent - acked) + challenge_errors;
  if (cpu_used > 0)
    out << "  verifier    " << std::setprecision(1) << cpu_used << " CPU-seconds in the attest phase: "
        << std::setprecision(0) << static_cast<double>(acked) / cpu_used << " attestations per verifier CPU-second ("
        << std::setprecision(0) << 100.0 * cpu_used / at_s << "% of one core on average)\n";
  out << "throughput: " << std::setprecision(0) << rate << " attestations/s\n";
  out << "latency: p50 " << std::setprecision(1) << attest_latency.percentile(0.5) * 1e3 << " ms, p99 "
      << attest_latency.percentile(0.99) * 1e3 << " ms\n";
  out << "errors: " << errors << "\n";
  out << "lost: " << lost << "\n";
  if (lost != 0) return 1;
  return errors != 0 && !o.allow_errors ? 1 : 0;
}

}  // namespace pqcea::service
