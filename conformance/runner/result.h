// What a conformance run found (spec/conformance.md C.4, C.5), kept as data so that the console,
// the JUnit XML, the JSON and the HTML report are each written from the same record and can be
// tested from a hand-made one without running a terminal.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "config/terminal_profile.h"
#include "conformance/runner/not_observable.h"
#include "conformance/runner/scenario.h"
#include "conformance/runner/scenario_tms.h"
#include "protocol/constants.h"

namespace tmsproto::conformance {

// REQ-CONF-021
enum class Verdict { kPass, kFail, kUnimplemented, kError, kDisabled, kSkip };

// PASS, FAIL, UNIMPLEMENTED, ERROR, DISABLED, SKIP: the words of the console and of every report.
const char* word(Verdict v);

struct ScenarioResult {
  std::string name;
  std::vector<std::string> reqs;
  Level level = Level::kMust;
  std::string description;
  Verdict verdict = Verdict::kPass;
  // A FAIL: what the scenario expected of the terminal and what it showed instead, and the octets
  // of the message at fault (empty when the fault is a message missing).
  std::string expected;
  std::string seen;
  Bytes offending;
  // ERROR, UNIMPLEMENTED, SKIP, DISABLED: why, in one sentence (a DISABLED one is the profile's).
  std::string reason;
  // The session (1, 2, ...) that decided a verdict other than PASS in a scenario of more than one
  // session; 0 otherwise.
  std::size_t session = 0;
  double seconds = 0;
  std::optional<Profile> profile;  // the profile it ran in: the analyser reads the wire by it
  std::vector<std::vector<WireMessage>> exchange;  // each session's messages, in the order they crossed
};

// How the verdicts count towards the exit status and the summary line (REQ-CONF-021, REQ-CONF-031).
struct Counts {
  std::size_t passed = 0;
  std::size_t failed = 0;         // FAIL, ERROR, UNIMPLEMENTED of the scenarios that decide
  std::size_t skipped = 0;        // SKIP, and UNIMPLEMENTED with --allow-unimplemented
  std::size_t disabled = 0;
  std::size_t should_failed = 0;  // failures of SHOULD scenarios without --strict
};

// The terminal as a report may name it. It holds no DMK, and nothing that is not here can reach
// a report (REQ-CONF-011).
struct TerminalIdentity {
  std::string vendor_id, model_id, serial_no;
  std::vector<std::string> profiles;  // the profile words of the DMKs it declares
};

struct RunResult {
  TerminalIdentity terminal;
  std::string tms;  // host:port the suite's TMS listened on
  bool strict = false;
  bool allow_unimplemented = false;
  std::chrono::system_clock::time_point started;
  std::vector<ScenarioResult> scenarios;
  Counts counts;
  double seconds = 0;
  // REQ-CONF-023: the terminal-side MUSTs no scenario checks, with why; empty for a TMS under test.
  std::vector<Unobservable> not_observable;
};

// REQ-CONF-011: the identity and profile words of a terminal profile, its DMKs left behind.
TerminalIdentity identify(const config::TerminalProfile& t);

// Whether the scenario's verdict is a failure that decides the exit status (REQ-CONF-031).
bool decides(const ScenarioResult& s, bool strict);

// The counts of REQ-CONF-032's summary line, from the verdicts and the two options that change them.
Counts tally(const std::vector<ScenarioResult>& scenarios, bool strict, bool allow_unimplemented);

// "N passed, M failed[, K skipped][, D disabled][, S SHOULD failed ...] in T s": the console's last
// line but one, which the reports repeat.
std::string summary(const RunResult& r);

// "12.3 s", one decimal, as the console prints a time.
std::string seconds_text(double seconds);

}  // namespace tmsproto::conformance
