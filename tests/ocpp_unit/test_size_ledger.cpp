// The size ledger's invariants (docs/ocpp.md, "Size ledger"), on objects built fresh by the
// product's code: every standard field holds a classical object within its OCPP 2.0.1 schema limit,
// every post-quantum object and whole frame fits kMaxFrameBytes, and an ML-DSA-87 certificate does
// not fit a 5,500-character field (the reason for the dual track).
#include <gtest/gtest.h>

#include "pqcea/host/ocpp/rpc.hpp"
#include "pqcea/host/ocpp/size_ledger.hpp"

using namespace pqcea::ocpp;

namespace {

const ledger::Ledger& the_ledger() {
  static const ledger::Ledger l = ledger::build();
  return l;
}

std::size_t size_at(const std::string& field, std::size_t column) {
  const auto* r = the_ledger().find(field);
  if (r == nullptr || !r->cells[column].size) {
    ADD_FAILURE() << "no measurement for " << field << " column " << column;
    return 0;
  }
  return *r->cells[column].size;
}

constexpr std::size_t kMlDsa44 = 0, kMlDsa65 = 1, kMlDsa87 = 2, kFalcon1024 = 3;

}  // namespace

TEST(SizeLedger, InvariantsHold) { EXPECT_EQ(ledger::check_invariants(the_ledger()), ""); }

TEST(SizeLedger, StandardFieldsHoldClassicalObjectsThatFit) {
  EXPECT_LE(size_at("`csr` (classical P-256 PKCS#10, PEM)", kMlDsa87), limit::kCsr);
  EXPECT_LE(size_at("`certificateChain` (classical leaf + CA, PEM)", kMlDsa87), limit::kCertificateChain);
  EXPECT_LE(size_at("`firmware.signingCertificate` (classical P-256, PEM)", kFalcon1024), limit::kSigningCertificate);
  EXPECT_LE(size_at("`firmware.signature` (ECDSA over SHA-256 of the image, base64)", kMlDsa87),
            limit::kFirmwareSignature);
  for (const auto& r : the_ledger().rows) {
    if (r.kind != ledger::Row::Kind::carried) continue;
    EXPECT_LE(r.limit, kMaxFrameBytes) << r.field;
    for (const auto& c : r.cells)
      if (c.size) {
        EXPECT_LE(*c.size, r.limit) << r.field;
      }
  }
}

TEST(SizeLedger, PostQuantumObjectsFitTheFrameCap) {
  for (auto col : {kMlDsa44, kMlDsa65, kMlDsa87}) {
    EXPECT_LE(size_at("`customData.pqcCsr` (ML-DSA PKCS#10, PEM)", col), kMaxFrameBytes);
    EXPECT_LE(size_at("`customData.pqcCertificateChain` (ML-DSA leaf + CA, PEM)", col), kMaxFrameBytes);
    EXPECT_LE(size_at("whole frame: SignCertificate", col), kMaxFrameBytes);
    EXPECT_LE(size_at("whole frame: CertificateSigned", col), kMaxFrameBytes);
  }
  EXPECT_LE(size_at("whole frame: DataTransfer AttestationEvidence", kMlDsa87), kMaxFrameBytes);
  // The frame carries the objects: it is larger than the two of them together.
  EXPECT_GT(size_at("whole frame: DataTransfer AttestationEvidence", kMlDsa87),
            size_at("`data.evidence` (COSE_Sign1 EAT, always ML-DSA-87, base64)", kMlDsa87) +
                size_at("`data.certificate` (device certificate, always ML-DSA-87, PEM)", kMlDsa87));
}

TEST(SizeLedger, MlDsa87NeedsTheDualTrack) {
  EXPECT_GT(size_at("what if: ML-DSA leaf certificate in a 5,500 field", kMlDsa87), limit::kCertificate);
  EXPECT_GT(size_at("what if: ML-DSA CSR in `csr`", kMlDsa87), limit::kCsr);
  EXPECT_GT(size_at("what if: ML-DSA chain in `certificateChain`", kMlDsa87), limit::kCertificateChain);
  // No post-quantum signature of the product fits the 800-character firmware signature.
  for (auto col : {kMlDsa44, kMlDsa65, kMlDsa87, kFalcon1024})
    EXPECT_GT(size_at("what if: PQC signature in `firmware.signature` (base64)", col), limit::kFirmwareSignature);
  // Raw sizes are the FIPS 204 / Falcon ones (ML-DSA-87 and Falcon-1024 read from the signed image).
  EXPECT_EQ(size_at("PQC signature, raw bytes (inside the image for ML-DSA-87 / Falcon-1024)", kMlDsa87), 4627u);
  EXPECT_EQ(size_at("PQC public key, raw bytes", kFalcon1024), 1793u);
}

TEST(SizeLedger, FalconHasNoCertificateRows) {
  const auto* r = the_ledger().find("`customData.pqcCsr` (ML-DSA PKCS#10, PEM)");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->cells[kFalcon1024].size);
  EXPECT_EQ(r->cells[kFalcon1024].note, "n/a (no Falcon X.509 in this product)");
}

TEST(SizeLedger, MarkdownMarksOversizedWhatIfRows) {
  const auto md = ledger::to_markdown(the_ledger());
  EXPECT_NE(md.find("| field | carried in | limit | ML-DSA-44 | ML-DSA-65 | ML-DSA-87 | Falcon-1024 | fits? |"),
            std::string::npos);
  const auto at = md.find("| what if: ML-DSA CSR in `csr` |");
  ASSERT_NE(at, std::string::npos);
  const auto line = md.substr(at, md.find('\n', at) - at);
  const auto n = std::to_string(size_at("what if: ML-DSA CSR in `csr`", kMlDsa87));
  const auto shown = n.substr(0, n.size() - 3) + "," + n.substr(n.size() - 3);  // 9983 -> "9,983"
  EXPECT_NE(line.find("ML-DSA-87 " + shown + " > 5,500"), std::string::npos) << line;
  EXPECT_NE(line.find("\u2717"), std::string::npos) << line;  // ✗
}
