// The TMS's protocol engine for one connection: spec/10-tms-states.md, rows S1-S12, in the
// spec's names and order. Pure: bodies and events in, bodies to send and a close flag out
// (REQ-TMS-003). One engine per connection; nothing is shared but the injected ports (REQ-TMS-002).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "codec/download_payloads.h"
#include "codec/handshake_messages.h"
#include "crypto/random.h"
#include "profile/envelope_crypto.h"
#include "profile/profile_crypto.h"
#include "session/clock.h"
#include "session/output.h"
#include "session/secure_channel.h"
#include "session/transcript.h"
#include "tms/ports.h"

namespace tmsproto::tms {

// Section 10.1.
enum class State {
  S_IDLE,
  S_WAIT_AUTH_ANSWER,
  S_WAIT_TERM_INFO,
  S_WAIT_SESSION_END,
  S_WAIT_PKG_ANNOUNCE,
  S_SERVING,
  S_DONE,
  S_FAILED,
};

// Section 10.2.
enum class Event {
  RX_HS_REQUEST,
  RX_HS_AUTH_ANSWER,
  RX_TERM_INFO,
  RX_PKG_ANNOUNCE,
  RX_FRAME_REQUEST,
  RX_SESSION_END,
  RX_ABORT,
  RX_UNEXPECTED,
  RX_MALFORMED,
  TIMEOUT,
  CONN_LOST,
};

std::string_view name(State s);
std::string_view name(Event e);
Event classify(ByteView body);

struct Ports {
  session::Clock& clock;
  crypto::RandomSource& rng;
  Registry& registry;
  KeyCustody& custody;
  ReplayCache& replay;
  VendorDirectory& vendors;
  AuditLog& audit;
  TerminalReports& reports;
};

struct Failure {
  std::optional<ResponseCode> code;  // nullopt: connection lost
  bool sent_abort = false;
};

class Session {
 public:
  Session(const Config& config, Ports ports);

  session::Output receive(ByteView body);  // RX_*
  session::Output timeout();               // TIMEOUT
  session::Output connection_lost();       // CONN_LOST

  State state() const { return state_; }
  const std::optional<Failure>& failure() const { return failure_; }
  bool key_message_sent() const { return key_message_sent_; }
  std::size_t frames_served() const { return frames_served_; }
  // Whether the engine still holds session keys; false once the session has ended (REQ-KEY-024).
  bool holds_session_keys() const { return hs_keys_.has_value() || channel_.has_value(); }

 private:
  session::Output dispatch(Event e, ByteView body);

  // Rows of section 10.3.
  void s1_hs_request(ByteView body);
  void s2_auth_answer(ByteView body);
  void s13_term_info(ByteView body);
  void s3_pkg_announce(ByteView body);
  void s4_frame_request(ByteView body);
  void s5_s6_session_end(ByteView body);
  void s7_to_s12_generic(Event e, ByteView body);

  void fail_with(ResponseCode code);  // REQ-ERR-002
  void not_served(ResponseCode reason);  // REQ-HS-018
  bool operator_check_passes(ByteView proof);  // REQ-OPR-004, REQ-OPR-006
  void finish(std::optional<ResponseCode> outcome);
  void send(Bytes body) { out_.send.push_back(std::move(body)); }
  void note(std::string what, ByteView value, std::string_view req);
  bool send_sealed(MsgType type, ByteView payload);
  std::optional<Bytes> open_envelope(ByteView body);

  const Config& config_;
  Ports ports_;
  State state_ = State::S_IDLE;
  session::Output out_;
  std::optional<Failure> failure_;
  AuditRecord audit_;

  // Session data.
  codec::HsRequest request_;
  Profile profile_ = Profile::kAes128;
  codec::AuthData s_data_;
  session::Transcript transcript_;
  std::optional<profile::HandshakeKeys> hs_keys_;
  std::optional<Bytes> sac0_legacy_;  // LEGACY computes SAC_0 in S1 (REQ-HS-016)
  std::optional<std::uint64_t> lease_;       // REQ-SRV-011: from S1 on, until the session ends
  std::optional<OperatorRecord> operator_;  // from S1 on, for an attended session (REQ-OPR-002)
  std::optional<session::SecureChannel> channel_;  // from the key message on (REQ-DL-001)
  VendorInterface* vendor_ = nullptr;
  std::optional<codec::TerminalInfo> report_;  // from S13 on (REQ-DL-042)
  std::vector<codec::Offer> offers_;
  std::uint64_t frame_budget_ = 0;  // REQ-SEC-010
  bool key_message_sent_ = false;
  std::size_t frames_served_ = 0;
};

}  // namespace tmsproto::tms
