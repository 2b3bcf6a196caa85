// The console of a run (REQ-CONF-032): a line a CI log can be grepped for per scenario, and the
// summary.
#include <algorithm>

#include "common/hex.h"
#include "conformance/runner/report.h"

namespace tmsproto::conformance {
namespace {

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

// A console line stays readable: the first 48 octets; the reports carry them all.
std::string short_hex(const Bytes& b) {
  const std::size_t shown = std::min<std::size_t>(b.size(), 48);
  return to_hex(ByteView(b).first(shown)) + (b.size() > shown ? "..." : "");
}

}  // namespace

void print_terminal(const RunResult& r, std::ostream& out) {
  // REQ-CONF-011: the DMKs are test keys, and never printed.
  out << "terminal " << r.terminal.vendor_id << " " << r.terminal.model_id << " " << r.terminal.serial_no
      << ", profiles " << joined(r.terminal.profiles, ", ") << " (test keys only), the suite's TMS on " << r.tms
      << "\n";
}

void print_scenario(const ScenarioResult& s, std::ostream& out) {
  // REQ-CONF-032: the verdict, the name, the time and the REQ IDs on one line; on the next, for a
  // FAIL what was expected and what was seen (REQ-CONF-021: with the offending octets in hex), for
  // any other verdict but PASS the reason.
  out << word(s.verdict) << " " << s.name << " (" << seconds_text(s.seconds) << ") " << joined(s.reqs, " ") << "\n";
  const std::string session = s.session > 0 ? "session " + std::to_string(s.session) + ": " : "";
  if (s.verdict == Verdict::kFail) {
    out << "    " << session << "expected: " << s.expected << "; seen: " << s.seen;
    if (!s.offending.empty()) out << "; octets: " << short_hex(s.offending);
    out << "\n";
  } else if (!s.reason.empty()) {
    out << "    " << session << s.reason << "\n";
  }
  out.flush();
}

void print_summary(const RunResult& r, std::ostream& out) {
  out << summary(r) << "\n";  // REQ-CONF-032
}

}  // namespace tmsproto::conformance
