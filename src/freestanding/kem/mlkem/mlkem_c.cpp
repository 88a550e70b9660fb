// The C API of include/pqcea/mlkem.h: fixed-size arrays in, pqcea::Status values out.
#include "pqcea/mlkem.h"

#include "pqcea/mlkem.hpp"

namespace pqcea::mlkem {
namespace {

static_assert(PQCEA_STATUS_OK == static_cast<int>(Status::ok));
static_assert(PQCEA_STATUS_INVALID_LENGTH == static_cast<int>(Status::invalid_length));
static_assert(PQCEA_STATUS_INVALID_KEY == static_cast<int>(Status::invalid_key));
static_assert(PQCEA_STATUS_INVALID_SIGNATURE == static_cast<int>(Status::invalid_signature));
static_assert(PQCEA_STATUS_INVALID_ARGUMENT == static_cast<int>(Status::invalid_argument));
static_assert(PQCEA_STATUS_ENTROPY_FAILURE == static_cast<int>(Status::entropy_failure));
static_assert(PQCEA_MLKEM512_EK_BYTES == ml_kem_512.ek_bytes() && PQCEA_MLKEM512_DK_BYTES == ml_kem_512.dk_bytes() &&
              PQCEA_MLKEM512_CT_BYTES == ml_kem_512.ct_bytes());
static_assert(PQCEA_MLKEM768_EK_BYTES == ml_kem_768.ek_bytes() && PQCEA_MLKEM768_DK_BYTES == ml_kem_768.dk_bytes() &&
              PQCEA_MLKEM768_CT_BYTES == ml_kem_768.ct_bytes());
static_assert(PQCEA_MLKEM1024_EK_BYTES == ml_kem_1024.ek_bytes() &&
              PQCEA_MLKEM1024_DK_BYTES == ml_kem_1024.dk_bytes() && PQCEA_MLKEM1024_CT_BYTES == ml_kem_1024.ct_bytes());
static_assert(PQCEA_MLKEM_SEED_BYTES == seed_bytes && PQCEA_MLKEM_SHARED_KEY_BYTES == shared_key_bytes);

// Adapts the C callback to the RandomSource interface.
class CallbackRng final : public rng::RandomSource {
 public:
  CallbackRng(pqcea_random_fn fn, void* ctx) : fn_(fn), ctx_(ctx) {}
  Status generate(std::span<std::uint8_t> out) override {
    return fn_(ctx_, out.data(), out.size()) == 0 ? Status::ok : Status::entropy_failure;
  }

 private:
  pqcea_random_fn fn_;
  void* ctx_;
};

int code(Status s) { return static_cast<int>(s); }
constexpr int null_arg = static_cast<int>(Status::invalid_argument);

template <std::size_t N>
std::span<std::uint8_t, N> out(std::uint8_t* p) {
  return std::span<std::uint8_t, N>(p, N);
}
template <std::size_t N>
std::span<const std::uint8_t, N> in(const std::uint8_t* p) {
  return std::span<const std::uint8_t, N>(p, N);
}

template <Params P>
struct C {
  static int keypair_derand(std::uint8_t* ek, std::uint8_t* dk, const std::uint8_t* seed) {
    if (!ek || !dk || !seed) return null_arg;
    return code(keygen_from_seed<P>(out<P.ek_bytes()>(ek), out<P.dk_bytes()>(dk), in<seed_bytes>(seed)));
  }
  static int keypair(std::uint8_t* ek, std::uint8_t* dk, pqcea_random_fn rng, void* ctx) {
    if (!ek || !dk || !rng) return null_arg;
    CallbackRng r(rng, ctx);
    return code(keygen<P>(out<P.ek_bytes()>(ek), out<P.dk_bytes()>(dk), r));
  }
  static int keypair_seed(std::uint8_t* ek, std::uint8_t* seed, pqcea_random_fn rng, void* ctx) {
    if (!ek || !seed || !rng) return null_arg;
    CallbackRng r(rng, ctx);
    return code(keygen_seed<P>(out<P.ek_bytes()>(ek), out<seed_bytes>(seed), r));
  }
  static int encaps_derand(std::uint8_t* key, std::uint8_t* ct, const std::uint8_t* ek, const std::uint8_t* m) {
    if (!key || !ct || !ek || !m) return null_arg;
    return code(encaps_internal<P>(out<32>(key), out<P.ct_bytes()>(ct), in<P.ek_bytes()>(ek), in<32>(m)));
  }
  static int encaps_rand(std::uint8_t* key, std::uint8_t* ct, const std::uint8_t* ek, pqcea_random_fn rng, void* ctx) {
    if (!key || !ct || !ek || !rng) return null_arg;
    CallbackRng r(rng, ctx);
    return code(encaps<P>(out<32>(key), out<P.ct_bytes()>(ct), in<P.ek_bytes()>(ek), r));
  }
  static int decaps_dk(std::uint8_t* key, const std::uint8_t* ct, const std::uint8_t* dk) {
    if (!key || !ct || !dk) return null_arg;
    return code(decaps<P>(out<32>(key), in<P.ct_bytes()>(ct), in<P.dk_bytes()>(dk)));
  }
  static int decaps_from_seed(std::uint8_t* key, const std::uint8_t* ct, const std::uint8_t* seed) {
    if (!key || !ct || !seed) return null_arg;
    return code(decaps_seed<P>(out<32>(key), in<P.ct_bytes()>(ct), in<seed_bytes>(seed)));
  }
  static int check_ek(const std::uint8_t* ek) {
    if (!ek) return null_arg;
    return code(check_encaps_key<P>(in<P.ek_bytes()>(ek)));
  }
  static int check_dk(const std::uint8_t* dk) {
    if (!dk) return null_arg;
    return code(check_decaps_key<P>(in<P.dk_bytes()>(dk)));
  }
};

}  // namespace
}  // namespace pqcea::mlkem

using pqcea::mlkem::C;
using pqcea::mlkem::ml_kem_1024;
using pqcea::mlkem::ml_kem_512;
using pqcea::mlkem::ml_kem_768;

extern "C" {

int pqcea_mlkem512_keypair_derand(uint8_t* ek, uint8_t* dk, const uint8_t* seed) {
  return C<ml_kem_512>::keypair_derand(ek, dk, seed);
}
int pqcea_mlkem512_keypair(uint8_t* ek, uint8_t* dk, pqcea_random_fn rng, void* ctx) {
  return C<ml_kem_512>::keypair(ek, dk, rng, ctx);
}
int pqcea_mlkem512_keypair_seed(uint8_t* ek, uint8_t* seed, pqcea_random_fn rng, void* ctx) {
  return C<ml_kem_512>::keypair_seed(ek, seed, rng, ctx);
}
int pqcea_mlkem512_encaps_derand(uint8_t* key, uint8_t* ct, const uint8_t* ek, const uint8_t* m) {
  return C<ml_kem_512>::encaps_derand(key, ct, ek, m);
}
int pqcea_mlkem512_encaps(uint8_t* key, uint8_t* ct, const uint8_t* ek, pqcea_random_fn rng, void* ctx) {
  return C<ml_kem_512>::encaps_rand(key, ct, ek, rng, ctx);
}
int pqcea_mlkem512_decaps(uint8_t* key, const uint8_t* ct, const uint8_t* dk) {
  return C<ml_kem_512>::decaps_dk(key, ct, dk);
}
int pqcea_mlkem512_decaps_seed(uint8_t* key, const uint8_t* ct, const uint8_t* seed) {
  return C<ml_kem_512>::decaps_from_seed(key, ct, seed);
}
int pqcea_mlkem512_check_ek(const uint8_t* ek) { return C<ml_kem_512>::check_ek(ek); }
int pqcea_mlkem512_check_dk(const uint8_t* dk) { return C<ml_kem_512>::check_dk(dk); }

int pqcea_mlkem768_keypair_derand(uint8_t* ek, uint8_t* dk, const uint8_t* seed) {
  return C<ml_kem_768>::keypair_derand(ek, dk, seed);
}
int pqcea_mlkem768_keypair(uint8_t* ek, uint8_t* dk, pqcea_random_fn rng, void* ctx) {
  return C<ml_kem_768>::keypair(ek, dk, rng, ctx);
}
int pqcea_mlkem768_keypair_seed(uint8_t* ek, uint8_t* seed, pqcea_random_fn rng, void* ctx) {
  return C<ml_kem_768>::keypair_seed(ek, seed, rng, ctx);
}
int pqcea_mlkem768_encaps_derand(uint8_t* key, uint8_t* ct, const uint8_t* ek, const uint8_t* m) {
  return C<ml_kem_768>::encaps_derand(key, ct, ek, m);
}
int pqcea_mlkem768_encaps(uint8_t* key, uint8_t* ct, const uint8_t* ek, pqcea_random_fn rng, void* ctx) {
  return C<ml_kem_768>::encaps_rand(key, ct, ek, rng, ctx);
}
int pqcea_mlkem768_decaps(uint8_t* key, const uint8_t* ct, const uint8_t* dk) {
  return C<ml_kem_768>::decaps_dk(key, ct, dk);
}
int pqcea_mlkem768_decaps_seed(uint8_t* key, const uint8_t* ct, const uint8_t* seed) {
  return C<ml_kem_768>::decaps_from_seed(key, ct, seed);
}
int pqcea_mlkem768_check_ek(const uint8_t* ek) { return C<ml_kem_768>::check_ek(ek); }
int pqcea_mlkem768_check_dk(const uint8_t* dk) { return C<ml_kem_768>::check_dk(dk); }

int pqcea_mlkem1024_keypair_derand(uint8_t* ek, uint8_t* dk, const uint8_t* seed) {
  return C<ml_kem_1024>::keypair_derand(ek, dk, seed);
}
int pqcea_mlkem1024_keypair(uint8_t* ek, uint8_t* dk, pqcea_random_fn rng, void* ctx) {
  return C<ml_kem_1024>::keypair(ek, dk, rng, ctx);
}
int pqcea_mlkem1024_keypair_seed(uint8_t* ek, uint8_t* seed, pqcea_random_fn rng, void* ctx) {
  return C<ml_kem_1024>::keypair_seed(ek, seed, rng, ctx);
}
int pqcea_mlkem1024_encaps_derand(uint8_t* key, uint8_t* ct, const uint8_t* ek, const uint8_t* m) {
  return C<ml_kem_1024>::encaps_derand(key, ct, ek, m);
}
int pqcea_mlkem1024_encaps(uint8_t* key, uint8_t* ct, const uint8_t* ek, pqcea_random_fn rng, void* ctx) {
  return C<ml_kem_1024>::encaps_rand(key, ct, ek, rng, ctx);
}
int pqcea_mlkem1024_decaps(uint8_t* key, const uint8_t* ct, const uint8_t* dk) {
  return C<ml_kem_1024>::decaps_dk(key, ct, dk);
}
int pqcea_mlkem1024_decaps_seed(uint8_t* key, const uint8_t* ct, const uint8_t* seed) {
  return C<ml_kem_1024>::decaps_from_seed(key, ct, seed);
}
int pqcea_mlkem1024_check_ek(const uint8_t* ek) { return C<ml_kem_1024>::check_ek(ek); }
int pqcea_mlkem1024_check_dk(const uint8_t* dk) { return C<ml_kem_1024>::check_dk(dk); }

}  // extern "C"
