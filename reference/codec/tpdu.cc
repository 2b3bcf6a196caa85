#include "codec/tpdu.h"

namespace tmsproto::codec {
namespace {

bool is_bcd(std::uint8_t b) { return (b >> 4) <= 9 && (b & 0x0f) <= 9; }

std::uint8_t bcd(unsigned v) { return static_cast<std::uint8_t>(((v / 10) << 4) | (v % 10)); }

}  // namespace

std::optional<Nii> nii_from_number(unsigned number) {
  if (number > 9999) return std::nullopt;  // REQ-FRAME-031: four digits
  return Nii{bcd(number / 100), bcd(number % 100)};
}

bool is_bcd_nii(const Nii& nii) { return is_bcd(nii[0]) && is_bcd(nii[1]); }

Parsed<Tpdu> parse_tpdu(Reader& r) {
  // REQ-FRAME-032: the framings' LEN bounds guarantee the five octets; checked here all the same.
  if (r.remaining() < kTpduLength) return malformed("TPDU");
  auto id = r.u8("TPDU_ID");
  if (!id.ok()) return fail(id.error());
  if (*id != kTpduId) return malformed("TPDU_ID");  // REQ-FRAME-036, REQ-FRAME-037
  // REQ-FRAME-031: the NIIs are taken as they are; a NAC may have rewritten them.
  auto dest = r.array<2>("DEST_NII");
  if (!dest.ok()) return fail(dest.error());
  auto src = r.array<2>("SRC_NII");
  if (!src.ok()) return fail(src.error());
  return Tpdu{*dest, *src};
}

void write_tpdu(Writer& w, const Tpdu& t) {
  w.u8(kTpduId);  // REQ-FRAME-030
  w.bytes(t.destination);
  w.bytes(t.source);
}

Tpdu TpduConfig::outgoing(const std::optional<Tpdu>& last_accepted) const {
  // REQ-FRAME-034: the TMS answers to where the last accepted frame came from.
  if (answer_swapped && last_accepted) return last_accepted->swapped();
  // REQ-FRAME-033: the terminal sends its configured addresses, never echoed ones.
  return tpdu;
}

}  // namespace tmsproto::codec
