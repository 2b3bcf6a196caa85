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
#include "forge/session_keys.h"
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

// The forger of reference/forge/ over an estate's terminal, with key blocks wrapped under a
// DeterministicRandom seeded by the slot, so that vectors made with it are reproducible.
class SessionKeys : public forge::SessionKeys {
 public:
  explicit SessionKeys(const Estate& estate);
  using forge::SessionKeys::wrap;
  using forge::SessionKeys::wrap_tr31;
  codec::KeyEntry wrap(std::uint8_t slot, const profile::SlotRule& rule, ByteView key) const;
  codec::KeyEntry wrap_tr31(std::uint8_t slot, const keyblock::Tr31Header& header, ByteView key,
                            const keyblock::WrapOptions& options = {}) const;
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
  // The link goes: both engines see CONN_LOST, as at the two ends of a real connection (so the
  // TMS session ends and releases its lease, REQ-SRV-011); nothing is queued. The terminal's output.
  session::Output connection_lost();

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
