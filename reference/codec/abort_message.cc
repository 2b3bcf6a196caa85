#include "codec/abort_message.h"

#include "codec/fields.h"
#include "common/try.h"
#include "protocol/constants.h"

namespace tmsproto::codec {

Parsed<Abort> parse_abort(ByteView body) {
  Reader r(body);
  TMS_TRY(std::uint8_t type, r.u8("MSG_TYPE"));
  if (type != static_cast<std::uint8_t>(MsgType::kAbort)) return malformed("MSG_TYPE");
  TMS_TRY(std::uint8_t version, r.u8("VERSION"));
  if (version != kProtocolVersion) return fail(ParseError{ResponseCode::kUnsupportedVersion, "VERSION"});
  Abort m;
  TMS_TRY(m.code, read_response_code(r, "RC"));
  if (m.code == ResponseCode::kSuccess) return malformed("RC");  // REQ-MSG-110
  TMS_CHECK(r.expect_end());
  return m;
}

Bytes serialize(const Abort& m) {
  Writer w;
  w.u8(static_cast<std::uint8_t>(MsgType::kAbort));
  w.u8(kProtocolVersion);
  write_response_code(w, m.code);
  return std::move(w).take();
}

}  // namespace tmsproto::codec
