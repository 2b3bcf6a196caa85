// One interface over the two framings of spec/02-transport.md, so that a connection driver handles
// a TCP stream and a serial line alike: bodies in, octets out. Pure: no socket, no timer; the serial
// link asks its edge to arm the 2-second ACK timer and is told when it expired.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "codec/tpdu.h"
#include "common/bytes.h"

namespace tmsproto::net {

struct LinkOutput {
  Bytes write;                // octets for the wire: frames, and on a serial line ACK / NAK
  std::vector<Bytes> bodies;  // whole bodies received, in order
  bool malformed = false;     // a framing error (REQ-FRAME-001, REQ-FRAME-036, REQ-FRAME-037)
  bool lost = false;          // the serial link gave up resending (REQ-FRAME-012)
  bool arm_link_timer = false;  // a serial frame was (re)sent: its ACK timer starts now
};

class FrameLink {
 public:
  virtual ~FrameLink() = default;
  // Precondition: kMinBody <= body.size() <= kMaxBody (the engines never send anything else).
  virtual LinkOutput send(ByteView body) = 0;
  virtual LinkOutput receive(ByteView octets) = 0;
  virtual LinkOutput link_timeout() = 0;
  // REQ-FRAME-004: octets of an unfinished frame are buffered.
  virtual bool has_partial_frame() const = 0;
  // Every frame sent has been handed to the wire and, on a serial line, acknowledged.
  virtual bool settled() const = 0;
  // How long the serial ACK timer runs, in milliseconds (0: the link has none).
  virtual int link_timer_ms() const = 0;
};

// Stream framing (REQ-FRAME-002), with the TPDU of section 2.5 when `tpdu` is configured.
std::unique_ptr<FrameLink> stream_link(std::optional<codec::TpduConfig> tpdu = std::nullopt);
// Serial framing (REQ-FRAME-010) with ACK / NAK and resends (REQ-FRAME-012).
std::unique_ptr<FrameLink> serial_link(std::optional<codec::TpduConfig> tpdu = std::nullopt);

}  // namespace tmsproto::net
