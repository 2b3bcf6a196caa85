#include "codec/header.h"

#include "common/try.h"

namespace tmsproto::codec {

bool valid_identity(const Identity& id) {
  return valid_text(id.vendor_id, kVendorIdWidth, CharSet::kAn, Emptiness::kRequired) &&
         valid_text(id.model_id, kModelIdWidth, CharSet::kAns, Emptiness::kRequired) &&
         valid_text(id.serial_no, kSerialNoWidth, CharSet::kAns, Emptiness::kRequired);
}

Parsed<Identity> read_header(Reader& r, MsgType expected) {
  TMS_TRY(std::uint8_t type, r.u8("MSG_TYPE"));
  if (type != static_cast<std::uint8_t>(expected)) return malformed("MSG_TYPE");
  TMS_TRY(std::uint8_t version, r.u8("VERSION"));
  if (version != kProtocolVersion) {
    return fail(ParseError{ResponseCode::kUnsupportedVersion, "VERSION"});  // REQ-MSG-013
  }
  Identity id;
  TMS_TRY(id.vendor_id, read_text(r, kVendorIdWidth, CharSet::kAn, Emptiness::kRequired, "VENDOR_ID"));
  TMS_TRY(id.model_id, read_text(r, kModelIdWidth, CharSet::kAns, Emptiness::kRequired, "MODEL_ID"));
  TMS_TRY(id.serial_no,
          read_text(r, kSerialNoWidth, CharSet::kAns, Emptiness::kRequired, "SERIAL_NO"));
  return id;
}

void write_header(Writer& w, MsgType type, const Identity& id) {
  w.u8(static_cast<std::uint8_t>(type));
  w.u8(kProtocolVersion);
  write_text(w, id.vendor_id, kVendorIdWidth);
  write_text(w, id.model_id, kModelIdWidth);
  write_text(w, id.serial_no, kSerialNoWidth);
}

Parsed<MsgType> peek_type(ByteView body) {
  if (body.empty()) return malformed("MSG_TYPE");
  auto type = msg_type_from_octet(body[0]);
  if (!type) return malformed("MSG_TYPE");  // REQ-MSG-001
  return *type;
}

}  // namespace tmsproto::codec
