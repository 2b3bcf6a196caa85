// The catalogue of the other direction (spec/conformance.md C.10.3): what the suite's terminal
// sends a TMS under test in each scenario and what the TMS must answer. Each expected code is the
// one files 03, 04, 06 and 10 of the spec give for the rule the change breaks (REQ-CONF-065).
#include <utility>

#include "codec/download_payloads.h"
#include "codec/handshake_messages.h"
#include "conformance/runner/tms_direction.h"

namespace tmsproto::conformance {
namespace {

using Plan = TmsSessionPlan;

// The `nth` message of `type` edited by `edit` (which returns the body to send, empty if it cannot).
TmsChange change_of(MsgType type, std::size_t nth, std::function<Bytes(ByteView, const TmsChangeContext&)> edit) {
  return [=](MsgType t, std::size_t n, ByteView body, const TmsChangeContext& c) -> std::optional<Bytes> {
    if (t != type || n != nth) return std::nullopt;
    return edit(body, c);
  };
}

// HS_REQUEST carries no MAC: its fields are changed and it is written again (REQ-CONF-065).
TmsChange hs_request(std::function<void(codec::HsRequest&, const TmsChangeContext&)> edit,
                     std::function<void(Bytes&)> raw = {}) {
  return change_of(MsgType::kHsRequest, 0, [=](ByteView body, const TmsChangeContext& c) {
    auto m = codec::parse_hs_request(body);
    if (!m.ok()) return Bytes{};
    edit(*m, c);
    Bytes out = codec::serialize(*m);
    if (raw) raw(out);
    return out;
  });
}

void no_edit(codec::HsRequest&, const TmsChangeContext&) {}

// T_TIME one year before the suite's clock (28 February for 29 February): beyond any freshness
// window a TMS could be configured with (REQ-HS-012).
void stale(codec::HsRequest& m, const TmsChangeContext&) {
  m.t_data.time.year = static_cast<std::uint16_t>(m.t_data.time.year - 1);
  if (m.t_data.time.month == 2 && m.t_data.time.day == 29) m.t_data.time.day = 28;
}

TmsChange flip_last(MsgType type, std::size_t nth = 0) {
  return change_of(type, nth, [](ByteView body, const TmsChangeContext&) {
    Bytes out(body.begin(), body.end());
    if (!out.empty()) out.back() ^= 0xFF;
    return out;
  });
}

// The session's PKG_CONFIRM as the terminal opened it, or nullopt.
std::optional<codec::PkgConfirm> pkg_confirm_of(const TmsChangeContext& c) {
  for (const auto& m : c.wire) {
    if (m.from_terminal || m.body.empty() || m.body[0] != static_cast<std::uint8_t>(MsgType::kPkgConfirm)) continue;
    auto payload = c.keys.open(false, m.body);
    if (!payload) return std::nullopt;
    auto confirm = codec::parse_pkg_confirm(*payload);
    if (!confirm.ok()) return std::nullopt;
    return std::move(*confirm);
  }
  return std::nullopt;
}

// The first FRAME_REQUEST with its payload changed and sealed again under the download keys
// (REQ-CONF-025): the MAC and SEQ are right, only the field the scenario names is wrong.
TmsChange frame_request(std::function<bool(codec::FrameRequest&, const TmsChangeContext&)> edit) {
  return change_of(MsgType::kFrameRequest, 0, [=](ByteView body, const TmsChangeContext& c) {
    if (!c.keys.has_download_keys()) return Bytes{};
    auto payload = c.keys.open(true, body);
    if (!payload) return Bytes{};
    auto request = codec::parse_frame_request(*payload);
    if (!request.ok() || !edit(*request, c)) return Bytes{};
    return c.keys.reseal(true, body, codec::serialize(*request));
  });
}

Plan aborts(TmsChange change, ResponseCode code, std::string because, TransCode trans = TransCode::kProgramDownload) {
  Plan p;
  p.trans = trans;
  p.change = std::move(change);
  p.expect = Plan::Expect::kAborts;
  p.code = code;
  p.because = std::move(because);
  return p;
}

Plan completes(TransCode trans) {
  Plan p;
  p.trans = trans;
  return p;
}

}  // namespace

std::vector<TmsScenario> tms_catalogue() {
  std::vector<TmsScenario> c;
  // Honest sessions in every profile the TMS profile declares (REQ-CONF-065, REQ-CONF-023's spirit).
  for (Profile p : {Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    const std::string word(profile_word(p));
    c.push_back({"honest.key." + word, {"REQ-HS-003", "REQ-HS-032", "REQ-DL-032"}, Level::kMust,
                 "An honest key download in " + word + " completes: KEY_MESSAGE, SESSION_END_ACK 00, then the TMS closes.",
                 p, {completes(TransCode::kKeyDownload)}});
  }
  for (Profile p : {Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    const std::string word(profile_word(p));
    c.push_back({"honest.program." + word, {"REQ-HS-003", "REQ-DL-022", "REQ-DL-032"}, Level::kMust,
                 "An honest program download in " + word + " completes: every piece served, SESSION_END_ACK 00.", p,
                 {completes(TransCode::kProgramDownload)}});
  }
  // REQ-HS-010's order of checks: the body first, then identity (one code 06), freshness, replay.
  c.push_back({"handshake.version_before_identity", {"REQ-HS-010", "REQ-MSG-013"}, Level::kMust,
               "HS_REQUEST of VERSION 0x02 from an unknown vendor is refused with 03: the body is checked first.", {},
               {aborts(hs_request([](codec::HsRequest& m, const TmsChangeContext&) { m.id.vendor_id = "ZZNOVEND"; },
                                  [](Bytes& b) { b[1] = 0x02; }),
                       ResponseCode::kUnsupportedVersion, "REQ-HS-010: VERSION is the body's first field, checked first")}});
  c.push_back({"handshake.trans_code_before_identity", {"REQ-HS-010", "REQ-MSG-030"}, Level::kMust,
               "HS_REQUEST of TRANS_CODE 03 from an unknown vendor is refused with 07, before identity.", {},
               {aborts(hs_request([](codec::HsRequest& m, const TmsChangeContext&) { m.id.vendor_id = "ZZNOVEND"; },
                                  [](Bytes& b) { b[58] = '0'; b[59] = '3'; }),
                       ResponseCode::kUnsupportedTransaction, "REQ-MSG-030: TRANS_CODE not 01/02")}});
  c.push_back({"handshake.bad_offer_before_identity", {"REQ-HS-010", "REQ-MSG-031"}, Level::kMust,
               "HS_REQUEST offering no profile (OFFERED_PROFILES 0x00) from an unknown vendor is refused with 01.", {},
               {aborts(hs_request([](codec::HsRequest& m, const TmsChangeContext&) {
                         m.id.vendor_id = "ZZNOVEND";
                         m.offered_profiles = 0x00;
                       }),
                       ResponseCode::kMalformed, "REQ-MSG-031: a body field rule, checked before identity")}});
  c.push_back({"handshake.unknown_vendor", {"REQ-HS-010", "REQ-HS-018"}, Level::kMust,
               "HS_REQUEST naming a vendor the TMS does not know is refused with 06.", {},
               {aborts(hs_request([](codec::HsRequest& m, const TmsChangeContext&) { m.id.vendor_id = "ZZNOVEND"; }),
                       ResponseCode::kTerminalNotServed, "REQ-HS-018: an unknown vendor is 06")}});
  c.push_back({"handshake.unknown_model", {"REQ-HS-010", "REQ-HS-018"}, Level::kMust,
               "HS_REQUEST naming a model the TMS does not know for the vendor is refused with 06.", {},
               {aborts(hs_request([](codec::HsRequest& m, const TmsChangeContext&) { m.id.model_id = "ZZ-NO-SUCH-MODEL"; }),
                       ResponseCode::kTerminalNotServed, "REQ-HS-018: an unknown model is 06")}});
  c.push_back({"handshake.unknown_serial", {"REQ-HS-010", "REQ-HS-018"}, Level::kMust,
               "HS_REQUEST naming a serial number not registered is refused with 06.", {},
               {aborts(hs_request([](codec::HsRequest& m, const TmsChangeContext&) { m.id.serial_no = "ZZ-NO-SUCH-SERIAL"; }),
                       ResponseCode::kTerminalNotServed, "REQ-HS-018: an unregistered serial number is 06")}});
  c.push_back({"handshake.profile_not_offered", {"REQ-HS-011", "REQ-HS-018"}, Level::kMust,
               "HS_REQUEST offering only a profile other than the terminal's DMK's is refused with 06.", {},
               {aborts(hs_request([](codec::HsRequest& m, const TmsChangeContext& ctx) {
                         // The bit of AES256 for an AES128 terminal, of AES128 otherwise (REQ-MSG-031's bits).
                         m.offered_profiles = ctx.profile == Profile::kAes128 ? 0x08 : 0x04;
                       }),
                       ResponseCode::kTerminalNotServed, "REQ-HS-011: the DMK's profile not offered is 06")}});
  {
    Plan p = aborts(hs_request(no_edit), ResponseCode::kTerminalNotServed,
                    "REQ-HS-010, REQ-KEY-013: a key set not registered for the terminal is 06", TransCode::kKeyDownload);
    p.key_set = "ZZNOKEYS";
    c.push_back({"handshake.unknown_key_set", {"REQ-HS-010", "REQ-HS-018"}, Level::kMust,
                 "A key download of a key set not registered for the terminal is refused with 06.", {}, {std::move(p)}});
  }
  c.push_back({"handshake.identity_before_freshness", {"REQ-HS-010"}, Level::kMust,
               "A stale HS_REQUEST naming an unregistered serial number is refused with 06: identity before freshness.",
               {},
               {aborts(hs_request([](codec::HsRequest& m, const TmsChangeContext& ctx) {
                         m.id.serial_no = "ZZ-NO-SUCH-SERIAL";
                         stale(m, ctx);
                       }),
                       ResponseCode::kTerminalNotServed, "REQ-HS-010: identity (06) is checked before freshness (09)")}});
  c.push_back({"handshake.stale_time", {"REQ-HS-010", "REQ-HS-012"}, Level::kMust,
               "HS_REQUEST whose T_TIME is a year old is refused with 09.", {},
               {aborts(hs_request(stale), ResponseCode::kStaleDatetime, "REQ-HS-012: T_TIME outside the window is 09")}});
  {
    Plan first = completes(TransCode::kProgramDownload);
    first.expect = Plan::Expect::kCut;
    first.cut_after = std::pair{MsgType::kHsAuthRequest, std::size_t{0}};
    first.because = "an honest HS_REQUEST is answered with HS_AUTH_REQUEST";
    Plan second = aborts({}, ResponseCode::kReplay, "REQ-HS-013: a repeated HS_REQUEST is 10");
    second.replay_hs_request = true;
    c.push_back({"handshake.replay", {"REQ-HS-013"}, Level::kMust,
                 "The octets of an HS_REQUEST the TMS accepted, sent again in a second session, are refused with 10.", {},
                 {std::move(first), std::move(second)}});
  }
  // REQ-MSG-001: the type octet alone decides the event: unknown is 01, known but unexpected 02.
  c.push_back({"messages.unknown_type", {"REQ-MSG-001"}, Level::kMust,
               "A first message whose type octet is 0x00, no message type, is refused with 01.", {},
               {aborts(change_of(MsgType::kHsRequest, 0,
                                 [](ByteView body, const TmsChangeContext&) {
                                   Bytes out(body.begin(), body.end());
                                   out[0] = 0x00;
                                   return out;
                                 }),
                       ResponseCode::kMalformed, "REQ-MSG-001: an unknown type octet is RX_MALFORMED")}});
  c.push_back({"messages.unexpected_type", {"REQ-MSG-001", "REQ-TMS-001"}, Level::kMust,
               "A first message of type HS_AUTH_ANSWER (the HS_REQUEST's type octet 0x03) is refused with 02.", {},
               {aborts(change_of(MsgType::kHsRequest, 0,
                                 [](ByteView body, const TmsChangeContext&) {
                                   Bytes out(body.begin(), body.end());
                                   out[0] = static_cast<std::uint8_t>(MsgType::kHsAuthAnswer);
                                   return out;
                                 }),
                       ResponseCode::kUnexpectedMessage, "row S10: a message S_IDLE does not expect is 02")}});
  c.push_back({"auth.sac_wrong", {"REQ-HS-031"}, Level::kMust,
               "HS_AUTH_ANSWER whose SAC_1 is wrong in its last octet is refused with 12.", {},
               {aborts(flip_last(MsgType::kHsAuthAnswer), ResponseCode::kTerminalAuthFailed,
                       "REQ-HS-031: SAC_1 differs from SAC_0")}});
  c.push_back({"auth.operator_proof_wrong", {"REQ-OPR-004"}, Level::kMust,
               "A key download whose OPERATOR_PROOF is wrong, under a right SAC_1, is refused with 25.", {},
               {aborts(change_of(MsgType::kHsAuthAnswer, 0,
                                 [](ByteView body, const TmsChangeContext& ctx) {
                                   if (!ctx.keys.has_handshake_keys()) return Bytes{};
                                   auto m = codec::parse_hs_auth_answer(body, ctx.profile);
                                   if (!m.ok() || m->operator_proof.empty()) return Bytes{};
                                   m->operator_proof[0] ^= 0xFF;
                                   return ctx.keys.with_sac(*m);  // REQ-CONF-025: SAC_1 over the changed proof
                                 }),
                       ResponseCode::kOperatorAuthFailed, "REQ-OPR-004: a wrong proof is 25", TransCode::kKeyDownload)}});
  c.push_back({"envelope.term_info_mac_wrong", {"REQ-MSG-070", "REQ-TMS-001"}, Level::kMust,
               "TERM_INFO whose envelope MAC is wrong in its last octet is refused with 13.", {},
               {aborts(flip_last(MsgType::kTermInfo), ResponseCode::kMacFailed, "REQ-MSG-070: envelope MAC mismatch")}});
  c.push_back({"envelope.pkg_announce_seq_wrong", {"REQ-DL-002"}, Level::kMust,
               "PKG_ANNOUNCE sealed with SEQ 2 instead of 1, its MAC right, is refused with 14.", {},
               {aborts(change_of(MsgType::kPkgAnnounce, 0,
                                 [](ByteView body, const TmsChangeContext& ctx) {
                                   if (!ctx.keys.has_download_keys()) return Bytes{};
                                   auto payload = ctx.keys.open(true, body);
                                   if (!payload) return Bytes{};
                                   return ctx.keys.seal(true, MsgType::kPkgAnnounce, 2, *payload);
                                 }),
                       ResponseCode::kSequenceError, "REQ-DL-002: SEQ not the expected value")}});
  c.push_back({"envelope.frame_request_mac_wrong", {"REQ-MSG-070"}, Level::kMust,
               "The first FRAME_REQUEST with its envelope MAC wrong in its last octet is refused with 13.", {},
               {aborts(flip_last(MsgType::kFrameRequest), ResponseCode::kMacFailed, "REQ-MSG-070: envelope MAC mismatch")}});
  c.push_back({"download.package_not_offered", {"REQ-DL-022"}, Level::kMust,
               "A FRAME_REQUEST naming PKG_INDEX one past the offers of PKG_CONFIRM is refused with 16.", {},
               {aborts(frame_request([](codec::FrameRequest& r, const TmsChangeContext& ctx) {
                         const auto confirm = pkg_confirm_of(ctx);
                         if (!confirm || confirm->offers.empty() || confirm->offers.size() > 255) return false;
                         r.pkg_index = static_cast<std::uint8_t>(confirm->offers.size());
                         return true;
                       }),
                       ResponseCode::kPackageNotOffered, "REQ-DL-022: PKG_INDEX not offered")}});
  c.push_back({"download.piece_out_of_range", {"REQ-DL-022"}, Level::kMust,
               "A FRAME_REQUEST naming PIECE 65535 of its section is refused with 17.", {},
               {aborts(frame_request([](codec::FrameRequest& r, const TmsChangeContext&) {
                         r.piece = 65535;
                         return true;
                       }),
                       ResponseCode::kPieceOutOfRange, "REQ-DL-022: PIECE beyond the section")}});
  c.push_back({"download.key_session_end_result_wrong", {"REQ-DL-035"}, Level::kMust,
               "A key download's SESSION_END with RESULT 18, sealed again, is refused with 01: only 00 ends a key download.",
               {},
               {aborts(change_of(MsgType::kSessionEnd, 0,
                                 [](ByteView body, const TmsChangeContext& ctx) {
                                   if (!ctx.keys.has_download_keys()) return Bytes{};
                                   return ctx.keys.reseal(true, body,
                                                          codec::serialize(codec::SessionEnd{ResponseCode::kIntegrityFailed}));
                                 }),
                       ResponseCode::kMalformed, "REQ-DL-035: RESULT other than 00 after a key download",
                       TransCode::kKeyDownload)}});
  {
    Plan first = completes(TransCode::kProgramDownload);
    first.expect = Plan::Expect::kCut;
    first.cut_after = std::pair{MsgType::kFrameResponse, std::size_t{1}};
    first.because = "PKG_CONFIRM and two FRAME_RESPONSEs, no ABORT";
    Plan second = completes(TransCode::kProgramDownload);
    second.resumes = true;
    c.push_back({"download.resume", {"REQ-DL-022", "REQ-DL-032"}, Level::kMust,
                 "A program download cut after two pieces resumes in a second session and completes.", {},
                 {std::move(first), std::move(second)}});
  }
  return c;
}

}  // namespace tmsproto::conformance
