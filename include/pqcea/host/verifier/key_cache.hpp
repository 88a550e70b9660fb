// ML-DSA evidence verification with a cache of prepared (expanded) device keys.
//
// A verifier appraises the same devices again and again; expanding a device key (ExpandA and
// NTT(t1), FIPS 204 Alg. 8 steps 5-9) is about half of each ML-DSA verification. This verifier
// keeps the most recently used prepared keys, bounded in bytes, shared by every worker thread.
// The verdict never depends on the cache: a prepared key verifies exactly what the encoded key
// does (the ACVP sigVer run checks both paths).
#pragma once
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "pqcea/cose.hpp"
#include "pqcea/mldsa.hpp"

namespace pqcea::verifier {

template <class P>
class CachedMlDsaVerifier final : public cose::Verifier {
 public:
  // max_bytes: memory for prepared keys (0 disables the cache: every call expands the key).
  explicit CachedMlDsaVerifier(std::size_t max_bytes);
  std::int64_t alg() const override;
  Status verify(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> tbs,
                std::span<const std::uint8_t> sig) const override;

  struct Stats {
    std::uint64_t hits = 0, misses = 0;
    std::size_t entries = 0;
  };
  Stats stats() const;

 private:
  using Prepared = mldsa::PreparedPublicKey<P>;
  std::shared_ptr<const Prepared> lookup(std::span<const std::uint8_t> public_key) const;

  const std::size_t max_entries_;
  mutable std::mutex mu_;
  // Most recently used at the front; the map's key is the encoded public key itself (exact).
  using Lru = std::list<std::pair<std::string, std::shared_ptr<const Prepared>>>;
  mutable Lru lru_;
  mutable std::unordered_map<std::string_view, typename Lru::iterator> index_;
  mutable Stats stats_;
};

extern template class CachedMlDsaVerifier<mldsa::MlDsa44>;
extern template class CachedMlDsaVerifier<mldsa::MlDsa65>;
extern template class CachedMlDsaVerifier<mldsa::MlDsa87>;

}  // namespace pqcea::verifier
