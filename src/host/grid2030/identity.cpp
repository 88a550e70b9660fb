// IEEE 2030.5-2018 §6.3.2-6.3.4 (see the header).
#include "pqcea/host/grid2030/identity.hpp"

#include "pqcea/hash/sha2.hpp"
#include "pqcea/host/der.hpp"
#include "pqcea/host/hex.hpp"

namespace pqcea::grid2030 {

Fingerprint certificate_fingerprint(std::span<const std::uint8_t> certificate_der) {
  // Only the framing is checked here, not the certificate's contents: the identity of an ECDSA
  // certificate that pki:: (ML-DSA only) does not parse is still well defined.
  try {
    const der::Element e = der::parse_single(certificate_der, "certificate");
    if (e.tag != der::tag::kSequence) throw IdentityError("certificate: not a DER SEQUENCE");
  } catch (const der::Error& err) {
    throw IdentityError(std::string("certificate: ") + err.what());
  }
  Fingerprint out{};
  hash::Sha256 h;
  h.update(certificate_der);
  h.final(out.data());
  return out;
}

DeviceIdentity identity_from_certificate(std::span<const std::uint8_t> certificate_der) {
  DeviceIdentity id;
  id.fingerprint = certificate_fingerprint(certificate_der);
  id.lfdi = lfdi_from_fingerprint(id.fingerprint);
  id.sfdi = sfdi_from_lfdi(id.lfdi);
  return id;
}

Lfdi lfdi_from_fingerprint(const Fingerprint& fingerprint) {
  Lfdi lfdi{};
  for (std::size_t i = 0; i < lfdi.size(); ++i) lfdi[i] = fingerprint[i];
  return lfdi;
}

unsigned sfdi_check_digit(std::uint64_t value) {
  unsigned sum = 0;
  for (; value != 0; value /= 10) sum += static_cast<unsigned>(value % 10);
  return (10 - sum % 10) % 10;
}

std::uint64_t sfdi_from_lfdi(const Lfdi& lfdi) {
  // Left truncation to 36 bits: the first four and a half octets.
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 5; ++i) v = (v << 8) | lfdi[i];
  v >>= 4;
  return v * 10 + sfdi_check_digit(v);
}

bool sfdi_is_valid(std::uint64_t sfdi) {
  if (sfdi > kMaxSfdi) return false;
  return sfdi_check_digit(sfdi / 10) == sfdi % 10;
}

std::string lfdi_to_hex(const Lfdi& lfdi) { return host::hex_encode(lfdi, host::HexCase::upper); }

std::string lfdi_to_display(const Lfdi& lfdi) {
  const std::string hex = lfdi_to_hex(lfdi);
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 4) {
    if (i != 0) out += '-';
    out.append(hex, i, 4);
  }
  return out;
}

std::optional<Lfdi> lfdi_from_hex(std::string_view text) {
  std::string digits;
  if (text.size() == 49) {  // display form: ten groups of four, nine separators
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (i % 5 == 4) {
        if (text[i] != '-') return std::nullopt;
      } else {
        digits += text[i];
      }
    }
  } else if (text.size() == 40) {
    digits = text;
  } else {
    return std::nullopt;
  }
  Lfdi lfdi{};
  if (!host::hex_decode_into(digits, lfdi)) return std::nullopt;
  return lfdi;
}

}  // namespace pqcea::grid2030
