// COSE_Sign1 (RFC 9052 §4.2, §4.4). See include/pqcea/cose.hpp for the profile.
#include <cstring>

#include "pqcea/cose.hpp"
#include "pqcea/hash/sha2.hpp"

namespace pqcea::cose {

namespace {

// RFC 9052 §4.4: the context string of a COSE_Sign1 Sig_structure.
constexpr char kContext[] = "Signature1";
constexpr std::size_t kContextLen = sizeof(kContext) - 1;

constexpr std::size_t protected_bstr_size(std::int64_t alg) {
  // {1: alg}: map head (1) + key 1 (1) + alg.
  return cbor::string_size(2 + cbor::int_size(alg));
}

void set(Error* p, Error e) {
  if (p != nullptr) *p = e;
}

}  // namespace

void compute_kid(std::span<const std::uint8_t> public_key, std::span<std::uint8_t, kKidSize> kid) {
  hash::Sha256::hash(kid.data(), public_key.data(), public_key.size());
}

std::size_t sig_structure_size(std::int64_t alg, std::size_t payload_len) {
  // array(4) head + "Signature1" + protected bstr + empty external_aad + payload bstr.
  return 1 + cbor::string_size(kContextLen) + protected_bstr_size(alg) + 1 + cbor::string_size(payload_len);
}

Status encode_sig_structure(std::span<const std::uint8_t> protected_bstr, std::span<const std::uint8_t> payload_bstr,
                            std::span<std::uint8_t> out, std::size_t& len) {
  // The protected and payload items go in exactly as they appear in the COSE_Sign1
  // (RFC 9052 §4.4: "the protected attributes ... wrapped in a bstr", payload as bstr), so the
  // bytes are copied rather than re-encoded.
  const std::size_t need = 1 + 1 + kContextLen + protected_bstr.size() + 1 + payload_bstr.size();
  if (out.size() < need) return Status::buffer_too_small;
  std::uint8_t* p = out.data();
  *p++ = 0x84;                                          // array(4)
  *p++ = static_cast<std::uint8_t>(0x60 | kContextLen);  // text(10)
  std::memcpy(p, kContext, kContextLen);
  p += kContextLen;
  std::memcpy(p, protected_bstr.data(), protected_bstr.size());
  p += protected_bstr.size();
  *p++ = 0x40;  // external_aad: empty bstr
  if (!payload_bstr.empty()) std::memcpy(p, payload_bstr.data(), payload_bstr.size());
  len = need;
  return Status::ok;
}

Sign1Writer::Sign1Writer(std::span<std::uint8_t> out, std::int64_t alg, std::span<const std::uint8_t, kKidSize> kid)
    : enc_(out), alg_(alg) {
  enc_.add_tag(kTagSign1);
  enc_.begin_array(4);
  protected_start_ = enc_.size();
  enc_.begin_bstr_wrapped();
  enc_.begin_map(1);
  enc_.add_int(kHeaderAlg);
  enc_.add_int(alg);
  protected_end_ = enc_.size();
  enc_.begin_map(1);
  enc_.add_int(kHeaderKid);
  enc_.add_bytes(kid);
  payload_start_ = enc_.size();
}

cbor::Encoder& Sign1Writer::begin_payload() {
  enc_.begin_bstr_wrapped();
  return enc_;
}

void Sign1Writer::set_payload(std::span<const std::uint8_t> payload) { enc_.add_bytes(payload); }

Status Sign1Writer::finish(Signer& signer, std::span<std::uint8_t> scratch, std::size_t& token_len) {
  if (enc_.status() != Status::ok) return enc_.status();
  if (signer.alg() != alg_) {
    error_ = Error::signer_failed;
    return Status::invalid_argument;
  }
  // Inside tag 18 (depth 1) and the array (depth 2) with only the signature still to come:
  // otherwise the payload was never written or is incomplete.
  if (enc_.depth() != 2 || enc_.remaining_in_container() != 1) return Status::invalid_argument;

  const auto written = enc_.written();
  const auto prot = written.subspan(protected_start_, protected_end_ - protected_start_);
  const auto payload = written.subspan(payload_start_, written.size() - payload_start_);
  std::size_t tbs_len = 0;
  if (encode_sig_structure(prot, payload, scratch, tbs_len) != Status::ok) {
    error_ = Error::scratch_too_small;
    return Status::buffer_too_small;
  }

  const std::size_t sig_size = signer.signature_size();
  std::span<std::uint8_t> sig = enc_.add_bytes_in_place(sig_size);
  if (enc_.status() != Status::ok) return enc_.status();
  std::size_t sig_len = 0;
  const Status s = signer.sign(scratch.first(tbs_len), sig, sig_len);
  if (s != Status::ok || sig_len != sig_size) {
    // Never leave a half-written token that could be mistaken for a signed one.
    std::memset(sig.data(), 0, sig.size());
    error_ = Error::signer_failed;
    return s != Status::ok ? s : Status::invalid_signature;
  }
  return enc_.finish(token_len);
}

Status sign1(Signer& signer, std::span<const std::uint8_t, kKidSize> kid, std::span<const std::uint8_t> payload,
             std::span<std::uint8_t> scratch, std::span<std::uint8_t> out, std::size_t& token_len) {
  Sign1Writer w(out, signer.alg(), kid);
  w.set_payload(payload);
  return w.finish(signer, scratch, token_len);
}

Status decode_sign1(std::span<const std::uint8_t> token, Sign1& msg, Error* why, cbor::Error* cbor_why) {
  cbor::Decoder d(token);
  Sign1 m;
  // A CBOR-level failure is "malformed" unless the shape is simply not a COSE_Sign1.
  auto fail = [&](cbor::Decoder& dec, Error shape_error) {
    if (cbor_why != nullptr) *cbor_why = dec.error();
    set(why, dec.error() == cbor::Error::unexpected_type || dec.error() == cbor::Error::none ? shape_error
                                                                                              : Error::malformed);
    return Status::decode_error;
  };

  std::uint64_t tag = 0, n = 0;
  if (d.read_tag(tag) != Status::ok || tag != kTagSign1) return fail(d, Error::not_sign1);
  if (d.read_array(n) != Status::ok || n != 4) return fail(d, Error::not_sign1);

  // protected: bstr .cbor {1: alg}, exactly that one entry (RFC 9052 §3: alg must be protected).
  std::size_t at = d.offset();
  std::span<const std::uint8_t> prot;
  if (d.read_bytes(prot) != Status::ok) return fail(d, Error::not_sign1);
  m.protected_bstr = token.subspan(at, d.offset() - at);
  {
    cbor::Decoder h(prot);
    std::int64_t label = 0;
    if (h.read_map(n) != Status::ok || n != 1 || h.read_int(label) != Status::ok || label != kHeaderAlg ||
        h.read_int(m.alg) != Status::ok || h.finish() != Status::ok) {
      return fail(h, Error::bad_protected_header);
    }
  }

  // unprotected: {4: kid}, kid a 32-byte bstr.
  {
    std::int64_t label = 0;
    if (d.read_map(n) != Status::ok || n != 1 || d.read_int(label) != Status::ok || label != kHeaderKid ||
        d.read_bytes(m.kid) != Status::ok || m.kid.size() != kKidSize) {
      return fail(d, Error::bad_unprotected_header);
    }
  }

  at = d.offset();
  if (d.read_bytes(m.payload) != Status::ok) return fail(d, Error::not_sign1);  // nil = detached: rejected
  m.payload_bstr = token.subspan(at, d.offset() - at);
  if (d.read_bytes(m.signature) != Status::ok) return fail(d, Error::not_sign1);
  if (d.finish() != Status::ok) return fail(d, Error::malformed);

  msg = m;
  set(why, Error::none);
  return Status::ok;
}

Status verify_sign1(const Sign1& msg, const Verifier& verifier, std::span<const std::uint8_t> public_key,
                    std::span<std::uint8_t> scratch, Error* why) {
  if (msg.alg != verifier.alg()) {
    set(why, Error::alg_mismatch);
    return Status::invalid_signature;
  }
  std::uint8_t kid[kKidSize];
  compute_kid(public_key, kid);
  if (msg.kid.size() != kKidSize || std::memcmp(kid, msg.kid.data(), kKidSize) != 0) {
    set(why, Error::kid_mismatch);
    return Status::invalid_signature;
  }
  std::size_t tbs_len = 0;
  if (encode_sig_structure(msg.protected_bstr, msg.payload_bstr, scratch, tbs_len) != Status::ok) {
    set(why, Error::scratch_too_small);
    return Status::buffer_too_small;
  }
  const Status s = verifier.verify(public_key, scratch.first(tbs_len), msg.signature);
  if (s == Status::ok) {
    set(why, Error::none);
    return Status::ok;
  }
  set(why, Error::bad_signature);
  return s == Status::invalid_key ? Status::invalid_key : Status::invalid_signature;
}

const char* to_string(Error e) {
  switch (e) {
    case Error::none: return "none";
    case Error::malformed: return "malformed CBOR";
    case Error::not_sign1: return "not a tagged COSE_Sign1";
    case Error::bad_protected_header: return "protected header is not {1: alg}";
    case Error::bad_unprotected_header: return "unprotected header is not {4: kid(32 bytes)}";
    case Error::alg_mismatch: return "algorithm does not match the verifier";
    case Error::kid_mismatch: return "kid does not match the public key";
    case Error::bad_signature: return "signature does not verify";
    case Error::scratch_too_small: return "Sig_structure scratch buffer too small";
    case Error::signer_failed: return "signer failed";
  }
  return "unknown";
}

}  // namespace pqcea::cose
