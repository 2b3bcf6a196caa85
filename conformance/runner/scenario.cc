#include "conformance/runner/scenario.h"

#include <memory>

#include "codec/abort_message.h"
#include "codec/envelope.h"
#include "codec/handshake_messages.h"
#include "codec/key_message.h"
#include "conformance/runner/catalogue.h"

namespace tmsproto::conformance {
namespace {

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
  return [type, nth, edit](MsgType t, std::size_t n, ByteView body, const Forgery&) -> std::optional<Replacement> {
    if (t != type || n != nth || body.empty()) return std::nullopt;
    Bytes changed(body.begin(), body.end());
    edit(changed);
    return Replacement{{std::move(changed)}, false};
  };
}

Change forge_message(MsgType type, std::size_t nth, std::function<Bytes(ByteView, const Forgery&)> forge) {
  return [type, nth, forge](MsgType t, std::size_t n, ByteView body, const Forgery& f) -> std::optional<Replacement> {
    if (t != type || n != nth || body.empty()) return std::nullopt;
    Bytes forged = forge(body, f);
    if (forged.empty()) return std::nullopt;
    return Replacement{{std::move(forged)}, false};
  };
}

Change withhold(MsgType type, std::size_t nth) {
  return [type, nth](MsgType t, std::size_t n, ByteView, const Forgery&) -> std::optional<Replacement> {
    if (t != type || n != nth) return std::nullopt;
    return Replacement{{}, false};  // REQ-CONF-028: nothing sent, the connection kept open
  };
}

Change answer_late(MsgType type, std::int64_t delay_ms) {
  return [type, delay_ms](MsgType t, std::size_t, ByteView body, const Forgery&) -> std::optional<Replacement> {
    if (t != type) return std::nullopt;
    WireChange late;
    late.delay_ms = delay_ms;
    return Replacement{{Bytes(body.begin(), body.end())}, false, late};
  };
}

Change flip_last_octet(MsgType type, std::size_t nth) {
  return edit_message(type, nth, [](Bytes& body) { body.back() ^= 0x01; });
}

std::vector<Scenario> catalogue() {
  std::vector<Scenario> all;
  // What an honest session shows besides its completion: every message the terminal sends keeps
  // the rules the suite checks in every session (REQ-CONF-035), and the cryptography of its
  // profile is computed as the suite's TMS computes it, or the terminal refuses an honest TAC_1,
  // KEY_MAC or envelope, or sends a SAC_1, OPERATOR_PROOF or envelope the suite's TMS refuses.
  const auto honest_reqs = [](Profile p, TransCode t, std::vector<std::string> reqs) {
    const bool key = t == TransCode::kKeyDownload;
    for (const char* r : {"REQ-MSG-010", "REQ-MSG-011", "REQ-MSG-031", "REQ-MSG-032", "REQ-MSG-033", "REQ-MSG-034",
                          "REQ-MSG-041", "REQ-MSG-050", "REQ-MSG-051", "REQ-MSG-120", "REQ-MSG-121", "REQ-DL-001",
                          "REQ-DL-040", "REQ-HS-002", "REQ-HS-021", "REQ-SEC-001", "REQ-SEC-002", "REQ-SEC-005",
                          "REQ-OPR-001", "REQ-CRYPTO-012", "REQ-CRYPTO-021", "REQ-CRYPTO-036", "REQ-CRYPTO-037",
                          "REQ-CRYPTO-040", "REQ-CRYPTO-041", "REQ-CRYPTO-042"}) {
      reqs.push_back(r);
    }
    // PKG_ANNOUNCE and TERM_INFO's packages; the signature over each manifest.
    if (!key) reqs.insert(reqs.end(), {"REQ-MSG-080", "REQ-MSG-122", "REQ-CRYPTO-013"});
    // Attended: OPV over the salt and count the suite's TMS sent, the proof it verifies (25).
    if (key) reqs.insert(reqs.end(), {"REQ-OPR-002", "REQ-OPR-003", "REQ-CRYPTO-034"});
    if (p == Profile::kLegacy) {
      // DES (DWK_1, the X9.9 MACs), TAC and SAC over T_DATA and S_DATA, OPERATOR_PROOF all 0x00.
      reqs.insert(reqs.end(), {"REQ-CRYPTO-001", "REQ-CRYPTO-006", "REQ-CRYPTO-022", "REQ-CRYPTO-023",
                               "REQ-CRYPTO-024", "REQ-CRYPTO-034"});
      return reqs;
    }
    // The transcript hashes, K_MAC and K_KEK by the CMAC KDF, the cryptograms over TH_*.
    reqs.insert(reqs.end(), {"REQ-HS-001", "REQ-SEC-012", "REQ-CRYPTO-008", "REQ-CRYPTO-010", "REQ-CRYPTO-030",
                             "REQ-CRYPTO-032", "REQ-CRYPTO-033"});
    // TDES in the TDES profile, and the 2-key TDES TMK's KCV a key download checks in every profile.
    if (p == Profile::kTdes) reqs.insert(reqs.end(), {"REQ-CRYPTO-007"});
    if (p == Profile::kTdes || key) reqs.insert(reqs.end(), {"REQ-CRYPTO-002", "REQ-CRYPTO-017"});
    if (p == Profile::kAes128 || p == Profile::kAes256) reqs.insert(reqs.end(), {"REQ-CRYPTO-003"});
    return reqs;
  };
  // REQ-CONF-023: an honest session the terminal completes, in every profile and transaction.
  for (Profile p : {Profile::kAes128, Profile::kAes256, Profile::kTdes, Profile::kLegacy}) {
    const std::string word(profile_word(p));
    all.push_back({"honest.program." + word,
                   honest_reqs(p, TransCode::kProgramDownload,
                               {"REQ-HS-023", "REQ-DL-010", "REQ-DL-023", "REQ-DL-030", "REQ-DL-031"}),
                   Level::kMust,
                   "an honest program download of one application in the " + word +
                       " profile: the terminal verifies, stages, applies it and ends with SESSION_END 00",
                   p,
                   {program({Publication{}}, completes())}});
    if (p == Profile::kLegacy) continue;  // REQ-KEY-014: LEGACY delivers no keys
    all.push_back({"honest.key." + word,
                   honest_reqs(p, TransCode::kKeyDownload, {"REQ-HS-023", "REQ-KEY-020", "REQ-KEY-021", "REQ-KEY-022"}),
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
                 {"REQ-HS-022", "REQ-HS-024", "REQ-MSG-050", "REQ-HS-021", "REQ-SEC-001", "REQ-MSG-110",
                  "REQ-ERR-004"},
                 Level::kMust,
                 "TAC_1 in HS_AUTH_REQUEST is changed in its last octet: the terminal refuses the TMS with "
                 "ABORT 11 and computes no SAC_1",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kTmsAuthFailed, "REQ-HS-024: TAC_0 differs from TAC_1: ABORT 11"),
                          flip_last_octet(MsgType::kHsAuthRequest))}});
  all.push_back({"message.hs_auth_request_version",
                 {"REQ-MSG-004", "REQ-HS-020", "REQ-MSG-013", "REQ-MSG-110", "REQ-ERR-004"},
                 Level::kMust,
                 "HS_AUTH_REQUEST carries VERSION 0x02: the terminal refuses it with ABORT 03",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kUnsupportedVersion, "REQ-MSG-004: a VERSION other than 0x01 is 03"),
                          on_hs_auth_request([](Bytes& b) { b[1] = 0x02; }))}});
  all.push_back({"message.hs_auth_request_truncated",
                 {"REQ-MSG-042", "REQ-MSG-004", "REQ-HS-020", "REQ-MSG-110", "REQ-ERR-004"},
                 Level::kMust,
                 "HS_AUTH_REQUEST arrives one octet short (TAC_1 shorter than the profile's MAC): ABORT 01",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kMalformed, "REQ-MSG-042: a body of another length is malformed, 01"),
                          on_hs_auth_request([](Bytes& b) { b.pop_back(); }))}});
  all.push_back({"message.hs_auth_request_extended",
                 {"REQ-MSG-002", "REQ-HS-020", "REQ-MSG-110", "REQ-ERR-004"},
                 Level::kMust,
                 "HS_AUTH_REQUEST arrives with one octet more than its fields: ABORT 01",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kMalformed, "REQ-MSG-002: octets left over after the last field are 01"),
                          on_hs_auth_request([](Bytes& b) { b.push_back(0x00); }))}});
  all.push_back({"handshake.identity_mismatch",
                 {"REQ-HS-020", "REQ-MSG-020", "REQ-SEC-004", "REQ-MSG-110", "REQ-ERR-004"},
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
                 {"REQ-MSG-040", "REQ-HS-020", "REQ-SEC-005", "REQ-MSG-110", "REQ-ERR-004"},
                 Level::kMust,
                 "the TMS answers in a profile the terminal did not offer (a downgrade), the body well formed "
                 "for that profile: the terminal ends the session with ABORT 08 before it unwraps DWK_1",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kNoAcceptableProfile, "REQ-MSG-040: a PROFILE not offered is 08"),
                          on_hs_auth_request(answer_in_another_profile))}});
  all.push_back({"key.key_mac_mismatch",
                 {"REQ-KEY-020", "REQ-MSG-110", "REQ-ERR-004"},
                 Level::kMust,
                 "KEY_MAC in KEY_MESSAGE is changed in its last octet: the terminal stores nothing and ends "
                 "the session with ABORT 13",
                 std::nullopt,
                 {key(aborts(ResponseCode::kMacFailed, "REQ-KEY-020: a KEY_MAC mismatch ends the session with ABORT 13"),
                      flip_last_octet(MsgType::kKeyMessage))}});
  all.push_back({"envelope.pkg_confirm_mac",
                 {"REQ-MSG-070", "REQ-SEC-006", "REQ-MSG-110", "REQ-ERR-004"},
                 Level::kMust,
                 "the MAC of the PKG_CONFIRM envelope is changed in its last octet: the terminal refuses it "
                 "with ABORT 13 before decrypting",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kMacFailed, "REQ-MSG-070: an envelope MAC mismatch is ABORT 13"),
                          flip_last_octet(MsgType::kPkgConfirm))}});
  all.push_back({"envelope.frame_response_mac",
                 {"REQ-MSG-070", "REQ-SEC-006", "REQ-MSG-110", "REQ-ERR-004"},
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
                   {"REQ-DL-010", "REQ-DL-061", "REQ-SEC-006", "REQ-MSG-110", "REQ-ERR-004"},
                   Level::kMust,
                   "the only package offered is signed by a key that is neither the terminal's vendor's nor "
                   "pinned: the terminal requests no piece and ends with ABORT 19",
                   std::nullopt,
                   {program({stranger},
                            aborts(ResponseCode::kSignatureInvalid, "REQ-DL-010: a SIGNATURE that does not verify is ABORT 19"))}});
  }
  {
    SessionPlan first = program({Publication{}},
                                aborts(ResponseCode::kIntegrityFailed,
                                       "REQ-DL-023: a DATA piece that does not match its FIT entry is ABORT 18"));
    first.pieces.corrupt_first_data_piece = true;
    Expectation then = completes();
    then.announces = 0;
    all.push_back({"download.corrupt_piece",
                   {"REQ-DL-023", "REQ-DL-034", "REQ-CONF-024", "REQ-SEC-006", "REQ-MSG-110", "REQ-ERR-004"},
                   Level::kMust,
                   "the vendor's database serves DATA piece 0 with one octet changed, under a correct envelope: "
                   "the terminal stages nothing of it and ends with ABORT 18; in the next session it does not "
                   "announce the new version as installed, and downloads it honestly",
                   std::nullopt,
                   {std::move(first), program({}, then)}});
  }
  all.push_back({"envelope.frame_response_seq",
                 {"REQ-DL-002", "REQ-MSG-110", "REQ-ERR-004"},
                 Level::kMust,
                 "the first FRAME_RESPONSE is sealed correctly but with SEQ one above the TMS's next: after the "
                 "MAC verifies, the terminal refuses the SEQ with ABORT 14",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kSequenceError, "REQ-DL-002: any SEQ but the next is ABORT 14"),
                          forge_message(MsgType::kFrameResponse, 0, [](ByteView body, const Forgery& f) -> Bytes {
                            auto e = f.keys.envelope(false, body);
                            auto payload = f.keys.open(false, body);
                            if (!e || !payload) return {};
                            return f.keys.seal(false, MsgType::kFrameResponse, e->seq + 1, *payload);
                          }))}});
  {
    // The first FRAME_RESPONSE as it was sent, sent again in place of the second.
    auto first = std::make_shared<Bytes>();
    Change replay = [first](MsgType t, std::size_t n, ByteView body, const Forgery&) -> std::optional<Replacement> {
      if (t != MsgType::kFrameResponse) return std::nullopt;
      if (n == 0) first->assign(body.begin(), body.end());
      if (n != 1 || first->empty()) return std::nullopt;
      return Replacement{{*first}, false};
    };
    all.push_back({"envelope.frame_response_replayed",
                   {"REQ-DL-002", "REQ-SEC-003", "REQ-MSG-110", "REQ-ERR-004"},
                   Level::kMust,
                   "the second FRAME_RESPONSE is the first one again, octet for octet (a replay with a valid "
                   "MAC): the terminal refuses its SEQ with ABORT 14",
                   std::nullopt,
                   {program({Publication{}},
                            aborts(ResponseCode::kSequenceError, "REQ-DL-002: a replayed envelope's SEQ is ABORT 14"),
                            std::move(replay))}});
  }
  all.push_back({"message.unexpected_hs_auth_request",
                 {"REQ-TERM-001", "REQ-MSG-001", "REQ-MSG-110", "REQ-ERR-004"},
                 Level::kMust,
                 "where KEY_MESSAGE is due, the TMS sends its HS_AUTH_REQUEST again: a well-formed message the "
                 "terminal's state does not expect, answered with ABORT 02 (row T14)",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kUnexpectedMessage, "row T14: a message the state does not expect is 02"),
                          [sent = std::make_shared<Bytes>()](MsgType t, std::size_t, ByteView body,
                                                             const Forgery&) -> std::optional<Replacement> {
                            if (t == MsgType::kHsAuthRequest) sent->assign(body.begin(), body.end());
                            if (t != MsgType::kKeyMessage || sent->empty()) return std::nullopt;
                            return Replacement{{*sent}, false};
                          })}});
  all.push_back({"message.tms_abort",
                 {"REQ-ERR-003", "REQ-ERR-002"},
                 Level::kMust,
                 "the TMS sends ABORT 96 where KEY_MESSAGE is due: the terminal ends the session without "
                 "answering and stores nothing",
                 std::nullopt,
                 {program({Publication{}}, silent("REQ-ERR-003: an ABORT received is never answered"),
                          edit_message(MsgType::kKeyMessage, 0,
                                       [](Bytes& b) { b = codec::serialize(codec::Abort{ResponseCode::kInternalError}); }))}});
  all.push_back({"message.defective_tms_abort",
                 {"REQ-ERR-005"},
                 Level::kMust,
                 "the TMS sends an ABORT of VERSION 0x02 where KEY_MESSAGE is due: a defective ABORT still ends "
                 "the session, and is never answered",
                 std::nullopt,
                 {program({Publication{}}, silent("REQ-ERR-005: a defective ABORT counts as ABORT 01, never answered"),
                          edit_message(MsgType::kKeyMessage, 0, [](Bytes& b) {
                            b = codec::serialize(codec::Abort{ResponseCode::kInternalError});
                            b[1] = 0x02;
                          }))}});
  all.push_back({"handshake.opv_iterations_without_operator",
                 {"REQ-HS-026", "REQ-MSG-043", "REQ-MSG-110", "REQ-ERR-004"},
                 Level::kMust,
                 "in a program download without an operator, HS_AUTH_REQUEST carries OPV_ITERATIONS 100000 "
                 "under a correct TAC_1: the terminal refuses it with ABORT 01 and sends no SAC_1",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kMalformed,
                                 "REQ-HS-026: OPV_ITERATIONS not 0 when the HS_REQUEST named no operator is 01"),
                          forge_message(MsgType::kHsAuthRequest, 0, [](ByteView body, const Forgery& f) -> Bytes {
                            auto m = codec::parse_hs_auth_request(body);
                            if (!m.ok()) return {};
                            m->opv_iterations = codec::kMinOpvIterations;
                            return f.keys.with_tac(*m);
                          }))}});
  {
    // Session 1's HS_AUTH_REQUEST, octet for octet, answers session 2's HS_REQUEST.
    auto earlier = std::make_shared<Bytes>();
    Change record = [earlier](MsgType t, std::size_t n, ByteView body, const Forgery&) -> std::optional<Replacement> {
      if (t == MsgType::kHsAuthRequest && n == 0) earlier->assign(body.begin(), body.end());
      return std::nullopt;
    };
    Change replay = [earlier](MsgType t, std::size_t n, ByteView, const Forgery&) -> std::optional<Replacement> {
      if (t != MsgType::kHsAuthRequest || n != 0 || earlier->empty()) return std::nullopt;
      return Replacement{{*earlier}, false};
    };
    all.push_back({"handshake.replayed_hs_auth_request",
                   {"REQ-HS-025", "REQ-HS-020", "REQ-HS-004", "REQ-SEC-003", "REQ-SEC-001", "REQ-SEC-004",
                    "REQ-SEC-014", "REQ-MSG-110", "REQ-ERR-004"},
                   Level::kMust,
                   "the HS_AUTH_REQUEST of an earlier, completed session (its S_DATA, DWK_1 and TAC_1) answers a "
                   "new session's HS_REQUEST: the terminal refuses it with ABORT 11 and sends no SAC_1",
                   std::nullopt,
                   {program({Publication{}}, completes(), std::move(record)),
                    program({}, aborts(ResponseCode::kTmsAuthFailed,
                                       "REQ-HS-025: a DWK_1 bound to another session's HS_REQUEST is ABORT 11"),
                            std::move(replay))}});
  }
  all.push_back({"key.kcv_mismatch",
                 {"REQ-KEY-021", "REQ-KEY-022", "REQ-MSG-110", "REQ-ERR-004"},
                 Level::kMust,
                 "KEY_MESSAGE delivers the TMK with one octet of its KCV changed, under a correct KEY_MAC: the "
                 "terminal stores no key and ends the session with ABORT 18",
                 std::nullopt,
                 {key(aborts(ResponseCode::kIntegrityFailed, "REQ-KEY-021: a key check value that does not match is 18"),
                      reseal_key_message([](codec::KeyMessage& m) {
                        if (m.entries.size() > 1 && !m.entries.back().kcv.empty()) m.entries.back().kcv[0] ^= 0x01;
                      }))}});
  all.push_back({"key.slot_not_in_table",
                 {"REQ-KEY-021", "REQ-KEY-025", "REQ-MSG-110", "REQ-ERR-004"},
                 Level::kMust,
                 "KEY_MESSAGE delivers the TMK into vendor slot 0xFE, which the terminal's slot table does not "
                 "hold, under a correct KEY_MAC: the terminal stores nothing and ends with ABORT 18",
                 std::nullopt,
                 {key(aborts(ResponseCode::kIntegrityFailed, "REQ-KEY-021: a key for a slot not in the slot table is 18"),
                      reseal_key_message([](codec::KeyMessage& m) {
                        // The TMK alone (the table's first slot), so that with more slots in the
                        // table the key is still one its first rule unwraps: only the slot check refuses it.
                        if (m.entries.size() > 1) m.entries.resize(2);
                        if (m.entries.size() > 1) m.entries.back().slot = 0xFE;
                      }))}});
  all.push_back({"download.frame_response_other_piece",
                 {"REQ-MSG-100", "REQ-DL-023", "REQ-SEC-006", "REQ-SEC-008", "REQ-MSG-110", "REQ-ERR-004"},
                 Level::kMust,
                 "the first FRAME_RESPONSE names PIECE 1 where the terminal asked for piece 0, under a correct "
                 "envelope: it does not answer the outstanding request, ABORT 01",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kMalformed, "REQ-MSG-100: coordinates not those requested are 01"),
                          reseal_frame(0, [](codec::FrameResponse& r) { r.piece += 1; }))}});
  all.push_back({"download.frame_response_short",
                 {"REQ-MSG-100", "REQ-SEC-008", "REQ-MSG-110", "REQ-ERR-004"},
                 Level::kMust,
                 "the second FRAME_RESPONSE (DATA piece 0) carries one octet less than the piece, under a "
                 "correct envelope: DATA_LEN is not the piece length, ABORT 01",
                 std::nullopt,
                 {program({Publication{}},
                          aborts(ResponseCode::kMalformed, "REQ-MSG-100: DATA_LEN other than the piece length is 01"),
                          reseal_frame(1, [](codec::FrameResponse& r) {
                            if (!r.data.empty()) r.data.pop_back();
                          }))}});
  {
    Publication older;
    older.version = 1;
    Expectation refused = aborts(ResponseCode::kRollbackRefused,
                                 "REQ-DL-010: a VERSION not greater than the installed one is ABORT 20");
    refused.announces = 2;
    all.push_back({"download.rollback",
                   {"REQ-DL-010", "REQ-DL-064", "REQ-DL-031", "REQ-CONF-024", "REQ-SEC-007", "REQ-MSG-110",
                    "REQ-ERR-004"},
                   Level::kMust,
                   "after an honest session installs version 2, a TMS offers version 1, correctly signed by the "
                   "terminal's vendor: the terminal announces version 2 and refuses the offer with ABORT 20",
                   std::nullopt,
                   {program({Publication{}}, completes()), program({}, refused, confirm_instead({older}))}});
    Publication same;
    Expectation again = refused;
    again.because = "REQ-DL-010: a VERSION equal to the installed one is ABORT 20";
    all.push_back({"download.same_version_again",
                   {"REQ-DL-010", "REQ-DL-064", "REQ-SEC-007", "REQ-MSG-110", "REQ-ERR-004"},
                   Level::kMust,
                   "after an honest session installs version 2, a TMS offers version 2 again (a new signature "
                   "over the same version): not greater than the installed one, ABORT 20",
                   std::nullopt,
                   {program({Publication{}}, completes()), program({}, again, confirm_instead({same}))}});
  }
  {
    Publication other;
    other.model_id = "OTHER-MODEL";
    all.push_back({"download.package_for_another_model",
                   {"REQ-DL-010", "REQ-MSG-110", "REQ-ERR-004"},
                   Level::kMust,
                   "PKG_CONFIRM offers a package the terminal's vendor signed for another MODEL_ID: the terminal "
                   "requests no piece and ends with ABORT 27",
                   std::nullopt,
                   {program({Publication{}},
                            aborts(ResponseCode::kManifestNotForTerminal,
                                   "REQ-DL-010: a VENDOR_ID or MODEL_ID not the terminal's own is ABORT 27"),
                            confirm_instead({other}))}});
  }
  // REQ-CONF-024: a cut at every message the TMS sends in a program download, then a session in
  // which the terminal must resume from what it verified and staged (REQ-DL-020, REQ-DL-034).
  {
    const Publication package;
    const std::uint32_t pieces = data_pieces(package);
    struct Cut {
      std::string where;
      MsgType type;
      std::size_t nth;
      std::optional<codec::FrameRequest> first;  // what the next session must request first
      std::size_t requests;                      // and how many requests it sends
      std::uint32_t announces;
    };
    const codec::FrameRequest fit0{0, codec::Section::kFit, 0};
    std::vector<Cut> cuts = {
        {"hs_auth_request", MsgType::kHsAuthRequest, 0, fit0, 1 + pieces, 0},
        {"key_message", MsgType::kKeyMessage, 0, fit0, 1 + pieces, 0},
        {"pkg_confirm", MsgType::kPkgConfirm, 0, fit0, 1 + pieces, 0},
        {"fit_piece", MsgType::kFrameResponse, 0, fit0, 1 + pieces, 0},
    };
    for (std::uint32_t i = 0; i < pieces; ++i) {
      // The FIT (one piece) is verified and staged; DATA pieces 0..i-1 too.
      cuts.push_back({"data_piece_" + std::to_string(i), MsgType::kFrameResponse, 1 + i,
                      codec::FrameRequest{0, codec::Section::kData, i}, pieces - i, 0});
    }
    cuts.push_back({"session_end_ack", MsgType::kSessionEndAck, 0, std::nullopt, 0, package.version});
    for (const Cut& c : cuts) {
      Expectation resumed = completes();
      resumed.first_request = c.first;
      resumed.requests = c.requests;
      resumed.announces = c.announces;
      const bool applied = c.type == MsgType::kSessionEndAck;
      all.push_back({"resume.cut_before_" + c.where,
                     applied ? std::vector<std::string>{"REQ-DL-031", "REQ-DL-034", "REQ-CONF-024"}
                             : std::vector<std::string>{"REQ-DL-020", "REQ-DL-021", "REQ-DL-034", "REQ-CONF-024",
                                                        "REQ-SEC-008"},
                     Level::kMust,
                     "the suite's TMS closes the connection instead of sending " +
                         std::string(applied ? "SESSION_END_ACK" : c.where == "fit_piece" ? "the FIT piece"
                                                                   : c.type == MsgType::kFrameResponse
                                                                       ? "DATA piece " + c.where.substr(11)
                                                                       : std::string(name(c.type))) +
                         "; in the next session the terminal " +
                         (applied ? "announces the version it applied and completes"
                                  : "requests only the pieces it has not verified and staged, in order, and completes"),
                     std::nullopt,
                     {program({package}, is_cut(), cut_before(c.type, c.nth)), program({}, resumed)}});
    }
  }
  // REQ-CONF-028: the TMS stalls where the terminal waits for a piece; only the terminal's own
  // T_RESPONSE can end the session in time (the suite's is lengthened), with ABORT 23.
  all.push_back({"timeout.stall_before_frame_response",
                 {"REQ-HS-033", "REQ-MSG-110", "REQ-ERR-004"},
                 Level::kMust,
                 "the suite withholds the first FRAME_RESPONSE and keeps the connection open: the terminal ends the "
                 "session with ABORT 23 about T_RESPONSE (30 s) after its FRAME_REQUEST",
                 std::nullopt,
                 {program({Publication{}},
                          times_out("REQ-HS-033: the next expected message did not arrive within T_RESPONSE"),
                          withhold(MsgType::kFrameResponse))}});
  // REQ-CONF-037: a TMS that answers each request in time but so slowly that the session passes
  // T_SESSION; only the terminal's session clock can end it in time, with ABORT 23.
  Publication many_pieces;
  many_pieces.chunk_size = 256;
  many_pieces.length = kSlowTmsPieces * 256;
  all.push_back({"timeout.session_outlasts_t_session",
                 {"REQ-SEC-010", "REQ-HS-033", "REQ-ERR-004"},
                 Level::kMust,
                 "the suite answers every FRAME_REQUEST 20 s late, within T_RESPONSE, over a package of 48 pieces: the "
                 "terminal ends the session with ABORT 23 about T_SESSION (600 s) after it connected; runs over ten "
                 "minutes, and only with a sessionSeconds of 620 or more",
                 std::nullopt,
                 {program({many_pieces},
                          outlasts_session("REQ-SEC-010: a session ends after T_SESSION"),
                          answer_late(MsgType::kFrameResponse, kSlowAnswerMs))}});
  add_field_scenarios(all);
  add_key_scenarios(all);
  add_local_scenarios(all);
  add_bound_scenarios(all);
  add_frame_scenarios(all);
  add_state_scenarios(all);
  add_tpdu_scenarios(all);
  return all;
}

}  // namespace tmsproto::conformance
