#include "codec/stream_framing.h"

#include "codec/writer.h"
#include "protocol/constants.h"

namespace tmsproto::codec {

Bytes frame_for_stream(ByteView body) {
  Writer w;
  w.u16(static_cast<std::uint16_t>(body.size()));  // REQ-FRAME-002
  w.bytes(body);
  return std::move(w).take();
}

void StreamDeframer::feed(ByteView received) {
  if (failed_) return;
  buffer_.insert(buffer_.end(), received.begin(), received.end());
}

Parsed<std::optional<Bytes>> StreamDeframer::next() {
  if (failed_) return malformed("LEN");
  if (buffer_.size() < 2) return std::optional<Bytes>{};
  const std::size_t len = (std::size_t{buffer_[0]} << 8) | buffer_[1];
  if (len < kMinBody || len > kMaxBody) {  // REQ-FRAME-001: refuse before reading the body
    failed_ = true;
    buffer_.clear();
    return malformed("LEN");
  }
  if (buffer_.size() < 2 + len) return std::optional<Bytes>{};  // REQ-FRAME-003
  // REQ-FRAME-020: the body goes up whole and unexamined; every body rule is the protocol layer's.
  Bytes body(buffer_.begin() + 2, buffer_.begin() + 2 + static_cast<std::ptrdiff_t>(len));
  buffer_.erase(buffer_.begin(), buffer_.begin() + 2 + static_cast<std::ptrdiff_t>(len));
  return std::optional<Bytes>{std::move(body)};
}

}  // namespace tmsproto::codec
