// What a session engine hands back to its edge after each input: messages to send, whether to
// close the connection, and notes for the protocol analyser. Nothing else leaves the core.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "protocol/constants.h"
#include "protocol/response_code.h"

namespace tmsproto::session {

// A computed value worth showing beside the check that used it (TAC, SAC, KCV, digests, ...).
// Never key material (REQ-CRYPTO-015).
struct Note {
  std::string what;
  std::string value;
  std::string_view req;  // the requirement that defines the computation or check
};

// The payload of an enveloped message as it was before encryption, for the protocol analyser
// (`tmsproto simulate`). It is message content, not key material, but it is confidential on the
// wire: an edge that logs it must treat the log as it treats the packages themselves.
struct Cleartext {
  MsgType type = MsgType::kPkgAnnounce;
  Bytes payload;
};

struct Output {
  std::vector<Bytes> send;  // message bodies, in order, without transport framing
  bool close = false;
  std::vector<Note> notes;
  std::vector<Cleartext> cleartexts;  // one per enveloped message in `send`
  // A local command or event the engine refused without changing state or sending anything
  // (rows T16, T17): the code says why, for the edge to show its operator.
  std::optional<ResponseCode> refused;
};

}  // namespace tmsproto::session
