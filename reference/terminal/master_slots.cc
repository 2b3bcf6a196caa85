#include "terminal/master_slots.h"

namespace tmsproto::terminal {

void MasterSlots::install(std::uint32_t new_version) {
  version[other() - 1] = new_version;       // REQ-DL-050: the slot that is not running
  state = codec::SwitchState::kPending;     // REQ-DL-053: pending until the next start
}

bool MasterSlots::start(bool new_one_comes_up) {
  if (state != codec::SwitchState::kPending) return false;  // nothing marked: the same slot runs
  if (new_one_comes_up) {
    running = other();                       // REQ-DL-051: the new one runs; the old one stays as other
    state = codec::SwitchState::kSettled;
    return true;
  }
  state = codec::SwitchState::kFellBack;     // REQ-DL-051: back to the previous slot, recorded
  return false;
}

codec::MasterApp MasterSlots::report() const {
  return codec::MasterApp{running, running_version(), state, other_version()};  // REQ-DL-053
}

}  // namespace tmsproto::terminal
