// Dispatch and the generic rows (S7-S12) of spec/10-tms-states.md; the message rows are in
// handshake_rows.cc (S1-S2) and download_rows.cc (S13, S3-S6).
#include "tms/session.h"

#include "codec/abort_message.h"
#include "codec/header.h"
#include "common/hex.h"

namespace tmsproto::tms {

std::string_view name(State s) {
  switch (s) {
    case State::S_IDLE: return "S_IDLE";
    case State::S_WAIT_AUTH_ANSWER: return "S_WAIT_AUTH_ANSWER";
    case State::S_WAIT_TERM_INFO: return "S_WAIT_TERM_INFO";
    case State::S_WAIT_SESSION_END: return "S_WAIT_SESSION_END";
    case State::S_WAIT_PKG_ANNOUNCE: return "S_WAIT_PKG_ANNOUNCE";
    case State::S_SERVING: return "S_SERVING";
    case State::S_DONE: return "S_DONE";
    case State::S_FAILED: return "S_FAILED";
  }
  return "?";
}

std::string_view name(Event e) {
  switch (e) {
    case Event::RX_HS_REQUEST: return "RX_HS_REQUEST";
    case Event::RX_HS_AUTH_ANSWER: return "RX_HS_AUTH_ANSWER";
    case Event::RX_TERM_INFO: return "RX_TERM_INFO";
    case Event::RX_PKG_ANNOUNCE: return "RX_PKG_ANNOUNCE";
    case Event::RX_FRAME_REQUEST: return "RX_FRAME_REQUEST";
    case Event::RX_SESSION_END: return "RX_SESSION_END";
    case Event::RX_ABORT: return "RX_ABORT";
    case Event::RX_UNEXPECTED: return "RX_UNEXPECTED";
    case Event::RX_MALFORMED: return "RX_MALFORMED";
    case Event::TIMEOUT: return "TIMEOUT";
    case Event::CONN_LOST: return "CONN_LOST";
  }
  return "?";
}

std::string_view name(VendorError e) {
  switch (e) {
    case VendorError::kUnavailable: return "UNAVAILABLE";
    case VendorError::kNotFound: return "NOT_FOUND";
  }
  return "?";
}

// REQ-MSG-001.
Event classify(ByteView body) {
  if (body.size() < 2) return Event::RX_MALFORMED;
  auto type = codec::peek_type(body);
  if (!type.ok()) return Event::RX_MALFORMED;
  switch (*type) {
    case MsgType::kHsRequest: return Event::RX_HS_REQUEST;
    case MsgType::kHsAuthAnswer: return Event::RX_HS_AUTH_ANSWER;
    case MsgType::kTermInfo: return Event::RX_TERM_INFO;
    case MsgType::kPkgAnnounce: return Event::RX_PKG_ANNOUNCE;
    case MsgType::kFrameRequest: return Event::RX_FRAME_REQUEST;
    case MsgType::kSessionEnd: return Event::RX_SESSION_END;
    case MsgType::kAbort: return Event::RX_ABORT;
    default: return Event::RX_UNEXPECTED;
  }
}

Session::Session(const Config& config, Ports ports) : config_(config), ports_(ports) {}

session::Output Session::receive(ByteView body) { return dispatch(classify(body), body); }
session::Output Session::timeout() { return dispatch(Event::TIMEOUT, {}); }
session::Output Session::connection_lost() { return dispatch(Event::CONN_LOST, {}); }

// REQ-TMS-001: every (state, event) pair goes to exactly one row.
session::Output Session::dispatch(Event e, ByteView body) {
  // REQ-TMS-002: everything a session changes is this engine's own, or goes through its ports.
  out_ = {};
  if (state_ == State::S_IDLE && e == Event::RX_HS_REQUEST) {  // REQ-TMS-001
    s1_hs_request(body);
  } else if (state_ == State::S_WAIT_AUTH_ANSWER && e == Event::RX_HS_AUTH_ANSWER) {
    s2_auth_answer(body);
  } else if (state_ == State::S_WAIT_TERM_INFO && e == Event::RX_TERM_INFO) {
    s13_term_info(body);
  } else if (state_ == State::S_WAIT_PKG_ANNOUNCE && e == Event::RX_PKG_ANNOUNCE) {
    s3_pkg_announce(body);
  } else if (state_ == State::S_SERVING && e == Event::RX_FRAME_REQUEST) {
    s4_frame_request(body);
  } else if ((state_ == State::S_SERVING || state_ == State::S_WAIT_SESSION_END) &&
             e == Event::RX_SESSION_END) {
    s5_s6_session_end(body);
  } else {
    s7_to_s12_generic(e, body);  // REQ-TMS-001: every other pair, S7 to S12
  }
  return std::move(out_);
}

void Session::s7_to_s12_generic(Event e, ByteView body) {
  if (state_ == State::S_DONE || state_ == State::S_FAILED) return;  // S12, REQ-ERR-002
  switch (e) {
    case Event::RX_ABORT: {  // S7 (REQ-ERR-003)
      auto abort = codec::parse_abort(body);
      const ResponseCode code = abort.ok() ? abort->code : ResponseCode::kMalformed;  // REQ-ERR-005
      out_.close = true;
      state_ = State::S_FAILED;
      failure_ = Failure{code, false};
      finish(code);
      return;
    }
    case Event::TIMEOUT: fail_with(ResponseCode::kTimeout); return;  // S8, REQ-HS-033
    case Event::CONN_LOST:                                           // S9
      out_.close = true;
      state_ = State::S_FAILED;
      failure_ = Failure{std::nullopt, false};
      finish(std::nullopt);
      return;
    case Event::RX_MALFORMED: fail_with(ResponseCode::kMalformed); return;  // S11
    default: fail_with(ResponseCode::kUnexpectedMessage); return;           // S10
  }
}

// REQ-ERR-002, REQ-ERR-004: the code and nothing else goes on the wire.
void Session::fail_with(ResponseCode code) {
  send(codec::serialize(codec::Abort{code}));  // REQ-ERR-002, REQ-ERR-004: ABORT carries the code only
  out_.close = true;
  state_ = State::S_FAILED;
  failure_ = Failure{code, true};
  finish(code);
}

// REQ-TMS-005: one audit record when the session ends, whatever the outcome; session keys die
// with the session (REQ-KEY-024).
void Session::finish(std::optional<ResponseCode> outcome) {
  hs_keys_.reset();
  channel_.reset();
  if (lease_) {  // REQ-SRV-011: the terminal may open its next session on any instance at once
    ports_.registry.release_lease(request_.id, *lease_);
    lease_.reset();
  }
  audit_.outcome = outcome;
  ports_.audit.record(audit_);  // REQ-TMS-005
}

void Session::note(std::string what, ByteView value, std::string_view req) {
  out_.notes.push_back({std::move(what), to_hex(value), req});
}

}  // namespace tmsproto::tms
