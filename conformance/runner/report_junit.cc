// The JUnit XML report (REQ-CONF-033): what CI systems read. One testsuite, one testcase per
// scenario run; the verdicts mapped as spec/conformance.md C.5 says.
#include <cstdio>

#include "common/hex.h"
#include "conformance/runner/report.h"
#include "conformance/runner/report_text.h"

namespace tmsproto::conformance {
namespace {

std::string attr(const char* name, std::string_view value) {
  return std::string(" ") + name + "=\"" + markup(value) + "\"";
}

std::string attr(const char* name, std::size_t value) { return attr(name, std::to_string(value)); }

std::string decimal_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

std::string joined(const std::vector<std::string>& v, const char* sep = " ") {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

enum class Element { kNone, kFailure, kError, kSkipped };

// REQ-CONF-033: FAIL is a failure; UNIMPLEMENTED a failure too, as it counts (REQ-CONF-021),
// unless --allow-unimplemented made it a skip; ERROR an error; SKIP and DISABLED skipped.
Element element(const ScenarioResult& s, bool allow_unimplemented) {
  switch (s.verdict) {
    case Verdict::kPass: return Element::kNone;
    case Verdict::kFail: return Element::kFailure;
    case Verdict::kUnimplemented: return allow_unimplemented ? Element::kSkipped : Element::kFailure;
    case Verdict::kError: return Element::kError;
    case Verdict::kDisabled:
    case Verdict::kSkip: return Element::kSkipped;
  }
  return Element::kError;
}

std::string message(const ScenarioResult& s) {
  if (s.verdict != Verdict::kFail) return s.reason;
  return "expected: " + s.expected + "; seen: " + s.seen;
}

// The failure's body: all a CI page can show of it, the octets in full.
std::string detail(const ScenarioResult& s) {
  std::string out = message(s) + "\n";
  if (s.session > 0) out += "session: " + std::to_string(s.session) + "\n";
  if (!s.offending.empty()) out += "octets: " + to_hex(s.offending) + "\n";
  return out + "requirements: " + joined(s.reqs) + "\n";
}

}  // namespace

std::string junit_xml(const RunResult& r) {
  std::size_t failures = 0, errors = 0, skipped = 0;
  for (const auto& s : r.scenarios) {
    switch (element(s, r.allow_unimplemented)) {
      case Element::kNone: break;
      case Element::kFailure: ++failures; break;
      case Element::kError: ++errors; break;
      case Element::kSkipped: ++skipped; break;
    }
  }
  const std::string counts = attr("tests", r.scenarios.size()) + attr("failures", failures) + attr("errors", errors) +
                             attr("skipped", skipped) + attr("time", decimal_seconds(r.seconds));
  const auto& t = r.terminal;
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites" + attr("name", "tmsproto conformance") + counts + ">\n";
  x += "  <testsuite" + attr("name", "conformance " + t.vendor_id + " " + t.model_id + " " + t.serial_no) + counts +
       attr("timestamp", utc_timestamp(r.started)) + ">\n";
  x += "    <properties>\n";
  // REQ-CONF-011: the identity and the profile words, said to be test keys; never a DMK.
  const std::pair<const char*, std::string> properties[] = {
      {"vendorId", t.vendor_id}, {"modelId", t.model_id}, {"serialNo", t.serial_no},
      {"profiles", joined(t.profiles, ", ") + " (test keys only)"}, {"tms", r.tms},
      {"strict", r.strict ? "true" : "false"}, {"allowUnimplemented", r.allow_unimplemented ? "true" : "false"},
      {"summary", summary(r)}};
  for (const auto& [name, value] : properties) {
    x += "      <property" + attr("name", name) + attr("value", value) + "/>\n";
  }
  x += "    </properties>\n";
  for (const auto& s : r.scenarios) {
    // REQ-CONF-033: the group, the part of the name before its first '.', as the class.
    x += "    <testcase" + attr("name", s.name) + attr("classname", s.name.substr(0, s.name.find('.'))) +
         attr("time", decimal_seconds(s.seconds));
    switch (element(s, r.allow_unimplemented)) {
      case Element::kNone: x += "/>\n"; continue;
      case Element::kFailure:
        x += ">\n      <failure" + attr("type", word(s.verdict)) + attr("message", message(s)) + ">" +
             markup(detail(s)) + "</failure>\n";
        break;
      case Element::kError:
        x += ">\n      <error" + attr("type", word(s.verdict)) + attr("message", message(s)) + ">" +
             markup(detail(s)) + "</error>\n";
        break;
      case Element::kSkipped:
        x += ">\n      <skipped" + attr("message", s.reason) + "/>\n";
        break;
    }
    x += "    </testcase>\n";
  }
  x += "  </testsuite>\n</testsuites>\n";
  return x;
}

}  // namespace tmsproto::conformance
