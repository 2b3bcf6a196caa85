// Framing over a reliable byte stream (spec/02-transport.md section 2.2): LEN (2, big-endian) ||
// BODY. Pure: the edge feeds whatever its socket read returned and takes out whole bodies; the
// protocol layer sees only bodies, whichever framing carried them (REQ-FRAME-020).
#pragma once

#include <optional>

#include "codec/parse_error.h"
#include "common/bytes.h"

namespace tmsproto::codec {

// REQ-FRAME-002. Precondition: kMinBody <= body.size() <= kMaxBody.
Bytes frame_for_stream(ByteView body);

class StreamDeframer {
 public:
  // Appends received octets. The edge calls next() until it yields nullopt after each feed, so the
  // buffer holds at most one unfinished frame plus one read.
  void feed(ByteView received);

  // REQ-FRAME-003: a whole body when one has arrived, nullopt while more octets are needed, or an
  // error (01) for a LEN outside kMinBody..kMaxBody, detected before the body is read or stored
  // (REQ-FRAME-001). After an error the deframer stays failed.
  Parsed<std::optional<Bytes>> next();

  // Octets of an unfinished frame at end of stream mean the connection was lost.
  bool has_partial_frame() const {
    return !buffer_.empty();  // REQ-FRAME-004: the edge then reports CONN_LOST, not a message
  }

 private:
  Bytes buffer_;
  bool failed_ = false;
};

}  // namespace tmsproto::codec
