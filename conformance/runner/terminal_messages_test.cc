// The checker of every message the terminal sends (REQ-CONF-035): for each rule, a session built
// with the codec's serialisers passes, and the same session broken in exactly that rule is
// reported with that rule's REQ ID.
#include "conformance/runner/terminal_messages.h"

#include <gtest/gtest.h>

#include <functional>

#include "codec/abort_message.h"
#include "codec/download_payloads.h"
#include "codec/envelope.h"
#include "codec/handshake_messages.h"
#include "codec/key_message.h"
#include "codec/terminal_info.h"
#include "crypto/random.h"
#include "profile/profile_crypto.h"

namespace tmsproto::conformance {
namespace {

const codec::Identity kId{"TMSPCONF", "REF-TERMINAL", "SN-CONF-0001"};
const codec::DateTime kNow{2026, 12, 3, 12, 0, 0};
constexpr Profile kProfile = Profile::kAes128;

Bytes one(MsgType t) { return Bytes{static_cast<std::uint8_t>(t), 0x01}; }  // a TMS message: only its type is read

codec::InstalledPackage app(std::string name, std::uint32_t version) {
  return {codec::PackageKind::kApplication, std::move(name), version};
}

// What an honest terminal sends in a session, as fields; each test breaks one of them.
struct Honest {
  TransCode trans = TransCode::kProgramDownload;
  codec::HsRequest request;
  codec::HsAuthAnswer answer;
  codec::TerminalInfo info;
  codec::PkgAnnounce announce;
  std::vector<codec::FrameRequest> frames{{0, codec::Section::kFit, 0}, {0, codec::Section::kData, 0}};
  codec::SessionEnd end;

  explicit Honest(TransCode t) : trans(t) {
    const bool key = t == TransCode::kKeyDownload;
    request = {kId, t, 0x04, key ? "OPCONF01" : "", key ? "CONFKS01" : "", {{1, 2, 3, 4, 5, 6, 7, 8}, kNow}};
    answer = {kId, Bytes(16, key ? 0x5A : 0x00), Bytes(16, 0xA5)};
    info.hardware_id = "TMSPROTO-REF";
    info.firmware_id = "tmsproto-conformance";
    info.bearer = codec::Bearer::kEthernet;
    if (!key) info.packages = {app("CONFAPP", 1), app("OTHER", 3)};
    announce = {4096, info.packages};
    if (key) frames.clear();
  }
};

WireMessage terminal(Bytes body, std::optional<Bytes> payload = std::nullopt) {
  return {true, std::move(body), false, std::move(payload), 0};
}
WireMessage tms(MsgType t) { return {false, one(t), false, std::nullopt, 0}; }

Bytes envelope(MsgType type, std::uint32_t seq) {
  return codec::serialize(codec::Envelope{type, kId, seq, Bytes(16, 0x33), Bytes(mac_length(kProfile), 0x44)});
}

// Edits of the session as it goes on the wire, by stage.
struct Edits {
  std::function<void(Bytes&)> request = {};
  std::function<void(Bytes&)> answer = {};
  std::function<void(Bytes&)> info_payload = {};
  std::function<void(Bytes&)> announce_payload = {};
  std::function<void(Bytes&)> end_payload = {};
  std::function<void(std::vector<WireMessage>&)> wire = {};
};

std::vector<WireMessage> session(const Honest& h, const Edits& e = {}) {
  std::vector<WireMessage> w;
  Bytes request = codec::serialize(h.request);
  if (e.request) e.request(request);
  w.push_back(terminal(request));
  w.push_back(tms(MsgType::kHsAuthRequest));
  Bytes answer = codec::serialize(h.answer);
  if (e.answer) e.answer(answer);
  w.push_back(terminal(answer));
  w.push_back(tms(MsgType::kKeyMessage));
  std::uint32_t seq = 0;
  Bytes info = codec::serialize(h.info);
  if (e.info_payload) e.info_payload(info);
  w.push_back(terminal(envelope(MsgType::kTermInfo, seq++), info));
  if (h.trans == TransCode::kProgramDownload) {
    Bytes announce = codec::serialize(h.announce);
    if (e.announce_payload) e.announce_payload(announce);
    w.push_back(terminal(envelope(MsgType::kPkgAnnounce, seq++), announce));
    w.push_back(tms(MsgType::kPkgConfirm));
    for (const auto& f : h.frames) {
      w.push_back(terminal(envelope(MsgType::kFrameRequest, seq++), codec::serialize(f)));
      w.push_back(tms(MsgType::kFrameResponse));
    }
  }
  Bytes end = codec::serialize(h.end);
  if (e.end_payload) e.end_payload(end);
  w.push_back(terminal(envelope(MsgType::kSessionEnd, seq++), end));
  w.push_back(tms(MsgType::kSessionEndAck));
  if (e.wire) e.wire(w);
  return w;
}

SessionFacts facts(TransCode t) {
  const bool key = t == TransCode::kKeyDownload;
  return {t, kProfile, kId, key ? "OPCONF01" : "", key ? "CONFKS01" : "", {},
          codec::seconds_since_2000(kNow) * 1000};
}

// The REQ ID the checker reports for the session, or "" when it passes.
std::string verdict(TransCode t, const Edits& e, const SessionFacts* f = nullptr) {
  const Honest h(t);
  const SessionFacts own = facts(t);
  auto v = check_terminal_messages(session(h, e), f ? *f : own);
  if (!v) return "";
  EXPECT_EQ(v->expected.rfind(v->req + ": ", 0), 0u) << "the FAIL text names the REQ ID: " << v->expected;
  return v->req;
}
std::string program_verdict(const Edits& e) { return verdict(TransCode::kProgramDownload, e); }
std::string key_verdict(const Edits& e) { return verdict(TransCode::kKeyDownload, e); }

// TAG ‖ LEN ‖ VALUE, as section 3.8 lays out a TERM_INFO item.
Bytes item(std::uint16_t tag, Bytes value) {
  Bytes b{static_cast<std::uint8_t>(tag >> 8), static_cast<std::uint8_t>(tag), static_cast<std::uint8_t>(value.size() >> 8),
          static_cast<std::uint8_t>(value.size())};
  b.insert(b.end(), value.begin(), value.end());
  return b;
}
Bytes text(std::string s) { return Bytes(s.begin(), s.end()); }

// Checks REQ-CONF-035: an honest session of either transaction breaks no rule.
TEST(TerminalMessages, HonestSessionsPass) {
  EXPECT_EQ(program_verdict({}), "");
  EXPECT_EQ(key_verdict({}), "");
}

// Checks REQ-CONF-035: each field rule of HS_REQUEST, reported under its own REQ ID.
TEST(TerminalMessages, HsRequestFields) {
  // REQ-MSG-013: VERSION 0x01.
  EXPECT_EQ(program_verdict({.request = [](Bytes& b) { b[1] = 0x02; }}), "REQ-MSG-013");
  // REQ-MSG-010: a space followed by a non-space in VENDOR_ID (octets 2-9).
  EXPECT_EQ(program_verdict({.request = [](Bytes& b) { b[3] = 0x20; }}), "REQ-MSG-010");
  // REQ-MSG-010: OPERATOR_ID (octets 61-68) out of its AN set.
  EXPECT_EQ(key_verdict({.request = [](Bytes& b) { b[62] = '-'; }}), "REQ-MSG-010");
  // REQ-MSG-031: LEGACY beside AES128.
  EXPECT_EQ(program_verdict({.request = [](Bytes& b) { b[60] = 0x05; }}), "REQ-MSG-031");
  // REQ-MSG-034: a well-formed offer of one profile, but not {profile}'s.
  EXPECT_EQ(program_verdict({.request = [](Bytes& b) { b[60] = 0x08; }}), "REQ-MSG-034");
  // REQ-MSG-032: RESERVED (octets 69-100) not all 0x20 in a program download.
  EXPECT_EQ(program_verdict({.request = [](Bytes& b) { b[100] = 'X'; }}), "REQ-MSG-032");
  // REQ-MSG-011: T_TIME (octets 109-115) of month 13.
  EXPECT_EQ(program_verdict({.request = [](Bytes& b) { b[111] = 0x13; }}), "REQ-MSG-011");
  // REQ-MSG-002: a body of another length.
  EXPECT_EQ(program_verdict({.request = [](Bytes& b) { b.push_back(0x20); }}), "REQ-MSG-002");
}

TEST(TerminalMessages, HsRequestAgainstTheSession) {
  Honest h(TransCode::kKeyDownload);
  auto with = [](std::function<void(Honest&)> edit, TransCode t = TransCode::kKeyDownload) {
    Honest x(t);
    edit(x);
    auto v = check_terminal_messages(session(x), facts(t));
    return v ? v->req : "";
  };
  EXPECT_EQ(with([](Honest& x) { x.request.key_set_id = "OTHERKS1"; }), "REQ-MSG-032");
  EXPECT_EQ(with([](Honest& x) { x.request.operator_id = "OTHEROP1"; }), "REQ-OPR-001");
  EXPECT_EQ(with([](Honest& x) { x.request.operator_id = ""; }), "REQ-OPR-001");
  EXPECT_EQ(with([](Honest& x) { x.request.trans = TransCode::kProgramDownload; x.request.key_set_id.clear(); }),
            "REQ-CONF-001");
  EXPECT_EQ(with([](Honest& x) { x.request.id.serial_no = "SN-OTHER"; }), "REQ-MSG-020");
  // REQ-MSG-033: T_TIME within the window of the suite's clock, and not beyond it.
  EXPECT_EQ(with([](Honest& x) { x.request.t_data.time.minute = 4; }), "");
  EXPECT_EQ(with([](Honest& x) { x.request.t_data.time.minute = 6; }), "REQ-MSG-033");
  EXPECT_EQ(with([](Honest& x) { x.request.t_data.time.hour = 11; x.request.t_data.time.minute = 54; }),
            "REQ-MSG-033");
}

TEST(TerminalMessages, HsAuthAnswerFields) {
  // Octet 58 AUTH_STAGE, 59-60 RETURN_CODE, 61 TERM_AUTH_RESULT, 62.. OPERATOR_PROOF.
  EXPECT_EQ(key_verdict({.answer = [](Bytes& b) { b[58] = 0x01; }}), "REQ-MSG-041");
  EXPECT_EQ(key_verdict({.answer = [](Bytes& b) { b[60] = '1'; }}), "REQ-MSG-041");
  EXPECT_EQ(key_verdict({.answer = [](Bytes& b) { b[61] = 0x01; }}), "REQ-MSG-050");
  EXPECT_EQ(key_verdict({.answer = [](Bytes& b) { b.pop_back(); }}), "REQ-MSG-051");
  // REQ-OPR-001: OPERATOR_PROOF all 0x00 when unattended.
  EXPECT_EQ(program_verdict({.answer = [](Bytes& b) { b[62] = 0x01; }}), "REQ-OPR-001");
  // REQ-MSG-020 in HS_AUTH_ANSWER's header (SERIAL_NO, octets 26-57).
  EXPECT_EQ(key_verdict({.answer = [](Bytes& b) { b[30] = 'X'; }}), "REQ-MSG-020");
}

TEST(TerminalMessages, OrderOfTheSession) {
  // REQ-HS-002: HS_REQUEST first.
  EXPECT_EQ(program_verdict({.wire = [](auto& w) { w.erase(w.begin()); }}), "REQ-HS-002");
  // REQ-DL-001: after KEY_MESSAGE only envelopes and ABORT.
  EXPECT_EQ(program_verdict({.wire = [](auto& w) { w.insert(w.begin() + 4, w[2]); }}), "REQ-DL-001");
  // REQ-DL-001: an envelope the suite cannot open, in a session the suite did not change.
  EXPECT_EQ(program_verdict({.wire = [](auto& w) { w[5].payload.reset(); }}), "REQ-DL-001");
  // ... which is not judged after the suite changed a message (its keys may not be the terminal's).
  EXPECT_EQ(program_verdict({.wire =
                                 [](auto& w) {
                                   w[3].changed = true;
                                   w[5].payload.reset();
                                 }}),
            "");
  // REQ-DL-040: TERM_INFO first, then PKG_ANNOUNCE (program) or SESSION_END (key), SEQ 0 and 1.
  EXPECT_EQ(program_verdict({.wire =
                                 [](auto& w) {
                                   std::swap(w[4], w[5]);
                                   w[4].body = envelope(MsgType::kPkgAnnounce, 0);
                                   w[5].body = envelope(MsgType::kTermInfo, 1);
                                 }}),
            "REQ-DL-040");
  EXPECT_EQ(key_verdict({.wire =
                             [](auto& w) {
                               w.erase(w.begin() + 4);
                               w[4].body = envelope(MsgType::kSessionEnd, 0);
                             }}),
            "REQ-DL-040");
  // REQ-DL-002: SEQ grows by one.
  EXPECT_EQ(program_verdict({.wire = [](auto& w) { w[5].body = envelope(MsgType::kPkgAnnounce, 2); }}), "REQ-DL-002");
  // REQ-MSG-001: a TMS's message type from the terminal.
  EXPECT_EQ(program_verdict({.wire = [](auto& w) { w.insert(w.begin() + 1, terminal(one(MsgType::kPkgConfirm))); }}),
            "REQ-MSG-001");
}

// Checks REQ-CONF-035: where each message may come (rows T1-T18, REQ-TERM-001), and the rules of
// an envelope's header.
TEST(TerminalMessages, WhereEachMessageMayCome) {
  // HS_REQUEST once; HS_AUTH_ANSWER only after HS_AUTH_REQUEST; no envelope before KEY_MESSAGE.
  EXPECT_EQ(program_verdict({.wire = [](auto& w) { w.insert(w.begin() + 1, w[0]); }}), "REQ-HS-002");
  EXPECT_EQ(program_verdict({.wire = [](auto& w) { std::swap(w[1], w[2]); }}), "REQ-TERM-001");
  EXPECT_EQ(program_verdict({.wire = [](auto& w) { w.insert(w.begin() + 3, w[4]); }}), "REQ-TERM-001");
  // No FRAME_REQUEST in a key download, nothing after SESSION_END, PKG_ANNOUNCE only second.
  EXPECT_EQ(key_verdict({.wire =
                             [](auto& w) {
                               w.insert(w.begin() + 6, terminal(envelope(MsgType::kFrameRequest, 2),
                                                                codec::serialize(codec::FrameRequest{})));
                             }}),
            "REQ-TERM-001");
  EXPECT_EQ(program_verdict({.wire =
                                 [](auto& w) {
                                   w.insert(w.begin() + 7, terminal(envelope(MsgType::kPkgAnnounce, 2), w[5].payload));
                                 }}),
            "REQ-TERM-001");
  // An empty body.
  EXPECT_EQ(program_verdict({.wire = [](auto& w) { w.insert(w.begin() + 1, terminal(Bytes{})); }}), "REQ-MSG-001");
  // An envelope whose header names another terminal.
  EXPECT_EQ(program_verdict({.wire = [](auto& w) { w[4].body[30] = 'X'; }}), "REQ-MSG-020");
  // FRAME_REQUEST's SECTION 0x01 or 0x02 (octet 1 of its payload).
  EXPECT_EQ(program_verdict({.wire = [](auto& w) { (*w[7].payload)[1] = 0x03; }}), "REQ-MSG-100");
}

TEST(TerminalMessages, Abort) {
  auto abort_after_request = [](Bytes abort) {
    return [abort](std::vector<WireMessage>& w) {
      w.resize(2);
      w.push_back(terminal(abort));
    };
  };
  const Bytes honest = codec::serialize(codec::Abort{ResponseCode::kTmsAuthFailed});
  EXPECT_EQ(program_verdict({.wire = abort_after_request(honest)}), "");
  Bytes longer = honest;
  longer.push_back(0x00);
  EXPECT_EQ(program_verdict({.wire = abort_after_request(longer)}), "REQ-MSG-110");
  Bytes success = honest;
  success[2] = '0';
  success[3] = '0';
  EXPECT_EQ(program_verdict({.wire = abort_after_request(success)}), "REQ-MSG-110");
  Bytes version = honest;
  version[1] = 0x02;
  EXPECT_EQ(program_verdict({.wire = abort_after_request(version)}), "REQ-MSG-013");
  // REQ-MSG-110: nothing after its ABORT.
  EXPECT_EQ(program_verdict({.wire =
                                 [&](auto& w) {
                                   w.resize(2);
                                   w.push_back(terminal(honest));
                                   w.push_back(terminal(codec::serialize(Honest(TransCode::kProgramDownload).answer)));
                                 }}),
            "REQ-MSG-110");
}

TEST(TerminalMessages, TermInfo) {
  // REQ-MSG-120: items out of TAG order (BEARER before FIRMWARE_ID).
  EXPECT_EQ(program_verdict({.info_payload =
                                 [](Bytes& b) {
                                   b = item(0x0001, text("HW"));
                                   auto add = [&](Bytes i) { b.insert(b.end(), i.begin(), i.end()); };
                                   add(item(0x0004, {0x01}));
                                   add(item(0x0002, text("FW")));
                                   add(item(0x0005, {0x00}));
                                 }}),
            "REQ-MSG-120");
  // REQ-MSG-120: a part item left over.
  EXPECT_EQ(program_verdict({.info_payload = [](Bytes& b) { b.push_back(0x00); }}), "REQ-MSG-120");
  // REQ-MSG-121: BEARER missing, the items in order.
  EXPECT_EQ(program_verdict({.info_payload =
                                 [](Bytes& b) {
                                   b = item(0x0001, text("HW"));
                                   auto add = [&](Bytes i) { b.insert(b.end(), i.begin(), i.end()); };
                                   add(item(0x0002, text("FW")));
                                   add(item(0x0005, {0x00}));
                                 }}),
            "REQ-MSG-121");
  // REQ-MSG-121: a PACKAGE item of another length than 21; REQ-MSG-122: one (KIND, NAME) twice.
  EXPECT_EQ(program_verdict({.info_payload =
                                 [](Bytes& b) {
                                   Bytes short_package = item(0x0010, Bytes(20, 'Z'));  // after the PACKAGE items "A…"
                                   b.insert(b.end(), short_package.begin(), short_package.end());
                                 }}),
            "REQ-MSG-121");
  Honest twice(TransCode::kProgramDownload);
  twice.info.packages = {app("CONFAPP", 1), app("CONFAPP", 2)};
  twice.announce.installed = twice.info.packages;
  auto dup = check_terminal_messages(session(twice), facts(TransCode::kProgramDownload));
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->req, "REQ-MSG-122");
  // REQ-MSG-122: a MASTER_APP with no PACKAGE of KIND M.
  Honest h(TransCode::kProgramDownload);
  h.info.master_app = codec::MasterApp{};
  auto v = check_terminal_messages(session(h), facts(TransCode::kProgramDownload));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->req, "REQ-MSG-122");
}

TEST(TerminalMessages, PkgAnnounce) {
  // REQ-MSG-080: MAX_CHUNK 256-4096 (octets 0-1).
  EXPECT_EQ(program_verdict({.announce_payload = [](Bytes& b) { b[0] = 0x13; b[1] = 0x88; }}), "REQ-MSG-080");
  EXPECT_EQ(program_verdict({.announce_payload = [](Bytes& b) { b[0] = 0x00; b[1] = 0xFF; }}), "REQ-MSG-080");
  // REQ-MSG-080: entries out of KIND ‖ NAME order (the two 21-octet entries from octet 3 swapped).
  EXPECT_EQ(program_verdict({.announce_payload =
                                 [](Bytes& b) {
                                   Bytes first(b.begin() + 3, b.begin() + 24);
                                   std::copy(b.begin() + 24, b.begin() + 45, b.begin() + 3);
                                   std::copy(first.begin(), first.end(), b.begin() + 24);
                                 }}),
            "REQ-MSG-080");
  // REQ-MSG-010: a NAME (octets 4-19 of the first entry) of a space then a non-space.
  EXPECT_EQ(program_verdict({.announce_payload = [](Bytes& b) { b[4] = 0x20; }}), "REQ-MSG-010");
  // REQ-MSG-080: a package TERM_INFO reported but PKG_ANNOUNCE left out.
  Honest h(TransCode::kProgramDownload);
  h.announce.installed.pop_back();
  auto v = check_terminal_messages(session(h), facts(TransCode::kProgramDownload));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->req, "REQ-MSG-080");
}

TEST(TerminalMessages, SessionEnd) {
  EXPECT_EQ(key_verdict({.end_payload = [](Bytes& b) { b[1] = 'A'; }}), "REQ-MSG-012");
}

TEST(TerminalMessages, NoKeyInClear) {
  SessionFacts f = facts(TransCode::kProgramDownload);
  const Bytes dsk(16, 0x3C);
  f.secrets.push_back({"the DSK", crypto::SecretBytes(dsk)});
  EXPECT_EQ(verdict(TransCode::kProgramDownload, {}, &f), "");
  // In a body: a key that stands in HS_REQUEST (octets 100-111, around T_RAND) in clear.
  Honest in_body(TransCode::kProgramDownload);
  SessionFacts g = facts(TransCode::kProgramDownload);
  const Bytes request = codec::serialize(in_body.request);
  g.secrets.push_back({"the DMK", crypto::SecretBytes(ByteView(request).subspan(100, 12))});
  auto b = check_terminal_messages(session(in_body), g);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->req, "REQ-SEC-002");
  // In a TERM_INFO FAULT item, inside the encrypted payload.
  Honest h(TransCode::kProgramDownload);
  h.info.faults = {std::string(dsk.begin(), dsk.end()) + "!"};
  auto v = check_terminal_messages(session(h), f);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->req, "REQ-SEC-002");
  EXPECT_TRUE(v->offending.empty()) << "the message holding a key is never shown";
  EXPECT_EQ(v->seen.find("3C3C"), std::string::npos);
  EXPECT_EQ(v->seen.find("3c3c"), std::string::npos);
}

// session_secrets recovers the keys the TMS sent wrapped, as the terminal would.
TEST(TerminalMessages, SessionSecretsAreTheKeysOfTheSession) {
  crypto::OsRandom rng;
  for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    const auto dmk = profile::generate_key(p, rng);
    const auto dwk = profile::generate_key(p, rng);
    const auto dsk = profile::generate_key(p, rng);
    Honest h(TransCode::kKeyDownload);
    h.request.offered_profiles = static_cast<std::uint8_t>(1u << (static_cast<unsigned>(p) - 1));
    const Bytes request = codec::serialize(h.request);
    codec::HsAuthRequest auth{kId, p, {{9, 9, 9, 9, 9, 9, 9, 9}, kNow}, {}, 0, {}, Bytes(mac_length(p), 0)};
    auth.dwk1 = profile::wrap_dwk(p, dmk.view(), dwk.view(), profile::session_binding(request), rng).value();
    auto hs = profile::derive_handshake_keys(p, dwk.clone(), h.request.t_data, auth.s_data).value();
    // REQ-MSG-060: LEGACY delivers no keys, so its KEY_MESSAGE is a program download's, the DSK alone.
    codec::KeyMessage km{kId, p == Profile::kLegacy ? TransCode::kProgramDownload : TransCode::kKeyDownload, {},
                         Bytes(mac_length(p), 0)};
    const auto dsk_rule = profile::dsk_rule(p);
    km.entries.push_back({codec::kDskSlot, profile::key_check_value(dsk_rule.algorithm, dsk.view()).value(),
                          profile::wrap_key(p, hs, dsk_rule, dsk.view(), rng).value()});
    std::map<std::uint8_t, profile::SlotRule> slots;
    const profile::SlotRule tmk{"K0", 'T', 'D', 16};
    const auto delivered = profile::generate_key(Profile::kTdes, rng);
    if (p != Profile::kLegacy) {
      slots[1] = tmk;
      km.entries.push_back({1, profile::key_check_value('T', delivered.view()).value(),
                            profile::wrap_key(p, hs, tmk, delivered.view(), rng).value()});
    }
    const std::vector<WireMessage> wire{terminal(request), {false, codec::serialize(auth), false, {}, 0},
                                        terminal(codec::serialize(h.answer)),
                                        {false, codec::serialize(km), false, {}, 0}};
    auto secrets = session_secrets(wire, p, dmk.view(), slots);
    ASSERT_EQ(secrets.size(), p == Profile::kLegacy ? 3u : 4u) << profile_word(p);
    auto same = [](const SessionSecret& s, const crypto::SecretBytes& k) {
      return Bytes(s.key.view().begin(), s.key.view().end()) == Bytes(k.view().begin(), k.view().end());
    };
    EXPECT_TRUE(same(secrets[0], dmk));
    EXPECT_TRUE(same(secrets[1], dwk)) << profile_word(p);
    EXPECT_TRUE(same(secrets[2], dsk)) << profile_word(p);
    if (p != Profile::kLegacy) {
      EXPECT_TRUE(same(secrets[3], delivered)) << profile_word(p);
    }
  }
}

}  // namespace
}  // namespace tmsproto::conformance
