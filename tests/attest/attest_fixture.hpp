// A complete, deterministic claims set used by the attestation tests, the token writer for the
// independent-decoder check (check_token_cbor2.py recomputes every value below on its own) and
// the fuzz seed corpus. Keep the values in step with check_token_cbor2.py.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "pqcea/attest/claims.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"

namespace pqcea::test {

struct ClaimsFixture {
  std::vector<std::uint8_t> nonce, ueid, oemid, hwmodel, bootseed;
  std::array<std::array<std::uint8_t, 32>, 8> pcr{};
  std::array<std::uint8_t, 32> bl2{}, app{}, pcr_digest{};
  std::vector<std::uint8_t> tpm_attest, tpm_signature, ak_public;
  std::array<std::string, 8> pcr_names;
  attest::Claims claims;

  // full = every optional claim present; otherwise only the mandatory ones.
  explicit ClaimsFixture(bool full = true) {
    for (int i = 0; i < 32; ++i) nonce.push_back(static_cast<std::uint8_t>(i));           // 00 01 .. 1f
    ueid.push_back(attest::kUeidRand);
    for (int i = 0; i < 16; ++i) ueid.push_back(static_cast<std::uint8_t>(0xA0 + i));    // 01 a0 .. af
    oemid = {0x00, 0x1B, 0x63};
    const std::string model = "pqcea-meter-m33";
    hwmodel.assign(model.begin(), model.end());
    for (int i = 0; i < 32; ++i) bootseed.push_back(static_cast<std::uint8_t>(0x80 + i));  // 80 .. 9f

    // PCR i = SHA-256("pcr<i>"); bl2 = SHA-256("bl2-image"); app = SHA3-256("app-image");
    // pcr digest = SHA-256(PCR0 || ... || PCR7), as TPM2_Quote computes it.
    hash::Sha256 all;
    for (int i = 0; i < 8; ++i) {
      const std::string s = "pcr" + std::to_string(i);
      hash::Sha256::hash(pcr[static_cast<std::size_t>(i)].data(), reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
      all.update(pcr[static_cast<std::size_t>(i)].data(), 32);
      pcr_names[static_cast<std::size_t>(i)] = s;
    }
    all.final(pcr_digest.data());
    const std::string b = "bl2-image", a = "app-image";
    hash::Sha256::hash(bl2.data(), reinterpret_cast<const std::uint8_t*>(b.data()), b.size());
    hash::Sha3_256::hash(app.data(), reinterpret_cast<const std::uint8_t*>(a.data()), a.size());

    const std::string att = "TPMS_ATTEST-test", sig = "TPMT_SIGNATURE-test";
    tpm_attest.assign(att.begin(), att.end());
    tpm_signature.assign(sig.begin(), sig.end());
    ak_public.push_back(0x04);
    for (int i = 0; i < 64; ++i) ak_public.push_back(static_cast<std::uint8_t>(i));

    attest::Claims& c = claims;
    c.nonce = nonce;
    c.ueid = ueid;
    c.oemid = oemid;
    c.hwmodel = hwmodel;
    c.swname = "pqcea-device-app";
    c.swversion = {"1.4.2", attest::kVersionSchemeSemver};
    c.dbgstat = attest::DbgStat::disabled_permanently;
    std::size_t n = 0;
    c.measurements[n++] = {"bl2", "1.0.0", {attest::kHashSha256, bl2}, false, 0};
    c.measurements[n++] = {"app", "1.4.2", {attest::kHashSha3_256, app}, false, 0};
    if (full) {
      for (int i = 0; i < 8; ++i) {
        c.measurements[n++] = {pcr_names[static_cast<std::size_t>(i)], {}, {attest::kHashSha256, pcr[static_cast<std::size_t>(i)]},
                               true, static_cast<std::uint8_t>(i)};
      }
      c.has_bootcount = true;
      c.bootcount = 42;
      c.bootseed = bootseed;
      c.has_tpm_quote = true;
      c.tpm_quote.attest = tpm_attest;
      c.tpm_quote.signature = tpm_signature;
      c.tpm_quote.pcr_digest = {attest::kHashSha256, pcr_digest};
      c.tpm_quote.pcr_select = 0xFF;
      c.tpm_quote.ak_public = ak_public;
    }
    c.measurement_count = n;
  }
  ClaimsFixture(const ClaimsFixture&) = delete;
  ClaimsFixture& operator=(const ClaimsFixture&) = delete;
};

}  // namespace pqcea::test
