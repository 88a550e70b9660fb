// `pqcea serve`: the verifier service (docs/verifier-service.md).
// `pqcea fleet-init`: key material for a fleet (CA, operator, verifier keys, admin and read
// tokens, TLS).
// `pqcea registry-fill`: bulk-loads placeholder registry rows (registry-size benchmarks).
#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "pqcea/host/pki.hpp"
#include "pqcea/host/service.hpp"
#include "pqcea/host/tls_groups.hpp"
#include "pqcea/host/verifier/store.hpp"

namespace pqcea::cli {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// One configuration file format for `serve`: every option is also a key of a TOML file, its long
// name without the dashes (`listen = "0.0.0.0:8443"`, `quiet = true`), at the top or under
// [serve]. The command line wins over the file. A key that is no option is refused, so a typo
// cannot go unnoticed. (CLI11 2.1's own set_config reads files only for the top-level app, not
// for a subcommand, so the file's items are applied here with CLI11's TOML reader and each
// option's own validators and conversion.)
void apply_config_file(CLI::App& cmd, const std::string& path) {
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::Error& e) {
    throw BadInput(path + ": cannot read the configuration file (" + e.what() + ")");
  }
  for (const auto& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // the reader's section markers
    if (!item.parents.empty() && item.parents != std::vector<std::string>{"serve"})
      throw BadInput(path + ": section [" + item.parents.front() + "] is not [serve]");
    CLI::Option* opt = cmd.get_option_no_throw("--" + item.name);
    if (opt == nullptr || !opt->get_configurable())
      throw BadInput(path + ": unknown key '" + item.name + "' (`pqcea serve --print-config` lists every key)");
    if (opt->count() > 0) continue;  // given on the command line
    try {
      for (const auto& v : item.inputs) opt->add_result(v);
      opt->run_callback();
    } catch (const CLI::Error& e) {
      throw BadInput(path + ": key '" + item.name + "': " + e.what());
    }
  }
}

}  // namespace

void add_serve(CLI::App& app) {
  static service::Config cfg;
  static std::string fleet, ca_cert, operator_key, verifier_key, admin_token_file, read_token_file, port_file;
  static long long request_ms = 10000, idle_ms = 30000;
  static std::size_t key_cache_mb = 256;
  // Secrets come from files only (argv is visible to every user of the machine); the verifier
  // key is read by the service itself into its one wiped copy.
  static std::string access_log = "stdout", config_file;
  static bool print_config = false;
  auto* cmd = app.add_subcommand("serve", "Run the verifier service (HTTP API; docs/verifier-service.md)");
  cmd->add_option("--config", config_file,
                  "TOML configuration file: every option below as `key = value` (docs/serve-config.md)")
      ->configurable(false);
  cmd->add_option("--listen", cfg.listen, "HOST:PORT to listen on (port 0: any free port)")->capture_default_str();
  cmd->add_option("--db", cfg.db, "sqlite:PATH or postgresql://...")->capture_default_str();
  cmd->add_option("--fleet", fleet, "fleet folder from `pqcea fleet-init` (default for the five files below)");
  cmd->add_option("--ca-cert", ca_cert, "fleet CA root certificate (PEM)");
  cmd->add_option("--operator-key", operator_key, "operator public key that signs policies (PEM)");
  cmd->add_option("--verifier-key", verifier_key, "verifier private key that signs results (PKCS#8 PEM, ML-DSA-87)");
  cmd->add_option("--admin-token-file", admin_token_file, "file holding the admin bearer token");
  cmd->add_option("--read-token-file", read_token_file, "file holding the read bearer token (GET devices/results)");
  cmd->add_option("--tls-cert", cfg.tls_cert_file, "TLS certificate chain (PEM): serve HTTPS");
  cmd->add_option("--tls-key", cfg.tls_key_file, "TLS private key (PEM)");
  cmd->add_option("--tls-groups", cfg.tls_groups, "OpenSSL key-exchange groups, e.g. X25519:P-256 (default: those of " +
                      std::string(tls::kDefaultGroups) + " this OpenSSL knows)");
  cmd->add_option("--threads", cfg.io_threads, "network threads (0: one per core)")->capture_default_str();
  cmd->add_option("--workers", cfg.workers, "appraisal threads (0: one per core)")->capture_default_str();
  cmd->add_option("--body-limit", cfg.body_limit, "largest request body in bytes")->capture_default_str();
  cmd->add_option("--request-timeout-ms", request_ms, "time for a whole request to arrive")->capture_default_str();
  cmd->add_option("--idle-timeout-ms", idle_ms, "keep-alive connections idle longer are closed")->capture_default_str();
  cmd->add_option("--nonce-ttl", cfg.nonce_ttl, "nonce lifetime in seconds")->capture_default_str();
  cmd->add_option("--max-nonces-per-device", cfg.max_outstanding_nonces,
                  "unused nonces a device may hold (one more drops its oldest)")->capture_default_str();
  cmd->add_option("--challenge-rate-device", cfg.challenge_rate_device,
                  "challenges per second per device id (0: unlimited)")->capture_default_str();
  cmd->add_option("--challenge-burst-device", cfg.challenge_burst_device, "burst of the per-device rate")
      ->capture_default_str();
  cmd->add_option("--challenge-rate-source", cfg.challenge_rate_source,
                  "challenges per second per client address (0: unlimited)")->capture_default_str();
  cmd->add_option("--challenge-burst-source", cfg.challenge_burst_source, "burst of the per-source rate")
      ->capture_default_str();
  cmd->add_option("--max-batch", cfg.max_batch, "results signed together")->capture_default_str();
  cmd->add_option("--key-cache-mb", key_cache_mb, "memory for prepared device keys, MiB (0: off)")->capture_default_str();
  cmd->add_option("--max-connections", cfg.max_connections, "open connections")->capture_default_str();
  cmd->add_option("--max-queued", cfg.max_queue, "requests waiting for a worker; beyond: 503")->capture_default_str();
  cmd->add_option("--max-inflight-bytes", cfg.max_inflight_bytes, "request body bytes held, all clients; beyond: 503")
      ->capture_default_str();
  cmd->add_option("--max-inflight-bytes-per-source", cfg.max_inflight_bytes_per_source,
                  "request body bytes held per client address; beyond: 429 (0: no per-address limit)")
      ->capture_default_str();
  cmd->add_option("--rate-per-source", cfg.rate_per_source, "requests per second per client address; beyond: 429 (0: off)")
      ->capture_default_str();
  cmd->add_option("--rate-burst", cfg.rate_burst, "requests a client address may send at once (0: twice the rate)")
      ->capture_default_str();
  cmd->add_option("--port-file", port_file, "write the bound port to this file once listening");
  cmd->add_option("--access-log", access_log,
                  "one JSON line per request (time, request id, method, path, status, bytes, duration, source)")
      ->check(CLI::IsMember({"stdout", "stderr", "off"}))
      ->capture_default_str();
  cmd->add_flag("--quiet", cfg.quiet, "no log lines (also no access log)");
  cmd->add_flag("--print-config", print_config,
                "print the configuration in effect (as a --config file) and exit without serving")
      ->configurable(false);
  cmd->callback([cmd] {
    if (!config_file.empty()) apply_config_file(*cmd, config_file);
    if (print_config) {
      // Every key with its value and help text: a complete, valid configuration file.
      std::cout << cmd->config_to_str(true, true);
      return;
    }
    cfg.access_log = access_log == "stdout"   ? service::AccessLog::stdout_lines
                     : access_log == "stderr" ? service::AccessLog::stderr_lines
                                              : service::AccessLog::off;
    cfg.key_cache_bytes = key_cache_mb << 20;
    if (!fleet.empty()) service::load_fleet(fleet, cfg);
    if (!ca_cert.empty()) cfg.ca_cert_pem = slurp(ca_cert);
    if (!operator_key.empty()) cfg.operator_key_pem = slurp(operator_key);
    if (!verifier_key.empty()) cfg.verifier_key_file = verifier_key;
    if (!admin_token_file.empty()) cfg.admin_token = service::read_token_file(admin_token_file);
    if (!read_token_file.empty()) cfg.read_token = service::read_token_file(read_token_file);
    if (cfg.ca_cert_pem.empty() || cfg.operator_key_pem.empty() || cfg.admin_token.empty() ||
        cfg.verifier_key_file.empty())
      throw std::runtime_error("serve needs --fleet DIR (or --ca-cert, --operator-key, --verifier-key, --admin-token-file)");
    cfg.request_timeout = std::chrono::milliseconds(request_ms);
    cfg.idle_timeout = std::chrono::milliseconds(idle_ms);
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
      rl.rlim_cur = rl.rlim_max;
      setrlimit(RLIMIT_NOFILE, &rl);
    }
    service::Server server(cfg);
    server.start();
    if (!port_file.empty()) {
      const std::string tmp = port_file + ".tmp";
      std::ofstream(tmp) << server.port() << "\n";
      std::filesystem::rename(tmp, port_file);  // appears whole
    }
    server.run_until_signal();
  });

  static std::string out_dir;
  static bool with_tls = false, force_init = false;
  auto* init = app.add_subcommand("fleet-init",
                                  "Create a fleet's keys: CA, operator, verifier (ML-DSA-87), admin and read tokens");
  init->add_option("--out", out_dir, "folder to create")->required();
  init->add_flag("--tls", with_tls, "also a self-signed TLS certificate for 127.0.0.1 / localhost");
  add_force_flag(init, force_init);
  init->callback([] {
    service::init_fleet(out_dir, with_tls, force_init);
    std::cout << "fleet keys written to " << out_dir << "\n";
  });

  static std::string fill_db, prefix = "placeholder-";
  static std::size_t count = 0;
  auto* fill = app.add_subcommand("registry-fill", "Bulk-load placeholder devices into a verifier database");
  fill->add_option("--db", fill_db, "sqlite:PATH or postgresql://...")->required();
  fill->add_option("--count", count, "rows to add")->required();
  fill->add_option("--prefix", prefix, "id prefix (ids are PREFIX0 .. PREFIX<count-1>)")->capture_default_str();
  fill->callback([] {
    auto store = verifier::open_store(fill_db);
    auto t0 = std::chrono::steady_clock::now();
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    store->bulk_fill(prefix, count, now);
    std::cout << "added " << count << " placeholder devices in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s; registry: "
              << store->device_count() << " devices\n";
  });
}

}  // namespace pqcea::cli
