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
#include "pqcea/host/hex.hpp"
#include "pqcea/host/device_client.hpp"
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

// Many connections: raise the descriptor limit to what the system allows.
void raise_descriptor_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

std::vector<Target> resolve_targets(const std::vector<std::string>& urls) {
  std::vector<Target> targets;
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  for (const auto& t : urls) {
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
  return targets;
}

// One load run: the phases of the header comment, in order, each a member function.
class LoadRun {
 public:
  LoadRun(const LoadgenOptions& o, std::ostream& out)
      : o_(o), out_(out), targets_(resolve_targets(o.targets)),
        conns_(o.concurrency ? o.concurrency : o.devices),
        threads_(o.build_threads ? o.build_threads : std::max(1u, std::thread::hardware_concurrency())),
        admin_(read_token_file(o.fleet / "admin.token")),
        // Results are read back with the read-scope token when the fleet has one (least privilege).
        reader_(std::filesystem::exists(o.fleet / "read.token") ? read_token_file(o.fleet / "read.token") : admin_),
        m_(o.attestations), nonces_(m_), tokens_(m_), acks_(m_) {}

  int run() {
    announce();
    seed_ = run_seed();
    for (auto& fw : firmware_) fw.model = kModelPrefix + seed_.substr(0, 8) + "-" + fw.model;
    HttpClient client(targets_[0].base);
    refuse_production(client);
    // From here on whatever loadgen created is removed again, also when a phase fails.
    try {
      setup(client);
      collect_challenges();
      build_evidence();
      attest();
      check_replays();
      check_results();
    } catch (...) {
      try {
        clean_up(client);
      } catch (const std::exception& e) {
        out_ << "  clean-up failed: " << e.what() << "\n";
      }
      throw;
    }
    clean_up(client);
    return report();
  }

 private:
  const sim::Device& device_of(std::size_t i) const { return devices_[i % devices_.size()]; }
  bool tampered(std::size_t i) const { return o_.tamper_every != 0 && i % o_.tamper_every == o_.tamper_every - 1; }

  void announce() {
    out_ << "loadgen: " << o_.devices << " devices, " << o_.attestations << " attestations, " << conns_
         << " connections, "
         << (o_.rate > 0 ? "offered " + std::to_string(static_cast<long>(o_.rate)) + "/s" : "closed loop") << ", "
         << targets_.size() << " verifier(s):";
    for (const auto& t : targets_) out_ << " " << t.base;
    out_ << "\n" << std::flush;
  }

  // ---- setup: verifier key, signed policy, registered devices ---------------------------------
  void setup(HttpClient& client) {
    const auto t0 = Clock::now();
    fetch_verifier_key(client);
    const std::int64_t revision = upload_policy(client);
    register_devices();
    out_ << "  setup       " << o_.devices << " devices registered, policy revision " << revision << " ("
         << std::fixed << std::setprecision(1) << seconds_since(t0) << " s)\n" << std::flush;
  }

  void fetch_verifier_key(HttpClient& client) {
    auto r = client.request("GET", "/v1/verifier-key");
    if (r.status != 200) throw std::runtime_error("GET /v1/verifier-key: " + std::to_string(r.status) + " " + r.body);
    verifier_pk_ = detail::base64_decode(json::parse(r.body).at("public_key").get<std::string>()).value();
  }

  // loadgen's own namespace on a verifier: models named kModelPrefix + run seed + a demo model,
  // and devices of those models only. A server with any other device is someone's fleet:
  // refused unless the operator says otherwise (--i-know-this-is-production).
  void refuse_production(HttpClient& client) {
    std::string after;
    for (;;) {
      auto r = client.request("GET", "/v1/admin/devices?limit=1000" + (after.empty() ? "" : "&after=" + after), {},
                              "application/json", admin_);
      if (r.status != 200) throw std::runtime_error("GET /v1/admin/devices: " + std::to_string(r.status) + " " + r.body);
      const json page = json::parse(r.body);
      for (const auto& d : page.at("devices")) {
        const std::string model = d.at("model").get<std::string>();
        if (model.rfind(kModelPrefix, 0) == 0) continue;
        if (o_.production_ok) {
          out_ << "  warning     the verifier has devices of its own (e.g. " << d.at("device_id").get<std::string>()
               << ", model " << model << "); they and their policy are left as they are\n";
          return;
        }
        throw LoadgenRefused("the verifier at " + targets_[0].base + " has registered devices that are not loadgen's (" +
                             d.at("device_id").get<std::string>() + ", model " + model +
                             "); point loadgen at a test verifier, or pass --i-know-this-is-production");
      }
      if (page.at("next").is_null()) return;
      after = page.at("next").get<std::string>();
    }
  }

  // The operator's policy stays in force for its models: loadgen adds its own models to the
  // current document for the run, and puts the operator's document and signature back after it.
  std::int64_t upload_policy(HttpClient& client) {
    json doc = json::parse(sim::policy_json(firmware_));
    auto cur = client.request("GET", "/v1/admin/policy", {}, "application/json", admin_);
    if (cur.status == 200) {
      original_policy_ = json::parse(cur.body);
      json theirs = json::parse(original_policy_->at("document").get<std::string>());
      for (const auto& [name, model] : doc.at("models").items()) theirs["models"][name] = model;
      doc = std::move(theirs);
    } else if (cur.status != 503) {
      throw std::runtime_error("GET /v1/admin/policy: " + std::to_string(cur.status) + " " + cur.body);
    }
    const json body = signed_policy_body(doc.dump(2), *load_operator_signer(o_.fleet));
    auto r = client.request("PUT", "/v1/admin/policy", body.dump(), "application/json", admin_);
    if (r.status != 200) throw std::runtime_error("policy upload: " + std::to_string(r.status) + " " + r.body);
    return json::parse(r.body).at("revision").get<std::int64_t>();
  }

  // Deletes every device loadgen registered and restores the operator's policy document.
  void clean_up(HttpClient& client) {
    const auto t0 = Clock::now();
    std::size_t deleted = 0;
    for (const auto& d : devices_) {
      if (d.id.empty()) continue;
      auto r = client.request("DELETE", "/v1/admin/devices/" + d.id, {}, "application/json", admin_);
      if (r.status == 200) ++deleted;
      else if (r.status != 404) throw std::runtime_error("deleting " + d.id + ": " + std::to_string(r.status) + " " + r.body);
    }
    std::string policy = "loadgen's policy left (the verifier had none before)";
    if (original_policy_) {
      auto r = client.request("PUT", "/v1/admin/policy",
                              json{{"document", original_policy_->at("document")},
                                   {"signature", original_policy_->at("signature")}}.dump(),
                              "application/json", admin_);
      if (r.status != 200) throw std::runtime_error("restoring the policy: " + std::to_string(r.status) + " " + r.body);
      policy = "the operator's policy document restored";
    }
    out_ << "  clean-up    " << deleted << " devices deleted, " << policy << " (" << std::fixed << std::setprecision(1)
         << seconds_since(t0) << " s)\n" << std::flush;
  }

  // Device identities derive from the run seed, so a run can be repeated against the same fleet.
  std::string run_seed() const {
    if (!o_.seed.empty()) return o_.seed;
    std::array<std::uint8_t, 8> r{};
    if (host::system_random(r) != Status::ok) throw std::runtime_error("system entropy failed");
    return detail::hex_encode(r);
  }

  // Keys, certificates from the fleet CA and registration, two clients per build thread.
  void register_devices() {
    const std::string& seed_text = seed_;
    devices_.resize(o_.devices);
    const pki::CertificateAuthority ca = load_fleet_ca(o_.fleet);
    const std::int64_t now = detail::unix_now();
    std::vector<std::unique_ptr<HttpClient>> clients;
    for (unsigned t = 0; t < threads_ * 2; ++t)
      clients.push_back(std::make_unique<HttpClient>(targets_[t % targets_.size()].base));
    std::atomic<unsigned> next_client{0};
    thread_local HttpClient* mine = nullptr;
    parallel_for(o_.devices, threads_ * 2, [&](std::size_t i) {
      if (mine == nullptr) mine = clients[next_client++].get();
      sim::Device& d = devices_[i];
      d.fw = &firmware_[i % kFirmwareUsed];
      auto h = sim::sha256("pqcea loadgen " + seed_text + " device " + std::to_string(i));
      d.ueid.push_back(attest::kUeidRand);
      d.ueid.insert(d.ueid.end(), h.begin(), h.begin() + 16);
      d.id = host::device_id_for_ueid(d.ueid);
      d.key = sim::KeyPair::generate();
      pki::DeviceRequest req;
      req.device_id = d.id;
      req.public_key = d.key.pk;
      req.validity = {now - 60, now + 5 * 365 * 86400LL};
      pki::Certificate cert = ca.issue_device(req);
      auto r = mine->request("POST", "/v1/admin/devices",
                             json{{"certificate", pki::to_pem(cert.der, "CERTIFICATE")}, {"model", d.fw->model}}.dump(),
                             "application/json", admin_);
      if (r.status != 201) throw std::runtime_error("registering " + d.id + ": " + std::to_string(r.status) + " " + r.body);
    });
    mine = nullptr;
  }

  // ---- challenge (timed): one nonce per attestation --------------------------------------------
  void collect_challenges() {
    Latency latency;
    latency.samples.reserve(m_);
    const auto t0 = Clock::now();
    AsyncRun(
        targets_, m_, conns_,
        [&](std::size_t i, http::request<http::string_body>& req) {
          req.method(http::verb::post);
          req.target("/v1/challenge");
          req.set(http::field::content_type, "application/json");
          req.body() = "{\"device_id\":\"" + device_of(i).id + "\"}";
          return i % targets_.size();
        },
        [&](std::size_t i, int status, std::string& body, double s) {
          if (status == 200) {
            auto j = json::parse(body, nullptr, false);
            auto n = j.is_object() && j.contains("nonce") && j["nonce"].is_string()
                         ? detail::hex_decode(j["nonce"].get<std::string>())
                         : std::nullopt;
            if (n) {
              nonces_[i] = std::move(*n);
              latency.samples.push_back(s);
              return;
            }
          }
          ++challenge_errors_;
        })
        .run();
    const double secs = seconds_since(t0);
    out_ << "  challenge   " << m_ - challenge_errors_ << " nonces in " << std::setprecision(2) << secs << " s: "
         << std::setprecision(0) << static_cast<double>(m_ - challenge_errors_) / secs << "/s, p50 "
         << std::setprecision(1) << latency.percentile(0.5) * 1e3 << " ms, p99 " << latency.percentile(0.99) * 1e3
         << " ms, errors " << challenge_errors_ << "\n" << std::flush;
  }

  // ---- evidence (untimed: device work) ---------------------------------------------------------
  void build_evidence() {
    const auto t0 = Clock::now();
    parallel_for(m_, threads_, [&](std::size_t i) {
      if (nonces_[i].empty()) return;
      sim::EvidenceOptions eo;
      eo.tamper_app = tampered(i);
      Bytes t = sim::build_evidence(device_of(i), nonces_[i], eo);
      tokens_[i].assign(t.begin(), t.end());
    });
    out_ << "  evidence    " << m_ - challenge_errors_ << " COSE_Sign1 tokens built (ML-DSA-87, " << threads_
         << " threads, untimed): " << std::setprecision(1) << seconds_since(t0) << " s\n" << std::flush;
  }

  // The verifiers' CPU time (their /metrics): attestations per verifier CPU-second do not depend
  // on what else shares the machine. -1 when a verifier does not report it.
  double verifier_cpu() const {
    double sum = 0;
    for (const auto& t : targets_) {
      HttpClient c(t.base);
      auto r = c.request("GET", "/metrics");
      const auto pos = r.body.find("\nprocess_cpu_seconds_total ");
      if (r.status != 200 || pos == std::string::npos) return -1.0;
      sum += std::stod(r.body.substr(pos + 27));
    }
    return sum;
  }

  // The verdict a device's answer must carry: the planted one, for its own nonce.
  void record_ack(std::size_t i, const std::string& body) {
    auto j = json::parse(body, nullptr, false);
    Ack a;
    try {
      a.id = j.at("result_id").get<std::string>();
      a.status = j.at("status").get<std::string>();
      a.ear = j.at("ear").get<std::string>();
      a.nonce = j.at("nonce").get<std::string>();
    } catch (const std::exception&) {
      ++wrong_verdicts_;  // a 200 without a well-formed result
      return;
    }
    if (a.status != (tampered(i) ? "contraindicated" : "affirming") || a.nonce != detail::hex_encode(nonces_[i]))
      ++wrong_verdicts_;
    acks_[i] = std::move(a);
  }

  // ---- attest (timed: throughput, p50 / p99) -----------------------------------------------------
  void attest() {
    const double cpu_before = verifier_cpu();
    const auto t0 = Clock::now();
    AsyncRun(
        targets_, m_, conns_,
        [&](std::size_t i, http::request<http::string_body>& req) {
          req.method(http::verb::post);
          req.target("/v1/attest");
          req.set(http::field::content_type, "application/cose");
          req.body() = tokens_[i];
          return (i + 1) % targets_.size();  // another replica than the one that issued the nonce
        },
        [&](std::size_t i, int status, std::string& body, double s) {
          if (tokens_[i].empty()) return;
          ++attest_sent_;
          ++codes_[status];
          if (status == 0) return;
          attest_latency_.samples.push_back(s);
          if (status == 200) record_ack(i, body);
        },
        o_.rate)
        .run();
    attest_seconds_ = seconds_since(t0);
    cpu_used_ = cpu_before >= 0 ? verifier_cpu() - cpu_before : -1;
    for (const auto& a : acks_) acked_ += a.has_value();
    out_ << "  attest      " << acked_ << " acknowledged of " << attest_sent_ << " in " << std::setprecision(2)
         << attest_seconds_ << " s; responses:";
    for (const auto& [c, n] : codes_) out_ << " " << (c == 0 ? std::string("failed") : std::to_string(c)) << "=" << n;
    out_ << "\n" << std::flush;
  }

  // ---- replay: a few acknowledged tokens again must be refused (nonce_used) ----------------------
  void check_replays() {
    for (std::size_t i = 0; i < m_ && replays_ < 10; ++i) {
      if (!acks_[i]) continue;
      ++replays_;
      HttpClient c(targets_[i % targets_.size()].base);
      auto r = c.request("POST", "/v1/attest", tokens_[i], "application/cose");
      auto j = json::parse(r.body, nullptr, false);
      if (r.status == 409 && j.is_object() && j.value("error", "") == "nonce_used") ++replay_refused_;
    }
    out_ << "  replay      " << replay_refused_ << " of " << replays_ << " replayed tokens refused (nonce_used)\n";
  }

  // ---- check: every acknowledged result read back; a sample of EAR signatures verified -----------
  void check_results() {
    std::vector<std::size_t> acked_idx;
    for (std::size_t i = 0; i < m_; ++i)
      if (acks_[i]) acked_idx.push_back(i);
    std::atomic<std::size_t> missing{0}, differing{0};
    const auto t0 = Clock::now();
    AsyncRun(
        targets_, acked_idx.size(), std::min<std::size_t>(conns_, 64),
        [&](std::size_t k, http::request<http::string_body>& req) {
          req.method(http::verb::get);
          req.target("/v1/results/" + acks_[acked_idx[k]]->id);
          req.set(http::field::authorization, "Bearer " + reader_);  // reads need a credential
          return k % targets_.size();
        },
        [&](std::size_t k, int status, std::string& body, double) {
          const std::size_t i = acked_idx[k];
          if (status == 404) {
            ++missing;
            return;
          }
          auto j = json::parse(body, nullptr, false);
          if (status != 200 || !j.is_object() || j.value("ear", "") != acks_[i]->ear ||
              j.value("status", "") != acks_[i]->status || j.value("device_id", "") != device_of(i).id ||
              j.value("nonce", "") != acks_[i]->nonce)
            ++differing;
        })
        .run();
    std::size_t sig_checked = 0, sig_bad = 0;
    attest::MlDsa87CoseVerifier v87;
    for (std::size_t k = 0; k < acked_idx.size() && sig_checked < o_.check_signatures; ++k) {
      const Ack& a = *acks_[acked_idx[k]];
      ++sig_checked;
      try {
        json r = verifier::open_result(detail::base64_decode(a.ear).value(), v87, verifier_pk_);
        if (r.at("submods").at(device_of(acked_idx[k]).id).at("ear.status").get<std::string>() != a.status) ++sig_bad;
      } catch (const std::exception&) {
        ++sig_bad;
      }
    }
    lost_ = missing + differing + wrong_verdicts_ + sig_bad + (replays_ - replay_refused_);
    out_ << "  check       " << acked_idx.size() << " acknowledged results read back in " << std::setprecision(1)
         << seconds_since(t0) << " s: missing " << missing << ", different " << differing
         << "; verdicts other than planted " << wrong_verdicts_ << "; EAR signatures verified "
         << sig_checked - sig_bad << "/" << sig_checked << "\n";
  }

  // The closing lines; the exit status: 1 on any lost result, or on errors unless allowed.
  int report() {
    const std::size_t errors = (attest_sent_ - acked_) + challenge_errors_;
    if (cpu_used_ > 0)
      out_ << "  verifier    " << std::setprecision(1) << cpu_used_ << " CPU-seconds in the attest phase: "
           << std::setprecision(0) << static_cast<double>(acked_) / cpu_used_
           << " attestations per verifier CPU-second (" << std::setprecision(0)
           << 100.0 * cpu_used_ / attest_seconds_ << "% of one core on average)\n";
    out_ << "throughput: " << std::setprecision(0) << static_cast<double>(acked_) / attest_seconds_
         << " attestations/s\n";
    out_ << "latency: p50 " << std::setprecision(1) << attest_latency_.percentile(0.5) * 1e3 << " ms, p99 "
         << attest_latency_.percentile(0.99) * 1e3 << " ms\n";
    out_ << "errors: " << errors << "\n";
    out_ << "lost: " << lost_ << "\n";
    if (lost_ != 0) return 1;
    return errors != 0 && !o_.allow_errors ? 1 : 0;
  }

  static constexpr std::size_t kFirmwareUsed = 2;  // meter and charger (no TPM)
  static constexpr const char* kModelPrefix = "loadgen-";

  const LoadgenOptions& o_;
  std::ostream& out_;
  const std::vector<Target> targets_;
  const std::size_t conns_;
  const unsigned threads_;
  const std::string admin_, reader_;
  const std::size_t m_;
  std::vector<sim::Firmware> firmware_ = sim::reference_firmware();
  std::string seed_;
  std::optional<json> original_policy_;  // the operator's {document, signature, ...}, if there was one
  Bytes verifier_pk_;
  std::vector<sim::Device> devices_;
  std::vector<Bytes> nonces_;
  std::vector<std::string> tokens_;
  std::vector<std::optional<Ack>> acks_;
  std::size_t challenge_errors_ = 0, wrong_verdicts_ = 0, attest_sent_ = 0, acked_ = 0;
  std::size_t replays_ = 0, replay_refused_ = 0, lost_ = 0;
  std::map<int, std::size_t> codes_;
  Latency attest_latency_;
  double attest_seconds_ = 0, cpu_used_ = -1;
};

}  // namespace

int run_loadgen(const LoadgenOptions& o, std::ostream& out) {
  if (o.targets.empty()) throw std::runtime_error("at least one --target is needed");
  if (o.devices == 0 || o.attestations == 0) throw std::runtime_error("--devices and --attestations must be positive");
  raise_descriptor_limit();
  return LoadRun(o, out).run();
}

}  // namespace pqcea::service
