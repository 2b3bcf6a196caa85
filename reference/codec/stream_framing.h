// Framing over a reliable byte stream (spec/02-transport.md section 2.2): LEN (2, big-endian) ||
// BODY, or LEN || TPDU || BODY on a link configured with a TPDU (section 2.5). Pure: the edge feeds
// whatever its socket read returned and takes out whole bodies; the protocol layer sees only
// bodies, whichever framing carried them and whether or not a TPDU did (REQ-FRAME-020,
// REQ-FRAME-035).
#pragma once

#include <optional>
#include <string_view>

#include "codec/parse_error.h"
#include "codec/tpdu.h"
#include "common/bytes.h"

namespace tmsproto::codec {

// REQ-FRAME-002. Precondition: kMinBody <= body.size() <= kMaxBody.
Bytes frame_for_stream(ByteView body);
// REQ-FRAME-030, REQ-FRAME-032: LEN counts the TPDU and the body. Same precondition.
Bytes frame_for_stream(const Tpdu& tpdu, ByteView body);

class StreamDeframer {
 public:
  // Whether the link carries a TPDU is configuration, never inferred (REQ-FRAME-030, REQ-FRAME-038).
  explicit StreamDeframer(LinkHeader header = LinkHeader::kNone) : header_(header) {}

  // Appends received octets. The edge calls next() until it yields nullopt after each feed, so the
  // buffer holds at most one unfinished frame plus one read.
  void feed(ByteView received);

  // REQ-FRAME-003: a whole body when one has arrived, nullopt while more octets are needed, or an
  // error (01) for a LEN outside its bounds (field "LEN", REQ-FRAME-001, REQ-FRAME-032), detected
  // before the body is read or stored, or for a TPDU_ID other than 0x60 (field "TPDU_ID",
  // REQ-FRAME-036), detected as soon as that octet is in. After an error the deframer stays failed.
  Parsed<std::optional<Bytes>> next();

  // Octets of an unfinished frame at end of stream mean the connection was lost.
  bool has_partial_frame() const {
    return !buffer_.empty();  // REQ-FRAME-004: the edge then reports CONN_LOST, not a message
  }

  // The TPDU of the last frame yielded, on a link that carries one: what the TMS's end answers to
  // (TpduConfig::outgoing, REQ-FRAME-034).
  const std::optional<Tpdu>& last_tpdu() const { return last_tpdu_; }

 private:
  Unexpected<ParseError> refuse(std::string_view field);

  LinkHeader header_;
  Bytes buffer_;
  std::optional<std::string_view> failed_;  // the field that failed, once one has
  std::optional<Tpdu> last_tpdu_;
};

}  // namespace tmsproto::codec
