// The master application's two slots (spec/06-download.md section 6.6): the device logic behind
// a terminal's package store for KIND M, pure so that the in-memory device and the reference
// terminal's state directory share it. The master application (主控应用) runs the protocol and is
// itself downloaded (patent [0082], [0083]); the slot it runs from is never the one written.
#pragma once

#include <array>
#include <cstdint>

#include "codec/terminal_info.h"

namespace tmsproto::terminal {

struct MasterSlots {
  std::uint8_t running = 1;                 // 1 or 2
  std::array<std::uint32_t, 2> version{};   // per slot; 0: empty
  codec::SwitchState state = codec::SwitchState::kSettled;

  std::uint8_t other() const { return running == 1 ? 2 : 1; }
  std::uint32_t running_version() const { return version[running - 1]; }
  std::uint32_t other_version() const { return version[other() - 1]; }

  // REQ-DL-050: a verified KIND M package goes into the slot that is not running and is marked to
  // start at the next start; the running slot is untouched.
  void install(std::uint32_t new_version);
  // REQ-DL-051: at the terminal's start, a marked slot is started once; when the new master
  // application does not come up the device goes back to the previous slot and records the fall-back.
  // Returns whether the running slot changed.
  bool start(bool new_one_comes_up);
  // REQ-DL-053: what MASTER_APP reports.
  codec::MasterApp report() const;
};

}  // namespace tmsproto::terminal
