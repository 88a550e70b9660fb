// The C API (include/pqcea/mldsa.h) over the C++ API.
#include "pqcea/mldsa.h"

#include <cstring>

#include "pqcea/core/secret.hpp"
#include "pqcea/mldsa.hpp"

namespace pqcea::mldsa {
namespace {

static_assert(PQCEA_STATUS_OK == static_cast<int>(Status::ok));
static_assert(PQCEA_STATUS_INVALID_LENGTH == static_cast<int>(Status::invalid_length));
static_assert(PQCEA_STATUS_INVALID_KEY == static_cast<int>(Status::invalid_key));
static_assert(PQCEA_STATUS_INVALID_SIGNATURE == static_cast<int>(Status::invalid_signature));
static_assert(PQCEA_STATUS_INVALID_ARGUMENT == static_cast<int>(Status::invalid_argument));
static_assert(PQCEA_STATUS_ENTROPY_FAILURE == static_cast<int>(Status::entropy_failure));
static_assert(PQCEA_MLDSA44_PK_BYTES == MlDsa44::pk_bytes && PQCEA_MLDSA44_SK_BYTES == MlDsa44::sk_bytes &&
              PQCEA_MLDSA44_SIG_BYTES == MlDsa44::sig_bytes);
static_assert(PQCEA_MLDSA65_PK_BYTES == MlDsa65::pk_bytes && PQCEA_MLDSA65_SK_BYTES == MlDsa65::sk_bytes &&
              PQCEA_MLDSA65_SIG_BYTES == MlDsa65::sig_bytes);
static_assert(PQCEA_MLDSA87_PK_BYTES == MlDsa87::pk_bytes && PQCEA_MLDSA87_SK_BYTES == MlDsa87::sk_bytes &&
              PQCEA_MLDSA87_SIG_BYTES == MlDsa87::sig_bytes);
static_assert(PQCEA_MLDSA_SHAKE256 == static_cast<int>(PreHash::shake256));

int code(Status s) { return static_cast<int>(s); }

class CallbackRng final : public rng::RandomSource {
 public:
  CallbackRng(pqcea_random_fn f, void* ctx) : f_(f), ctx_(ctx) {}
  Status generate(std::span<std::uint8_t> out) override {
    if (f_ == nullptr || f_(ctx_, out.data(), out.size()) != 0) return Status::entropy_failure;
    return Status::ok;
  }

 private:
  pqcea_random_fn f_;
  void* ctx_;
};

std::span<const std::uint8_t> bytes(const std::uint8_t* p, std::size_t n) {
  return p == nullptr ? std::span<const std::uint8_t>() : std::span<const std::uint8_t>(p, n);
}

// The C input description as an Input, or invalid_argument.
Status to_input(const pqcea_mldsa_input* c, Input& in) {
  if (c == nullptr || (c->data == nullptr && c->data_len != 0) || (c->ctx == nullptr && c->ctx_len != 0))
    return Status::invalid_argument;
  if (c->prehash < 0 || c->prehash >= static_cast<int>(kPreHashCount)) return Status::invalid_argument;
  const auto data = bytes(c->data, c->data_len);
  const auto ctx = bytes(c->ctx, c->ctx_len);
  const auto ph = static_cast<PreHash>(c->prehash);
  switch (c->kind) {
    case PQCEA_MLDSA_PURE: in = Input::pure(data, ctx); return Status::ok;
    case PQCEA_MLDSA_PREHASH: in = Input::prehash(ph, data, ctx); return Status::ok;
    case PQCEA_MLDSA_PREHASHED: in = Input::prehashed(ph, data, ctx); return Status::ok;
    case PQCEA_MLDSA_INTERNAL: in = Input::internal(data); return Status::ok;
    case PQCEA_MLDSA_EXTERNAL_MU:
      if (c->data_len != kMuBytes) return Status::invalid_length;
      in = Input::external_mu(std::span<const std::uint8_t, kMuBytes>(c->data, kMuBytes));
      return Status::ok;
    default: return Status::invalid_argument;
  }
}

template <class P>
int sign_derand(std::uint8_t* sig, const std::uint8_t* sk, std::size_t sk_len, const pqcea_mldsa_input* cin,
                const std::uint8_t* rnd, int mode) {
  if (sig == nullptr) return code(Status::invalid_argument);
  const std::span<std::uint8_t, P::sig_bytes> s(sig, P::sig_bytes);
  Input in;
  Status st = sk == nullptr || rnd == nullptr ? Status::invalid_argument : to_input(cin, in);
  if (st == Status::ok && mode != PQCEA_MLDSA_FAST && mode != PQCEA_MLDSA_LOW_MEMORY) st = Status::invalid_argument;
  if (st == Status::ok && sk_len != kSeedBytes && sk_len != P::sk_bytes) st = Status::invalid_length;
  if (st != Status::ok) {
    secure_wipe(sig, P::sig_bytes);
    return code(st);
  }
  const auto key = sk_len == kSeedBytes
                       ? PrivateKey<P>::seed(std::span<const std::uint8_t, kSeedBytes>(sk, kSeedBytes))
                       : PrivateKey<P>::expanded(std::span<const std::uint8_t, P::sk_bytes>(sk, P::sk_bytes));
  st = check_private_key<P>(key);
  if (st != Status::ok) {
    secure_wipe(sig, P::sig_bytes);
    return code(st);
  }
  const std::span<const std::uint8_t, kRndBytes> r(rnd, kRndBytes);
  return code(mode == PQCEA_MLDSA_FAST ? sign_internal<P, Memory::fast>(s, key, in, r)
                                       : sign_internal<P, Memory::low>(s, key, in, r));
}

template <class P>
int sign_hedged(std::uint8_t* sig, const std::uint8_t* sk, const std::uint8_t* msg, std::size_t msg_len,
                const std::uint8_t* ctx, std::size_t ctx_len, pqcea_random_fn f, void* rng_ctx) {
  Secret<kRndBytes> rnd;
  CallbackRng rng(f, rng_ctx);
  if (rng.generate(rnd.span()) != Status::ok) {
    if (sig != nullptr) secure_wipe(sig, P::sig_bytes);
    return code(Status::entropy_failure);
  }
  const pqcea_mldsa_input in{PQCEA_MLDSA_PURE, 0, msg, msg_len, ctx, ctx_len};
  return sign_derand<P>(sig, sk, P::sk_bytes, &in, rnd.data(), PQCEA_MLDSA_FAST);
}

template <class P>
int verify_ex(const std::uint8_t* pk, std::size_t pk_len, const pqcea_mldsa_input* cin, const std::uint8_t* sig,
              std::size_t sig_len, int mode) {
  Input in;
  Status st = pk == nullptr || sig == nullptr ? Status::invalid_argument : to_input(cin, in);
  if (st == Status::ok && mode != PQCEA_MLDSA_FAST && mode != PQCEA_MLDSA_LOW_MEMORY) st = Status::invalid_argument;
  if (st != Status::ok) return code(st);
  const auto p = bytes(pk, pk_len);
  const auto s = bytes(sig, sig_len);
  return code(mode == PQCEA_MLDSA_FAST ? verify<P, Memory::fast>(p, in, s) : verify<P, Memory::low>(p, in, s));
}

template <class P>
int keypair_derand(std::uint8_t* pk, std::uint8_t* sk, const std::uint8_t* xi) {
  if (pk == nullptr || sk == nullptr || xi == nullptr) return code(Status::invalid_argument);
  return code(keygen_internal<P>(std::span<std::uint8_t, P::pk_bytes>(pk, P::pk_bytes),
                                 std::span<std::uint8_t, P::sk_bytes>(sk, P::sk_bytes),
                                 std::span<const std::uint8_t, kSeedBytes>(xi, kSeedBytes)));
}
template <class P>
int keypair(std::uint8_t* pk, std::uint8_t* sk, pqcea_random_fn f, void* ctx) {
  if (pk == nullptr || sk == nullptr) return code(Status::invalid_argument);
  CallbackRng rng(f, ctx);
  return code(keygen<P>(std::span<std::uint8_t, P::pk_bytes>(pk, P::pk_bytes),
                        std::span<std::uint8_t, P::sk_bytes>(sk, P::sk_bytes), rng));
}
template <class P>
int keypair_seed(std::uint8_t* pk, std::uint8_t* xi, pqcea_random_fn f, void* ctx) {
  if (pk == nullptr || xi == nullptr) return code(Status::invalid_argument);
  CallbackRng rng(f, ctx);
  return code(keygen_seed<P>(std::span<std::uint8_t, P::pk_bytes>(pk, P::pk_bytes),
                             std::span<std::uint8_t, kSeedBytes>(xi, kSeedBytes), rng));
}
template <class P>
int check_sk(const std::uint8_t* sk) {
  if (sk == nullptr) return code(Status::invalid_argument);
  return code(check_private_key<P>(PrivateKey<P>::expanded(std::span<const std::uint8_t, P::sk_bytes>(sk, P::sk_bytes))));
}

}  // namespace
}  // namespace pqcea::mldsa

#define PQCEA_MLDSA_DEFINE(NN)                                                                                       \
  int pqcea_mldsa##NN##_keypair_derand(uint8_t* pk, uint8_t* sk, const uint8_t* xi) {                               \
    return pqcea::mldsa::keypair_derand<pqcea::mldsa::MlDsa##NN>(pk, sk, xi);                                        \
  }                                                                                                                  \
  int pqcea_mldsa##NN##_keypair(uint8_t* pk, uint8_t* sk, pqcea_random_fn rng, void* ctx) {                         \
    return pqcea::mldsa::keypair<pqcea::mldsa::MlDsa##NN>(pk, sk, rng, ctx);                                         \
  }                                                                                                                  \
  int pqcea_mldsa##NN##_keypair_seed(uint8_t* pk, uint8_t* xi, pqcea_random_fn rng, void* ctx) {                    \
    return pqcea::mldsa::keypair_seed<pqcea::mldsa::MlDsa##NN>(pk, xi, rng, ctx);                                    \
  }                                                                                                                  \
  int pqcea_mldsa##NN##_check_sk(const uint8_t* sk) { return pqcea::mldsa::check_sk<pqcea::mldsa::MlDsa##NN>(sk); } \
  int pqcea_mldsa##NN##_sign(uint8_t* sig, const uint8_t* sk, const uint8_t* msg, size_t msg_len, const uint8_t* ctx, \
                             size_t ctx_len, pqcea_random_fn rng, void* rng_ctx) {                                   \
    return pqcea::mldsa::sign_hedged<pqcea::mldsa::MlDsa##NN>(sig, sk, msg, msg_len, ctx, ctx_len, rng, rng_ctx);    \
  }                                                                                                                  \
  int pqcea_mldsa##NN##_verify(const uint8_t* pk, const uint8_t* msg, size_t msg_len, const uint8_t* ctx,           \
                               size_t ctx_len, const uint8_t* sig) {                                                 \
    const pqcea_mldsa_input in{PQCEA_MLDSA_PURE, 0, msg, msg_len, ctx, ctx_len};                                     \
    return pqcea::mldsa::verify_ex<pqcea::mldsa::MlDsa##NN>(pk, PQCEA_MLDSA##NN##_PK_BYTES, &in, sig,                 \
                                                            PQCEA_MLDSA##NN##_SIG_BYTES, PQCEA_MLDSA_FAST);          \
  }                                                                                                                  \
  int pqcea_mldsa##NN##_sign_derand(uint8_t* sig, const uint8_t* sk, size_t sk_len, const pqcea_mldsa_input* in,    \
                                    const uint8_t* rnd, int memory_mode) {                                           \
    return pqcea::mldsa::sign_derand<pqcea::mldsa::MlDsa##NN>(sig, sk, sk_len, in, rnd, memory_mode);                \
  }                                                                                                                  \
  int pqcea_mldsa##NN##_verify_ex(const uint8_t* pk, size_t pk_len, const pqcea_mldsa_input* in, const uint8_t* sig, \
                                  size_t sig_len, int memory_mode) {                                                 \
    return pqcea::mldsa::verify_ex<pqcea::mldsa::MlDsa##NN>(pk, pk_len, in, sig, sig_len, memory_mode);              \
  }

extern "C" {
PQCEA_MLDSA_DEFINE(44)
PQCEA_MLDSA_DEFINE(65)
PQCEA_MLDSA_DEFINE(87)
}
