#include <gtest/gtest.h>

#include <cstring>

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
