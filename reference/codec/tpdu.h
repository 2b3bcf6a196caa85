// The link header a link may carry in front of every body (spec/02-transport.md section 2.5): the
// ISO 8583 POS TPDU that network access controllers (NACs) of UnionPay estates route by,
//   TPDU_ID (1, 0x60) | DEST_NII (2, N) | SRC_NII (2, N)
// It is configuration of both ends (REQ-FRAME-030), lives inside the framings, and never reaches the
// protocol layer (REQ-FRAME-035).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "codec/parse_error.h"
#include "codec/reader.h"
#include "codec/writer.h"
#include "common/bytes.h"
#include "protocol/constants.h"

namespace tmsproto::codec {

inline constexpr std::uint8_t kTpduId = 0x60;   // REQ-FRAME-030: a transaction TPDU
inline constexpr std::size_t kTpduLength = 5;   // TPDU_ID, DEST_NII, SRC_NII

// Whether a link carries a TPDU: configured at both ends, never negotiated (REQ-FRAME-030).
enum class LinkHeader : std::uint8_t { kNone, kTpdu };

inline constexpr std::size_t header_length(LinkHeader h) { return h == LinkHeader::kTpdu ? kTpduLength : 0; }

// REQ-FRAME-032: the bounds of a frame's LEN, the body bounds shifted by the header.
inline constexpr std::size_t min_frame_len(LinkHeader h) { return kMinBody + header_length(h); }
inline constexpr std::size_t max_frame_len(LinkHeader h) { return kMaxBody + header_length(h); }

// An NII as it travels: two octets. What this end writes is four packed-BCD digits (REQ-FRAME-031);
// what arrives is whatever the peer or a NAC put there, and is never judged.
using Nii = std::array<std::uint8_t, 2>;

// The NII of a number 0..9999 as four BCD digits (NII 3 -> 00 03, NII 800 -> 08 00); nullopt above.
std::optional<Nii> nii_from_number(unsigned number);
// Whether both octets are packed BCD: what a configured NII must be (REQ-FRAME-031).
bool is_bcd_nii(const Nii& nii);

struct Tpdu {
  Nii destination{};
  Nii source{};
  bool operator==(const Tpdu&) const = default;

  // The addresses of an answer to this frame (REQ-FRAME-034).
  Tpdu swapped() const { return Tpdu{source, destination}; }
};

// Reads TPDU_ID, which must be 0x60 (01, field "TPDU_ID"), and the two NIIs, whatever their octets
// hold (REQ-FRAME-031). Fails with "TPDU" when fewer than five octets remain, which the framings'
// LEN bounds rule out before it is called (REQ-FRAME-032).
Parsed<Tpdu> parse_tpdu(Reader& r);
void write_tpdu(Writer& w, const Tpdu& t);

// How one end fills the TPDU of what it sends.
struct TpduConfig {
  // Terminal: DEST_NII the TMS's, SRC_NII its own (REQ-FRAME-033). TMS: what it sends before it has
  // accepted a frame on the connection (REQ-FRAME-034). Both NIIs valid BCD (is_bcd_nii).
  Tpdu tpdu;
  // The TMS's end: answer with the NIIs of the last accepted frame swapped (REQ-FRAME-034).
  bool answer_swapped = false;

  static TpduConfig terminal(const Tpdu& t) { return TpduConfig{t, false}; }
  static TpduConfig tms(const Tpdu& t) { return TpduConfig{t, true}; }

  // The TPDU of the next frame this end sends, given the last frame it accepted on the link.
  Tpdu outgoing(const std::optional<Tpdu>& last_accepted) const;
};

}  // namespace tmsproto::codec
