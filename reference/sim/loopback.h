// Runs one terminal engine and one TMS engine against each other in memory, through a channel a
// test can tamper with: deliver, change, drop or cut each message.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "sim/estate.h"

namespace tmsproto::sim {

enum class Fate { kDeliver, kDrop, kCut };

// Called for every message in transit (index counts from 0 across the session); may change body.
using Tamper = std::function<Fate(std::size_t index, bool from_terminal, Bytes& body)>;

struct Delivered {
  bool from_terminal = true;
  Bytes body;
};

// Called before each message in transit (the same index as Tamper's) with both engines' states;
// the messages it returns are delivered first, each to the side that did not send it, so that a
// test can replay, duplicate or reorder messages of this session or of another one.
using Inject = std::function<std::vector<Delivered>(std::size_t index, terminal::State, tms::State)>;

// Called after every input either engine handled, with both engines' states (for properties of
// the state tables).
using Observe = std::function<void(terminal::State, tms::State)>;

struct Hooks {
  Tamper tamper;
  Inject inject;
  Observe observe;
};

struct RunResult {
  terminal::State terminal_state = terminal::State::T_IDLE;
  tms::State tms_state = tms::State::S_IDLE;
  std::optional<terminal::Failure> terminal_failure;
  std::optional<tms::Failure> tms_failure;
  std::vector<Delivered> messages;  // as they travelled (after tampering, injections included)
  std::vector<session::Note> notes;
  bool keys_installed = false;
  std::size_t packages_applied = 0;
  bool key_message_sent = false;
  std::size_t frames_served = 0;
};

// One session on fresh engines over the estate's persistent stores.
RunResult run_session(Estate& estate, const Tamper& tamper = {});
RunResult run_session(Estate& estate, const Hooks& hooks);
// The same with another device as the terminal (the reference terminal's state directory, say),
// against the estate's TMS.
RunResult run_session(Estate& estate, const terminal::Config& config, terminal::Ports device, const Hooks& hooks = {});

}  // namespace tmsproto::sim
