// libFuzzer target for the verifier's TPM 2.0 quote check (src/host/tpm/quote_verify.cpp): the
// TPMT_SIGNATURE and TPMS_ATTEST (TPM2B fields, PCR selection) that travel inside the evidence.
//
// verify_quote unmarshals TPMS_ATTEST only after the ECDSA signature verified, so the target signs:
//   byte 0   mode: even = the signature bytes come from the input (unmarshalling of
//            TPMT_SIGNATURE), odd = the target signs the attest bytes with its attestation key
//            (unmarshalling and checking of TPMS_ATTEST);
//   byte 1   nonce length (mod 65), then the nonce;
//   even:    u16 big-endian signature length, the marshalled TPMT_SIGNATURE, then the attest bytes;
//   odd:     the attest bytes.
// The claimed PCR values are all zero (a seed carries their digest). Properties, with a trap:
//  1. a quote with a signature the key never made is never accepted;
//  2. an accepted quote really is a TPM_GENERATED quote over PCR 0-7 of SHA-256 with the nonce as
//     qualifying data and the digest of the claimed values, and its bytes unmarshal exactly.
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <tss2/tss2_mu.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/tpm.hpp"

namespace {

namespace tpm = pqcea::tpm;
using Bytes = std::vector<std::uint8_t>;

[[noreturn]] void broken() { __builtin_trap(); }

// One P-256 attestation key per process (the properties do not depend on which key).
struct Ak {
  EVP_PKEY* key = nullptr;
  Bytes point;  // 04 || x || y
  Ak() {
    key = EVP_EC_gen("P-256");
    if (key == nullptr) broken();
    point.resize(65);
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key, "encoded-pub-key", point.data(), point.size(), &len) != 1 || len != 65)
      broken();
  }
};
const Ak& ak() {
  static const Ak k;
  return k;
}

// ECDSA-SHA256 over `msg`, as the TPM marshals it (TPMT_SIGNATURE, TPM2_ALG_ECDSA).
Bytes sign(std::span<const std::uint8_t> msg) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  std::array<std::uint8_t, 80> der{};
  std::size_t der_len = der.size();
  if (md == nullptr || EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, ak().key) != 1 ||
      EVP_DigestSign(md, der.data(), &der_len, msg.data(), msg.size()) != 1)
    broken();
  EVP_MD_CTX_free(md);
  const unsigned char* p = der.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len));
  if (sig == nullptr) broken();
  TPMT_SIGNATURE t{};
  t.sigAlg = TPM2_ALG_ECDSA;
  t.signature.ecdsa.hash = TPM2_ALG_SHA256;
  t.signature.ecdsa.signatureR.size = 32;
  t.signature.ecdsa.signatureS.size = 32;
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig), t.signature.ecdsa.signatureR.buffer, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig), t.signature.ecdsa.signatureS.buffer, 32) != 32)
    broken();
  ECDSA_SIG_free(sig);
  Bytes out(sizeof(TPMT_SIGNATURE));
  std::size_t off = 0;
  if (Tss2_MU_TPMT_SIGNATURE_Marshal(&t, out.data(), out.size(), &off) != TSS2_RC_SUCCESS) broken();
  out.resize(off);
  return out;
}

// Property 2.
void check_accepted(const tpm::Quote& q, std::span<const std::uint8_t> nonce, const tpm::PcrValues& claimed) {
  TPMS_ATTEST a{};
  std::size_t off = 0;
  if (Tss2_MU_TPMS_ATTEST_Unmarshal(q.attest.data(), q.attest.size(), &off, &a) != TSS2_RC_SUCCESS ||
      off != q.attest.size())
    broken();
  if (a.magic != TPM2_GENERATED_VALUE || a.type != TPM2_ST_ATTEST_QUOTE || a.extraData.size != nonce.size() ||
      std::memcmp(a.extraData.buffer, nonce.data(), nonce.size()) != 0)
    broken();
  const TPML_PCR_SELECTION& sel = a.attested.quote.pcrSelect;
  if (sel.count != 1 || sel.pcrSelections[0].hash != TPM2_ALG_SHA256 || sel.pcrSelections[0].pcrSelect[0] != 0xFF)
    broken();
  for (unsigned i = 1; i < sel.pcrSelections[0].sizeofSelect; ++i)
    if (sel.pcrSelections[0].pcrSelect[i] != 0) broken();
  pqcea::hash::Sha256 h;
  for (const auto& d : claimed) h.update(d);
  std::uint8_t digest[32];
  h.final(digest);
  if (a.attested.quote.pcrDigest.size != 32 || std::memcmp(a.attested.quote.pcrDigest.buffer, digest, 32) != 0)
    broken();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const bool self_signed = (data[0] & 1) != 0;
  std::span<const std::uint8_t> in(data + 2, size - 2);
  const std::size_t nonce_len = data[1] % 65u;
  if (in.size() < nonce_len) return 0;
  const std::span<const std::uint8_t> nonce = in.first(nonce_len);
  in = in.subspan(nonce_len);

  tpm::Quote q;
  if (self_signed) {
    q.attest.assign(in.begin(), in.end());
    q.signature = sign(q.attest);
  } else {
    if (in.size() < 2) return 0;
    const std::size_t sig_len = std::min<std::size_t>((std::size_t{in[0]} << 8) | in[1], in.size() - 2);
    q.signature.assign(in.begin() + 2, in.begin() + 2 + static_cast<std::ptrdiff_t>(sig_len));
    q.attest.assign(in.begin() + 2 + static_cast<std::ptrdiff_t>(sig_len), in.end());
  }
  const tpm::PcrValues claimed{};
  const std::string why = tpm::verify_quote(ak().point, q, nonce, claimed);
  if (why.empty()) {
    if (!self_signed) broken();  // property 1
    check_accepted(q, nonce, claimed);
  }
  // A wrong key never accepts (also exercises the key decoding on a bad point).
  Bytes other = ak().point;
  other[64] ^= 1;
  if (tpm::verify_quote(other, q, nonce, claimed).empty()) broken();
  return 0;
}
