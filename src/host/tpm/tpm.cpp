// TPM 2.0 through tpm2-tss ESAPI. References: TPM 2.0 Library Part 3 (TPM2_PCR_Read §22.4,
// TPM2_PCR_Extend §22.2, TPM2_CreatePrimary §24.1, TPM2_Quote §18.4).
#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include <cstring>

#include "pqcea/host/tpm.hpp"

namespace pqcea::tpm {
namespace {

void check(TSS2_RC rc, const char* what) {
  if (rc != TSS2_RC_SUCCESS) throw TpmError(std::string(what) + ": " + Tss2_RC_Decode(rc));
}

TPML_PCR_SELECTION pcr_selection_0_7() {
  TPML_PCR_SELECTION sel{};
  sel.count = 1;
  sel.pcrSelections[0].hash = TPM2_ALG_SHA256;
  sel.pcrSelections[0].sizeofSelect = 3;
  sel.pcrSelections[0].pcrSelect[0] = 0xFF;  // PCR 0-7
  return sel;
}

}  // namespace

struct Tpm::Impl {
  TSS2_TCTI_CONTEXT* tcti = nullptr;
  ESYS_CONTEXT* esys = nullptr;
  ESYS_TR ak = ESYS_TR_NONE;
  std::vector<std::uint8_t> ak_point;

  ~Impl() {
    if (esys != nullptr) {
      if (ak != ESYS_TR_NONE) Esys_FlushContext(esys, ak);  // no resource manager: flush ourselves
      Esys_Finalize(&esys);
    }
    if (tcti != nullptr) Tss2_TctiLdr_Finalize(&tcti);
  }
};

Tpm::Tpm(const std::string& tcti) : impl_(std::make_unique<Impl>()) {
  check(Tss2_TctiLdr_Initialize(tcti.c_str(), &impl_->tcti), "TCTI initialize");
  check(Esys_Initialize(&impl_->esys, impl_->tcti, nullptr), "Esys_Initialize");
}

Tpm::~Tpm() = default;

PcrValues Tpm::read_pcrs() {
  PcrValues out{};
  TPML_PCR_SELECTION sel = pcr_selection_0_7();
  UINT32 update_counter = 0;
  TPML_PCR_SELECTION* sel_out = nullptr;
  TPML_DIGEST* values = nullptr;
  check(Esys_PCR_Read(impl_->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &sel, &update_counter, &sel_out, &values),
        "TPM2_PCR_Read");
  const bool ok = values->count == kQuotedPcrs && sel_out->count == 1 &&
                  sel_out->pcrSelections[0].pcrSelect[0] == 0xFF;
  for (UINT32 i = 0; ok && i < values->count; ++i) {
    if (values->digests[i].size != 32) {
      Esys_Free(sel_out);
      Esys_Free(values);
      throw TpmError("TPM2_PCR_Read: unexpected digest size");
    }
    std::memcpy(out[i].data(), values->digests[i].buffer, 32);
  }
  Esys_Free(sel_out);
  Esys_Free(values);
  if (!ok) throw TpmError("TPM2_PCR_Read: TPM did not return PCR 0-7 of the SHA-256 bank");
  return out;
}

void Tpm::extend(int pcr, const Digest& d) {
  if (pcr < 0 || pcr > 23) throw TpmError("PCR index out of range");
  TPML_DIGEST_VALUES digests{};
  digests.count = 1;
  digests.digests[0].hashAlg = TPM2_ALG_SHA256;
  std::memcpy(digests.digests[0].digest.sha256, d.data(), 32);
  check(Esys_PCR_Extend(impl_->esys, static_cast<ESYS_TR>(ESYS_TR_PCR0 + pcr), ESYS_TR_PASSWORD, ESYS_TR_NONE,
                        ESYS_TR_NONE, &digests),
        "TPM2_PCR_Extend");
}

std::vector<std::uint8_t> Tpm::attestation_key() {
  if (impl_->ak != ESYS_TR_NONE) return impl_->ak_point;
  TPM2B_SENSITIVE_CREATE sensitive{};
  TPM2B_PUBLIC in_public{};
  TPMT_PUBLIC& p = in_public.publicArea;
  p.type = TPM2_ALG_ECC;
  p.nameAlg = TPM2_ALG_SHA256;
  // A restricted signing key: the TPM only signs data it produced itself (quotes), never an
  // arbitrary digest that could mimic a quote.
  p.objectAttributes = TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT |
                       TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_SENSITIVEDATAORIGIN;
  p.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
  p.parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
  p.parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
  p.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
  p.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
  TPM2B_DATA outside{};
  TPML_PCR_SELECTION creation_pcr{};
  TPM2B_PUBLIC* out_public = nullptr;
  TPM2B_CREATION_DATA* creation_data = nullptr;
  TPM2B_DIGEST* creation_hash = nullptr;
  TPMT_TK_CREATION* ticket = nullptr;
  check(Esys_CreatePrimary(impl_->esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &sensitive,
                           &in_public, &outside, &creation_pcr, &impl_->ak, &out_public, &creation_data,
                           &creation_hash, &ticket),
        "TPM2_CreatePrimary (attestation key)");
  const TPMS_ECC_POINT& q = out_public->publicArea.unique.ecc;
  std::vector<std::uint8_t> point;
  if (q.x.size == 32 && q.y.size == 32) {
    point.push_back(0x04);
    point.insert(point.end(), q.x.buffer, q.x.buffer + 32);
    point.insert(point.end(), q.y.buffer, q.y.buffer + 32);
  }
  Esys_Free(out_public);
  Esys_Free(creation_data);
  Esys_Free(creation_hash);
  Esys_Free(ticket);
  if (point.empty()) throw TpmError("attestation key: unexpected public point size");
  impl_->ak_point = point;
  return point;
}

Quote Tpm::quote(std::span<const std::uint8_t> nonce) {
  attestation_key();
  TPM2B_DATA qualifying{};
  if (nonce.size() > sizeof qualifying.buffer) throw TpmError("nonce too long for TPM2_Quote");
  qualifying.size = static_cast<UINT16>(nonce.size());
  std::memcpy(qualifying.buffer, nonce.data(), nonce.size());
  TPMT_SIG_SCHEME scheme{};
  scheme.scheme = TPM2_ALG_NULL;  // the key's own scheme: ECDSA with SHA-256
  TPML_PCR_SELECTION sel = pcr_selection_0_7();
  TPM2B_ATTEST* attest = nullptr;
  TPMT_SIGNATURE* sig = nullptr;
  check(Esys_Quote(impl_->esys, impl_->ak, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &qualifying, &scheme, &sel,
                   &attest, &sig),
        "TPM2_Quote");
  Quote q;
  q.attest.assign(attest->attestationData, attest->attestationData + attest->size);
  std::uint8_t buf[sizeof(TPMT_SIGNATURE)];
  std::size_t off = 0;
  TSS2_RC rc = Tss2_MU_TPMT_SIGNATURE_Marshal(sig, buf, sizeof buf, &off);
  Esys_Free(attest);
  Esys_Free(sig);
  check(rc, "marshal TPMT_SIGNATURE");
  q.signature.assign(buf, buf + off);
  return q;
}

}  // namespace pqcea::tpm
