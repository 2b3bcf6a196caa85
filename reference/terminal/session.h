// The terminal's protocol engine: spec/09-terminal-states.md, rows T1-T18, in the spec's names
// and order. Pure: bodies and events in, bodies to send and a close flag out; clock, randomness,
// key store and package store are passed in (REQ-TERM-003).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "codec/download_payloads.h"
#include "codec/fields.h"
#include "crypto/random.h"
#include "profile/envelope_crypto.h"
#include "profile/profile_crypto.h"
#include "session/clock.h"
#include "session/output.h"
#include "session/secure_channel.h"
#include "session/transcript.h"
#include "terminal/ports.h"

namespace tmsproto::terminal {

// Section 9.1.
enum class State {
  T_IDLE,
  T_WAIT_AUTH_REQUEST,
  T_WAIT_KEY_MESSAGE,
  T_WAIT_PKG_CONFIRM,
  T_WAIT_FRAME,
  T_WAIT_END_ACK,
  T_DONE,
  T_FAILED,
};

// Section 9.2.
enum class Event {
  START,
  RX_HS_AUTH_REQUEST,
  RX_KEY_MESSAGE,
  RX_PKG_CONFIRM,
  RX_FRAME_RESPONSE,
  RX_SESSION_END_ACK,
  RX_ABORT,
  RX_UNEXPECTED,
  RX_MALFORMED,
  TIMEOUT,
  CONN_LOST,
  CANCEL,
};

std::string_view name(State s);
std::string_view name(Event e);
// REQ-MSG-001: the event a received body is, from its type octet alone.
Event classify(ByteView body);

struct Ports {
  session::Clock& clock;
  crypto::RandomSource& rng;
  KeyStore& keys;
  PackageStore& packages;
  Device& device;
};

// Why a session ended in T_FAILED.
struct Failure {
  std::optional<ResponseCode> code;  // nullopt: the connection was lost (T12)
  bool sent_abort = false;           // we detected it, rather than the peer
};

class Session {
 public:
  Session(const Config& config, Ports ports);

  session::Output start(StartCommand command);  // START
  session::Output receive(ByteView body);       // RX_*
  session::Output timeout();                    // TIMEOUT
  session::Output connection_lost();            // CONN_LOST
  session::Output cancel();                     // CANCEL

  State state() const { return state_; }
  const std::optional<Failure>& failure() const { return failure_; }
  // What the terminal installed in this session (for the edge's log and for tests).
  bool keys_installed() const { return keys_installed_; }
  std::size_t packages_applied() const { return packages_applied_; }
  // Whether the engine still holds session keys (DWK, K_MAC, K_KEK, the download keys); false
  // once the session has ended, whatever the outcome (REQ-KEY-024).
  bool holds_session_keys() const { return hs_keys_.has_value() || channel_.has_value(); }

 private:
  // One offer of PKG_CONFIRM being fetched.
  struct OfferState {
    codec::Manifest manifest;
    ManifestId id{};
    bool fit_ready = false;  // a verified FIT is staged
    Bytes fit;               // the verified FIT, or the FIT pieces collected so far
    std::uint32_t next_data = 0;
    bool resumed = false;    // its FIT was staged in an earlier session, no DATA piece asked for yet
  };
  struct Pending {
    std::uint8_t pkg = 0;
    codec::Section section = codec::Section::kFit;
    std::uint32_t piece = 0;
  };

  session::Output dispatch(Event e, ByteView body);

  // Rows of section 9.3.
  void t1_start(StartCommand command);
  void t2_auth_request(ByteView body);
  void t3_t4_key_message(ByteView body);
  void t5_t6_pkg_confirm(ByteView body);
  void t7_t8_frame_response(ByteView body);
  void t9_end_ack(ByteView body);
  void t10_to_t18_generic(Event e, ByteView body);

  // Helpers that keep the rows short.
  void fail_with(ResponseCode code);                 // REQ-ERR-002
  void end_failed(Failure why);                      // T_FAILED, keys released
  void send(Bytes body) { out_.send.push_back(std::move(body)); }
  void note(std::string what, ByteView value, std::string_view req);
  bool send_sealed(MsgType type, ByteView payload);  // REQ-DL-001
  std::optional<Bytes> open_envelope(ByteView body); // envelope checks of section 9.2
  std::optional<Pending> next_request();
  void request(const Pending& p);
  void apply_and_end();                              // rows T6 and T8
  std::optional<Bytes> report(const std::vector<codec::InstalledPackage>& installed);  // REQ-DL-041
  std::uint32_t version_floor(const codec::Manifest& m);  // REQ-DL-010, REQ-DL-052
  bool installed_master_named(const std::string& name);    // REQ-DL-052
  void end_with(ResponseCode result);
  // A fault switch (faults.h): each is tested at the one check it breaks.
  bool has(Fault f) const { return config_.faults.has(f); }

  const Config& config_;
  Ports ports_;
  State state_ = State::T_IDLE;
  session::Output out_;
  std::optional<Failure> failure_;

  // Session data.
  std::optional<StartCommand> command_;
  codec::AuthData t_data_;
  codec::AuthData s_data_;
  std::uint8_t offered_ = 0;
  session::Transcript transcript_;
  std::optional<profile::HandshakeKeys> hs_keys_;
  std::optional<session::SecureChannel> channel_;  // from the key message on (REQ-DL-001)
  std::vector<OfferState> offers_;
  Pending pending_;
  ResponseCode end_result_ = ResponseCode::kSuccess;
  bool keys_installed_ = false;
  std::size_t packages_applied_ = 0;
};

}  // namespace tmsproto::terminal
