// The message representative M' of the external interfaces (FIPS 205 Alg. 22-25) and the
// pre-hash functions of HashSLH-DSA with their OIDs (§10.2.2).
#include "api.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"

namespace pqcea::slhdsa {

std::array<std::uint8_t, kPreHashOidBytes> prehash_oid(PreHash h) {
  // 2.16.840.1.101.3.4.2.x (NIST hash algorithms), DER: 06 09 60 86 48 01 65 03 04 02 x
  constexpr std::uint8_t last[kPreHashCount] = {0x04, 0x01, 0x02, 0x03, 0x05, 0x06,
                                                0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C};
  return {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, last[static_cast<std::size_t>(h)]};
}

namespace {
template <class H>
void digest_with(std::uint8_t* out, std::span<const std::uint8_t> msg) {
  H h;
  h.update(msg.data(), msg.size());
  h.final(out);
}
template <class X>
void xof_with(std::uint8_t* out, std::size_t len, std::span<const std::uint8_t> msg) {
  X x;
  x.absorb(msg.data(), msg.size());
  x.squeeze(out, len);
}
}  // namespace

Status prehash_digest(PreHash alg, std::span<const std::uint8_t> msg, std::span<std::uint8_t> digest) {
  if (static_cast<std::size_t>(alg) >= kPreHashCount) return Status::invalid_argument;
  if (digest.size() != prehash_digest_bytes(alg)) return Status::invalid_length;
  std::uint8_t* out = digest.data();
  // FIPS 205 Alg. 23 steps 4-37.
  switch (alg) {
    case PreHash::sha2_224: digest_with<hash::Sha224>(out, msg); break;
    case PreHash::sha2_256: digest_with<hash::Sha256>(out, msg); break;
    case PreHash::sha2_384: digest_with<hash::Sha384>(out, msg); break;
    case PreHash::sha2_512: digest_with<hash::Sha512>(out, msg); break;
    case PreHash::sha2_512_224: digest_with<hash::Sha512_224>(out, msg); break;
    case PreHash::sha2_512_256: digest_with<hash::Sha512_256>(out, msg); break;
    case PreHash::sha3_224: digest_with<hash::Sha3_224>(out, msg); break;
    case PreHash::sha3_256: digest_with<hash::Sha3_256>(out, msg); break;
    case PreHash::sha3_384: digest_with<hash::Sha3_384>(out, msg); break;
    case PreHash::sha3_512: digest_with<hash::Sha3_512>(out, msg); break;
    case PreHash::shake128: xof_with<hash::Shake128>(out, 32, msg); break;
    case PreHash::shake256: xof_with<hash::Shake256>(out, 64, msg); break;
  }
  return Status::ok;
}

namespace detail {

Status make_message(MessageRep& rep, const Input& in) {
  rep.parts = MsgParts{};
  switch (in.kind) {
    case Input::Kind::internal:  // slh_sign_internal / slh_verify_internal on M itself
      rep.parts.part[0] = in.data;
      return Status::ok;
    case Input::Kind::pure:
      if (in.context.size() > kMaxContextBytes) return Status::invalid_argument;  // Alg. 22 step 1
      // Alg. 22 step 8: M' = toByte(0, 1) || toByte(|ctx|, 1) || ctx || M
      rep.head[0] = 0x00;
      rep.head[1] = static_cast<std::uint8_t>(in.context.size());
      rep.parts.part[0] = std::span<const std::uint8_t>(rep.head, 2);
      rep.parts.part[1] = in.context;
      rep.parts.part[2] = in.data;
      return Status::ok;
    case Input::Kind::prehash:
    case Input::Kind::prehashed: {
      if (in.context.size() > kMaxContextBytes) return Status::invalid_argument;  // Alg. 23 step 1
      if (static_cast<std::size_t>(in.hash) >= kPreHashCount) return Status::invalid_argument;
      const std::size_t dlen = prehash_digest_bytes(in.hash);
      const auto oid = prehash_oid(in.hash);
      std::memcpy(rep.oid_digest, oid.data(), kPreHashOidBytes);
      const std::span<std::uint8_t> d(rep.oid_digest + kPreHashOidBytes, dlen);
      if (in.kind == Input::Kind::prehash) {
        const Status st = prehash_digest(in.hash, in.data, d);
        if (st != Status::ok) return st;
      } else {
        if (in.data.size() != dlen) return Status::invalid_length;
        std::memcpy(d.data(), in.data.data(), dlen);
      }
      // Alg. 23 step 24: M' = toByte(1, 1) || toByte(|ctx|, 1) || ctx || OID || PH_M
      rep.head[0] = 0x01;
      rep.head[1] = static_cast<std::uint8_t>(in.context.size());
      rep.parts.part[0] = std::span<const std::uint8_t>(rep.head, 2);
      rep.parts.part[1] = in.context;
      rep.parts.part[2] = std::span<const std::uint8_t>(rep.oid_digest, kPreHashOidBytes + dlen);
      return Status::ok;
    }
  }
  return Status::invalid_argument;
}

}  // namespace detail
}  // namespace pqcea::slhdsa
