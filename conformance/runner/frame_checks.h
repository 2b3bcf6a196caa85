// REQ-FRAME-002, REQ-FRAME-010: what the terminal put on the wire below its messages, judged from
// the octets as the suite read them (ScenarioEngine::raw_in): every octet belongs to a whole frame
// of a message it sent (on a serial line, or is an ACK or NAK), and nothing follows its last frame.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "codec/tpdu.h"
#include "conformance/runner/scenario_tms.h"
#include "conformance/runner/session_checks.h"

namespace tmsproto::conformance {

// The 5 octets of a TPDU as they go on the wire (REQ-FRAME-030): 60, DEST_NII, SRC_NII; none for nullopt.
Bytes tpdu_octets(const std::optional<codec::Tpdu>& t);

// `tpdu`: the 5 octets the terminal is configured to put in front of every body (REQ-FRAME-030,
// REQ-FRAME-033), which each of its frames must then carry exactly; empty: a link without one.
std::optional<Mismatch> check_whole_frames(const std::vector<RawRead>& raw, const std::vector<WireMessage>& wire,
                                           bool serial, const Bytes& tpdu = {});

// One unit of a serial line's octets: an ACK, a NAK, a good frame (STX, BCD LEN, body, ETX, LRC),
// or an octet that is none of them; `first` and `last` index its octets.
struct SerialUnit {
  enum class Kind { kAck, kNak, kFrame, kOther };
  Kind kind = Kind::kOther;
  Bytes body;
  std::size_t first = 0;
  std::size_t last = 0;
};
std::vector<SerialUnit> serial_units(ByteView octets);

// REQ-FRAME-011, REQ-FRAME-013: one ACK for every good frame the suite wrote (each copy of a frame
// sent twice too), and `naks` NAKs.
std::optional<Mismatch> check_link_replies(const std::vector<RawRead>& raw, std::size_t good_frames_written,
                                           std::size_t naks);

// REQ-FRAME-012 (spec/02-transport.md, tmsproto decision on its tolerance): with no ACK from the
// suite the terminal sends its frame three times in all, each resend from kResendEarliestMs to
// kResendLatestMs after the end of the copy before it, and then nothing.
inline constexpr std::int64_t kResendEarliestMs = 1'500;
inline constexpr std::int64_t kResendLatestMs = 3'000;
// How long the suite watches the line after the terminal's first frame: past the 6 s a terminal
// takes to give up, so that a fourth copy or an ABORT after it is seen.
inline constexpr std::int64_t kResendWatchMs = 9'000;
std::optional<Mismatch> check_resends(const std::vector<RawRead>& raw);

}  // namespace tmsproto::conformance
