// IEEE 2030.5 device identity: certificate fingerprint, LFDI and SFDI (IEEE 2030.5-2018 §6.3).
//
// The same derivation applies to every certificate, classical (ECDSA P-256) or post-quantum
// (ML-DSA): a new certificate therefore means a new LFDI/SFDI (research/grid.md §1, PQC item 5).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pqcea::grid2030 {

class IdentityError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Fingerprint = std::array<std::uint8_t, 32>;  // §6.3.2: SHA-256 over the whole DER certificate
using Lfdi = std::array<std::uint8_t, 20>;         // §6.3.4: fingerprint left-truncated to 160 bits

// The largest SFDI: 36 bits (68719476735) times ten plus a check digit.
inline constexpr std::uint64_t kMaxSfdi = ((std::uint64_t{1} << 36) - 1) * 10 + 9;

struct DeviceIdentity {
  Fingerprint fingerprint{};
  Lfdi lfdi{};
  std::uint64_t sfdi = 0;
  bool operator==(const DeviceIdentity&) const = default;
};

// §6.3.2. `certificate_der` must be exactly one well-formed DER element (a SEQUENCE) with no
// trailing bytes: hashing a PEM file or a certificate with junk appended is a known wrong variant
// and is refused with IdentityError rather than yielding an identity nobody else would compute.
Fingerprint certificate_fingerprint(std::span<const std::uint8_t> certificate_der);
DeviceIdentity identity_from_certificate(std::span<const std::uint8_t> certificate_der);

Lfdi lfdi_from_fingerprint(const Fingerprint& fingerprint);
// §6.3.3: the first 36 bits of the LFDI (equally of the fingerprint) as a decimal number with a
// sum-of-digits check digit appended.
std::uint64_t sfdi_from_lfdi(const Lfdi& lfdi);
// The digit that makes the sum of all digits of `value` and the digit ≡ 0 (mod 10) (§6.3.3).
unsigned sfdi_check_digit(std::uint64_t value);
// Input validation per §6.3.3: at most 36 bits before the check digit and digit sum ≡ 0 (mod 10).
bool sfdi_is_valid(std::uint64_t sfdi);

// 40 upper-case hex digits without separators: the form the lFDI / deviceLFDI XML fields carry.
std::string lfdi_to_hex(const Lfdi& lfdi);
// The display form of §6.3.4: groups of four hex digits joined by '-'.
std::string lfdi_to_display(const Lfdi& lfdi);
// Strict: exactly 40 hex digits (either case), optionally in the §6.3.4 display grouping.
std::optional<Lfdi> lfdi_from_hex(std::string_view text);

}  // namespace pqcea::grid2030
