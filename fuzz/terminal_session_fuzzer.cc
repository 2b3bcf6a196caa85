// The terminal engine (spec/09-terminal-states.md) against a fuzzed TMS. The input picks an estate
// (profile, transaction, operator, seed) and then a sequence of steps: the honest TMS's next
// message, a mutated honest message, arbitrary octets, a replay, an honest message out of order,
// TIMEOUT, CONN_LOST, CANCEL or a second START (session_fuzz.h). Checked after every step:
//  - REQ-TERM-001: the state is one of section 9.1's, T_DONE and T_FAILED are final and the
//    engine says nothing after them (T18); the connection is closed only with the session ended;
//  - REQ-TERM-002, REQ-KEY-020, REQ-SEC-001: keys are stored only when the KEY_MESSAGE delivered
//    carries a KEY_MAC that verifies under the session's keys, and (outside LEGACY, whose TAC
//    covers T_DATA alone) the handshake moves on only with an HS_AUTH_REQUEST whose TAC_1 covers
//    it whole (REQ-HS-022): the honest TMS's, or one forged by a holder of the session keys (the
//    custom mutator of the fuzz-mode target);
//  - REQ-TERM-002, REQ-DL-001: a package is applied only when every PKG_CONFIRM and
//    FRAME_RESPONSE delivered so far was authenticated under the session's download keys;
//  - the first-rule property (session_fuzz.h, first_rule_code): a body in place of the honest one
//    the engine awaits fails with the code of the first rule it breaks, where the harness knows it;
//  - REQ-MSG-003: everything the terminal sends parses and re-serialises to itself;
//  - T1, T16, T17: START sends HS_REQUEST alone, or, refused, nothing (T_FAILED, 96); a second
//    START is refused locally (02) and changes nothing; any event before START is refused locally
//    (02) and the engine stays in T_IDLE.
//  - REQ-DL-051, REQ-DL-053: after the steps the device starts again, and the master application
//    waiting in the other slot (if the session applied one) comes up or not as the input's last
//    octet says: the marked slot runs or the device falls back and records it, and the version
//    installed and reported is always the one that runs.
// A failed check prints the rows the input ran, by name (session_fuzz.h, Path).
// Configuration bits 5 and 6 (bits 0-4 choose the estate, session_fuzz.h): with bit 5 the engine
// is not started before the first step, the steps before the input's first START meet it in
// T_IDLE and that START starts it; with bit 6 every START carries a command T1 refuses (an
// OPERATOR_ID outside its character set, section 3.2).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "session_fuzz.h"
#include "terminal/session.h"

namespace {

using namespace tmsproto;
using fuzz::ByteConsumer;
using fuzz::Fixture;
using fuzz::Op;
using terminal::State;

bool final_state(State s) { return s == State::T_DONE || s == State::T_FAILED; }

void check_state(const terminal::Session& s) {
  switch (s.state()) {  // REQ-TERM-001: one of section 9.1's states, nothing else
    case State::T_IDLE:
    case State::T_WAIT_AUTH_REQUEST:
    case State::T_WAIT_KEY_MESSAGE:
    case State::T_WAIT_PKG_CONFIRM:
    case State::T_WAIT_FRAME:
    case State::T_WAIT_END_ACK:
    case State::T_DONE:
      FUZZ_CHECK(!s.failure().has_value());
      return;
    case State::T_FAILED:
      FUZZ_CHECK(s.failure().has_value());
      return;
  }
  FUZZ_CHECK(false && "state outside the enum");
}

// Once per estate: the honest TMS's messages alone drive a fresh engine through the recorded
// session, sending what the recording says (REQ-TERM-003). This also proves Fixture::reset().
void check_honest_replay(Fixture& f) {
  const fuzz::ResetOnExit reset(f);
  sim::Estate& e = *f.estate;
  terminal::Session s(e.terminal_config, e.terminal_ports());
  std::vector<Bytes> sent = s.start(e.command()).send;
  for (const Bytes& b : f.sent_by(false)) {
    if (final_state(s.state())) break;
    for (Bytes& out : s.receive(b).send) sent.push_back(std::move(out));
  }
  FUZZ_CHECK(sent == f.sent_by(true));
  FUZZ_CHECK(s.state() == f.honest_result.terminal_state);
  FUZZ_CHECK(s.keys_installed() == f.honest_result.keys_installed);
  FUZZ_CHECK(s.packages_applied() == f.honest_result.packages_applied);
}

// The event a step is to the engine (section 9.2), for the path: none for a step that delivers
// nothing (the honest session's next message past its end).
std::optional<terminal::Event> event_of(const fuzz::Step& step) {
  if (step.body) return terminal::classify(*step.body);
  switch (step.op) {
    case Op::kTimeout: return terminal::Event::TIMEOUT;
    case Op::kConnLost: return terminal::Event::CONN_LOST;
    case Op::kCancel: return terminal::Event::CANCEL;
    case Op::kStartAgain: return terminal::Event::START;
    default: return std::nullopt;
  }
}

// REQ-DL-051, REQ-DL-053: the device's next start, after whatever the session left in its slots.
void check_restart(sim::MemoryPackageStore& store, bool comes_up) {
  if (!store.master) return;  // no KIND M package installed: nothing to switch
  const terminal::MasterSlots before = *store.master;
  store.restart(comes_up);
  const terminal::MasterSlots& after = *store.master;
  FUZZ_CHECK(after.version == before.version);  // a start writes no slot
  if (before.state != codec::SwitchState::kPending) {  // nothing marked: the same slot runs
    FUZZ_CHECK(after.running == before.running && after.state == before.state);
  } else if (comes_up) {  // the marked slot runs
    FUZZ_CHECK(after.running == before.other() && after.state == codec::SwitchState::kSettled);
  } else {  // back to the previous slot, and the fall-back recorded
    FUZZ_CHECK(after.running == before.running && after.state == codec::SwitchState::kFellBack);
  }
  // The installed version of KIND M is always the version that runs, and MASTER_APP says so.
  FUZZ_CHECK(store.installed_version(codec::PackageKind::kMaster, store.master_name) == after.running_version());
  const std::optional<codec::MasterApp> report = store.master_app();
  FUZZ_CHECK(report && report->running_slot == after.running && report->running_version == after.running_version() &&
             report->state == after.state && report->other_version == after.other_version());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteConsumer in(data, size);
  // The terminal runs PBKDF2 (REQ-OPR-002) whenever an operator is named, which costs more than
  // everything else of a session together; a program download is fuzzed unattended and a key
  // download, which needs an operator (REQ-OPR-005), attended.
  const std::uint8_t config = fuzz::terminal_config_octet(in.u8());
  const bool start_late = (config & 32u) != 0;
  const bool refused_command = (config & 64u) != 0;
  Fixture& f = fuzz::fixture(config);
  static std::vector<bool> verified(256, false);  // by config_key, an octet
  if (!verified[fuzz::config_key(config)]) {
    check_honest_replay(f);
    verified[fuzz::config_key(config)] = true;
  }
  const fuzz::ResetOnExit reset(f);  // the estate, reset, is as make_estate left it
  fuzz::begin_path();
  sim::Estate& e = *f.estate;
  const Profile profile = e.terminal_config.profile;
  const std::vector<Bytes>& peer = f.sent_by(false);  // what the honest TMS sent, in order

  terminal::Session s(e.terminal_config, e.terminal_ports());
  const auto command = [&] {
    terminal::StartCommand c = e.command();
    if (refused_command) c.operator_id = "OP\x01";  // REQ-MSG-033: an OPERATOR_ID of AN characters
    return c;
  };
  // T1: HS_REQUEST alone and T_WAIT_AUTH_REQUEST, or, refused locally, nothing sent and T_FAILED (96).
  const auto check_start = [&](const session::Output& out) {
    fuzz::check_sent(f, true, out.send, out.close, profile);
    if (refused_command) {
      FUZZ_CHECK(s.state() == State::T_FAILED && s.failure()->code == ResponseCode::kInternalError);
      FUZZ_CHECK(out.send.empty());
    } else {
      FUZZ_CHECK(s.state() == State::T_WAIT_AUTH_REQUEST && out.send.size() == 1 && !out.close);
      FUZZ_CHECK(out.send[0][0] == static_cast<std::uint8_t>(MsgType::kHsRequest));
    }
  };

  if (!start_late) {
    check_start(s.start(command()));
    fuzz::path().add(terminal::name(State::T_IDLE), terminal::name(terminal::Event::START), terminal::name(s.state()));
  }
  check_state(s);

  std::size_t cursor = 0;              // next honest message
  std::vector<ByteView> delivered;     // every body delivered, in order
  fuzz::MadeBodies made;               // the mutated ones
  fuzz::InStep in_step;
  in_step.still = !start_late && !refused_command;  // the first-rule property follows the recording
  delivered.reserve(fuzz::kMaxSteps);
  // Every PKG_CONFIRM and FRAME_RESPONSE delivered to the session (not those refused before START,
  // T17); whether each is authentic is asked only when a package is applied (rarely: a forged
  // envelope costs a MAC and a decryption to check).
  std::vector<ByteView> download_bodies;
  for (std::size_t step = 0; step < fuzz::kMaxSteps && !in.empty(); ++step) {
    const State before = s.state();
    const bool keys_before = s.keys_installed();
    const std::size_t applied_before = s.packages_applied();
    fuzz::Step step_read = fuzz::next_step(in, peer, cursor, delivered, made, true);
    // The first rule an authenticated message breaks gives the code (session_fuzz.h).
    const std::optional<ResponseCode> first_rule = in_step.expect(f, step_read, peer, false, profile);
    const std::optional<ByteView>& body = step_read.body;
    session::Output out;
    switch (step_read.op) {
      case Op::kTimeout: out = s.timeout(); break;
      case Op::kConnLost: out = s.connection_lost(); break;
      case Op::kCancel: out = s.cancel(); break;
      case Op::kStartAgain: out = s.start(command()); break;  // T1 when not started yet, else T16 or T18
      default: break;
    }
    if (body) {
      out = s.receive(*body);
      if (before != State::T_IDLE && !body->empty() &&
          (body->front() == static_cast<std::uint8_t>(MsgType::kPkgConfirm) ||
           body->front() == static_cast<std::uint8_t>(MsgType::kFrameResponse))) {
        download_bodies.push_back(*body);
      }
    }
    if (const std::optional<terminal::Event> event = event_of(step_read)) {
      fuzz::path().add(terminal::name(before), terminal::name(*event), terminal::name(s.state()));
    }

    if (before == State::T_IDLE && step_read.op == Op::kStartAgain) {
      check_start(out);
    } else if (before == State::T_IDLE) {  // T17: refused locally, nothing sent, still T_IDLE
      FUZZ_CHECK(s.state() == State::T_IDLE && out.send.empty() && !out.close);
      // (a step with nothing to deliver, such as the honest session's next message past its
      // end, is no event)
      const bool event = body || step_read.op == Op::kTimeout || step_read.op == Op::kConnLost ||
                         step_read.op == Op::kCancel;
      FUZZ_CHECK(out.refused == (event ? std::optional(ResponseCode::kUnexpectedMessage) : std::nullopt));
    } else if (step_read.op == Op::kStartAgain && !final_state(before)) {  // T16: the same
      FUZZ_CHECK(s.state() == before && out.send.empty() && !out.close);
      FUZZ_CHECK(out.refused == ResponseCode::kUnexpectedMessage);
    }
    in_step.after(step_read, peer);
    if (first_rule) fuzz::check_first_rule(*first_rule, s.failure() ? s.failure()->code : std::nullopt, *body);
    check_state(s);
    fuzz::check_sent(f, true, out.send, out.close, profile);
    if (final_state(before)) {  // T18: nothing after the end
      FUZZ_CHECK(s.state() == before);
      FUZZ_CHECK(out.send.empty() && !out.close);
    }
    if (out.close) FUZZ_CHECK(final_state(s.state()));
    // REQ-HS-022, REQ-SEC-004: outside LEGACY, TAC_1 covers the whole HS_AUTH_REQUEST.
    if (before == State::T_WAIT_AUTH_REQUEST && s.state() == State::T_WAIT_KEY_MESSAGE &&
        profile != Profile::kLegacy) {
      FUZZ_CHECK(body && (*body)[0] == static_cast<std::uint8_t>(MsgType::kHsAuthRequest) &&
                 fuzz::authentic(f, *body, false));
    }
    // REQ-TERM-002, REQ-KEY-020: no key stored without the authenticated KEY_MESSAGE.
    FUZZ_CHECK(!keys_before || s.keys_installed());
    if (!keys_before && s.keys_installed()) {
      FUZZ_CHECK(body && (*body)[0] == static_cast<std::uint8_t>(MsgType::kKeyMessage) &&
                 fuzz::authentic(f, *body, false));
    }
    // REQ-TERM-002: no package applied from anything but the honest TMS's envelopes.
    FUZZ_CHECK(s.packages_applied() >= applied_before);
    if (s.packages_applied() > applied_before) {
      FUZZ_CHECK(body.has_value());
      for (ByteView b : download_bodies) FUZZ_CHECK(fuzz::authentic(f, b, false));
    }
  }
  check_restart(e.package_store, size > 0 && (data[size - 1] & 1u) != 0);
  return 0;
}
