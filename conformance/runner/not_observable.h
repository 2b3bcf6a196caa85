// The terminal-side MUSTs no scenario can check, with the reasons conformance/not-observable.md
// gives (spec/conformance.md C.9). The suite carries the table as it was built, so that an
// installed suite prints the reasons with its reports (REQ-CONF-023) without the source tree.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tmsproto::conformance {

struct Unobservable {
  std::string id;      // REQ-<AREA>-<NNN>
  std::string reason;  // starts with "not observable on the wire: "
};

// The rows of the one table of a not-observable.md text, as REQ-CONF-027 fixes it; the first
// malformed row is the error (line number and what is wrong).
Result<std::vector<Unobservable>, std::string> parse_not_observable(std::string_view markdown);

// The table built into this suite (conformance/not-observable.md at build time).
const std::vector<Unobservable>& not_observable();

}  // namespace tmsproto::conformance
