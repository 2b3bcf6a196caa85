// The common header of every message but ABORT (spec/03-messages.md section 3.3, REQ-MSG-020).
#pragma once

#include <cstdint>
#include <string>

#include "codec/fields.h"
#include "protocol/constants.h"

namespace tmsproto::codec {

// VENDOR_ID (厂商标识), MODEL_ID (终端型号标识), SERIAL_NO (终端硬件序列号), without their 0x20 fill.
struct Identity {
  std::string vendor_id;
  std::string model_id;
  std::string serial_no;
  bool operator==(const Identity&) const = default;
};

bool valid_identity(const Identity& id);

// Reads MSG_TYPE (must be `expected`), VERSION (REQ-MSG-013: 03 when not 0x01) and the identity.
Parsed<Identity> read_header(Reader& r, MsgType expected);
void write_header(Writer& w, MsgType type, const Identity& id);

// The type octet of a body, before anything else is parsed (REQ-MSG-001).
Parsed<MsgType> peek_type(ByteView body);

}  // namespace tmsproto::codec
