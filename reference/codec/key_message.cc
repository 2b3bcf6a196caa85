#include "codec/key_message.h"

#include "common/try.h"

namespace tmsproto::codec {
namespace {

Parsed<KeyEntry> read_entry(Reader& r, Profile profile) {
  KeyEntry e;
  TMS_TRY(e.slot, r.u8("SLOT"));
  TMS_TRY(std::uint8_t kcv_len, r.u8("KCV_LEN"));
  if (kcv_len != 3 && kcv_len != 5) return malformed("KCV_LEN");  // REQ-MSG-061
  TMS_TRY(ByteView kcv, r.bytes(kcv_len, "KCV"));
  e.kcv.assign(kcv.begin(), kcv.end());
  TMS_TRY(std::uint16_t block_len, r.u16("BLOCK_LEN"));
  if (block_len < 8 || block_len > 512) return malformed("BLOCK_LEN");
  if (profile == Profile::kLegacy && block_len % 8 != 0) return malformed("BLOCK_LEN");
  TMS_TRY(ByteView block, r.bytes(block_len, "KEY_BLOCK"));
  e.key_block.assign(block.begin(), block.end());
  return e;
}

}  // namespace

Parsed<KeyMessage> parse_key_message(ByteView body, Profile profile) {
  Reader r(body);
  KeyMessage m;
  TMS_TRY(m.id, read_header(r, MsgType::kKeyMessage));
  TMS_TRY(ByteView trans, r.bytes(2, "TRANS_CODE"));
  if (trans[0] != '0' || (trans[1] != '1' && trans[1] != '2')) return malformed("TRANS_CODE");
  m.trans = trans[1] == '1' ? TransCode::kKeyDownload : TransCode::kProgramDownload;
  TMS_TRY(ResponseCode rc, read_response_code(r, "RETURN_CODE"));
  if (rc != ResponseCode::kSuccess) return malformed("RETURN_CODE");
  TMS_TRY(std::uint8_t count, r.u8("KEY_COUNT"));
  // REQ-MSG-060: 1..8 entries; a program download carries the DSK alone.
  if (count < 1 || count > kMaxKeyEntries) return malformed("KEY_COUNT");
  if (m.trans == TransCode::kProgramDownload && count != 1) return malformed("KEY_COUNT");  // REQ-MSG-060
  if (m.trans == TransCode::kKeyDownload && count < 2) return malformed("KEY_COUNT");  // REQ-MSG-060: a key
  for (std::uint8_t i = 0; i < count; ++i) {
    TMS_TRY(KeyEntry e, read_entry(r, profile));
    // REQ-MSG-060: the DSK first and only first; then strictly increasing slots.
    const bool slot_ok = i == 0 ? e.slot == kDskSlot
                                : (e.slot != 0xff && e.slot > m.entries.back().slot);
    if (!slot_ok) return malformed("SLOT");
    m.entries.push_back(std::move(e));
  }
  TMS_TRY(ByteView mac, r.bytes(mac_length(profile), "KEY_MAC"));
  m.key_mac.assign(mac.begin(), mac.end());
  TMS_CHECK(r.expect_end());
  return m;
}

Bytes serialize(const KeyMessage& m) {
  Writer w;
  write_header(w, MsgType::kKeyMessage, m.id);
  w.u8('0');
  w.u8(m.trans == TransCode::kKeyDownload ? '1' : '2');
  write_response_code(w, ResponseCode::kSuccess);
  w.u8(static_cast<std::uint8_t>(m.entries.size()));
  for (const KeyEntry& e : m.entries) {
    w.u8(e.slot);
    w.u8(static_cast<std::uint8_t>(e.kcv.size()));
    w.bytes(e.kcv);
    w.u16(static_cast<std::uint16_t>(e.key_block.size()));
    w.bytes(e.key_block);
  }
  w.bytes(m.key_mac);
  return std::move(w).take();
}

}  // namespace tmsproto::codec
