// The ways a run is shown (spec/conformance.md C.5): the console of REQ-CONF-032. Each is written
// from a RunResult alone, so that it is the same whether the run was real or a test made the
// record by hand.
#pragma once

#include <ostream>
#include <string>

#include "conformance/runner/result.h"

namespace tmsproto::conformance {

// The console, as the run goes: the terminal line first, one or two lines per scenario as each
// ends, the summary and the run's time last.
void print_terminal(const RunResult& r, std::ostream& out);
void print_scenario(const ScenarioResult& s, std::ostream& out);
void print_summary(const RunResult& r, std::ostream& out);


}  // namespace tmsproto::conformance
