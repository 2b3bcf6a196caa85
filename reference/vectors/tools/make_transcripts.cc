// tmsproto_make_transcripts [OUT.json]: writes vectors/tms_transcript.json (algorithm
// TMS-TRANSCRIPT, vectors/README.md) to OUT.json, or to stdout.
//
// Each valid case is one honest session between the reference terminal and the reference TMS, run
// on the in-memory estate of sim/estate.h built from the case's seed, with a fixed clock per side
// and each side's random source recorded (RecordingRandom). The recorded draws are labelled by
// what the engine draws them for, in the engine's order (kTmsDraws below); the generator refuses
// to write a case whose draws do not have exactly those uses and lengths. Every case is then
// checked with the same checker `tmsproto vectors check` uses, and every invalid case must be
// rejected by it, before anything is written.
//
// These are recordings of tmsproto, not independent answers; the handshake cryptograms in them
// are recomputed independently by vectors/tools/recompute_handshake.py.
#include <cstdio>
#include <deque>
#include <functional>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "codec/download_payloads.h"
#include "codec/abort_message.h"
#include "codec/handshake_messages.h"
#include "sim/estate.h"
#include "sim/lockstep.h"
#include "sim/row_support.h"
#include "vectors/document.h"
#include "vectors/transcript_vectors.h"

namespace tmsproto::vectors {
namespace {

const codec::DateTime kTerminalTime{2026, 11, 26, 16, 0, 0};
const codec::DateTime kTmsTime{2026, 11, 26, 16, 0, 5};

// Replaces a message in flight (an attacker's, or a broken peer's): returns the body to deliver
// instead, which the transcript marks injected, or nullopt to deliver the honest one. `nth` counts
// the messages of that type so far (0 for the first).
using Tamper = std::function<std::optional<Bytes>(const TranscriptMessage& m, std::size_t nth,
                                                  const sim::SessionKeys& keys, sim::Estate& e)>;

struct CaseSpec {
  std::uint64_t seed;
  Profile profile;
  TransCode trans;
  bool with_operator;
  std::vector<sim::PackageSpec> packages;
  std::vector<codec::InstalledPackage> installed;
  std::string comment;
  // The outcome the case is written for; the generator refuses to write a case whose engines end
  // otherwise. kSuccess: both sides complete.
  ResponseCode want = ResponseCode::kSuccess;
  std::function<void(TranscriptPolicy&, sim::Estate&)> setup = nullptr;  // policy and vendor database
  Tamper tamper = nullptr;
  codec::DateTime tms_time = kTmsTime;
  std::string flag = "HonestSession";
};

sim::PackageSpec app(std::uint32_t version) {
  return {codec::PackageKind::kApplication, "PAYAPP", version, 1300, 512};
}
sim::PackageSpec params() { return {codec::PackageKind::kParameters, "PAYPARAM", 1, 300, 256}; }

// The valid sessions: every profile, both transactions.
std::vector<CaseSpec> valid_specs() {
  return {
      {1, Profile::kLegacy, TransCode::kProgramDownload, false, {app(2)}, {},
       "LEGACY (insecure, patent-faithful), remote program download, unattended (the only LEGACY session, "
       "REQ-CRYPTO-025)"},
      {2, Profile::kTdes, TransCode::kProgramDownload, false, {app(2), params()}, {},
       "TDES, remote program download of two packages, unattended"},
      {3, Profile::kTdes, TransCode::kProgramDownload, true, {app(2)}, {},
       "TDES, remote program download, operator OP01"},
      {4, Profile::kTdes, TransCode::kKeyDownload, true, {}, {},
       "TDES, remote key download of key set TMK00001 (2 keys), operator OP01"},
      {5, Profile::kAes128, TransCode::kProgramDownload, false, {app(2)}, {},
       "AES128, remote program download, unattended (OPERATOR_ID all 0x20, OPERATOR_PROOF all 0x00)"},
      {6, Profile::kAes128, TransCode::kKeyDownload, true, {}, {},
       "AES128, remote key download of key set TMK00001 (2 keys), operator OP01"},
      {7, Profile::kAes256, TransCode::kProgramDownload, true, {app(3), params()},
       {{codec::PackageKind::kApplication, "PAYAPP", 2}},
       "AES256, remote program download of two packages, PAYAPP v2 installed before (v3 offered)"},
      {8, Profile::kAes256, TransCode::kKeyDownload, true, {}, {},
       "AES256, remote key download of key set TMK00001 (2 keys), operator OP01"},
  };
}

bool is(const TranscriptMessage& m, MsgType t) { return !m.body.empty() && m.body[0] == static_cast<std::uint8_t>(t); }

// The first message of type `t` (from whichever side sends it), changed by `f`.
Tamper first(MsgType t, std::function<Bytes(Bytes, const sim::SessionKeys&, sim::Estate&)> f) {
  return [t, f](const TranscriptMessage& m, std::size_t nth, const sim::SessionKeys& k, sim::Estate& e) -> std::optional<Bytes> {
    if (!is(m, t) || nth != 0) return std::nullopt;
    return f(m.body, k, e);
  };
}

// The payload of a download-phase envelope, changed by `f` and sealed again under the session's
// keys (sim::SessionKeys::reseal): a correctly MACed message breaking a rule behind the MAC.
Tamper reseal_first(MsgType t, std::function<Bytes(Bytes, sim::Estate&)> f) {
  return first(t, [t, f](Bytes body, const sim::SessionKeys& k, sim::Estate& e) {
    const bool from_terminal = t == MsgType::kFrameRequest || t == MsgType::kPkgAnnounce || t == MsgType::kSessionEnd;
    return k.reseal(from_terminal, body, f(*k.open(from_terminal, body), e));
  });
}

Bytes with_hs_request(Bytes body, const std::function<void(codec::HsRequest&)>& f) {
  codec::HsRequest r = *codec::parse_hs_request(body);
  f(r);
  return codec::serialize(r);
}

// PKG_CONFIRM whose first offer is replaced by `m`, signed by the estate's vendor (REQ-DL-010), so
// that the terminal's checks after the signature are reached.
Bytes confirm_with(Bytes payload, sim::Estate& e, const std::function<void(codec::Manifest&)>& f) {
  codec::PkgConfirm pc = *codec::parse_pkg_confirm(payload);
  codec::Manifest m = pc.offers.at(0).manifest;
  f(m);
  pc.offers.at(0) = sim::rows::signed_offer(e, m);
  return codec::serialize(pc);
}

void seed_replay_cache(TranscriptPolicy& p, sim::Estate& e) {  // the T_RAND the terminal will draw
  crypto::DeterministicRandom probe = e.terminal_rng;
  std::array<std::uint8_t, 8> t{};
  probe.fill(t);
  p.replay_cache_seeded.push_back(t);
}

const codec::DateTime kTmsTimeStale{2026, 11, 26, 16, 10, 5};  // ten minutes after T_TIME: outside 300 s

// Sessions that end in a failure, each a correct run of the protocol ("valid"): the engines must
// reproduce them exactly, up to the ABORT (or SESSION_END 18 / 22). Codes 23 (TIMEOUT) and 28
// (CANCELLED) are local events, not transcripts; the terminal's 96 at START sends nothing
// (row T1); 04 and 05 are never sent in version 1.
std::vector<CaseSpec> failure_specs() {
  using R = ResponseCode;
  using P = Profile;
  using T = TransCode;
  const auto pd = T::kProgramDownload;
  const auto kd = T::kKeyDownload;
  std::vector<CaseSpec> v;
  // --- the TMS's checks of HS_REQUEST, row S1, REQ-HS-010 in its order ---
  v.push_back({101, P::kAes128, pd, false, {app(2)}, {},
               "REQ-MSG-004, REQ-ERR-001: HS_REQUEST with VERSION 0x02 (injected): the TMS answers ABORT 03",
               R::kUnsupportedVersion, nullptr,
               first(MsgType::kHsRequest, [](Bytes b, const sim::SessionKeys&, sim::Estate&) { b[1] = 0x02; return b; })});
  v.push_back({102, P::kAes128, pd, false, {app(2)}, {},
               "REQ-MSG-004: HS_REQUEST one octet short (injected): ABORT 01", R::kMalformed, nullptr,
               first(MsgType::kHsRequest, [](Bytes b, const sim::SessionKeys&, sim::Estate&) { b.pop_back(); return b; })});
  v.push_back({103, P::kAes128, pd, false, {app(2)}, {},
               "REQ-HS-010, REQ-MSG-030: HS_REQUEST with TRANS_CODE \"03\" (injected): ABORT 07",
               R::kUnsupportedTransaction, nullptr,
               first(MsgType::kHsRequest, [](Bytes b, const sim::SessionKeys&, sim::Estate&) { b[58] = '0'; b[59] = '3'; return b; })});
  v.push_back({104, P::kAes128, pd, false, {app(2)}, {},
               "REQ-TMS-001 row S10, REQ-MSG-001: a KEY_MESSAGE type (only a TMS sends it) in place of HS_REQUEST "
               "(injected): ABORT 02",
               R::kUnexpectedMessage, nullptr,
               first(MsgType::kHsRequest, [](Bytes, const sim::SessionKeys&, sim::Estate&) { return sim::rows::body_of_type(MsgType::kKeyMessage); })});
  v.push_back({105, P::kTdes, pd, false, {app(2)}, {},
               "REQ-HS-018: the registry does not know the terminal (policy terminalRegistered false): ABORT 06",
               R::kTerminalNotServed, [](TranscriptPolicy& p, sim::Estate&) { p.terminal_registered = false; }});
  v.push_back({106, P::kLegacy, pd, false, {app(2)}, {},
               "REQ-CRYPTO-020, REQ-HS-018: LEGACY enabled on the terminal but not in the TMS's record: ABORT 06",
               R::kTerminalNotServed, [](TranscriptPolicy& p, sim::Estate&) { p.tms_legacy_enabled = false; }});
  v.push_back({107, P::kLegacy, pd, false, {app(2)}, {},
               "REQ-CRYPTO-025, REQ-HS-018: a LEGACY key download (HS_REQUEST with TRANS_CODE 01 and key set "
               "TMK00001, injected: a LEGACY terminal refuses it at START, row T1): ABORT 06; the reason is in the "
               "TMS's audit log only (REQ-ERR-004)",
               R::kTerminalNotServed, nullptr,
               first(MsgType::kHsRequest, [](Bytes b, const sim::SessionKeys&, sim::Estate&) {
                 return with_hs_request(std::move(b), [](codec::HsRequest& r) { r.trans = TransCode::kKeyDownload; r.key_set_id = "TMK00001"; });
               })});
  v.push_back({108, P::kTdes, kd, true, {}, {},
               "REQ-HS-018, REQ-KEY-013: key set TMK00001 not registered for the terminal (policy keySetRegistered "
               "false): ABORT 06 before authentication",
               R::kTerminalNotServed, [](TranscriptPolicy& p, sim::Estate&) { p.key_set_registered = false; }});
  v.push_back({109, P::kAes128, pd, false, {app(2)}, {},
               "REQ-HS-012: T_TIME ten minutes before S_TIME, freshness window 300 s: ABORT 09", R::kStaleDatetime,
               nullptr, nullptr, kTmsTimeStale});
  v.push_back({110, P::kAes128, pd, false, {app(2)}, {},
               "REQ-HS-013: the terminal's T_RAND is already in the replay cache (policy replayCacheSeeded): ABORT 10",
               R::kReplay, seed_replay_cache});
  v.push_back({111, P::kAes128, pd, false, {app(2)}, {},
               "REQ-HS-010 order, REQ-ERR-001: stale AND replayed: freshness comes first, ABORT 09", R::kStaleDatetime,
               seed_replay_cache, nullptr, kTmsTimeStale});
  // --- the terminal's checks of HS_AUTH_REQUEST, row T2 ---
  v.push_back({112, P::kAes128, pd, false, {app(2)}, {},
               "REQ-MSG-004: HS_AUTH_REQUEST with VERSION 0x02 (injected): the terminal answers ABORT 03",
               R::kUnsupportedVersion, nullptr,
               first(MsgType::kHsAuthRequest, [](Bytes b, const sim::SessionKeys&, sim::Estate&) { b[1] = 0x02; return b; })});
  v.push_back({113, P::kAes128, pd, false, {app(2)}, {},
               "REQ-MSG-004: HS_AUTH_REQUEST with PROFILE 0x05, no profile (injected): ABORT 08 (a known profile "
               "the terminal did not offer would fail DWK_1_LEN first, 01)",
               R::kNoAcceptableProfile, nullptr,
               first(MsgType::kHsAuthRequest, [](Bytes b, const sim::SessionKeys&, sim::Estate&) { b[58] = 0x05; return b; })});
  v.push_back({114, P::kAes128, pd, false, {app(2)}, {},
               "REQ-TERM-001 row T14: a PKG_CONFIRM type in place of HS_AUTH_REQUEST (injected): ABORT 02",
               R::kUnexpectedMessage, nullptr,
               first(MsgType::kHsAuthRequest, [](Bytes, const sim::SessionKeys&, sim::Estate&) { return sim::rows::body_of_type(MsgType::kPkgConfirm); })});
  v.push_back({115, P::kTdes, pd, true, {app(2)}, {},
               "REQ-HS-022, REQ-HS-024: the last bit of TAC_1 flipped (injected): ABORT 11", R::kTmsAuthFailed, nullptr,
               first(MsgType::kHsAuthRequest, [](Bytes b, const sim::SessionKeys&, sim::Estate&) { b.back() ^= 0x01; return b; })});
  v.push_back({116, P::kAes256, pd, false, {app(2)}, {},
               "REQ-MSG-020, REQ-ERR-001: HS_AUTH_REQUEST carrying another serial number (injected): ABORT 26",
               R::kIdentityMismatch, nullptr,
               first(MsgType::kHsAuthRequest, [](Bytes b, const sim::SessionKeys&, sim::Estate&) { b[26] ^= 0x01; return b; })});
  // --- the TMS's checks of HS_AUTH_ANSWER, row S2 ---
  v.push_back({117, P::kAes128, pd, true, {app(2)}, {},
               "REQ-HS-031: the last bit of SAC_1 flipped (injected): the TMS answers ABORT 12", R::kTerminalAuthFailed,
               nullptr,
               first(MsgType::kHsAuthAnswer, [](Bytes b, const sim::SessionKeys&, sim::Estate&) { b.back() ^= 0x01; return b; })});
  v.push_back({118, P::kAes128, kd, true, {}, {},
               "REQ-OPR-006: operator OP01 locked (5 failures, lock until 2030) and the right password: ABORT 25",
               R::kOperatorAuthFailed, [](TranscriptPolicy& p, sim::Estate&) { p.operator_failures = 5; p.operator_locked_until_s = 946684800; }});
  v.push_back({119, P::kTdes, kd, true, {}, {},
               "REQ-OPR-007, REQ-OPR-004: operator OP01 not enrolled: HS_AUTH_REQUEST carries the decoy salt "
               "(from policy decoySaltKey), the TMS answers ABORT 25",
               R::kOperatorAuthFailed, [](TranscriptPolicy& p, sim::Estate&) {
                 p.operator_enrolled = false;
                 p.decoy_salt_key = Bytes(32, 0x5a);
               }});
  v.push_back({120, P::kAes256, kd, true, {}, {},
               "REQ-OPR-004: operator OP01 enrolled but not authorised for key download: ABORT 25",
               R::kOperatorAuthFailed, [](TranscriptPolicy& p, sim::Estate&) { p.operator_may_download_keys = false; }});
  v.push_back({121, P::kTdes, pd, false, {app(2)}, {},
               "REQ-OPR-005: an unattended program download for a terminal not allowed unattended: ABORT 25",
               R::kOperatorAuthFailed, [](TranscriptPolicy& p, sim::Estate&) { p.unattended_allowed = false; }});
  // --- KEY_MESSAGE, rows T3 / T4 ---
  v.push_back({122, P::kTdes, kd, true, {}, {},
               "REQ-KEY-022: the secure unit refuses the delivered keys (policy keyStoreFails): the terminal answers "
               "ABORT 21",
               R::kKeyStorageFailed, [](TranscriptPolicy& p, sim::Estate&) { p.key_store_fails = true; }});
  v.push_back({123, P::kAes128, kd, true, {}, {},
               "REQ-CRYPTO-036: one bit of KEY_MAC flipped (injected): ABORT 13", R::kMacFailed, nullptr,
               first(MsgType::kKeyMessage, [](Bytes b, const sim::SessionKeys&, sim::Estate&) { b.back() ^= 0x01; return b; })});
  // --- the download phase ---
  v.push_back({124, P::kAes128, pd, false, {app(2)}, {},
               "REQ-TMS-022: the vendor's interface fails when asked for offers (policy vendorFails): the TMS answers "
               "ABORT 96",
               R::kInternalError, [](TranscriptPolicy& p, sim::Estate&) { p.vendor_fails = true; }});
  v.push_back({125, P::kAes128, pd, false, {app(2)}, {},
               "REQ-DL-010: the vendor database holds the package with a signature that does not verify (one bit "
               "flipped): the terminal answers ABORT 19",
               R::kSignatureInvalid, [](TranscriptPolicy&, sim::Estate& e) { e.vendor().packages.at(0).offer.signature[5] ^= 0x01; }});
  v.push_back({126, P::kTdes, pd, false, {app(2)}, {},
               "REQ-DL-010, REQ-ERR-001: PKG_CONFIRM (injected, MAC valid) offering a vendor-signed manifest for model "
               "POS-Z9: ABORT 27",
               R::kManifestNotForTerminal, nullptr,
               reseal_first(MsgType::kPkgConfirm, [](Bytes pl, sim::Estate& e) { return confirm_with(pl, e, [](codec::Manifest& m) { m.model_id = "POS-Z9"; }); })});
  v.push_back({127, P::kAes256, pd, false, {app(3)}, {{codec::PackageKind::kApplication, "PAYAPP", 3}},
               "REQ-DL-010, REQ-SEC-007 (rollback): PKG_CONFIRM (injected, MAC valid) offering a vendor-signed PAYAPP v3 while v3 "
               "is installed (the TMS itself filters it out, REQ-DL-011): ABORT 20",
               R::kRollbackRefused, [](TranscriptPolicy&, sim::Estate& e) { e.vendor().packages.at(0).offer.manifest.version = 4; e.vendor().packages.at(0).offer = sim::rows::signed_offer(e, e.vendor().packages.at(0).offer.manifest); },
               reseal_first(MsgType::kPkgConfirm, [](Bytes pl, sim::Estate& e) { return confirm_with(pl, e, [](codec::Manifest& m) { m.version = 3; }); })});
  v.push_back({128, P::kAes128, pd, false, {app(2)}, {},
               "REQ-MSG-070, REQ-CRYPTO-042: one bit of the first FRAME_REQUEST's MAC flipped (injected): the TMS "
               "answers ABORT 13",
               R::kMacFailed, nullptr,
               first(MsgType::kFrameRequest, [](Bytes b, const sim::SessionKeys&, sim::Estate&) { b.back() ^= 0x01; return b; })});
  v.push_back({129, P::kAes128, pd, false, {app(2)}, {},
               "REQ-DL-002: the first FRAME_REQUEST sealed with SEQ one too high (injected, MAC valid): ABORT 14",
               R::kSequenceError, nullptr,
               first(MsgType::kFrameRequest, [](Bytes b, const sim::SessionKeys& k, sim::Estate&) {
                 auto env = k.envelope(true, b);
                 return k.seal(true, env->type, env->seq + 1, *k.open(true, b));
               })});
  v.push_back({130, P::kAes128, pd, false, {app(2)}, {},
               "REQ-MSG-020, envelope order of spec/09 9.2 (identity after MAC): the first FRAME_REQUEST sealed under another serial number (injected, MAC valid): "
               "ABORT 26",
               R::kIdentityMismatch, nullptr,
               first(MsgType::kFrameRequest, [](Bytes b, const sim::SessionKeys& k, sim::Estate& e) {
                 auto env = k.envelope(true, b);
                 codec::Identity other = e.terminal_config.id;
                 other.serial_no += "X";
                 return k.seal(true, env->type, env->seq, *k.open(true, b), other);
               })});
  v.push_back({131, P::kTdes, pd, false, {app(2)}, {},
               "row S4: FRAME_REQUEST (injected, MAC valid) for PKG_INDEX 7, not offered: ABORT 16",
               R::kPackageNotOffered, nullptr,
               reseal_first(MsgType::kFrameRequest, [](Bytes pl, sim::Estate&) {
                 codec::FrameRequest r = *codec::parse_frame_request(pl);
                 r.pkg_index = 7;
                 return codec::serialize(r);
               })});
  v.push_back({132, P::kTdes, pd, false, {app(2)}, {},
               "row S4: FRAME_REQUEST (injected, MAC valid) for PIECE 9 of a one-piece FIT: ABORT 17",
               R::kPieceOutOfRange, nullptr,
               reseal_first(MsgType::kFrameRequest, [](Bytes pl, sim::Estate&) {
                 codec::FrameRequest r = *codec::parse_frame_request(pl);
                 r.piece = 9;
                 return codec::serialize(r);
               })});
  v.push_back({133, P::kAes256, pd, false, {app(2)}, {},
               "REQ-MSG-070, REQ-CRYPTO-042: one bit of the first FRAME_RESPONSE's MAC flipped (injected): the "
               "terminal answers ABORT 13",
               R::kMacFailed, nullptr,
               first(MsgType::kFrameResponse, [](Bytes b, const sim::SessionKeys&, sim::Estate&) { b.back() ^= 0x01; return b; })});
  v.push_back({134, P::kAes128, pd, false, {app(2)}, {},
               "REQ-DL-002: the first FRAME_RESPONSE sealed with SEQ one too high (injected, MAC valid): the "
               "terminal answers ABORT 14",
               R::kSequenceError, nullptr,
               first(MsgType::kFrameResponse, [](Bytes b, const sim::SessionKeys& k, sim::Estate&) {
                 auto env = k.envelope(false, b);
                 return k.seal(false, env->type, env->seq + 1, *k.open(false, b));
               })});
  v.push_back({135, P::kAes128, pd, false, {app(2)}, {},
               "REQ-MSG-020, envelope order of spec/09 9.2 (identity after MAC): the first FRAME_RESPONSE sealed under another serial number (injected, MAC "
               "valid): the terminal answers ABORT 26",
               R::kIdentityMismatch, nullptr,
               first(MsgType::kFrameResponse, [](Bytes b, const sim::SessionKeys& k, sim::Estate& e) {
                 auto env = k.envelope(false, b);
                 codec::Identity other = e.terminal_config.id;
                 other.serial_no += "X";
                 return k.seal(false, env->type, env->seq, *k.open(false, b), other);
               })});
  v.push_back({136, P::kTdes, pd, false, {app(2)}, {},
               "REQ-DL-023: the first FRAME_RESPONSE (injected, MAC valid) with one octet of its DATA changed; the "
               "first piece fetched is the FIT's own (FIT first, REQ-DL-021), so the FIT no longer matches "
               "FIT_DIGEST: ABORT 18",
               R::kIntegrityFailed, nullptr,
               reseal_first(MsgType::kFrameResponse, [](Bytes pl, sim::Estate&) {
                 codec::FrameResponse r = *codec::parse_frame_response(pl);
                 r.data.at(0) ^= 0x01;
                 return codec::serialize(r);
               })});
  v.push_back({137, P::kAes128, pd, false, {app(2)}, {},
               "REQ-DL-030: the vendor published (and signed) a manifest whose package digest does not match its "
               "content: every piece checks out, the package digest does not, SESSION_END 18 answered by "
               "SESSION_END_ACK",
               R::kIntegrityFailed, [](TranscriptPolicy&, sim::Estate& e) {
                 auto& pkg = e.vendor().packages.at(0);
                 pkg.offer.manifest.pkg_digest[0] ^= 0x01;
                 pkg.offer = sim::rows::signed_offer(e, pkg.offer.manifest);
               }});
  v.push_back({138, P::kAes256, pd, true, {app(2)}, {},
               "REQ-DL-030: the package store cannot apply the package (policy applyFails): SESSION_END 22 answered "
               "by SESSION_END_ACK",
               R::kApplyFailed, [](TranscriptPolicy& p, sim::Estate&) { p.apply_fails = true; }});
  // --- complete sessions the honest set lacks ---
  v.push_back({139, P::kAes128, pd, false, {app(1), app(3), {codec::PackageKind::kApplication, "PAYAPP", 5, 600, 512}},
               {{codec::PackageKind::kApplication, "PAYAPP", 2}},
               "REQ-DL-011 (offer filtering): the vendor database holds PAYAPP v1 (older than the installed v2), "
               "PAYAPP v3, and PAYAPP v5 for model POS-Z9; the TMS offers only v3",
               R::kSuccess, [](TranscriptPolicy&, sim::Estate& e) {
                 auto& pkg = e.vendor().packages.at(2);
                 pkg.offer.manifest.model_id = "POS-Z9";
                 pkg.offer = sim::rows::signed_offer(e, pkg.offer.manifest);
               }});
  v.push_back({140, P::kTdes, pd, false, {app(4)},
               {{codec::PackageKind::kApplication, "PAYAPP", 3}, {codec::PackageKind::kParameters, "PAYPARAM", 7},
                {codec::PackageKind::kDataFile, "BINTABLE", 2}},
               "REQ-MSG-080: three packages installed (announced in (KIND, NAME) order), PAYAPP v4 offered",
               R::kSuccess});
  v.push_back({141, P::kAes256, pd, false, {app(2)}, {},
               "AES256, unattended program download (with 1, 2 and 5: an unattended session in every profile)",
               R::kSuccess});
  for (auto& s : v) s.flag = s.want == R::kSuccess ? "HonestSession" : "FailingSession";
  return v;
}

// The uses of the TMS's draws, in the order the engine makes them (tms/handshake_rows.cc):
// S1 draws S_RAND (REQ-HS-015), then the key custody draws DWK (REQ-HS-014) and the TR-31 padding
// of DWK_1 (REQ-CRYPTO-031); S2 draws the DSK (REQ-KEY-010), the padding of its key block and the padding
// of each delivered key's block (REQ-CRYPTO-035). LEGACY has no key blocks and so no padding.
std::vector<std::string> tms_draw_uses(const CaseSpec& s, const std::vector<TranscriptKey>& key_set) {
  const bool tr31 = s.profile != Profile::kLegacy;
  const bool parity = s.profile == Profile::kLegacy || s.profile == Profile::kTdes;
  const std::string then_parity = parity ? " (odd parity then set, REQ-CRYPTO-018)" : "";
  std::vector<std::string> uses = {"S_RAND", "DWK" + then_parity};
  if (tr31) uses.push_back("TR-31 padding of DWK_1");
  uses.push_back("DSK" + then_parity);
  if (tr31) uses.push_back("TR-31 padding of the DSK key block (slot 0)");
  if (s.trans == TransCode::kKeyDownload && tr31) {
    for (const auto& k : key_set) uses.push_back("TR-31 padding of the slot " + std::to_string(k.slot) + " key block");
  }
  return uses;
}

[[noreturn]] void die(const std::string& why) {
  std::cerr << "tmsproto_make_transcripts: " << why << "\n";
  std::exit(1);
}

// A session that ends early draws a prefix of the uses.
std::vector<Draw> label(const std::vector<Bytes>& draws, const std::vector<std::string>& uses, const char* side) {
  if (draws.size() > uses.size()) {
    die(std::string(side) + " drew " + std::to_string(draws.size()) + " times, expected " + std::to_string(uses.size()));
  }
  std::vector<Draw> out;
  for (std::size_t i = 0; i < draws.size(); ++i) out.push_back({uses[i], draws[i]});
  return out;
}

TranscriptCase record(const CaseSpec& spec) {
  sim::EstateOptions o;
  o.profile = spec.profile;
  o.trans = spec.trans;
  o.with_operator = spec.with_operator;
  o.packages = spec.packages;
  o.seed = spec.seed;
  auto e = sim::make_estate(o);
  for (const auto& i : spec.installed) e->package_store.packages[{i.kind, i.name}] = {i.version, {}};

  TranscriptCase c;
  c.policy.terminal_legacy_enabled = c.policy.tms_legacy_enabled = spec.profile == Profile::kLegacy;
  if (spec.setup) spec.setup(c.policy, *e);
  // The enrolment and key set as the estate made them, before the policy may remove them.
  const auto op = e->registry.operators.at(0).salt;
  const auto op_iterations = e->registry.operators.at(0).iterations;
  const ByteView op_opv = e->registry.operators.at(0).opv().view();
  const Bytes opv(op_opv.begin(), op_opv.end());
  const std::vector<tms::KeySetSlot> slots =
      spec.trans == TransCode::kKeyDownload ? e->key_set() : std::vector<tms::KeySetSlot>{};
  apply_terminal_policy(c.policy, e->terminal_config, e->key_store, e->package_store);
  apply_tms_policy(c.policy, e->terminal_config.id, e->key_set_id, spec.with_operator ? e->operator_id : "",
                   e->registry, e->tms_config, e->replay, e->vendor());

  const std::vector<codec::InstalledPackage> installed_before = e->package_store.installed();
  session::FixedClock terminal_clock(kTerminalTime), tms_clock(spec.tms_time);
  RecordingRandom terminal_rng(e->terminal_rng), tms_rng(e->tms_rng);
  terminal::Session term(e->terminal_config, {terminal_clock, terminal_rng, e->key_store, e->package_store, e->device});
  tms::Session server(e->tms_config,
                      {tms_clock, tms_rng, e->registry, e->custody, e->replay, e->vendors, e->audit, e->reports});
  sim::SessionKeys keys(*e);

  std::deque<TranscriptMessage> queue;
  std::map<std::uint8_t, std::size_t> seen;
  auto take = [&](session::Output out, bool from_terminal) {
    for (auto& b : out.send) queue.push_back({from_terminal, std::move(b)});
  };
  take(term.start(e->command()), true);
  while (!queue.empty()) {
    TranscriptMessage m = std::move(queue.front());
    queue.pop_front();
    const std::size_t nth = m.body.empty() ? 0 : seen[m.body[0]]++;
    std::optional<Bytes> changed = spec.tamper ? spec.tamper(m, nth, keys, *e) : std::nullopt;
    if (changed) {
      m.body = std::move(*changed);
      m.injected = true;
    } else {
      keys.observe(m.from_terminal, m.body);
    }
    c.messages.push_back(m);
    if (m.from_terminal) take(server.receive(m.body), false);
    else take(term.receive(m.body), true);
  }
  const auto final_t = [](terminal::State s) { return s == terminal::State::T_DONE || s == terminal::State::T_FAILED; };
  const auto final_s = [](tms::State s) { return s == tms::State::S_DONE || s == tms::State::S_FAILED; };
  if (!final_t(term.state()) || !final_s(server.state())) die("seed " + std::to_string(spec.seed) + ": a side did not end");
  // The expected outcome, read off the engines (spec/09, spec/10) and compared with the case's aim.
  TranscriptExpect& x = c.expect;
  x.terminal_done = term.state() == terminal::State::T_DONE;
  x.tms_done = server.state() == tms::State::S_DONE;
  x.at_message = c.messages.size() - 1;
  const TranscriptMessage& last = c.messages.back();
  if (last.body[0] == static_cast<std::uint8_t>(MsgType::kAbort)) {
    x.ends_by = last.from_terminal ? TranscriptExpect::EndsBy::kTerminal : TranscriptExpect::EndsBy::kTms;
    x.code = codec::parse_abort(last.body)->code;
  } else if (!x.terminal_done) {  // SESSION_END 18 or 22 (REQ-DL-030), answered by SESSION_END_ACK
    x.ends_by = TranscriptExpect::EndsBy::kTerminal;
    x.code = *term.failure()->code;
    for (std::size_t i = 0; i < c.messages.size(); ++i) {
      if (c.messages[i].from_terminal && c.messages[i].body[0] == static_cast<std::uint8_t>(MsgType::kSessionEnd)) x.at_message = i;
    }
  }
  if (x.code != spec.want || (spec.want == ResponseCode::kSuccess && !(x.terminal_done && x.tms_done))) {
    die("seed " + std::to_string(spec.seed) + " (" + spec.comment + "): the session ended with code " +
        std::to_string(static_cast<int>(x.code)) + ", not the intended " + std::to_string(static_cast<int>(spec.want)));
  }

  c.seed = spec.seed;
  c.profile = spec.profile;
  c.trans = spec.trans;
  c.id = e->terminal_config.id;
  c.dmk = Bytes(e->terminal_config.dmk.view().begin(), e->terminal_config.dmk.view().end());
  if (spec.with_operator) {
    c.operator_id = e->operator_id;
    c.operator_password = e->operator_password;
    c.opv_salt = op;
    c.opv_iterations = op_iterations;
    c.opv = opv;
  }
  if (spec.trans == TransCode::kKeyDownload) {
    c.key_set_id = e->key_set_id;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      const ByteView key = e->key_set_keys[i].view();
      c.key_set.push_back({slots[i].slot, slots[i].rule, Bytes(key.begin(), key.end())});
    }
  }
  c.vendor_public_key = e->terminal_config.vendor_public_key;
  for (const auto& p : e->vendor().packages) {
    TranscriptPackage tp;
    tp.manifest = codec::serialize(p.offer.manifest);
    tp.signature.assign(p.offer.signature.begin(), p.offer.signature.end());
    tp.content = p.content;
    c.packages.push_back(std::move(tp));
  }
  c.installed = installed_before;  // the master application of the estate included
  c.device = e->device.device;
  c.max_chunk = e->terminal_config.max_chunk;
  c.terminal_time = kTerminalTime;
  c.tms_time = spec.tms_time;
  c.terminal_random = label(terminal_rng.draws(), {"T_RAND"}, "the terminal");
  c.tms_random = label(tms_rng.draws(), tms_draw_uses(spec, c.key_set), "the TMS");
  return c;
}

Json test_value(int id, const std::string& comment, const TranscriptCase& c, bool valid,
                 const std::vector<std::string>& flags) {
  std::vector<Member> m;
  m.emplace_back("tcId", Json(id));
  m.emplace_back("comment", Json(comment));
  std::vector<Json> f;
  for (const auto& x : flags) f.push_back(Json(x));
  m.emplace_back("flags", array_of(std::move(f)));
  for (auto& member : transcript_case_members(c)) m.push_back(std::move(member));
  m.emplace_back("result", Json(valid ? "valid" : "invalid"));
  return object_of(std::move(m));
}

void require(const Json& test, bool valid, int id) {
  const Verdict v = check_tms_transcript(test);
  const bool accepted = v.kind == Verdict::Kind::kAccepted;
  if (v.kind == Verdict::Kind::kMalformed) die("tcId " + std::to_string(id) + " is malformed: " + v.why);
  if (accepted != valid) {
    die("tcId " + std::to_string(id) + (valid ? " was rejected: " + v.why : std::string(" was accepted")));
  }
}

// Pretty printing: an object or array whose members are all scalars goes on one line.
bool flat(const Json& v) {
  if (v.dump().size() > 160 && v.is_array()) return false;  // e.g. "notes": one per line
  for (const Json& x : v) {
    if (x.is_object() || x.is_array()) return false;
  }
  return true;
}

void pretty(std::ostream& out, const Json& v, int indent) {
  if (flat(v)) {
    out << v.dump();
    return;
  }
  const std::string pad(static_cast<std::size_t>(indent + 2), ' ');
  const bool object = v.is_object();
  out << (object ? "{\n" : "[\n");
  std::size_t left = v.size();
  for (auto it = v.begin(); it != v.end(); ++it) {
    out << pad;
    if (object) out << Json(it.key()).dump() << ": ";
    pretty(out, it.value(), indent + 2);
    out << (--left > 0 ? ",\n" : "\n");
  }
  out << std::string(static_cast<std::size_t>(indent), ' ') << (object ? "}" : "]");
}

Json strings(const std::vector<std::string>& xs) {
  std::vector<Json> v;
  for (const auto& x : xs) v.push_back(Json(x));
  return array_of(std::move(v));
}

void flip_last_bit_of(Bytes& b, std::size_t offset_from_end) { b[b.size() - 1 - offset_from_end] ^= 0x01; }

std::size_t find_message(const TranscriptCase& c, MsgType type) {
  for (std::size_t i = 0; i < c.messages.size(); ++i) {
    if (!c.messages[i].body.empty() && c.messages[i].body[0] == static_cast<std::uint8_t>(type)) return i;
  }
  die("no message of the wanted type");
}

}  // namespace
}  // namespace tmsproto::vectors

int main(int argc, char** argv) {
  using namespace tmsproto;
  using namespace tmsproto::vectors;
  if (argc > 2) {
    std::cerr << "usage: tmsproto_make_transcripts [OUT.json]\n";
    return 2;
  }
  std::vector<Json> valid_tests, invalid_tests;
  std::vector<TranscriptCase> recorded;
  int id = 1;
  for (const CaseSpec& spec : valid_specs()) {
    TranscriptCase c = record(spec);
    Json t = test_value(id, spec.comment + "; seed " + std::to_string(spec.seed), c, true, {"HonestSession"});
    require(t, true, id);
    valid_tests.push_back(std::move(t));
    recorded.push_back(std::move(c));
    ++id;
  }

  // Invalid cases: one explicit change to a valid case each; both replays must notice.
  struct Change {
    std::size_t base;  // index into recorded
    std::string comment;
    std::string flag;
    void (*apply)(TranscriptCase&);
  };
  const std::vector<Change> changes = {
      {4, "tcId 5 with the last bit of TAC_1 in HS_AUTH_REQUEST flipped: the terminal must answer ABORT 11 "
          "(REQ-HS-022, REQ-HS-024)",
       "ModifiedCryptogram",
       [](TranscriptCase& c) { flip_last_bit_of(c.messages[find_message(c, MsgType::kHsAuthRequest)].body, 0); }},
      {0, "tcId 1 with the last bit of SAC_1 in HS_AUTH_ANSWER flipped: the TMS must answer ABORT 12 "
          "(REQ-HS-031)",
       "ModifiedCryptogram",
       [](TranscriptCase& c) { flip_last_bit_of(c.messages[find_message(c, MsgType::kHsAuthAnswer)].body, 0); }},
      {2, "tcId 3 with one bit of the first FRAME_RESPONSE's MAC flipped: the terminal must answer ABORT 13 "
          "(REQ-MSG-070, REQ-CRYPTO-042)",
       "ModifiedEnvelope",
       [](TranscriptCase& c) { flip_last_bit_of(c.messages[find_message(c, MsgType::kFrameResponse)].body, 3); }},
      {5, "tcId 6 with one bit of KEY_MAC in KEY_MESSAGE flipped: the terminal must answer ABORT 13 "
          "(REQ-CRYPTO-036)",
       "ModifiedCryptogram",
       [](TranscriptCase& c) { flip_last_bit_of(c.messages[find_message(c, MsgType::kKeyMessage)].body, 0); }},
      {7, "tcId 8 with the first bit of the recorded T_RAND flipped: the terminal's HS_REQUEST is no longer the "
          "recorded one",
       "ModifiedRandom",
       [](TranscriptCase& c) { c.terminal_random[0].bytes[0] ^= 0x80; }},
      {3, "tcId 4 with a wrong DMK (bit 0x02 of its last octet flipped; the 0x01 bits are DES parity bits, which every DES implementation ignores): DWK_1 does not unwrap on the terminal (ABORT 11, "
          "REQ-HS-020) and the TMS wraps DWK differently",
       "WrongKey",
       [](TranscriptCase& c) { c.dmk.back() ^= 0x02; }},
      {6, "tcId 7 with the TMS's date-time one second later: S_DATA, and with it every cryptogram, changes",
       "ModifiedClock",
       [](TranscriptCase& c) { c.tms_time.second += 1; }},
  };
  for (const Change& ch : changes) {
    TranscriptCase c = recorded[ch.base];
    ch.apply(c);
    Json t = test_value(id, ch.comment, c, false, {ch.flag});
    require(t, false, id);
    invalid_tests.push_back(std::move(t));
    ++id;
  }
  // Sessions that end in a failure (tcId 16 on): recorded like the honest ones, "valid".
  std::vector<Json> failing_tests;
  for (const CaseSpec& spec : failure_specs()) {
    TranscriptCase c = record(spec);
    Json t = test_value(id, spec.comment + "; seed " + std::to_string(spec.seed), c, true, {spec.flag});
    require(t, true, id);
    failing_tests.push_back(std::move(t));
    ++id;
  }

  std::vector<Member> doc;
  doc.emplace_back("schema", Json(std::string(kSchema)));
  doc.emplace_back("algorithm", Json("TMS-TRANSCRIPT"));
  doc.emplace_back(
      "source",
      Json("Recorded from tmsproto's reference implementation (reference/vectors/tools/make_transcripts.cc, "
                    "tmsproto_make_transcripts), seed N as given in each case's \"seed\" field (estate of "
                    "reference/sim/estate.cc); not an independent answer. The handshake cryptograms in every valid "
                    "case (TAC_1, SAC_1, OPERATOR_PROOF, KEY_MAC) and the MAC of every envelope are recomputed "
                    "independently from spec/07-crypto.md by vectors/tools/recompute_handshake.py."));
  doc.emplace_back("reqs", strings({"REQ-HS-001", "REQ-HS-021", "REQ-HS-022", "REQ-HS-023", "REQ-HS-031",
                                    "REQ-TERM-003", "REQ-TMS-003", "REQ-CRYPTO-016", "REQ-CRYPTO-021",
                                    "REQ-CRYPTO-022", "REQ-CRYPTO-023", "REQ-CRYPTO-024", "REQ-CRYPTO-030",
                                    "REQ-CRYPTO-031", "REQ-CRYPTO-032", "REQ-CRYPTO-033", "REQ-CRYPTO-034",
                                    "REQ-CRYPTO-035", "REQ-CRYPTO-036", "REQ-CRYPTO-040", "REQ-CRYPTO-041",
                                    "REQ-CRYPTO-042", "REQ-OPR-002"}));
  doc.emplace_back(
      "notes",
      strings({"terminalRandom and tmsRandom list every call each side made to its random source, in order, with "
               "what it was for; a replay serves draw k to the k-th call and fails if the lengths differ or draws "
               "are left over.",
               "The TMS draws, in order (spec/07-crypto.md 7.8): S_RAND (REQ-HS-015), DWK (REQ-HS-014), the "
               "TR-31 padding of DWK_1 "
               "(not in LEGACY); then, after SAC_1 and the operator proof check out, the DSK, the TR-31 padding "
               "of the DSK's key block (not in LEGACY) and, for a key download outside LEGACY, the TR-31 padding "
               "of each delivered key's block in slot order. DES and TDES keys (LEGACY, TDES) are the drawn "
               "octets with odd parity then set in every octet (REQ-CRYPTO-018).",
               "The terminal draws T_RAND only. Each side's clock is fixed: terminalTime is T_TIME, tmsTime is "
               "S_TIME (UTC, REQ-MSG-011).",
               "Packages: the vendor database holds each manifest, its signature and the content; the FIT is "
               "SHA-256 of each CHUNK_SIZE piece (REQ-DL-012). installed lists what the terminal had installed "
               "before the session.",
               "opv is the operator verifier the TMS stores (REQ-OPR-002), derived from operatorPassword with the "
               "operator's opvSalt and opvIterations as enrolled at the TMS (the TMS sends both in HS_AUTH_REQUEST); "
               "it is given so that PBKDF2 can be checked on its own."}));
  doc.emplace_back("testGroups",
                   array_of({object_of({{"comment", Json("honest sessions: every profile, both "
                                                                          "transactions")},
                                                {"tests", array_of(std::move(valid_tests))}}),
                                 object_of({{"comment", Json("one changed input or message each: "
                                                                          "both replays must fail")},
                                                {"tests", array_of(std::move(invalid_tests))}}),
                                 object_of({{"comment", Json("correct sessions that end in a failure "
                                                                          "code, and sessions the honest group "
                                                                          "lacks: both replays must reproduce them, "
                                                                          "outcome included (expect)")},
                                                {"tests", array_of(std::move(failing_tests))}})}));
  std::ostringstream text;
  pretty(text, object_of(std::move(doc)), 0);
  text << "\n";
  if (argc == 2) {
    std::ofstream f(argv[1], std::ios::binary);
    f << text.str();
    if (!f) die(std::string("cannot write ") + argv[1]);
  } else {
    std::cout << text.str();
  }
  return 0;
}
