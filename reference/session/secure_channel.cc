#include "session/secure_channel.h"

#include "common/try.h"

namespace tmsproto::session {

SecureChannel::SecureChannel(Profile p, profile::DownloadKeys keys, codec::Identity id,
                             profile::Direction sending, std::uint64_t tdes_block_limit)
    : profile_(p),
      keys_(std::move(keys)),
      id_(std::move(id)),
      sending_(sending),
      receiving_(sending == profile::Direction::kTerminalToTms ? profile::Direction::kTmsToTerminal
                                                               : profile::Direction::kTerminalToTms),
      tdes_block_limit_(tdes_block_limit) {}

Result<Bytes, ResponseCode> SecureChannel::seal(MsgType type, ByteView payload) {
  // The envelope's CT is the payload padded by ISO/IEC 9797-1 method 2 (REQ-CRYPTO-005): the
  // 0x80 marker always adds one octet, so it takes floor(len / block) + 1 cipher blocks.
  const std::uint64_t ct_blocks = payload.size() / block_length(profile_) + 1;
  if (profile_ == Profile::kTdes && sealed_blocks_ + ct_blocks > tdes_block_limit_) {
    return fail(ResponseCode::kResourceLimit);  // REQ-CRYPTO-026
  }
  TMS_TRY(Bytes body, profile::seal(profile_, keys_, sending_, type, id_, tx_seq_, payload));
  sealed_blocks_ += ct_blocks;  // REQ-CRYPTO-026: counted per direction, this side's only
  ++tx_seq_;  // REQ-DL-002
  return body;
}

Result<Bytes, ResponseCode> SecureChannel::open(ByteView body, bool verify_mac, bool check_seq) {
  auto verified = profile::verify(profile_, keys_, receiving_, body);  // REQ-SEC-011: the MAC first
  // fault skip-envelope-mac violates REQ-MSG-070: the envelope taken whatever its MAC says
  if (!verify_mac && !verified.ok() && verified.error() == ResponseCode::kMacFailed) {
    if (auto parsed = codec::parse_envelope(body, profile_); parsed.ok()) verified = std::move(parsed).value();
  }
  TMS_TRY(codec::Envelope e, std::move(verified));
  if (e.id != id_) return fail(ResponseCode::kIdentityMismatch);  // REQ-MSG-020
  // fault accept-any-seq violates REQ-DL-002: any SEQ taken
  if (e.seq != rx_seq_ && check_seq) return fail(ResponseCode::kSequenceError);  // REQ-DL-002
  const std::uint64_t ct_blocks = e.ct.size() / block_length(profile_);
  if (profile_ == Profile::kTdes && received_blocks_ + ct_blocks > tdes_block_limit_) {
    return fail(ResponseCode::kResourceLimit);  // REQ-CRYPTO-026: the sender went past the bound
  }
  TMS_TRY(Bytes payload, profile::decrypt(profile_, keys_, receiving_, e));
  received_blocks_ += ct_blocks;
  ++rx_seq_;
  return payload;
}

}  // namespace tmsproto::session
