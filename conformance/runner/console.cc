// The console of a run (REQ-CONF-032): a line a CI log can be grepped for per scenario, and the
// summary.
#include <algorithm>

#include "analyser/describe.h"
#include "common/hex.h"
#include "conformance/runner/report.h"
#include "conformance/runner/report_text.h"

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

void print_fields(const analyser::Description& d, const std::string& indent, std::ostream& out) {
  if (d.error) out << indent << "!! " << *d.error << "\n";
  for (const auto& f : d.fields) {
    std::string name = f.name;
    name.resize(std::max<std::size_t>(name.size(), 18), ' ');
    out << indent << name << " " << f.value << "  " << f.req << "\n";
  }
}

void print_message(const WireMessage& m, std::optional<Profile> profile, std::ostream& out) {
  const analyser::Description d = analyser::describe(m.body, profile);
  out << "      " << (m.from_terminal ? "terminal -> TMS  " : "TMS -> terminal  ") << d.title
      << (m.changed ? "  [changed by the suite]" : "") << "\n";
  print_fields(d, "          ", out);
  if (m.payload && !m.body.empty()) {
    // REQ-CONF-034: an envelope the suite opened shows what it carried.
    out << "          payload, decrypted with the session's keys:\n";
    print_fields(analyser::describe_payload(static_cast<MsgType>(m.body[0]), *m.payload), "            ", out);
  }
  std::string dump = hex_dump(m.body);
  for (std::size_t at = 0; at < dump.size();) {
    const std::size_t nl = dump.find('\n', at);
    out << "          " << dump.substr(at, nl - at) << "\n";
    at = nl + 1;
  }
}

}  // namespace

void print_exchange(const ScenarioResult& s, std::ostream& out) {
  if (s.exchange.empty()) out << "    no session ran\n";
  for (std::size_t i = 0; i < s.exchange.size(); ++i) {
    out << "    session " << i + 1 << (s.profile ? ", profile " + std::string(profile_word(*s.profile)) : "") << ": "
        << (s.exchange[i].empty() ? "nothing crossed the wire" : std::to_string(s.exchange[i].size()) + " messages")
        << "\n";
    for (const auto& m : s.exchange[i]) print_message(m, s.profile, out);
  }
  out.flush();
}

void print_terminal(const RunResult& r, std::ostream& out) {
  // REQ-CONF-011: the DMKs are test keys, and never printed.
  out << "terminal " << r.terminal.vendor_id << " " << r.terminal.model_id << " " << r.terminal.serial_no
      << ", profiles " << joined(r.terminal.profiles, ", ") << " (test keys only), the suite's TMS on " << r.tms;
  // REQ-CONF-036: the other workers' ports, which a firewall on the way must let through too.
  if (r.more_ports > 0) out << " and " << r.more_ports << " more port" << (r.more_ports > 1 ? "s" : "") << " (--jobs)";
  out << "\n";
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
