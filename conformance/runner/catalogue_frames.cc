// The scenarios below the message layer (spec/02-transport.md sections 2.2 and 2.3): the suite's
// TMS keeps every body honest and changes only how its frames go on the wire — a LEN out of range
// with no body, a frame written in pieces, half a frame and a half-close — through the listener's
// hook under the framing (net/wire_hook.h). The raw octets are the stream framing's, so these run
// over TCP; a serial run SKIPs them (REQ-CONF-008).
#include "conformance/runner/catalogue.h"

namespace tmsproto::conformance {
namespace {

inline constexpr std::size_t kEvery = static_cast<std::size_t>(-1);

// The `nth` message of a type in `types` (every one with kEvery), its body unchanged, on the wire
// as `w` says.
Change on_wire(std::vector<MsgType> types, std::size_t nth, WireChange w) {
  return [types, nth, w](MsgType t, std::size_t n, ByteView body, const Forgery&) -> std::optional<Replacement> {
    if (body.empty() || (nth != kEvery && n != nth)) return std::nullopt;
    for (MsgType type : types) {
      if (type == t) return Replacement{{Bytes(body.begin(), body.end())}, false, w};
    }
    return std::nullopt;
  };
}

WireChange octets_instead(Bytes octets) {
  WireChange w;
  w.octets = std::move(octets);
  return w;
}

WireChange in_pieces(WireChange::Split split, std::int64_t pause_ms) {
  WireChange w;
  w.split = split;
  w.pause_ms = pause_ms;
  return w;
}

// The session completes, and every octet the terminal sent was in a whole frame (REQ-FRAME-002).
Expectation completes_in_whole_frames() {
  Expectation e = completes();
  e.whole_frames = true;
  return e;
}

const std::vector<MsgType> kTmsMessages = {MsgType::kHsAuthRequest, MsgType::kKeyMessage, MsgType::kPkgConfirm,
                                           MsgType::kFrameResponse, MsgType::kSessionEndAck};

}  // namespace

void add_frame_scenarios(std::vector<Scenario>& all) {
  // REQ-FRAME-001: a LEN outside MIN_BODY..MAX_BODY is refused from the LEN alone. The suite sends
  // the LEN and nothing after it: a terminal that waits for the body instead hears nothing more and
  // ends by its T_RESPONSE with ABORT 23, which is not the 01 expected.
  all.push_back({"frame.len_above_max_body",
                 {"REQ-FRAME-001"},
                 Level::kMust,
                 "in place of HS_AUTH_REQUEST's frame the suite sends the LEN 8193 (0x2001) and no body: the terminal "
                 "ends the session with ABORT 01 at once, without waiting for 8193 octets",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kMalformed,
                                 "REQ-FRAME-001: a LEN above MAX_BODY is refused before the body is read"),
                          on_wire({MsgType::kHsAuthRequest}, 0, octets_instead({0x20, 0x01})))},
                 Scenario::Framing::kStream});
  all.push_back({"frame.len_below_min_body",
                 {"REQ-FRAME-001"},
                 Level::kMust,
                 "in place of HS_AUTH_REQUEST's frame the suite sends the LEN 1 (below MIN_BODY, 4) and no body: the "
                 "terminal ends the session with ABORT 01 at once, without waiting for the octet",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kMalformed,
                                 "REQ-FRAME-001: a LEN below MIN_BODY is refused before the body is read"),
                          on_wire({MsgType::kHsAuthRequest}, 0, octets_instead({0x00, 0x01})))},
                 Scenario::Framing::kStream});
  // REQ-FRAME-003: frames from any split of the stream. A terminal that acts on part of a body
  // refuses it (01, or 11 for a TAC it computed over half of it) instead of completing.
  Publication small;
  small.length = 3000;
  all.push_back({"frame.written_octet_by_octet",
                 {"REQ-FRAME-003", "REQ-FRAME-002"},
                 Level::kMust,
                 "an honest program download in which the suite writes every frame one octet per write: the terminal "
                 "reassembles each and completes, and every octet it sends is in a whole frame, nothing after its last",
                 std::nullopt,
                 {program({small}, completes_in_whole_frames(),
                          on_wire(kTmsMessages, kEvery, in_pieces(WireChange::Split::kOctets, 0)))},
                 Scenario::Framing::kStream});
  all.push_back({"frame.key_octet_by_octet_paced",
                 {"REQ-FRAME-003", "REQ-FRAME-002"},
                 Level::kMust,
                 "an honest key download in which the suite writes HS_AUTH_REQUEST and KEY_MESSAGE one octet every "
                 "2 ms: the terminal reassembles each from its many reads and completes",
                 std::nullopt,
                 {key(completes_in_whole_frames(), on_wire({MsgType::kHsAuthRequest, MsgType::kKeyMessage}, 0,
                                                          in_pieces(WireChange::Split::kOctets, 2)))},
                 Scenario::Framing::kStream});
  all.push_back({"frame.split_one_second",
                 {"REQ-FRAME-003", "REQ-FRAME-002"},
                 Level::kMust,
                 "an honest program download in which the suite writes HS_AUTH_REQUEST's frame in two halves 1 s "
                 "apart: the terminal does not act on the first half and completes",
                 std::nullopt,
                 {program({small}, completes_in_whole_frames(),
                          on_wire({MsgType::kHsAuthRequest}, 0, in_pieces(WireChange::Split::kHalves, 1000)))},
                 Scenario::Framing::kStream});
  // REQ-FRAME-004: a stream that closes in a frame is CONN_LOST (a half-close too: spec/02-transport.md,
  // tmsproto decision under REQ-FRAME-004); a terminal that took the half frame for a body would
  // answer it with ABORT 01 (row T12).
  WireChange half_then_fin = in_pieces(WireChange::Split::kHalves, 0);
  half_then_fin.first_half_only = true;
  half_then_fin.half_close = true;
  all.push_back({"frame.half_close_in_frame",
                 {"REQ-FRAME-004"},
                 Level::kMust,
                 "the suite writes the first half of KEY_MESSAGE's frame, then half-closes the connection (a FIN) and "
                 "reads on: the terminal sends nothing more (a connection loss, not a message); in the next session "
                 "it downloads the keys from the start and completes",
                 std::nullopt,
                 {key(silent("REQ-FRAME-004: a stream that closes with a partial frame buffered is CONN_LOST, never a "
                             "message"),
                      on_wire({MsgType::kKeyMessage}, 0, half_then_fin)),
                  key(completes())},
                 Scenario::Framing::kStream});
}

}  // namespace tmsproto::conformance
