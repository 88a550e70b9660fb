#include "pqcea/attest/measurement_log.hpp"

#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"

namespace pqcea::attest {

Status MeasurementLog::add(std::string_view name, std::string_view version, std::int64_t alg,
                           std::span<const std::uint8_t> digest) {
  if (count_ == kCapacity) return Status::buffer_too_small;
  if (name.empty() || name.size() > kComponentNameMax || version.size() > kComponentVersionMax ||
      digest_size(alg) == 0 || digest.size() != digest_size(alg))
    return Status::invalid_argument;
  Entry& e = entries_[count_];
  for (std::size_t i = 0; i < name.size(); ++i) e.name[i] = name[i];
  e.name_len = static_cast<std::uint8_t>(name.size());
  for (std::size_t i = 0; i < version.size(); ++i) e.version[i] = version[i];
  e.version_len = static_cast<std::uint8_t>(version.size());
  e.alg = alg;
  for (std::size_t i = 0; i < digest.size(); ++i) e.digest[i] = digest[i];
  e.digest_len = static_cast<std::uint8_t>(digest.size());
  ++count_;
  return Status::ok;
}

Status MeasurementLog::measure(std::string_view name, std::string_view version, std::int64_t alg,
                               std::span<const std::uint8_t> image) {
  std::uint8_t d[32];
  if (alg == kHashSha256) {
    hash::Sha256::hash(d, image.data(), image.size());
  } else if (alg == kHashSha3_256) {
    hash::Sha3_256::hash(d, image.data(), image.size());
  } else {
    return Status::invalid_argument;
  }
  return add(name, version, alg, d);
}

void MeasurementLog::fill(Claims& c) const {
  c.measurement_count = count_;
  for (std::size_t i = 0; i < count_; ++i) {
    const Entry& e = entries_[i];
    Measurement& m = c.measurements[i];
    m = Measurement{};
    m.name = std::string_view(e.name.data(), e.name_len);
    m.version = std::string_view(e.version.data(), e.version_len);
    m.digest = {e.alg, std::span<const std::uint8_t>(e.digest.data(), e.digest_len)};
  }
}

}  // namespace pqcea::attest
