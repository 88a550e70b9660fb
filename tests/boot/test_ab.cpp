// The A/B state machine on the simulated device: factory boot, update tried then confirmed (the
// counter advances only after the confirmation), an update that never confirms falls back, refused
// updates (rollback, tampered, wrong key) leave the old slot running, a corrupted confirmed slot
// falls back to the other, and the update agent's and application's calls are checked.
#include <gtest/gtest.h>

#include <cstring>

#include "boot_fixture.hpp"

namespace pqcea::boot {
namespace {

using namespace testing;

class AB : public ::testing::Test {
 protected:
  void SetUp() override {
    dev_.trusted = {key_id(seed(1))};
    v1_payload_ = payload(5000, 1);
    v2_payload_ = payload(7000, 2);
    v1_ = image(v1_payload_, params(1, {1, 0, 0, 0}), seed(1));
    v2_ = image(v2_payload_, params(2, {2, 0, 0, 0}), seed(1));
    ASSERT_EQ(install_image(dev_.slot_a, v1_), Status::ok);
  }
  // Boots and checks the hardened decision is consistent with the verdict.
  Verdict boot(BootDecision& d, Events* ev = nullptr) {
    const Verdict v = dev_.boot(d, ev);
    EXPECT_EQ(v == Verdict::accept, d.verdict.accepted());
    if (v == Verdict::accept) {
      EXPECT_EQ(d.flow.value(), flow::kImageValid + flow::kDecided);
    }
    return v;
  }
  bool runs(const BootDecision& d, const std::vector<std::uint8_t>& pl) {
    return std::memcmp(dev_.exec.data(), pl.data(), pl.size()) == 0 && d.image.manifest.payload_size == pl.size();
  }
  void update_to(const std::vector<std::uint8_t>& img, Slot target) {
    ASSERT_EQ(install_image(dev_.slot(target), img), Status::ok);
    StateStore store(dev_.state);
    ASSERT_EQ(request_update(store, target), Status::ok);
  }
  Status confirm(Slot s) {
    StateStore store(dev_.state);
    return confirm_image(store, s);
  }

  Device dev_;
  std::vector<std::uint8_t> v1_payload_, v2_payload_, v1_, v2_;
};

TEST_F(AB, FactoryBootRunsSlotAAndAdvancesTheCounterToIt) {
  BootDecision d;
  Events ev;
  ASSERT_EQ(boot(d, &ev), Verdict::accept);
  EXPECT_EQ(d.slot, Slot::a);
  EXPECT_FALSE(d.trial);
  EXPECT_TRUE(runs(d, v1_payload_));
  EXPECT_EQ(dev_.counter.value, 1u);
  EXPECT_EQ(d.stored_counter, 1u);
  EXPECT_EQ(d.boot_count, 1u);
  const BootEvent* e = ev.find(BootEvent::Kind::counter_advanced);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->from, 0u);
  EXPECT_EQ(e->to, 1u);
  EXPECT_EQ(dev_.state_now().confirmed, Slot::a);
  // Boot count goes up on every boot; the counter stays.
  ASSERT_EQ(boot(d), Verdict::accept);
  EXPECT_EQ(d.boot_count, 2u);
  EXPECT_EQ(dev_.counter.value, 1u);
}

TEST_F(AB, EmptyDeviceRefusesToBoot) {
  Device empty;
  empty.trusted = dev_.trusted;
  BootDecision d;
  Events ev;
  EXPECT_EQ(empty.boot(d, &ev), Verdict::reject);
  EXPECT_FALSE(d.verdict.accepted());
  ASSERT_EQ(ev.all.size(), 2u);
  EXPECT_EQ(ev.all[0].slot, Slot::a);
  EXPECT_EQ(ev.all[1].slot, Slot::b);
  EXPECT_EQ(ev.all[0].rejection.manifest_error, ManifestError::bad_magic);
}

TEST_F(AB, UpdateIsTriedThenConfirmedThenTheCounterAdvances) {
  BootDecision d;
  ASSERT_EQ(boot(d), Verdict::accept);  // v1 in A, counter 1
  update_to(v2_, Slot::b);
  EXPECT_EQ(dev_.state_now().pending, Slot::b);

  Events ev;
  ASSERT_EQ(boot(d, &ev), Verdict::accept);
  EXPECT_EQ(d.slot, Slot::b);
  EXPECT_TRUE(d.trial);
  EXPECT_TRUE(runs(d, v2_payload_));
  EXPECT_TRUE(ev.has(BootEvent::Kind::trial_started));
  EXPECT_EQ(dev_.counter.value, 1u) << "a trial must not advance the counter";
  EXPECT_EQ(d.stored_counter, 1u);

  ASSERT_EQ(confirm(Slot::b), Status::ok);
  EXPECT_EQ(dev_.state_now().confirmed, Slot::b);
  EXPECT_EQ(dev_.counter.value, 1u);

  Events ev2;
  ASSERT_EQ(boot(d, &ev2), Verdict::accept);
  EXPECT_EQ(d.slot, Slot::b);
  EXPECT_FALSE(d.trial);
  EXPECT_EQ(dev_.counter.value, 2u);
  EXPECT_EQ(d.stored_counter, 2u);
  const BootEvent* e = ev2.find(BootEvent::Kind::counter_advanced);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->from, 1u);
  EXPECT_EQ(e->to, 2u);

  // The old image can no longer come back: as an update it is refused for its counter...
  update_to(v1_, Slot::a);
  Events ev3;
  ASSERT_EQ(boot(d, &ev3), Verdict::accept);
  EXPECT_EQ(d.slot, Slot::b);
  const BootEvent* r = ev3.find(BootEvent::Kind::update_rejected);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rejection.reason, Reject::rollback);
  EXPECT_EQ(r->rejection.image_counter, 1u);
  EXPECT_EQ(r->rejection.stored_counter, 2u);
  // ...and as a fallback too, even if the confirmed slot is destroyed.
  ASSERT_EQ(dev_.slot_b.erase(0, dev_.slot_b.size()), Status::ok);
  Events ev4;
  EXPECT_EQ(boot(d, &ev4), Verdict::reject);
  ASSERT_EQ(ev4.all.size(), 2u);
  EXPECT_EQ(ev4.all[1].rejection.reason, Reject::rollback);
}

TEST_F(AB, UpdateThatNeverConfirmsFallsBackToTheOldSlot) {
  BootDecision d;
  ASSERT_EQ(boot(d), Verdict::accept);
  update_to(v2_, Slot::b);
  ASSERT_EQ(boot(d), Verdict::accept);
  ASSERT_TRUE(d.trial);
  // No confirmation (the new image crashed, hung or failed its self-test); the device resets.
  Events ev;
  ASSERT_EQ(boot(d, &ev), Verdict::accept);
  EXPECT_EQ(d.slot, Slot::a);
  EXPECT_FALSE(d.trial);
  EXPECT_TRUE(runs(d, v1_payload_));
  const BootEvent* e = ev.find(BootEvent::Kind::update_reverted);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->slot, Slot::b);
  EXPECT_EQ(dev_.counter.value, 1u);
  const BootState st = dev_.state_now();
  EXPECT_EQ(st.confirmed, Slot::a);
  EXPECT_EQ(st.pending, Slot::none);
  // It stays reverted; a late confirmation from the failed slot is refused.
  ASSERT_EQ(boot(d), Verdict::accept);
  EXPECT_EQ(d.slot, Slot::a);
  EXPECT_EQ(confirm(Slot::b), Status::invalid_argument);
  EXPECT_EQ(dev_.state_now().confirmed, Slot::a);
}

TEST_F(AB, RefusedUpdatesLeaveTheOldSlotRunning) {
  BootDecision d;
  ASSERT_EQ(boot(d), Verdict::accept);
  struct Case {
    const char* name;
    std::vector<std::uint8_t> img;
    Reject want;
  };
  auto tampered = v2_;
  tampered[kManifestSize + 100] ^= 0x04;
  auto wrong_key = image(v2_payload_, params(2, {2, 0, 0, 0}), seed(9));
  auto truncated = std::vector<std::uint8_t>(v2_.begin(), v2_.end() - 500);
  auto manifest_bit = v2_;
  manifest_bit[offset::version_minor] ^= 0x01;
  std::vector<Case> cases = {{"tampered payload", tampered, Reject::digest},
                             {"manifest bit", manifest_bit, Reject::signature},
                             {"wrong key", wrong_key, Reject::key_not_trusted},
                             {"truncated", truncated, Reject::truncated}};
  for (const Case& c : cases) {
    update_to(c.img, Slot::b);
    Events ev;
    ASSERT_EQ(boot(d, &ev), Verdict::accept) << c.name;
    EXPECT_EQ(d.slot, Slot::a) << c.name;
    EXPECT_FALSE(d.trial) << c.name;
    EXPECT_TRUE(runs(d, v1_payload_)) << c.name;
    const BootEvent* e = ev.find(BootEvent::Kind::update_rejected);
    ASSERT_NE(e, nullptr) << c.name;
    EXPECT_EQ(e->rejection.reason, c.want) << c.name;
    EXPECT_EQ(dev_.state_now().pending, Slot::none) << c.name;
  }
  EXPECT_EQ(dev_.counter.value, 1u);
}

TEST_F(AB, CorruptedConfirmedSlotFallsBackToAValidOtherSlot) {
  BootDecision d;
  ASSERT_EQ(boot(d), Verdict::accept);
  update_to(v2_, Slot::b);
  ASSERT_EQ(boot(d), Verdict::accept);
  ASSERT_EQ(confirm(Slot::b), Status::ok);
  // Slot B now confirmed but the counter (1) still allows v1 until the next boot. Corrupt B.
  dev_.slot_b.bytes()[kManifestSize + 5] ^= 1;
  Events ev;
  ASSERT_EQ(boot(d, &ev), Verdict::accept);
  EXPECT_EQ(d.slot, Slot::a);
  EXPECT_TRUE(runs(d, v1_payload_));
  EXPECT_EQ(ev.all.front().kind, BootEvent::Kind::slot_rejected);
  EXPECT_EQ(ev.all.front().rejection.reason, Reject::digest);
  EXPECT_EQ(dev_.state_now().confirmed, Slot::a);
}

TEST_F(AB, UpdateAgentAndApplicationCallsAreChecked) {
  BootDecision d;
  ASSERT_EQ(boot(d), Verdict::accept);
  StateStore store(dev_.state);
  EXPECT_EQ(request_update(store, Slot::a), Status::invalid_argument) << "never overwrite the running slot";
  EXPECT_EQ(request_update(store, Slot::none), Status::invalid_argument);
  EXPECT_EQ(confirm_image(store, Slot::a), Status::ok) << "already confirmed";
  EXPECT_EQ(confirm_image(store, Slot::b), Status::invalid_argument);
  std::vector<std::uint8_t> huge(dev_.slot_b.size() + 1);
  EXPECT_EQ(install_image(dev_.slot_b, huge), Status::invalid_length);
  // An image whose size is not a multiple of the program unit is padded with erased bytes.
  std::vector<std::uint8_t> odd = v2_;
  ASSERT_NE(odd.size() % 8, 0u);
  ASSERT_EQ(install_image(dev_.slot_b, odd), Status::ok);
  EXPECT_EQ(std::memcmp(dev_.slot_b.bytes().data(), odd.data(), odd.size()), 0);
  EXPECT_EQ(dev_.slot_b.bytes()[odd.size()], 0xFF);
  EXPECT_EQ(dev_.slot_a.program_violations + dev_.slot_b.program_violations + dev_.state.program_violations, 0u);
}

TEST_F(AB, UnreadableCounterFailsClosed) {
  struct Broken final : MonotonicCounter {
    Status read(std::uint32_t&) override { return Status::unsupported; }
    Status advance(std::uint32_t) override { return Status::unsupported; }
    std::uint32_t max() const override { return 0; }
  } broken;
  BootPorts p = dev_.ports();
  p.counter = &broken;
  BootDecision d;
  Events ev;
  EXPECT_EQ(decide_boot(p, dev_.ws, d, &ev), Verdict::reject);
  EXPECT_TRUE(ev.has(BootEvent::Kind::state_error));
  EXPECT_FALSE(d.verdict.accepted());
}

TEST_F(AB, CounterThatCannotAdvanceStillBootsTheValidImage) {
  sim::Counter small(dev_.power, 0);  // a counter with no room left
  BootPorts p = dev_.ports();
  p.counter = &small;
  BootDecision d;
  Events ev;
  ASSERT_EQ(decide_boot(p, dev_.ws, d, &ev), Verdict::accept);
  EXPECT_EQ(d.slot, Slot::a);
  EXPECT_EQ(d.stored_counter, 0u);
  EXPECT_TRUE(ev.has(BootEvent::Kind::state_error));
}

}  // namespace
}  // namespace pqcea::boot
