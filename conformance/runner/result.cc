#include "conformance/runner/result.h"

#include <cstdio>

namespace tmsproto::conformance {

const char* word(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "PASS";
    case Verdict::kFail: return "FAIL";
    case Verdict::kUnimplemented: return "UNIMPLEMENTED";
    case Verdict::kError: return "ERROR";
    case Verdict::kDisabled: return "DISABLED";
    case Verdict::kSkip: return "SKIP";
  }
  return "?";
}

TerminalIdentity identify(const config::TerminalProfile& t) {
  TerminalIdentity id{t.id.vendor_id, t.id.model_id, t.id.serial_no, {}};
  // REQ-CONF-011: the words of the profiles only; the DMKs stay in the terminal profile.
  for (const auto& [p, dmk] : t.dmks) id.profiles.emplace_back(profile_word(p));
  return id;
}

bool decides(const ScenarioResult& s, bool strict) { return s.level == Level::kMust || strict; }

Counts tally(const std::vector<ScenarioResult>& scenarios, bool strict, bool allow_unimplemented) {
  Counts c;  // REQ-CONF-021, REQ-CONF-031
  for (const auto& s : scenarios) {
    switch (s.verdict) {
      case Verdict::kPass: ++c.passed; break;
      case Verdict::kSkip: ++c.skipped; break;
      case Verdict::kDisabled: ++c.disabled; break;
      case Verdict::kUnimplemented:
        if (allow_unimplemented) {
          ++c.skipped;
          break;
        }
        [[fallthrough]];
      case Verdict::kFail:
      case Verdict::kError:
        ++(decides(s, strict) ? c.failed : c.should_failed);
        break;
    }
  }
  return c;
}

std::string seconds_text(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  return buf;
}

std::string summary(const RunResult& r) {
  const Counts& c = r.counts;  // REQ-CONF-032
  std::string out = std::to_string(c.passed) + " passed, " + std::to_string(c.failed) + " failed";
  if (c.skipped > 0) out += ", " + std::to_string(c.skipped) + " skipped";
  if (c.disabled > 0) out += ", " + std::to_string(c.disabled) + " disabled";
  if (c.should_failed > 0) {
    out += ", " + std::to_string(c.should_failed) + " SHOULD failed (they decide only with --strict)";
  }
  return out + " in " + seconds_text(r.seconds);
}

}  // namespace tmsproto::conformance
