// REQ-FRAME-002, REQ-FRAME-010: what the terminal put on the wire below its messages, judged from
// the octets as the suite read them (ScenarioEngine::raw_in): every octet belongs to a whole frame
// of a message it sent (on a serial line, or is an ACK or NAK), and nothing follows its last frame.
#pragma once

#include <optional>
#include <vector>

#include "conformance/runner/scenario_tms.h"
#include "conformance/runner/session_checks.h"

namespace tmsproto::conformance {

std::optional<Mismatch> check_whole_frames(const std::vector<RawRead>& raw, const std::vector<WireMessage>& wire,
                                           bool serial);

}  // namespace tmsproto::conformance
