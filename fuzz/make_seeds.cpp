// Writes the valid samples of the committed seed corpora (fuzz/corpus/<target>/), made with the
// project's own code: real tokens, certificates, images, key files and requests. Hand-made edge
// cases live next to them as committed files (named edge-*); this tool never touches those.
//
//   fuzz_make_seeds DIR     (DIR = fuzz/corpus; run from build-fuzz/bin, see docs/fuzzing.md)
//
// Keys come from fixed seeds where the API allows it, so most files come out byte-identical on
// every run; Falcon and hedged signatures vary (their corpora still hold valid samples).
#include <tss2/tss2_mu.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "../tests/attest/attest_fixture.hpp"
#include "../tests/attest/mldsa_device.hpp"
#include "pqcea/attest/token.hpp"
#include "pqcea/boot/image.hpp"
#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/boot_image.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/host/csr.hpp"
#include "pqcea/host/pki.hpp"
#include "pqcea/host/stateful.hpp"
#include "host/service/internal.hpp"
#include "host/verifier/signed_result.hpp"

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;
namespace pki = pqcea::pki;
namespace boot = pqcea::boot;
namespace st = pqcea::host::stateful;

fs::path g_root;
int g_files = 0;

void put(const std::string& target, const std::string& name, std::span<const std::uint8_t> bytes) {
  const fs::path dir = g_root / target;
  fs::create_directories(dir);
  std::ofstream f(dir / name, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) {
    std::fprintf(stderr, "fuzz_make_seeds: cannot write %s/%s\n", target.c_str(), name.c_str());
    std::exit(1);
  }
  ++g_files;
}
void put(const std::string& target, const std::string& name, const std::string& text) {
  put(target, name, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}
Bytes prefixed(std::uint8_t first, std::span<const std::uint8_t> rest) {
  Bytes b{first};
  b.insert(b.end(), rest.begin(), rest.end());
  return b;
}
Bytes read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), {});
}
std::array<std::uint8_t, 32> seed_of(std::uint8_t b) {
  std::array<std::uint8_t, 32> s{};
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<std::uint8_t>(b + i);
  return s;
}

// ---- evidence: full and mandatory-only ML-DSA-87 tokens and their payloads ---------------------
Bytes g_token;  // the full token, reused in the HTTP requests
void tokens() {
  const pqcea::test::MlDsaDevice<pqcea::mldsa::MlDsa87> dev(0x10);
  auto signer = dev.signer();
  for (const bool full : {true, false}) {
    pqcea::test::ClaimsFixture fx(full);
    Bytes token(pqcea::attest::kMaxTokenSize);
    Bytes scratch(pqcea::attest::kScratchSize);
    std::size_t len = 0;
    if (pqcea::attest::build_token(fx.claims, signer, dev.kid, scratch, token, len) != pqcea::Status::ok) std::exit(1);
    token.resize(len);
    pqcea::cose::Sign1 msg;
    if (pqcea::attest::decode_token(token, msg) != pqcea::Status::ok) std::exit(1);
    const std::string tag = full ? "full" : "mandatory";
    put("fuzz_token_parser", "token-" + tag, token);
    put("fuzz_token_parser", "payload-" + tag, msg.payload);
    if (full) g_token = token;
  }
}

// ---- PKI: a root, a device certificate, SPKI, PKCS#8 seed key, PEM ----------------------------
std::string g_device_pem;
void pki_samples() {
  auto root_key = pki::mldsa_signer(pki::Algorithm::MlDsa87, seed_of(0x20), pki::SigningMode::deterministic);
  const pki::Validity validity{1735689600, 2051222400};  // 2025-01-01 .. 2035-01-01
  auto ca = pki::CertificateAuthority::create_root({"DE", "PQCEA fuzz", "", "Fuzz Root", ""}, validity, root_key, 1);
  const pqcea::test::MlDsaDevice<pqcea::mldsa::MlDsa44> dev(0x30);
  pki::DeviceRequest req;
  req.device_id = "meter-0001";
  req.algorithm = pki::Algorithm::MlDsa44;
  req.public_key = dev.pk;
  req.validity = validity;
  req.san_uri = "urn:pqcea:device:meter-0001";
  req.san_dns_name = "meter-0001.example";
  const pki::Certificate leaf = ca.issue_device(req);
  put("fuzz_der_x509", "root.der", ca.certificate().der);
  put("fuzz_der_x509", "device.der", leaf.der);
  put("fuzz_der_x509", "device-spki.der", pki::encode_spki(pki::Algorithm::MlDsa44, dev.pk));
  put("fuzz_der_x509", "pkcs8-seed.der", pki::encode_private_key_seed(pki::Algorithm::MlDsa87, seed_of(0x20)));
  g_device_pem = pki::to_pem(leaf.der, "CERTIFICATE");
  put("fuzz_der_x509", "device.pem", g_device_pem);
  // A station's PKCS#10 request with an extensionRequest and another attribute (docs/pki.md).
  auto station_key = pki::mldsa_signer(pki::Algorithm::MlDsa44, seed_of(0x31), pki::SigningMode::deterministic);
  const std::vector<pki::Extension> asked = {{std::string(pki::oid::kKeyUsage), true, pqcea::der::named_bit_string(pki::kDigitalSignature)}};
  const std::pair<std::string, pki::Bytes> attrs[] = {
      pki::extension_request_attribute(asked),
      {"1.2.840.113549.1.9.7", pqcea::der::set_of({pqcea::der::utf8_string("challenge")})}};
  put("fuzz_der_x509", "station-csr.der", pki::build_csr({"", "PQCEA fuzz", "", "CS-0001", ""}, *station_key, attrs));
}

// ---- policy -------------------------------------------------------------------------------------
const std::string kPolicy = R"({"version":1,"models":{"pqcea-meter-m33":{"min_swversion":"1.2.0","allow_debug":false,)"
                            R"("require_tpm":true,"firmware":{"1.2.0":{"components":{"bl2":{"alg":"sha-256","digest":)"
                            R"("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"},"app":{"alg":"sha3-256",)"
                            R"("digest":"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"}},"pcrs":{"0":)"
                            R"("0000000000000000000000000000000000000000000000000000000000000000"}}}}}})";
void policies() { put("fuzz_policy", "policy.json", kPolicy); }

// ---- signed results: a real batch of three, signed with ML-DSA-87, and EAR payloads ------------
const std::string kEar = R"({"eat_profile":"tag:github.com,2023:veraison/ear","iat":1767225600,)"
                         R"("ear.verifier-id":{"developer":"pqcea","build":"pqcea-verifier"},"submods":)"
                         R"({"meter-0001":{"ear.status":"affirming","ear.trustworthiness-vector":)"
                         R"({"instance-identity":2,"executables":2,"hardware":2}}}})";
void signed_results() {
  const pqcea::test::MlDsaDevice<pqcea::mldsa::MlDsa87> verifier(0x40);
  auto signer = verifier.signer();
  const std::string other = R"({"ear.status":"contraindicated"})";
  const std::array<std::span<const std::uint8_t>, 3> leaves = {
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(kEar.data()), kEar.size()),
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(other.data()), other.size()),
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(kEar.data()), 2)};
  pqcea::verifier::MerkleTree tree(leaves);
  const auto root = tree.root();
  Bytes scratch(pqcea::cose::sig_structure_size(signer.alg(), root.size()));
  Bytes token(scratch.size() + signer.signature_size() + 128);
  std::size_t len = 0;
  if (pqcea::cose::sign1(signer, verifier.kid, root, scratch, token, len) != pqcea::Status::ok) std::exit(1);
  token.resize(len);
  for (std::size_t i = 0; i < leaves.size(); ++i)
    put("fuzz_signed_result", "received-" + std::to_string(i),
        prefixed(0, pqcea::verifier::encode_signed_result(leaves[i], i, tree, token)));
  // Odd first byte: the EAR alone, batched by the target (count and index from that byte).
  const std::span<const std::uint8_t> ear(reinterpret_cast<const std::uint8_t*>(kEar.data()), kEar.size());
  put("fuzz_signed_result", "ear-alone", prefixed(0x01, ear));
  put("fuzz_signed_result", "ear-batch5-index2", prefixed(0x29, ear));
}

// ---- TPM quotes: a TPMS_ATTEST quote over PCR 0-7 (all zero) with a 32-byte nonce -------------
void tpm_quotes() {
  TPMS_ATTEST a{};
  a.magic = TPM2_GENERATED_VALUE;
  a.type = TPM2_ST_ATTEST_QUOTE;
  a.qualifiedSigner.size = 34;
  a.qualifiedSigner.name[0] = 0x00;
  a.qualifiedSigner.name[1] = 0x0B;  // TPM2_ALG_SHA256 name
  a.extraData.size = 32;
  for (std::uint8_t i = 0; i < 32; ++i) a.extraData.buffer[i] = i;
  a.clockInfo.clock = 123456;
  a.clockInfo.safe = 1;
  a.firmwareVersion = 0x2019;
  a.attested.quote.pcrSelect.count = 1;
  a.attested.quote.pcrSelect.pcrSelections[0].hash = TPM2_ALG_SHA256;
  a.attested.quote.pcrSelect.pcrSelections[0].sizeofSelect = 3;
  a.attested.quote.pcrSelect.pcrSelections[0].pcrSelect[0] = 0xFF;
  pqcea::hash::Sha256 h;
  const std::array<std::uint8_t, 32> zero{};
  for (int i = 0; i < 8; ++i) h.update(zero);
  a.attested.quote.pcrDigest.size = 32;
  h.final(a.attested.quote.pcrDigest.buffer);
  Bytes attest(sizeof(TPMS_ATTEST));
  std::size_t off = 0;
  if (Tss2_MU_TPMS_ATTEST_Marshal(&a, attest.data(), attest.size(), &off) != TSS2_RC_SUCCESS) std::exit(1);
  attest.resize(off);
  // Odd: signed by the target. Byte 1 = nonce length.
  Bytes signed_seed = {0x01, 32};
  signed_seed.insert(signed_seed.end(), a.extraData.buffer, a.extraData.buffer + 32);
  signed_seed.insert(signed_seed.end(), attest.begin(), attest.end());
  put("fuzz_tpm_quote", "quote-signed", signed_seed);
  // Even: a well-formed TPMT_SIGNATURE the key never made, then the same attest.
  TPMT_SIGNATURE s{};
  s.sigAlg = TPM2_ALG_ECDSA;
  s.signature.ecdsa.hash = TPM2_ALG_SHA256;
  s.signature.ecdsa.signatureR.size = 32;
  s.signature.ecdsa.signatureS.size = 32;
  for (int i = 0; i < 32; ++i) s.signature.ecdsa.signatureR.buffer[i] = s.signature.ecdsa.signatureS.buffer[i] = 0x11;
  Bytes sig(sizeof(TPMT_SIGNATURE));
  off = 0;
  if (Tss2_MU_TPMT_SIGNATURE_Marshal(&s, sig.data(), sig.size(), &off) != TSS2_RC_SUCCESS) std::exit(1);
  sig.resize(off);
  Bytes raw = {0x00, 32};
  raw.insert(raw.end(), a.extraData.buffer, a.extraData.buffer + 32);
  raw.push_back(static_cast<std::uint8_t>(sig.size() >> 8));
  raw.push_back(static_cast<std::uint8_t>(sig.size()));
  raw.insert(raw.end(), sig.begin(), sig.end());
  raw.insert(raw.end(), attest.begin(), attest.end());
  put("fuzz_tpm_quote", "quote-foreign-signature", raw);
}

// ---- boot images (format 1 ML-DSA-87, format 2 SLH-DSA / Falcon / HSS) and image key files -----
void boot_images(const fs::path& tmp) {
  const Bytes payload = {0x00, 0x80, 0x00, 0x20, 0x09, 0x01, 0x00, 0x10, 'p', 'q', 'c', 'e', 'a', 0, 0, 0};
  boot::ImageParams params;
  params.load_address = 0x10000000;
  params.version = {1, 2, 3, 4};
  params.security_counter = 7;
  const auto seed = seed_of(0x50);
  Bytes v1(boot::kManifestSize + payload.size() + boot::kTrailerSize);
  if (boot::build_image(v1, params, payload, seed) != pqcea::Status::ok) std::exit(1);
  put("fuzz_boot_image", "image-v1-mldsa87", v1);
  put("fuzz_boot_image", "key-mldsa87-seed", seed);
  params.digest_alg = boot::kDigestSha3_256;
  for (const char* alg : {"SLH-DSA-SHA2-128s", "Falcon-1024", "LMS_SHA256_M24_H5/LMOTS_SHA256_N24_W8"}) {
    const std::string key = (tmp / (std::string("key-") + std::to_string(g_files))).string();
    const auto choice = pqcea::host::boot_image::parse_algorithm(alg);
    (void)pqcea::host::boot_image::keygen(choice, key, pqcea::host::system_rng());
    const Bytes image = pqcea::host::boot_image::sign_image(key, params, payload);
    const std::string name = choice.alg->name;
    put("fuzz_boot_image", "image-v2-" + name, image);
    if (choice.alg->family != boot::SigFamily::hss) put("fuzz_boot_image", "key-" + name, read_file(key));
  }
}

// ---- stateful key files: HSS (two small levels), XMSS, XMSS^MT ---------------------------------
void key_files(const fs::path& tmp) {
  const auto seed = seed_of(0x60);
  std::array<std::uint8_t, pqcea::lms::kIdBytes> I{};
  const std::string hss = (tmp / "hss").string();
  st::HssSigner::generate_from_seed(hss, st::parse_hss_levels("LMS_SHA256_M32_H5/LMOTS_SHA256_N32_W8,"
                                                              "LMS_SHA256_M24_H5/LMOTS_SHA256_N24_W8"),
                                    seed, I);
  const std::string xmss = (tmp / "xmss").string();
  st::XmssSigner::generate_from_seeds(xmss, *pqcea::xmss::find_by_name("XMSS-SHA2_10_256"), seed, seed, seed);
  const std::string mt = (tmp / "xmssmt").string();
  st::XmssSigner::generate_from_seeds(mt, *pqcea::xmss::find_by_name("XMSSMT-SHA2_20/4_256"), seed, seed, seed);
  for (const auto& [name, path] : {std::pair{"hss", hss}, {"xmss", xmss}, {"xmssmt", mt}}) {
    const Bytes file = read_file(path);
    put("fuzz_stateful_keyfile", std::string(name) + "-as-found", prefixed(0x00, file));
    put("fuzz_stateful_keyfile", std::string(name) + "-checksum-fixed", prefixed(0x01, file));
  }
}

// ---- HTTP requests to the verifier API ----------------------------------------------------------
std::string request(const std::string& head, const std::string& body) {
  return head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out + "\"";
}
void http_requests() {
  const std::string t = "fuzz_http_api";
  const std::string host = "Host: 127.0.0.1\r\n";
  put(t, "healthz", "GET /healthz HTTP/1.1\r\n" + host + "\r\n");
  put(t, "metrics", "GET /metrics HTTP/1.1\r\n" + host + "\r\n");
  put(t, "verifier-key", "GET /v1/verifier-key HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
  put(t, "challenge", request("POST /v1/challenge HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n",
                              R"({"device_id":"meter-0001"})"));
  put(t, "attest-cose", request("POST /v1/attest HTTP/1.1\r\n" + host + "Content-Type: application/cose\r\n",
                                std::string(g_token.begin(), g_token.end())));
  put(t, "attest-json", request("POST /v1/attest HTTP/1.1\r\n" + host + "Content-Type: application/json; charset=utf-8\r\n",
                                R"({"evidence":")" + pqcea::service::detail::base64_encode(g_token) + "\"}"));
  put(t, "device", "GET /v1/devices/meter-0001 HTTP/1.1\r\n" + host + "\r\n");
  put(t, "result", "GET /v1/results/0123456789abcdef0123456789abcdef HTTP/1.1\r\n" + host + "\r\n");
  put(t, "register", request("POST /v1/admin/devices HTTP/1.1\r\n" + host + "Authorization: Bearer @ADMIN@\r\n"
                             "Content-Type: application/json\r\n",
                             R"({"device_id":"meter-0001","model":"pqcea-meter-m33","certificate":)" +
                                 json_string(g_device_pem) + "}"));
  put(t, "policy", request("PUT /v1/admin/policy HTTP/1.1\r\n" + host + "Authorization: Bearer @ADMIN@\r\n"
                           "Content-Type: application/json\r\n",
                           R"({"document":)" + json_string(kPolicy) + R"(,"signature":"AAAA"})"));
  put(t, "revoke", request("POST /v1/admin/devices/meter-0001/revoke HTTP/1.1\r\n" + host +
                               "Authorization: Bearer @ADMIN@\r\n",
                           ""));
  put(t, "pipelined", "GET /healthz HTTP/1.1\r\n" + host + "\r\n" +
                          request("POST /v1/challenge HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n",
                                  R"({"device_id":"x"})"));
  put(t, "chunked", "POST /v1/challenge HTTP/1.1\r\n" + host +
                        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
                        "5\r\n{\"dev\r\n15\r\nice_id\":\"meter-0001\"}\r\n0\r\n\r\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_seeds CORPUS_DIR (fuzz/corpus)\n");
    return 2;
  }
  g_root = argv[1];
  std::string tmpl = (fs::temp_directory_path() / "pqcea-make-seeds-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) return 1;
  const fs::path tmp = tmpl;
  tokens();
  pki_samples();
  policies();
  signed_results();
  tpm_quotes();
  boot_images(tmp);
  key_files(tmp);
  http_requests();
  fs::remove_all(tmp);
  std::printf("fuzz_make_seeds: %d files under %s\n", g_files, g_root.c_str());
  return 0;
}
