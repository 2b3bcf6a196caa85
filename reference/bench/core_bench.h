// Part 4 of issue 13: the sans-I/O core alone. A terminal engine and a TMS engine run whole key
// sessions against each other in memory (the estate of `tmsproto simulate`, reference/sim/): no
// socket, no storage, no system randomness — the ceiling a server can approach.
#pragma once

#include <optional>
#include <string>

#include "protocol/constants.h"

namespace tmsproto::bench {

struct CoreResult {
  double sessions_per_s = 0;       // both engines, one core, wall time
  double tms_cpu_us = 0;           // CPU time inside the TMS engine's calls, per session
  double terminal_cpu_us = 0;      // the same for the terminal engine
  std::size_t sessions = 0;
  std::optional<std::string> error;  // a session did not end in T_DONE / S_DONE
};

enum class SessionKind {
  kEmptyProgram,  // unattended program download, nothing offered: part 1's session
  kAttendedKeys,  // key download with an operator (the terminal's PBKDF2 included)
};

CoreResult run_core(Profile profile, SessionKind kind, double seconds);

}  // namespace tmsproto::bench
