// Certification path validation (RFC 5280 §6.1, restricted to this profile; see docs/pki.md).
#include <openssl/evp.h>

#include <cstring>

#include "pqcea/host/pki.hpp"

namespace pqcea::pki {

// ---- signature cache --------------------------------------------------------------------------

std::size_t SignatureCache::KeyHash::operator()(const std::array<std::uint8_t, 32>& k) const {
  std::size_t h;
  std::memcpy(&h, k.data(), sizeof h);  // the key is already a SHA-256 digest
  return h;
}

bool SignatureCache::contains(const std::array<std::uint8_t, 32>& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  return set_.count(key) != 0;
}

void SignatureCache::insert(const std::array<std::uint8_t, 32>& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (set_.size() >= max_) set_.clear();  // simple bound: start over rather than grow forever
  set_.insert(key);
}

std::size_t SignatureCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return set_.size();
}

namespace {

std::string describe(const Certificate& c) {
  if (!c.subject.common_name.empty()) return "'" + c.subject.common_name + "'";
  if (!c.subject.serial_number.empty()) return "'" + c.subject.serial_number + "'";
  return "(unnamed)";
}

// SHA-256 through OpenSSL here: the key covers about 10 KB per certificate and OpenSSL uses the
// CPU's SHA extensions, so a cache hit stays a small fraction of an ML-DSA verification.
std::array<std::uint8_t, 32> cache_key(const Certificate& issuer, const Certificate& c) {
  const std::uint8_t alg = static_cast<std::uint8_t>(c.signature_algorithm);
  std::array<std::uint8_t, 32> k;
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(ctx, &alg, 1) == 1 &&
            EVP_DigestUpdate(ctx, issuer.public_key.data(), issuer.public_key.size()) == 1 &&
            EVP_DigestUpdate(ctx, c.tbs.data(), c.tbs.size()) == 1 &&
            EVP_DigestUpdate(ctx, c.signature.data(), c.signature.size()) == 1 &&
            EVP_DigestFinal_ex(ctx, k.data(), &len) == 1 && len == k.size();
  EVP_MD_CTX_free(ctx);
  if (!ok) throw Error("signature cache: SHA-256 failed");
  return k;
}

bool check_signature(const Certificate& issuer, const Certificate& c, const VerifyFn& verify,
                     SignatureCache* cache) {
  if (cache) {
    auto k = cache_key(issuer, c);
    if (cache->contains(k)) return true;
    if (!verify(c.signature_algorithm, issuer.public_key, c.tbs, c.signature)) return false;
    cache->insert(k);
    return true;
  }
  return verify(c.signature_algorithm, issuer.public_key, c.tbs, c.signature);
}

ChainResult failure(std::size_t index, std::string reason) {
  ChainResult r;
  r.ok = false;
  r.index = index;
  r.reason = std::move(reason);
  return r;
}

// The checks on a certificate used as an issuer (RFC 5280 §6.1.4 (k), (l), (n)).
std::string issuer_problem(const Certificate& issuer) {
  if (!issuer.has_basic_constraints || !issuer.is_ca)
    return "issuer " + describe(issuer) + " is not a CA (basicConstraints cA is not true)";
  if (!issuer.key_usage || !(*issuer.key_usage & kKeyCertSign))
    return "issuer " + describe(issuer) + " lacks keyUsage keyCertSign";
  return {};
}

std::string validity_problem(const Certificate& c, Time at) {
  if (at < c.validity.not_before)
    return "certificate " + describe(c) + " is not yet valid (notBefore " +
           der::format_time(c.validity.not_before) + ", time " + der::format_time(at) + ")";
  if (at > c.validity.not_after)
    return "certificate " + describe(c) + " has expired (notAfter " +
           der::format_time(c.validity.not_after) + ", time " + der::format_time(at) + ")";
  return {};
}

}  // namespace

// ---- trust store ----------------------------------------------------------------------------

void TrustStore::add(const Certificate& root, const VerifyFn& verify) {
  if (!root.self_issued()) throw Error("trust store: root " + describe(root) + " is not self-issued");
  std::string p = issuer_problem(root);
  if (!p.empty()) throw Error("trust store: " + p);
  if (root.signature_algorithm != root.public_key_algorithm)
    throw Error("trust store: root " + describe(root) + " signature algorithm differs from its key");
  if (!verify(root.signature_algorithm, root.public_key, root.tbs, root.signature))
    throw Error("trust store: root " + describe(root) + " self-signature is invalid");
  for (const Certificate& r : roots_)
    if (r.der == root.der) return;
  roots_.push_back(root);
}

// ---- path validation ------------------------------------------------------------------------

ChainResult validate_chain(const Certificate& leaf, std::span<const Certificate> intermediates,
                           const TrustStore& trust, Time at, const VerifyFn& verify,
                           const ValidationOptions& options) {
  // The path, leaf first; path[i + 1] issued path[i]; the trust anchor issued path.back().
  std::vector<const Certificate*> path;
  path.push_back(&leaf);
  for (const Certificate& c : intermediates) path.push_back(&c);

  // A caller may include the root itself at the end: it is then the anchor, not part of the path.
  const Certificate* anchor = nullptr;
  if (path.size() > 1) {
    for (const Certificate& r : trust.roots())
      if (r.der == path.back()->der) anchor = &r;
    if (anchor) path.pop_back();
  }
  if (!anchor) {
    const Certificate& top = *path.back();
    for (const Certificate& r : trust.roots()) {
      if (r.subject_der != top.issuer_der) continue;
      if (!top.authority_key_id.empty() && !r.subject_key_id.empty() &&
          top.authority_key_id != r.subject_key_id)
        continue;
      anchor = &r;
      break;
    }
    if (!anchor)
      return failure(path.size() - 1, "no trusted root matches the issuer of " + describe(top));
  }
  if (path.size() > options.max_path)
    return failure(path.size() - 1, "path longer than " + std::to_string(options.max_path));

  const std::size_t n = path.size();
  auto issuer_of = [&](std::size_t i) -> const Certificate& {
    return i + 1 < n ? *path[i + 1] : *anchor;
  };

  // Cheap structural checks first, signatures last: a malformed chain costs no ML-DSA work.
  {
    std::string p = validity_problem(*anchor, at);
    if (!p.empty()) return failure(n, "trusted root: " + p);
  }
  for (std::size_t k = n; k-- > 0;) {  // from the certificate under the root down to the leaf
    const Certificate& c = *path[k];
    const Certificate& iss = issuer_of(k);
    if (c.issuer_der != iss.subject_der)
      return failure(k, "issuer name of " + describe(c) + " does not match the subject of " + describe(iss));
    if (!c.authority_key_id.empty() && !iss.subject_key_id.empty() &&
        c.authority_key_id != iss.subject_key_id)
      return failure(k, "authorityKeyIdentifier of " + describe(c) +
                            " does not match the subjectKeyIdentifier of " + describe(iss));
    std::string p = issuer_problem(iss);
    if (!p.empty()) return failure(k + 1, p);
    // pathLenConstraint: the number of intermediate CA certificates below the issuer (k of them:
    // path[1..k]) may not exceed it (RFC 5280 §4.2.1.9, §6.1.4 (l), (m)).
    if (iss.path_len && k > *iss.path_len)
      return failure(k + 1, "pathLenConstraint " + std::to_string(*iss.path_len) + " of " +
                                describe(iss) + " exceeded (" + std::to_string(k) +
                                " intermediate CA certificate(s) below it)");
    p = validity_problem(c, at);
    if (!p.empty()) return failure(k, p);
    if (c.signature_algorithm != iss.public_key_algorithm)
      return failure(k, "signature algorithm of " + describe(c) + " (" +
                            std::string(algorithm_name(c.signature_algorithm)) +
                            ") does not match the issuer key (" +
                            std::string(algorithm_name(iss.public_key_algorithm)) + ")");
  }
  if (options.required_leaf_usage != 0) {
    if (!leaf.key_usage)
      return failure(0, "leaf " + describe(leaf) + " has no keyUsage extension");
    if ((*leaf.key_usage & options.required_leaf_usage) != options.required_leaf_usage)
      return failure(0, "leaf " + describe(leaf) + " lacks the required keyUsage" +
                            (options.required_leaf_usage == kDigitalSignature ? " digitalSignature" : " bits"));
  }
  for (std::size_t k = n; k-- > 0;) {
    const Certificate& c = *path[k];
    if (!check_signature(issuer_of(k), c, verify, options.cache))
      return failure(k, "signature of " + describe(c) + " does not verify with the key of " +
                            describe(issuer_of(k)));
  }
  ChainResult ok;
  ok.ok = true;
  return ok;
}

}  // namespace pqcea::pki
