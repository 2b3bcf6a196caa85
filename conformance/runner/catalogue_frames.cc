// The scenarios below the message layer (spec/02-transport.md sections 2.2 and 2.3): the suite's
// TMS keeps every body honest and changes only how its frames go on the wire — a LEN out of range
// with no body, a frame written in pieces, half a frame and a half-close — through the listener's
// hook under the framing (net/wire_hook.h). The raw octets of the first group are the stream
// framing's, so they run over TCP; those of the second (section 2.3: LRC, BCD length, ETX, ACK,
// NAK, resends) the serial framing's, run with --serial DEVICE; each SKIPs in the other run.
#include "conformance/runner/catalogue.h"

#include "codec/serial_link.h"

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

// The change `first` makes, or where it makes none, the one `second` makes.
Change either(Change first, Change second) {
  return [first, second](MsgType t, std::size_t n, ByteView body, const Forgery& f) -> std::optional<Replacement> {
    if (auto r = first(t, n, body, f)) return r;
    return second(t, n, body, f);
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

// A serial frame (STX, BCD LEN, body, ETX, LRC) rewritten by `edit`, HS_AUTH_REQUEST's by default.
Change serial_frame(std::function<Bytes(const Bytes&)> edit, MsgType type = MsgType::kHsAuthRequest) {
  WireChange w;
  w.rewrite = std::move(edit);
  return on_wire({type}, 0, w);
}

// The session completes, every good frame the suite wrote was ACKed and `naks` NAKs were sent.
Expectation completes_over_line(std::size_t naks) {
  Expectation e = completes_in_whole_frames();
  e.naks = naks;
  return e;
}

const std::vector<MsgType> kTmsMessages = {MsgType::kHsAuthRequest, MsgType::kKeyMessage, MsgType::kPkgConfirm,
                                           MsgType::kFrameResponse, MsgType::kSessionEndAck};

}  // namespace

void add_serial_frame_scenarios(std::vector<Scenario>& all);

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
  all.back().link = Scenario::Link::kPlain;  // REQ-FRAME-032: 8193 is in range on a TPDU link (tpdu.len_8198)
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
                 "an honest key download in which the suite writes HS_AUTH_REQUEST one octet every 1 ms and "
                 "KEY_MESSAGE one octet per write: the terminal reassembles each from its many reads and completes",
                 std::nullopt,
                 {key(completes_in_whole_frames(),
                      either(on_wire({MsgType::kHsAuthRequest}, 0, in_pieces(WireChange::Split::kOctets, 1)),
                             on_wire({MsgType::kKeyMessage}, 0, in_pieces(WireChange::Split::kOctets, 0))))},
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

  add_serial_frame_scenarios(all);
}

void add_serial_frame_scenarios(std::vector<Scenario>& all) {
  Publication small;
  small.length = 3000;
  // REQ-FRAME-010, REQ-FRAME-020: the honest sessions over the serial framing, judged as over TCP,
  // every octet the terminal sends an ACK, a NAK or a good frame, and one ACK per frame.
  all.push_back({"frame.serial.honest_program",
                 {"REQ-FRAME-010", "REQ-FRAME-011", "REQ-FRAME-020"},
                 Level::kMust,
                 "an honest program download over the serial line: the terminal frames every message with STX, BCD "
                 "length, ETX and LRC, ACKs each of the suite's frames, and completes as over TCP",
                 std::nullopt,
                 {program({small}, completes_over_line(0))},
                 Scenario::Framing::kSerial});
  all.push_back({"frame.serial.honest_key",
                 {"REQ-FRAME-010", "REQ-FRAME-011", "REQ-FRAME-020"},
                 Level::kMust,
                 "an honest key download over the serial line: STX frames only, one ACK per frame of the suite, and "
                 "the session completes as over TCP",
                 std::nullopt,
                 {key(completes_over_line(0))},
                 Scenario::Framing::kSerial});
  // REQ-FRAME-011: a refused frame is NAKed once, at the octet that refuses it; the suite's link
  // then resends the good frame, which the terminal ACKs and acts on. Each bad frame ends at its
  // refusing octet, so no octet after it could open a frame of its own.
  all.push_back({"frame.serial.wrong_lrc",
                 {"REQ-FRAME-011"},
                 Level::kMust,
                 "HS_AUTH_REQUEST's frame with a wrong LRC: the terminal answers NAK once, ACKs the good resend that "
                 "follows, and completes",
                 std::nullopt,
                 {program({small}, completes_over_line(1), serial_frame([](const Bytes& frame) {
                            Bytes bad = frame;
                            bad.back() ^= 0xFF;
                            return bad;
                          }))},
                 Scenario::Framing::kSerial});
  all.push_back({"frame.serial.non_bcd_length",
                 {"REQ-FRAME-011"},
                 Level::kMust,
                 "in place of HS_AUTH_REQUEST's frame STX and a length whose first octet is not BCD (0A): the terminal "
                 "answers NAK once, ACKs the good resend that follows, and completes",
                 std::nullopt,
                 {program({small}, completes_over_line(1),
                          serial_frame([](const Bytes&) { return Bytes{codec::kStx, 0x0A}; }))},
                 Scenario::Framing::kSerial});
  all.push_back({"frame.serial.missing_etx",
                 {"REQ-FRAME-011"},
                 Level::kMust,
                 "HS_AUTH_REQUEST's frame with 00 where its ETX should be (and no LRC): the terminal answers NAK once, "
                 "ACKs the good resend that follows, and completes",
                 std::nullopt,
                 {program({small}, completes_over_line(1), serial_frame([](const Bytes& frame) {
                            Bytes bad(frame.begin(), frame.end() - 2);
                            bad.push_back(0x00);
                            return bad;
                          }))},
                 Scenario::Framing::kSerial});
  all.push_back({"frame.serial.noise_before_stx",
                 {"REQ-FRAME-011"},
                 Level::kMust,
                 "five octets of line noise (00 FF 03 41 30) before HS_AUTH_REQUEST's frame: the terminal discards them, "
                 "ACKs the frame without a NAK, and completes",
                 std::nullopt,
                 {program({small}, completes_over_line(0), serial_frame([](const Bytes& frame) {
                            Bytes noisy;
                            noisy.reserve(frame.size() + 5);
                            for (int octet : {0x00, 0xFF, 0x03, 0x41, 0x30}) noisy.push_back(static_cast<std::uint8_t>(octet));
                            for (std::uint8_t octet : frame) noisy.push_back(octet);
                            return noisy;
                          }))},
                 Scenario::Framing::kSerial});
  // REQ-FRAME-012: the suite writes nothing at all, so the terminal's HS_REQUEST is never ACKed.
  Expectation unacked;
  unacked.kind = Expectation::Kind::kResendsUnacked;
  unacked.because = "REQ-FRAME-012: at most three sends, about 2 s apart, then CONN_LOST";
  all.push_back({"frame.serial.no_ack",
                 {"REQ-FRAME-012"},
                 Level::kMust,
                 "the suite neither ACKs nor answers the terminal's HS_REQUEST: the terminal resends it 1.5-3 s after "
                 "each copy, three copies in all, and then sends nothing more (the link is lost)",
                 std::nullopt,
                 {program({}, unacked)},
                 Scenario::Framing::kSerial});
  // REQ-FRAME-013: a frame again as if the terminal's ACK was lost; a terminal that acted on it
  // twice would refuse the second KEY_MESSAGE as out of order.
  WireChange twice;
  twice.twice = true;
  twice.pause_ms = 300;
  all.push_back({"frame.serial.frame_twice",
                 {"REQ-FRAME-013"},
                 Level::kMust,
                 "the suite writes KEY_MESSAGE's frame twice, 300 ms apart, as after a lost ACK: the terminal ACKs both "
                 "copies, acts on one, and completes",
                 std::nullopt,
                 {key(completes_over_line(0), on_wire({MsgType::kKeyMessage}, 0, twice))},
                 Scenario::Framing::kSerial});
}

}  // namespace tmsproto::conformance
