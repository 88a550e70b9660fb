// The Signer / VerifyFn interfaces bound to the project's ML-DSA (include/pqcea/mldsa.hpp):
// pure ML-DSA with an empty context, as RFC 9881 §3 requires for certificates.
#include <sys/random.h>

#include <cerrno>
#include <memory>

#include "pqcea/core/secret.hpp"
#include "pqcea/host/pki.hpp"
#include "pqcea/mldsa.hpp"

namespace pqcea::pki {

namespace {

void fill_random(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t r = ::getrandom(out.data() + done, out.size() - done, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw Error("ML-DSA signer: getrandom failed");
    }
    done += static_cast<std::size_t>(r);
  }
}

template <class P>
class MlDsaSigner final : public Signer {
 public:
  MlDsaSigner(Algorithm a, std::span<const std::uint8_t, 32> seed, SigningMode mode)
      : alg_(a), mode_(mode), pk_(P::pk_bytes), sk_(std::make_unique<std::array<std::uint8_t, P::sk_bytes>>()) {
    // FIPS 204 Alg. 6 from the seed; the expanded key is kept so signing does not redo it.
    Status s = mldsa::keygen_internal<P>(std::span<std::uint8_t, P::pk_bytes>(pk_.data(), P::pk_bytes),
                                         std::span<std::uint8_t, P::sk_bytes>(*sk_), seed);
    if (s != Status::ok) throw Error(std::string("ML-DSA key generation failed: ") + to_string(s));
  }
  ~MlDsaSigner() override { secure_wipe(sk_->data(), sk_->size()); }
  MlDsaSigner(const MlDsaSigner&) = delete;
  MlDsaSigner& operator=(const MlDsaSigner&) = delete;

  Algorithm algorithm() const override { return alg_; }
  Bytes public_key() const override { return pk_; }

  Bytes sign(ByteView message) const override {
    Bytes sig(P::sig_bytes);
    std::array<std::uint8_t, mldsa::kRndBytes> rnd{};  // all zero = deterministic (FIPS 204 §3.4)
    if (mode_ == SigningMode::hedged) fill_random(rnd);
    Status s = mldsa::sign_internal<P>(std::span<std::uint8_t, P::sig_bytes>(sig.data(), P::sig_bytes),
                                       mldsa::PrivateKey<P>::expanded(std::span<const std::uint8_t, P::sk_bytes>(*sk_)),
                                       mldsa::Input::pure(message), rnd);
    secure_wipe(rnd.data(), rnd.size());
    if (s != Status::ok) throw Error(std::string("ML-DSA signing failed: ") + to_string(s));
    return sig;
  }

 private:
  Algorithm alg_;
  SigningMode mode_;
  Bytes pk_;
  std::unique_ptr<std::array<std::uint8_t, P::sk_bytes>> sk_;
};

}  // namespace

std::shared_ptr<const Signer> mldsa_signer(Algorithm a, std::span<const std::uint8_t, 32> seed, SigningMode mode) {
  switch (a) {
    case Algorithm::MlDsa44: return std::make_shared<MlDsaSigner<mldsa::MlDsa44>>(a, seed, mode);
    case Algorithm::MlDsa65: return std::make_shared<MlDsaSigner<mldsa::MlDsa65>>(a, seed, mode);
    case Algorithm::MlDsa87: return std::make_shared<MlDsaSigner<mldsa::MlDsa87>>(a, seed, mode);
  }
  throw Error("unknown ML-DSA parameter set");
}

bool mldsa_verify(Algorithm a, ByteView public_key, ByteView message, ByteView signature) {
  const mldsa::Input in = mldsa::Input::pure(message);
  switch (a) {
    case Algorithm::MlDsa44: return mldsa::verify<mldsa::MlDsa44>(public_key, in, signature) == Status::ok;
    case Algorithm::MlDsa65: return mldsa::verify<mldsa::MlDsa65>(public_key, in, signature) == Status::ok;
    case Algorithm::MlDsa87: return mldsa::verify<mldsa::MlDsa87>(public_key, in, signature) == Status::ok;
  }
  return false;
}

}  // namespace pqcea::pki
