#include "pqcea/host/verifier/key_cache.hpp"

#include "pqcea/attest/mldsa_cose.hpp"

namespace pqcea::verifier {

template <class P>
CachedMlDsaVerifier<P>::CachedMlDsaVerifier(std::size_t max_bytes)
    : max_entries_(max_bytes / (sizeof(Prepared) + P::pk_bytes)) {}

template <class P>
std::int64_t CachedMlDsaVerifier<P>::alg() const {
  return attest::CoseAlgOf<P>::value;
}

template <class P>
std::shared_ptr<const typename CachedMlDsaVerifier<P>::Prepared> CachedMlDsaVerifier<P>::lookup(
    std::span<const std::uint8_t> public_key) const {
  const std::string_view key(reinterpret_cast<const char*>(public_key.data()), public_key.size());
  {
    std::lock_guard lock(mu_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      ++stats_.hits;
      return it->second->second;
    }
    ++stats_.misses;
  }
  // Expanded outside the lock: two workers missing the same key both expand it (harmless, rare).
  auto prepared = std::make_shared<Prepared>();
  if (prepared->prepare(public_key) != Status::ok) return nullptr;
  if (max_entries_ == 0) return prepared;
  std::lock_guard lock(mu_);
  if (index_.find(key) == index_.end()) {
    lru_.emplace_front(std::string(key), prepared);
    index_.emplace(std::string_view(lru_.front().first), lru_.begin());
    while (lru_.size() > max_entries_) {
      index_.erase(std::string_view(lru_.back().first));
      lru_.pop_back();
    }
    stats_.entries = lru_.size();
  }
  return prepared;
}

template <class P>
Status CachedMlDsaVerifier<P>::verify(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> tbs,
                                      std::span<const std::uint8_t> sig) const {
  if (public_key.size() != P::pk_bytes) return Status::invalid_key;
  const auto prepared = lookup(public_key);
  if (!prepared) return Status::invalid_key;
  // RFC 9964: the COSE algorithms are pure ML-DSA with the empty context (as MlDsaVerifier).
  return mldsa::verify<P>(*prepared, mldsa::Input::pure(tbs), sig);
}

template <class P>
typename CachedMlDsaVerifier<P>::Stats CachedMlDsaVerifier<P>::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

template class CachedMlDsaVerifier<mldsa::MlDsa44>;
template class CachedMlDsaVerifier<mldsa::MlDsa65>;
template class CachedMlDsaVerifier<mldsa::MlDsa87>;

}  // namespace pqcea::verifier
