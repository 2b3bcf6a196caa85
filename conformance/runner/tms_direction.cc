// The other direction (spec/conformance.md C.10): each session one TCP connection to the TMS under
// test, the reference terminal engine on a fresh state directory behind it, the scenario's change
// applied to what it sends, and the TMS judged by what it answers and when it closes.
#include "conformance/runner/tms_direction.h"

#include <stdlib.h>

#include <chrono>

#include "app/args.h"
#include "codec/abort_message.h"
#include "codec/download_payloads.h"
#include "common/hex.h"
#include "config/terminal_injection.h"
#include "conformance/runner/judgement.h"
#include "conformance/runner/report.h"
#include "conformance/runner/result.h"
#include "conformance/runner/selection.h"
#include "crypto/random.h"
#include "device/state_directory.h"
#include "net/monotonic.h"
#include "net/stream_client.h"
#include "terminal/session.h"

namespace tmsproto::conformance {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::optional<MsgType> type_of(ByteView body) {
  return body.empty() ? std::nullopt : msg_type_from_octet(body[0]);
}

// What the TMS sent, in order, and how the connection ended: what a FAIL shows as "seen".
struct SessionRecord {
  std::vector<WireMessage> wire;
  std::optional<std::size_t> changed;  // index in `wire` of the first message the suite changed
  bool tms_closed = false;             // the TMS closed the connection
  bool cut = false;                    // the suite cut the session where the plan says
  bool could_not_change = false;       // the change needed something the TMS never sent
  bool malformed_frame = false;        // the TMS sent a frame the stream framing refuses
  std::string error;                   // the session could not be run (REQ-CONF-061)
};

std::string tms_said(const SessionRecord& r) {
  std::vector<std::string> said;
  for (const auto& m : r.wire) {
    if (!m.from_terminal) said.push_back(describe(m));
  }
  return (said.empty() ? std::string("nothing") : joined_words(said, ", ")) +
         (r.tms_closed ? ", then it closed the connection" : ", the connection still open");
}

Judgement error(std::string reason) { return not_judged(Verdict::kError, std::move(reason)); }

// The first message of the TMS at or after `from`, or nullptr.
const WireMessage* tms_message_from(const SessionRecord& r, std::size_t from) {
  for (std::size_t i = from; i < r.wire.size(); ++i) {
    if (!r.wire[i].from_terminal) return &r.wire[i];
  }
  return nullptr;
}

// The TMS's first ABORT before index `end`, or nullptr.
const WireMessage* tms_abort_before(const SessionRecord& r, std::size_t end) {
  for (std::size_t i = 0; i < end && i < r.wire.size(); ++i) {
    if (!r.wire[i].from_terminal && is_abort(r.wire[i])) return &r.wire[i];
  }
  return nullptr;
}

// The first FRAME_REQUEST the suite's terminal sent, opened with the session's keys.
std::optional<codec::FrameRequest> first_frame_request(const SessionRecord& r) {
  for (const auto& m : r.wire) {
    if (!m.from_terminal || type_of(m.body) != MsgType::kFrameRequest) continue;
    if (!m.payload) return std::nullopt;  // as the suite opened it when it sent it
    auto req = codec::parse_frame_request(*m.payload);
    if (!req.ok()) return std::nullopt;
    return *req;
  }
  return std::nullopt;
}

Judgement judge(const TmsSessionPlan& plan, const SessionRecord& r, const terminal::Session& engine,
                int session_s) {
  if (!r.error.empty()) return error(r.error);  // REQ-CONF-061
  if (r.malformed_frame) {
    return fail("frames of REQ-FRAME-001 and REQ-FRAME-002",
                "a frame announcing a length outside " + std::to_string(kMinBody) + "-" + std::to_string(kMaxBody) +
                    "; before it: " + tms_said(r));
  }
  using Expect = TmsSessionPlan::Expect;
  if (plan.expect == Expect::kAborts) {
    // REQ-CONF-062: no ABORT before the changed message; the TMS's first message after it ABORT
    // `code`; nothing after it; the connection closed.
    const std::string expected = "ABORT " + digits(plan.code) + " (" + plan.because + ")";
    const std::size_t end = r.changed.value_or(r.wire.size());
    if (const WireMessage* a = tms_abort_before(r, end)) {
      return fail("honest answers up to the message this scenario changes, then " + expected, tms_said(r), a->body);
    }
    if (!r.changed) {
      // REQ-CONF-061: the change needs a message the TMS's answers never led the terminal to send.
      return error("the session ended before the suite's terminal sent the message this scenario changes" +
                   std::string(r.could_not_change ? " (the TMS sent nothing it could be forged from)" : "") +
                   "; the TMS sent: " + tms_said(r));
    }
    const WireMessage* answer = tms_message_from(r, *r.changed + 1);
    if (answer == nullptr) {
      return fail(expected, r.tms_closed ? "the TMS closed the connection without ABORT"
                                         : "nothing within " + std::to_string(session_s) + " s");
    }
    auto abort = codec::parse_abort(answer->body);
    if (!is_abort(*answer) || !abort.ok() || abort->code != plan.code) {
      return fail(expected, describe(*answer) + " (all it sent: " + tms_said(r) + ")", answer->body);
    }
    const std::size_t at = static_cast<std::size_t>(answer - r.wire.data());
    if (const WireMessage* more = tms_message_from(r, at + 1)) {
      return fail("nothing after its ABORT (REQ-ERR-002)", describe(*more), more->body);
    }
    if (!r.tms_closed) {
      return fail("the connection closed after its ABORT (REQ-ERR-002)",
                  "still open " + std::to_string(session_s) + " s after the session began");
    }
    return {};
  }
  if (plan.expect == Expect::kCut) {
    // REQ-CONF-065: the session reaches its cut, with no ABORT from the TMS before it.
    if (const WireMessage* a = tms_abort_before(r, r.wire.size())) {
      return fail(plan.because, tms_said(r), a->body);
    }
    if (engine.failure() && engine.failure()->sent_abort) {
      const WireMessage* last = nullptr;
      for (const auto& m : r.wire) {
        if (!m.from_terminal) last = &m;
      }
      return fail(plan.because, "the suite's terminal refused the TMS's " + (last ? describe(*last) : "message") +
                                    " with ABORT " + digits(*engine.failure()->code) + " (spec/09-terminal-states.md)",
                  last ? last->body : Bytes{});
    }
    if (!r.cut) {
      return error("the session ended before the point this scenario cuts it at (" + plan.because +
                   "); the TMS sent: " + tms_said(r) +
                   ". Section C.10.1: the TMS must offer a package of at least two DATA pieces");
    }
    return {};
  }
  // REQ-CONF-063: the terminal engine ends in T_DONE, and the TMS closes the connection.
  if (engine.state() != terminal::State::T_DONE) {
    if (const WireMessage* a = tms_abort_before(r, r.wire.size())) {
      return fail("the session completes", tms_said(r), a->body);
    }
    if (engine.failure() && engine.failure()->sent_abort && engine.failure()->code) {
      const WireMessage* last = nullptr;
      for (const auto& m : r.wire) {
        if (!m.from_terminal) last = &m;
      }
      return fail("the session completes", "the suite's terminal refused the TMS's " +
                                               (last ? describe(*last) : std::string("message")) + " with ABORT " +
                                               digits(*engine.failure()->code) + " (spec/09-terminal-states.md)",
                  last ? last->body : Bytes{});
    }
    return fail("the session completes", tms_said(r));
  }
  if (!r.tms_closed) {
    return fail("the TMS closes the connection after SESSION_END_ACK (row S5/S6)",
                "still open " + std::to_string(session_s) + " s after the session began");
  }
  if (plan.resumes) {
    const auto first = first_frame_request(r);
    if (!first || (first->section == codec::Section::kFit && first->piece == 0)) {
      return error("nothing was resumed: the second session started its download afresh (the TMS offered "
                   "another MANIFEST, or the first session staged nothing)");
    }
  }
  return {};
}

// A state directory for the suite's terminal of `profile`, in its factory state (section C.10.1).
Result<std::unique_ptr<device::StateDirectory>, std::string> factory_terminal(const fs::path& dir,
                                                                             const config::TmsProfile& t,
                                                                             Profile profile) {
  const config::TmsTerminal& term = t.terminals.at(profile);
  config::TerminalInjection injection;
  injection.config.id = {t.vendor_id, t.model_id, term.serial_no};
  injection.config.profile = profile;
  injection.config.dmk = crypto::SecretBytes(term.dmk.view());
  injection.config.vendor_public_key = t.vendor_public_key;
  injection.config.slots = t.slots;
  injection.config.max_chunk = t.max_chunk;
  injection.hardware_id = "TMSPROTO-CONF";
  injection.firmware_id = "tmsproto-conformance";
  if (auto made = device::inject(dir, injection); !made.ok()) return tmsproto::fail(made.error());
  return device::StateDirectory::open(dir);
}

struct ScenarioState {
  Bytes first_hs_request;  // session 1's HS_REQUEST as sent, for a replay
};

// One session over one connection (REQ-CONF-061).
SessionRecord run_session(const TmsSessionPlan& plan, const TmsRunOptions& o, Profile profile,
                          ScenarioState& state, terminal::Session& engine,
                          forge::SessionKeys& keys) {
  SessionRecord r;
  const auto deadline = Clock::now() + std::chrono::seconds(o.tms.session_seconds);
  // REQ-CONF-061: connected within the session's time, or the reason why not.
  auto connected = net::StreamClient::connect(o.host, o.port, deadline);
  if (!connected.ok()) {
    r.error = connected.error();
    return r;
  }
  net::StreamClient& wire = **connected;
  terminal::StartCommand command;
  command.trans = plan.trans;
  const bool key = plan.trans == TransCode::kKeyDownload;
  if (key) command.key_set_id = plan.key_set.empty() ? o.tms.key_set_id : plan.key_set;
  if (key || !o.tms.unattended) {  // REQ-CONF-061, REQ-OPR-005
    command.operator_id = o.tms.operator_id;
    command.operator_password = crypto::SecretBytes(
        ByteView(reinterpret_cast<const std::uint8_t*>(o.operator_password.data()), o.operator_password.size()));
  }
  std::vector<std::size_t> sent(256, 0), received(256, 0);
  session::Output out = engine.start(std::move(command));
  for (;;) {
    for (const Bytes& body : out.send) {
      const auto type = type_of(body);
      std::optional<Bytes> replacement;
      if (type == MsgType::kHsRequest && plan.replay_hs_request) {
        replacement = state.first_hs_request;  // REQ-HS-013: the same octets again
      } else if (plan.change && type) {
        const TmsChangeContext context{keys, r.wire, profile};
        replacement = plan.change(*type, sent[static_cast<std::uint8_t>(*type)], body, context);
        if (replacement && replacement->empty()) {
          r.could_not_change = true;
          replacement.reset();
        }
      }
      if (type) ++sent[static_cast<std::uint8_t>(*type)];
      if (type == MsgType::kHsRequest && state.first_hs_request.empty()) state.first_hs_request = body;
      const bool changed = replacement.has_value();
      if (!changed) keys.observe(true, body);  // forged messages are never fed (forge/session_keys.h)
      if (changed && !r.changed) r.changed = r.wire.size();
      r.wire.push_back({true, changed ? *replacement : body, changed, keys.open(true, changed ? *replacement : body),
                        net::monotonic_ms()});
      if (!wire.send(r.wire.back().body, deadline)) break;
      if (r.could_not_change) break;
    }
    if (r.could_not_change) {
      engine.connection_lost();
      break;
    }
    // After the changed message the first answer is judged, then only whether the TMS closes.
    const bool judging = r.changed && plan.expect == TmsSessionPlan::Expect::kAborts;
    if (out.close || judging) {
      Bytes body;
      for (;;) {
        const auto got = wire.receive(body, deadline);
        if (got == net::StreamClient::Read::kClosed) r.tms_closed = true;
        if (got == net::StreamClient::Read::kMalformed) r.malformed_frame = true;
        if (got != net::StreamClient::Read::kBody) break;
        r.wire.push_back({false, body, false, keys.open(false, body), net::monotonic_ms()});
        if (judging && !is_abort(r.wire.back())) break;  // a non-ABORT answer is already the verdict
      }
      if (!out.close) engine.connection_lost();
      break;
    }
    Bytes body;
    const auto got = wire.receive(body, deadline);
    if (got == net::StreamClient::Read::kMalformed) {
      // REQ-FRAME-001: a frame the stream framing refuses is no message; the session is over.
      engine.connection_lost();
      r.malformed_frame = true;
      break;
    }
    if (got == net::StreamClient::Read::kClosed) {
      r.tms_closed = true;
      engine.connection_lost();
      break;
    }
    if (got == net::StreamClient::Read::kTimedOut) {
      engine.connection_lost();
      if (!r.changed) {
        r.error = "the TMS sent nothing within the session's " + std::to_string(o.tms.session_seconds) + " s";
      }
      break;
    }
    r.wire.push_back({false, body, false, keys.open(false, body), net::monotonic_ms()});
    keys.observe(false, body);
    const auto type = type_of(body);
    out = engine.receive(body);
    if (type) ++received[static_cast<std::uint8_t>(*type)];
    if (plan.cut_after && type == plan.cut_after->first &&
        received[static_cast<std::uint8_t>(*type)] == plan.cut_after->second + 1 && !out.close) {
      // REQ-CONF-065: the suite closes the connection instead of sending what its terminal answers.
      r.cut = true;
      engine.connection_lost();
      break;
    }
  }
  return r;
}

std::optional<Profile> profile_for(const TmsScenario& s, const config::TmsProfile& t) {
  if (s.profile) return t.terminals.count(*s.profile) ? s.profile : std::nullopt;
  for (Profile p : {Profile::kAes128, Profile::kAes256, Profile::kTdes}) {
    if (t.terminals.count(p)) return p;
  }
  return std::nullopt;
}

void run_scenario(const TmsScenario& s, const TmsRunOptions& o, const fs::path& dir, ScenarioResult& r) {
  r.profile = profile_for(s, o.tms);
  if (!r.profile) {
    r.verdict = Verdict::kSkip;
    r.reason = "the TMS profile declares no terminal of the profile it needs";
    return;
  }
  const Profile profile = *r.profile;
  std::error_code ec;
  fs::remove_all(dir, ec);
  auto terminal = factory_terminal(dir, o.tms, profile);
  if (!terminal.ok()) {
    r.verdict = Verdict::kError;
    r.reason = "cannot make the suite's terminal: " + terminal.error();
    return;
  }
  net::SystemClock clock;
  crypto::OsRandom rng;
  ScenarioState state;
  const config::TmsTerminal& term = o.tms.terminals.at(profile);
  for (std::size_t i = 0; i < s.sessions.size(); ++i) {
    const TmsSessionPlan& plan = s.sessions[i];
    terminal::Session engine((*terminal)->config(), (*terminal)->ports(clock, rng));
    forge::SessionKeys keys(profile, term.dmk.view(), {o.tms.vendor_id, o.tms.model_id, term.serial_no});
    SessionRecord record = run_session(plan, o, profile, state, engine, keys);
    r.exchange.push_back(record.wire);  // REQ-CONF-064: the exchange a report shows
    Judgement j = judge(plan, record, engine, o.tms.session_seconds);
    if (j.verdict != Verdict::kPass) {
      conformance::record(std::move(j), s.sessions.size() > 1 ? i + 1 : 0, r);
      break;
    }
  }
  fs::remove_all(dir, ec);
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

int run_tms(const TmsRunOptions& o, std::ostream& out, std::ostream& err) {
  const std::vector<TmsScenario> all = tms_catalogue();
  // REQ-CONF-064 (REQ-CONF-030), REQ-CONF-060: every filter item and disabled pattern names a scenario.
  auto chosen = choose(all, o.only, o.skip, o.tms.disabled, "TMS profile");
  if (!chosen.ok()) {
    err << "tmsproto conformance: " << chosen.error() << "\n";
    return 2;
  }
  if (o.list) {
    print_list(*chosen, out);
    return 0;
  }
  if (!o.report_dir.empty()) {
    if (auto usable = check_report_dir(o.report_dir); !usable.ok()) {  // REQ-CONF-033
      err << "tmsproto conformance: " << usable.error() << "\n";
      return 2;
    }
  }
  std::string tmpl = (fs::temp_directory_path() / "tmsproto-tms-conformance.XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    err << "tmsproto conformance: cannot create a temporary folder\n";
    return 2;
  }
  const fs::path work = tmpl;
  RunResult result;
  // REQ-CONF-064: the suite's terminals by vendor, model and profile words; never a DMK (REQ-CONF-060).
  result.terminal.vendor_id = o.tms.vendor_id;
  result.terminal.model_id = o.tms.model_id;
  result.terminal.serial_no = o.tms.terminals.begin()->second.serial_no;
  for (const auto& [p, t] : o.tms.terminals) result.terminal.profiles.emplace_back(profile_word(p));
  result.tms = o.host + ":" + std::to_string(o.port);
  result.strict = o.strict;
  result.started = std::chrono::system_clock::now();
  out << "TMS under test on " << result.tms << ", the suite playing terminals " << o.tms.vendor_id << " "
      << o.tms.model_id << ", profiles " << joined_words(result.terminal.profiles, ", ") << " (test keys only)\n";
  const auto started = Clock::now();
  for (const TmsScenario* s : *chosen) {
    const auto begun = Clock::now();
    ScenarioResult r = begin_result(*s, o.tms.disabled);
    if (r.verdict != Verdict::kDisabled) run_scenario(*s, o, work / s->name, r);
    r.seconds = seconds_since(begun);
    print_scenario(r, out);  // REQ-CONF-064: the console of REQ-CONF-032
    result.scenarios.push_back(std::move(r));
  }
  result.counts = tally(result.scenarios, o.strict, false);
  result.seconds = seconds_since(started);
  print_summary(result, out);
  std::error_code ec;
  fs::remove_all(work, ec);
  if (!o.report_dir.empty()) {
    if (!write_run_reports(result, o.report_dir, out, err)) return 2;  // REQ-CONF-033
  }
  return result.counts.failed == 0 ? 0 : 1;  // REQ-CONF-064 (REQ-CONF-031)
}

int run_tms_command(const TmsCommandLine& c, std::ostream& out, std::ostream& err) {
  // REQ-CONF-060: an unusable invocation or TMS profile is one line and exit status 2.
  const auto refuse = [&err](const std::string& why) {
    err << "tmsproto conformance: " << why << "\n";
    return 2;
  };
  if (c.tms.empty() || c.tms_profile.empty()) return refuse("--tms HOST:PORT and --tms-profile FILE go together");
  const auto where = app::parse_host_port(c.tms);
  if (!where || where->port == 0) return refuse("--tms takes HOST:PORT, not '" + c.tms + "'");
  TmsRunOptions o;
  o.host = where->host;
  o.port = where->port;
  o.list = c.list;
  o.only = c.only;
  o.skip = c.skip;
  o.strict = c.strict;
  o.report_dir = c.report_dir;
  auto text = app::read_text(c.tms_profile, config::kMaxTmsProfileSize + 1);
  if (!text.ok()) return refuse(text.error());
  auto profile = config::read_tms_profile(*text);  // REQ-CONF-060
  if (!profile.ok()) return refuse(c.tms_profile + ": " + profile.error());
  o.tms = std::move(*profile);
  if (!o.list) {
    // REQ-CONF-060, REQ-OPR-002: the operator's password, 1-64 printable ASCII octets, from the
    // environment only.
    const char* password = std::getenv("TMSPROTO_OPERATOR_PASSWORD");
    const std::string p = password ? password : "";
    bool printable = !p.empty() && p.size() <= 64;
    for (char ch : p) printable = printable && ch >= 0x20 && ch <= 0x7E;
    if (!printable) {
      return refuse("TMSPROTO_OPERATOR_PASSWORD must hold the password of operatorId: 1-64 printable ASCII characters");
    }
    o.operator_password = p;
  }
  return run_tms(o, out, err);
}

}  // namespace tmsproto::conformance
