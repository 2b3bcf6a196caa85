// REQ-CONF-024: what a terminal asks for in a session, judged against what the earlier sessions of
// the scenario did to it: the version its PKG_ANNOUNCE lists after an apply or a refused package,
// and the pieces it requests after a cut (breakpoint resume, REQ-DL-020); what its TERM_INFO
// reports of the keys, packages and applies of earlier sessions (REQ-DL-041); and that its T_RAND
// is new. The terminal's envelopes are read as the suite opened them with the session's keys
// (WireMessage::payload), as only a party holding its DMK can.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conformance/runner/scenario.h"
#include "conformance/runner/scenario_tms.h"

namespace tmsproto::conformance {

struct Mismatch {
  std::string expected;
  std::string seen;
};

// The first of the expectation's request checks the terminal's messages break, or nullopt.
std::optional<Mismatch> check_requests(const Expectation& expect, const std::vector<WireMessage>& wire);
// The same, with the wire of the scenario's earlier sessions (`earlier[i]` is session i's), which
// the TERM_INFO and T_RAND checks compare this session's messages with.
std::optional<Mismatch> check_requests(const Expectation& expect, const std::vector<WireMessage>& wire,
                                       const std::vector<std::vector<WireMessage>>& earlier);

// The catalogue writes KIND M versions as if the factory master application were version 1 (a
// KIND M publication's VERSION is shifted the same way, scenario_tms.cc); this shifts the
// expectation's to the terminal profile's masterApplication version.
Expectation with_factory_master(Expectation e, std::uint32_t factory_version);

}  // namespace tmsproto::conformance
