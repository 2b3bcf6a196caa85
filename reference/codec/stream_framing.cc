#include "codec/stream_framing.h"

#include "codec/reader.h"
#include "codec/writer.h"
#include "protocol/constants.h"

namespace tmsproto::codec {

Bytes frame_for_stream(ByteView body) {
  Writer w;
  w.u16(static_cast<std::uint16_t>(body.size()));  // REQ-FRAME-002
  w.bytes(body);
  return std::move(w).take();
}

Bytes frame_for_stream(const Tpdu& tpdu, ByteView body) {
  Writer w;
  w.u16(static_cast<std::uint16_t>(kTpduLength + body.size()));  // REQ-FRAME-032: TPDU + body
  write_tpdu(w, tpdu);                                             // REQ-FRAME-030
  w.bytes(body);
  return std::move(w).take();
}

void StreamDeframer::feed(ByteView received) {
  if (failed_) return;
  buffer_.insert(buffer_.end(), received.begin(), received.end());
}

Unexpected<ParseError> StreamDeframer::refuse(std::string_view field) {
  failed_ = field;
  buffer_.clear();
  return malformed(field);
}

Parsed<std::optional<Bytes>> StreamDeframer::next() {
  if (failed_) return malformed(*failed_);
  if (buffer_.size() < 2) return std::optional<Bytes>{};
  const std::size_t len = (std::size_t{buffer_[0]} << 8) | buffer_[1];
  // REQ-FRAME-001, REQ-FRAME-032: refuse before reading the body; with a TPDU the bounds are those
  // of the body plus five, so a frame too short for a TPDU is refused here.
  if (len < min_frame_len(header_) || len > max_frame_len(header_)) return refuse("LEN");
  // REQ-FRAME-036: a wrong TPDU_ID is refused as soon as it arrives, before the rest of the frame.
  if (header_ == LinkHeader::kTpdu && buffer_.size() > 2 && buffer_[2] != kTpduId) return refuse("TPDU_ID");
  if (buffer_.size() < 2 + len) return std::optional<Bytes>{};  // REQ-FRAME-003
  Reader r(ByteView(buffer_).subspan(2, len));
  if (header_ == LinkHeader::kTpdu) {
    auto tpdu = parse_tpdu(r);  // REQ-FRAME-035: removed here, never seen by the protocol layer
    if (!tpdu.ok()) return refuse(tpdu.error().field);
    last_tpdu_ = *tpdu;
  }
  // REQ-FRAME-020: the body goes up whole and unexamined; every body rule is the protocol layer's.
  // REQ-FRAME-038: on a link without a TPDU, octets that look like one are body like any other.
  auto body = r.bytes(r.remaining(), "BODY");
  if (!body.ok()) return refuse(body.error().field);
  Bytes out(body->begin(), body->end());
  buffer_.erase(buffer_.begin(), buffer_.begin() + 2 + static_cast<std::ptrdiff_t>(len));
  return std::optional<Bytes>{std::move(out)};
}

}  // namespace tmsproto::codec
