// The edges of the two state tables (spec/09-terminal-states.md, spec/10-tms-states.md), as data,
// for properties that watch the engines move: a pair (before, after) is allowed when some row of
// the table takes `before` to `after`. Test code only.
#pragma once

#include "protocol/constants.h"
#include "terminal/session.h"
#include "tms/session.h"

namespace tmsproto::sim::tables {

inline bool final_state(terminal::State s) { return s == terminal::State::T_DONE || s == terminal::State::T_FAILED; }
inline bool final_state(tms::State s) { return s == tms::State::S_DONE || s == tms::State::S_FAILED; }

inline bool terminal_edge(terminal::State from, terminal::State to, TransCode trans) {
  using S = terminal::State;
  if (from == to) return true;  // T7, T16, T17, T18 keep the state
  if (final_state(from)) return false;                             // T18
  if (to == S::T_FAILED) return true;                              // a failure row, T9, T10-T15
  switch (from) {
    case S::T_IDLE: return to == S::T_WAIT_AUTH_REQUEST;                                   // T1
    case S::T_WAIT_AUTH_REQUEST: return to == S::T_WAIT_KEY_MESSAGE;                       // T2
    case S::T_WAIT_KEY_MESSAGE:
      return trans == TransCode::kKeyDownload ? to == S::T_WAIT_END_ACK                    // T3
                                              : to == S::T_WAIT_PKG_CONFIRM;               // T4
    case S::T_WAIT_PKG_CONFIRM: return to == S::T_WAIT_FRAME || to == S::T_WAIT_END_ACK;   // T5, T6
    case S::T_WAIT_FRAME: return to == S::T_WAIT_END_ACK;                                  // T8
    case S::T_WAIT_END_ACK: return to == S::T_DONE;                                        // T9
    default: return false;
  }
}

inline bool tms_edge(tms::State from, tms::State to, TransCode trans) {
  using S = tms::State;
  if (from == to) return true;                 // S4, S12
  if (final_state(from)) return false;         // S12
  if (to == S::S_FAILED) return true;          // a failure row, S7-S11
  switch (from) {
    case S::S_IDLE: return to == S::S_WAIT_AUTH_ANSWER;  // S1
    case S::S_WAIT_AUTH_ANSWER: return to == S::S_WAIT_TERM_INFO;  // S2
    case S::S_WAIT_TERM_INFO:
      return trans == TransCode::kKeyDownload ? to == S::S_WAIT_SESSION_END : to == S::S_WAIT_PKG_ANNOUNCE;  // S13
    case S::S_WAIT_PKG_ANNOUNCE: return to == S::S_SERVING;  // S3
    case S::S_SERVING: return to == S::S_DONE;               // S5
    case S::S_WAIT_SESSION_END: return to == S::S_DONE;      // S6
    default: return false;
  }
}

// The RX_ events each table lists for a state (a message of another type there is T14 / S10).
inline bool listed(terminal::State s, MsgType t) {
  using S = terminal::State;
  switch (s) {
    case S::T_WAIT_AUTH_REQUEST: return t == MsgType::kHsAuthRequest;
    case S::T_WAIT_KEY_MESSAGE: return t == MsgType::kKeyMessage;
    case S::T_WAIT_PKG_CONFIRM: return t == MsgType::kPkgConfirm;
    case S::T_WAIT_FRAME: return t == MsgType::kFrameResponse;
    case S::T_WAIT_END_ACK: return t == MsgType::kSessionEndAck;
    default: return false;
  }
}

inline bool listed(tms::State s, MsgType t) {
  using S = tms::State;
  switch (s) {
    case S::S_IDLE: return t == MsgType::kHsRequest;
    case S::S_WAIT_AUTH_ANSWER: return t == MsgType::kHsAuthAnswer;
    case S::S_WAIT_TERM_INFO: return t == MsgType::kTermInfo;
    case S::S_WAIT_SESSION_END: return t == MsgType::kSessionEnd;
    case S::S_WAIT_PKG_ANNOUNCE: return t == MsgType::kPkgAnnounce;
    case S::S_SERVING: return t == MsgType::kFrameRequest || t == MsgType::kSessionEnd;
    default: return false;
  }
}

}  // namespace tmsproto::sim::tables
