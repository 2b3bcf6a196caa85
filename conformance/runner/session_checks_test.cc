// The next-session checks of REQ-CONF-024 (session_checks.h) on wires built by hand: each check
// passes on what a conforming terminal sends and fails on the violation it exists for.
#include "conformance/runner/session_checks.h"

#include <gtest/gtest.h>

#include "codec/handshake_messages.h"
#include "codec/key_message.h"
#include "codec/terminal_info.h"

namespace tmsproto::conformance {
namespace {

const codec::Identity kId{"TMSPCONF", "REF-TERMINAL", "SN-CONF-0001"};

codec::AuthData auth(std::uint8_t first) {
  codec::AuthData d;
  d.random.fill(0x11);
  d.random[0] = first;
  d.time = {2026, 12, 3, 12, 0, 0};
  return d;
}

WireMessage from_terminal(Bytes body, std::optional<Bytes> payload = std::nullopt) {
  return {true, std::move(body), false, std::move(payload), 0};
}

WireMessage from_tms(Bytes body) { return {false, std::move(body), false, std::nullopt, 0}; }

WireMessage hs_request(std::uint8_t t_rand) {
  codec::HsRequest r;
  r.id = kId;
  r.offered_profiles = 0x04;
  r.t_data = auth(t_rand);
  return from_terminal(codec::serialize(r));
}

// An enveloped message from the terminal: only its type octet and the payload the suite opened
// matter to the checks.
WireMessage sealed(MsgType type, Bytes payload) {
  return from_terminal(Bytes{static_cast<std::uint8_t>(type), 0x01}, std::move(payload));
}

// A key download's HS_AUTH_REQUEST and KEY_MESSAGE (AES128) delivering `keys` beside the DSK.
std::vector<WireMessage> key_session(const std::vector<codec::HeldKey>& keys) {
  codec::HsAuthRequest a;
  a.id = kId;
  a.profile = Profile::kAes128;
  a.s_data = auth(0x22);
  a.dwk1.assign(dwk1_length(Profile::kAes128), 'A');
  a.tac1.assign(mac_length(Profile::kAes128), 0x00);
  codec::KeyMessage k;
  k.id = kId;
  k.trans = TransCode::kKeyDownload;
  k.entries.push_back({codec::kDskSlot, Bytes(5, 0xD5), Bytes(96, 'B')});
  for (const auto& h : keys) k.entries.push_back({h.slot, h.kcv, Bytes(96, 'B')});
  k.key_mac.assign(mac_length(Profile::kAes128), 0x00);
  return {hs_request(0x01), from_tms(codec::serialize(a)), from_tms(codec::serialize(k))};
}

codec::TerminalInfo info_with(std::vector<codec::HeldKey> keys) {
  codec::TerminalInfo i;
  i.hardware_id = "HW";
  i.firmware_id = "FW";
  i.key_slots = std::move(keys);
  return i;
}

std::vector<WireMessage> reporting(const codec::TerminalInfo& info, std::uint8_t t_rand = 0x02) {
  return {hs_request(t_rand), sealed(MsgType::kTermInfo, codec::serialize(info))};
}

const codec::HeldKey kSlot1{1, {0x01, 0x02, 0x03}};
const codec::HeldKey kSlot2{2, {0x04, 0x05, 0x06}};

// Checks REQ-CONF-024 with REQ-DL-041 and REQ-CRYPTO-009: TERM_INFO must report every delivered
// slot with the KCV the earlier KEY_MESSAGE carried.
TEST(SessionChecks, KeySlotsMustBeThoseOfTheEarlierKeyMessage) {
  Expectation e;
  e.holds_keys_of = 0;
  const std::vector<std::vector<WireMessage>> earlier{key_session({kSlot1, kSlot2})};
  EXPECT_FALSE(check_requests(e, reporting(info_with({kSlot2, kSlot1})), earlier));
  // A key the device holds beside the delivered ones is its own affair.
  EXPECT_FALSE(check_requests(e, reporting(info_with({kSlot1, kSlot2, {3, {0x07, 0x08, 0x09}}})), earlier));
  codec::HeldKey wrong = kSlot2;
  wrong.kcv[2] ^= 0x01;
  EXPECT_TRUE(check_requests(e, reporting(info_with({kSlot1, wrong})), earlier));  // another KCV
  EXPECT_TRUE(check_requests(e, reporting(info_with({kSlot1})), earlier));         // a slot missing
  EXPECT_TRUE(check_requests(e, reporting(info_with({})), earlier));
  // This session's own KEY_MESSAGE, when the expectation names this session.
  Expectation own;
  own.holds_keys_of = 0;
  auto wire = key_session({kSlot1});
  wire.push_back(sealed(MsgType::kTermInfo, codec::serialize(info_with({kSlot1}))));
  EXPECT_FALSE(check_requests(own, wire, {}));
  // No such session, or no TERM_INFO: never a pass.
  Expectation later;
  later.holds_keys_of = 3;
  EXPECT_TRUE(check_requests(later, reporting(info_with({})), earlier));
  EXPECT_TRUE(check_requests(e, {hs_request(0x02)}, earlier));
}

// Checks REQ-KEY-022 and REQ-TERM-002 as judged: after a refused KEY_MESSAGE no slot it named may
// hold a key, the entries before the failing one included.
TEST(SessionChecks, NoKeyOfARefusedKeyMessage) {
  Expectation e;
  e.holds_no_keys_of = 0;
  const std::vector<std::vector<WireMessage>> earlier{key_session({kSlot1, kSlot2})};
  EXPECT_FALSE(check_requests(e, reporting(info_with({})), earlier));
  EXPECT_FALSE(check_requests(e, reporting(info_with({{3, {0x07, 0x08, 0x09}}})), earlier));  // another slot
  auto m = check_requests(e, reporting(info_with({kSlot1})), earlier);
  ASSERT_TRUE(m);
  EXPECT_NE(m->expected.find("slot 1"), std::string::npos) << m->expected;
}

// Checks REQ-DL-041: LAST_APPLY names the last attempt with its RESULT, and PACKAGE items are
// exactly PKG_ANNOUNCE's entries.
TEST(SessionChecks, LastApplyAndPackagesAsAnnounced) {
  const codec::InstalledPackage v2{codec::PackageKind::kApplication, kPackageName, 2};
  codec::TerminalInfo info = info_with({});
  info.packages = {v2};
  info.last_apply = {{v2, ResponseCode::kSuccess}};
  codec::PkgAnnounce announce;
  announce.max_chunk = 4096;
  announce.installed = {v2};
  auto wire = reporting(info);
  wire.push_back(sealed(MsgType::kPkgAnnounce, codec::serialize(announce)));

  Expectation e;
  e.last_apply = codec::LastApply{v2, ResponseCode::kSuccess};
  e.packages_as_announced = true;
  EXPECT_FALSE(check_requests(e, wire, {}));
  e.last_apply->result = ResponseCode::kIntegrityFailed;
  EXPECT_TRUE(check_requests(e, wire, {}));
  e.last_apply->result = ResponseCode::kSuccess;
  e.last_apply->package.version = 3;
  EXPECT_TRUE(check_requests(e, wire, {}));

  Expectation packages;
  packages.packages_as_announced = true;
  codec::TerminalInfo without = info;
  without.packages.clear();
  without.last_apply.clear();
  auto missing = reporting(without);
  missing.push_back(sealed(MsgType::kPkgAnnounce, codec::serialize(announce)));
  EXPECT_TRUE(check_requests(packages, missing, {}));
}

// Checks REQ-MSG-033 and REQ-CRYPTO-016 as judged across sessions: a T_RAND seen in an earlier
// session of the scenario fails.
TEST(SessionChecks, TRandMustNotRepeatAcrossSessions) {
  Expectation e;
  e.fresh_t_rand = true;
  const std::vector<std::vector<WireMessage>> earlier{{hs_request(0x01)}, {hs_request(0x02)}};
  EXPECT_FALSE(check_requests(e, {hs_request(0x03)}, earlier));
  EXPECT_TRUE(check_requests(e, {hs_request(0x02)}, earlier));
  EXPECT_TRUE(check_requests(e, {}, earlier));  // no HS_REQUEST at all
}

// Checks REQ-DL-013 and REQ-DL-021 as judged: every FRAME_REQUEST, in order, exactly.
TEST(SessionChecks, RequestOrderIsExact) {
  const std::vector<codec::FrameRequest> order{
      {0, codec::Section::kFit, 0}, {0, codec::Section::kFit, 1}, {0, codec::Section::kData, 0}};
  std::vector<WireMessage> wire;
  for (const auto& r : order) wire.push_back(sealed(MsgType::kFrameRequest, codec::serialize(r)));
  Expectation e;
  e.request_order = order;
  EXPECT_FALSE(check_requests(e, wire, {}));
  std::swap(wire[0], wire[1]);  // FIT piece 1 first
  EXPECT_TRUE(check_requests(e, wire, {}));
  wire.pop_back();
  EXPECT_TRUE(check_requests(e, wire, {}));
}

// Checks REQ-DL-053 and REQ-DL-050 as judged: MASTER_APP's SWITCH_STATE, RUNNING_VERSION and
// OTHER_VERSION (the running slot is the terminal's), and the KIND M version PKG_ANNOUNCE lists.
TEST(SessionChecks, MasterAppAndTheAnnouncedMasterVersion) {
  const codec::InstalledPackage running{codec::PackageKind::kMaster, "CONFMASTER", 1};
  codec::TerminalInfo info = info_with({});
  info.packages = {running};
  info.master_app = codec::MasterApp{2, 1, codec::SwitchState::kPending, 2};
  codec::PkgAnnounce announce;
  announce.max_chunk = 4096;
  announce.installed = {running};
  auto wire = reporting(info);
  wire.push_back(sealed(MsgType::kPkgAnnounce, codec::serialize(announce)));

  Expectation e;
  e.master_app = codec::MasterApp{1, 1, codec::SwitchState::kPending, 2};  // slot 1 or 2 alike
  e.announces_master = 1;
  EXPECT_FALSE(check_requests(e, wire, {}));
  e.master_app->state = codec::SwitchState::kSettled;  // switched during the session
  EXPECT_TRUE(check_requests(e, wire, {}));
  e.master_app = codec::MasterApp{1, 1, codec::SwitchState::kPending, 3};
  EXPECT_TRUE(check_requests(e, wire, {}));
  e.master_app.reset();
  e.announces_master = 2;  // the new version announced before it ran
  EXPECT_TRUE(check_requests(e, wire, {}));
  Expectation none;
  none.master_app = codec::MasterApp{1, 1, codec::SwitchState::kSettled, 0};
  EXPECT_TRUE(check_requests(none, reporting(info_with({})), {}));  // no MASTER_APP at all
}

// The catalogue's KIND M versions count from a factory master of version 1; a profile's
// masterApplication of version 7 shifts every version but an empty slot's 0.
TEST(SessionChecks, MasterVersionsFollowTheFactoryMaster) {
  Expectation e;
  e.master_app = codec::MasterApp{1, 1, codec::SwitchState::kPending, 2};
  e.announces_master = 1;
  const Expectation shifted = with_factory_master(e, 7);
  EXPECT_EQ(shifted.master_app->running_version, 7u);
  EXPECT_EQ(shifted.master_app->other_version, 8u);
  EXPECT_EQ(shifted.announces_master, std::optional<std::uint32_t>(7));
  e.master_app->other_version = 0;
  EXPECT_EQ(with_factory_master(e, 7).master_app->other_version, 0u);
  EXPECT_EQ(with_factory_master(e, 1).master_app, e.master_app);
}

}  // namespace
}  // namespace tmsproto::conformance
