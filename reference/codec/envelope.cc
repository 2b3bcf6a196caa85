#include "codec/envelope.h"

#include "common/try.h"

namespace tmsproto::codec {

Parsed<Envelope> parse_envelope(ByteView body, Profile profile) {
  TMS_TRY(MsgType type, peek_type(body));
  if (!is_enveloped(type)) return malformed("MSG_TYPE");
  Reader r(body);
  Envelope e;
  e.type = type;
  TMS_TRY(e.id, read_header(r, type));
  TMS_TRY(e.seq, r.u32("SEQ"));
  TMS_TRY(std::uint16_t ct_len, r.u16("CT_LEN"));
  const std::size_t b = block_length(profile);
  const std::size_t m = mac_length(profile);
  if (ct_len == 0 || ct_len % b != 0 || ct_len > kMaxBody - kEnvelopeCtOffset - m) {
    return fail(ParseError{ResponseCode::kMacFailed, "CT_LEN"});  // REQ-MSG-070
  }
  TMS_TRY(ByteView ct, r.bytes(ct_len, "CT"));
  e.ct.assign(ct.begin(), ct.end());
  TMS_TRY(ByteView mac, r.bytes(m, "MAC"));
  e.mac.assign(mac.begin(), mac.end());
  TMS_CHECK(r.expect_end());
  return e;
}

Bytes serialize(const Envelope& e) {
  Writer w;
  write_header(w, e.type, e.id);
  w.u32(e.seq);
  w.u16(static_cast<std::uint16_t>(e.ct.size()));
  w.bytes(e.ct);
  w.bytes(e.mac);
  return std::move(w).take();
}

}  // namespace tmsproto::codec
