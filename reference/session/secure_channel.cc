#include "session/secure_channel.h"

#include "common/try.h"

namespace tmsproto::session {

SecureChannel::SecureChannel(Profile p, profile::DownloadKeys keys, codec::Identity id,
                             profile::Direction sending)
    : profile_(p),
      keys_(std::move(keys)),
      id_(std::move(id)),
      sending_(sending),
      receiving_(sending == profile::Direction::kTerminalToTms ? profile::Direction::kTmsToTerminal
                                                               : profile::Direction::kTerminalToTms) {}

Result<Bytes, ResponseCode> SecureChannel::seal(MsgType type, ByteView payload) {
  TMS_TRY(Bytes body, profile::seal(profile_, keys_, sending_, type, id_, tx_seq_, payload));
  ++tx_seq_;  // REQ-DL-002
  return body;
}

Result<Bytes, ResponseCode> SecureChannel::open(ByteView body) {
  TMS_TRY(codec::Envelope e, profile::verify(profile_, keys_, receiving_, body));
  if (e.id != id_) return fail(ResponseCode::kIdentityMismatch);  // REQ-MSG-020
  if (e.seq != rx_seq_) return fail(ResponseCode::kSequenceError);  // REQ-DL-002
  TMS_TRY(Bytes payload, profile::decrypt(profile_, keys_, receiving_, e));
  ++rx_seq_;
  return payload;
}

}  // namespace tmsproto::session
