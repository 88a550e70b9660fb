// Simulated devices for the security tests (tests/security/*.py): a coprocess that reads one
// command per line on stdin and answers one line on stdout, so a Python test can register devices
// and produce genuine or forged evidence without a crypto library of its own.
//
//   sec_device FLEET_DIR
//   policy                              -> the JSON body of PUT /v1/admin/policy (operator-signed)
//   register TAG INDEX                  -> {"device_id": ID, "body": <body of POST /v1/admin/devices>}
//   evidence TAG INDEX NONCE_HEX        -> hex of a COSE_Sign1 token signed with the device's key
//   forge TAG INDEX KTAG KINDEX NONCE_HEX
//                                       -> the same claims for device (TAG, INDEX), but signed with
//                                          the key of device (KTAG, KINDEX): what an attacker who
//                                          holds only their own device key can produce
// Errors answer "error: ..." on the same line. Devices derive from (TAG, INDEX) alone, so the same
// command gives the same device in every call (keys from a hash: test identities, not secrets).
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "internal.hpp"
#include "pqcea/host/hex.hpp"
#include "pqcea/host/device_sim.hpp"
#include "pqcea/host/pki.hpp"
#include "pqcea/host/verifier/appraisal.hpp"

namespace {

using pqcea::sim::Device;
using json = nlohmann::json;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Lab {
  std::unique_ptr<pqcea::pki::CertificateAuthority> ca;
  std::shared_ptr<const pqcea::pki::Signer> op;
  std::vector<pqcea::sim::Firmware> fws = pqcea::sim::reference_firmware();

  explicit Lab(const std::string& dir) {
    using namespace pqcea::pki;
    auto [alg, seed] = decode_private_key_seed(from_pem(read_text(dir + "/ca.key.pem"), "PRIVATE KEY"));
    ca = std::make_unique<CertificateAuthority>(parse_certificate(from_pem(read_text(dir + "/ca.pem"), "CERTIFICATE")),
                                                mldsa_signer(alg, seed));
    auto [oalg, oseed] = decode_private_key_seed(from_pem(read_text(dir + "/operator.key.pem"), "PRIVATE KEY"));
    op = mldsa_signer(oalg, oseed);
  }

  // Models without a TPM (meter, charger): the evidence needs nothing but the device key.
  Device device(const std::string& tag, std::size_t index) const {
    Device d;
    d.fw = &fws[index % 2];
    const std::string name = "security test " + tag + " " + std::to_string(index);
    const auto u = pqcea::sim::sha256("ueid " + name);
    d.ueid.push_back(0x01);  // RAND UEID
    d.ueid.insert(d.ueid.end(), u.begin(), u.begin() + 16);
    d.id = pqcea::host::device_id_for_ueid(d.ueid);
    d.key = pqcea::sim::KeyPair::from_seed(pqcea::sim::sha256("key " + name));
    return d;
  }

  json registration(const Device& d) const {
    pqcea::pki::DeviceRequest req;
    req.device_id = d.id;
    req.public_key = d.key.pk;
    const std::int64_t now = pqcea::service::detail::unix_now();
    req.validity = {now - 60, now + 86400};
    return {{"certificate", pqcea::pki::to_pem(ca->issue_device(req).der, "CERTIFICATE")}, {"model", d.fw->model}};
  }

  std::string policy() const {
    const std::string doc = pqcea::sim::policy_json(fws);
    auto sig = op->sign(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(doc.data()), doc.size()));
    return json{{"document", doc}, {"signature", pqcea::service::detail::base64_encode(sig)}}.dump();
  }
};

std::vector<std::uint8_t> nonce_of(const std::string& hex) {
  auto n = pqcea::service::detail::hex_decode(hex);
  if (!n) throw std::runtime_error("the nonce is not hex");
  return *n;
}

std::string answer(const Lab& lab, const std::string& line) {
  std::istringstream in(line);
  std::string cmd, tag;
  std::size_t index = 0;
  in >> cmd;
  if (cmd == "policy") return lab.policy();
  if (!(in >> tag >> index)) throw std::runtime_error("usage: " + cmd + " TAG INDEX ...");
  const Device d = lab.device(tag, index);
  if (cmd == "register") return json{{"device_id", d.id}, {"body", lab.registration(d)}}.dump();
  if (cmd == "evidence") {
    std::string nonce;
    if (!(in >> nonce)) throw std::runtime_error("usage: evidence TAG INDEX NONCE_HEX");
    return pqcea::host::hex_encode(pqcea::sim::build_evidence(d, nonce_of(nonce)));
  }
  if (cmd == "forge") {
    std::string ktag, nonce;
    std::size_t kindex = 0;
    if (!(in >> ktag >> kindex >> nonce)) throw std::runtime_error("usage: forge TAG INDEX KTAG KINDEX NONCE_HEX");
    const Device signer = lab.device(ktag, kindex);
    pqcea::sim::EvidenceOptions opt;
    opt.signing_key = &signer.key;
    return pqcea::host::hex_encode(pqcea::sim::build_evidence(d, nonce_of(nonce), opt));
  }
  throw std::runtime_error("unknown command " + cmd);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: sec_device FLEET_DIR  (commands on stdin, see the source)\n";
    return 2;
  }
  try {
    const Lab lab(argv[1]);
    for (std::string line; std::getline(std::cin, line);) {
      if (line.empty()) continue;
      try {
        std::cout << answer(lab, line) << std::endl;  // flushed: the caller waits for the line
      } catch (const std::exception& e) {
        std::cout << "error: " << e.what() << std::endl;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "sec_device: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
