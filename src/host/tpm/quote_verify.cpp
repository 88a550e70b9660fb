// Verifier-side check of a TPM2_Quote (TPM 2.0 Library Part 2 §10.12 TPMS_ATTEST,
// §10.12.1 TPMS_QUOTE_INFO): signature, magic, type, qualifying data, PCR selection and digest.
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <tss2/tss2_mu.h>

#include <cstring>
#include <memory>

#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/tpm.hpp"

namespace pqcea::tpm {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey p256_public_key(std::span<const std::uint8_t> point) {
  if (point.size() != 65 || point[0] != 0x04) return nullptr;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* key = nullptr;
  if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx) != 1 ||
      EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
    key = nullptr;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  return Pkey(key);
}

bool ecdsa_verify(EVP_PKEY* key, std::span<const std::uint8_t> msg, const TPMS_SIGNATURE_ECDSA& s) {
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(s.signatureR.buffer, s.signatureR.size, nullptr);
  BIGNUM* ss = BN_bin2bn(s.signatureS.buffer, s.signatureS.size, nullptr);
  if (sig == nullptr || r == nullptr || ss == nullptr || ECDSA_SIG_set0(sig, r, ss) != 1) {
    BN_free(r);
    BN_free(ss);
    ECDSA_SIG_free(sig);
    return false;
  }
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (der_len <= 0) return false;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok = md != nullptr && EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(md, der, static_cast<std::size_t>(der_len), msg.data(), msg.size()) == 1;
  EVP_MD_CTX_free(md);
  OPENSSL_free(der);
  return ok;
}

}  // namespace

std::string verify_quote(std::span<const std::uint8_t> ak_point, const Quote& quote, std::span<const std::uint8_t> nonce,
                         const PcrValues& claimed) {
  // tss2-mu writes an ERROR line to stderr for a null buffer (what an empty vector's data() is),
  // so empty fields would let any client write to the verifier's log (found by fuzz_tpm_quote).
  if (quote.signature.empty()) return "malformed TPM signature";
  if (quote.attest.empty()) return "malformed TPMS_ATTEST";
  Pkey key = p256_public_key(ak_point);
  if (!key) return "attestation key is not a valid P-256 point";

  TPMT_SIGNATURE sig{};
  std::size_t off = 0;
  if (Tss2_MU_TPMT_SIGNATURE_Unmarshal(quote.signature.data(), quote.signature.size(), &off, &sig) !=
          TSS2_RC_SUCCESS ||
      off != quote.signature.size())
    return "malformed TPM signature";
  if (sig.sigAlg != TPM2_ALG_ECDSA || sig.signature.ecdsa.hash != TPM2_ALG_SHA256)
    return "TPM signature is not ECDSA with SHA-256";
  if (!ecdsa_verify(key.get(), quote.attest, sig.signature.ecdsa)) return "TPM quote signature invalid";

  TPMS_ATTEST attest{};
  off = 0;
  if (Tss2_MU_TPMS_ATTEST_Unmarshal(quote.attest.data(), quote.attest.size(), &off, &attest) != TSS2_RC_SUCCESS ||
      off != quote.attest.size())
    return "malformed TPMS_ATTEST";
  if (attest.magic != TPM2_GENERATED_VALUE) return "TPMS_ATTEST magic is not TPM_GENERATED_VALUE";
  if (attest.type != TPM2_ST_ATTEST_QUOTE) return "TPMS_ATTEST is not a quote";
  if (attest.extraData.size != nonce.size() || std::memcmp(attest.extraData.buffer, nonce.data(), nonce.size()) != 0)
    return "TPM quote qualifying data does not match the nonce";
  const TPML_PCR_SELECTION& sel = attest.attested.quote.pcrSelect;
  if (sel.count != 1 || sel.pcrSelections[0].hash != TPM2_ALG_SHA256 || sel.pcrSelections[0].sizeofSelect < 1 ||
      sel.pcrSelections[0].pcrSelect[0] != 0xFF ||
      (sel.pcrSelections[0].sizeofSelect > 1 && sel.pcrSelections[0].pcrSelect[1] != 0) ||
      (sel.pcrSelections[0].sizeofSelect > 2 && sel.pcrSelections[0].pcrSelect[2] != 0))
    return "TPM quote does not cover exactly PCR 0-7 of the SHA-256 bank";
  hash::Sha256 h;
  for (const auto& d : claimed) h.update(d.data(), d.size());
  std::uint8_t digest[32];
  h.final(digest);
  const TPM2B_DIGEST& qd = attest.attested.quote.pcrDigest;
  if (qd.size != 32 || std::memcmp(qd.buffer, digest, 32) != 0) return "claimed PCR values do not match the quote";
  return "";
}

}  // namespace pqcea::tpm
