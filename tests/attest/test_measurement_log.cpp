#include <gtest/gtest.h>

#include <string>

#include "pqcea/attest/measurement_log.hpp"
#include "pqcea/hash/keccak.hpp"
#include "pqcea/hash/sha2.hpp"

using namespace pqcea;

TEST(MeasurementLog, RecordsAndFillsClaims) {
  attest::MeasurementLog log;
  const std::uint8_t image[] = {1, 2, 3, 4, 5};
  ASSERT_EQ(log.measure("bl2", "1.0.0", attest::kHashSha256, image), Status::ok);
  ASSERT_EQ(log.measure("app", "2.1.0", attest::kHashSha3_256, image), Status::ok);
  attest::Claims c;
  log.fill(c);
  ASSERT_EQ(c.measurement_count, 2u);
  EXPECT_EQ(c.measurements[0].name, "bl2");
  EXPECT_EQ(c.measurements[1].version, "2.1.0");
  std::uint8_t d[32];
  hash::Sha256::hash(d, image, sizeof image);
  EXPECT_TRUE(std::equal(d, d + 32, c.measurements[0].digest.value.begin()));
  hash::Sha3_256::hash(d, image, sizeof image);
  EXPECT_EQ(c.measurements[1].digest.alg, attest::kHashSha3_256);
  EXPECT_TRUE(std::equal(d, d + 32, c.measurements[1].digest.value.begin()));
}

TEST(MeasurementLog, RejectsOutOfProfileEntriesAndOverflow) {
  attest::MeasurementLog log;
  const std::uint8_t d32[32] = {};
  EXPECT_EQ(log.add("", "1", attest::kHashSha256, d32), Status::invalid_argument);
  EXPECT_EQ(log.add(std::string(attest::kComponentNameMax + 1, 'x'), "1", attest::kHashSha256, d32),
            Status::invalid_argument);
  EXPECT_EQ(log.add("x", "1", attest::kHashSha384, d32), Status::invalid_argument);  // wrong length
  EXPECT_EQ(log.add("x", "1", 99, d32), Status::invalid_argument);                   // unknown alg
  EXPECT_EQ(log.measure("x", "1", attest::kHashSha512, d32), Status::invalid_argument);
  for (std::size_t i = 0; i < attest::MeasurementLog::kCapacity; ++i) {
    const char name[3] = {'c', static_cast<char>('a' + i), 0};
    ASSERT_EQ(log.add(name, "1", attest::kHashSha256, d32), Status::ok);
  }
  EXPECT_EQ(log.add("one-too-many", "1", attest::kHashSha256, d32), Status::buffer_too_small);
  EXPECT_EQ(log.size(), attest::MeasurementLog::kCapacity);
}
