// The link scenarios of spec/02-transport.md section 2.5 (spec/conformance.md C.7): a terminal whose
// link carries a TPDU (the terminal profile's `tpdu`, REQ-CONF-012) sends its configured TPDU in
// front of every body and ignores the NIIs it receives, whatever a NAC made of them; a TPDU where
// none is configured, or none where one is, ends the session with 01 at the first frame. The suite
// keeps every body honest and changes only the TPDU of its frames, through the listener's hook
// under the framing (net/wire_hook.h, WireChange::rewrite_framed), so that a MAC over the TPDU
// (REQ-FRAME-035) or an NII the terminal copies shows in what the terminal sends.
#include "conformance/runner/catalogue.h"

#include "codec/serial_link.h"
#include "codec/tpdu.h"

namespace tmsproto::conformance {
namespace {

inline constexpr std::size_t kEvery = static_cast<std::size_t>(-1);

const std::vector<MsgType> kTmsMessages = {MsgType::kHsAuthRequest, MsgType::kKeyMessage, MsgType::kPkgConfirm,
                                           MsgType::kFrameResponse, MsgType::kSessionEndAck};

// The `nth` message of a type in `types` (every one with kEvery), its body unchanged, its frame
// rewritten by `edit`.
Change on_frame(std::vector<MsgType> types, std::size_t nth, std::function<Bytes(const Bytes&, bool)> edit) {
  WireChange w;
  w.rewrite_framed = std::move(edit);
  return [types, nth, w](MsgType t, std::size_t n, ByteView body, const Forgery&) -> std::optional<Replacement> {
    if (body.empty() || (nth != kEvery && n != nth)) return std::nullopt;
    for (MsgType type : types) {
      if (type == t) return Replacement{{Bytes(body.begin(), body.end())}, false, w};
    }
    return std::nullopt;
  };
}

// A frame whose content (the TPDU, if any, and the body) `edit` changes, framed again with LEN
// (and on a serial line ETX and LRC) to match, so that only the content breaks a rule.
std::function<Bytes(const Bytes&, bool)> reframed(std::function<void(Bytes&)> edit) {
  return [edit](const Bytes& frame, bool serial) {
    const std::size_t head = serial ? 3 : 2;
    const std::size_t tail = serial ? 2 : 0;
    if (frame.size() < head + tail) return frame;
    Bytes content(frame.begin() + static_cast<std::ptrdiff_t>(head), frame.end() - static_cast<std::ptrdiff_t>(tail));
    edit(content);
    const std::size_t n = content.size();
    Bytes out;
    if (serial) {
      out = {codec::kStx, static_cast<std::uint8_t>((n / 1000 % 10) << 4 | (n / 100 % 10)),
             static_cast<std::uint8_t>((n / 10 % 10) << 4 | (n % 10))};
    } else {
      out = {static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n & 0xFF)};
    }
    out.insert(out.end(), content.begin(), content.end());
    if (serial) {
      out.push_back(codec::kEtx);
      std::uint8_t lrc = 0;  // REQ-FRAME-010: from the first LEN octet through ETX
      for (std::size_t i = 1; i < out.size(); ++i) lrc ^= out[i];
      out.push_back(lrc);
    }
    return out;
  };
}

// Each digit d of a BCD octet as (d + 5) mod 10: another NII, still BCD, that differs from the
// first in every digit.
std::uint8_t shifted(std::uint8_t octet) {
  const auto d = [](int nibble) { return static_cast<std::uint8_t>(nibble <= 9 ? (nibble + 5) % 10 : 5); };
  return static_cast<std::uint8_t>(d(octet >> 4) << 4 | d(octet & 0x0F));
}

// The session completes, and every octet the terminal sent was in a whole frame carrying its
// configured TPDU (REQ-FRAME-002, REQ-FRAME-030, REQ-FRAME-033).
Expectation completes_in_whole_frames() {
  Expectation e = completes();
  e.whole_frames = true;
  return e;
}

Expectation aborts_over_line(ResponseCode code, std::string because) {
  Expectation e = aborts(code, std::move(because));
  e.naks = 0;  // REQ-FRAME-037: the frame is good by LEN, ETX and LRC, so it is ACKed, never NAKed
  return e;
}

Scenario on_link(Scenario s, Scenario::Link link) {
  s.link = link;
  return s;
}

}  // namespace

void add_tpdu_scenarios(std::vector<Scenario>& all) {
  Publication small;
  small.length = 3000;
  // REQ-FRAME-030, REQ-FRAME-035: the honest sessions over the profile's TPDU. The suite's MACs and
  // cryptograms are computed over bodies only, so a terminal that puts the TPDU under TAC_1, SAC_1,
  // KEY_MAC or an envelope's MAC, or sends another TPDU than its own, does not complete.
  all.push_back(on_link({"tpdu.honest_program",
                         {"REQ-FRAME-030", "REQ-FRAME-035", "REQ-FRAME-032"},
                         Level::kMust,
                         "an honest program download on a link with the profile's TPDU: every frame the terminal "
                         "sends carries its configured 5-octet TPDU, LEN counting it, and the session completes, the "
                         "TPDU outside every MAC",
                         std::nullopt,
                         {program({small}, completes_in_whole_frames())}},
                        Scenario::Link::kTpdu));
  all.push_back(on_link({"tpdu.honest_key",
                         {"REQ-FRAME-030", "REQ-FRAME-035"},
                         Level::kMust,
                         "an honest key download on a link with the profile's TPDU: every frame carries the configured "
                         "TPDU and the session completes, TAC_1, SAC_1 and KEY_MAC over the bodies alone",
                         std::nullopt,
                         {key(completes_in_whole_frames())}},
                        Scenario::Link::kTpdu));
  // REQ-FRAME-030: an end not configured with a TPDU sends none; with a TPDU profile the terminal is
  // run without it for this session ({tpdu} empty, REQ-CONF-009).
  SessionPlan plain = program({small}, completes_in_whole_frames());
  plain.link_without_tpdu = true;
  all.push_back({"tpdu.none_without_configuration",
                 {"REQ-FRAME-030"},
                 Level::kMust,
                 "an honest program download on a link without a TPDU: every frame the terminal sends is LEN and "
                 "the body, no TPDU in front of it",
                 std::nullopt,
                 {plain}});
  // REQ-FRAME-031: NIIs are never judged; FF is no BCD digit, as some NACs write them.
  all.push_back(on_link({"tpdu.non_bcd_niis",
                         {"REQ-FRAME-031"},
                         Level::kMust,
                         "every frame of the suite carries DEST_NII and SRC_NII FF FF, which are not BCD: the terminal "
                         "refuses none of them and completes, its own frames still carrying its configured TPDU",
                         std::nullopt,
                         {program({small}, completes_in_whole_frames(),
                                  on_frame(kTmsMessages, kEvery, reframed([](Bytes& content) {
                                             for (std::size_t i = 1; i < 5 && i < content.size(); ++i) content[i] = 0xFF;
                                           })))}},
                        Scenario::Link::kTpdu));
  // REQ-FRAME-033, REQ-FRAME-035: a NAC rewrote the addresses of every answer. A terminal that copies
  // them sends NIIs that differ from its configuration in every digit; one that MACs them fails.
  all.push_back(on_link({"tpdu.niis_rewritten",
                         {"REQ-FRAME-033", "REQ-FRAME-035"},
                         Level::kMust,
                         "every frame of the suite carries other NIIs than the swapped ones, each digit changed, as a "
                         "NAC may rewrite them: the terminal keeps sending its configured DEST_NII and SRC_NII and "
                         "completes",
                         std::nullopt,
                         {key(completes_in_whole_frames(), on_frame(kTmsMessages, kEvery, reframed([](Bytes& content) {
                                                              for (std::size_t i = 1; i < 5 && i < content.size(); ++i) {
                                                                content[i] = shifted(content[i]);
                                                              }
                                                            })))}},
                        Scenario::Link::kTpdu));
  // REQ-FRAME-032: LEN counts the TPDU, so 8 (a TPDU and a 3-octet body) and 8198 are out of range
  // on this link, refused from the LEN alone; the suite sends the LEN and nothing after it.
  for (const auto& [name, len, what] :
       {std::tuple{"tpdu.len_8", std::uint16_t{8}, "LEN 8, below a TPDU and MIN_BODY (9)"},
        std::tuple{"tpdu.len_8198", std::uint16_t{8198}, "LEN 8198, above a TPDU and MAX_BODY (8197)"}}) {
    WireChange w;
    w.octets = Bytes{static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len & 0xFF)};
    all.push_back(on_link({name,
                           {"REQ-FRAME-032", "REQ-FRAME-001"},
                           Level::kMust,
                           std::string("in place of HS_AUTH_REQUEST's frame the suite sends ") + what +
                               " and no more: the terminal ends the session with ABORT 01 at once, from the LEN alone",
                           std::nullopt,
                           {program({Publication{}},
                                    aborts(ResponseCode::kMalformed,
                                           "REQ-FRAME-032: on a TPDU link LEN must be 9-8197, checked before the body"),
                                    [w](MsgType t, std::size_t, ByteView body, const Forgery&) -> std::optional<Replacement> {
                                      if (t != MsgType::kHsAuthRequest) return std::nullopt;
                                      return Replacement{{Bytes(body.begin(), body.end())}, false, w};
                                    })},
                           Scenario::Framing::kStream},
                          Scenario::Link::kTpdu));
  }
  // REQ-FRAME-036: TPDU_ID is checked as soon as it arrives; the suite writes LEN and TPDU_ID 61 and
  // never the rest, so a terminal that reads the whole frame first hears nothing and times out (23).
  all.push_back(on_link({"tpdu.wrong_id",
                         {"REQ-FRAME-036"},
                         Level::kMust,
                         "HS_AUTH_REQUEST's frame starts LEN, TPDU_ID 61, and the suite writes nothing more: the "
                         "terminal ends the session with ABORT 01 before the rest of the frame arrives",
                         std::nullopt,
                         {program({Publication{}},
                                  aborts(ResponseCode::kMalformed,
                                         "REQ-FRAME-036: a TPDU_ID other than 60 is refused as soon as it arrives"),
                                  on_frame({MsgType::kHsAuthRequest}, 0, [](const Bytes& frame, bool) {
                                    Bytes cut(frame.begin(), frame.begin() + std::min<std::ptrdiff_t>(3, static_cast<std::ptrdiff_t>(frame.size())));
                                    if (cut.size() == 3) cut[2] = 0x61;
                                    return cut;
                                  }))},
                         Scenario::Framing::kStream},
                        Scenario::Link::kTpdu));
  // REQ-FRAME-037: on a line the frame is good by LEN, ETX and LRC: ACK, then 01, once.
  all.push_back(on_link({"tpdu.serial.wrong_id",
                         {"REQ-FRAME-037"},
                         Level::kMust,
                         "HS_AUTH_REQUEST's serial frame with TPDU_ID 61, its LEN, ETX and LRC good: the terminal ACKs "
                         "it, NAKs nothing, and ends the session with ABORT 01, once",
                         std::nullopt,
                         {program({Publication{}},
                                  aborts_over_line(ResponseCode::kMalformed,
                                                   "REQ-FRAME-037: a good frame with a wrong TPDU_ID is ACKed, then 01"),
                                  on_frame({MsgType::kHsAuthRequest}, 0, reframed([](Bytes& content) {
                                             if (!content.empty()) content[0] = 0x61;
                                           })))},
                         Scenario::Framing::kSerial},
                        Scenario::Link::kTpdu));
  // REQ-FRAME-038: the terminal's link carries no TPDU, and the suite's HS_AUTH_REQUEST arrives with
  // one: its first octet 60 is no message type (REQ-MSG-001).
  SessionPlan to_plain = program({Publication{}},
                                 aborts(ResponseCode::kMalformed,
                                        "REQ-FRAME-038: a TPDU on a link without one is a body whose first octet 60 "
                                        "is no message type"),
                                 on_frame({MsgType::kHsAuthRequest}, 0, reframed([](Bytes& content) {
                                            const Bytes tpdu{codec::kTpduId, 0x00, 0x00, 0x00, 0x03};
                                            content.insert(content.begin(), tpdu.begin(), tpdu.end());
                                          })));
  to_plain.link_without_tpdu = true;
  all.push_back({"tpdu.sent_to_link_without",
                 {"REQ-FRAME-038"},
                 Level::kMust,
                 "on a link without a TPDU the suite sends HS_AUTH_REQUEST with the TPDU 60 0000 0003 in front of it, "
                 "LEN counting it: the terminal does not strip it and ends the session with ABORT 01",
                 std::nullopt,
                 {to_plain}});
  // REQ-FRAME-036, REQ-FRAME-037 (REQ-FRAME-038's other way) and REQ-FRAME-030 (never inferred from
  // what arrives): the terminal's link carries a TPDU and the suite's HS_AUTH_REQUEST has none.
  const auto without = reframed([](Bytes& content) {
    content.erase(content.begin(), content.begin() + std::min<std::ptrdiff_t>(5, static_cast<std::ptrdiff_t>(content.size())));
  });
  all.push_back(on_link({"tpdu.missing_from_frame",
                         {"REQ-FRAME-036", "REQ-FRAME-030"},
                         Level::kMust,
                         "on the TPDU link the suite sends HS_AUTH_REQUEST without a TPDU, LEN counting the body only: "
                         "the terminal reads its message type as TPDU_ID and ends the session with ABORT 01",
                         std::nullopt,
                         {program({Publication{}},
                                  aborts(ResponseCode::kMalformed,
                                         "REQ-FRAME-036: a frame without the configured TPDU has a TPDU_ID other than "
                                         "60"),
                                  on_frame({MsgType::kHsAuthRequest}, 0, without))},
                         Scenario::Framing::kStream},
                        Scenario::Link::kTpdu));
  all.push_back(on_link({"tpdu.serial.missing_from_frame",
                         {"REQ-FRAME-037", "REQ-FRAME-030"},
                         Level::kMust,
                         "on the TPDU line the suite sends HS_AUTH_REQUEST's frame without a TPDU, LEN and LRC good: "
                         "the terminal ACKs it and ends the session with ABORT 01, once",
                         std::nullopt,
                         {program({Publication{}},
                                  aborts_over_line(ResponseCode::kMalformed,
                                                   "REQ-FRAME-037: a good frame without the configured TPDU is ACKed, "
                                                   "then 01"),
                                  on_frame({MsgType::kHsAuthRequest}, 0, without))},
                         Scenario::Framing::kSerial},
                        Scenario::Link::kTpdu));
}

}  // namespace tmsproto::conformance
