// Software measurement source for devices without a TPM: a measured-boot log. Each boot stage
// records the next component's name, version and digest before handing over to it; the log then
// fills the EAT `measurements` claim. Same shape as the secure-boot record (issue 7) produces.
// Freestanding: fixed capacity, copies into its own storage, no heap.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "pqcea/attest/claims.hpp"
#include "pqcea/core/status.hpp"

namespace pqcea::attest {

class MeasurementLog {
 public:
  static constexpr std::size_t kCapacity = kMaxMeasurements;
  static constexpr std::size_t kMaxDigest = 64;

  // Records a digest computed elsewhere. invalid_argument for names/versions/digests out of the
  // profile's bounds or an algorithm it does not allow; buffer_too_small when full.
  [[nodiscard]] Status add(std::string_view name, std::string_view version, std::int64_t alg,
                           std::span<const std::uint8_t> digest);
  // Hashes the component image itself (SHA-256 or SHA3-256) and records it.
  [[nodiscard]] Status measure(std::string_view name, std::string_view version, std::int64_t alg,
                               std::span<const std::uint8_t> image);
  // Points the claims' measurements at this log's entries (the log must outlive the claims).
  void fill(Claims& c) const;
  std::size_t size() const { return count_; }

 private:
  struct Entry {
    std::array<char, kComponentNameMax> name{};
    std::uint8_t name_len = 0;
    std::array<char, kComponentVersionMax> version{};
    std::uint8_t version_len = 0;
    std::int64_t alg = 0;
    std::array<std::uint8_t, kMaxDigest> digest{};
    std::uint8_t digest_len = 0;
  };
  std::array<Entry, kCapacity> entries_{};
  std::size_t count_ = 0;
};

}  // namespace pqcea::attest
