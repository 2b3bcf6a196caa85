// What both directions of the suite do around their scenarios (spec/conformance.md C.5, C.10):
// choosing them by --only / --skip and the profile's `disabled`, listing them, starting each one's
// result, and writing the reports at the end. Written once over any catalogue whose entries have
// a name, REQ IDs, a level and a description (Scenario, TmsScenario).
#pragma once

#include <fnmatch.h>

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/terminal_profile.h"
#include "conformance/runner/report.h"
#include "conformance/runner/result.h"

namespace tmsproto::conformance {

inline std::string joined_words(const std::vector<std::string>& v, const char* sep = " ") {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

// REQ-CONF-030: a name, a glob of names, or a REQ ID the scenario checks.
template <class S>
bool selects(const std::string& filter, const S& s) {
  if (fnmatch(filter.c_str(), s.name.c_str(), 0) == 0) return true;
  for (const auto& r : s.reqs) {
    if (r == filter) return true;
  }
  return false;
}

// REQ-CONF-030 (and REQ-CONF-010, REQ-CONF-060 for `disabled`): the scenarios chosen, in the
// catalogue's order; or, when a filter item or a disabled pattern names no scenario or nothing is
// chosen, the one line that says so. `profile` names the file the patterns come from.
template <class S>
Result<std::vector<const S*>, std::string> choose(const std::vector<S>& all, const std::vector<std::string>& only,
                                                  const std::vector<std::string>& skip,
                                                  const std::vector<config::DisabledScenario>& disabled,
                                                  const std::string& profile) {
  for (const auto* list : {&only, &skip}) {
    for (const auto& f : *list) {
      bool any = false;
      for (const auto& s : all) any = any || selects(f, s);
      if (!any) return Unexpected((list == &only ? "--only " : "--skip ") + f + " selects no scenario");
    }
  }
  for (const auto& d : disabled) {
    bool any = false;
    for (const auto& s : all) any = any || fnmatch(d.pattern.c_str(), s.name.c_str(), 0) == 0;
    if (!any) return Unexpected(profile + ": disabled: \"" + d.pattern + "\" names no scenario");
  }
  std::vector<const S*> chosen;
  for (const auto& s : all) {
    bool in = only.empty();
    for (const auto& f : only) in = in || selects(f, s);
    for (const auto& f : skip) in = in && !selects(f, s);
    if (in) chosen.push_back(&s);
  }
  if (chosen.empty()) return Unexpected(std::string("the filters select no scenario"));
  return chosen;
}

// REQ-CONF-020, REQ-CONF-030: --list, each scenario's name, level and REQ IDs, its description below.
template <class S>
void print_list(const std::vector<const S*>& chosen, std::ostream& out) {
  for (const S* s : chosen) {
    out << s->name << "  " << (s->level == Level::kMust ? "MUST" : "SHOULD") << "  " << joined_words(s->reqs)
        << "\n    " << s->description << "\n";
  }
}

// A scenario's result before it runs: what it is, and DISABLED with the profile's reason when a
// `disabled` pattern names it (REQ-CONF-021).
template <class S>
ScenarioResult begin_result(const S& s, const std::vector<config::DisabledScenario>& disabled) {
  ScenarioResult r;
  r.name = s.name;
  r.reqs = s.reqs;
  r.level = s.level;
  r.description = s.description;
  for (const auto& d : disabled) {
    if (fnmatch(d.pattern.c_str(), s.name.c_str(), 0) == 0) {
      r.verdict = Verdict::kDisabled;
      r.reason = d.reason;
      break;
    }
  }
  return r;
}

// REQ-CONF-033: the three reports written after the run, and where; false with the line on `err`
// when one cannot be.
inline bool write_run_reports(const RunResult& r, const std::filesystem::path& dir, std::ostream& out,
                              std::ostream& err) {
  if (auto written = write_reports(r, dir); !written.ok()) {
    err << "tmsproto conformance: " << written.error() << "\n";
    return false;
  }
  out << "reports (" << kJunitFile << ", " << kJsonFile << ", " << kHtmlFile << "): " << dir.string() << "\n";
  return true;
}

}  // namespace tmsproto::conformance
