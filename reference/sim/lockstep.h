// Drives one terminal engine and one TMS engine message by message, and derives from the messages
// what a party holding the estate's DMK can: the handshake keys and the download keys. Tests stop
// before any message, change it, and forge correctly-MACed messages no honest peer would send, so
// that every check of every row of spec/09-terminal-states.md and spec/10-tms-states.md can be
// reached (the row tests, the session properties).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "codec/download_payloads.h"
#include "codec/handshake_messages.h"
#include "codec/key_message.h"
#include "keyblock/tr31.h"
#include "profile/envelope_crypto.h"
#include "profile/profile_crypto.h"
#include "session/output.h"
#include "session/transcript.h"
#include "sim/estate.h"
#include "sim/loopback.h"

namespace tmsproto::sim {

// The session keys of one session, recovered from its honest messages with the estate's DMK.
class SessionKeys {
 public:
  explicit SessionKeys(const Estate& estate);

  // Feed every honest message of the session, in order (forged ones must not be fed).
  void observe(bool from_terminal, ByteView body);

  bool has_handshake_keys() const { return hs_.has_value(); }
  bool has_download_keys() const { return dl_.has_value(); }
  const codec::AuthData& t_data() const { return t_data_; }
  const codec::AuthData& s_data() const { return s_data_; }

  // The envelope and its payload (either direction), or nullopt if it does not verify and decrypt.
  std::optional<codec::Envelope> envelope(bool from_terminal, ByteView body) const;
  std::optional<Bytes> open(bool from_terminal, ByteView body) const;
  // A new envelope under the session's download keys, with any SEQ and identity.
  Bytes seal(bool from_terminal, MsgType type, std::uint32_t seq, ByteView payload) const;
  Bytes seal(bool from_terminal, MsgType type, std::uint32_t seq, ByteView payload,
             const codec::Identity& id) const;
  // An envelope whose CT decrypts to `plaintext` as it is, unpadded: a padding error (REQ-MSG-070).
  Bytes seal_unpadded(bool from_terminal, MsgType type, std::uint32_t seq, ByteView plaintext) const;
  // `body` with its payload replaced, under the same type, identity and SEQ.
  Bytes reseal(bool from_terminal, ByteView body, ByteView payload) const;

  // Messages with their cryptograms recomputed over the observed transcript (REQ-CRYPTO-032,
  // REQ-CRYPTO-033, REQ-CRYPTO-036), so that a changed field reaches the checks after the MAC.
  Bytes with_tac(codec::HsAuthRequest m) const;
  Bytes with_sac(codec::HsAuthAnswer m) const;
  Bytes with_key_mac(const codec::KeyMessage& m) const;
  // A key block and KCV for `key` under the session's handshake keys (REQ-CRYPTO-035).
  codec::KeyEntry wrap(std::uint8_t slot, const profile::SlotRule& rule, ByteView key) const;
  // A key block for `key` under the session's K_KEK with ANY TR-31 header (version, usage,
  // algorithm, mode, key version, exportability, key context, optional blocks) and any masking
  // (keyblock::WrapOptions), with the KCV of `key` under the header's algorithm (REQ-CRYPTO-037):
  // a correctly-MACed block that breaks exactly the REQ-CRYPTO-035 / REQ-KEY-025 rule the test
  // chose. The block is empty if TR-31 itself cannot carry the key (e.g. longer than the KBPK).
  codec::KeyEntry wrap_tr31(std::uint8_t slot, const keyblock::Tr31Header& header, ByteView key,
                            const keyblock::WrapOptions& options = {}) const;
  // Payloads the TMS sends, with any fields, sealed under the session's download keys with the SEQ
  // given (REQ-DL-002: PKG_CONFIRM is the TMS's SEQ 0; for a FRAME_RESPONSE take the SEQ of the
  // honest one it stands in for, envelope(false, body)->seq).
  Bytes pkg_confirm(const std::vector<codec::Offer>& offers, std::uint32_t seq = 0) const;
  Bytes frame_response(const codec::FrameResponse& r, std::uint32_t seq) const;

 private:
  Profile profile_;
  crypto::SecretBytes dmk_;
  codec::Identity id_;
  codec::AuthData t_data_;
  codec::AuthData s_data_;
  session::Transcript transcript_;
  std::optional<profile::HandshakeKeys> hs_;
  std::optional<profile::DownloadKeys> dl_;
};

// The two engines of one session over an estate, with the messages between them in a queue that
// the test drains explicitly.
class Lockstep {
 public:
  explicit Lockstep(Estate& estate);

  // START (T1); queues the HS_REQUEST.
  session::Output start();
  // Delivers queued messages honestly until the next one is of `type` and travels towards the
  // terminal (to_terminal) or the TMS; returns it undelivered, so that the receiving engine is
  // still waiting for it. nullopt if the session ends first.
  std::optional<Bytes> until(MsgType type, bool to_terminal);
  std::optional<Bytes> until_terminal_gets(MsgType type) { return until(type, true); }
  std::optional<Bytes> until_tms_gets(MsgType type) { return until(type, false); }
  // Delivers honestly until the queue is empty (both sides final, or waiting).
  void drain();

  // One body into one engine; what it sends is queued for the other.
  session::Output to_terminal(ByteView body);
  session::Output to_tms(ByteView body);

  Estate& estate;
  terminal::Session terminal;
  tms::Session tms;
  SessionKeys keys;
  std::deque<Delivered> queue;
  std::size_t delivered = 0;  // honest messages delivered by until() and drain()
};

// The code of the one ABORT an output sends, if that is what it sends.
std::optional<ResponseCode> abort_code(const session::Output& out);

}  // namespace tmsproto::sim
