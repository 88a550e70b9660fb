#include "api.hpp"

#include <atomic>
#include <chrono>

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

Response method_not_allowed(std::string allow) {
  Response r = json_error(405, "method_not_allowed", "use " + allow);
  r.allow = std::move(allow);
  return r;
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

// Parses a JSON object body; on failure answers 400 and returns nullopt.
std::optional<json> object_body(const Request& req, Reply& reply) {
  if (req.content_type != "application/json") {
    reply(json_error(415, "unsupported_media_type", "send application/json"));
    return std::nullopt;
  }
  json j = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    reply(json_error(400, "malformed_json", "the body is not valid JSON"));
    return std::nullopt;
  }
  if (!j.is_object()) {
    reply(json_error(400, "malformed_json", "the body must be a JSON object"));
    return std::nullopt;
  }
  return j;
}

// A required string field; answers 400 and returns nullopt when absent or not a string.
std::optional<std::string> string_field(const json& j, const char* name, Reply& reply) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) {
    reply(json_error(400, "bad_request", std::string("field '") + name + "' (string) is required"));
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

// The pattern of a path, for the metrics (bounded label values) and routing.
struct Route {
  std::string pattern;
  std::string id;  // the {id} segment, if any
};
Route route_of(std::string_view path) {
  auto starts = [&](std::string_view p) { return path.substr(0, p.size()) == p; };
  if (path == "/healthz" || path == "/metrics" || path == "/v1/challenge" || path == "/v1/attest" ||
      path == "/v1/verifier-key" || path == "/v1/admin/devices" || path == "/v1/admin/policy")
    return {std::string(path), ""};
  constexpr std::string_view kRevokeSuffix = "/revoke";
  if (starts("/v1/admin/devices/") && path.size() > kRevokeSuffix.size() &&
      path.substr(path.size() - kRevokeSuffix.size()) == kRevokeSuffix) {
    std::string_view id = path.substr(18, path.size() - 18 - kRevokeSuffix.size());
    if (id.find('/') == std::string_view::npos) return {"/v1/admin/devices/{id}/revoke", std::string(id)};
  }
  if (starts("/v1/devices/") && path.find('/', 12) == std::string_view::npos)
    return {"/v1/devices/{id}", std::string(path.substr(12))};
  if (starts("/v1/results/") && path.find('/', 12) == std::string_view::npos)
    return {"/v1/results/{id}", std::string(path.substr(12))};
  return {"(unknown)", ""};
}

}  // namespace

int status_for(std::string_view e) {
  if (e == "unknown_device") return 404;
  if (e == "device_revoked") return 403;
  if (e.substr(0, 6) == "nonce_") return 409;
  if (e == "token_too_large") return 413;
  if (e == "no_policy" || e == "store_unavailable" || e == "overloaded") return 503;
  if (e == "internal_error") return 500;
  return 400;  // malformed_token, malformed_claims, unsupported_algorithm, ...
}

void Api::handle(Request req, Reply reply) {
  const std::string path = req.target.substr(0, req.target.find('?'));
  Route route = route_of(path);
  // Every request is answered once and counted with its route pattern, code and latency.
  struct Once {
    Reply reply;
    std::string route;
    Metrics* metrics;
    Clock::time_point start = Clock::now();
    std::atomic<bool> done{false};
  };
  auto once = std::make_shared<Once>();
  once->reply = std::move(reply);
  once->route = route.pattern;
  once->metrics = &metrics_;
  Reply r = [once](Response res) {
    if (once->done.exchange(true)) return;
    once->metrics->request(once->route, res.status,
                           std::chrono::duration<double>(Clock::now() - once->start).count());
    once->reply(std::move(res));
  };

  const std::string& m = req.method;
  const std::string& p = route.pattern;
  if (p == "/v1/attest") {
    if (m != "POST") return r(method_not_allowed("POST"));
    return attest(req, std::move(r));
  }
  if (p == "/v1/challenge") {
    if (m != "POST") return r(method_not_allowed("POST"));
    return challenge(req, std::move(r));
  }
  if (p == "/healthz") {
    if (m != "GET") return r(method_not_allowed("GET"));
    return healthz(std::move(r));
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
  if (p == "/v1/devices/{id}") {
    if (m != "GET") return r(method_not_allowed("GET"));
    return device(route.id, std::move(r));
  }
  if (p == "/v1/results/{id}") {
    if (m != "GET") return r(method_not_allowed("GET"));
    return result(route.id, std::move(r));
  }
  if (p == "/v1/admin/devices" || p == "/v1/admin/policy" || p == "/v1/admin/devices/{id}/revoke") {
    const char* want = p == "/v1/admin/policy" ? "PUT" : "POST";
    if (m != want) return r(method_not_allowed(want));
    if (!authorized(req)) return r(json_error(401, "unauthorized", "admin endpoints need 'Authorization: Bearer <token>'"));
    if (p == "/v1/admin/devices") return register_device(req, std::move(r));
    if (p == "/v1/admin/policy") return upload_policy(req, std::move(r));
    return revoke(route.id, std::move(r));
  }
  r(json_error(404, "not_found", "no such endpoint: " + path));
}

bool Api::authorized(const Request& req) const {
  constexpr std::string_view kBearer = "Bearer ";
  std::string_view a = req.authorization;
  if (a.substr(0, kBearer.size()) != kBearer) return false;
  a.remove_prefix(kBearer.size());
  const std::string& t = config_.admin_token;
  // Constant time in the token's contents (the length is not secret).
  unsigned diff = a.size() == t.size() ? 0u : 1u;
  for (std::size_t i = 0; i < t.size(); ++i)
    diff |= static_cast<unsigned>(static_cast<unsigned char>(i < a.size() ? a[i] : 0) ^ static_cast<unsigned char>(t[i]));
  return diff == 0;
}

void Api::job(Reply reply, std::function<void(WorkerContext&, Reply&)> fn) {
  auto shared = std::make_shared<Reply>(std::move(reply));
  Engine::Job j;
  j.run = [shared, fn = std::move(fn)](WorkerContext& ctx) {
    try {
      fn(ctx, *shared);
    } catch (const verifier::StoreError& e) {
      (*shared)(json_error(503, "store_unavailable", e.what()));
      throw;  // the worker reconnects
    } catch (const std::exception& e) {
      (*shared)(json_error(500, "internal_error", e.what()));
    }
  };
  j.fail = [shared](const std::string& why) { (*shared)(json_error(503, "store_unavailable", why)); };
  if (!engine_.run(std::move(j))) (*shared)(json_error(503, "overloaded", "too many requests waiting, retry"));
}

void Api::healthz(Reply reply) {
  job(std::move(reply), [this](WorkerContext& ctx, Reply& r) {
    const int schema = ctx.store.schema_version();
    auto pol = engine_.policy();
    r(json_ok(200, {{"status", "ok"}, {"schema_version", schema}, {"policy_revision", pol ? pol->revision : 0}}));
  });
}

void Api::challenge(const Request& req, Reply reply) {
  auto body = object_body(req, reply);
  if (!body) return;
  auto id = string_field(*body, "device_id", reply);
  if (!id) return;
  if (!valid_device_id(*id)) return reply(json_error(400, "bad_device_id", "device ids are 1-128 characters [A-Za-z0-9._-]"));
  job(std::move(reply), [this, id = *id](WorkerContext& ctx, Reply& r) {
    const std::int64_t now = unix_now();
    std::string error;
    auto nonce = ctx.appraiser.challenge(id, now, config_.nonce_ttl, &error);
    if (nonce.empty()) return r(json_error(status_for(error), error, "no challenge for device " + id));
    r(json_ok(200, {{"device_id", id}, {"nonce", hex_encode(nonce)}, {"expires_at", now + config_.nonce_ttl}}));
  });
}

void Api::attest(Request& req, Reply reply) {
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
    if (!raw) return reply(json_error(400, "malformed_base64", "'evidence' is not base64"));
    token.assign(raw->begin(), raw->end());
  } else {
    return reply(json_error(415, "unsupported_media_type",
                            "send the COSE_Sign1 evidence as application/cose, or JSON {\"evidence\": base64}"));
  }
  if (token.empty()) return reply(json_error(400, "malformed_token", "empty evidence"));
  auto shared = std::make_shared<Reply>(std::move(reply));
  const bool queued = engine_.attest(std::move(token), [shared](verifier::Outcome& o) {
    if (o.rejected) {
      json body = {{"error", o.error}, {"message", o.message}};
      if (!o.device_id.empty()) body["device_id"] = o.device_id;
      return (*shared)(json_ok(status_for(o.error), body));
    }
    (*shared)(json_ok(200, result_json(o.record)));
  });
  if (!queued) (*shared)(json_error(503, "overloaded", "too many attestations waiting, retry"));
}

void Api::device(const std::string& id, Reply reply) {
  if (!valid_device_id(id)) return reply(json_error(400, "bad_device_id", "device ids are 1-128 characters [A-Za-z0-9._-]"));
  job(std::move(reply), [id](WorkerContext& ctx, Reply& r) {
    auto d = ctx.store.device(id, /*with_certificate=*/false);
    if (!d) return r(json_error(404, "unknown_device", "device " + id + " is not registered"));
    json body = {{"device_id", d->id},
                 {"model", d->model},
                 {"sig_alg", d->sig_alg},
                 {"status", d->revoked ? "revoked" : "active"},
                 {"registered_at", d->registered_at},
                 {"not_after", d->not_after},
                 {"tpm", !d->tpm_ak.empty()},
                 {"last_result", nullptr}};
    if (auto last = ctx.store.last_result(id)) body["last_result"] = result_json(*last);
    r(json_ok(200, body));
  });
}

void Api::result(const std::string& id, Reply reply) {
  std::int64_t n = 0;
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos ||
      (n = std::stoll(id)) <= 0)
    return reply(json_error(400, "bad_result_id", "result ids are positive integers"));
  job(std::move(reply), [n](WorkerContext& ctx, Reply& r) {
    auto rec = ctx.store.result(n);
    if (!rec) return r(json_error(404, "unknown_result", "no result " + std::to_string(n)));
    r(json_ok(200, result_json(*rec)));
  });
}

void Api::register_device(const Request& req, Reply reply) {
  auto body = object_body(req, reply);
  if (!body) return;
  auto model = string_field(*body, "model", reply);
  if (!model) return;
  if (model->empty() || model->size() > 64) return reply(json_error(400, "bad_request", "'model' must be 1-64 characters"));
  // The certificate: PEM text in "certificate", or base64 DER in "certificate_der".
  pki::Bytes der;
  try {
    if (auto it = body->find("certificate"); it != body->end() && it->is_string()) {
      der = pki::from_pem(it->get<std::string>(), "CERTIFICATE");
    } else if (auto it2 = body->find("certificate_der"); it2 != body->end() && it2->is_string()) {
      auto raw = base64_decode(it2->get<std::string>());
      if (!raw) return reply(json_error(400, "malformed_base64", "'certificate_der' is not base64"));
      der = std::move(*raw);
    } else {
      return reply(json_error(400, "bad_request", "'certificate' (PEM) or 'certificate_der' (base64 DER) is required"));
    }
  } catch (const std::exception& e) {
    return reply(json_error(400, "malformed_certificate", e.what()));
  }
  std::vector<pki::Bytes> chain;
  if (auto it = body->find("chain"); it != body->end()) {
    if (!it->is_array() || it->size() > 8) return reply(json_error(400, "bad_request", "'chain' must be an array of up to 8 PEM certificates"));
    try {
      for (const auto& c : *it) {
        if (!c.is_string()) return reply(json_error(400, "bad_request", "'chain' entries must be PEM strings"));
        chain.push_back(pki::from_pem(c.get<std::string>(), "CERTIFICATE"));
      }
    } catch (const std::exception& e) {
      return reply(json_error(400, "malformed_certificate", e.what()));
    }
  }
  pki::Bytes tpm_ak;
  if (auto it = body->find("tpm_ak"); it != body->end()) {
    auto raw = it->is_string() ? hex_decode(it->get<std::string>()) : std::nullopt;
    if (!raw) return reply(json_error(400, "bad_request", "'tpm_ak' must be hex"));
    tpm_ak = std::move(*raw);
  }
  job(std::move(reply), [this, der = std::move(der), chain = std::move(chain), tpm_ak = std::move(tpm_ak),
                         model = *model](WorkerContext& ctx, Reply& r) {
    pki::Certificate cert;
    std::vector<pki::Certificate> inters;
    try {
      cert = pki::parse_certificate(der);
      for (const auto& c : chain) inters.push_back(pki::parse_certificate(c));
    } catch (const std::exception& e) {
      return r(json_error(422, "certificate_invalid", std::string("certificate does not parse: ") + e.what()));
    }
    const std::int64_t now = unix_now();
    auto v = pki::validate_chain(cert, inters, engine_.trust(), now, pki::mldsa_verify);
    if (!v) return r(json_error(422, "certificate_invalid", "certificate does not chain to the fleet CA: " + v.reason));
    std::string id = cert.subject.serial_number.empty() ? cert.subject.common_name : cert.subject.serial_number;
    if (!valid_device_id(id))
      return r(json_error(422, "certificate_invalid", "the certificate's serialNumber is not a usable device id"));
    if (ctx.store.device(id, false)) return r(json_error(409, "device_exists", "device " + id + " is already registered"));
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
    } catch (const verifier::StoreError& e) {
      // Another replica registered it in the meantime.
      if (ctx.store.device(id, false)) return r(json_error(409, "device_exists", e.what()));
      throw;
    }
    r(json_ok(201, {{"device_id", id}, {"model", model}, {"sig_alg", d.sig_alg}, {"not_after", d.not_after}}));
  });
}

void Api::upload_policy(const Request& req, Reply reply) {
  auto body = object_body(req, reply);
  if (!body) return;
  auto doc = string_field(*body, "document", reply);
  if (!doc) return;
  auto sig_b64 = string_field(*body, "signature", reply);
  if (!sig_b64) return;
  auto sig = base64_decode(*sig_b64);
  if (!sig) return reply(json_error(400, "malformed_base64", "'signature' is not base64"));
  job(std::move(reply), [this, doc = *doc, sig = std::move(*sig)](WorkerContext& ctx, Reply& r) {
    if (!engine_.verify_policy_signature(doc, sig))
      return r(json_error(422, "policy_signature_invalid", "the signature does not verify under the operator key"));
    try {
      const std::int64_t revision = engine_.upload_policy(ctx.store, doc, sig);
      auto pol = engine_.policy();
      json models = json::array();
      for (const auto& [name, mp] : pol->policy.models) models.push_back(name);
      r(json_ok(200, {{"revision", revision}, {"models", models}}));
    } catch (const verifier::PolicyError& e) {
      r(json_error(422, "policy_invalid", e.what()));
    }
  });
}

void Api::revoke(const std::string& id, Reply reply) {
  if (!valid_device_id(id)) return reply(json_error(400, "bad_device_id", "device ids are 1-128 characters [A-Za-z0-9._-]"));
  job(std::move(reply), [id](WorkerContext& ctx, Reply& r) {
    if (!ctx.store.revoke(id)) return r(json_error(404, "unknown_device", "device " + id + " is not registered"));
    r(json_ok(200, {{"device_id", id}, {"status", "revoked"}}));
  });
}

}  // namespace pqcea::service::detail
