// Certificate requests for the fleet CA (docs/pki.md, "Certificate requests (PKCS#10)"):
//   pqcea ca csr        an ML-DSA PKCS#10 request (RFC 2986, RFC 9881) signed with a PKCS#8 seed key
//   pqcea ca issue-csr  the fleet CA's station certificate for a request: the CA decides every
//                       extension and the serial; optionally names the classical certificate issued
//                       beside it (RFC 9763 relatedCertificate, docs/ocpp.md "The dual track")
// Exit status (docs/cli.md): 2 for a file that is not what the option expects and for a station id
// other than the request's CN; 1 for a request whose signature does not verify (the request is the
// untrusted input under test).
#include <ctime>
#include <iostream>

#include "commands.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/host/csr.hpp"
#include "pqcea/host/device_client.hpp"

namespace pqcea::cli {
namespace {

constexpr std::uint64_t kMaxPemBytes = 64 * 1024;  // an ML-DSA-87 CSR is about 10 KB of PEM

std::string read_text(const std::string& path, const std::string& what) {
  const auto bytes = read_input(path, Expect{what, {}, kMaxPemBytes});
  return std::string(bytes.begin(), bytes.end());
}

// The ML-DSA signer of a PKCS#8 seed key file (`pqcea sig keygen --key-format pem`, `device enroll`).
std::shared_ptr<const pki::Signer> read_signer(const std::string& path) {
  const host::SecretBytes pem =
      read_secret_input(path, Expect{"an ML-DSA private key (PKCS#8 PEM)", {}, 16 * 1024});
  try {
    auto [alg, seed] = pki::decode_private_key_seed(pki::from_pem(
        std::string_view(reinterpret_cast<const char*>(pem.span().data()), pem.span().size()), "PRIVATE KEY"));
    auto signer = pki::mldsa_signer(alg, seed);
    secure_wipe(seed.data(), seed.size());
    return signer;
  } catch (const std::exception& e) {
    throw BadInput(about(path, std::string("expected an ML-DSA private key (PKCS#8 PEM, seed form): ") + e.what()));
  }
}

void add_csr_commands(CLI::App* ca) {
  auto* csr = ca->add_subcommand("csr", "Make an ML-DSA certificate request (PKCS#10, PEM) signed with a private key");
  static std::string key, cn, org, out;
  csr->add_option("--key", key, "ML-DSA private key (PKCS#8 PEM, from `pqcea sig keygen` or `device enroll`)")
      ->required();
  csr->add_option("--cn", cn, "subject common name (the station id)")->required();
  csr->add_option("--org", org, "subject organization");
  csr->add_option("--out", out, "request file to write (PEM CERTIFICATE REQUEST)")->required();
  csr->callback([] {
    if (cn.empty()) throw BadInput("--cn: expected a non-empty common name");
    const auto signer = read_signer(key);
    pki::Name subject;
    subject.organization = org;
    subject.common_name = cn;
    const std::string pem = pki::to_pem(pki::build_csr(subject, *signer), "CERTIFICATE REQUEST");
    write_file(out, reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size());
  });

  auto* issue = ca->add_subcommand("issue-csr", "Issue a station certificate from an ML-DSA certificate request "
                                                "with the fleet CA (the CA decides the extensions and the serial)");
  static std::string fleet, csr_file, station_id, cert_out, related, organization;
  static std::int64_t days = 365;
  issue->add_option("--fleet", fleet, "fleet folder (ca.pem, ca.key.pem)")->required();
  issue->add_option("--csr", csr_file, "the request (PEM CERTIFICATE REQUEST, from `pqcea ca csr`)")->required();
  issue->add_option("--station-id", station_id, "the station id: must be the request's subject CN")->required();
  issue->add_option("--days", days, "validity in days")->required()->check(CLI::Range(1, 36500));
  issue->add_option("--org", organization, "subject organization (default: the CA's)");
  issue->add_option("--related-cert", related,
                    "the classical certificate issued with it (PEM): adds the RFC 9763 relatedCertificate extension");
  issue->add_option("--out", cert_out, "certificate file to write (PEM)")->required();
  issue->callback([] {
    pki::CertificationRequest req;
    try {
      req = pki::parse_csr(pki::from_pem(read_text(csr_file, "an ML-DSA certificate request (PEM)"),
                                         "CERTIFICATE REQUEST"));
    } catch (const pki::Error& e) {
      throw BadInput(about(csr_file, std::string("expected an ML-DSA certificate request (PEM): ") + e.what()));
    } catch (const der::Error& e) {
      throw BadInput(about(csr_file, std::string("expected an ML-DSA certificate request (PEM): ") + e.what()));
    }
    if (!pki::verify_csr(req, pki::mldsa_verify)) {
      std::cerr << "pqcea: " << csr_file << ": CSR signature invalid\n";
      throw CLI::RuntimeError(kExitInvalid);
    }
    if (req.subject.name.common_name != station_id)
      throw BadInput(csr_file + ": CSR names another identity: subject CN '" + req.subject.name.common_name +
                     "', --station-id '" + station_id + "'");
    pki::StationCertificateRequest sr;
    sr.station_id = station_id;
    sr.organization = organization;
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    sr.validity = {now - 300, now + days * 86400};  // 5 minutes of clock skew, as `ca issue`
    if (!related.empty()) {
      try {
        sr.related_certificate_der = pki::from_pem(read_text(related, "a certificate (PEM)"), "CERTIFICATE");
        // Hashes exactly one DER certificate (refused otherwise).
        pki::related_certificate_extension(sr.related_certificate_der);
      } catch (const std::exception& e) {
        if (dynamic_cast<const BadInput*>(&e) != nullptr) throw;
        throw BadInput(about(related, std::string("expected a PEM certificate: ") + e.what()));
      }
    }
    const pki::CertificateAuthority ca_obj = service::load_fleet_ca(fleet);
    const pki::Certificate cert = pki::issue_station_certificate(ca_obj, req, sr);
    const std::string pem = pki::to_pem(cert.der, "CERTIFICATE");
    write_file(cert_out, reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size());
    std::cout << "station " << station_id << " (" << pki::algorithm_name(req.algorithm) << ")\n";
  });
}

}  // namespace

void add_csr(CLI::App& app) {
  // `ca` is created by add_fleet_tools (cmd_fleet.cpp); the request commands join it.
  CLI::App* ca = app.get_subcommand("ca");
  add_csr_commands(ca);
}

}  // namespace pqcea::cli
