#include "terminal/master_slots.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace tmsproto::terminal {
namespace {

using codec::SwitchState;

MasterSlots running_v1() {
  MasterSlots s;
  s.version = {1, 0};
  return s;
}

// REQ-DL-050, REQ-DL-053: an apply writes the other slot and waits for the next start.
TEST(MasterSlots, InstallWritesTheOtherSlotAndMarksItPending) {
  MasterSlots s = running_v1();
  s.install(2);
  EXPECT_EQ(s.running, 1);
  EXPECT_EQ(s.running_version(), 1u);
  EXPECT_EQ(s.report(), (codec::MasterApp{1, 1, SwitchState::kPending, 2}));
}

// REQ-DL-051: the new master application comes up, and the old one stays in the other slot.
TEST(MasterSlots, StartSwitchesToTheNewSlotWhenItComesUp) {
  MasterSlots s = running_v1();
  s.install(2);
  EXPECT_TRUE(s.start(true));
  EXPECT_EQ(s.report(), (codec::MasterApp{2, 2, SwitchState::kSettled, 1}));
}

// REQ-DL-051, REQ-DL-053: it does not come up: back to the previous slot, the failure recorded.
TEST(MasterSlots, StartFallsBackWhenTheNewOneDoesNotComeUp) {
  MasterSlots s = running_v1();
  s.install(2);
  EXPECT_FALSE(s.start(false));
  EXPECT_EQ(s.report(), (codec::MasterApp{1, 1, SwitchState::kFellBack, 2}));
  EXPECT_FALSE(s.start(true));  // nothing is marked any more: a fall-back is not retried
  EXPECT_EQ(s.running, 1);
  s.install(3);                 // REQ-DL-053: a later apply replaces the failed version
  EXPECT_EQ(s.report(), (codec::MasterApp{1, 1, SwitchState::kPending, 3}));
}

// REQ-DL-050, REQ-DL-051: whatever the sequence of applies and starts, the slot that runs is never
// the one an apply writes, and the running version only ever becomes one that came up.
RC_GTEST_PROP(MasterSlotsProperties, TheRunningSlotIsNeverWrittenAndOnlyAStartedVersionRuns, ()) {
  MasterSlots s = running_v1();
  std::uint32_t next = 2;
  const auto steps = *rc::gen::container<std::vector<std::pair<bool, bool>>>(rc::gen::arbitrary<std::pair<bool, bool>>());
  for (const auto& [is_install, comes_up] : steps) {
    const std::uint8_t running = s.running;
    const std::uint32_t running_version = s.running_version();
    if (is_install) {
      s.install(next++);
      RC_ASSERT(s.running == running);
      RC_ASSERT(s.running_version() == running_version);
    } else {
      const bool was_pending = s.state == SwitchState::kPending;
      const std::uint32_t candidate = s.other_version();
      const bool switched = s.start(comes_up);
      RC_ASSERT(switched == (was_pending && comes_up));
      RC_ASSERT(s.running_version() == (switched ? candidate : running_version));
    }
    // REQ-MSG-122: the report is always one a receiver accepts.
    const auto r = s.report();
    RC_ASSERT(r.state == SwitchState::kSettled || r.other_version != 0);
    RC_ASSERT(r.running_version >= 1);
  }
}

}  // namespace
}  // namespace tmsproto::terminal
