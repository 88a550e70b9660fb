// ACVP runner for ML-KEM (FIPS 203): keyGen (d, z -> ek, dk) and encapDecap (encapsulation,
// decapsulation with seed or expanded keys, encapsulationKeyCheck, decapsulationKeyCheck).
// Field meanings: ../shared/vectors/acvp/README.md, section ML-KEM.
#include <cstdlib>

#include "pqcea/host/acvp.hpp"
#include "pqcea/mlkem.hpp"

namespace pqcea::acvp {
namespace {

using mlkem::Alg;

bool group_alg(const json& g, Alg& a) { return mlkem::parse_alg(g.at("parameterSet").get<std::string>().c_str(), a); }

void keygen_group(const json& g, Alg a, Tally& t) {
  const auto sz = mlkem::sizes(a);
  for (const auto& test : g.at("tests")) {
    auto d = bytes_field(test, "d"), z = bytes_field(test, "z");
    std::vector<std::uint8_t> ek(sz.ek), dk(sz.dk);
    const Status s = mlkem::keygen_internal(a, ek, dk, d, z);
    t.check(g, test, s == Status::ok && ek == bytes_field(test, "ek") && dk == bytes_field(test, "dk"),
            "keyGen: ek/dk mismatch");
  }
}

void encap_decap_group(const json& g, Alg a, Tally& t) {
  const auto sz = mlkem::sizes(a);
  const std::string function = g.at("function").get<std::string>();
  const std::string format = g.value("keyFormat", "expanded");
  for (const auto& test : g.at("tests")) {
    if (function == "encapsulation") {
      auto ek = bytes_field(test, "ek"), m = bytes_field(test, "m");
      std::vector<std::uint8_t> k(32), c(sz.ct);
      const Status s = mlkem::encaps_internal(a, k, c, ek, m);
      t.check(g, test, s == Status::ok && c == bytes_field(test, "c") && k == bytes_field(test, "k"),
              "encapsulation: c/k mismatch");
    } else if (function == "decapsulation") {
      std::vector<std::uint8_t> key;
      if (format == "seed") {
        // Rebuild dk from the 64-byte seed d || z; the given dk must come out of it too.
        key = bytes_field(test, "d");
        auto z = bytes_field(test, "z");
        key.insert(key.end(), z.begin(), z.end());
        std::vector<std::uint8_t> ek(sz.ek), dk(sz.dk);
        if (mlkem::keygen_from_seed(a, ek, dk, key) != Status::ok || dk != bytes_field(test, "dk")) {
          t.fail(g, test, "decapsulation: dk rebuilt from seed differs");
          continue;
        }
      } else if (format == "expanded") {
        key = bytes_field(test, "dk");
      } else {
        t.fail(g, test, "unknown keyFormat " + format);
        continue;
      }
      auto c = bytes_field(test, "c");
      std::vector<std::uint8_t> k(32);
      const Status s = mlkem::decaps(a, k, c, key);  // decaps() takes either key form by length
      t.check(g, test, s == Status::ok && k == bytes_field(test, "k"), "decapsulation: k mismatch");
    } else if (function == "decapsulationKeyCheck") {
      const bool ok = mlkem::check_decaps_key(a, bytes_field(test, "dk")) == Status::ok;
      t.check(g, test, ok == test.at("testPassed").get<bool>(), "decapsulationKeyCheck verdict");
    } else if (function == "encapsulationKeyCheck") {
      const bool ok = mlkem::check_encaps_key(a, bytes_field(test, "ek")) == Status::ok;
      t.check(g, test, ok == test.at("testPassed").get<bool>(), "encapsulationKeyCheck verdict");
    } else {
      t.fail(g, test, "unknown function " + function);
    }
  }
}

}  // namespace

void run_mlkem(const json& vs, Tally& t) {
  // PQCEA_MLKEM_BACKEND=portable reruns every vector with the accelerated arithmetic switched off.
  const char* backend = std::getenv("PQCEA_MLKEM_BACKEND");
  mlkem::use_native_backend(backend == nullptr || std::string(backend) != "portable");
  const std::string mode = vs.at("mode").get<std::string>();
  for (const auto& g : vs.at("testGroups")) {
    Alg a{};
    if (!group_alg(g, a)) {
      t.unsupported_group(g, "parameter set " + g.value("parameterSet", "?"));
    } else if (mode == "keyGen") {
      keygen_group(g, a, t);
    } else if (mode == "encapDecap") {
      encap_decap_group(g, a, t);
    } else {
      t.unsupported_group(g, "mode " + mode);
    }
  }
}

}  // namespace pqcea::acvp
