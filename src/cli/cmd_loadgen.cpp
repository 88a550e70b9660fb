// `pqcea loadgen`: simulated devices against the verifier service (src/host/service/loadgen.cpp).
#include <iostream>

#include "commands.hpp"
#include "pqcea/host/service.hpp"

namespace pqcea::cli {

void add_loadgen(CLI::App& app) {
  static service::LoadgenOptions opt;
  static std::string fleet;
  auto* cmd = app.add_subcommand("loadgen", "Load generator: N simulated devices, M attestations; prints throughput, "
                                            "p50/p99 latency and `lost: K`");
  cmd->add_option("--target", opt.targets, "verifier URL http://HOST:PORT (repeat for replicas)")->required();
  cmd->add_option("--fleet", fleet, "fleet folder from `pqcea fleet-init` (CA and operator keys, admin token)")->required();
  cmd->add_option("--devices", opt.devices, "simulated devices")->capture_default_str();
  cmd->add_option("--attestations", opt.attestations, "attestations in all")->capture_default_str();
  cmd->add_option("--concurrency", opt.concurrency, "connections in flight (0: one per device)")->capture_default_str();
  cmd->add_option("--rate", opt.rate, "attest phase: offered attestations per second (0: each connection sends as "
                                     "soon as it has its answer)")->capture_default_str();
  cmd->add_option("--tamper-every", opt.tamper_every, "every n-th evidence reports modified firmware (0: none)")
      ->capture_default_str();
  cmd->add_option("--check-signatures", opt.check_signatures, "results whose EAR signature is verified")
      ->capture_default_str();
  cmd->add_option("--build-threads", opt.build_threads, "evidence builders (0: one per core)")->capture_default_str();
  cmd->add_option("--seed", opt.seed, "device identities derive from it (default: random per run)");
  cmd->add_flag("--allow-errors", opt.allow_errors, "exit 0 despite failed requests (fault-injection runs)");
  cmd->add_flag("--i-know-this-is-production", opt.production_ok,
                "run even though the verifier has devices that are not loadgen's (they and the operator's "
                "policy are left unchanged; loadgen removes what it created)");
  cmd->callback([] {
    opt.fleet = fleet;
    try {
      std::exit(service::run_loadgen(opt, std::cout));
    } catch (const service::LoadgenRefused& e) {
      throw BadInput(e.what());
    }
  });
}

}  // namespace pqcea::cli
