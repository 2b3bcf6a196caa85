#include "conformance/runner/run.h"

#include <fnmatch.h>
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "app/child.h"
#include "codec/abort_message.h"
#include "common/hex.h"
#include "conformance/runner/scenario.h"
#include "conformance/runner/scenario_tms.h"
#include "crypto/random.h"
#include "net/session_listener.h"
#include "profile/profile_crypto.h"

namespace tmsproto::conformance {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const char* const kPlaceholders[] = {"host", "port", "dir", "transaction", "profile", "key_set", "operator",
                                     "scenario", "session"};

// A name, a glob of names, or a REQ ID the scenario checks.
bool selects(const std::string& filter, const Scenario& s) {
  // REQ-CONF-030
  if (fnmatch(filter.c_str(), s.name.c_str(), 0) == 0) return true;
  for (const auto& r : s.reqs) {
    if (r == filter) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& v, const char* sep = " ") {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

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

std::string describe(const WireMessage& m) {
  if (m.body.empty()) return "an empty body";
  const auto type = msg_type_from_octet(m.body[0]);
  if (type == MsgType::kAbort) {
    auto a = codec::parse_abort(m.body);
    if (a.ok()) {
      const auto digits = to_ascii(a->code);
      return "ABORT " + std::string(digits.data(), 2);
    }
    return "a malformed ABORT";
  }
  return type ? std::string(name(*type)) : "a body of unknown type 0x" + to_hex(ByteView(m.body).first(1));
}

std::string hex_of(const Bytes& b) {
  const std::size_t shown = std::min<std::size_t>(b.size(), 48);
  return to_hex(ByteView(b).first(shown)) + (b.size() > shown ? "..." : "");
}

// What the terminal sent, in order: what a FAIL line shows as "seen".
std::string terminal_said(const std::vector<WireMessage>& wire) {
  std::vector<std::string> said;
  for (const auto& m : wire) {
    if (m.from_terminal) said.push_back(describe(m));
  }
  return said.empty() ? "nothing" : joined(said, ", ");
}

enum class Verdict { kPass, kFail, kUnimplemented, kError, kDisabled, kSkip };

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

struct Judgement {
  Verdict verdict = Verdict::kPass;
  std::string why;
};

// The session judged from the wire and the shim's exit status only.
Judgement judge(const SessionPlan& plan, const ScenarioEngine& engine, const tms::Session& tms,
                const net::ServedSession& served, int shim_status, std::int64_t session_s) {
  // REQ-CONF-002, REQ-CONF-021: 89 is unimplemented, another status the shim's failure.
  if (shim_status == 89) return {Verdict::kUnimplemented, "the shim exited 89: the terminal does not implement this"};
  if (!served.connected) {
    return {Verdict::kError, "the terminal did not connect within " + std::to_string(session_s) +
                                 " s (the shim exited " + std::to_string(shim_status) + ")"};
  }
  if (shim_status != 0) return {Verdict::kError, "the shim exited " + std::to_string(shim_status) + " (see its shim.log)"};
  const auto& wire = engine.wire();
  if (plan.expect.kind == Expectation::Kind::kCompletes) {
    for (const auto& m : wire) {
      if (m.from_terminal && !m.body.empty() && m.body[0] == static_cast<std::uint8_t>(MsgType::kAbort)) {
        return {Verdict::kFail, "expected: the session completes; seen from the terminal: " + terminal_said(wire) +
                                    " (" + hex_of(m.body) + ")"};
      }
    }
    if (tms.state() != tms::State::S_DONE) {
      return {Verdict::kFail, "expected: the session completes; seen from the terminal: " + terminal_said(wire) +
                                  (engine.terminal_closed() ? ", then it closed the connection" : "")};
    }
    return {};
  }
  // REQ-CONF-022: the terminal's first message after the changed one (or, with no message
  // changed, the first ABORT it sends) is ABORT `code`, and nothing follows it.
  const auto digits = to_ascii(plan.expect.code);
  const std::string expected = "ABORT " + std::string(digits.data(), 2) + " (" + plan.expect.because + ")";
  std::size_t from = 0;
  if (plan.change) {
    while (from < wire.size() && !wire[from].changed) ++from;
    if (from == wire.size()) {
      return {Verdict::kFail, "expected: " + expected + "; seen: the terminal ended the session before the TMS sent "
                              "the message this scenario changes: " + terminal_said(wire)};
    }
  }
  std::optional<std::size_t> answer;
  for (std::size_t i = from; i < wire.size(); ++i) {
    if (!wire[i].from_terminal) continue;
    if (!plan.change && wire[i].body.size() > 0 && wire[i].body[0] != static_cast<std::uint8_t>(MsgType::kAbort)) {
      continue;  // REQ-DL-010/023 fail within the download: the ABORT comes when the terminal finds it
    }
    answer = i;
    break;
  }
  if (!answer) return {Verdict::kFail, "expected: " + expected + "; seen from the terminal: " + terminal_said(wire)};
  const WireMessage& m = wire[*answer];
  auto abort = codec::parse_abort(m.body);
  if (!abort.ok() || abort->code != plan.expect.code) {
    return {Verdict::kFail, "expected: " + expected + "; seen: " + describe(m) + " (" + hex_of(m.body) +
                                "); the terminal sent " + terminal_said(wire)};
  }
  for (std::size_t i = *answer + 1; i < wire.size(); ++i) {
    if (wire[i].from_terminal) {
      return {Verdict::kFail, "expected: nothing after its ABORT (REQ-ERR-002); seen: " + describe(wire[i])};
    }
  }
  return {};
}

// The profile a scenario runs in: its own, or the terminal's first of AES128, AES256, TDES, LEGACY.
std::optional<Profile> profile_for(const Scenario& s, const config::TerminalProfile& t) {
  if (s.profile) return t.dmks.count(*s.profile) ? s.profile : std::nullopt;
  for (Profile p : {Profile::kAes128, Profile::kAes256, Profile::kTdes, Profile::kLegacy}) {
    if (t.dmks.count(p)) return p;
  }
  return std::nullopt;
}

struct Outcome {
  Verdict verdict = Verdict::kPass;
  std::string why;
};

Outcome run_scenario(const Scenario& s, const RunOptions& o, net::SessionListener& listener, const fs::path& dir,
                     crypto::RandomSource& rng) {
  const auto profile = profile_for(s, o.terminal);
  if (!profile) return {Verdict::kSkip, "the terminal declares no DMK for the profile it needs"};
  for (const auto& plan : s.sessions) {
    const bool declared = plan.trans == TransCode::kKeyDownload ? o.terminal.key_download : o.terminal.program_download;
    if (!declared) {
      return {Verdict::kSkip, std::string("the terminal declares no ") +
                                  (plan.trans == TransCode::kKeyDownload ? "key" : "program") + " download"};
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) return {Verdict::kError, "cannot create " + dir.string() + ": " + ec.message()};
  auto tms_side = ScenarioTms::create(dir, o.terminal, *profile, rng);
  if (!tms_side.ok()) return {Verdict::kError, tms_side.error()};
  const std::int64_t session_s = o.terminal.session_seconds;
  for (std::size_t i = 0; i < s.sessions.size(); ++i) {
    const SessionPlan& plan = s.sessions[i];
    for (const auto& p : plan.publish) {
      if (auto r = (*tms_side)->publish(p); !r.ok()) return {Verdict::kError, "publishing: " + r.error()};
    }
    (*tms_side)->set_piece_change(plan.pieces);
    tms::Session tms((*tms_side)->config(), (*tms_side)->ports());
    ScenarioEngine engine(tms, plan.change);
    const bool key = plan.trans == TransCode::kKeyDownload;
    const std::map<std::string, std::string> values{
        {"host", o.host}, {"port", std::to_string(listener.port())}, {"dir", dir.string()},
        {"transaction", key ? "key" : "program"}, {"profile", std::string(profile_word(*profile))},
        {"key_set", key ? kKeySetId : ""}, {"operator", key ? kOperatorId : ""}, {"scenario", s.name},
        {"session", std::to_string(i + 1)}};
    std::vector<std::string> words;
    for (const auto& w : o.terminal_command) words.push_back(substitute(w, values));
    const fs::path exe = program_path(words.front());
    words.erase(words.begin());
    // REQ-CONF-005: what the shim prints goes to its log, never into a verdict. REQ-CONF-001: the
    // operator's password in the environment, never in a word.
    std::map<std::string, std::string> env = o.environment;
    env["TMSPROTO_OPERATOR_PASSWORD"] = kOperatorPassword;
    app::Child shim = app::spawn(exe, words, dir / "shim.log", env);
    if (shim.pid <= 0) return {Verdict::kError, "cannot start " + exe.string()};
    std::atomic<bool> shim_ended{false};
    int status = -1;
    net::ServedSession served;
    // REQ-CONF-006: the session bounded by sessionSeconds, T_RESPONSE within it.
    net::Timing timing;
    timing.session_ms = session_s * 1000;
    timing.response_ms = std::min<std::int64_t>(timing.response_ms, timing.session_ms);
    std::thread server([&] {
      served = listener.serve(engine, timing, std::nullopt, session_s * 1000, [&] { return shim_ended.load(); });
    });
    const auto deadline = Clock::now() + std::chrono::seconds(session_s + 5);
    bool done = false;
    while (!done) {
      if (!shim_ended && app::ended(shim, status)) shim_ended = true;
      if (shim_ended) break;
      if (Clock::now() > deadline) {
        ::kill(shim.pid, SIGKILL);
        status = app::wait_for(shim);
        shim_ended = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    server.join();
    const Judgement j = judge(plan, engine, tms, served, status, session_s);
    if (j.verdict != Verdict::kPass) {
      return {j.verdict, (s.sessions.size() > 1 ? "session " + std::to_string(i + 1) + ": " : "") + j.why};
    }
  }
  return {};
}

std::string seconds(Clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(d).count());
  return buf;
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
  t.max_chunk = 4096;
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
  // REQ-CONF-030: every filter item and every disabled pattern names at least one scenario.
  for (const auto* list : {&o.only, &o.skip}) {
    for (const auto& f : *list) {
      bool any = false;
      for (const auto& s : all) any = any || selects(f, s);
      if (!any) {
        err << "tmsproto conformance: " << (list == &o.only ? "--only " : "--skip ") << f << " selects no scenario\n";
        return 2;
      }
    }
  }
  for (const auto& d : o.terminal.disabled) {
    bool any = false;
    for (const auto& s : all) any = any || fnmatch(d.pattern.c_str(), s.name.c_str(), 0) == 0;
    if (!any) {  // REQ-CONF-010
      err << "tmsproto conformance: terminal profile: disabled: \"" << d.pattern << "\" names no scenario\n";
      return 2;
    }
  }
  std::vector<const Scenario*> chosen;
  for (const auto& s : all) {
    bool in = o.only.empty();
    for (const auto& f : o.only) in = in || selects(f, s);
    for (const auto& f : o.skip) in = in && !selects(f, s);
    if (in) chosen.push_back(&s);
  }
  if (chosen.empty()) {
    err << "tmsproto conformance: the filters select no scenario\n";
    return 2;
  }
  if (o.list) {
    // REQ-CONF-020, REQ-CONF-030: name, level, REQ IDs and description of each; nothing runs.
    for (const Scenario* s : chosen) {
      out << s->name << "  " << (s->level == Level::kMust ? "MUST" : "SHOULD") << "  " << joined(s->reqs) << "\n    "
          << s->description << "\n";
    }
    return 0;
  }
  if (const std::string bad = unknown_placeholder(o.terminal_command); !bad.empty() || o.terminal_command.empty()) {
    err << "tmsproto conformance: the terminal command " << (bad.empty() ? "is empty" : "has no placeholder " + bad)
        << "\n";
    return 2;
  }
  auto listener = net::SessionListener::open(o.host, o.port);
  if (!listener.ok()) {
    err << "tmsproto conformance: " << listener.error() << "\n";
    return 2;
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
  std::vector<std::string> profiles;
  for (const auto& [p, dmk] : t.dmks) profiles.emplace_back(profile_word(p));
  // REQ-CONF-011: the DMKs are test keys, and never printed.
  out << "terminal " << t.id.vendor_id << " " << t.id.model_id << " " << t.id.serial_no << ", profiles "
      << joined(profiles, ", ") << " (test keys only), the suite's TMS on " << o.host << ":" << (*listener)->port()
      << "\n";
  crypto::OsRandom rng;
  const auto started = Clock::now();
  std::size_t passed = 0, failed = 0, skipped = 0, disabled = 0, should_failed = 0;
  for (const Scenario* s : chosen) {
    const auto begun = Clock::now();
    Outcome outcome;
    for (const auto& d : t.disabled) {
      if (fnmatch(d.pattern.c_str(), s->name.c_str(), 0) == 0) {
        outcome = {Verdict::kDisabled, d.reason};
        break;
      }
    }
    if (outcome.verdict != Verdict::kDisabled) outcome = run_scenario(*s, o, **listener, work / s->name, rng);
    const bool decides = s->level == Level::kMust || o.strict;
    switch (outcome.verdict) {
      case Verdict::kPass: ++passed; break;
      case Verdict::kSkip: ++skipped; break;
      case Verdict::kDisabled: ++disabled; break;
      case Verdict::kUnimplemented:
        if (o.allow_unimplemented) {
          ++skipped;
          break;
        }
        [[fallthrough]];
      case Verdict::kFail:
      case Verdict::kError:
        ++(decides ? failed : should_failed);
        break;
    }
    // REQ-CONF-032: one line per scenario, the reason on the next when there is one.
    out << word(outcome.verdict) << " " << s->name << " (" << seconds(Clock::now() - begun) << ") " << joined(s->reqs)
        << "\n";
    if (!outcome.why.empty()) out << "    " << outcome.why << "\n";
    out.flush();
  }
  out << passed << " passed, " << failed << " failed";  // REQ-CONF-032
  if (skipped > 0) out << ", " << skipped << " skipped";
  if (disabled > 0) out << ", " << disabled << " disabled";
  if (should_failed > 0) out << ", " << should_failed << " SHOULD failed (they decide only with --strict)";
  out << " in " << seconds(Clock::now() - started) << "\n";
  if (temporary && !o.keep && failed == 0) fs::remove_all(work);
  else out << "scenario folders (terminal.json, shim.log): " << work.string() << "\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace tmsproto::conformance
