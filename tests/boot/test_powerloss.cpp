// Power loss at every write of an update (secure boot with A/B updates must survive it): the device
// runs its whole life cycle — boot v1, the update agent installs v2 into the inactive slot and
// requests it, the bootloader tries it, v2 confirms itself, the next boot advances the counter —
// and power is cut at the n-th flash write or erase (or counter update), for every n, with the
// torn operation taking none, half or almost all of its effect. After each cut the device restarts from the bootloader.
//
// At every boot that completes: a valid image boots (never bricked), its security counter is at
// least the stored counter, its payload is exactly v1 or v2, and once v2 has been confirmed and the
// counter advanced, v1 never boots again (never rolled back). In the end the update completes.
#include <gtest/gtest.h>

#include <cstring>
#include <ostream>

#include "boot_fixture.hpp"

namespace pqcea::boot {
namespace {

using namespace testing;

struct Images {
  std::vector<std::uint8_t> p1 = payload(9000, 1), p2 = payload(11000, 2);
  std::vector<std::uint8_t> v1 = image(p1, params(1, {1, 0, 0, 0}), seed(1));
  std::vector<std::uint8_t> v2 = image(p2, params(2, {2, 0, 0, 0}), seed(1));
};

const Images& images() {
  static const Images im;
  return im;
}

struct LifeResult {
  bool completed = false;
  bool bricked = false;        // a boot with power on found nothing to boot
  bool below_counter = false;  // an image below the stored counter booted
  bool rolled_back = false;    // v1 booted after the counter had reached v2's
  bool foreign_bytes = false;  // the booted payload was neither v1 nor v2
  bool counter_down = false;
  int boots = 0;
  std::size_t ops = 0;  // flash writes/erases and counter updates of the whole life cycle
  std::size_t program_violations = 0;
  bool safe() const { return !bricked && !below_counter && !rolled_back && !foreign_bytes && !counter_down; }
};

std::ostream& operator<<(std::ostream& os, const LifeResult& r) {
  return os << "completed=" << r.completed << " bricked=" << r.bricked << " below_counter=" << r.below_counter
            << " rolled_back=" << r.rolled_back << " foreign=" << r.foreign_bytes << " boots=" << r.boots
            << " ops=" << r.ops;
}

// Runs the device until v2 runs confirmed (or the boot budget is spent). cut_at: the operation
// that loses power (-1: none). A second cut can follow the first (cut2_after: operations after the
// restart). bad_agent: the update agent writes over the running slot (a deliberate bug that shows
// the harness detects a bricked device).
LifeResult live(std::size_t cut_at, unsigned torn_fraction, std::size_t cut2_after = static_cast<std::size_t>(-1),
                bool bad_agent = false) {
  const Images& im = images();
  Device dev;
  dev.trusted = {key_id(seed(1))};
  // Factory programming (before the device's life; not subject to power loss).
  EXPECT_EQ(install_image(dev.slot_a, im.v1), Status::ok);
  dev.power.ops = 0;
  dev.power.cut_at = cut_at;
  dev.power.torn_fraction = torn_fraction;
  bool second_cut_armed = cut2_after != static_cast<std::size_t>(-1);

  LifeResult r;
  std::uint32_t highest_counter = 0;
  bool v2_committed = false;  // the counter reached v2's security counter
  for (int boot = 0; boot < 12 && !r.completed; ++boot) {
    if (!dev.power.on) {
      dev.power.restore();  // the device resets and starts again from the bootloader
      if (second_cut_armed) {
        dev.power.cut_at = dev.power.ops + cut2_after;
        second_cut_armed = false;
      }
    }
    ++r.boots;
    const std::uint32_t counter_before = dev.counter.value;
    BootDecision d;
    const Verdict v = dev.boot(d);
    if (!dev.power.on) continue;  // power died during the boot: its outcome never took effect
    if (v != Verdict::accept || !d.verdict.accepted()) {
      r.bricked = true;
      break;
    }
    const bool is_v1 = d.image.manifest.payload_size == im.p1.size() &&
                       std::memcmp(dev.exec.data(), im.p1.data(), im.p1.size()) == 0;
    const bool is_v2 = d.image.manifest.payload_size == im.p2.size() &&
                       std::memcmp(dev.exec.data(), im.p2.data(), im.p2.size()) == 0;
    if (!is_v1 && !is_v2) r.foreign_bytes = true;
    if (d.image.manifest.security_counter < counter_before) r.below_counter = true;
    if (dev.counter.value < highest_counter) r.counter_down = true;
    highest_counter = dev.counter.value;
    if (v2_committed && is_v1) r.rolled_back = true;
    if (dev.counter.value >= 2) v2_committed = true;

    StateStore store(dev.state);
    if (is_v2 && d.trial) {
      (void)confirm_image(store, d.slot);  // v2 checks itself and confirms
    } else if (is_v1) {
      // The update agent in v1 downloads v2 again and installs it into the other slot.
      const Slot target = bad_agent ? d.slot : other(d.slot);
      if (install_image(dev.slot(target), im.v2) == Status::ok) (void)request_update(store, other(d.slot));
    } else if (is_v2 && !d.trial && dev.counter.value == 2) {
      r.completed = true;
    }
    // The application then resets on purpose (after installing or confirming).
  }
  r.ops = dev.power.ops;
  r.program_violations = dev.slot_a.program_violations + dev.slot_b.program_violations + dev.state.program_violations;
  return r;
}

TEST(PowerLoss, CleanLifeCycleCompletes) {
  const LifeResult r = live(static_cast<std::size_t>(-1), 128);
  EXPECT_TRUE(r.completed) << r;
  EXPECT_TRUE(r.safe()) << r;
  EXPECT_EQ(r.program_violations, 0u);
  EXPECT_EQ(r.boots, 3);  // v1 (installs v2), v2 on trial (confirms), v2 confirmed (counter 2)
  EXPECT_GT(r.ops, 5u);
}

TEST(PowerLoss, CutAtEveryOperation) {
  const std::size_t total = live(static_cast<std::size_t>(-1), 128).ops;
  ASSERT_GT(total, 5u);
  std::size_t runs = 0;
  for (unsigned fraction : {0u, 128u, 255u}) {
    for (std::size_t k = 0; k <= total; ++k) {
      SCOPED_TRACE(::testing::Message() << "cut at operation " << k << " of " << total << ", torn " << fraction << "/256");
      const LifeResult r = live(k, fraction);
      EXPECT_TRUE(r.safe()) << r;
      EXPECT_TRUE(r.completed) << r;
      EXPECT_EQ(r.program_violations, 0u);
      ++runs;
      if (::testing::Test::HasFailure()) return;
    }
  }
  RecordProperty("runs", static_cast<int>(runs));
  RecordProperty("operations", static_cast<int>(total));
}

// Two cuts: the second one during the recovery from the first.
TEST(PowerLoss, SecondCutDuringRecovery) {
  const std::size_t total = live(static_cast<std::size_t>(-1), 128).ops;
  for (std::size_t k = 0; k <= total; k += 3) {
    for (std::size_t k2 = 0; k2 <= 12; k2 += 2) {
      SCOPED_TRACE(::testing::Message() << "cuts at " << k << " and " << k2 << " after restart");
      const LifeResult r = live(k, 100, k2);
      EXPECT_TRUE(r.safe()) << r;
      EXPECT_TRUE(r.completed) << r;
      if (::testing::Test::HasFailure()) return;
    }
  }
}

}  // namespace
}  // namespace pqcea::boot

namespace pqcea::boot {
namespace {
// The harness can fail: an update agent that overwrites the running slot bricks the device when
// power is lost during the write, and the same cuts catch it.
TEST(PowerLoss, HarnessCatchesAnAgentThatOverwritesTheRunningSlot) {
  const std::size_t total = live(static_cast<std::size_t>(-1), 128).ops;
  std::size_t bricked = 0;
  for (std::size_t k = 0; k <= total; ++k) {
    const LifeResult r = live(k, 128, static_cast<std::size_t>(-1), true);
    if (r.bricked) ++bricked;
  }
  EXPECT_GT(bricked, 0u);
}
}  // namespace
}  // namespace pqcea::boot
