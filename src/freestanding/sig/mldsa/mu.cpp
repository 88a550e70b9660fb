// M' and mu (FIPS 204 §5.2, §5.4, Alg. 7 step 6), pre-hash functions and their OIDs (§5.4.1).
#include <new>
#include <type_traits>

#include "api.hpp"
#include "pqcea/hash/sha2.hpp"

namespace pqcea::mldsa {

std::array<std::uint8_t, kPreHashOidBytes> prehash_oid(PreHash h) {
  // 2.16.840.1.101.3.4.2.x (NIST hash algorithms), DER: 06 09 60 86 48 01 65 03 04 02 x
  constexpr std::uint8_t last[kPreHashCount] = {0x04, 0x01, 0x02, 0x03, 0x05, 0x06,
                                                0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C};
  return {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, last[static_cast<std::size_t>(h)]};
}

namespace {

// Calls f(hash_object_type_tag) for the selected pre-hash on storage holding that object.
template <class F>
void with_hash(PreHash alg, F&& f) {
  switch (alg) {
    case PreHash::sha2_224: f(static_cast<hash::Sha224*>(nullptr)); break;
    case PreHash::sha2_256: f(static_cast<hash::Sha256*>(nullptr)); break;
    case PreHash::sha2_384: f(static_cast<hash::Sha384*>(nullptr)); break;
    case PreHash::sha2_512: f(static_cast<hash::Sha512*>(nullptr)); break;
    case PreHash::sha2_512_224: f(static_cast<hash::Sha512_224*>(nullptr)); break;
    case PreHash::sha2_512_256: f(static_cast<hash::Sha512_256*>(nullptr)); break;
    case PreHash::sha3_224: f(static_cast<hash::Sha3_224*>(nullptr)); break;
    case PreHash::sha3_256: f(static_cast<hash::Sha3_256*>(nullptr)); break;
    case PreHash::sha3_384: f(static_cast<hash::Sha3_384*>(nullptr)); break;
    case PreHash::sha3_512: f(static_cast<hash::Sha3_512*>(nullptr)); break;
    case PreHash::shake128: f(static_cast<hash::Shake128*>(nullptr)); break;
    case PreHash::shake256: f(static_cast<hash::Shake256*>(nullptr)); break;
  }
}

template <class T>
void destroy(T* p) {
  p->~T();
}

template <class H>
constexpr bool is_shake = false;
template <std::size_t S>
constexpr bool is_shake<hash::Shake<S>> = true;

}  // namespace

PreHasher::PreHasher(PreHash alg) : alg_(alg) {
  with_hash(alg, [this](auto* tag) {
    using H = std::remove_pointer_t<decltype(tag)>;
    static_assert(sizeof(H) <= sizeof(state_) && alignof(H) <= 8);
    new (state_) H();
  });
}

PreHasher::~PreHasher() {
  with_hash(alg_, [this](auto* tag) {
    using H = std::remove_pointer_t<decltype(tag)>;
    destroy(std::launder(reinterpret_cast<H*>(state_)));
  });
  secure_wipe(state_, sizeof state_);
}

void PreHasher::update(std::span<const std::uint8_t> data) {
  with_hash(alg_, [&](auto* tag) {
    using H = std::remove_pointer_t<decltype(tag)>;
    H* h = std::launder(reinterpret_cast<H*>(state_));
    if constexpr (is_shake<H>) h->absorb(data.data(), data.size());
    else h->update(data.data(), data.size());
  });
}

Status PreHasher::finish(std::span<std::uint8_t> digest) {
  if (digest.size() != prehash_digest_bytes(alg_)) return Status::invalid_length;
  with_hash(alg_, [&](auto* tag) {
    using H = std::remove_pointer_t<decltype(tag)>;
    H* h = std::launder(reinterpret_cast<H*>(state_));
    if constexpr (is_shake<H>) h->squeeze(digest.data(), digest.size());
    else h->final(digest.data());
  });
  return Status::ok;
}

MuBuilder::MuBuilder() {
  static_assert(sizeof(hash::Shake256) <= sizeof(sponge_));
  new (sponge_) hash::Shake256();
}
MuBuilder::~MuBuilder() {
  destroy(std::launder(reinterpret_cast<hash::Shake256*>(sponge_)));
  secure_wipe(sponge_, sizeof sponge_);
}

namespace {
hash::Shake256& sponge_of(std::uint8_t* p) { return *std::launder(reinterpret_cast<hash::Shake256*>(p)); }
}  // namespace

void MuBuilder::start_internal(std::span<const std::uint8_t, kTrBytes> tr) {
  sponge_of(sponge_).reset();
  sponge_of(sponge_).absorb(tr.data(), tr.size());
}

Status MuBuilder::start_pure(std::span<const std::uint8_t, kTrBytes> tr, std::span<const std::uint8_t> ctx) {
  if (ctx.size() > kMaxContextBytes) return Status::invalid_argument;  // Alg. 2 step 1
  start_internal(tr);
  // M' = IntegerToBytes(0, 1) || IntegerToBytes(|ctx|, 1) || ctx || M (Alg. 2 step 10)
  const std::uint8_t head[2] = {0x00, static_cast<std::uint8_t>(ctx.size())};
  sponge_of(sponge_).absorb(head, 2);
  sponge_of(sponge_).absorb(ctx.data(), ctx.size());
  return Status::ok;
}

Status MuBuilder::start_prehashed(std::span<const std::uint8_t, kTrBytes> tr, std::span<const std::uint8_t> ctx,
                                  PreHash alg, std::span<const std::uint8_t> digest) {
  if (ctx.size() > kMaxContextBytes) return Status::invalid_argument;  // Alg. 4 step 1
  if (static_cast<std::size_t>(alg) >= kPreHashCount) return Status::invalid_argument;
  if (digest.size() != prehash_digest_bytes(alg)) return Status::invalid_length;
  start_internal(tr);
  // M' = IntegerToBytes(1, 1) || IntegerToBytes(|ctx|, 1) || ctx || OID || PH_M (Alg. 4 step 23)
  const std::uint8_t head[2] = {0x01, static_cast<std::uint8_t>(ctx.size())};
  const auto oid = prehash_oid(alg);
  sponge_of(sponge_).absorb(head, 2);
  sponge_of(sponge_).absorb(ctx.data(), ctx.size());
  sponge_of(sponge_).absorb(oid.data(), oid.size());
  sponge_of(sponge_).absorb(digest.data(), digest.size());
  return Status::ok;
}

void MuBuilder::update(std::span<const std::uint8_t> data) { sponge_of(sponge_).absorb(data.data(), data.size()); }

void MuBuilder::finish(std::span<std::uint8_t, kMuBytes> mu) { sponge_of(sponge_).squeeze(mu.data(), mu.size()); }

namespace detail {

Status compute_mu(std::uint8_t mu[64], const std::uint8_t tr_bytes[64], const Input& in) {
  const std::span<const std::uint8_t, kTrBytes> tr(tr_bytes, kTrBytes);
  const std::span<std::uint8_t, kMuBytes> out(mu, kMuBytes);
  MuBuilder b;
  switch (in.kind) {
    case Input::Kind::external_mu:
      if (in.data.size() != kMuBytes) return Status::invalid_length;
      std::memcpy(mu, in.data.data(), kMuBytes);
      return Status::ok;
    case Input::Kind::internal:
      b.start_internal(tr);
      b.update(in.data);
      b.finish(out);
      return Status::ok;
    case Input::Kind::pure: {
      const Status st = b.start_pure(tr, in.context);
      if (st != Status::ok) return st;
      b.update(in.data);
      b.finish(out);
      return Status::ok;
    }
    case Input::Kind::prehash: {
      if (static_cast<std::size_t>(in.hash) >= kPreHashCount) return Status::invalid_argument;
      if (in.context.size() > kMaxContextBytes) return Status::invalid_argument;
      std::uint8_t digest[64];
      PreHasher ph(in.hash);  // PH_M (Alg. 4 steps 5-22)
      ph.update(in.data);
      const std::span<std::uint8_t> d(digest, prehash_digest_bytes(in.hash));
      Status st = ph.finish(d);
      if (st == Status::ok) st = b.start_prehashed(tr, in.context, in.hash, d);
      if (st != Status::ok) return st;
      b.finish(out);
      return Status::ok;
    }
    case Input::Kind::prehashed: {
      const Status st = b.start_prehashed(tr, in.context, in.hash, in.data);
      if (st != Status::ok) return st;
      b.finish(out);
      return Status::ok;
    }
  }
  return Status::invalid_argument;
}

}  // namespace detail
}  // namespace pqcea::mldsa
