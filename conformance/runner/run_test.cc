// The runner judged on what it prints and returns, against the bundled reference terminal through
// its shim, and against shims that misbehave the ways a vendor's can (spec/conformance.md).
#include "conformance/runner/run.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "app/child.h"
#include "common/hex.h"
#include "conformance/runner/frame_checks.h"
#include "conformance/runner/scenario.h"
#include "crypto/random.h"
#include "testing/pty_pair.h"

namespace tmsproto::conformance {
namespace {

// The reference terminal as the command line's default describes it, bounded at 5 s a session.
config::TerminalProfile reference_profile() {
  crypto::OsRandom rng;
  config::TerminalProfile t = reference_terminal_profile(false, rng);
  t.session_seconds = 5;
  return t;
}

std::vector<std::string> reference_shim() {
  return {TMSPROTO_REFERENCE_SHIM, "--tmsproto", TMSPROTO_EXE, "--tpdu", "{tpdu}", "{host}", "{port}", "{dir}", "{transaction}",
          "{profile}", "{key_set}", "{operator}", "{session}"};
}

struct Ran {
  int status = -1;
  std::string out;
  std::string err;
};

Ran run_with(const RunOptions& o) {
  std::ostringstream out, err;
  Ran r;
  r.status = run(o, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

RunOptions options(std::vector<std::string> command, std::vector<std::string> only = {}) {
  RunOptions o;
  o.terminal_command = std::move(command);
  o.terminal = reference_profile();
  o.only = std::move(only);
  return o;
}

// REQ-CONF-003 (terminal.json is all the shim is given), REQ-CONF-021 (PASS and SKIP), REQ-CONF-032
// (one line per scenario, then the summary), REQ-CONF-011 (test keys said, never shown),
// REQ-CONF-025 (a forged message reaches the rule it breaks: with a MAC or cryptogram the suite
// recomputed wrongly, the terminal would answer 11 or 13 instead of the scenario's code).
TEST(ConformanceRun, TheReferenceTerminalPassesEveryScenarioItDeclares) {
  RunOptions o = options(reference_shim());
  o.terminal.session_seconds = kStallSessionSeconds;  // REQ-CONF-028: the stall runs too
  o.jobs = 2;  // REQ-CONF-036: two workers; the lines below must still come in the catalogue's order
  const Ran r = run_with(o);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  std::size_t scenarios = catalogue().size();
  std::size_t skipped = 0;  // LEGACY (no LEGACY DMK declared), and every scenario in the serial framing's octets
  for (const Scenario& s : catalogue()) {
    // REQ-CONF-012: and those written for a link with a TPDU, which this profile does not declare.
    // REQ-CONF-037: and the session slowed past T_SESSION, which needs a sessionSeconds of 620.
    const bool outlasts_session = std::any_of(s.sessions.begin(), s.sessions.end(), [](const SessionPlan& p) {
      return p.expect.kind == Expectation::Kind::kOutlastsSession;
    });
    if (s.profile != Profile::kLegacy && s.framing != Scenario::Framing::kSerial && s.link != Scenario::Link::kTpdu &&
        !outlasts_session) {
      continue;
    }
    ++skipped;
    EXPECT_NE(r.out.find("SKIP " + s.name + " "), std::string::npos) << r.out;
  }
  EXPECT_NE(r.out.find(std::to_string(scenarios - skipped) + " passed, 0 failed, " + std::to_string(skipped) +
                       " skipped in "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(test keys only)"), std::string::npos);
  for (const auto& [p, dmk] : o.terminal.dmks) {
    EXPECT_EQ(r.out.find(to_hex(dmk.view())), std::string::npos) << "a DMK in the console";
  }
  std::size_t lines = 0;
  std::size_t last_at = 0;
  for (const auto& s : catalogue()) {
    const std::regex line("(^|\n)(PASS|SKIP) " + std::regex_replace(s.name, std::regex("\\."), "\\.") +
                          " \\([0-9]+\\.[0-9] s\\) REQ-");
    std::smatch m;
    if (!std::regex_search(r.out, m, line)) continue;
    ++lines;
    EXPECT_GT(static_cast<std::size_t>(m.position(0)) + 1, last_at) << s.name << " out of the catalogue's order";
    last_at = static_cast<std::size_t>(m.position(0)) + 1;
  }
  EXPECT_EQ(lines, scenarios) << r.out;
  EXPECT_NE(r.out.find(" and 1 more port (--jobs)"), std::string::npos) << r.out;
}

// REQ-CONF-029: the commands the terminal must refuse itself (a LEGACY key download, an attended
// LEGACY program download, passwords REQ-OPR-002 does not allow) pass on the reference terminal,
// which sends nothing, and so does the LEGACY honest session beside them.
TEST(ConformanceRun, TheReferenceTerminalRefusesLocallyWhatItMayNotSend) {
  RunOptions o = options(reference_shim(), {"local.*", "honest.program.legacy"});
  crypto::OsRandom rng;
  o.terminal = reference_terminal_profile(true, rng);  // a LEGACY DMK too
  o.terminal.session_seconds = 5;
  const Ran r = run_with(o);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("5 passed, 0 failed in "), std::string::npos) << r.out;
}

// REQ-CONF-029: a terminal that sends anything for a command it must refuse fails, the octets it
// sent shown: the shim here ignores the bad password and runs an honest key download with the
// enrolled one.
TEST(ConformanceRun, ATerminalThatSendsForARefusedCommandFails) {
  std::vector<std::string> wrapped{"sh", "-c",
                                   "TMSPROTO_OPERATOR_PASSWORD='conformance test operator' exec \"$0\" \"$@\""};
  for (const auto& w : reference_shim()) wrapped.push_back(w);
  const Ran r = run_with(options(wrapped, {"local.operator_password_too_long"}));
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL local.operator_password_too_long"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nothing sent: the command refused locally with 96"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("HS_REQUEST"), std::string::npos) << r.out;
}

// REQ-CONF-021, REQ-CONF-022: a terminal that holds another DMK than its profile says completes
// nothing, and refuses the TMS (ABORT 11) before the KEY_MESSAGE a scenario changes: each a FAIL
// that says what was expected and what was seen.
TEST(ConformanceRun, ATerminalWithTheWrongDmkFailsWithExpectedAndSeen) {
  // The reference shim behind a wrapper that changes the first digit of the DMK in terminal.json:
  // sh -c SCRIPT SHIM ARGS...: $0 is the shim, and the argument that is a folder holding
  // terminal.json is {dir}, wherever the shim's other words put it.
  std::vector<std::string> wrapped{
      "sh", "-c",
      "for a in \"$@\"; do if [ -f \"$a/terminal.json\" ]; then "
      "sed -i 's/\"dmk\": \"0/\"dmk\": \"1/;t;s/\"dmk\": \"[1-9a-f]/\"dmk\": \"0/' \"$a/terminal.json\"; fi; done; "
      "exec \"$0\" \"$@\""};
  for (const auto& w : reference_shim()) wrapped.push_back(w);
  const Ran r = run_with(options(wrapped, {"honest.program.aes128", "key.key_mac_mismatch"}));
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL honest.program.aes128"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n    expected: the session completes; seen: HS_REQUEST, ABORT 11; octets: 7f"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL key.key_mac_mismatch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expected: ABORT 13"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0 passed, 2 failed"), std::string::npos) << r.out;
}

// REQ-CONF-033: a report folder that cannot be written is one line and status 2 before any
// scenario runs; one that can holds the three files of the run.
TEST(ConformanceRun, TheReportDirIsRefusedBeforeTheRunOrHoldsItsReports) {
  const std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("tmsproto-run-report-" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  std::ofstream(root / "a-file") << "x";
  RunOptions o = options({"sh", "-c", "exit 89"}, {"handshake.tac_mismatch"});
  o.report_dir = root / "a-file" / "reports";
  Ran r = run_with(o);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");  // not even the terminal line: nothing ran
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("--report-dir: cannot create"), std::string::npos) << r.err;
  o.report_dir = root / "reports";
  r = run_with(o);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  for (const char* name : {"junit.xml", "report.json", "report.html"}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(o.report_dir / name)) << name;
  }
  std::ifstream json(o.report_dir / "report.json");
  const std::string text((std::istreambuf_iterator<char>(json)), {});
  EXPECT_NE(text.find("\"verdict\": \"UNIMPLEMENTED\""), std::string::npos) << text;
  std::filesystem::remove_all(root);
}

// REQ-CONF-024, REQ-CONF-026, REQ-CONF-004: a terminal that forgets between sessions (the wrapper hands the
// reference shim session 1 every time, so it starts each session from its factory state) passes
// every one-session scenario and the cut itself, and is caught only by what it asks for next: it
// downloads again what it had staged, and announces no version it installed. (`{{` is a brace.)
TEST(ConformanceRun, ATerminalThatForgetsBetweenSessionsIsCaughtByItsNextSession) {
  std::vector<std::string> wrapped{"bash", "-c", "exec \"$0\" \"${{@:1:$#-1}}\" 1"};
  for (const auto& w : reference_shim()) wrapped.push_back(w);
  const Ran r = run_with(options(wrapped, {"honest.program.aes128", "resume.cut_before_data_piece_3",
                                           "resume.cut_before_session_end_ack", "download.rollback"}));
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("PASS honest.program.aes128"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL resume.cut_before_data_piece_3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("session 2: expected: the first FRAME_REQUEST asks for DATA piece 3 of package 0; "
                       "seen: it asks for FIT piece 0 of package 0"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL resume.cut_before_session_end_ack"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expected: PKG_ANNOUNCE listing CONFAPP version 2; seen: PKG_ANNOUNCE without CONFAPP"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL download.rollback"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 passed, 3 failed"), std::string::npos) << r.out;
}

// REQ-CONF-002, REQ-CONF-021: 89 is UNIMPLEMENTED, a failure unless allowed.
TEST(ConformanceRun, AShimExiting89IsUnimplementedAndCountsAsAFailureUnlessAllowed) {
  RunOptions o = options({"sh", "-c", "exit 89"}, {"handshake.tac_mismatch"});
  Ran r = run_with(o);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("UNIMPLEMENTED handshake.tac_mismatch"), std::string::npos) << r.out;
  o.allow_unimplemented = true;
  r = run_with(o);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("0 passed, 0 failed, 1 skipped"), std::string::npos) << r.out;
}

// REQ-CONF-005, REQ-CONF-021: what the shim prints decides nothing; a shim that ends without the
// terminal connecting is an ERROR, found when it ends rather than at the session's bound.
TEST(ConformanceRun, AShimThatEndsWithoutAConnectionIsAnErrorWhateverItPrints) {
  const auto begun = std::chrono::steady_clock::now();
  RunOptions o = options({"sh", "-c", "echo PASS all scenarios; exit 0"}, {"handshake.tac_mismatch"});
  o.terminal.session_seconds = 60;  // the bound it must not wait for, far from a loaded machine's jitter
  const Ran r = run_with(o);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("ERROR handshake.tac_mismatch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("did not connect"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("PASS all scenarios"), std::string::npos) << r.out;
  EXPECT_LT(std::chrono::steady_clock::now() - begun, std::chrono::seconds(30));
}

// REQ-CONF-021: a scenario that needs two deliverable slots SKIPs, with the reason, against a slot
// table of one; it is no FAIL of a terminal that has nothing to store before the refused entry.
TEST(ConformanceRun, AllOrNothingNeedsTwoSlotsAndSkipsWithOne) {
  RunOptions o = options(reference_shim(), {"state.keys_after_a_refused_key_message"});
  const auto tmk = o.terminal.slots.at(1);
  o.terminal.slots = {{1, tmk}};
  const Ran r = run_with(o);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("SKIP state.keys_after_a_refused_key_message"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("holds 1 slot(s) the aes128 profile delivers; this scenario needs 2"), std::string::npos) << r.out;
}

// REQ-CONF-036: --jobs outside 1-8, or above 1 where there is one device, one line or one fixed
// port, is refused before any scenario runs.
TEST(ConformanceRun, JobsAreRefusedWhereTheyCannotRunAtOnce) {
  const auto refused = [](const RunOptions& o, const std::string& why) {
    const Ran r = run_with(o);
    EXPECT_EQ(r.status, 2) << why;
    EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("PASS"), std::string::npos) << r.out;
  };
  RunOptions o = options(reference_shim(), {"honest.program.aes128"});
  o.jobs = 0;
  refused(o, "--jobs takes 1-8, not 0");
  o.jobs = 9;
  refused(o, "--jobs takes 1-8, not 9");
  o.jobs = 2;
  o.port = 7799;
  refused(o, "--jobs 2 needs ports the system picks, not a --listen port");
  o.port = 0;
  o.terminal_command.clear();
  o.wait = true;
  refused(o, "--jobs 2 needs ports the system picks, not --wait (one device)");
}

// REQ-CONF-006: a shim that hangs costs one scenario: the session's bound, then it is killed.
TEST(ConformanceRun, AShimThatHangsIsKilledAtTheSessionBoundAndIsAnError) {
  const auto begun = std::chrono::steady_clock::now();
  const Ran r = run_with(options({"sleep", "600"}, {"handshake.tac_mismatch"}));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("ERROR handshake.tac_mismatch"), std::string::npos) << r.out;
  EXPECT_LT(std::chrono::steady_clock::now() - begun, std::chrono::seconds(20));
}

// REQ-CONF-030: filters never pass vacuously; --list runs nothing.
TEST(ConformanceRun, AFilterThatSelectsNothingIsAnErrorAndListRunsNothing) {
  Ran r = run_with(options(reference_shim(), {"no.such.scenario"}));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--only no.such.scenario selects no scenario"), std::string::npos) << r.err;
  RunOptions o = options(reference_shim());
  o.skip = {"*"};
  r = run_with(o);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("the filters select no scenario"), std::string::npos) << r.err;
  o = options({"sh", "-c", "exit 3"}, {"REQ-MSG-070"});
  o.list = true;
  r = run_with(o);
  EXPECT_EQ(r.status, 0);
  std::string expected;
  for (const Scenario& s : catalogue()) {
    bool named = false;
    std::string reqs;
    for (const auto& req : s.reqs) {
      named = named || req == "REQ-MSG-070";
      reqs += (reqs.empty() ? "" : " ") + req;
    }
    if (named) expected += s.name + "  MUST  " + reqs + "\n    " + s.description + "\n";
  }
  EXPECT_EQ(r.out, expected);
  EXPECT_NE(expected.find("envelope.pkg_confirm_mac"), std::string::npos);
  EXPECT_NE(expected.find("envelope.frame_response_mac"), std::string::npos);
}

// REQ-CONF-001: a placeholder the contract does not define stops the run before any scenario.
TEST(ConformanceRun, AnUnknownPlaceholderIsRefusedBeforeAnyScenarioRuns) {
  EXPECT_EQ(unknown_placeholder({"shim", "{host}:{port}", "{dir}/x", "{{literal}}"}), "");
  EXPECT_EQ(unknown_placeholder({"shim", "{hostname}"}), "{hostname}");
  EXPECT_EQ(unknown_placeholder({"shim", "{host"}), "{host");
  const Ran r = run_with(options({"shim", "{serial}"}, {"handshake.*"}));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("has no placeholder {serial}"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

// REQ-CONF-010, REQ-CONF-021: a disabled scenario is reported with its reason; a pattern that
// names no scenario is a defect of the profile.
TEST(ConformanceRun, DisabledScenariosCarryTheirReasonAndMustNameAScenario) {
  RunOptions o = options({"sh", "-c", "exit 89"}, {"handshake.*"});
  o.terminal.disabled = {{"handshake.*", "the emulator has no handshake of its own yet"}};
  Ran r = run_with(o);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("DISABLED handshake.tac_mismatch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    the emulator has no handshake of its own yet"), std::string::npos) << r.out;
  std::size_t handshakes = 0;
  for (const Scenario& s : catalogue()) handshakes += s.name.rfind("handshake.", 0) == 0 ? 1 : 0;
  EXPECT_GE(handshakes, 1u);
  EXPECT_NE(r.out.find("0 passed, 0 failed, " + std::to_string(handshakes) + " disabled"), std::string::npos) << r.out;
  o.terminal.disabled = {{"handshake.tac_typo", "a typo"}};
  r = run_with(o);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("\"handshake.tac_typo\" names no scenario"), std::string::npos) << r.err;
}

// REQ-CONF-034: --verbose shows each message field by field, the envelopes the suite opened with
// their payload, the message the suite changed marked, and no key in clear.
TEST(ConformanceRun, VerbosePrintsTheExchangeFieldByFieldWithTheEnvelopesOpened) {
  RunOptions o = options(reference_shim(), {"envelope.frame_response_mac"});
  o.verbose = true;
  const Ran r = run_with(o);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  const std::size_t line = r.out.find("PASS envelope.frame_response_mac");
  ASSERT_NE(line, std::string::npos) << r.out;
  const std::string exchange = r.out.substr(line);
  EXPECT_NE(exchange.find("session 1, profile aes128"), std::string::npos) << exchange;
  for (const char* shown : {"terminal -> TMS  HS_REQUEST (0x01)", "TMS -> terminal  HS_AUTH_REQUEST (0x02)",
                            "VENDOR_ID", "TAC_1", "PKG_ANNOUNCE (0x11)", "payload, decrypted with the session's keys",
                            "MAX_CHUNK", "FRAME_RESPONSE", "[changed by the suite]", "ABORT", "0000  01 01"}) {
    EXPECT_NE(exchange.find(shown), std::string::npos) << shown << "\n" << exchange;
  }
  for (const auto& [p, dmk] : o.terminal.dmks) {
    EXPECT_EQ(r.out.find(to_hex(dmk.view())), std::string::npos) << "a DMK in the console";
  }
  o.verbose = false;
  EXPECT_EQ(run_with(o).out.find("HS_REQUEST"), std::string::npos) << "the exchange without --verbose";
}

// A tester at the bench: reads the console line by line and, at each WAIT line, does what it says
// with the reference terminal (here through its shim, started in the background).
class Tester : public std::streambuf {
 public:
  ~Tester() override {
    for (app::Child& c : started_) app::wait_for(c);
  }
  std::string text;
  std::vector<std::string> waits;

 protected:
  int overflow(int c) override {
    if (c == EOF) return 0;
    text += static_cast<char>(c);
    line_ += static_cast<char>(c);
    if (c == '\n') {
      act(line_);
      line_.clear();
    }
    return c;
  }

 private:
  void act(const std::string& line) {
    static const std::regex wait(
        "WAIT (\\S+) session ([0-9]+) of ([0-9]+): (key|program) download, profile ([a-z0-9]+)"
        "(, key set (\\S+))?(, operator (\\S+) \\(test password \"([^\"]*)\"\\))?, connect to ([0-9.]+):([0-9]+)"
        "(; first bring the terminal to the factory state of (\\S+)/terminal\\.json)?\n");
    std::smatch m;
    if (!std::regex_match(line, m, wait)) return;
    waits.push_back(line);
    if (m[14].matched) dir_ = m[14];
    std::vector<std::string> args = {"--tmsproto", TMSPROTO_EXE, m[11], m[12], dir_, m[4], m[5], m[7], m[9], m[2]};
    started_.push_back(app::spawn(TMSPROTO_REFERENCE_SHIM, args, dir_ + "/shim.log",
                                  {{"TMSPROTO_OPERATOR_PASSWORD", m[10]}, {"TMSPROTO_REFERENCE_FAULTS", ""}}));
  }
  std::string line_;
  std::string dir_;
  std::vector<app::Child> started_;
};

// REQ-CONF-007: with --wait no command runs; each session is named on a WAIT line (the factory
// state before a scenario's first), and the device that connects is judged as a shim's would be.
TEST(ConformanceRun, WaitModeNamesEachSessionAndJudgesTheDeviceThatConnects) {
  RunOptions o = options({}, {"honest.key.aes128", "resume.cut_before_pkg_confirm"});
  o.wait = true;
  o.wait_seconds = 20;
  Tester tester;
  std::ostream out(&tester);
  std::ostringstream err;
  const int status = run(o, out, err);
  EXPECT_EQ(status, 0) << tester.text << err.str();
  EXPECT_NE(tester.text.find("2 passed, 0 failed"), std::string::npos) << tester.text;
  ASSERT_EQ(tester.waits.size(), 3u) << tester.text;
  EXPECT_NE(tester.waits[0].find("honest.key.aes128 session 1 of 1: key download, profile aes128, key set CONFKS01, "
                                 "operator OPCONF01 (test password \"conformance test operator\")"),
            std::string::npos) << tester.waits[0];
  EXPECT_NE(tester.waits[1].find("session 1 of 2: program download"), std::string::npos) << tester.waits[1];
  EXPECT_NE(tester.waits[1].find("factory state"), std::string::npos) << tester.waits[1];
  EXPECT_EQ(tester.waits[2].find("factory state"), std::string::npos) << tester.waits[2];
}

// REQ-CONF-007: a device that never connects is an ERROR after --wait-seconds, not a hang; --wait
// with a command is refused.
TEST(ConformanceRun, WaitModeWithoutADeviceIsAnErrorAfterTheWait) {
  RunOptions o = options({}, {"handshake.tac_mismatch"});
  o.wait = true;
  o.wait_seconds = 1;
  Ran r = run_with(o);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("WAIT handshake.tac_mismatch session 1 of 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ERROR handshake.tac_mismatch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("did not connect within --wait-seconds 1"), std::string::npos) << r.out;
  o.terminal_command = reference_shim();
  r = run_with(o);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--wait runs no terminal command"), std::string::npos) << r.err;
}

// REQ-CONF-008: over a serial line (a socat pty pair), {host} and {port} empty, the reference
// terminal on the other end passes an honest session, a refusal, and a corrupt piece whose next
// session is judged by what it announces (two sessions on the one line); a shim whose terminal
// sends nothing on the line is an ERROR. (A cut on a line is the suite falling silent, which the
// terminal ends by its T_RESPONSE of 30 s: too slow for a unit test.)
TEST(ConformanceRun, OverASerialLineTheReferenceTerminalIsJudgedAsOverTcp) {
  tmsproto::testing::PtyPair pty("conformance-pty");
  ASSERT_TRUE(pty.ready()) << "socat did not make the pty pair (is Debian socat installed?)";
  std::vector<std::string> shim = reference_shim();
  shim.insert(shim.begin() + 3, {"--serial", pty.b});
  RunOptions o = options(shim, {"honest.program.aes128", "envelope.frame_response_mac", "download.corrupt_piece"});
  o.serial = pty.a;
  Ran r = run_with(o);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("3 passed, 0 failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the suite's TMS on " + pty.a), std::string::npos) << r.out;
  o = options({"sh", "-c", "test -z '{host}{port}' && exit 0; exit 3"}, {"handshake.tac_mismatch"});
  o.serial = pty.a;
  r = run_with(o);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("ERROR handshake.tac_mismatch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("did not connect"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("exited 0"), std::string::npos) << r.out << " ({host} and {port} are empty on a line)";
}

// REQ-FRAME-010 to REQ-FRAME-013, REQ-FRAME-020: the serial framing scenarios against the
// reference terminal on a pty pair (their octets are the serial framing's), and the stream ones
// SKIP there, as the serial ones SKIP over TCP.
TEST(ConformanceRun, TheSerialFramingScenariosPassOverALineAndSkipOverTcp) {
  tmsproto::testing::PtyPair pty("conformance-frames-pty");
  ASSERT_TRUE(pty.ready()) << "socat did not make the pty pair (is Debian socat installed?)";
  std::vector<std::string> shim = reference_shim();
  shim.insert(shim.begin() + 3, {"--serial", pty.b});
  RunOptions o = options(shim, {"frame.serial.*", "frame.len_above_max_body", "honest.key.aes128"});
  o.serial = pty.a;
  o.terminal.session_seconds = kResendWatchMs / 1000;  // REQ-FRAME-012: the resends watched whole
  Ran r = run_with(o);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("9 passed, 0 failed, 1 skipped"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SKIP frame.len_above_max_body"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS frame.serial.no_ack"), std::string::npos) << r.out;
  r = run_with(options(reference_shim(), {"frame.serial.wrong_lrc"}));
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("SKIP frame.serial.wrong_lrc"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--serial DEVICE"), std::string::npos) << r.out;
}

// REQ-CONF-012, REQ-CONF-009, REQ-FRAME-030 to REQ-FRAME-038: with a TPDU in the terminal profile the
// reference terminal, handed it through {tpdu}, passes the honest sessions and the tpdu.* scenarios
// over that link (run once without it for tpdu.sent_to_link_without and tpdu.none_without_configuration),
// and the scenarios of one kind of link SKIP in the other: the serial ones over TCP, a LEN that is
// in range with a TPDU on it.
TEST(ConformanceRun, WithATpduTheReferenceTerminalPassesTheHonestAndTpduScenarios) {
  RunOptions o = options(reference_shim(), {"honest.*", "tpdu.*", "frame.len_above_max_body"});
  o.terminal.tpdu = codec::Tpdu{{0x00, 0x03}, {0x08, 0x00}};  // "6000030800": TMS NII 3, terminal NII 800
  o.jobs = 2;
  const Ran r = run_with(o);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  std::size_t passed = 0;
  std::size_t skipped = 1;  // frame.len_above_max_body
  for (const Scenario& s : catalogue()) {
    if (s.name.rfind("honest.", 0) != 0 && s.name.rfind("tpdu.", 0) != 0) continue;
    const bool skip = s.profile == Profile::kLegacy || s.framing == Scenario::Framing::kSerial;
    (skip ? skipped : passed) += 1;
    EXPECT_NE(r.out.find((skip ? "SKIP " : "PASS ") + s.name + " "), std::string::npos) << s.name << "\n" << r.out;
  }
  EXPECT_NE(r.out.find(std::to_string(passed) + " passed, 0 failed, " + std::to_string(skipped) + " skipped"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("SKIP frame.len_above_max_body"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("its LEN is in range with the profile's tpdu"), std::string::npos) << r.out;
  // REQ-CONF-012: without a TPDU in the profile the link's own scenarios SKIP with the reason.
  const Ran plain = run_with(options(reference_shim(), {"tpdu.honest_key", "tpdu.sent_to_link_without"}));
  EXPECT_EQ(plain.status, 0) << plain.out << plain.err;
  EXPECT_NE(plain.out.find("SKIP tpdu.honest_key"), std::string::npos) << plain.out;
  EXPECT_NE(plain.out.find("the terminal profile declares no tpdu"), std::string::npos) << plain.out;
  EXPECT_NE(plain.out.find("PASS tpdu.sent_to_link_without"), std::string::npos) << plain.out;
}

// REQ-FRAME-037 (and REQ-FRAME-010 with a TPDU): over a serial line with the profile's TPDU the
// reference terminal ACKs a good frame with a wrong or missing TPDU and then ends with 01; on the
// same line run without its TPDU it sends none and refuses a frame that has one (REQ-FRAME-038).
TEST(ConformanceRun, WithATpduOverALineAWrongTpduIsAckedThenRefused) {
  tmsproto::testing::PtyPair pty("conformance-tpdu-pty");
  ASSERT_TRUE(pty.ready()) << "socat did not make the pty pair (is Debian socat installed?)";
  std::vector<std::string> shim = reference_shim();
  shim.insert(shim.begin() + 3, {"--serial", pty.b});
  RunOptions o = options(shim, {"tpdu.serial.*", "tpdu.honest_key", "tpdu.wrong_id", "tpdu.sent_to_link_without",
                                "tpdu.none_without_configuration"});
  o.serial = pty.a;
  o.terminal.tpdu = codec::Tpdu{{0x00, 0x03}, {0x00, 0x00}};
  const Ran r = run_with(o);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("5 passed, 0 failed, 1 skipped"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SKIP tpdu.wrong_id"), std::string::npos) << r.out;
}

// REQ-CONF-020: names, REQ IDs, levels and descriptions of the catalogue.
TEST(ConformanceCatalogue, EveryScenarioIsNamedUniquelyAndSaysWhatItChecks) {
  std::set<std::string> names;
  const std::regex name("[a-z0-9_-]+(\\.[a-z0-9_-]+)+");
  const std::regex req("REQ-[A-Z]+-[0-9]{3}");
  for (const Scenario& s : catalogue()) {
    EXPECT_TRUE(std::regex_match(s.name, name)) << s.name;
    EXPECT_TRUE(names.insert(s.name).second) << "twice: " << s.name;
    EXPECT_FALSE(s.reqs.empty()) << s.name;
    for (const auto& r : s.reqs) EXPECT_TRUE(std::regex_match(r, req)) << s.name << " " << r;
    EXPECT_FALSE(s.description.empty()) << s.name;
    EXPECT_FALSE(s.sessions.empty()) << s.name;
    for (const auto& session : s.sessions) {
      if (session.expect.kind == Expectation::Kind::kAborts) {
        EXPECT_FALSE(session.expect.because.empty()) << s.name;
      }
    }
  }
}

}  // namespace
}  // namespace tmsproto::conformance
