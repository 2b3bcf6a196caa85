// One TMS session engine (spec/10-tms-states.md) against a fuzzed terminal. The input picks an
// estate (profile, transaction, operator, seed) and then a sequence of steps: the honest
// terminal's next message, a mutated honest message, arbitrary octets, a replay, an honest message
// out of order, TIMEOUT or CONN_LOST (session_fuzz.h). Checked after every step:
//  - REQ-TMS-001: the state is one of section 10.1's, S_DONE and S_FAILED are final and the
//    engine says nothing after them (S12); the connection is closed only with the session ended;
//  - REQ-TMS-004, REQ-HS-031, REQ-SEC-001: a KEY_MESSAGE is generated only in the step that
//    delivered an HS_AUTH_ANSWER whose SAC_1 verifies under the session's keys (the honest
//    terminal's, or one forged by the fuzz-mode target's custom mutator), and only once;
//  - the first-rule property (session_fuzz.h, first_rule_code): a body in place of the honest one
//    the engine awaits fails with the code of the first rule it breaks, where the harness knows it;
//  - REQ-TMS-005: exactly one audit record once the session has ended, none before;
//  - frames are served only after the key message (REQ-TMS-004: the download keys come with it);
//  - REQ-MSG-003: everything the TMS sends parses and re-serialises to itself.
// Configuration bits 5 and 6 (bits 0-4 and 7 choose the estate, session_fuzz.h): what earlier
// sessions left at the TMS, which an input otherwise starts without (History below), each with its
// property:
//  - REQ-HS-013: the honest HS_REQUEST's T_RAND already in the replay cache: that HS_REQUEST is
//    refused with `10`;
//  - REQ-HS-019: the replay cache full, with nothing in it that may go: no session starts, S1
//    goes nowhere but S_FAILED;
//  - REQ-OPR-006: every operator with four consecutive failures and no lock: a fifth failure
//    locks it for 15 minutes from the TMS's clock, a success clears the count, and one session
//    counts at most one check.
// A failed check prints the rows the input ran, by name (session_fuzz.h, Path).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "codec/fields.h"
#include "codec/handshake_messages.h"
#include "session_fuzz.h"
#include "tms/operator_lock.h"
#include "tms/session.h"

namespace {

using namespace tmsproto;
using fuzz::ByteConsumer;
using fuzz::Fixture;
using fuzz::Op;
using tms::State;

bool final_state(State s) { return s == State::S_DONE || s == State::S_FAILED; }

void check_state(const tms::Session& s) {
  switch (s.state()) {  // REQ-TMS-001: one of section 10.1's states, nothing else
    case State::S_IDLE:
    case State::S_WAIT_AUTH_ANSWER:
    case State::S_WAIT_TERM_INFO:
    case State::S_WAIT_SESSION_END:
    case State::S_WAIT_PKG_ANNOUNCE:
    case State::S_SERVING:
    case State::S_DONE:
      FUZZ_CHECK(!s.failure().has_value());
      return;
    case State::S_FAILED:
      FUZZ_CHECK(s.failure().has_value());
      return;
  }
  FUZZ_CHECK(false && "state outside the enum");
}

// The event a step is to the engine (section 10.2), for the path: none for a step that delivers
// nothing (the honest session's next message past its end).
std::optional<tms::Event> event_of(const fuzz::Step& step) {
  if (step.body) return tms::classify(*step.body);
  switch (step.op) {
    case Op::kTimeout: return tms::Event::TIMEOUT;
    case Op::kConnLost: return tms::Event::CONN_LOST;
    default: return std::nullopt;
  }
}

enum class History { kNone, kReplaySeen, kReplayFull, kOperatorsFailedFourTimes };
History history_from(std::uint8_t config) { return static_cast<History>((config >> 5) & 3u); }

std::int64_t now_s(sim::Estate& e) { return codec::seconds_since_2000(e.clock.now_utc()); }

// Puts what earlier sessions left into the estate, which starts every input reset (ResetOnExit).
void leave_history(sim::Estate& e, History history, const std::vector<Bytes>& peer) {
  switch (history) {
    case History::kNone: return;
    case History::kReplaySeen: {
      auto hs = codec::parse_hs_request(peer.front());  // the honest session's first message
      FUZZ_CHECK(hs.ok());
      const std::int64_t far = now_s(e) + 24 * 60 * 60;
      FUZZ_CHECK(e.replay.remember(hs->id, hs->t_data.random, far, now_s(e)) == tms::ReplayVerdict::kFresh);
      return;
    }
    case History::kReplayFull:
      e.replay = sim::MemoryReplayCache(0);  // holds nothing, and so nothing that may go
      return;
    case History::kOperatorsFailedFourTimes:
      for (auto& o : e.registry.operators) o.lock = tms::OperatorLock{tms::kFailuresBeforeLock - 1, 0};
      return;
  }
}

// REQ-OPR-006 after a session that began with every operator at four failures and unlocked.
void check_operator_locks(sim::Estate& e) {
  for (const auto& o : e.registry.operators) {
    const std::uint32_t n = o.lock.consecutive_failures;
    FUZZ_CHECK(n == 0 || n == tms::kFailuresBeforeLock - 1 || n == tms::kFailuresBeforeLock);
    if (n == tms::kFailuresBeforeLock) {
      FUZZ_CHECK(o.lock.locked_until_s == now_s(e) + tms::kFirstLockSeconds);
    } else {
      FUZZ_CHECK(o.lock.locked_until_s == 0);
    }
  }
}

std::size_t key_messages_in(const std::vector<Bytes>& sent) {
  std::size_t n = 0;
  for (const Bytes& b : sent) n += !b.empty() && b[0] == static_cast<std::uint8_t>(MsgType::kKeyMessage);
  return n;
}

// Once per estate: the honest terminal's messages alone drive a fresh engine through the recorded
// session, sending what the recording says (REQ-TMS-003). This also proves Fixture::reset().
void check_honest_replay(Fixture& f) {
  const fuzz::ResetOnExit reset(f);
  sim::Estate& e = *f.estate;
  tms::Session s(e.tms_config, e.tms_ports());
  std::vector<Bytes> sent;
  for (const Bytes& b : f.sent_by(true)) {
    if (final_state(s.state())) break;
    for (Bytes& out : s.receive(b).send) sent.push_back(std::move(out));
  }
  FUZZ_CHECK(sent == f.sent_by(false));
  FUZZ_CHECK(s.key_message_sent() == f.honest_result.key_message_sent);
  FUZZ_CHECK(s.frames_served() == f.honest_result.frames_served);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteConsumer in(data, size);
  const std::uint8_t config = in.u8();
  Fixture& f = fuzz::fixture(config);
  static std::vector<bool> verified(256, false);  // by config_key, an octet
  if (!verified[fuzz::config_key(config)]) {
    check_honest_replay(f);
    verified[fuzz::config_key(config)] = true;
  }
  const fuzz::ResetOnExit reset(f);  // the estate, reset, is as make_estate left it
  fuzz::begin_path();
  sim::Estate& e = *f.estate;
  const Profile profile = e.options.profile;
  const std::vector<Bytes>& peer = f.sent_by(true);  // what the honest terminal sent, in order

  tms::Session s(e.tms_config, e.tms_ports());
  check_state(s);

  std::size_t cursor = 0;
  std::vector<ByteView> delivered;
  fuzz::MadeBodies made;
  fuzz::InStep in_step;
  delivered.reserve(fuzz::kMaxSteps);
  const History history = history_from(config);
  leave_history(e, history, peer);
  // The first-rule property follows the recording, which a session meeting a history need not.
  in_step.still = history == History::kNone;
  for (std::size_t step = 0; step < fuzz::kMaxSteps && !in.empty(); ++step) {
    const State before = s.state();
    const bool key_message_before = s.key_message_sent();
    const std::size_t served_before = s.frames_served();
    fuzz::Step step_read = fuzz::next_step(in, peer, cursor, delivered, made, false);
    // The first rule an authenticated message breaks gives the code (session_fuzz.h).
    const std::optional<ResponseCode> first_rule = in_step.expect(f, step_read, peer, true, profile);
    const std::optional<ByteView>& body = step_read.body;
    session::Output out;
    switch (step_read.op) {
      case Op::kTimeout: out = s.timeout(); break;
      case Op::kConnLost: out = s.connection_lost(); break;
      default: break;
    }
    if (body) {
      out = s.receive(*body);
    }
    if (const std::optional<tms::Event> event = event_of(step_read)) {
      fuzz::path().add(tms::name(before), tms::name(*event), tms::name(s.state()));
    }
    if (history == History::kReplaySeen && before == State::S_IDLE && body && fuzz::same(*body, peer.front())) {
      FUZZ_CHECK(s.state() == State::S_FAILED && s.failure()->code == ResponseCode::kReplay);  // REQ-HS-013
    }
    if (history == History::kReplayFull) {  // REQ-HS-019
      FUZZ_CHECK(s.state() == State::S_IDLE || s.state() == State::S_FAILED);
    }
    if (history == History::kOperatorsFailedFourTimes) check_operator_locks(e);

    in_step.after(step_read, peer);
    if (first_rule) fuzz::check_first_rule(*first_rule, s.failure() ? s.failure()->code : std::nullopt, *body);
    check_state(s);
    // S1 answers with the registry's profile, so every message checks against the estate's.
    fuzz::check_sent(f, false, out.send, out.close, profile);
    if (final_state(before)) {  // S12: nothing after the end
      FUZZ_CHECK(s.state() == before);
      FUZZ_CHECK(out.send.empty() && !out.close);
    }
    if (out.close) FUZZ_CHECK(final_state(s.state()));
    // REQ-TMS-005: one audit record per session, written when it ends.
    FUZZ_CHECK(e.audit.records.size() == (final_state(s.state()) ? 1u : 0u));
    // REQ-TMS-004, REQ-HS-031: key ciphertext only in S2, only for the authenticated answer.
    FUZZ_CHECK(!key_message_before || s.key_message_sent());
    const std::size_t key_messages = key_messages_in(out.send);
    if (!key_message_before && s.key_message_sent()) {
      FUZZ_CHECK(before == State::S_WAIT_AUTH_ANSWER);
      FUZZ_CHECK(body && (*body)[0] == static_cast<std::uint8_t>(MsgType::kHsAuthAnswer) &&
                 fuzz::authentic(f, *body, true));
      FUZZ_CHECK(key_messages == 1);
    } else {
      FUZZ_CHECK(key_messages == 0);
    }
    FUZZ_CHECK(s.frames_served() >= served_before);
    if (s.frames_served() > 0) FUZZ_CHECK(s.key_message_sent());
  }
  return 0;
}
