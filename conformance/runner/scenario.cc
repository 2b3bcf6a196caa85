#include "conformance/runner/scenario.h"

#include "codec/handshake_messages.h"

namespace tmsproto::conformance {
namespace {

Expectation completes() { return {Expectation::Kind::kCompletes, ResponseCode::kSuccess, ""}; }

Expectation aborts(ResponseCode code, std::string because) {
  return {Expectation::Kind::kAborts, code, std::move(because)};
}

SessionPlan program(std::vector<Publication> publish, Expectation expect, Change change = {}) {
  SessionPlan s;
  s.trans = TransCode::kProgramDownload;
  s.publish = std::move(publish);
  s.change = std::move(change);
  s.expect = std::move(expect);
  return s;
}

SessionPlan key(Expectation expect, Change change = {}) {
  SessionPlan s;
  s.trans = TransCode::kKeyDownload;
  s.change = std::move(change);
  s.expect = std::move(expect);
  return s;
}

// Changes the first HS_AUTH_REQUEST with `edit`.
Change on_hs_auth_request(std::function<void(Bytes&)> edit) {
  return edit_message(MsgType::kHsAuthRequest, 0, std::move(edit));
}

// HS_AUTH_REQUEST in another profile than the one the terminal offered, every length that
// profile's (spec/03-messages.md 3.5), so that the body parses and only the offer is wrong.
void answer_in_another_profile(Bytes& body) {
  auto m = codec::parse_hs_auth_request(body);
  if (!m.ok()) return;
  const Profile other = m->profile == Profile::kTdes ? Profile::kAes128 : Profile::kTdes;
  m->profile = other;
  m->dwk1.assign(dwk1_length(other), 'A');
  m->tac1.assign(mac_length(other), 0x00);
  body = codec::serialize(*m);
}

}  // namespace

Change edit_message(MsgType type, std::size_t nth, std::function<void(Bytes&)> edit) {
  return [type, nth, edit](MsgType t, std::size_t n, ByteView body) -> std::optional<Bytes> {
    if (t != type || n != nth || body.empty()) return std::nullopt;
    Bytes changed(body.begin(), body.end());
    edit(changed);
    return changed;
  };
}

Change flip_last_octet(MsgType type, std::size_t nth) {
  return edit_message(type, nth, [](Bytes& body) { body.back() ^= 0x01; });
}

std::vector<Scenario> catalogue() {
  std::vector<Scenario> all;
  // REQ-CONF-023: an honest session the terminal completes, in every profile and transaction.
  for (Profile p : {Profile::kAes128, Profile::kAes256, Profile::kTdes, Profile::kLegacy}) {
    const std::string word(profile_word(p));
    all.push_back({"honest.program." + word,
                   {"REQ-HS-023", "REQ-DL-010", "REQ-DL-023", "REQ-DL-030", "REQ-DL-031"},
                   Level::kMust,
                   "an honest program download of one application in the " + word +
                       " profile: the terminal verifies, stages, applies it and ends with SESSION_END 00",
                   p,
                   {program({Publication{}}, completes())}});
    if (p == Profile::kLegacy) continue;  // REQ-KEY-014: LEGACY delivers no keys
    all.push_back({"honest.key." + word,
                   {"REQ-HS-023", "REQ-KEY-020", "REQ-KEY-021", "REQ-KEY-022"},
                   Level::kMust,
                   "an honest key download in the " + word + " profile: the terminal checks KEY_MAC, unwraps "
                   "and stores every key, and completes",
                   p,
                   {key(completes())}});
  }
  all.push_back({"download.nothing_to_download",
                 {"REQ-DL-033"},
                 Level::kMust,
                 "the vendor's database holds nothing for the terminal: PKG_CONFIRM with COUNT 0, which the "
                 "terminal answers with SESSION_END 00 at once",
                 std::nullopt,
                 {program({}, completes())}});
  all.push_back({"handshake.tac_mismatch",
                 {"REQ-HS-022", "REQ-HS-024"},
                 Level::kMust,
                 "TAC_1 in HS_AUTH_REQUEST is changed in its last octet: the terminal refuses the TMS with "
                 "ABORT 11 and computes no SAC_1",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kTmsAuthFailed, "REQ-HS-024: TAC_0 differs from TAC_1: ABORT 11"),
                          flip_last_octet(MsgType::kHsAuthRequest))}});
  all.push_back({"message.hs_auth_request_version",
                 {"REQ-MSG-004", "REQ-HS-020"},
                 Level::kMust,
                 "HS_AUTH_REQUEST carries VERSION 0x02: the terminal refuses it with ABORT 03",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kUnsupportedVersion, "REQ-MSG-004: a VERSION other than 0x01 is 03"),
                          on_hs_auth_request([](Bytes& b) { b[1] = 0x02; }))}});
  all.push_back({"message.hs_auth_request_truncated",
                 {"REQ-MSG-042", "REQ-MSG-004", "REQ-HS-020"},
                 Level::kMust,
                 "HS_AUTH_REQUEST arrives one octet short (TAC_1 shorter than the profile's MAC): ABORT 01",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kMalformed, "REQ-MSG-042: a body of another length is malformed, 01"),
                          on_hs_auth_request([](Bytes& b) { b.pop_back(); }))}});
  all.push_back({"message.hs_auth_request_extended",
                 {"REQ-MSG-002", "REQ-HS-020"},
                 Level::kMust,
                 "HS_AUTH_REQUEST arrives with one octet more than its fields: ABORT 01",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kMalformed, "REQ-MSG-002: octets left over after the last field are 01"),
                          on_hs_auth_request([](Bytes& b) { b.push_back(0x00); }))}});
  all.push_back({"handshake.identity_mismatch",
                 {"REQ-HS-020", "REQ-MSG-020"},
                 Level::kMust,
                 "HS_AUTH_REQUEST names another SERIAL_NO in its header (one character changed): ABORT 26",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kIdentityMismatch, "REQ-HS-020: a header identity not the session's is 26"),
                          on_hs_auth_request([](Bytes& b) {
                            std::uint8_t& c = b[26];  // the first character of SERIAL_NO (spec/03-messages.md 3.2)
                            c = c == 0x7E ? 0x7D : static_cast<std::uint8_t>(c + 1);
                          }))}});
  all.push_back({"handshake.profile_not_offered",
                 {"REQ-MSG-040", "REQ-HS-020"},
                 Level::kMust,
                 "the TMS answers in a profile the terminal did not offer (a downgrade), the body well formed "
                 "for that profile: the terminal ends the session with ABORT 08 before it unwraps DWK_1",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kNoAcceptableProfile, "REQ-MSG-040: a PROFILE not offered is 08"),
                          on_hs_auth_request(answer_in_another_profile))}});
  all.push_back({"key.key_mac_mismatch",
                 {"REQ-KEY-020"},
                 Level::kMust,
                 "KEY_MAC in KEY_MESSAGE is changed in its last octet: the terminal stores nothing and ends "
                 "the session with ABORT 13",
                 std::nullopt,
                 {key(aborts(ResponseCode::kMacFailed, "REQ-KEY-020: a KEY_MAC mismatch ends the session with ABORT 13"),
                      flip_last_octet(MsgType::kKeyMessage))}});
  all.push_back({"envelope.pkg_confirm_mac",
                 {"REQ-MSG-070"},
                 Level::kMust,
                 "the MAC of the PKG_CONFIRM envelope is changed in its last octet: the terminal refuses it "
                 "with ABORT 13 before decrypting",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kMacFailed, "REQ-MSG-070: an envelope MAC mismatch is ABORT 13"),
                          flip_last_octet(MsgType::kPkgConfirm))}});
  all.push_back({"envelope.frame_response_mac",
                 {"REQ-MSG-070"},
                 Level::kMust,
                 "the MAC of the first FRAME_RESPONSE envelope is changed in its last octet: ABORT 13",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kMacFailed, "REQ-MSG-070: an envelope MAC mismatch is ABORT 13"),
                          flip_last_octet(MsgType::kFrameResponse))}});
  {
    Publication stranger;
    stranger.signed_by_stranger = true;
    all.push_back({"download.signature_of_a_stranger",
                   {"REQ-DL-010", "REQ-DL-061"},
                   Level::kMust,
                   "the only package offered is signed by a key that is neither the terminal's vendor's nor "
                   "pinned: the terminal requests no piece and ends with ABORT 19",
                   std::nullopt,
                   {program({stranger},
                            aborts(ResponseCode::kSignatureInvalid, "REQ-DL-010: a SIGNATURE that does not verify is ABORT 19"))}});
  }
  {
    SessionPlan s = program({Publication{}},
                            aborts(ResponseCode::kIntegrityFailed,
                                   "REQ-DL-023: a DATA piece that does not match its FIT entry is ABORT 18"));
    s.pieces.corrupt_first_data_piece = true;
    all.push_back({"download.corrupt_piece",
                   {"REQ-DL-023"},
                   Level::kMust,
                   "the vendor's database serves DATA piece 0 with one octet changed, under a correct envelope: "
                   "the terminal stages nothing of it and ends with ABORT 18",
                   std::nullopt,
                   {std::move(s)}});
  }
  return all;
}

}  // namespace tmsproto::conformance
