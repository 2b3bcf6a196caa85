// A stateful model test of the TMS session engine (rc::state): random sequences of honest
// messages, garbage, replays of earlier messages, messages of another session, timeouts and lost
// connections, against a model that predicts the S_* state and whether a response, an ABORT (with
// which code) or nothing is sent (spec/10-tms-states.md, REQ-TMS-001, REQ-TMS-003, REQ-TMS-005,
// REQ-ERR-002, REQ-ERR-005).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <memory>

#include "codec/abort_message.h"
#include "common/hex.h"
#include "sim/lockstep.h"
#include "sim/loopback.h"
#include "sim/state_tables.h"

namespace tmsproto::sim {
namespace {

using tms::State;

// The session the model follows: what an honest terminal sends, what the TMS answers and the
// state it then is in; and the terminal's messages of an earlier session, cut short.
struct Script {
  EstateOptions options;
  std::size_t earlier_cut = 0;
  std::vector<Bytes> honest;        // terminal -> TMS, in order
  std::vector<std::vector<Bytes>> replies;  // the TMS's answer to each: none to TERM_INFO (REQ-DL-040), else one
  std::vector<State> after;         // the TMS's state after each
  std::vector<Bytes> other;         // terminal -> TMS messages of the earlier session
};

struct Model {
  std::shared_ptr<const Script> script;
  State state = State::S_IDLE;
  std::size_t next = 0;  // the next honest message
};

struct Sut {
  std::unique_ptr<Estate> estate;
  std::unique_ptr<tms::Session> tms;
  std::size_t audits_before = 0;
};

using Command = rc::state::Command<Model, Sut>;

bool final_state(const Model& m) { return tables::final_state(m.state); }

// Every unexpected input ends a non-final session with ABORT `code` (REQ-ERR-002); a final one
// ignores everything (S12). One audit record once the session has ended (REQ-TMS-005).
void check_abort(const Model& m, Sut& sut, const session::Output& out, std::optional<ResponseCode> code) {
  if (final_state(m)) {
    RC_ASSERT(out.send.empty());
    RC_ASSERT(!out.close);
    RC_ASSERT(sut.tms->state() == m.state);
    return;
  }
  RC_ASSERT(sut.tms->state() == State::S_FAILED);
  RC_ASSERT(out.close);
  RC_ASSERT(sut.tms->failure().has_value());
  if (code) {
    RC_ASSERT(abort_code(out) == code);
    RC_ASSERT(sut.tms->failure()->code == code);
    RC_ASSERT(sut.tms->failure()->sent_abort);
  }
  RC_ASSERT(sut.estate->audit.records.size() == sut.audits_before + 1);
}

void check_silent_end(const Model& m, Sut& sut, const session::Output& out, std::optional<ResponseCode> code) {
  RC_ASSERT(out.send.empty());  // REQ-ERR-003: an ABORT or a lost connection is never answered
  if (final_state(m)) {
    RC_ASSERT(sut.tms->state() == m.state);
    return;
  }
  RC_ASSERT(out.close);
  RC_ASSERT(sut.tms->state() == State::S_FAILED);
  RC_ASSERT(sut.tms->failure()->code == code);
  RC_ASSERT(!sut.tms->failure()->sent_abort);
  RC_ASSERT(sut.estate->audit.records.size() == sut.audits_before + 1);
}

void fail_unless_final(Model& m) {
  if (!final_state(m)) m.state = State::S_FAILED;
}

struct DeliverNextHonestMessage : Command {
  void checkPreconditions(const Model& m) const override {
    RC_PRE(!final_state(m));
    RC_PRE(m.next < m.script->honest.size());
  }
  void apply(Model& m) const override { m.state = m.script->after[m.next++]; }
  void run(const Model& m, Sut& sut) const override {
    const session::Output out = sut.tms->receive(m.script->honest[m.next]);
    const State expected = m.script->after[m.next];
    RC_ASSERT(sut.tms->state() == expected);
    // Deterministic (REQ-TMS-003): exactly the honest answer, closing only after SESSION_END_ACK.
    RC_ASSERT(out.send == m.script->replies[m.next]);
    RC_ASSERT(out.close == (expected == State::S_DONE));
    RC_ASSERT(sut.estate->audit.records.size() == sut.audits_before + (expected == State::S_DONE ? 1u : 0u));
  }
  void show(std::ostream& os) const override { os << "DeliverNextHonestMessage"; }
};

struct DeliverGarbage : Command {
  Bytes body;
  DeliverGarbage() {
    const int shape = *rc::gen::inRange(0, 4);
    const auto octets = [](std::size_t max) {
      return *rc::gen::container<Bytes>(*rc::gen::inRange<std::size_t>(0, max), rc::gen::arbitrary<std::uint8_t>());
    };
    const Bytes unknown = {0x00, 0x05, 0x10, 0x18, 0x7e, 0x80, 0xff};
    const Bytes known = {0x01, 0x02, 0x03, 0x04, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16};
    switch (shape) {
      case 0: body = octets(2); break;  // shorter than 2 octets
      case 1: body = concat(Bytes{*rc::gen::elementOf(unknown)}, octets(80)); break;
      case 2: body = concat(Bytes{*rc::gen::elementOf(known)}, octets(80)); break;
      default:  // ABORTs, valid and defective
        body = Bytes{0x7f, *rc::gen::elementOf(Bytes{0x01, 0x02}), *rc::gen::elementOf(Bytes{'0', '1', '2', '9'}),
                     *rc::gen::elementOf(Bytes{'0', '1', '3', '8', '9'})};
    }
  }
  // What the model predicts, from the tables and REQ-MSG-001 alone.
  void apply(Model& m) const override { fail_unless_final(m); }
  void run(const Model& m, Sut& sut) const override {
    const session::Output out = sut.tms->receive(body);
    const auto type = body.size() >= 2 ? msg_type_from_octet(body[0]) : std::nullopt;
    if (type == MsgType::kAbort) {  // S7; REQ-ERR-005: anything but VERSION 01 and a table code is 01
      const auto code = response_code_from_ascii(static_cast<char>(body[2]), static_cast<char>(body[3]));
      const bool valid = body.size() == 4 && body[1] == 0x01 && code && *code != ResponseCode::kSuccess;
      check_silent_end(m, sut, out, valid ? *code : ResponseCode::kMalformed);
    } else if (!type) {
      check_abort(m, sut, out, ResponseCode::kMalformed);  // S11
    } else if (!tables::listed(m.state, *type)) {
      check_abort(m, sut, out, ResponseCode::kUnexpectedMessage);  // S10
    } else if (body[1] != kProtocolVersion) {
      check_abort(m, sut, out, ResponseCode::kUnsupportedVersion);  // the row's first check (REQ-MSG-004)
    } else {
      check_abort(m, sut, out, std::nullopt);  // a body or envelope check of the row
      if (final_state(m)) return;
      const auto code = sut.tms->failure()->code;
      RC_ASSERT(code == ResponseCode::kMalformed || code == ResponseCode::kUnsupportedTransaction ||
                code == ResponseCode::kMacFailed);
      RC_ASSERT(abort_code(out) == code);
    }
  }
  void show(std::ostream& os) const override { os << "DeliverGarbage " << to_hex(body); }
};

struct DeliverReplayOfEarlierMessage : Command {
  std::size_t pick = *rc::gen::arbitrary<std::size_t>();
  void checkPreconditions(const Model& m) const override { RC_PRE(m.next > 0); }
  void apply(Model& m) const override { fail_unless_final(m); }
  void run(const Model& m, Sut& sut) const override {
    const Bytes& body = m.script->honest[pick % m.next];
    const session::Output out = sut.tms->receive(body);
    // Only envelopes can be replayed into a state that lists their type; their SEQ is old.
    const bool listed = tables::listed(m.state, static_cast<MsgType>(body[0]));
    check_abort(m, sut, out, listed ? ResponseCode::kSequenceError : ResponseCode::kUnexpectedMessage);
  }
  void show(std::ostream& os) const override { os << "DeliverReplayOfEarlierMessage " << pick; }
};

struct DeliverMessageOfAnotherSession : Command {
  std::size_t pick = *rc::gen::arbitrary<std::size_t>();
  void checkPreconditions(const Model& m) const override { RC_PRE(!m.script->other.empty()); }
  void apply(Model& m) const override { fail_unless_final(m); }
  void run(const Model& m, Sut& sut) const override {
    const Bytes& body = m.script->other[pick % m.script->other.size()];
    const auto type = static_cast<MsgType>(body[0]);
    const session::Output out = sut.tms->receive(body);
    ResponseCode code = ResponseCode::kUnexpectedMessage;
    if (tables::listed(m.state, type)) {
      code = type == MsgType::kHsRequest      ? ResponseCode::kReplay               // REQ-HS-013
             : type == MsgType::kHsAuthAnswer ? ResponseCode::kTerminalAuthFailed  // REQ-HS-031
                                              : ResponseCode::kMacFailed;          // other download keys
    }
    check_abort(m, sut, out, code);
  }
  void show(std::ostream& os) const override { os << "DeliverMessageOfAnotherSession " << pick; }
};

struct Timeout : Command {
  void apply(Model& m) const override { fail_unless_final(m); }
  void run(const Model& m, Sut& sut) const override { check_abort(m, sut, sut.tms->timeout(), ResponseCode::kTimeout); }
  void show(std::ostream& os) const override { os << "Timeout"; }
};

struct ConnectionLost : Command {
  void apply(Model& m) const override { fail_unless_final(m); }
  void run(const Model& m, Sut& sut) const override {
    check_silent_end(m, sut, sut.tms->connection_lost(), std::nullopt);
  }
  void show(std::ostream& os) const override { os << "ConnectionLost"; }
};

std::vector<Bytes> from_terminal(const std::vector<Delivered>& messages) {
  std::vector<Bytes> out;
  for (const auto& m : messages) {
    if (m.from_terminal) out.push_back(m.body);
  }
  return out;
}

RC_GTEST_PROP(TmsModel, FollowsTheStateTable, ()) {
  auto script = std::make_shared<Script>();
  script->options.profile = *rc::gen::element(Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256);
  script->options.trans = *rc::gen::element(TransCode::kKeyDownload, TransCode::kProgramDownload);
  script->options.with_operator = script->options.trans == TransCode::kKeyDownload;
  script->options = runnable(script->options);  // REQ-CRYPTO-025
  script->options.packages = {PackageSpec{codec::PackageKind::kApplication, "PAYAPP", 2,
                                          *rc::gen::inRange<std::size_t>(1, 1200), 256}};
  script->options.seed = *rc::gen::inRange<std::uint64_t>(0, 1u << 20);
  script->earlier_cut = *rc::gen::inRange<std::size_t>(1, 8);
  RC_TAG(name(script->options.profile), script->options.trans == TransCode::kKeyDownload ? "01" : "02");

  // The honest session, played once on a replica of the estate with the same history.
  auto replica = make_estate(script->options);
  auto cut = [&](std::size_t i, bool, Bytes&) { return i == script->earlier_cut ? Fate::kCut : Fate::kDeliver; };
  script->other = from_terminal(run_session(*replica, cut).messages);
  {
    Lockstep run(*replica);
    run.start();
    while (!run.queue.empty()) {
      Delivered m = std::move(run.queue.front());
      run.queue.pop_front();
      if (!m.from_terminal) {
        run.to_terminal(m.body);
        continue;
      }
      script->honest.push_back(m.body);
      const session::Output out = run.to_tms(m.body);
      // One answer to each message, none to TERM_INFO (row S13).
      RC_ASSERT(out.send.size() == (m.body.at(0) == static_cast<std::uint8_t>(MsgType::kTermInfo) ? 0u : 1u));
      script->replies.push_back(out.send);
      script->after.push_back(run.tms.state());
    }
    RC_ASSERT(run.tms.state() == State::S_DONE);
  }

  Sut sut;
  sut.estate = make_estate(script->options);
  run_session(*sut.estate, cut);
  sut.audits_before = sut.estate->audit.records.size();
  sut.tms = std::make_unique<tms::Session>(sut.estate->tms_config, sut.estate->tms_ports());
  Model initial;
  initial.script = script;
  rc::state::check(initial, sut,
                   rc::state::gen::execOneOfWithArgs<DeliverNextHonestMessage, DeliverNextHonestMessage,
                                                     DeliverNextHonestMessage, DeliverGarbage,
                                                     DeliverReplayOfEarlierMessage, DeliverMessageOfAnotherSession,
                                                     Timeout, ConnectionLost>());
}

}  // namespace
}  // namespace tmsproto::sim
