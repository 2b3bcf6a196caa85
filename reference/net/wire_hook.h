// A hook under the framing, for the conformance suite only (spec/conformance.md; REQ-FRAME-001 to
// REQ-FRAME-004, REQ-FRAME-011 to REQ-FRAME-013): the suite must put on the wire what no honest
// framing writes (a LEN with no body, a frame in pieces, half a frame and a half-close) and see
// every octet the peer sent, framed or not. The engines stay sans-I/O and the framings stay
// honest: the hook reshapes what the link framed just before it is written, and watches what is
// read before the link deframes it. Without a hook nothing changes (tmsproto serve has none).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "common/bytes.h"

namespace tmsproto::net {

struct WirePiece {
  Bytes octets;
  std::int64_t pause_before_ms = 0;  // written this long after the piece before it
};

// How one write goes on the wire: its pieces in order, each a write of its own; then, with
// `half_close`, the sending side is shut down (a TCP FIN) while reading goes on.
struct WireShape {
  std::vector<WirePiece> pieces;
  bool half_close = false;
};

struct WireHook {
  // Asked before each write with the octets the link framed: nullopt writes them as they are, a
  // shape with no pieces writes nothing (a serial ACK the suite withholds).
  std::function<std::optional<WireShape>(const Bytes& framed)> shape;
  // Told every octet read from the peer, as read, with the monotonic time of the read.
  std::function<void(ByteView octets, std::int64_t at_ms)> seen;
};

}  // namespace tmsproto::net
