#include "api.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <iostream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "pqcea/host/pki.hpp"

namespace pqcea::service::detail {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

Response json_ok(int status, const json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);  // client strings may be bad UTF-8
  return r;
}

// The fixed message of each error code: it says what was refused, never how (details such as
// parser positions, validation reasons and exception or database text go to the server log).
std::string_view message_for(std::string_view code) {
  static const std::unordered_map<std::string_view, std::string_view> kMessages = {
      {"method_not_allowed", "method not allowed on this path"},
      {"not_found", "no such endpoint"},
      {"unsupported_media_type", "unsupported content type"},
      {"malformed_json", "the body is not a JSON object"},
      {"bad_request", "a required field is missing or has the wrong type"},
      {"bad_device_id", "device ids are 1-128 characters [A-Za-z0-9._-]"},
      {"bad_result_id", "result ids are 32 lower-case hex characters"},
      {"bad_query", "the query string allows only after=<device id> and limit=1..1000"},
      {"malformed_base64", "a base64 field is not valid base64"},
      {"unauthorized", "a valid bearer token is required"},
      {"rate_limited", "too many requests, retry later"},
      {"overloaded", "too many requests waiting, retry later"},
      {"store_unavailable", "the database is unavailable, retry later"},
      {"internal_error", "internal error"},
      {"no_policy", "no reference values uploaded yet"},
      {"token_too_large", "the evidence is too large"},
      {"malformed_token", "the evidence is not a COSE_Sign1 EAT of this profile"},
      {"malformed_claims", "the evidence's claims are out of profile"},
      {"unsupported_algorithm", "the evidence must be signed with ML-DSA"},
      {"signature_invalid", "the evidence does not verify under the registered key"},
      {"device_revoked", "the device is revoked"},
      {"unknown_device", "no such device"},
      {"unknown_result", "no such result"},
      {"nonce_used", "the nonce was used already"},
      {"nonce_expired", "the nonce expired"},
      {"nonce_unknown", "the nonce was not issued by this verifier"},
      {"nonce_wrong_device", "the nonce was issued to another device"},
      {"nonce_invalid", "the nonce is not usable"},
      {"malformed_certificate", "the certificate is not valid PEM or DER"},
      {"certificate_invalid", "the certificate does not validate against the fleet CA"},
      {"device_exists", "the device is already registered"},
      {"policy_signature_invalid", "the signature does not verify under the operator key"},
      {"policy_invalid", "the policy document is not valid"},
  };
  auto it = kMessages.find(code);
  return it == kMessages.end() ? std::string_view("request refused") : it->second;
}

Response error(int status, std::string_view code) { return json_error(status, code, message_for(code)); }

Response method_not_allowed(std::string allow) {
  Response r = error(405, "method_not_allowed");
  r.allow = std::move(allow);
  return r;
}

Response rate_limited(int retry_after) {
  Response r = error(429, "rate_limited");
  r.retry_after = retry_after;
  return r;
}

bool is_result_id(std::string_view id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// Constant time in the token's contents (the length is not secret).
bool token_equals(std::string_view presented, const std::string& expected) {
  if (expected.empty()) return false;
  unsigned diff = presented.size() == expected.size() ? 0u : 1u;
  for (std::size_t i = 0; i < expected.size(); ++i)
    diff |= static_cast<unsigned>(static_cast<unsigned char>(i < presented.size() ? presented[i] : 0) ^
                                  static_cast<unsigned char>(expected[i]));
  return diff == 0;
}

// The credentials of an Authorization header: "Bearer <token>", the scheme matched
// case-insensitively (RFC 7235 §2.1). Empty when the header is absent or another scheme.
std::string_view bearer_token(std::string_view a) {
  constexpr std::string_view kScheme = "bearer";
  if (a.size() <= kScheme.size() || (a[kScheme.size()] != ' ' && a[kScheme.size()] != '\t')) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != kScheme[i]) return {};
  a.remove_prefix(kScheme.size());
  while (!a.empty() && (a.front() == ' ' || a.front() == '\t')) a.remove_prefix(1);
  while (!a.empty() && (a.back() == ' ' || a.back() == '\t')) a.remove_suffix(1);
  return a;
}

// Device ids: the verifier's hex UEIDs, or operator-chosen names; a bounded, URL-safe alphabet.
bool valid_device_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.'))
      return false;
  return true;
}

// Parses a JSON object body; on failure answers 400/415 and returns nullopt.
std::optional<json> object_body(const Request& req, Reply& reply) {
  if (req.content_type != "application/json") {
    reply(error(415, "unsupported_media_type"));
    return std::nullopt;
  }
  json j = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    reply(error(400, "malformed_json"));
    return std::nullopt;
  }
  return j;
}

// A required string field; answers 400 and returns nullopt when absent or not a string.
std::optional<std::string> string_field(const json& j, const char* name, Reply& reply) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) {
    reply(error(400, "bad_request"));
    return std::nullopt;
  }
  return it->get<std::string>();
}

json result_json(const verifier::ResultRecord& r) {
  json claims = json::parse(r.detail, nullptr, false);
  return {{"result_id", r.id},
          {"device_id", r.device_id},
          {"status", r.status},
          {"claims", claims.is_discarded() ? json(r.detail) : claims},
          {"created_at", r.created_at},
          {"nonce", hex_encode(r.nonce)},
          {"ear", base64_encode(r.ear)}};
}

// Whether `method` is one of the comma-separated methods of `allow` ("GET, POST").
bool method_in(std::string_view method, std::string_view allow) {
  while (!allow.empty()) {
    const auto comma = allow.find(',');
    if (allow.substr(0, comma) == method) return true;
    if (comma == std::string_view::npos) break;
    allow.remove_prefix(comma + 1);
    while (!allow.empty() && allow.front() == ' ') allow.remove_prefix(1);
  }
  return false;
}

// A device's registry entry, as GET /v1/devices/{id} and the admin list show it.
json registry_json(const verifier::Device& d) {
  return {{"device_id", d.id},
          {"model", d.model},
          {"sig_alg", d.sig_alg},
          {"status", d.revoked ? "revoked" : "active"},
          {"registered_at", d.registered_at},
          {"not_after", d.not_after}};
}

// The pattern of a path, for the metrics (bounded label values) and routing.
struct Route {
  std::string pattern;
  std::string id;  // the {id} segment, if any
};
Route route_of(std::string_view path) {
  auto starts = [&](std::string_view p) { return path.substr(0, p.size()) == p; };
  if (path == "/healthz" || path == "/metrics" || path == "/v1/challenge" || path == "/v1/attest" ||
      path == "/v1/verifier-key" || path == "/v1/admin/devices" || path == "/v1/admin/policy" ||
      path == "/v1/admin/security-events")
    return {std::string(path), ""};
  constexpr std::string_view kRevokeSuffix = "/revoke";
  if (starts("/v1/admin/devices/") && path.size() > kRevokeSuffix.size() &&
      path.substr(path.size() - kRevokeSuffix.size()) == kRevokeSuffix) {
    std::string_view id = path.substr(18, path.size() - 18 - kRevokeSuffix.size());
    if (id.find('/') == std::string_view::npos) return {"/v1/admin/devices/{id}/revoke", std::string(id)};
  }
  if (starts("/v1/admin/devices/") && path.find('/', 18) == std::string_view::npos)
    return {"/v1/admin/devices/{id}", std::string(path.substr(18))};
  if (starts("/v1/devices/") && path.find('/', 12) == std::string_view::npos)
    return {"/v1/devices/{id}", std::string(path.substr(12))};
  if (starts("/v1/results/") && path.find('/', 12) == std::string_view::npos)
    return {"/v1/results/{id}", std::string(path.substr(12))};
  return {"(unknown)", ""};
}

}  // namespace

TokenBuckets::TokenBuckets(double rate, double burst, std::size_t max_keys)
    : rate_(rate), burst_(std::max(1.0, burst)), max_keys_(max_keys) {}

int TokenBuckets::take(const std::string& key, Clock::time_point now) {
  if (rate_ <= 0) return 0;  // unlimited
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_ && now - last_prune_ >= std::chrono::seconds(1)) {
      last_prune_ = now;
      std::erase_if(buckets_, [&](const auto& kv) { return kv.second.full_at(now, rate_, burst_); });
    }
    if (buckets_.size() >= max_keys_) return static_cast<int>(std::ceil(burst_ / rate_));
    it = buckets_.emplace(key, TokenBucket{burst_, now}).first;
  }
  return it->second.take(now, rate_, burst_);
}

int status_for(std::string_view e) {
  if (e == "unknown_device" || e == "unknown_result") return 404;
  if (e == "device_revoked") return 403;
  if (e.substr(0, 6) == "nonce_") return 409;
  if (e == "token_too_large") return 413;
  if (e == "rate_limited") return 429;
  if (e == "no_policy" || e == "store_unavailable" || e == "overloaded") return 503;
  if (e == "internal_error" || e == "entropy_failure") return 500;
  return 400;  // malformed_token, malformed_claims, unsupported_algorithm, signature_invalid, ...
}

Api::Api(Engine& engine, Metrics& metrics, const Config& config)
    : engine_(engine),
      metrics_(metrics),
      config_(config),
      security_log_(config.security_log_size),
      device_buckets_(config.challenge_rate_device, config.challenge_burst_device),
      source_buckets_(config.challenge_rate_source, config.challenge_burst_source) {}

void Api::handle(Request req, Reply reply) {
  const std::string path = req.target.substr(0, req.target.find('?'));
  Route route = route_of(path);
  const Call call{new_request_id(), req.peer};
  // Every request is answered once, carries its request id, and is counted with its route
  // pattern, code and latency.
  struct Once {
    Reply reply;
    std::string route;
    std::string request_id;
    Metrics* metrics;
    Clock::time_point start = Clock::now();
    std::atomic<bool> done{false};
  };
  auto once = std::make_shared<Once>();
  once->reply = std::move(reply);
  once->route = route.pattern;
  once->request_id = call.request_id;
  once->metrics = &metrics_;
  Reply r = [once](Response res) {
    if (once->done.exchange(true)) return;
    stamp(res, once->request_id);
    once->metrics->request(once->route, res.status,
                           std::chrono::duration<double>(Clock::now() - once->start).count());
    once->reply(std::move(res));
  };

  const std::string& m = req.method;
  const std::string& p = route.pattern;
  if (p == "/v1/attest") {
    if (m != "POST") return r(method_not_allowed("POST"));
    return attest(call, req, std::move(r));
  }
  if (p == "/v1/challenge") {
    if (m != "POST") return r(method_not_allowed("POST"));
    return challenge(call, req, std::move(r));
  }
  if (p == "/healthz") {
    if (m != "GET") return r(method_not_allowed("GET"));
    return healthz(call, std::move(r));
  }
  if (p == "/metrics") {
    if (m != "GET") return r(method_not_allowed("GET"));
    Response res;
    res.content_type = "text/plain; version=0.0.4";
    res.body = metrics_.render();
    return r(std::move(res));
  }
  if (p == "/v1/verifier-key") {
    if (m != "GET") return r(method_not_allowed("GET"));
    return r(json_ok(200, {{"alg", "ML-DSA-87"},
                           {"cose_alg", cose::kAlgMlDsa87},
                           {"public_key", base64_encode(engine_.verifier_public_key())},
                           {"kid", hex_encode(engine_.verifier_kid())}}));
  }
  // Reads: the read or the admin token. Checked before the id is looked at, so that without
  // a credential every id gets the same 401 (no oracle of which ids exist).
  if (p == "/v1/devices/{id}" || p == "/v1/results/{id}") {
    if (m != "GET") return r(method_not_allowed("GET"));
    if (scope_of(call, req) == Scope::none) return r(error(401, "unauthorized"));
    if (p == "/v1/devices/{id}") return device(call, route.id, std::move(r));
    return result(call, route.id, std::move(r));
  }
  if (p == "/v1/admin/devices" || p == "/v1/admin/policy" || p == "/v1/admin/devices/{id}/revoke" ||
      p == "/v1/admin/devices/{id}" || p == "/v1/admin/security-events") {
    // The methods each admin path allows (the first is named in a 405's Allow header).
    const char* allow = p == "/v1/admin/devices"            ? "GET, POST"
                        : p == "/v1/admin/policy"           ? "GET, PUT"
                        : p == "/v1/admin/security-events"  ? "GET"
                        : p == "/v1/admin/devices/{id}"     ? "DELETE"
                                                            : "POST";
    if (!method_in(m, allow)) return r(method_not_allowed(allow));
    if (scope_of(call, req) != Scope::admin) return r(error(401, "unauthorized"));
    if (p == "/v1/admin/devices")
      return m == "GET" ? list_devices(call, req, std::move(r)) : register_device(call, req, std::move(r));
    if (p == "/v1/admin/policy") return m == "GET" ? current_policy(call, std::move(r)) : upload_policy(call, req, std::move(r));
    if (p == "/v1/admin/security-events") return security_events(std::move(r));
    if (p == "/v1/admin/devices/{id}") return delete_device(call, route.id, std::move(r));
    return revoke(call, route.id, std::move(r));
  }
  r(error(404, "not_found"));
}

Api::Scope Api::scope_of(const Call& call, const Request& req) {
  const std::string_view token = bearer_token(req.authorization);
  if (token.empty()) return Scope::none;
  // Both compared, whichever matches, so the time does not tell which token was close.
  const bool admin = token_equals(token, config_.admin_token);
  const bool read = token_equals(token, config_.read_token);
  if (admin) return Scope::admin;
  if (read) return Scope::read;
  security_event(call, "bad_token", "");
  return Scope::none;
}

void Api::security_event(const Call& call, std::string_view kind, const std::string& device_id) {
  metrics_.security_event(kind);
  security_log_.add({unix_now(), std::string(kind), call.peer, device_id, call.request_id});
  log(call, "security event " + std::string(kind) + " from " + (call.peer.empty() ? "?" : call.peer) +
                (device_id.empty() ? "" : " naming device " + device_id));
}

void Api::log(const Call& call, const std::string& text) const {
  if (config_.quiet) return;
  // One write per line, so that lines from several threads do not interleave.
  std::cerr << ("pqcea serve: [" + call.request_id + "] " + text + "\n") << std::flush;
}

void Api::job(const Call& call, Reply reply, std::function<void(WorkerContext&, Reply&)> fn) {
  auto shared = std::make_shared<Reply>(std::move(reply));
  Engine::Job j;
  j.run = [this, call, shared, fn = std::move(fn)](WorkerContext& ctx) {
    try {
      fn(ctx, *shared);
    } catch (const verifier::StoreError& e) {
      log(call, std::string("database error: ") + e.what());
      (*shared)(error(503, "store_unavailable"));
      throw;  // the worker reconnects
    } catch (const std::exception& e) {
      log(call, std::string("internal error: ") + e.what());
      (*shared)(error(500, "internal_error"));
    }
  };
  j.fail = [this, call, shared](const std::string& why) {
    log(call, "database unavailable: " + why);
    (*shared)(error(503, "store_unavailable"));
  };
  if (!engine_.run(std::move(j))) (*shared)(error(503, "overloaded"));
}

void Api::healthz(const Call& call, Reply reply) {
  job(call, std::move(reply), [this](WorkerContext& ctx, Reply& r) {
    const int schema = ctx.store.schema_version();
    auto pol = engine_.policy();
    r(json_ok(200, {{"status", "ok"}, {"schema_version", schema}, {"policy_revision", pol ? pol->revision : 0}}));
  });
}

void Api::challenge(const Call& call, const Request& req, Reply reply) {
  auto body = object_body(req, reply);
  if (!body) return;
  auto id = string_field(*body, "device_id", reply);
  if (!id) return;
  if (!valid_device_id(*id)) return reply(error(400, "bad_device_id"));
  // The source first (one client asking for many devices), then the device id asked for,
  // whether or not it exists (so a 429 does not tell either).
  int wait = source_buckets_.take(call.peer);
  if (wait == 0) wait = device_buckets_.take(*id);
  if (wait != 0) {
    security_event(call, "rate_limited_challenge", *id);
    return reply(rate_limited(wait));
  }
  job(call, std::move(reply), [this, call, id = *id](WorkerContext& ctx, Reply& r) {
    const std::int64_t now = unix_now();
    std::string why;
    auto nonce = ctx.appraiser.challenge(id, now, config_.nonce_ttl, &why);
    if (nonce.empty()) {
      log(call, "challenge failed: " + why);
      return r(error(500, "internal_error"));
    }
    r(json_ok(200, {{"device_id", id}, {"nonce", hex_encode(nonce)}, {"expires_at", now + config_.nonce_ttl}}));
  });
}

void Api::attest(const Call& call, Request& req, Reply reply) {
  std::string token;
  if (req.content_type == "application/cose" || req.content_type == "application/eat+cwt" ||
      req.content_type == "application/octet-stream") {
    token = std::move(req.body);
  } else if (req.content_type == "application/json") {
    auto body = object_body(req, reply);
    if (!body) return;
    auto b64 = string_field(*body, "evidence", reply);
    if (!b64) return;
    auto raw = base64_decode(*b64);
    if (!raw) return reply(error(400, "malformed_base64"));
    token.assign(raw->begin(), raw->end());
  } else {
    return reply(error(415, "unsupported_media_type"));
  }
  if (token.empty()) return reply(error(400, "malformed_token"));
  auto shared = std::make_shared<Reply>(std::move(reply));
  const bool queued = engine_.attest(std::move(token), [this, call, shared](verifier::Outcome& o) {
    if (!o.rejected) return (*shared)(json_ok(200, result_json(o.record)));
    if (o.error == "signature_invalid") security_event(call, "signature_invalid", o.device_id);
    // The engine's own failures carry exception or database text: the log gets it, not the client.
    if (o.error == "internal_error" || o.error == "store_unavailable") log(call, o.error + ": " + o.message);
    (*shared)(error(status_for(o.error), o.error));
  });
  if (!queued) (*shared)(error(503, "overloaded"));
}

void Api::device(const Call& call, const std::string& id, Reply reply) {
  if (!valid_device_id(id)) return reply(error(400, "bad_device_id"));
  job(call, std::move(reply), [id](WorkerContext& ctx, Reply& r) {
    auto d = ctx.store.device(id, /*with_certificate=*/false);
    if (!d) return r(error(404, "unknown_device"));
    json body = registry_json(*d);
    body["tpm"] = !d->tpm_ak.empty();
    body["last_result"] = nullptr;
    if (auto last = ctx.store.last_result(id)) body["last_result"] = result_json(*last);
    r(json_ok(200, body));
  });
}

void Api::result(const Call& call, const std::string& id, Reply reply) {
  if (!is_result_id(id)) return reply(error(400, "bad_result_id"));
  job(call, std::move(reply), [id](WorkerContext& ctx, Reply& r) {
    auto rec = ctx.store.result(id);
    if (!rec) return r(error(404, "unknown_result"));
    r(json_ok(200, result_json(*rec)));
  });
}

void Api::security_events(Reply reply) {
  json events = json::array();
  for (const auto& e : security_log_.snapshot())
    events.push_back({{"time", e.time},
                      {"kind", e.kind},
                      {"source", e.source},
                      {"device_id", e.device_id},
                      {"request_id", e.request_id}});
  reply(json_ok(200, {{"events", events}, {"total", security_log_.total()}}));
}

void Api::register_device(const Call& call, const Request& req, Reply reply) {
  auto body = object_body(req, reply);
  if (!body) return;
  auto model = string_field(*body, "model", reply);
  if (!model) return;
  if (model->empty() || model->size() > 64) return reply(error(400, "bad_request"));
  // The certificate: PEM text in "certificate", or base64 DER in "certificate_der"; optional
  // intermediates (PEM) in "chain".
  pki::Bytes der;
  std::vector<pki::Bytes> chain;
  try {
    if (auto it = body->find("certificate"); it != body->end() && it->is_string()) {
      der = pki::from_pem(it->get<std::string>(), "CERTIFICATE");
    } else if (auto it2 = body->find("certificate_der"); it2 != body->end() && it2->is_string()) {
      auto raw = base64_decode(it2->get<std::string>());
      if (!raw) return reply(error(400, "malformed_base64"));
      der = std::move(*raw);
    } else {
      return reply(error(400, "bad_request"));
    }
    if (auto it = body->find("chain"); it != body->end()) {
      if (!it->is_array() || it->size() > 8) return reply(error(400, "bad_request"));
      for (const auto& c : *it) {
        if (!c.is_string()) return reply(error(400, "bad_request"));
        chain.push_back(pki::from_pem(c.get<std::string>(), "CERTIFICATE"));
      }
    }
  } catch (const std::exception& e) {
    log(call, std::string("registration: ") + e.what());
    return reply(error(400, "malformed_certificate"));
  }
  pki::Bytes tpm_ak;
  if (auto it = body->find("tpm_ak"); it != body->end()) {
    auto raw = it->is_string() ? hex_decode(it->get<std::string>()) : std::nullopt;
    if (!raw) return reply(error(400, "bad_request"));
    tpm_ak = std::move(*raw);
  }
  job(call, std::move(reply), [this, call, der = std::move(der), chain = std::move(chain),
                               tpm_ak = std::move(tpm_ak), model = *model](WorkerContext& ctx, Reply& r) {
    pki::Certificate cert;
    std::vector<pki::Certificate> inters;
    try {
      cert = pki::parse_certificate(der);
      for (const auto& c : chain) inters.push_back(pki::parse_certificate(c));
    } catch (const std::exception& e) {
      log(call, std::string("registration: certificate does not parse: ") + e.what());
      return r(error(422, "certificate_invalid"));
    }
    const std::int64_t now = unix_now();
    auto v = pki::validate_chain(cert, inters, engine_.trust(), now, pki::mldsa_verify);
    if (!v) {
      log(call, "registration: certificate does not chain to the fleet CA: " + v.reason);
      return r(error(422, "certificate_invalid"));
    }
    std::string id = cert.subject.serial_number.empty() ? cert.subject.common_name : cert.subject.serial_number;
    if (!valid_device_id(id)) {
      log(call, "registration: the certificate's serialNumber is not a usable device id");
      return r(error(422, "certificate_invalid"));
    }
    if (ctx.store.device(id, false)) return r(error(409, "device_exists"));
    verifier::Device d;
    d.id = id;
    d.model = model;
    d.sig_alg = std::string(pki::algorithm_name(cert.public_key_algorithm));
    d.public_key = cert.public_key;
    d.certificate = cert.der;
    d.tpm_ak = tpm_ak;
    d.not_after = cert.validity.not_after;
    d.registered_at = now;
    try {
      ctx.store.put_device(d);
    } catch (const verifier::StoreError&) {
      // Another replica registered it in the meantime.
      if (ctx.store.device(id, false)) return r(error(409, "device_exists"));
      throw;
    }
    r(json_ok(201, {{"device_id", id}, {"model", model}, {"sig_alg", d.sig_alg}, {"not_after", d.not_after}}));
  });
}

void Api::upload_policy(const Call& call, const Request& req, Reply reply) {
  auto body = object_body(req, reply);
  if (!body) return;
  auto doc = string_field(*body, "document", reply);
  if (!doc) return;
  auto sig_b64 = string_field(*body, "signature", reply);
  if (!sig_b64) return;
  auto sig = base64_decode(*sig_b64);
  if (!sig) return reply(error(400, "malformed_base64"));
  job(call, std::move(reply), [this, call, doc = *doc, sig = std::move(*sig)](WorkerContext& ctx, Reply& r) {
    if (!engine_.verify_policy_signature(doc, sig)) return r(error(422, "policy_signature_invalid"));
    try {
      const std::int64_t revision = engine_.upload_policy(ctx.store, doc, sig);
      auto pol = engine_.policy();
      json models = json::array();
      for (const auto& [name, mp] : pol->policy.models) models.push_back(name);
      r(json_ok(200, {{"revision", revision}, {"models", models}}));
    } catch (const verifier::PolicyError& e) {
      log(call, std::string("policy refused: ") + e.what());
      r(error(422, "policy_invalid"));
    }
  });
}

// GET /v1/admin/devices?after=ID&limit=N: one page of the registry in id order.
void Api::list_devices(const Call& call, const Request& req, Reply reply) {
  std::string after;
  std::size_t limit = 100;
  const auto q = req.target.find('?');
  if (q != std::string::npos) {
    std::string_view rest = std::string_view(req.target).substr(q + 1);
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos) return reply(error(400, "bad_query"));
      const std::string_view key = pair.substr(0, eq), value = pair.substr(eq + 1);
      if (key == "after" && valid_device_id(value)) {
        after = std::string(value);
      } else if (key == "limit" && !value.empty() && value.size() <= 4 &&
                 value.find_first_not_of("0123456789") == std::string_view::npos) {
        limit = std::stoul(std::string(value));
        if (limit < 1 || limit > 1000) return reply(error(400, "bad_query"));
      } else {
        return reply(error(400, "bad_query"));
      }
    }
  }
  job(call, std::move(reply), [after, limit](WorkerContext& ctx, Reply& r) {
    json devices = json::array();
    for (const auto& d : ctx.store.list_devices(after, limit))
      devices.push_back(registry_json(d));
    json body = {{"devices", devices}, {"next", nullptr}};
    if (devices.size() == limit) body["next"] = devices.back()["device_id"];
    r(json_ok(200, body));
  });
}

// DELETE /v1/admin/devices/{id}: the device, its nonces and its results are gone.
void Api::delete_device(const Call& call, const std::string& id, Reply reply) {
  if (!valid_device_id(id)) return reply(error(400, "bad_device_id"));
  job(call, std::move(reply), [this, call, id](WorkerContext& ctx, Reply& r) {
    if (!ctx.store.delete_device(id)) return r(error(404, "unknown_device"));
    log(call, "device " + id + " deleted with its nonces and results");
    r(json_ok(200, {{"device_id", id}, {"status", "deleted"}}));
  });
}

// GET /v1/admin/policy: the current signed document, exactly as uploaded.
void Api::current_policy(const Call& call, Reply reply) {
  job(call, std::move(reply), [](WorkerContext& ctx, Reply& r) {
    auto pol = ctx.store.latest_policy();
    if (!pol) return r(error(503, "no_policy"));
    r(json_ok(200, {{"revision", pol->revision},
                    {"document", pol->document},
                    {"signature", base64_encode(pol->signature)},
                    {"uploaded_at", pol->uploaded_at}}));
  });
}

void Api::revoke(const Call& call, const std::string& id, Reply reply) {
  if (!valid_device_id(id)) return reply(error(400, "bad_device_id"));
  job(call, std::move(reply), [id](WorkerContext& ctx, Reply& r) {
    if (!ctx.store.revoke(id)) return r(error(404, "unknown_device"));
    r(json_ok(200, {{"device_id", id}, {"status", "revoked"}}));
  });
}

}  // namespace pqcea::service::detail
