// Dispatch and the generic rows (T10-T18) of spec/09-terminal-states.md; the message rows are in
// handshake_rows.cc (T1-T4) and download_rows.cc (T5-T9).
#include "terminal/session.h"

#include "codec/abort_message.h"
#include "codec/header.h"
#include "common/hex.h"

namespace tmsproto::terminal {

std::string_view name(State s) {
  switch (s) {
    case State::T_IDLE: return "T_IDLE";
    case State::T_WAIT_AUTH_REQUEST: return "T_WAIT_AUTH_REQUEST";
    case State::T_WAIT_KEY_MESSAGE: return "T_WAIT_KEY_MESSAGE";
    case State::T_WAIT_PKG_CONFIRM: return "T_WAIT_PKG_CONFIRM";
    case State::T_WAIT_FRAME: return "T_WAIT_FRAME";
    case State::T_WAIT_END_ACK: return "T_WAIT_END_ACK";
    case State::T_DONE: return "T_DONE";
    case State::T_FAILED: return "T_FAILED";
  }
  return "?";
}

std::string_view name(Event e) {
  switch (e) {
    case Event::START: return "START";
    case Event::RX_HS_AUTH_REQUEST: return "RX_HS_AUTH_REQUEST";
    case Event::RX_KEY_MESSAGE: return "RX_KEY_MESSAGE";
    case Event::RX_PKG_CONFIRM: return "RX_PKG_CONFIRM";
    case Event::RX_FRAME_RESPONSE: return "RX_FRAME_RESPONSE";
    case Event::RX_SESSION_END_ACK: return "RX_SESSION_END_ACK";
    case Event::RX_ABORT: return "RX_ABORT";
    case Event::RX_UNEXPECTED: return "RX_UNEXPECTED";
    case Event::RX_MALFORMED: return "RX_MALFORMED";
    case Event::TIMEOUT: return "TIMEOUT";
    case Event::CONN_LOST: return "CONN_LOST";
    case Event::CANCEL: return "CANCEL";
  }
  return "?";
}

// REQ-MSG-001: short or unknown type octet is RX_MALFORMED; a known type the terminal never
// receives is RX_UNEXPECTED.
Event classify(ByteView body) {
  if (body.size() < 2) return Event::RX_MALFORMED;
  auto type = codec::peek_type(body);
  if (!type.ok()) return Event::RX_MALFORMED;
  switch (*type) {
    case MsgType::kHsAuthRequest: return Event::RX_HS_AUTH_REQUEST;
    case MsgType::kKeyMessage: return Event::RX_KEY_MESSAGE;
    case MsgType::kPkgConfirm: return Event::RX_PKG_CONFIRM;
    case MsgType::kFrameResponse: return Event::RX_FRAME_RESPONSE;
    case MsgType::kSessionEndAck: return Event::RX_SESSION_END_ACK;
    case MsgType::kAbort: return Event::RX_ABORT;
    default: return Event::RX_UNEXPECTED;
  }
}

Session::Session(const Config& config, Ports ports) : config_(config), ports_(ports) {}

session::Output Session::start(StartCommand command) {
  out_ = {};
  if (state_ != State::T_IDLE) {
    // T16 / T18: refused locally; the session goes on unchanged and nothing is sent.
    if (state_ != State::T_DONE && state_ != State::T_FAILED) out_.refused = ResponseCode::kUnexpectedMessage;
    return std::move(out_);
  }
  t1_start(std::move(command));
  return std::move(out_);
}

session::Output Session::receive(ByteView body) { return dispatch(classify(body), body); }
session::Output Session::timeout() { return dispatch(Event::TIMEOUT, {}); }
session::Output Session::connection_lost() { return dispatch(Event::CONN_LOST, {}); }
session::Output Session::cancel() { return dispatch(Event::CANCEL, {}); }

// REQ-TERM-001: every (state, event) pair goes to exactly one row.
session::Output Session::dispatch(Event e, ByteView body) {
  out_ = {};
  if (state_ == State::T_WAIT_AUTH_REQUEST && e == Event::RX_HS_AUTH_REQUEST) {  // REQ-TERM-001
    t2_auth_request(body);
  } else if (state_ == State::T_WAIT_KEY_MESSAGE && e == Event::RX_KEY_MESSAGE) {
    t3_t4_key_message(body);
  } else if (state_ == State::T_WAIT_PKG_CONFIRM && e == Event::RX_PKG_CONFIRM) {
    t5_t6_pkg_confirm(body);
  } else if (state_ == State::T_WAIT_FRAME && e == Event::RX_FRAME_RESPONSE) {
    t7_t8_frame_response(body);
  } else if (state_ == State::T_WAIT_END_ACK && e == Event::RX_SESSION_END_ACK) {
    t9_end_ack(body);
  } else {
    t10_to_t18_generic(e, body);  // REQ-TERM-001: every other pair, T10 to T18
  }
  return std::move(out_);
}

void Session::t10_to_t18_generic(Event e, ByteView body) {
  if (state_ == State::T_DONE || state_ == State::T_FAILED) return;  // T18, REQ-ERR-002
  if (state_ == State::T_IDLE) {                                       // T17: refused locally
    out_.refused = ResponseCode::kUnexpectedMessage;
    return;
  }
  switch (e) {
    case Event::RX_ABORT: {  // T10: nothing further is stored or applied (REQ-ERR-003)
      auto abort = codec::parse_abort(body);
      // REQ-ERR-005: a defective ABORT counts as 01.
      const ResponseCode code = abort.ok() ? abort->code : ResponseCode::kMalformed;
      // fault answers-tms-abort violates REQ-ERR-003: an ABORT received is answered
      if (has(Fault::kAnswersTmsAbort)) send(codec::serialize(codec::Abort{code}));
      end_failed(Failure{code, false});
      return;
    }
    case Event::TIMEOUT: fail_with(ResponseCode::kTimeout); return;    // T11, REQ-HS-033
    case Event::CONN_LOST:  // T12: staged pieces and installed packages stay (REQ-DL-034)
      end_failed(Failure{std::nullopt, false});
      return;
    case Event::CANCEL: fail_with(ResponseCode::kCancelled); return;    // T13
    case Event::RX_MALFORMED: fail_with(ResponseCode::kMalformed); return;  // T15
    // START never reaches this switch: start() answers T16 (and T18) itself.
    default: fail_with(ResponseCode::kUnexpectedMessage); return;       // T14
  }
}

// REQ-ERR-002, REQ-ERR-004: the code and nothing else goes on the wire.
void Session::fail_with(ResponseCode code) {
  send(codec::serialize(codec::Abort{code}));  // REQ-ERR-002, REQ-ERR-004: ABORT carries the code only
  end_failed(Failure{code, true});
}

void Session::end_failed(Failure why) {
  out_.close = true;  // REQ-ERR-002: close; T_FAILED sends nothing more (T18)
  state_ = State::T_FAILED;
  failure_ = why;
  hs_keys_.reset();  // REQ-KEY-024: session keys die with the session, whatever the outcome
  channel_.reset();
}

void Session::note(std::string what, ByteView value, std::string_view req) {
  out_.notes.push_back({std::move(what), to_hex(value), req});
}

}  // namespace tmsproto::terminal
