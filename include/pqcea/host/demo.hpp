// `pqcea demo`: the main job end to end on a simulated fleet. Provisions a fleet CA and N
// devices, plants known faults, runs every device's attestation through the verifier and checks
// that exactly the planted faults are caught.
#pragma once
#include <cstddef>
#include <iosfwd>
#include <string>

namespace pqcea::demo {

struct Options {
  std::size_t devices = 1000;
  std::string out_dir;   // where the SQLite file goes; empty = build/demo or a temporary folder
  bool use_tpm = true;   // one device quotes through a real swtpm (skipped if swtpm is missing)
  bool quiet = false;
};

// Returns 0 if exactly the planted faults were caught, 1 otherwise.
int run_fleet_demo(const Options& opt, std::ostream& out);

}  // namespace pqcea::demo
