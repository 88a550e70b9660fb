// `pqcea ocpp ledger`: the size ledger of the OCPP dual track (docs/ocpp.md, "Size ledger"):
// every field the extension uses, measured on freshly built objects, against its schema limit.
#include <iostream>

#include "commands.hpp"
#include "pqcea/host/ocpp/size_ledger.hpp"

namespace pqcea::cli {

void add_ocpp_ledger(CLI::App& app) {
  auto* ocpp = app.add_subcommand("ocpp", "OCPP 2.0.1 tools: the size ledger, and the operator's commands to a running CSMS (the CSMS and the simulator are `pqcea csms|charger`)");
  ocpp->require_subcommand(1);
  static bool check = false;
  auto* l = ocpp->add_subcommand("ledger", "Build the dual track's objects for ML-DSA-44/65/87 and Falcon-1024 and "
                                           "print each field's size against its OCPP 2.0.1 schema limit (markdown)");
  l->add_flag("--check", check, "also check the invariants (standard fields hold classical objects that fit; "
                                "extension objects fit the frame cap; ML-DSA-87 needs the dual track); exit 1 if broken");
  l->callback([] {
    const auto ledger = ocpp::ledger::build();
    std::cout << ocpp::ledger::to_markdown(ledger);
    if (!check) return;
    const auto why = ocpp::ledger::check_invariants(ledger);
    if (!why.empty()) {
      std::cerr << "pqcea: ocpp ledger: invariant broken: " << why << "\n";
      throw CLI::RuntimeError(kExitInvalid);
    }
    std::cerr << "ocpp ledger: invariants hold\n";
  });
  add_ocpp_operator(*ocpp);
}

}  // namespace pqcea::cli
