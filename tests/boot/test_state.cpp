// Boot-state log: factory state, append, sector rotation, torn and corrupted records, geometry, and
// the boot record encoding the application reads.
#include <gtest/gtest.h>

#include "pqcea/boot/record.hpp"
#include "pqcea/boot/state.hpp"
#include "sim_flash.hpp"

namespace pqcea::boot {
namespace {

TEST(BootState, FactoryStateOnErasedAndOnZeroedFlash) {
  for (int fill : {0xFF, 0x00}) {
    sim::Power power;
    sim::Area area(power, 1024, 512, 8, static_cast<std::uint8_t>(fill));
    StateStore store(area);
    BootState st;
    st.boot_count = 99;
    ASSERT_EQ(store.load(st), Status::ok);
    EXPECT_EQ(st.seq, 0u);
    EXPECT_EQ(st.confirmed, Slot::none);
    EXPECT_EQ(st.pending, Slot::none);
    EXPECT_EQ(st.boot_count, 0u);
    // The first save formats sector 0 (zeroed RAM is not erased flash).
    st.confirmed = Slot::a;
    ASSERT_EQ(store.save(st), Status::ok);
    EXPECT_EQ(st.seq, 1u);
    BootState back;
    ASSERT_EQ(store.load(back), Status::ok);
    EXPECT_EQ(back.confirmed, Slot::a);
    EXPECT_EQ(back.seq, 1u);
    EXPECT_EQ(area.program_violations, 0u);
  }
}

TEST(BootState, SaveLoadAcrossManyRotations) {
  sim::Power power;
  sim::Area area(power, 256, 128, 8);  // 4 records per sector: a rotation every 4 saves
  StateStore store(area);
  for (std::uint32_t i = 1; i <= 1000; ++i) {
    BootState st;
    ASSERT_EQ(store.load(st), Status::ok);
    ASSERT_EQ(st.seq, i - 1);
    if (i > 1) {
      ASSERT_EQ(st.boot_count, i - 1);
    }
    st.boot_count = i;
    st.confirmed = (i % 2) ? Slot::a : Slot::b;
    st.pending = (i % 3) ? Slot::none : Slot::b;
    st.trials = static_cast<std::uint8_t>(i % 2);
    ASSERT_EQ(store.save(st), Status::ok);
    ASSERT_EQ(st.seq, i);
    BootState back;
    ASSERT_EQ(store.load(back), Status::ok);
    ASSERT_EQ(back.boot_count, i);
    ASSERT_EQ(back.confirmed, st.confirmed);
    ASSERT_EQ(back.pending, st.pending);
    ASSERT_EQ(back.trials, st.trials);
  }
  EXPECT_EQ(area.program_violations, 0u);
  EXPECT_EQ(area.erases, 250u);  // one erase per 4 records
}

TEST(BootState, TornOrCorruptedRecordLeavesThePreviousOne) {
  sim::Power power;
  sim::Area area(power, 1024, 512, 8);
  StateStore store(area);
  BootState st;
  st.confirmed = Slot::a;
  st.boot_count = 1;
  ASSERT_EQ(store.save(st), Status::ok);
  // The next write loses power halfway.
  st.confirmed = Slot::b;
  st.boot_count = 2;
  power.cut_at = power.ops;
  power.torn_fraction = 128;
  EXPECT_NE(store.save(st), Status::ok);
  power.restore();
  BootState back;
  ASSERT_EQ(store.load(back), Status::ok);
  EXPECT_EQ(back.confirmed, Slot::a);
  EXPECT_EQ(back.boot_count, 1u);
  // Later saves go after the torn record, never onto it.
  back.boot_count = 3;
  ASSERT_EQ(store.save(back), Status::ok);
  ASSERT_EQ(store.load(back), Status::ok);
  EXPECT_EQ(back.boot_count, 3u);
  EXPECT_EQ(back.seq, 2u);
  EXPECT_EQ(area.program_violations, 0u);
  // A bit flip in the newest record's check makes the older one current again.
  auto& b = area.bytes();
  b[2 * kStateRecordSize + 30] ^= 0x01;  // record index 2 (index 1 is the torn one)
  ASSERT_EQ(store.load(back), Status::ok);
  EXPECT_EQ(back.boot_count, 1u);
}

TEST(BootState, PowerLossDuringRotationKeepsTheFullSector) {
  sim::Power power;
  sim::Area area(power, 256, 128, 8);
  StateStore store(area);
  BootState st;
  for (std::uint32_t i = 1; i <= 4; ++i) {  // fills sector 0
    st.boot_count = i;
    ASSERT_EQ(store.save(st), Status::ok);
  }
  for (unsigned fraction : {0u, 100u, 255u}) {
    power.cut_at = power.ops;  // the erase of sector 1
    power.torn_fraction = fraction;
    st.boot_count = 5;
    EXPECT_NE(store.save(st), Status::ok);
    power.restore();
    BootState back;
    ASSERT_EQ(store.load(back), Status::ok);
    EXPECT_EQ(back.boot_count, 4u) << fraction;
  }
  st.boot_count = 5;
  ASSERT_EQ(store.save(st), Status::ok);
  BootState back;
  ASSERT_EQ(store.load(back), Status::ok);
  EXPECT_EQ(back.boot_count, 5u);
  EXPECT_EQ(area.program_violations, 0u);
}

TEST(BootState, RecordDecoderIsStrict) {
  BootState st;
  st.seq = 7;
  st.confirmed = Slot::b;
  st.pending = Slot::a;
  st.trials = 1;
  st.boot_count = 0x01020304;
  std::array<std::uint8_t, kStateRecordSize> rec;
  encode_state_record(st, rec);
  BootState out;
  ASSERT_EQ(decode_state_record(rec, out), Status::ok);
  EXPECT_EQ(out.seq, 7u);
  EXPECT_EQ(out.boot_count, 0x01020304u);
  // Any single bit flip is detected.
  for (std::size_t i = 0; i < kStateRecordSize; ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto c = rec;
      c[i] ^= static_cast<std::uint8_t>(1u << bit);
      EXPECT_EQ(decode_state_record(c, out), Status::decode_error) << i << ":" << bit;
    }
  }
  // Out-of-range values are refused even with a matching check value.
  st.trials = 2;
  encode_state_record(st, rec);
  EXPECT_EQ(decode_state_record(rec, out), Status::decode_error);
  st.trials = 0;
  st.confirmed = static_cast<Slot>(2);
  encode_state_record(st, rec);
  EXPECT_EQ(decode_state_record(rec, out), Status::decode_error);
  st.confirmed = Slot::a;
  st.seq = 0;
  encode_state_record(st, rec);
  EXPECT_EQ(decode_state_record(rec, out), Status::decode_error);
}

TEST(BootState, UnusableGeometryIsReported) {
  sim::Power power;
  BootState st;
  sim::Area one_sector(power, 512, 512, 8);
  EXPECT_EQ(StateStore(one_sector).load(st), Status::unsupported);
  sim::Area odd_sector(power, 200, 100, 4);
  EXPECT_EQ(StateStore(odd_sector).load(st), Status::unsupported);
  sim::Area wide_unit(power, 1024, 512, 64);
  EXPECT_EQ(StateStore(wide_unit).save(st), Status::unsupported);
}

// ---- boot record ----------------------------------------------------------------------------
BootRecord sample_record() {
  BootRecord r;
  r.slot = Slot::b;
  r.trial = true;
  r.boot_count = 42;
  r.version = {1, 2, 3, 4};
  r.security_counter = 9;
  r.stored_counter = 8;
  r.load_address = 0x10300000;
  r.payload_size = 65536;
  r.digest_alg = kDigestSha3_256;
  for (std::size_t i = 0; i < 32; ++i) {
    r.digest[i] = static_cast<std::uint8_t>(i);
    r.key_id[i] = static_cast<std::uint8_t>(0x80 + i);
    r.manifest_hash[i] = static_cast<std::uint8_t>(0x40 + i);
  }
  return r;
}

TEST(BootRecord, RoundTrip) {
  const BootRecord r = sample_record();
  std::array<std::uint8_t, kBootRecordSize> b;
  ASSERT_EQ(encode_boot_record(r, b), Status::ok);
  EXPECT_EQ(b[0], 'P');
  EXPECT_EQ(b[3], 'R');
  BootRecord out;
  ASSERT_EQ(decode_boot_record(b, out), Status::ok);
  EXPECT_EQ(out.slot, Slot::b);
  EXPECT_TRUE(out.trial);
  EXPECT_EQ(out.boot_count, 42u);
  EXPECT_EQ(compare(out.version, r.version), 0);
  EXPECT_EQ(out.security_counter, 9u);
  EXPECT_EQ(out.stored_counter, 8u);
  EXPECT_EQ(out.load_address, 0x10300000u);
  EXPECT_EQ(out.payload_size, 65536u);
  EXPECT_EQ(out.digest_alg, kDigestSha3_256);
  EXPECT_EQ(out.digest, r.digest);
  EXPECT_EQ(out.key_id, r.key_id);
  EXPECT_EQ(out.manifest_hash, r.manifest_hash);
}

TEST(BootRecord, AnyChangeIsDetected) {
  std::array<std::uint8_t, kBootRecordSize> b;
  ASSERT_EQ(encode_boot_record(sample_record(), b), Status::ok);
  BootRecord out;
  for (std::size_t i = 0; i < kBootRecordSize; ++i) {
    auto c = b;
    c[i] ^= 0x10;
    EXPECT_EQ(decode_boot_record(c, out), Status::decode_error) << i;
  }
  std::array<std::uint8_t, kBootRecordSize> zero{};
  EXPECT_EQ(decode_boot_record(zero, out), Status::decode_error);
  BootRecord bad = sample_record();
  bad.slot = Slot::none;
  EXPECT_EQ(encode_boot_record(bad, b), Status::invalid_argument);
}

}  // namespace
}  // namespace pqcea::boot
