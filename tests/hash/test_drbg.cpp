#include <gtest/gtest.h>

#include <cstring>

#include "pqcea/host/acvp.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/rng/drbg.hpp"

using namespace pqcea;

namespace {
class FailingSource final : public rng::EntropySource {
 public:
  Status get(std::span<std::uint8_t>) override { return Status::entropy_failure; }
};
const std::uint8_t kSeed[32] = {9, 8, 7, 6, 5, 4, 3, 2, 1};
}  // namespace

TEST(Drbg, DeterministicForSameInputs) {
  rng::ShakeDrbg a, b;
  ASSERT_EQ(a.instantiate(kSeed, {}, {}), Status::ok);
  ASSERT_EQ(b.instantiate(kSeed, {}, {}), Status::ok);
  std::uint8_t x[100], y[100];
  ASSERT_EQ(a.generate(x), Status::ok);
  ASSERT_EQ(b.generate(y), Status::ok);
  EXPECT_EQ(0, std::memcmp(x, y, sizeof x));
  // Successive outputs differ, and personalization separates instances.
  ASSERT_EQ(a.generate(y), Status::ok);
  EXPECT_NE(0, std::memcmp(x, y, sizeof x));
  rng::ShakeDrbg c;
  const std::uint8_t pers[] = {'p'};
  ASSERT_EQ(c.instantiate(kSeed, {}, pers), Status::ok);
  ASSERT_EQ(c.generate(y), Status::ok);
  EXPECT_NE(0, std::memcmp(x, y, sizeof x));
}

TEST(Drbg, RejectsShortEntropyAndOversizedRequests) {
  rng::ShakeDrbg a;
  EXPECT_EQ(a.instantiate(std::span<const std::uint8_t>(kSeed, 31), {}, {}), Status::invalid_length);
  std::uint8_t x[16];
  EXPECT_EQ(a.generate(x), Status::invalid_argument);  // not instantiated
  ASSERT_EQ(a.instantiate(kSeed, {}, {}), Status::ok);
  std::vector<std::uint8_t> big(rng::ShakeDrbg::kMaxRequest + 1);
  EXPECT_EQ(a.generate(big), Status::invalid_length);
}

TEST(Drbg, ReseedLimitIsEnforced) {
  rng::ShakeDrbg a;
  ASSERT_EQ(a.instantiate(kSeed, {}, {}), Status::ok);
  a.set_reseed_counter_for_test(rng::ShakeDrbg::kReseedInterval);
  std::uint8_t x[16];
  EXPECT_EQ(a.generate(x), Status::ok);
  EXPECT_EQ(a.generate(x), Status::reseed_required);
  ASSERT_EQ(a.reseed(kSeed, {}), Status::ok);
  EXPECT_EQ(a.generate(x), Status::ok);
}

TEST(Drbg, FailingEntropySourceIsAnError) {
  FailingSource bad;
  rng::ShakeDrbg a;
  EXPECT_EQ(a.instantiate(bad, {}), Status::entropy_failure);
  EXPECT_FALSE(a.instantiated());
  std::uint8_t x[16];
  EXPECT_NE(a.generate(x), Status::ok);
  host::LinuxEntropy good;
  ASSERT_EQ(a.instantiate(good, {}), Status::ok);
  EXPECT_EQ(a.reseed(bad), Status::entropy_failure);
  EXPECT_EQ(a.generate(x), Status::ok);  // a failed reseed leaves the state as it was
}

// Fixed-input known answer. The expected bytes come from the Python model of the documented
// construction (`python3 tests/hash/drbg_kat.py --print-kat`, hashlib.shake_256), never from this
// DRBG's own output; CTest drbg_kat_python compares many more answers the same way.
TEST(Drbg, KnownAnswerFromPythonModel) {
  auto hex = [](const std::uint8_t* p, std::size_t n) { return acvp::to_hex(std::span<const std::uint8_t>(p, n)); };
  std::uint8_t entropy[32], nonce[16], reseed_entropy[32];
  for (int i = 0; i < 32; ++i) entropy[i] = static_cast<std::uint8_t>(i);
  for (int i = 0; i < 16; ++i) nonce[i] = static_cast<std::uint8_t>(32 + i);
  for (int i = 0; i < 32; ++i) reseed_entropy[i] = static_cast<std::uint8_t>(64 + i);
  const std::uint8_t pers[] = {'p', 'q', 'c', 'e', 'a'};
  const std::uint8_t add[] = {'a', 'd', 'd', 'i', 't', 'i', 'o', 'n', 'a', 'l'};
  const std::uint8_t reseed_add[] = {'r', 'e', 's', 'e', 'e', 'd'};
  rng::ShakeDrbg d;
  ASSERT_EQ(d.instantiate(entropy, nonce, pers), Status::ok);
  std::uint8_t out[48];
  ASSERT_EQ(d.generate(out), Status::ok);
  EXPECT_EQ(hex(out, sizeof out),
            "9A47101D5EB7A439E1E4A9460A385C07163ECB145B8812C8009994E11E7D45B15C22B52C7CFA6A9E82510CD23399F9D4");
  ASSERT_EQ(d.generate(out, add), Status::ok);
  EXPECT_EQ(hex(out, sizeof out),
            "0B12CD687C7CAB52AA836C3C0FF70E03DB1B0A1452174B1CF039E29905B923B0DF5C045629580B0EA0DD06CDEC4045A4");
  ASSERT_EQ(d.reseed(reseed_entropy, reseed_add), Status::ok);
  ASSERT_EQ(d.generate(out), Status::ok);
  EXPECT_EQ(hex(out, sizeof out),
            "ACF8E788AF8758111E40D2875783EC198FB59FB30171D73D2328467708C79BC3DA6BFBC78CAAF3A1028289272560D70C");
}
