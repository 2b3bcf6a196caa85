#include "conformance/runner/run.h"

#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <map>
#include <set>
#include <thread>

#include "app/child.h"
#include "codec/abort_message.h"
#include "common/hex.h"
#include "conformance/runner/frame_checks.h"
#include "conformance/runner/judgement.h"
#include "conformance/runner/not_observable.h"
#include "conformance/runner/report.h"
#include "conformance/runner/result.h"
#include "conformance/runner/scenario.h"
#include "conformance/runner/scenario_tms.h"
#include "conformance/runner/selection.h"
#include "conformance/runner/session_checks.h"
#include "conformance/runner/terminal_messages.h"
#include "crypto/random.h"
#include "net/monotonic.h"
#include "net/session_listener.h"
#include "profile/profile_crypto.h"

namespace tmsproto::conformance {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const char* const kPlaceholders[] = {"host", "port", "dir", "transaction", "profile", "key_set", "operator",
                                     "scenario", "session", "tpdu"};  // REQ-CONF-009: {tpdu}

// Each placeholder replaced inside each word; `{{` and `}}` stand for braces.
std::string substitute(const std::string& word, const std::map<std::string, std::string>& values) {
  std::string out;  // REQ-CONF-001
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (word.compare(i, 2, "{{") == 0 || word.compare(i, 2, "}}") == 0) {
      out += word[i++];
      continue;
    }
    if (word[i] == '{') {
      const std::size_t close = word.find('}', i);
      const auto it = values.find(word.substr(i + 1, close - i - 1));
      if (close != std::string::npos && it != values.end()) {
        out += it->second;
        i = close;
        continue;
      }
    }
    out += word[i];
  }
  return out;
}

fs::path program_path(const std::string& word) {
  if (word.find('/') != std::string::npos) return word;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (std::size_t at = 0; at <= dirs.size();) {
    const std::size_t colon = std::min(dirs.find(':', at), dirs.size());
    const fs::path candidate = fs::path(dirs.substr(at, colon - at)) / word;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    at = colon + 1;
  }
  return word;
}

// What the terminal sent, in order: what a FAIL shows as "seen". A run of one message is written
// once with its count ("FRAME_REQUEST x 2044"), so that a long download stays one readable line.
std::string terminal_said(const std::vector<WireMessage>& wire) {
  std::vector<std::string> said;
  std::size_t run = 0;
  const auto close_run = [&] {
    if (run > 1) said.back() += " x " + std::to_string(run);
  };
  for (const auto& m : wire) {
    if (!m.from_terminal) continue;
    std::string d = describe(m);
    if (run > 0 && said.back() == d) {
      ++run;
      continue;
    }
    close_run();
    said.push_back(std::move(d));
    run = 1;
  }
  close_run();
  return said.empty() ? "nothing" : joined_words(said, ", ");
}

// The terminal's first ABORT on the wire, or nullptr.
const WireMessage* first_terminal_abort(const std::vector<WireMessage>& wire) {
  for (const auto& m : wire) {
    if (m.from_terminal && is_abort(m)) return &m;
  }
  return nullptr;
}

// The index of the first message the suite changed, or wire.size() when it sent none.
std::size_t first_changed(const std::vector<WireMessage>& wire) {
  std::size_t i = 0;
  while (i < wire.size() && !wire[i].changed) ++i;
  return i;
}

// REQ-ERR-002: the terminal's ABORT at `abort` is the last message it sends.
Judgement nothing_after(const std::vector<WireMessage>& wire, std::size_t abort) {
  for (std::size_t i = abort + 1; i < wire.size(); ++i) {
    if (wire[i].from_terminal) return fail("nothing after its ABORT (REQ-ERR-002)", describe(wire[i]), wire[i].body);
  }
  return {};
}

// REQ-CONF-028, REQ-HS-033: after the suite withheld its message, the terminal's ABORT 23 comes
// within the window after the terminal's last message before it, and nothing after it.
Judgement judge_stall(const SessionPlan& plan, const ScenarioEngine& engine) {
  const auto& wire = engine.wire();
  const std::string expected = "ABORT 23 " + std::to_string(kStallEarliestMs / 1000) + "-" +
                               std::to_string(kStallLatestMs / 1000) + " s after its last message (" +
                               plan.expect.because + ")";
  if (!engine.withheld()) {
    return fail(expected, "the session ended before the TMS's message this scenario withholds: " + terminal_said(wire));
  }
  const WireMessage* abort = first_terminal_abort(wire);
  const WireMessage* before = nullptr;
  for (const WireMessage& m : wire) {
    if (&m == abort) break;
    if (m.from_terminal) before = &m;
  }
  if (abort == nullptr || before == nullptr) {
    return fail(expected, "no ABORT before the suite's own timer ended the session after " +
                              std::to_string(kStallSuiteResponseMs / 1000) + " s; all it sent: " + terminal_said(wire));
  }
  auto parsed = codec::parse_abort(abort->body);
  const std::int64_t waited = abort->at_ms - before->at_ms;
  const std::string when = " " + std::to_string(waited) + " ms after its last message";
  if (!parsed.ok() || parsed->code != ResponseCode::kTimeout) return fail(expected, describe(*abort) + when, abort->body);
  if (waited < kStallEarliestMs || waited > kStallLatestMs) return fail(expected, describe(*abort) + when, abort->body);
  return nothing_after(wire, static_cast<std::size_t>(abort - wire.data()));
}

// REQ-CONF-037, REQ-SEC-010: a TMS that answered every request late, each in time, is left with
// ABORT 23 in the window after T_SESSION started (the connection opened), and nothing after it.
Judgement judge_outlasted_session(const SessionPlan& plan, const ScenarioEngine& engine,
                                  const net::ServedSession& served) {
  const auto& wire = engine.wire();
  const std::string expected = "ABORT 23 " + std::to_string(kSessionEarliestMs / 1000) + "-" +
                               std::to_string(kSessionLatestMs / 1000) + " s after it connected (" +
                               plan.expect.because + ")";
  const WireMessage* abort = first_terminal_abort(wire);
  if (abort == nullptr) {
    return fail(expected, (engine.terminal_closed() ? std::string("it closed the connection without an ABORT")
                                                    : "no ABORT before the suite's own timer ended the session after " +
                                                          std::to_string(kSlowTmsSuiteSessionMs / 1000) + " s") +
                              "; all it sent: " + terminal_said(wire));
  }
  auto parsed = codec::parse_abort(abort->body);
  const std::int64_t after = abort->at_ms - served.opened_ms;
  const std::string when = " " + std::to_string(after) + " ms after it connected";
  if (!parsed.ok() || parsed->code != ResponseCode::kTimeout) return fail(expected, describe(*abort) + when, abort->body);
  if (after < kSessionEarliestMs || after > kSessionLatestMs) return fail(expected, describe(*abort) + when, abort->body);
  return nothing_after(wire, static_cast<std::size_t>(abort - wire.data()));
}

// REQ-CONF-029: the command refused before anything was sent; a connection opened and closed
// empty is allowed, one octet is not.
Judgement judge_local_refusal(const SessionPlan& plan, const ScenarioEngine& engine, const net::ServedSession& served,
                              int shim_status) {
  const std::string expected = "nothing sent: the command refused locally with 96 (" + plan.expect.because + ")";
  for (const WireMessage& m : engine.wire()) {
    if (m.from_terminal) return fail(expected, describe(m), m.body);
  }
  if (served.bytes_in > 0) {
    return fail(expected, std::to_string(served.bytes_in) + " octet(s) that made no message");
  }
  if (shim_status != 0) {
    return not_judged(Verdict::kError, "the shim exited " + std::to_string(shim_status) + " (see its shim.log)");
  }
  return {};
}

// How the session ended, judged from the wire and the shim's exit status only.
Judgement judge_ending(const SessionPlan& plan, const ScenarioEngine& engine, const tms::Session& tms,
                const net::ServedSession& served, int shim_status, std::int64_t session_s) {
  // REQ-CONF-002, REQ-CONF-021: 89 is unimplemented, another status the shim's failure.
  if (shim_status == 89) {
    return not_judged(Verdict::kUnimplemented, "the shim exited 89: the terminal does not implement this");
  }
  if (plan.expect.kind == Expectation::Kind::kRefusedLocally) return judge_local_refusal(plan, engine, served, shim_status);
  if (!served.connected) {
    return not_judged(Verdict::kError, "the terminal did not connect within " + std::to_string(session_s) +
                                           " s (the shim exited " + std::to_string(shim_status) + ")");
  }
  if (shim_status != 0) {
    return not_judged(Verdict::kError, "the shim exited " + std::to_string(shim_status) + " (see its shim.log)");
  }
  const auto& wire = engine.wire();
  if (plan.expect.kind == Expectation::Kind::kResendsUnacked) {
    // REQ-FRAME-012: judged on the line's octets, the suite having written none.
    if (auto m = check_resends(engine.raw_in())) return fail(m->expected, m->seen);
    return {};
  }
  if (plan.expect.kind == Expectation::Kind::kIsCut) {
    // REQ-CONF-026: nothing to refuse before the cut; the next session judges what was kept.
    if (const WireMessage* a = first_terminal_abort(wire)) {
      return fail("no ABORT before the suite cuts the session", terminal_said(wire), a->body);
    }
    if (!engine.cut()) {
      return fail("the session reaches the message the suite cuts it at", terminal_said(wire));
    }
    return {};
  }
  if (plan.expect.kind == Expectation::Kind::kSilent) {
    // REQ-ERR-003, REQ-ERR-005: an ABORT received (a defective one too) is never answered.
    const std::size_t from = first_changed(wire);
    if (from == wire.size()) {
      return fail("the terminal ends the session without answering (" + plan.expect.because + ")",
                  "it ended the session before the TMS sent the message this scenario changes: " + terminal_said(wire));
    }
    for (std::size_t i = from; i < wire.size(); ++i) {
      if (wire[i].from_terminal) {
        return fail("nothing from the terminal after the TMS's ABORT (" + plan.expect.because + ")", describe(wire[i]),
                    wire[i].body);
      }
    }
    return {};
  }
  if (plan.expect.kind == Expectation::Kind::kTimesOut) return judge_stall(plan, engine);
  if (plan.expect.kind == Expectation::Kind::kOutlastsSession) return judge_outlasted_session(plan, engine, served);
  if (plan.expect.kind == Expectation::Kind::kCompletes) {
    if (const WireMessage* a = first_terminal_abort(wire)) {
      return fail("the session completes", terminal_said(wire), a->body);
    }
    if (tms.state() != tms::State::S_DONE) {
      return fail("the session completes",
                  terminal_said(wire) + (engine.terminal_closed() ? ", then it closed the connection" : ""));
    }
    return {};
  }
  // REQ-CONF-022: the terminal's first message after the changed one (or, with no message
  // changed, the first ABORT it sends) is ABORT `code`, and nothing follows it.
  const std::string expected = "ABORT " + digits(plan.expect.code) + " (" + plan.expect.because + ")";
  const std::size_t from = plan.change ? first_changed(wire) : 0;
  if (plan.change) {
    if (from == wire.size()) {
      return fail(expected, "the terminal ended the session before the TMS sent the message this scenario "
                            "changes: " + terminal_said(wire));
    }
  }
  std::optional<std::size_t> answer;
  for (std::size_t i = from; i < wire.size(); ++i) {
    if (!wire[i].from_terminal) continue;
    if (!plan.change && !wire[i].body.empty() && !is_abort(wire[i])) {
      continue;  // REQ-DL-010/023 fail within the download: the ABORT comes when the terminal finds it
    }
    answer = i;
    break;
  }
  if (!answer) return fail(expected, terminal_said(wire));
  const WireMessage& m = wire[*answer];
  auto abort = codec::parse_abort(m.body);
  if (!abort.ok() || abort->code != plan.expect.code) {
    return fail(expected, describe(m) + " (all it sent: " + terminal_said(wire) + ")", m.body);
  }
  return nothing_after(wire, *answer);
}

// The session judged: every message the terminal sent against the rules of spec/03 and friends
// (REQ-CONF-035), how it ended, then what the terminal asked for in it (REQ-CONF-024).
Judgement judge(const SessionPlan& plan, const ScenarioEngine& engine, const tms::Session& tms,
                const net::ServedSession& served, int shim_status, std::int64_t session_s,
                const SessionFacts& facts, const std::vector<std::vector<WireMessage>>& earlier,
                std::uint32_t factory_master) {
  Judgement j = judge_ending(plan, engine, tms, served, shim_status, session_s);
  // REQ-CONF-035: whatever the scenario expects, and before how the session ended, since a TMS
  // refusing a broken message ends the session for the reason the checker names.
  if (j.verdict == Verdict::kPass || j.verdict == Verdict::kFail) {
    if (auto v = check_terminal_messages(engine.wire(), facts)) {
      return fail(std::move(v->expected), std::move(v->seen), std::move(v->offending));
    }
  }
  if (j.verdict != Verdict::kPass) return j;
  // REQ-CONF-024
  if (auto m = check_requests(with_factory_master(plan.expect, factory_master), engine.wire(), earlier)) {
    return fail(m->expected, m->seen);
  }
  return j;
}

// REQ-MSG-033: the suite's UTC clock, as ms since 2000-01-01, minus the monotonic clock of WireMessage::at_ms.
std::int64_t wall_minus_monotonic_ms() {
  const auto unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
  return unix_ms - 946'684'800'000LL - net::monotonic_ms();
}

// The profile a scenario runs in: its own, or the terminal's first of AES128, AES256, TDES, LEGACY.
std::optional<Profile> profile_for(const Scenario& s, const config::TerminalProfile& t) {
  if (s.profile) return t.dmks.count(*s.profile) ? s.profile : std::nullopt;
  for (Profile p : {Profile::kAes128, Profile::kAes256, Profile::kTdes, Profile::kLegacy}) {
    if (t.dmks.count(p)) return p;
  }
  return std::nullopt;
}

// REQ-CONF-009: the TPDU as the terminal profile writes it, ten hex digits (6000030000).
std::string tpdu_digits(const codec::Tpdu& t) { return to_hex(tpdu_octets(t)); }

// The terminal's side of one session: the connection as the suite served it, and the shim's exit
// status (0 for a device the tester connected, REQ-CONF-007); `error` when it could not start.
struct TerminalSide {
  net::ServedSession served;
  int status = -1;
  std::string error;
};

// REQ-CONF-001, REQ-CONF-005, REQ-CONF-006: the shim started with the session's words, what it
// prints to shim.log, killed at the session's bound.
TerminalSide run_shim(const RunOptions& o, net::SessionListener& listener, net::Engine& engine,
                      const net::Timing& timing, const std::map<std::string, std::string>& values, const fs::path& dir,
                      std::int64_t session_s, const std::string& password, const net::WireHook* hook,
                      const std::optional<codec::TpduConfig>& tpdu) {
  TerminalSide side;
  std::vector<std::string> words;
  for (const auto& w : o.terminal_command) words.push_back(substitute(w, values));
  const fs::path exe = program_path(words.front());
  words.erase(words.begin());
  // REQ-CONF-005: what the shim prints goes to its log, never into a verdict. REQ-CONF-001: the
  // operator's password in the environment, never in a word.
  std::map<std::string, std::string> env = o.environment;
  env["TMSPROTO_OPERATOR_PASSWORD"] = password;
  app::Child shim = app::spawn(exe, words, dir / "shim.log", env);
  if (shim.pid <= 0) {
    side.error = "cannot start " + exe.string();
    return side;
  }
  std::atomic<bool> shim_ended{false};
  std::thread server([&] {
    side.served =
        listener.serve(engine, timing, tpdu, session_s * 1000, [&] { return shim_ended.load(); }, hook);
  });
  const auto deadline = Clock::now() + std::chrono::seconds(session_s + 5);
  while (!shim_ended) {
    if (app::ended(shim, side.status)) {
      shim_ended = true;
    } else if (Clock::now() > deadline) {
      ::kill(shim.pid, SIGKILL);
      side.status = app::wait_for(shim);
      shim_ended = true;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  server.join();
  return side;
}

// REQ-CONF-007: what the tester is told before a session, on one line.
std::string wait_line(const Scenario& s, std::size_t i, const std::map<std::string, std::string>& values,
                      const std::string& where) {
  std::string line = "WAIT " + s.name + " session " + std::to_string(i + 1) + " of " +
                     std::to_string(s.sessions.size()) + ": " + values.at("transaction") + " download, profile " +
                     values.at("profile");
  if (!values.at("key_set").empty()) line += ", key set " + values.at("key_set");
  if (!values.at("operator").empty()) {
    line += ", operator " + values.at("operator") + " (test password \"" + kOperatorPassword + "\")";
  }
  // REQ-CONF-009: the link's TPDU as the terminal must be configured for this session.
  if (!values.at("tpdu").empty()) line += ", link TPDU " + values.at("tpdu");
  if (s.sessions[i].link_without_tpdu) line += ", link without a TPDU";
  line += ", connect to " + where;
  if (i == 0) line += "; first bring the terminal to the factory state of " + values.at("dir") + "/terminal.json";
  return line;
}

// REQ-CONF-007: no shim to start or wait for; the session is the device's connection.
TerminalSide wait_for_device(net::SessionListener& listener, net::Engine& engine, const net::Timing& timing,
                             std::int64_t wait_seconds, const net::WireHook* hook,
                             const std::optional<codec::TpduConfig>& tpdu) {
  TerminalSide side;
  side.served = listener.serve(engine, timing, tpdu, wait_seconds * 1000, {}, hook);
  if (!side.served.connected) {
    side.error = "the terminal did not connect within --wait-seconds " + std::to_string(wait_seconds);
  }
  side.status = 0;  // judged as a shim that exited 0 once the connection closed
  return side;
}

// REQ-CONF-021: why the terminal as its profile describes it, or this kind of run, cannot take the
// scenario (SKIP), or nullopt when it can.
std::optional<std::string> why_skipped(const Scenario& s, const RunOptions& o, Profile profile) {
  for (const auto& plan : s.sessions) {
    const bool declared = plan.trans == TransCode::kKeyDownload ? o.terminal.key_download : o.terminal.program_download;
    if (!declared) {
      return std::string("the terminal declares no ") +
             (plan.trans == TransCode::kKeyDownload ? "key" : "program") + " download";
    }
  }
  // A scenario written in one framing's octets runs only over that framing (REQ-CONF-008).
  if (s.framing == Scenario::Framing::kSerial && o.serial.empty()) {
    return "it runs over a serial line only (--serial DEVICE): its octets are the serial framing's";
  }
  if (s.framing == Scenario::Framing::kStream && !o.serial.empty()) {
    return "it runs over TCP only (no --serial): its octets are the stream framing's";
  }
  // REQ-CONF-012: a scenario whose octets hold on one kind of link only.
  if (s.link == Scenario::Link::kTpdu && !o.terminal.tpdu) {
    return "it runs on a link with a TPDU only: the terminal profile declares no tpdu";
  }
  if (s.link == Scenario::Link::kPlain && o.terminal.tpdu) {
    return "it runs on a link without a TPDU only: its LEN is in range with the profile's tpdu (REQ-FRAME-032)";
  }
  for (const auto& plan : s.sessions) {
    if (plan.expect.kind == Expectation::Kind::kResendsUnacked && o.terminal.session_seconds * 1000 < kResendWatchMs) {
      return "watching serial resends needs sessionSeconds of at least " + std::to_string(kResendWatchMs / 1000) +
             " (REQ-FRAME-012); the terminal profile gives " + std::to_string(o.terminal.session_seconds);
    }
    if (plan.expect.kind == Expectation::Kind::kTimesOut && o.terminal.session_seconds < kStallSessionSeconds) {
      return "a stall needs sessionSeconds of at least " + std::to_string(kStallSessionSeconds) +
             " (REQ-CONF-028); the terminal profile gives " + std::to_string(o.terminal.session_seconds);
    }
    if (plan.expect.kind == Expectation::Kind::kOutlastsSession && o.terminal.session_seconds < kSlowTmsSessionSeconds) {
      return "a session slowed past T_SESSION needs sessionSeconds of at least " +
             std::to_string(kSlowTmsSessionSeconds) + " (REQ-CONF-037; it runs over ten minutes); the terminal profile gives " +
             std::to_string(o.terminal.session_seconds);
    }
    if (plan.expect.kind == Expectation::Kind::kRefusedLocally && o.wait) {
      return "a local refusal sends nothing, which --wait cannot tell from a device never started "
             "(REQ-CONF-029): run it with a shim";
    }
  }
  std::size_t deliverable = 0;
  for (const auto& [slot, rule] : o.terminal.slots) deliverable += profile::can_deliver(profile, rule) ? 1 : 0;
  if (deliverable < s.deliverable_slots) {
    return "the terminal's slot table holds " + std::to_string(deliverable) + " slot(s) the " +
           std::string(profile_word(profile)) + " profile delivers; this scenario needs " +
           std::to_string(s.deliverable_slots);
  }
  for (const auto& [slot, rule] : s.slots) {
    const auto declared = o.terminal.slots.find(slot);
    if (declared == o.terminal.slots.end() || (rule && declared->second != *rule)) {
      return "the terminal's slot table declares no slot " + std::to_string(slot) + (rule ? " of the rule" : "") +
             " this scenario checks";
    }
  }
  if (s.needs_master && !o.terminal.master) {
    return "the terminal profile declares no masterApplication (REQ-DL-050)";
  }
  return std::nullopt;
}

// Runs one scenario's sessions into `r`: its verdict, what decided it, the profile it ran in and
// the wire of every session it ran.
void run_scenario(const Scenario& s, const RunOptions& o, net::SessionListener& listener, const fs::path& dir,
                  crypto::RandomSource& rng, ScenarioResult& r, std::ostream& out) {
  const auto stop = [&r](Verdict v, std::string reason) {
    r.verdict = v;
    r.reason = std::move(reason);
  };
  r.profile = profile_for(s, o.terminal);
  if (!r.profile) return stop(Verdict::kSkip, "the terminal declares no DMK for the profile it needs");
  const Profile profile = *r.profile;
  if (auto why = why_skipped(s, o, profile)) return stop(Verdict::kSkip, std::move(*why));  // REQ-CONF-021
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) return stop(Verdict::kError, "cannot create " + dir.string() + ": " + ec.message());
  auto tms_side = ScenarioTms::create(dir, o.terminal, profile, rng);
  if (!tms_side.ok()) return stop(Verdict::kError, tms_side.error());
  const std::int64_t session_s = o.terminal.session_seconds;
  for (std::size_t i = 0; i < s.sessions.size(); ++i) {
    const SessionPlan& plan = s.sessions[i];
    for (const auto& p : plan.publish) {
      if (auto published = (*tms_side)->publish(p); !published.ok()) {
        return stop(Verdict::kError, "publishing: " + published.error());
      }
    }
    (*tms_side)->set_piece_change(plan.pieces);
    tms::Config tms_config = (*tms_side)->config();
    if (plan.tms_tdes_block_limit) tms_config.tdes_block_limit = *plan.tms_tdes_block_limit;
    tms::Session tms(tms_config, (*tms_side)->ports());
    ScenarioEngine engine(**tms_side, tms, plan.change);
    const bool key = plan.trans == TransCode::kKeyDownload;
    // REQ-CONF-004: {session} tells the shim which session starts from the factory state.
    // REQ-CONF-008: a serial line has no host or port to name.
    const bool serial = !o.serial.empty();
    // REQ-CONF-009, REQ-CONF-012: the profile's TPDU on this session's link, unless the scenario
    // runs it without one (REQ-FRAME-038).
    const std::optional<codec::Tpdu> link_tpdu = plan.link_without_tpdu ? std::nullopt : o.terminal.tpdu;
    const std::map<std::string, std::string> values{{"tpdu", link_tpdu ? tpdu_digits(*link_tpdu) : ""},
        {"host", serial ? "" : o.host}, {"port", serial ? "" : std::to_string(listener.port())},
        {"dir", dir.string()}, {"transaction", key ? "key" : "program"},
        {"profile", std::string(profile_word(profile))}, {"key_set", key ? kKeySetId : ""},
        {"operator", key || plan.attended_program ? kOperatorId : ""}, {"scenario", s.name},
        {"session", std::to_string(i + 1)}};
    // REQ-CONF-006: the session bounded by sessionSeconds, T_RESPONSE within it; REQ-CONF-028: in a
    // stall the suite's own T_RESPONSE is lengthened, so that only the terminal's can end it in time.
    net::Timing timing;
    timing.session_ms = session_s * 1000;
    // REQ-CONF-037: as in a stall, for a slow TMS whose answers leave late; and its own T_SESSION
    // ends a session the terminal does not end, before sessionSeconds kills the shim.
    if (plan.expect.kind == Expectation::Kind::kTimesOut || plan.expect.kind == Expectation::Kind::kOutlastsSession) {
      timing.response_ms = kStallSuiteResponseMs;
    }
    if (plan.expect.kind == Expectation::Kind::kOutlastsSession) {
      timing.session_ms = std::min<std::int64_t>(timing.session_ms, kSlowTmsSuiteSessionMs);
    }
    // REQ-FRAME-012: the suite, silent, watches the line long enough to see a terminal give up.
    if (plan.expect.kind == Expectation::Kind::kResendsUnacked) timing.response_ms = kResendWatchMs;
    timing.response_ms = std::min<std::int64_t>(timing.response_ms, timing.session_ms);
    // REQ-CONF-008: on a serial line, what an earlier session's terminal sent after that session
    // was judged (its ABORT 23 after a cut, its resends) must not open this one.
    listener.discard_pending();
    const net::WireHook& hook = engine.wire_hook(serial);  // REQ-FRAME-001 to REQ-FRAME-004: below the bodies
    engine.set_link_header(link_tpdu ? codec::kTpduLength : 0);
    // REQ-FRAME-034: the TMS's end of the link, first the terminal's NIIs swapped, then those of
    // the last frame it accepted swapped.
    const std::optional<codec::TpduConfig> tms_tpdu =
        link_tpdu ? std::optional(codec::TpduConfig::tms(link_tpdu->swapped())) : std::nullopt;
    if (plan.expect.kind == Expectation::Kind::kResendsUnacked) engine.mute();  // REQ-FRAME-012
    TerminalSide side;
    if (o.wait) {
      out << wait_line(s, i, values, listener.where()) << "\n";
      out.flush();
      side = wait_for_device(listener, engine, timing, o.wait_seconds, &hook, tms_tpdu);
    } else {
      side = run_shim(o, listener, engine, timing, values, dir, session_s,
                      plan.operator_password.value_or(kOperatorPassword), &hook, tms_tpdu);
    }
    if (!side.error.empty()) return stop(Verdict::kError, side.error);
    // REQ-CONF-035: what the suite told the terminal, and the keys it must never send in clear.
    SessionFacts facts{plan.trans, profile, o.terminal.id, values.at("operator"), values.at("key_set"),
                       session_secrets(engine.wire(), profile, o.terminal.dmks.at(profile).view(), o.terminal.slots),
                       wall_minus_monotonic_ms()};
    // REQ-CONF-024: judged against the wire of the scenario's earlier sessions.
    Judgement j = judge(plan, engine, tms, side.served, side.status, session_s, facts, r.exchange,
                        o.terminal.master ? o.terminal.master->version : 1);
    // The link is gone once judged: a session the suite's TMS still holds open (a cut, a terminal
    // that went silent) ends as a server's does on a closed connection, so that its lease
    // (REQ-SRV-011) does not refuse the scenario's next session of the same terminal 24.
    if (tms.state() != tms::State::S_DONE && tms.state() != tms::State::S_FAILED) (void)tms.connection_lost();
    r.exchange.push_back(engine.wire());  // REQ-CONF-033: the transcript a report shows for a failure
    if (j.verdict == Verdict::kPass && plan.expect.whole_frames) {
      // REQ-FRAME-002, REQ-FRAME-010: what it sent below its messages.
      if (auto m = check_whole_frames(engine.raw_in(), engine.wire(), serial, tpdu_octets(link_tpdu))) {
        j = fail(m->expected, m->seen);
      }
    }
    if (j.verdict == Verdict::kPass && plan.expect.naks && serial) {
      // REQ-FRAME-011, REQ-FRAME-013: its ACKs and NAKs of what the suite wrote.
      if (auto m = check_link_replies(engine.raw_in(), engine.good_frames_written(), *plan.expect.naks)) {
        j = fail(m->expected, m->seen);
      }
    }
    if (j.verdict != Verdict::kPass) {
      record(std::move(j), s.sessions.size() > 1 ? i + 1 : 0, r);
      return;
    }
  }
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// REQ-CONF-036: the chosen scenarios on one worker per listener, each taking the next scenario not
// yet begun; each result printed (REQ-CONF-032, REQ-CONF-034) as soon as it and every scenario
// before it in the catalogue's order have ended, and returned in that order.
std::vector<ScenarioResult> run_scenarios(const std::vector<const Scenario*>& chosen, const RunOptions& o,
                                          std::vector<std::unique_ptr<net::SessionListener>> listeners,
                                          const fs::path& work, std::ostream& out) {
  std::vector<ScenarioResult> results(chosen.size());
  std::vector<bool> ended(chosen.size(), false);
  std::mutex lock;
  std::condition_variable progress;
  std::size_t next = 0;
  const auto worker = [&](net::SessionListener& listener, bool print) {
    crypto::OsRandom rng;
    for (;;) {
      std::size_t i;
      {
        std::lock_guard<std::mutex> hold(lock);
        if (next == chosen.size()) return;
        i = next++;
      }
      const Scenario& s = *chosen[i];
      const auto begun = Clock::now();
      ScenarioResult r = begin_result(s, o.terminal.disabled);
      if (r.verdict != Verdict::kDisabled) run_scenario(s, o, listener, work / s.name, rng, r, out);
      r.seconds = seconds_since(begun);
      if (print) {
        print_scenario(r, out);
        if (o.verbose) print_exchange(r, out);
      }
      std::lock_guard<std::mutex> hold(lock);
      results[i] = std::move(r);
      ended[i] = true;
      progress.notify_all();
    }
  };
  if (listeners.size() == 1) {
    // One at a time, in this thread: what a scenario prints before its sessions (a WAIT line,
    // REQ-CONF-007) then follows the line of the scenario before it.
    worker(*listeners.front(), true);
    return results;
  }
  std::vector<std::thread> workers;
  for (auto& l : listeners) workers.emplace_back(worker, std::ref(*l), false);
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    std::unique_lock<std::mutex> hold(lock);
    progress.wait(hold, [&] { return ended[i]; });
    hold.unlock();  // results[i] is final once ended; the workers write only later indices
    print_scenario(results[i], out);  // REQ-CONF-032: each line as soon as the order allows
    if (o.verbose) print_exchange(results[i], out);  // REQ-CONF-034
  }
  for (auto& w : workers) w.join();
  return results;
}

}  // namespace

config::TerminalProfile reference_terminal_profile(bool legacy, crypto::RandomSource& rng) {
  config::TerminalProfile t;
  t.id = {"TMSPCONF", "REF-TERMINAL", "SN-CONF-0001"};
  for (Profile p : {Profile::kAes128, Profile::kAes256, Profile::kTdes}) t.dmks[p] = profile::generate_key(p, rng);
  if (legacy) t.dmks[Profile::kLegacy] = profile::generate_key(Profile::kLegacy, rng);
  t.key_download = true;
  t.program_download = true;
  t.slots[1] = profile::SlotRule{"K0", 'T', 'D', 16};  // the TMK, a 2-key TDES key every profile delivers
  // The other standard slots (spec/05-keys.md 5.4, REQ-KEY-031), of the one form every profile
  // delivers (REQ-KEY-014), so that the scenarios about each slot's rule run against the reference
  // terminal rather than skip.
  t.slots[2] = profile::SlotRule{"P0", 'T', 'E', 16};   // PIN, REQ-KEY-033
  t.slots[3] = profile::SlotRule{"M3", 'T', 'C', 16};   // MAC, REQ-KEY-034: M3 for T 16
  t.slots[4] = profile::SlotRule{"D0", 'T', 'E', 16};   // DATA, REQ-KEY-035
  // A vendor slot (REQ-KEY-038) of an AES-128 key, which the TDES profile cannot deliver
  // (REQ-KEY-014): the suite's key set leaves it out there, and key.stronger_than_kek.tdes forges it.
  t.slots[0x80] = profile::SlotRule{"K1", 'A', 'D', 16};
  t.max_chunk = 4096;
  t.master = config::FactoryMaster{"CONFMASTER", 1};  // a master application at version 1 (REQ-DL-050)
  t.hardware_id = "TMSPROTO-REF";
  t.firmware_id = "tmsproto-conformance";
  return t;
}

std::string unknown_placeholder(const std::vector<std::string>& words) {
  // REQ-CONF-001: only the placeholders of the contract.
  for (const auto& w : words) {
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (w.compare(i, 2, "{{") == 0 || w.compare(i, 2, "}}") == 0) {
        ++i;
        continue;
      }
      if (w[i] == '}') return "}";
      if (w[i] != '{') continue;
      const std::size_t close = w.find('}', i);
      if (close == std::string::npos) return w.substr(i);
      const std::string name = w.substr(i + 1, close - i - 1);
      bool known = false;
      for (const char* p : kPlaceholders) known = known || name == p;
      if (!known) return "{" + name + "}";
      i = close;
    }
  }
  return "";
}

int run(const RunOptions& o, std::ostream& out, std::ostream& err) {
  const std::vector<Scenario> all = catalogue();
  // REQ-CONF-030, REQ-CONF-010: every filter item and every disabled pattern names a scenario.
  auto chosen = choose(all, o.only, o.skip, o.terminal.disabled, "terminal profile");
  if (!chosen.ok()) {
    err << "tmsproto conformance: " << chosen.error() << "\n";
    return 2;
  }
  if (o.list) {
    print_list(*chosen, out);  // REQ-CONF-020, REQ-CONF-030: nothing runs
    return 0;
  }
  if (o.wait != o.terminal_command.empty()) {  // REQ-CONF-007: either a command or a tester, never both
    err << "tmsproto conformance: " << (o.wait ? "--wait runs no terminal command" : "the terminal command is empty")
        << "\n";
    return 2;
  }
  if (const std::string bad = unknown_placeholder(o.terminal_command); !bad.empty()) {
    err << "tmsproto conformance: the terminal command has no placeholder " << bad << "\n";
    return 2;
  }
  if (o.wait && (o.wait_seconds < 1 || o.wait_seconds > 86400)) {
    err << "tmsproto conformance: --wait-seconds takes 1-86400, not " << o.wait_seconds << "\n";
    return 2;
  }
  if (!o.report_dir.empty()) {
    // REQ-CONF-033: a report directory that cannot take the reports is found before a scenario runs,
    // not after an hour of them.
    if (auto usable = check_report_dir(o.report_dir); !usable.ok()) {
      err << "tmsproto conformance: " << usable.error() << "\n";
      return 2;
    }
  }
  // REQ-CONF-036: parallel scenarios need a port each and more than one device or line.
  if (o.jobs < 1 || o.jobs > kMaxJobs) {
    err << "tmsproto conformance: --jobs takes 1-" << kMaxJobs << ", not " << o.jobs << "\n";
    return 2;
  }
  if (o.jobs > 1 && (o.wait || !o.serial.empty() || o.port != 0)) {
    err << "tmsproto conformance: --jobs " << o.jobs << " needs ports the system picks, not "
        << (o.wait ? "--wait (one device)" : !o.serial.empty() ? "--serial (one line)" : "a --listen port") << "\n";
    return 2;
  }
  // REQ-CONF-008: a serial line in place of the TCP port, opened once for the whole run.
  std::vector<std::unique_ptr<net::SessionListener>> listeners;
  for (std::size_t i = 0; i < o.jobs; ++i) {
    auto listener = o.serial.empty() ? net::SessionListener::open(o.host, o.port)
                                     : net::SessionListener::open_serial(o.serial);
    if (!listener.ok()) {
      err << "tmsproto conformance: " << listener.error() << "\n";
      return 2;
    }
    listeners.push_back(std::move(*listener));
  }
  fs::path work = o.work;
  const bool temporary = work.empty();
  if (temporary) {
    std::string tmpl = (fs::temp_directory_path() / "tmsproto-conformance.XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      err << "tmsproto conformance: cannot create a temporary folder\n";
      return 2;
    }
    work = tmpl;
  }
  const config::TerminalProfile& t = o.terminal;
  RunResult result;
  result.terminal = identify(t);  // REQ-CONF-011: the identity and profile words, no DMK
  result.tms = listeners.front()->where();  // REQ-CONF-036: the first of the workers' ports
  result.more_ports = listeners.size() - 1;
  result.strict = o.strict;
  result.allow_unimplemented = o.allow_unimplemented;
  result.not_observable = not_observable();  // REQ-CONF-023: the reasons the reports print
  result.started = std::chrono::system_clock::now();
  print_terminal(result, out);
  const auto started = Clock::now();
  result.scenarios = run_scenarios(*chosen, o, std::move(listeners), work, out);
  result.counts = tally(result.scenarios, o.strict, o.allow_unimplemented);
  result.seconds = seconds_since(started);
  print_summary(result, out);
  const std::size_t failed = result.counts.failed;
  if (temporary && !o.keep && failed == 0) fs::remove_all(work);
  else out << "scenario folders (terminal.json, shim.log): " << work.string() << "\n";
  if (!o.report_dir.empty()) {
    // REQ-CONF-033; a run whose reports are missing cannot be filed, whatever its verdicts.
    if (!write_run_reports(result, o.report_dir, out, err)) return 2;
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace tmsproto::conformance
