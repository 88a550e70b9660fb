// Writes an example fleet PKI (root, issuing CA, device) as DER and PEM files into a folder, for
// docs/pki.md and for trying the certificates with other tools:
//   pki_example OUT_DIR   ->  root.der/.pem, issuing.der/.pem, device.der/.pem, root-key.der
// Keys come from fixed seeds and signing is deterministic, so the files are reproducible.
#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "pqcea/host/pki.hpp"

using namespace pqcea;

namespace {

void write(const std::string& path, const pki::Bytes& b) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

std::array<std::uint8_t, 32> seed(std::uint8_t v) {
  std::array<std::uint8_t, 32> s;
  s.fill(v);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
#if defined(PQCEA_PKI_HAVE_MLDSA)
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const auto det = pki::SigningMode::deterministic;
  auto root_key = pki::mldsa_signer(pki::Algorithm::MlDsa87, seed(1), det);
  auto issuing_key = pki::mldsa_signer(pki::Algorithm::MlDsa87, seed(2), det);
  auto device_key = pki::mldsa_signer(pki::Algorithm::MlDsa87, seed(3), det);
  auto t = [](int y, int m, int d) { return der::to_time({y, m, d, 0, 0, 0}); };

  auto root = pki::CertificateAuthority::create_root({"DE", "PQC Edge Fleet", "", "PQCEA Fleet Root CA", ""},
                                                     {t(2025, 1, 1), t(2050, 1, 1)}, root_key, 1);
  auto issuing = root.create_intermediate({"DE", "PQC Edge Fleet", "", "PQCEA Device CA 1", ""},
                                          {t(2025, 1, 1), t(2040, 1, 1)}, issuing_key, 0);
  pki::DeviceRequest req;
  req.device_id = "meter-000042";
  req.public_key = device_key->public_key();
  req.validity = {t(2025, 6, 1), t(2035, 6, 1)};
  req.san_uri = "urn:pqcea:device:meter-000042";
  pki::Certificate dev = issuing.issue_device(req);

  pki::TrustStore trust;
  trust.add(root.certificate(), pki::mldsa_verify);
  std::vector<pki::Certificate> chain{issuing.certificate()};
  pki::ChainResult r = pki::validate_chain(dev, chain, trust, t(2026, 1, 1), pki::mldsa_verify);
  if (!r.ok) {
    std::fprintf(stderr, "chain does not validate: %s\n", r.reason.c_str());
    return 1;
  }
  for (auto [name, cert] : {std::pair{"root", &root.certificate()}, std::pair{"issuing", &issuing.certificate()},
                            std::pair{"device", static_cast<const pki::Certificate*>(&dev)}}) {
    write(dir + "/" + name + ".der", cert->der);
    std::ofstream(dir + "/" + name + ".pem") << pki::to_pem(cert->der, "CERTIFICATE");
    std::printf("%s.der: %zu bytes\n", name, cert->der.size());
  }
  write(dir + "/root-key.der", pki::encode_private_key_seed(pki::Algorithm::MlDsa87, seed(1)));
  std::printf("chain device -> issuing -> root validates\n");
  return 0;
#else
  (void)argc;
  (void)argv;
  std::fprintf(stderr, "built without ML-DSA\n");
  return 1;
#endif
}
