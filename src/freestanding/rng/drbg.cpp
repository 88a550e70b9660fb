#include "pqcea/rng/drbg.hpp"

#include "pqcea/core/bytes.hpp"
#include "pqcea/hash/keccak.hpp"

namespace pqcea::rng {
namespace {

constexpr std::uint8_t kInitLabel[] = "PQCEA-DRBG-v1 init";
constexpr std::uint8_t kReseedLabel[] = "PQCEA-DRBG-v1 reseed";
constexpr std::uint8_t kGenLabel[] = "PQCEA-DRBG-v1 gen";

// Length-prefixing keeps (a, b) and (a', b') with a||b == a'||b' apart.
void absorb_prefixed(hash::Shake256& x, std::span<const std::uint8_t> in) {
  std::uint8_t len[8];
  store64_be(len, in.size());
  x.absorb(len, sizeof len);
  x.absorb(in);
}

}  // namespace

Status ShakeDrbg::instantiate(std::span<const std::uint8_t> entropy, std::span<const std::uint8_t> nonce,
                              std::span<const std::uint8_t> personalization) {
  if (entropy.size() < kMinEntropy) return Status::invalid_length;
  hash::Shake256 x;
  x.absorb(kInitLabel, sizeof kInitLabel - 1);
  absorb_prefixed(x, entropy);
  absorb_prefixed(x, nonce);
  absorb_prefixed(x, personalization);
  x.squeeze(key_.data(), kStateBytes);
  counter_ = 1;
  instantiated_ = true;
  return Status::ok;
}

Status ShakeDrbg::reseed(std::span<const std::uint8_t> entropy, std::span<const std::uint8_t> additional) {
  if (!instantiated_) return Status::invalid_argument;
  if (entropy.size() < kMinEntropy) return Status::invalid_length;
  hash::Shake256 x;
  x.absorb(kReseedLabel, sizeof kReseedLabel - 1);
  x.absorb(key_.data(), kStateBytes);
  absorb_prefixed(x, entropy);
  absorb_prefixed(x, additional);
  x.squeeze(key_.data(), kStateBytes);
  counter_ = 1;
  return Status::ok;
}

Status ShakeDrbg::instantiate(EntropySource& source, std::span<const std::uint8_t> personalization) {
  Secret<kMinEntropy + 16> seed;  // entropy input plus a 128-bit nonce, both from the source
  Status s = source.get(seed.span());
  if (s != Status::ok) {
    uninstantiate();
    return s;
  }
  return instantiate(std::span<const std::uint8_t>(seed.data(), kMinEntropy),
                     std::span<const std::uint8_t>(seed.data() + kMinEntropy, 16), personalization);
}

Status ShakeDrbg::reseed(EntropySource& source) {
  if (!instantiated_) return Status::invalid_argument;
  Secret<kMinEntropy> seed;
  Status s = source.get(seed.span());
  if (s != Status::ok) return s;
  return reseed(seed.span(), {});
}

Status ShakeDrbg::generate(std::span<std::uint8_t> out, std::span<const std::uint8_t> additional) {
  if (!instantiated_) return Status::invalid_argument;
  if (out.size() > kMaxRequest) return Status::invalid_length;
  if (counter_ > kReseedInterval) return Status::reseed_required;
  hash::Shake256 x;
  x.absorb(kGenLabel, sizeof kGenLabel - 1);
  x.absorb(key_.data(), kStateBytes);
  std::uint8_t c[8];
  store64_be(c, counter_);
  x.absorb(c, sizeof c);
  absorb_prefixed(x, additional);
  x.squeeze(key_.data(), kStateBytes);  // new key first: forward secrecy
  x.squeeze(out);
  ++counter_;
  return Status::ok;
}

void ShakeDrbg::uninstantiate() {
  key_.wipe();
  counter_ = 0;
  instantiated_ = false;
}

}  // namespace pqcea::rng
