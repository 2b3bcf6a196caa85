// The HTML report (REQ-CONF-033): the certification file an auditor reads offline. One file, its
// style inline, no script and nothing fetched, so that it reads the same in any browser, years on.
#include <algorithm>
#include <cstdio>
#include <map>

#include "analyser/describe.h"
#include "common/hex.h"
#include "conformance/runner/report.h"
#include "conformance/runner/report_text.h"

namespace tmsproto::conformance {
namespace {

constexpr const char* kStyle = R"(
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #1a1a1a; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.1em; margin-bottom: 0.3em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #d0d0d0; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
thead th { background: #f0f0f0; }
table.identity th { background: #f7f7f7; font-weight: normal; color: #555; }
code, pre, td.reqs, td.name { font-family: ui-monospace, monospace; font-size: 0.92em; }
.summary { font-size: 1.15em; font-weight: bold; padding: 0.5em 0.8em; border-left: 6px solid; }
.summary.pass { border-color: #2e7d32; background: #edf7ee; }
.summary.fail { border-color: #c62828; background: #fdecea; }
td.verdict { font-weight: bold; }
tr.pass td.verdict { color: #2e7d32; }
tr.fail td.verdict, tr.error td.verdict, tr.unimplemented td.verdict { color: #c62828; }
tr.skip td.verdict, tr.disabled td.verdict { color: #777; }
section.exchange { border: 1px solid #d0d0d0; padding: 0 1em 1em; margin: 1.5em 0; }
dl.why dt { font-weight: bold; float: left; clear: left; width: 6em; }
dl.why dd { margin-left: 7em; }
ol.transcript { padding-left: 1.5em; }
li.message { margin: 0.8em 0; padding: 0.4em 0.6em; border-left: 4px solid #90a4ae; background: #fafafa; }
li.message.from-terminal { border-color: #1565c0; }
li.message.changed { background: #fff8e1; }
.direction { font-weight: bold; }
.changed-mark { color: #b26a00; font-weight: bold; }
.parse-error { color: #c62828; }
pre.hex { background: #f3f3f3; padding: 0.4em; overflow-x: auto; margin: 0.4em 0 0; }
table.fields td.req { color: #666; white-space: nowrap; }
table.fields code, td.why { overflow-wrap: anywhere; }  /* a key block is one 200-character word */
.note { color: #555; }
)";

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

bool is_failure(Verdict v) { return v == Verdict::kFail || v == Verdict::kError || v == Verdict::kUnimplemented; }

std::string row(const char* head, const std::string& value) {
  return "<tr><th>" + markup(head) + "</th><td>" + markup(value) + "</td></tr>\n";
}

std::string identity(const RunResult& r) {
  const auto& t = r.terminal;
  std::string options;
  if (r.strict) options += "--strict (SHOULD scenarios decide the status too)";
  if (r.allow_unimplemented) options += std::string(options.empty() ? "" : ", ") + "--allow-unimplemented";
  std::string h = "<table class=\"identity\">\n";
  h += row("Vendor ID", t.vendor_id) + row("Model ID", t.model_id) + row("Serial number", t.serial_no);
  // REQ-CONF-011: the profiles named, their DMKs said to be test keys and never shown.
  h += row("Profiles", joined(t.profiles, ", ") + " (the DMKs of the terminal profile are test keys; no report shows them)");
  h += row("The suite's TMS", r.tms);
  h += row("Run started (UTC)", utc_timestamp(r.started)) + row("Run took", seconds_text(r.seconds));
  h += row("Suite", std::string("tmsproto ") + TMSPROTO_VERSION);
  if (!options.empty()) h += row("Options", options);
  return h + "</table>\n";
}

std::string scenario_rows(const RunResult& r) {
  std::string h =
      "<table class=\"scenarios\">\n<thead><tr><th>Scenario</th><th>Level</th><th>Requirements</th><th>Verdict</th>"
      "<th>Time</th><th>Why</th></tr></thead>\n<tbody>\n";
  for (const auto& s : r.scenarios) {
    const std::string name = markup(s.name);
    std::string why = s.verdict == Verdict::kFail
                          ? "expected: " + markup(s.expected) + "<br>seen: " + markup(s.seen)
                          : markup(s.reason);
    if (s.session > 0 && !why.empty()) why = "session " + std::to_string(s.session) + ": " + why;
    // The class "scenario" marks one row per scenario run: the count a reader (or a test) checks.
    h += "<tr class=\"scenario " + lower(word(s.verdict)) + "\" id=\"scenario-" + name + "\">";
    h += "<td class=\"name\">" + (is_failure(s.verdict) ? "<a href=\"#exchange-" + name + "\">" + name + "</a>" : name);
    h += "</td><td class=\"level\">" + std::string(s.level == Level::kMust ? "MUST" : "SHOULD") + "</td>";
    h += "<td class=\"reqs\">" + markup(joined(s.reqs, " ")) + "</td><td class=\"verdict\">" + word(s.verdict) +
         "</td><td class=\"time\">" + seconds_text(s.seconds) + "</td><td class=\"why\">" + why + "</td></tr>\n";
  }
  return h + "</tbody>\n</table>\n";
}

// Each requirement with the scenarios that check it: FAIL when one of them counted as a failure
// (an UNIMPLEMENTED one does not with --allow-unimplemented, REQ-CONF-021), PASS when none did and
// one passed, NOT RUN when all were skipped or disabled.
std::string requirement_rows(const RunResult& r) {
  std::map<std::string, std::vector<const ScenarioResult*>> by_req;
  for (const auto& s : r.scenarios) {
    for (const auto& req : s.reqs) by_req[req].push_back(&s);
  }
  std::string h = "<table class=\"requirements\">\n<thead><tr><th>Requirement</th><th>Scenarios</th><th>Verdict</th>"
                  "</tr></thead>\n<tbody>\n";
  for (const auto& [req, scenarios] : by_req) {
    bool failed = false, passed = false;
    std::string cells;
    for (const ScenarioResult* s : scenarios) {
      const bool allowed = s->verdict == Verdict::kUnimplemented && r.allow_unimplemented;
      failed = failed || (is_failure(s->verdict) && !allowed);
      passed = passed || s->verdict == Verdict::kPass;
      cells += (cells.empty() ? "" : "<br>") + markup(s->name) + ": " + word(s->verdict);
    }
    const char* verdict = failed ? "FAIL" : passed ? "PASS" : "NOT RUN";
    const char* cls = failed ? "fail" : passed ? "pass" : "skip";
    h += "<tr class=\"requirement " + std::string(cls) + "\"><td class=\"reqs\">" + markup(req) + "</td><td>" +
         cells + "</td><td class=\"verdict\">" + verdict + "</td></tr>\n";
  }
  return h + "</tbody>\n</table>\n";
}

// REQ-CONF-023: the terminal-side MUSTs that cannot show on the wire, each with the reason
// conformance/not-observable.md gives and how a vendor shows it instead.
std::string unobservable_rows(const RunResult& r) {
  std::string h = "<p class=\"note\">Neither PASS nor FAIL: what no message can show, and how a vendor shows it "
                  "instead (conformance/not-observable.md).</p>\n<table class=\"not-observable\">\n<thead><tr>"
                  "<th>Requirement</th><th>Reason</th></tr></thead>\n<tbody>\n";
  for (const auto& u : r.not_observable) {
    h += "<tr class=\"not-observable\"><td class=\"reqs\">" + markup(u.id) + "</td><td class=\"why\">" +
         markup(u.reason) + "</td></tr>\n";
  }
  return h + "</tbody>\n</table>\n";
}

// One table row per field the analyser found: name, value, the requirement that defines it.
std::string field_rows(const analyser::Description& d) {
  std::string h;
  for (const auto& f : d.fields) {
    h += "<tr><th>" + markup(f.name) + "</th><td><code>" + markup(f.value) + "</code></td><td class=\"req\">" +
         markup(f.req) + "</td></tr>\n";
  }
  return h;
}

std::string message_item(const WireMessage& m, std::optional<Profile> profile) {
  const analyser::Description d = analyser::describe(m.body, profile);
  std::string h = "<li class=\"message " + std::string(m.from_terminal ? "from-terminal" : "from-tms") +
                   (m.changed ? " changed" : "") + "\"><span class=\"direction\">" +
                   (m.from_terminal ? "terminal &#8594; TMS" : "TMS &#8594; terminal") + "</span> " +
                   markup(d.title);
  if (m.changed) h += " <span class=\"changed-mark\">changed by the suite</span>";
  if (!d.fields.empty()) {
    h += "\n<table class=\"fields\">\n";
    h += field_rows(d);
    h += "</table>";
  }
  if (d.error) h += "\n<p class=\"parse-error\">" + markup(*d.error) + "</p>";
  if (m.payload && !m.body.empty()) {
    // REQ-CONF-034: what the envelope carried, opened with the session's keys.
    const analyser::Description p = analyser::describe_payload(static_cast<MsgType>(m.body[0]), *m.payload);
    h += "\n<p class=\"note\">Payload, decrypted by the suite with the session's keys:</p>\n<table class=\"fields\">\n";
    h += field_rows(p);
    h += "</table>";
    if (p.error) h += "\n<p class=\"parse-error\">" + markup(*p.error) + "</p>";
  }
  return h + "\n<pre class=\"hex\">" + markup(hex_dump(m.body)) + "</pre></li>\n";
}

std::string exchange(const ScenarioResult& s) {
  const std::string name = markup(s.name);
  std::string h = "<section class=\"exchange\" id=\"exchange-" + name + "\">\n<h3>" + word(s.verdict) + " " + name +
                  "</h3>\n<p>" + markup(s.description) + " (" + markup(joined(s.reqs, ", ")) + ")</p>\n<dl class=\"why\">";
  if (s.session > 0) h += "<dt>Session</dt><dd>" + std::to_string(s.session) + "</dd>";
  if (s.verdict == Verdict::kFail) {
    h += "<dt>Expected</dt><dd>" + markup(s.expected) + "</dd><dt>Seen</dt><dd>" + markup(s.seen) + "</dd>";
    if (!s.offending.empty()) h += "<dt>Octets</dt><dd><code>" + to_hex(s.offending) + "</code></dd>";
  } else {
    h += "<dt>Why</dt><dd>" + markup(s.reason) + "</dd>";
  }
  h += "</dl>\n";
  if (s.exchange.empty()) h += "<p class=\"note\">No session ran.</p>\n";
  for (std::size_t i = 0; i < s.exchange.size(); ++i) {
    h += "<h4>Session " + std::to_string(i + 1) +
         (s.profile ? ", profile " + std::string(profile_word(*s.profile)) : std::string()) + "</h4>\n";
    if (s.exchange[i].empty()) {
      h += "<p class=\"note\">Nothing crossed the wire.</p>\n";
      continue;
    }
    h += "<ol class=\"transcript\">\n";
    for (const auto& m : s.exchange[i]) h += message_item(m, s.profile);
    h += "</ol>\n";
  }
  return h + "</section>\n";
}

}  // namespace

std::string html_report(const RunResult& r) {
  const auto& t = r.terminal;
  const std::string who = t.vendor_id + " " + t.model_id + " " + t.serial_no;
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Conformance report: " +
                  markup(who) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  h += "<h1>Conformance report: " + markup(who) + "</h1>\n";
  h += "<p class=\"note\">tmsproto conformance suite (spec/conformance.md); the suite played the TMS and judged the "
       "terminal on the wire alone.</p>\n";
  h += identity(r);
  const bool passed = r.counts.failed == 0;
  h += "<p class=\"summary " + std::string(passed ? "pass" : "fail") + "\">" + markup(summary(r)) + "</p>\n";
  h += std::string("<p class=\"note\">Exit status ") + (passed ? "0: every scenario that decides passed" : "1: a "
       "scenario that decides failed") + " (MUST scenarios decide; SHOULD scenarios too with --strict).</p>\n";
  h += "<h2>Scenarios</h2>\n" + scenario_rows(r);
  h += "<h2>Requirements</h2>\n" + requirement_rows(r);
  if (!r.not_observable.empty()) {
    h += "<h2>Requirements no scenario can check</h2>\n" + unobservable_rows(r);  // REQ-CONF-023
  }
  h += "<h2>Exchanges of the failures</h2>\n";
  std::size_t failures = 0;
  for (const auto& s : r.scenarios) {
    if (!is_failure(s.verdict)) continue;
    ++failures;
    h += exchange(s);  // REQ-CONF-033: each failure's exchange, message by message
  }
  if (failures == 0) h += "<p class=\"note\">None: no scenario failed.</p>\n";
  return h + "</body>\n</html>\n";
}

}  // namespace tmsproto::conformance
