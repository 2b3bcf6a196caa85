// The terminal engine, row by row (spec/09-terminal-states.md, T1-T18): every check of every row
// with the code the table gives it, in the table's order. The TMS side is an honest TMS engine;
// messages it would not send are forged with the estate's keys (sim::Lockstep, sim::SessionKeys).
#include <gtest/gtest.h>

#include <algorithm>

#include "codec/abort_message.h"
#include "codec/download_payloads.h"
#include "codec/handshake_messages.h"
#include "codec/header.h"
#include "codec/key_message.h"
#include "codec/terminal_info.h"
#include "crypto/digest.h"
#include "crypto/secret.h"
#include "sim/loopback.h"
#include "profile/standard_slots.h"
#include "sim/row_support.h"

namespace tmsproto::terminal {
namespace {

using codec::Section;
using sim::Lockstep;
using sim::rows::kAllProfiles;
using sim::rows::kKeyDownloadProfiles;
using sim::rows::program_download;
using sim::rows::key_download;
using sim::PackageSpec;

// A terminal waiting for `type`, which is in `pending`, undelivered.
struct Waiting {
  std::unique_ptr<sim::Estate> estate;
  std::unique_ptr<Lockstep> run;
  Bytes pending;
};

Waiting waiting_for(const sim::EstateOptions& options, MsgType type,
                    const std::function<void(sim::Estate&)>& setup = {}) {
  Waiting w;
  w.estate = sim::make_estate(options);
  if (setup) setup(*w.estate);
  w.run = std::make_unique<Lockstep>(*w.estate);
  auto m = w.run->until_terminal_gets(type);
  EXPECT_TRUE(m.has_value()) << name(type);
  if (m) w.pending = std::move(*m);
  return w;
}

// The failure row of a check (REQ-ERR-002): ABORT with the code, close, T_FAILED, nothing more.
void expect_abort(const session::Output& out, const Session& t, ResponseCode code) {
  EXPECT_EQ(sim::abort_code(out), std::optional(code)) << "sent " << out.send.size() << " bodies";
  EXPECT_TRUE(out.close);
  EXPECT_EQ(t.state(), State::T_FAILED) << name(t.state());
  ASSERT_TRUE(t.failure().has_value());
  EXPECT_EQ(t.failure()->code, std::optional(code));
  EXPECT_TRUE(t.failure()->sent_abort);
}

void expect_delivery_fails(Waiting& w, ByteView body, ResponseCode code) {
  const session::Output out = w.run->to_terminal(body);
  expect_abort(out, w.run->terminal, code);
  EXPECT_FALSE(w.run->terminal.keys_installed());
  EXPECT_EQ(w.run->terminal.packages_applied(), 0u);
}

codec::Identity someone_else(codec::Identity id) {
  id.serial_no = "SN-SOMEONE-ELSE";
  return id;
}

// ---- T1 ----------------------------------------------------------------------------------------

// Checks REQ-HS-002, REQ-HS-004, REQ-CRYPTO-019.
TEST(TerminalRows, T1_StartSendsHsRequestWithFreshTData) {
  auto e = sim::make_estate(key_download());
  Lockstep run(*e);
  const session::Output out = run.start();
  ASSERT_EQ(out.send.size(), 1u);
  auto m = codec::parse_hs_request(out.send[0]);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->id, e->terminal_config.id);
  EXPECT_EQ(m->trans, TransCode::kKeyDownload);
  EXPECT_EQ(m->key_set_id, e->key_set_id);
  EXPECT_EQ(m->operator_id, e->operator_id);
  EXPECT_EQ(m->offered_profiles, offer_bit(Profile::kAes128));  // REQ-HS-011: one DMK, one profile
  EXPECT_EQ(m->t_data.time, e->clock.now_utc());                 // REQ-MSG-033
  EXPECT_EQ(run.terminal.state(), State::T_WAIT_AUTH_REQUEST);
  EXPECT_FALSE(out.close);

  Lockstep again(*e);  // a new session draws a new T_RAND
  auto second = codec::parse_hs_request(again.start().send.at(0));
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->t_data.random, m->t_data.random);
}

TEST(TerminalRows, T1_ProgramDownloadLeavesReservedBlank) {
  auto e = sim::make_estate(program_download());
  Lockstep run(*e);
  auto m = codec::parse_hs_request(run.start().send.at(0));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->trans, TransCode::kProgramDownload);
  EXPECT_TRUE(m->key_set_id.empty());   // REQ-MSG-032
  EXPECT_TRUE(m->operator_id.empty());  // unattended (REQ-OPR-001)
}

// T1 has no check column; the engine refuses locally, sending nothing, what it may not send: a
// LEGACY DMK on a device where LEGACY is not enabled (REQ-CRYPTO-020), or a command whose fields
// break the message rules (REQ-MSG-032, REQ-MSG-010).
TEST(TerminalRows, T1_LegacyDmkNotEnabledIsRefusedLocally) {
  auto e = sim::make_estate(program_download(Profile::kLegacy));
  e->terminal_config.legacy_enabled = false;
  Lockstep run(*e);
  const session::Output out = run.start();
  EXPECT_TRUE(out.send.empty());
  EXPECT_TRUE(out.close);  // REQ-CONF-029: a link dialled before START is closed empty, not held open
  EXPECT_EQ(run.terminal.state(), State::T_FAILED);
  ASSERT_TRUE(run.terminal.failure().has_value());
  EXPECT_EQ(run.terminal.failure()->code, std::optional(ResponseCode::kInternalError));
  EXPECT_FALSE(run.terminal.failure()->sent_abort);
}

// Checks REQ-CRYPTO-025: a LEGACY device, even with LEGACY enabled, refuses locally a key download
// and an attended program download; nothing is sent.
TEST(TerminalRows, T1_LegacyKeyDownloadOrOperatorIsRefusedLocally) {
  for (bool key : {true, false}) {
    auto e = sim::make_estate(program_download(Profile::kLegacy));
    ASSERT_TRUE(e->terminal_config.legacy_enabled);
    e->options.trans = key ? TransCode::kKeyDownload : TransCode::kProgramDownload;
    e->options.with_operator = !key;
    Lockstep run(*e);
    const session::Output out = run.start();
    EXPECT_TRUE(out.send.empty());
    EXPECT_TRUE(out.close);
    EXPECT_EQ(run.terminal.state(), State::T_FAILED);
    EXPECT_EQ(run.terminal.failure()->code, std::optional(ResponseCode::kInternalError));
  }
}

// Checks REQ-MSG-034: the offer is exactly the bit of the DMK's profile.
TEST(TerminalRows, T1_OffersExactlyTheProfileOfItsDmk) {
  for (Profile p : kAllProfiles) {
    auto e = sim::make_estate(program_download(p));
    Lockstep run(*e);
    auto m = codec::parse_hs_request(run.start().send.at(0));
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->offered_profiles, offer_bit(p)) << name(p);
  }
}

// Checks REQ-HS-026, REQ-MSG-043: behind a valid TAC_1, an operator's cost where the session has
// no operator, or none where it has one, is 01 — and a TAC_1 that does not cover it is 11 first.
TEST(TerminalRows, T2_OperatorCostThatDoesNotFitTheSessionIs01AfterTac) {
  for (bool attended : {true, false}) {
    auto e = sim::make_estate(attended ? key_download() : program_download());
    Lockstep run(*e);
    const Bytes request = run.start().send.at(0);
    codec::HsAuthRequest m = *codec::parse_hs_auth_request(run.to_tms(request).send.at(0));
    auto dwk = profile::recover_dwk(m.profile, e->terminal_config.dmk.view(), m.dwk1,
                                    profile::session_binding(request));
    ASSERT_TRUE(dwk.ok());
    m.opv_iterations = attended ? 0 : codec::kMinOpvIterations;
    m.opv_salt = attended ? codec::OperatorSalt{} : codec::OperatorSalt{1};
    const session::Output out = run.to_terminal(sim::rows::with_tac_under(m.profile, request, m, dwk->view()));
    expect_abort(out, run.terminal, ResponseCode::kMalformed);
  }
}

TEST(TerminalRows, T1_CommandBreakingTheMessageRulesIsRefusedLocally) {
  const std::function<void(sim::Estate&)> breakers[] = {
      [](sim::Estate& e) { e.key_set_id = ""; },                          // KEY_SET_ID required for 01
      [](sim::Estate& e) { e.operator_id = "OP-1"; },                     // not AN
      [](sim::Estate& e) { e.operator_id = "OPERATOR1"; },                // longer than 8
      [](sim::Estate& e) { e.terminal_config.id.serial_no = ""; },        // identity incomplete
      [](sim::Estate& e) { e.operator_password = ""; },                   // REQ-OPR-002: empty
      [](sim::Estate& e) { e.operator_password = std::string(65, '1'); }, // REQ-OPR-002: over 64
      [](sim::Estate& e) { e.operator_password = "12\t4"; },             // REQ-OPR-002: not printable
  };
  for (const auto& breaker : breakers) {
    auto e = sim::make_estate(key_download());
    breaker(*e);
    Lockstep run(*e);
    const session::Output out = run.start();
    EXPECT_TRUE(out.send.empty());
    EXPECT_EQ(run.terminal.state(), State::T_FAILED);
    EXPECT_EQ(run.terminal.failure()->code, std::optional(ResponseCode::kInternalError));
  }
}

// ---- T2 (REQ-HS-020 to REQ-HS-024) -----------------------------------------------------------

// Checks REQ-HS-021 (TAC_0 over the terminal's own T_DATA equals the TMS's TAC_1, or no answer
// would come) and REQ-HS-023 (the answer's fields, and a SAC_1 equal to the one recomputed from
// the estate's DMK over the transcript, which the TMS then accepts).
TEST(TerminalRows, T2_HonestAuthRequestIsAnsweredWithTheSac1TheTmsExpects) {
  for (Profile p : kAllProfiles) {
    Waiting w = waiting_for(program_download(p), MsgType::kHsAuthRequest);
    const session::Output out = w.run->to_terminal(w.pending);
    ASSERT_EQ(out.send.size(), 1u) << name(p);
    auto answer = codec::parse_hs_auth_answer(out.send[0], p);
    ASSERT_TRUE(answer.ok());
    EXPECT_EQ(answer->operator_proof, Bytes(mac_length(p), 0x00));  // unattended: REQ-OPR-001
    EXPECT_EQ(w.run->keys.with_sac(*answer), out.send[0]) << name(p);  // SAC_1, REQ-CRYPTO-024/033
    EXPECT_EQ(w.run->terminal.state(), State::T_WAIT_KEY_MESSAGE);
    EXPECT_FALSE(out.close);
    const session::Output reply = w.run->to_tms(out.send[0]);
    ASSERT_EQ(reply.send.size(), 1u) << name(p);
    EXPECT_EQ(codec::peek_type(reply.send[0]).value(), MsgType::kKeyMessage) << name(p);
  }
}

TEST(TerminalRows, T2_AttendedAnswerCarriesAnOperatorProof) {
  auto o = program_download();
  o.with_operator = true;
  Waiting w = waiting_for(o, MsgType::kHsAuthRequest);
  const session::Output out = w.run->to_terminal(w.pending);
  auto answer = codec::parse_hs_auth_answer(out.send.at(0), Profile::kAes128);
  ASSERT_TRUE(answer.ok());
  EXPECT_NE(answer->operator_proof, Bytes(16, 0x00));  // REQ-OPR-003
}

TEST(TerminalRows, T2_BadVersionIs03) {
  Waiting w = waiting_for(program_download(), MsgType::kHsAuthRequest);
  w.pending[1] = 0x02;
  expect_delivery_fails(w, w.pending, ResponseCode::kUnsupportedVersion);
}

TEST(TerminalRows, T2_UnknownProfileOctetIs08) {
  Waiting w = waiting_for(program_download(), MsgType::kHsAuthRequest);
  w.pending[58] = 0x09;  // PROFILE (REQ-MSG-040, REQ-MSG-004)
  expect_delivery_fails(w, w.pending, ResponseCode::kNoAcceptableProfile);
}

TEST(TerminalRows, T2_MalformedFieldIs01) {
  const std::function<void(Bytes&)> breakers[] = {
      [](Bytes& b) { b[59] = 0x02; },     // AUTH_STAGE
      [](Bytes& b) { b[61] = '1'; },      // SRC not 00
      [](Bytes& b) { b[78] ^= 0x01; },    // DWK_1_LEN
      [](Bytes& b) { b.push_back(0); },   // trailing octet
      [](Bytes& b) { b.pop_back(); },     // TAC_1 cut short
  };
  for (const auto& breaker : breakers) {
    Waiting w = waiting_for(program_download(), MsgType::kHsAuthRequest);
    breaker(w.pending);
    expect_delivery_fails(w, w.pending, ResponseCode::kMalformed);
  }
}

TEST(TerminalRows, T2_WrongIdentityIs26) {
  Waiting w = waiting_for(program_download(), MsgType::kHsAuthRequest);
  auto m = codec::parse_hs_auth_request(w.pending);
  ASSERT_TRUE(m.ok());
  m->id = someone_else(m->id);
  expect_delivery_fails(w, codec::serialize(*m), ResponseCode::kIdentityMismatch);
}

codec::HsAuthRequest with_profile(codec::HsAuthRequest m, Profile p) {
  m.profile = p;
  m.dwk1.resize(dwk1_length(p));
  m.tac1.resize(mac_length(p));
  return m;
}

TEST(TerminalRows, T2_ProfileNotOfferedIs08) {
  Waiting w = waiting_for(program_download(Profile::kAes128), MsgType::kHsAuthRequest);
  auto m = codec::parse_hs_auth_request(w.pending);
  ASSERT_TRUE(m.ok());
  expect_delivery_fails(w, codec::serialize(with_profile(*m, Profile::kTdes)), ResponseCode::kNoAcceptableProfile);
}

TEST(TerminalRows, T2_IdentityIsCheckedBeforeTheProfile) {
  Waiting w = waiting_for(program_download(Profile::kAes128), MsgType::kHsAuthRequest);
  auto m = codec::parse_hs_auth_request(w.pending);
  ASSERT_TRUE(m.ok());
  m->id = someone_else(m->id);
  expect_delivery_fails(w, codec::serialize(with_profile(*m, Profile::kLegacy)), ResponseCode::kIdentityMismatch);
}

TEST(TerminalRows, T2_Dwk1ThatDoesNotUnwrapIs11) {
  for (Profile p : kAllProfiles) {
    Waiting w = waiting_for(program_download(p), MsgType::kHsAuthRequest);
    w.pending[codec::kHsAuthRequestDwk1Offset + 5] ^= 0x01;  // LEGACY: another DWK, so TAC_0 differs
    expect_delivery_fails(w, w.pending, ResponseCode::kTmsAuthFailed);
  }
}

TEST(TerminalRows, T2_Dwk1WithAnotherKeyBlockHeaderIs11) {
  for (Profile p : {Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    Waiting w = waiting_for(program_download(p), MsgType::kHsAuthRequest);
    w.pending[codec::kHsAuthRequestDwk1Offset + 5] = 'K';  // key usage "B3" -> "K3" (REQ-CRYPTO-031)
    expect_delivery_fails(w, w.pending, ResponseCode::kTmsAuthFailed);
  }
}

// REQ-HS-022, REQ-HS-024: no HS_AUTH_ANSWER, no SAC_1, only ABORT 11.
// Checks REQ-SEC-001, REQ-HS-024.
TEST(TerminalRows, T2_TacMismatchIs11AndNothingElseIsSent) {
  for (Profile p : kAllProfiles) {
    Waiting w = waiting_for(program_download(p), MsgType::kHsAuthRequest);
    w.pending.back() ^= 0x01;
    expect_delivery_fails(w, w.pending, ResponseCode::kTmsAuthFailed);
  }
}

// ---- T3: key download (REQ-KEY-020 to REQ-KEY-022, REQ-TERM-002) ------------------------------

TEST(TerminalRows, T3_HonestKeyMessageStoresTheKeySetAndEnds00) {
  for (Profile p : kKeyDownloadProfiles) {
    Waiting w = waiting_for(key_download(p), MsgType::kKeyMessage);
    const session::Output out = w.run->to_terminal(w.pending);
    EXPECT_EQ(w.run->terminal.state(), State::T_WAIT_END_ACK) << name(p);
    EXPECT_TRUE(w.run->terminal.keys_installed());
    const auto& slots = w.estate->key_set();
    for (std::size_t i = 0; i < slots.size(); ++i) {
      EXPECT_TRUE(crypto::ct_equal(w.estate->key_store.slots.at(slots[i].slot).view(), w.estate->key_set_keys[i].view()));
    }
    // REQ-DL-040: TERM_INFO (SEQ 0), then at once SESSION_END (SEQ 1).
    ASSERT_EQ(out.send.size(), 2u);
    EXPECT_EQ(w.run->keys.envelope(true, out.send[0])->type, MsgType::kTermInfo);
    EXPECT_EQ(w.run->keys.envelope(true, out.send[1])->seq, 1u);
    auto payload = w.run->keys.open(true, out.send[1]);
    ASSERT_TRUE(payload.has_value());
    auto end = codec::parse_session_end(*payload);
    ASSERT_TRUE(end.ok());
    EXPECT_EQ(end->result, ResponseCode::kSuccess);
    // REQ-DL-041: the report shows every key just stored, with the KCV the KEY_MESSAGE carried.
    auto report = codec::parse_terminal_info(*w.run->keys.open(true, out.send[0]));
    ASSERT_TRUE(report.ok());
    auto km = codec::parse_key_message(w.pending, p);
    ASSERT_TRUE(km.ok());
    ASSERT_EQ(report->key_slots.size(), km->entries.size() - 1);
    for (std::size_t i = 1; i < km->entries.size(); ++i) {
      EXPECT_EQ(report->key_slots[i - 1].slot, km->entries[i].slot);
      EXPECT_EQ(report->key_slots[i - 1].kcv, km->entries[i].kcv) << name(p);
    }
  }
}

TEST(TerminalRows, T3_BadVersionIs03) {
  Waiting w = waiting_for(key_download(), MsgType::kKeyMessage);
  w.pending[1] = 0x00;
  expect_delivery_fails(w, w.pending, ResponseCode::kUnsupportedVersion);
}

TEST(TerminalRows, T3_MalformedIs01) {
  Waiting w = waiting_for(key_download(), MsgType::kKeyMessage);
  w.pending.push_back(0x00);
  expect_delivery_fails(w, w.pending, ResponseCode::kMalformed);
}

TEST(TerminalRows, T3_WrongIdentityIs26) {
  Waiting w = waiting_for(key_download(), MsgType::kKeyMessage);
  auto m = codec::parse_key_message(w.pending, Profile::kAes128);
  ASSERT_TRUE(m.ok());
  m->id = someone_else(m->id);
  expect_delivery_fails(w, w.run->keys.with_key_mac(*m), ResponseCode::kIdentityMismatch);
}

TEST(TerminalRows, T3_TransCodeNotTheSessionsIs01) {
  Waiting w = waiting_for(key_download(), MsgType::kKeyMessage);
  auto m = codec::parse_key_message(w.pending, Profile::kAes128);
  ASSERT_TRUE(m.ok());
  m->trans = TransCode::kProgramDownload;
  m->entries.resize(1);  // a program download's KEY_MESSAGE carries the DSK alone (REQ-MSG-060)
  expect_delivery_fails(w, w.run->keys.with_key_mac(*m), ResponseCode::kMalformed);
}

TEST(TerminalRows, T3_KeyMacMismatchIs13AndNothingIsStored) {
  for (Profile p : kKeyDownloadProfiles) {
    Waiting w = waiting_for(key_download(p), MsgType::kKeyMessage);
    w.pending.back() ^= 0x80;
    expect_delivery_fails(w, w.pending, ResponseCode::kMacFailed);
    EXPECT_TRUE(w.estate->key_store.slots.empty());  // REQ-KEY-020
  }
}

// REQ-KEY-021: every entry is checked before anything is stored, so a bad last entry stores nothing.
TEST(TerminalRows, T3_KcvMismatchIs18AndNothingIsStored) {
  for (Profile p : kKeyDownloadProfiles) {
    Waiting w = waiting_for(key_download(p), MsgType::kKeyMessage);
    auto m = codec::parse_key_message(w.pending, p);
    ASSERT_TRUE(m.ok());
    m->entries.back().kcv[0] ^= 0x01;
    expect_delivery_fails(w, w.run->keys.with_key_mac(*m), ResponseCode::kIntegrityFailed);
    EXPECT_TRUE(w.estate->key_store.slots.empty()) << name(p);
  }
}

TEST(TerminalRows, T3_DskKcvMismatchIs18) {
  Waiting w = waiting_for(key_download(), MsgType::kKeyMessage);
  auto m = codec::parse_key_message(w.pending, Profile::kAes128);
  ASSERT_TRUE(m.ok());
  m->entries[0].kcv[2] ^= 0x01;
  expect_delivery_fails(w, w.run->keys.with_key_mac(*m), ResponseCode::kIntegrityFailed);
}

TEST(TerminalRows, T3_UnknownSlotIs18) {
  Waiting w = waiting_for(key_download(), MsgType::kKeyMessage);
  auto m = codec::parse_key_message(w.pending, Profile::kAes128);
  ASSERT_TRUE(m.ok());
  m->entries.back().slot = 0x90;  // a vendor slot, not in the terminal's slot table (REQ-KEY-025)
  expect_delivery_fails(w, w.run->keys.with_key_mac(*m), ResponseCode::kIntegrityFailed);
  EXPECT_TRUE(w.estate->key_store.slots.empty());
}

TEST(TerminalRows, T3_KeyWrappedForAnotherSlotsRuleIs18) {
  for (Profile p : {Profile::kTdes, Profile::kAes256}) {
    Waiting w = waiting_for(key_download(p), MsgType::kKeyMessage);
    auto m = codec::parse_key_message(w.pending, p);
    ASSERT_TRUE(m.ok());
    const profile::SlotRule slot2 = w.estate->terminal_config.slots.at(2);
    m->entries[1] = w.run->keys.wrap(1, slot2, Bytes(slot2.key_length, 0x5a));  // slot 1 wants "K0"
    expect_delivery_fails(w, w.run->keys.with_key_mac(*m), ResponseCode::kIntegrityFailed);
  }
}

TEST(TerminalRows, T3_KeyStoreRefusalIs21) {
  Waiting w = waiting_for(key_download(), MsgType::kKeyMessage);
  w.estate->key_store.fail_next = true;
  expect_delivery_fails(w, w.pending, ResponseCode::kKeyStorageFailed);
  EXPECT_TRUE(w.estate->key_store.slots.empty());  // all or none (REQ-KEY-022)
}

// ---- T4: program download ----------------------------------------------------------------------

TEST(TerminalRows, T4_HonestKeyMessageAnnouncesTheInstalledPackages) {
  Waiting w = waiting_for(program_download(), MsgType::kKeyMessage, [](sim::Estate& e) {
    e.package_store.packages[{codec::PackageKind::kParameters, "PARAMS"}] = {7, Bytes{1, 2, 3}};
  });
  const session::Output out = w.run->to_terminal(w.pending);
  EXPECT_EQ(w.run->terminal.state(), State::T_WAIT_PKG_CONFIRM);
  EXPECT_FALSE(w.run->terminal.keys_installed());  // REQ-TERM-002: keys only in T3
  EXPECT_TRUE(w.estate->key_store.slots.empty());
  // REQ-DL-040: TERM_INFO (SEQ 0), then at once PKG_ANNOUNCE (SEQ 1, REQ-DL-002).
  ASSERT_EQ(out.send.size(), 2u);
  auto info_env = w.run->keys.envelope(true, out.send[0]);
  ASSERT_TRUE(info_env.has_value());
  EXPECT_EQ(info_env->seq, 0u);
  EXPECT_EQ(info_env->type, MsgType::kTermInfo);
  auto e = w.run->keys.envelope(true, out.send[1]);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->seq, 1u);
  EXPECT_EQ(e->type, MsgType::kPkgAnnounce);
  auto announce = codec::parse_pkg_announce(*w.run->keys.open(true, out.send[1]));
  ASSERT_TRUE(announce.ok());
  EXPECT_EQ(announce->max_chunk, w.estate->terminal_config.max_chunk);
  ASSERT_EQ(announce->installed.size(), 2u);  // the master application and PARAMS, in (KIND, NAME) order
  EXPECT_EQ(announce->installed[0], (codec::InstalledPackage{codec::PackageKind::kMaster, "TMSP-MASTER", 1}));
  EXPECT_EQ(announce->installed[1], (codec::InstalledPackage{codec::PackageKind::kParameters, "PARAMS", 7}));
  // REQ-DL-041: the report names exactly the announced packages, the device and the master application.
  auto report = codec::parse_terminal_info(*w.run->keys.open(true, out.send[0]));
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->packages, announce->installed);
  EXPECT_EQ(report->hardware_id, w.estate->device.device.hardware_id);
  EXPECT_EQ(report->master_app, (codec::MasterApp{1, 1, codec::SwitchState::kSettled, 0}));
  EXPECT_TRUE(report->key_slots.empty());
}

TEST(TerminalRows, T4_TransCodeOfAKeyDownloadIs01) {
  Waiting w = waiting_for(program_download(), MsgType::kKeyMessage);
  auto m = codec::parse_key_message(w.pending, Profile::kAes128);
  ASSERT_TRUE(m.ok());
  m->trans = TransCode::kKeyDownload;
  // REQ-MSG-060: a key download's KEY_MESSAGE has at least 2 entries; with the DSK alone the body
  // rule, not the row's TRANS_CODE check, would give the 01.
  codec::KeyEntry extra = m->entries[0];
  extra.slot = 1;
  m->entries.push_back(extra);
  expect_delivery_fails(w, w.run->keys.with_key_mac(*m), ResponseCode::kMalformed);
}

TEST(TerminalRows, T4_WrongIdentityIs26) {
  Waiting w = waiting_for(program_download(), MsgType::kKeyMessage);
  auto m = codec::parse_key_message(w.pending, Profile::kAes128);
  ASSERT_TRUE(m.ok());
  m->id = someone_else(m->id);
  expect_delivery_fails(w, codec::serialize(*m), ResponseCode::kIdentityMismatch);
}

TEST(TerminalRows, T4_KeyMacMismatchIs13) {
  for (Profile p : kAllProfiles) {
    Waiting w = waiting_for(program_download(p), MsgType::kKeyMessage);
    w.pending[w.pending.size() - mac_length(p)] ^= 0x01;
    expect_delivery_fails(w, w.pending, ResponseCode::kMacFailed);
  }
}

TEST(TerminalRows, T4_DskThatFailsItsHeaderOrKcvIs18) {
  for (Profile p : kAllProfiles) {
    Waiting w = waiting_for(program_download(p), MsgType::kKeyMessage);
    auto m = codec::parse_key_message(w.pending, p);
    ASSERT_TRUE(m.ok());
    if (p == Profile::kLegacy) {
      m->entries[0].kcv[0] ^= 0x01;
    } else {  // a DSK block with the header of another key (REQ-CRYPTO-035)
      profile::SlotRule rule = profile::dsk_rule(p);
      rule.key_usage = "K0";
      m->entries[0] = w.run->keys.wrap(0, rule, Bytes(key_length(p), 0x3c));
    }
    expect_delivery_fails(w, w.run->keys.with_key_mac(*m), ResponseCode::kIntegrityFailed);
  }
}

// ---- T5 / T6: PKG_CONFIRM (REQ-DL-010, REQ-DL-020, REQ-DL-021, REQ-DL-033) --------------------

Bytes confirm_with(const Waiting& w, const std::vector<codec::Offer>& offers) {
  return w.run->keys.reseal(false, w.pending, codec::serialize(codec::PkgConfirm{offers}));
}

codec::FrameRequest request_in(const Waiting& w, const session::Output& out) {
  EXPECT_EQ(out.send.size(), 1u);
  auto payload = w.run->keys.open(true, out.send.at(0));
  EXPECT_TRUE(payload.has_value());
  auto q = codec::parse_frame_request(payload.value_or(Bytes{}));
  EXPECT_TRUE(q.ok());
  return q.ok() ? *q : codec::FrameRequest{};
}

TEST(TerminalRows, T5_HonestConfirmRequestsTheFitFirst) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm);
  const session::Output out = w.run->to_terminal(w.pending);
  EXPECT_EQ(w.run->terminal.state(), State::T_WAIT_FRAME);
  EXPECT_EQ(request_in(w, out), (codec::FrameRequest{0, Section::kFit, 0}));  // REQ-DL-021
}

TEST(TerminalRows, T5_EnvelopeBadVersionIs03) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm);
  w.pending[1] = 0x02;
  expect_delivery_fails(w, w.pending, ResponseCode::kUnsupportedVersion);
}

// Checks REQ-DL-001, REQ-MSG-070.
TEST(TerminalRows, T5_EnvelopeMacMismatchIs13) {
  for (Profile p : kAllProfiles) {
    Waiting w = waiting_for(program_download(p), MsgType::kPkgConfirm);
    w.pending[70] ^= 0x04;  // in CT
    expect_delivery_fails(w, w.pending, ResponseCode::kMacFailed);
  }
}

TEST(TerminalRows, T5_EnvelopeCtLenNotABlockMultipleIs13) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm);
  w.pending[63] ^= 0x01;  // CT_LEN (REQ-MSG-070)
  expect_delivery_fails(w, w.pending, ResponseCode::kMacFailed);
}

TEST(TerminalRows, T5_EnvelopeCutShortIs01) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm);
  w.pending.pop_back();
  expect_delivery_fails(w, w.pending, ResponseCode::kMalformed);
}

TEST(TerminalRows, T5_EnvelopeBadPaddingIs13) {
  for (Profile p : kAllProfiles) {
    Waiting w = waiting_for(program_download(p), MsgType::kPkgConfirm);
    expect_delivery_fails(w, w.run->keys.seal_unpadded(false, MsgType::kPkgConfirm, 0, Bytes(16, 0x00)),
                          ResponseCode::kMacFailed);
  }
}

TEST(TerminalRows, T5_EnvelopeIdentityMismatchIs26) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm);
  const Bytes payload = *w.run->keys.open(false, w.pending);
  const Bytes forged = w.run->keys.seal(false, MsgType::kPkgConfirm, 0, payload,
                                        someone_else(w.estate->terminal_config.id));
  expect_delivery_fails(w, forged, ResponseCode::kIdentityMismatch);
}

TEST(TerminalRows, T5_EnvelopeSeqErrorIs14) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm);
  const Bytes payload = *w.run->keys.open(false, w.pending);
  expect_delivery_fails(w, w.run->keys.seal(false, MsgType::kPkgConfirm, 1, payload),
                        ResponseCode::kSequenceError);  // REQ-DL-002
}

// Checks REQ-MSG-071.
TEST(TerminalRows, T5_PayloadThatDoesNotParseIs01) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm);
  expect_delivery_fails(w, w.run->keys.reseal(false, w.pending, Bytes{0x09}), ResponseCode::kMalformed);
}

// Checks REQ-SEC-006, REQ-DL-010.
TEST(TerminalRows, T5_SignatureInvalidIs19) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm);
  codec::Offer o = w.estate->vendor().packages[0].offer;
  o.manifest.version += 1;  // no longer what the vendor signed
  expect_delivery_fails(w, confirm_with(w, {o}), ResponseCode::kSignatureInvalid);
}

TEST(TerminalRows, T5_ManifestForAnotherModelOrVendorIs27) {
  for (int which = 0; which < 2; ++which) {
    Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm);
    codec::Manifest m = sim::rows::first_manifest(*w.estate);
    (which == 0 ? m.model_id : m.vendor_id) = "OTHER01";
    expect_delivery_fails(w, confirm_with(w, {sim::rows::signed_offer(*w.estate, m)}),
                          ResponseCode::kManifestNotForTerminal);
  }
}

TEST(TerminalRows, T5_VersionNotAboveInstalledIs20) {
  for (std::uint32_t installed : {2u, 3u}) {  // the offered version is 2
    Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm);
    w.estate->package_store.packages[{codec::PackageKind::kApplication, "PAYAPP"}] = {installed, Bytes{9}};
    expect_delivery_fails(w, w.pending, ResponseCode::kRollbackRefused);  // REQ-SEC-007
    EXPECT_EQ(w.estate->package_store.packages.at({codec::PackageKind::kApplication, "PAYAPP"}).version,
              installed);
  }
}

// Checks REQ-DL-052: an offer of KIND M under a NAME other than the installed master application's,
// or a second KIND M offer of one PKG_CONFIRM under another NAME, is not for this terminal.
TEST(TerminalRows, T5_MasterApplicationUnderAnotherNameIs27) {
  {
    Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm);  // TMSP-MASTER v1 installed
    codec::Manifest m = sim::rows::first_manifest(*w.estate);
    m.kind = codec::PackageKind::kMaster;
    m.name = "OTHER-MASTER";
    expect_delivery_fails(w, confirm_with(w, {sim::rows::signed_offer(*w.estate, m)}),
                          ResponseCode::kManifestNotForTerminal);
  }
  auto o = program_download();
  o.master_app = false;  // none installed: the first KIND M offer may have any NAME ...
  Waiting w = waiting_for(o, MsgType::kPkgConfirm);
  codec::Manifest first = sim::rows::first_manifest(*w.estate);
  first.kind = codec::PackageKind::kMaster;
  first.name = "NEW-MASTER";
  codec::Manifest second = first;
  second.name = "ZZ-MASTER";  // ... but not a second one under another NAME
  expect_delivery_fails(w, confirm_with(w, {sim::rows::signed_offer(*w.estate, first), sim::rows::signed_offer(*w.estate, second)}),
                        ResponseCode::kManifestNotForTerminal);
}

// Checks REQ-DL-052: the master application's floor includes a version waiting for the next start
// and a version that failed to start.
TEST(TerminalRows, T5_MasterApplicationAtItsFloorIs20) {
  for (codec::SwitchState state : {codec::SwitchState::kPending, codec::SwitchState::kFellBack}) {
    Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm, [state](sim::Estate& e) {
      e.package_store.master->install(2);
      if (state == codec::SwitchState::kFellBack) e.package_store.master->start(false);
    });
    codec::Manifest m = sim::rows::first_manifest(*w.estate);
    m.kind = codec::PackageKind::kMaster;
    m.name = sim::kMasterApplication;
    m.version = 2;  // above the installed v1, at the floor
    expect_delivery_fails(w, confirm_with(w, {sim::rows::signed_offer(*w.estate, m)}), ResponseCode::kRollbackRefused);
  }
}

TEST(TerminalRows, T5_ChunkAboveTheAnnouncedMaxIs01) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm,
                          [](sim::Estate& e) { e.terminal_config.max_chunk = 512; });
  const codec::Offer o = sim::rows::signed_offer(*w.estate, sim::rows::first_manifest(*w.estate));  // 1024
  expect_delivery_fails(w, confirm_with(w, {o}), ResponseCode::kMalformed);
}

// REQ-ERR-001: within an offer signature, then vendor and model, then version, then chunk size;
// offers in PKG_INDEX order, all before any piece is requested.
codec::Manifest other_package(sim::Estate& e) {
  codec::Manifest m = sim::rows::first_manifest(e);
  m.name = "OTHER";
  return m;
}

TEST(TerminalRows, T5_ChecksEachOfferInTheTablesOrder) {
  struct Case {
    std::function<codec::Offer(sim::Estate&)> offer;
    ResponseCode code;
  };
  const Case cases[] = {
      {[](sim::Estate& e) {
         codec::Offer o = sim::rows::signed_offer(e, other_package(e));
         o.manifest.model_id = "OTHER01";  // and no longer signed
         return o;
       },
       ResponseCode::kSignatureInvalid},
      {[](sim::Estate& e) {
         codec::Manifest m = other_package(e);
         m.model_id = "OTHER01";
         m.version = 1;  // and a rollback
         return sim::rows::signed_offer(e, m);
       },
       ResponseCode::kManifestNotForTerminal},
      {[](sim::Estate& e) {
         codec::Manifest m = other_package(e);
         m.version = 1;
         m.chunk_size = 4096;  // and above MAX_CHUNK
         return sim::rows::signed_offer(e, m);
       },
       ResponseCode::kRollbackRefused},
  };
  for (const Case& c : cases) {
    Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm, [](sim::Estate& e) {
      e.terminal_config.max_chunk = 2048;
      e.package_store.packages[{codec::PackageKind::kApplication, "PAYAPP"}] = {1, Bytes{9}};
      e.package_store.packages[{codec::PackageKind::kApplication, "OTHER"}] = {1, Bytes{9}};
    });
    const codec::Offer good = w.estate->vendor().packages[0].offer;
    expect_delivery_fails(w, confirm_with(w, {good, c.offer(*w.estate)}), c.code);
  }
}

// ---- T5, FORMAT 0x02: pinned signers, target, NOT_AFTER (REQ-DL-060 to REQ-DL-064) ------------

// An estate whose vendor database holds the acquirer's parameter file MERCHANT v2 for this terminal
// (FORMAT 0x02, signer ACQ00001 pinned for KIND P only), installed at v1.
sim::EstateOptions with_parameter_file() {
  auto o = program_download();
  o.packages = {PackageSpec{codec::PackageKind::kParameters, "MERCHANT", 2, 600, 256, true}};
  return o;
}

Waiting waiting_with_parameter_file() {
  return waiting_for(with_parameter_file(), MsgType::kPkgConfirm, [](sim::Estate& e) {
    e.terminal_config.max_chunk = 2048;
    e.package_store.packages[{codec::PackageKind::kParameters, "MERCHANT"}] = {1, Bytes{9}};
  });
}

codec::Manifest parameter_manifest(const Waiting& w) { return w.estate->vendor().packages.at(0).offer.manifest; }

codec::Offer acquirer_signed(const Waiting& w, const codec::Manifest& m) {
  return sim::rows::signed_offer(w.estate->acquirer_private_key.view(), m);
}

// Checks REQ-DL-060, REQ-DL-061, REQ-SEC-016: the honest offer passes T5, and the session installs it.
TEST(TerminalRows, T5_Format02ParameterFileOfAPinnedAcquirerIsInstalled) {
  auto e = sim::make_estate(with_parameter_file());
  ASSERT_EQ(e->vendor().packages.at(0).offer.manifest.format(), codec::kFormatScoped);
  const sim::RunResult r = sim::run_session(*e);
  EXPECT_EQ(r.terminal_state, State::T_DONE);
  const auto& installed = e->package_store.packages.at({codec::PackageKind::kParameters, "MERCHANT"});
  EXPECT_EQ(installed.version, 2u);
  EXPECT_EQ(installed.content, e->vendor().packages.at(0).content);
}

// Checks REQ-DL-061: a SIGNER_ID the terminal has not pinned is 19, even with a valid signature.
TEST(TerminalRows, T5_Format02UnknownSignerIs19) {
  Waiting w = waiting_with_parameter_file();
  codec::Manifest m = parameter_manifest(w);
  m.scope->signer_id = "NOSUCH01";
  expect_delivery_fails(w, confirm_with(w, {acquirer_signed(w, m)}), ResponseCode::kSignatureInvalid);
}

// Checks REQ-DL-061, REQ-SEC-016: the acquirer is pinned for P only; its signature on an
// application is 19 however valid.
TEST(TerminalRows, T5_Format02SignerNotAllowedForTheKindIs19) {
  for (codec::PackageKind kind : {codec::PackageKind::kApplication, codec::PackageKind::kMaster,
                                  codec::PackageKind::kDataFile}) {
    Waiting w = waiting_with_parameter_file();
    codec::Manifest m = parameter_manifest(w);
    m.kind = kind;
    expect_delivery_fails(w, confirm_with(w, {acquirer_signed(w, m)}), ResponseCode::kSignatureInvalid);
  }
}

// Checks REQ-DL-061: FORMAT 0x02 is verified with the key SIGNER_ID names, not the vendor's.
TEST(TerminalRows, T5_Format02SignedByTheVendorKeyUnderTheAcquirersIdIs19) {
  Waiting w = waiting_with_parameter_file();
  expect_delivery_fails(w, confirm_with(w, {sim::rows::signed_offer(*w.estate, parameter_manifest(w))}),
                        ResponseCode::kSignatureInvalid);
}

// Checks REQ-DL-062, REQ-SEC-016: a target list without this terminal's SERIAL_NO is 27.
TEST(TerminalRows, T5_Format02NotTargetingThisTerminalIs27) {
  Waiting w = waiting_with_parameter_file();
  codec::Manifest m = parameter_manifest(w);
  m.scope->targets = {"SN-SOMEONE-ELSE", "SN0"};
  std::sort(m.scope->targets.begin(), m.scope->targets.end());
  expect_delivery_fails(w, confirm_with(w, {acquirer_signed(w, m)}), ResponseCode::kManifestNotForTerminal);
}

// Checks REQ-DL-062: TARGET_COUNT 0 targets every terminal of the model.
TEST(TerminalRows, T5_Format02WithoutTargetsIsForEveryTerminalOfTheModel) {
  Waiting w = waiting_with_parameter_file();
  codec::Manifest m = parameter_manifest(w);
  m.scope->targets.clear();
  const session::Output out = w.run->to_terminal(confirm_with(w, {acquirer_signed(w, m)}));
  EXPECT_EQ(w.run->terminal.state(), State::T_WAIT_FRAME);
  EXPECT_EQ(request_in(w, out).section, Section::kFit);
}

// Checks REQ-DL-063: NOT_AFTER one second before the terminal's clock is 29; equal to it is valid.
TEST(TerminalRows, T5_Format02PastNotAfterIs29) {
  {
    Waiting w = waiting_with_parameter_file();
    codec::Manifest m = parameter_manifest(w);
    m.scope->not_after = {2026, 11, 26, 15, 59, 59};  // the estate's clock: 2026-11-26 16:00:00
    expect_delivery_fails(w, confirm_with(w, {acquirer_signed(w, m)}), ResponseCode::kManifestExpired);
  }
  {
    Waiting w = waiting_with_parameter_file();
    codec::Manifest m = parameter_manifest(w);
    m.scope->not_after = w.estate->clock.now_utc();
    w.run->to_terminal(confirm_with(w, {acquirer_signed(w, m)}));
    EXPECT_EQ(w.run->terminal.state(), State::T_WAIT_FRAME);
  }
}

// Checks REQ-DL-064, REQ-SEC-007: one version line per (KIND, NAME) whoever signs: the acquirer
// cannot bring back a version the vendor installed, nor the vendor one the acquirer installed.
TEST(TerminalRows, T5_Format02RollbackIs20WhateverTheSigner) {
  {
    Waiting w = waiting_with_parameter_file();
    w.estate->package_store.packages[{codec::PackageKind::kParameters, "MERCHANT"}] = {2, Bytes{9}};  // by the vendor
    expect_delivery_fails(w, confirm_with(w, {w.estate->vendor().packages.at(0).offer}), ResponseCode::kRollbackRefused);
  }
  {
    Waiting w = waiting_with_parameter_file();
    w.estate->package_store.packages[{codec::PackageKind::kParameters, "MERCHANT"}] = {3, Bytes{9}};  // by the acquirer
    codec::Manifest m = parameter_manifest(w);
    m.scope.reset();  // the vendor's FORMAT 0x01 manifest of the same (KIND, NAME)
    m.version = 3;
    expect_delivery_fails(w, confirm_with(w, {sim::rows::signed_offer(*w.estate, m)}), ResponseCode::kRollbackRefused);
  }
}

// REQ-ERR-001, REQ-DL-010: within a FORMAT 0x02 offer the checks go signer known [19], KIND
// allowed [19], signature [19], vendor and model [27], target [27], NOT_AFTER [29], version [20],
// CHUNK_SIZE [01]; case `first` fails that check and every later one, so its code must win.
TEST(TerminalRows, T5_Format02ChecksInTheRowsOrder) {
  enum { kSigner, kKind, kSignature, kModel, kTarget, kExpired, kVersion, kChunk, kCount };
  const ResponseCode codes[kCount] = {ResponseCode::kSignatureInvalid,       ResponseCode::kSignatureInvalid,
                                      ResponseCode::kSignatureInvalid,       ResponseCode::kManifestNotForTerminal,
                                      ResponseCode::kManifestNotForTerminal, ResponseCode::kManifestExpired,
                                      ResponseCode::kRollbackRefused,        ResponseCode::kMalformed};
  for (int first = kSigner; first < kCount; ++first) {
    Waiting w = waiting_with_parameter_file();
    codec::Manifest m = parameter_manifest(w);
    if (first <= kSigner) m.scope->signer_id = "NOSUCH01";
    if (first <= kKind) m.kind = codec::PackageKind::kApplication;
    if (first <= kModel) m.model_id = "OTHER01";
    if (first <= kTarget) m.scope->targets = {"SN-SOMEONE-ELSE"};
    if (first <= kExpired) m.scope->not_after = {2026, 1, 1, 0, 0, 0};
    if (first <= kVersion) m.version = 1;  // the installed version
    if (first <= kChunk) m.chunk_size = 4096;
    // kSigner and kKind keep a valid acquirer signature, so only their own check fails them.
    const codec::Offer o = first == kSignature ? sim::rows::offer_signed_by_another_key(m) : acquirer_signed(w, m);
    SCOPED_TRACE("first failing check " + std::to_string(first));
    expect_delivery_fails(w, confirm_with(w, {o}), codes[first]);
  }
}

// Checks REQ-DL-063: the clock is read at T5, from the port (REQ-TERM-003): a terminal whose clock
// has run past NOT_AFTER since the handshake refuses the offer.
TEST(TerminalRows, T5_Format02NotAfterIsComparedWithTheClockAtT5) {
  Waiting w = waiting_with_parameter_file();
  codec::Manifest m = parameter_manifest(w);
  m.scope->not_after = w.estate->clock.now_utc();
  w.estate->clock.set({2026, 11, 26, 16, 0, 1});
  expect_delivery_fails(w, confirm_with(w, {acquirer_signed(w, m)}), ResponseCode::kManifestExpired);
}

// Checks REQ-DL-033.
TEST(TerminalRows, T6_CountZeroEndsWithSessionEnd00) {
  auto o = program_download();
  o.packages = {};
  Waiting w = waiting_for(o, MsgType::kPkgConfirm);
  const session::Output out = w.run->to_terminal(w.pending);
  EXPECT_EQ(w.run->terminal.state(), State::T_WAIT_END_ACK);  // REQ-DL-033
  auto end = codec::parse_session_end(*w.run->keys.open(true, out.send.at(0)));
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(end->result, ResponseCode::kSuccess);
  w.run->drain();
  EXPECT_EQ(w.run->terminal.state(), State::T_DONE);
  EXPECT_EQ(w.run->terminal.packages_applied(), 0u);
}

// A session whose apply failed keeps its staged, verified pieces; the next session's PKG_CONFIRM
// leaves nothing to fetch, so T6 applies at once (REQ-DL-020, REQ-DL-030).
TEST(TerminalRows, T6_EverythingAlreadyStagedIsAppliedWithoutAFrame) {
  auto e = sim::make_estate(program_download());
  e->package_store.fail_apply = true;
  const sim::RunResult first = sim::run_session(*e);
  ASSERT_EQ(first.terminal_state, State::T_FAILED);
  EXPECT_EQ(first.terminal_failure->code, std::optional(ResponseCode::kApplyFailed));
  e->package_store.fail_apply = false;
  const std::size_t staged = e->package_store.pieces_staged;

  Lockstep run(*e);
  auto confirm = run.until_terminal_gets(MsgType::kPkgConfirm);
  ASSERT_TRUE(confirm.has_value());
  const session::Output out = run.to_terminal(*confirm);
  EXPECT_EQ(run.terminal.state(), State::T_WAIT_END_ACK);  // T6, not T5
  EXPECT_EQ(codec::parse_session_end(*run.keys.open(true, out.send.at(0)))->result, ResponseCode::kSuccess);
  run.drain();
  EXPECT_EQ(run.terminal.state(), State::T_DONE);
  EXPECT_EQ(run.tms.frames_served(), 0u);
  EXPECT_EQ(e->package_store.pieces_staged, staged);
  const auto& p = e->vendor().packages[0];
  EXPECT_EQ(e->package_store.packages.at({p.offer.manifest.kind, p.offer.manifest.name}).content, p.content);
}

// ---- T7 / T8: FRAME_RESPONSE (REQ-DL-023, REQ-MSG-100, REQ-DL-030) -----------------------------

codec::FrameResponse response_in(const Waiting& w) {
  auto r = codec::parse_frame_response(*w.run->keys.open(false, w.pending));
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : codec::FrameResponse{};
}

Bytes resealed(const Waiting& w, const codec::FrameResponse& r) {
  return w.run->keys.reseal(false, w.pending, codec::serialize(r));
}

terminal::ManifestId manifest_id(sim::Estate& e) {
  return crypto::sha256(codec::serialize(sim::rows::first_manifest(e)));
}

TEST(TerminalRows, T7_VerifiedFitIsStagedThenTheFirstDataPieceRequested) {
  Waiting w = waiting_for(program_download(), MsgType::kFrameResponse);
  ASSERT_EQ(response_in(w).section, Section::kFit);
  const session::Output out = w.run->to_terminal(w.pending);
  EXPECT_EQ(w.run->terminal.state(), State::T_WAIT_FRAME);
  EXPECT_EQ(request_in(w, out), (codec::FrameRequest{0, Section::kData, 0}));
  EXPECT_TRUE(w.estate->package_store.staged_fit(manifest_id(*w.estate)).has_value());
}

TEST(TerminalRows, T7_ResponseThatDoesNotAnswerTheRequestIs01) {
  const std::function<void(codec::FrameResponse&)> changes[] = {
      [](codec::FrameResponse& r) { r.pkg_index = 1; },
      [](codec::FrameResponse& r) { r.section = Section::kData; },
      [](codec::FrameResponse& r) { r.piece = 1; },
      [](codec::FrameResponse& r) { r.data.push_back(0); },  // DATA_LEN not the piece length
  };
  for (const auto& change : changes) {
    Waiting w = waiting_for(program_download(), MsgType::kFrameResponse);
    codec::FrameResponse r = response_in(w);
    change(r);
    expect_delivery_fails(w, resealed(w, r), ResponseCode::kMalformed);
  }
}

TEST(TerminalRows, T7_FitDigestMismatchIs18AndTheFitIsNotStaged) {
  Waiting w = waiting_for(program_download(), MsgType::kFrameResponse);
  codec::FrameResponse r = response_in(w);
  r.data[7] ^= 0x01;
  expect_delivery_fails(w, resealed(w, r), ResponseCode::kIntegrityFailed);
  EXPECT_FALSE(w.estate->package_store.staged_fit(manifest_id(*w.estate)).has_value());
}

// A FIT of several pieces is checked once complete (REQ-DL-023).
TEST(TerminalRows, T7_FitOfSeveralPiecesIsCheckedWhenComplete) {
  auto o = program_download();
  o.packages[0].chunk_size = 256;  // 10 DATA pieces, a FIT of 320 octets in 2 pieces
  Waiting w = waiting_for(o, MsgType::kFrameResponse);
  codec::FrameResponse r = response_in(w);
  r.data[0] ^= 0x01;
  const session::Output out = w.run->to_terminal(resealed(w, r));
  EXPECT_EQ(request_in(w, out), (codec::FrameRequest{0, Section::kFit, 1}));
  auto next = w.run->until_terminal_gets(MsgType::kFrameResponse);
  ASSERT_TRUE(next.has_value());
  w.pending = *next;
  expect_delivery_fails(w, w.pending, ResponseCode::kIntegrityFailed);
  EXPECT_FALSE(w.estate->package_store.staged_fit(manifest_id(*w.estate)).has_value());
}

// Checks REQ-SEC-006, REQ-DL-023.
TEST(TerminalRows, T7_DataPieceDigestMismatchIs18AndNothingIsStaged) {
  Waiting w = waiting_for(program_download(), MsgType::kFrameResponse);
  w.run->to_terminal(w.pending);  // the FIT
  w.pending = *w.run->until_terminal_gets(MsgType::kFrameResponse);
  codec::FrameResponse r = response_in(w);
  ASSERT_EQ(r.section, Section::kData);
  r.data.back() ^= 0x01;
  expect_delivery_fails(w, resealed(w, r), ResponseCode::kIntegrityFailed);
  EXPECT_EQ(w.estate->package_store.pieces_staged, 0u);
}

TEST(TerminalRows, T7_ReplayedResponseIs14) {
  Waiting w = waiting_for(program_download(), MsgType::kFrameResponse);
  w.run->to_terminal(w.pending);
  expect_delivery_fails(w, w.pending, ResponseCode::kSequenceError);  // REQ-DL-002
}

TEST(TerminalRows, T8_LastPieceAppliesThePackageAndEnds00) {
  Waiting w = waiting_for(program_download(), MsgType::kSessionEndAck);
  EXPECT_EQ(w.run->terminal.state(), State::T_WAIT_END_ACK);
  EXPECT_EQ(w.run->terminal.packages_applied(), 1u);
  const auto& p = w.estate->vendor().packages[0];
  const auto& installed = w.estate->package_store.packages.at({p.offer.manifest.kind, p.offer.manifest.name});
  EXPECT_EQ(installed.content, p.content);
  EXPECT_EQ(installed.version, p.offer.manifest.version);  // REQ-DL-031
  const session::Output out = w.run->to_terminal(w.pending);
  EXPECT_TRUE(out.send.empty());
  EXPECT_TRUE(out.close);
  EXPECT_EQ(w.run->terminal.state(), State::T_DONE);  // T9
}

// The TMS's last SESSION_END, as the terminal sent it.
ResponseCode last_session_end(Lockstep& run) {
  auto body = run.until_tms_gets(MsgType::kSessionEnd);
  EXPECT_TRUE(body.has_value());
  auto end = codec::parse_session_end(run.keys.open(true, *body).value_or(Bytes{}));
  EXPECT_TRUE(end.ok());
  run.queue.push_front({true, *body});
  return end.ok() ? end->result : ResponseCode::kSuccess;
}

// REQ-DL-030: a package digest mismatch travels in SESSION_END, authenticated, not in ABORT.
TEST(TerminalRows, T8_PackageDigestMismatchEndsWithSessionEnd18) {
  auto e = sim::make_estate(program_download());
  auto& pkg = e->vendor().packages[0];
  pkg.offer.manifest.pkg_digest[0] ^= 0x01;  // a vendor that signs a wrong digest
  pkg.offer = sim::rows::signed_offer(*e, pkg.offer.manifest);
  Lockstep run(*e);
  EXPECT_EQ(last_session_end(run), ResponseCode::kIntegrityFailed);
  EXPECT_EQ(run.terminal.packages_applied(), 0u);
  EXPECT_FALSE(e->package_store.has_piece(manifest_id(*e), 0));  // discarded
  run.drain();
  EXPECT_EQ(run.terminal.state(), State::T_FAILED);
  EXPECT_EQ(run.terminal.failure()->code, std::optional(ResponseCode::kIntegrityFailed));
  EXPECT_EQ(run.tms.state(), tms::State::S_DONE);
  EXPECT_EQ(e->audit.records.back().terminal_result, std::optional(ResponseCode::kIntegrityFailed));
}

// REQ-DL-030: every package's digest is checked, then the packages are applied; a bad second
// package leaves the first unapplied too.
TEST(TerminalRows, T8_EveryPackageDigestIsCheckedBeforeAnyIsApplied) {
  auto o = program_download();
  o.packages.push_back(PackageSpec{codec::PackageKind::kParameters, "PARAMS", 3, 700, 256});
  auto e = sim::make_estate(o);
  auto& second = e->vendor().packages[1];
  second.offer.manifest.pkg_digest[31] ^= 0x01;
  second.offer = sim::rows::signed_offer(*e, second.offer.manifest);
  Lockstep run(*e);
  EXPECT_EQ(last_session_end(run), ResponseCode::kIntegrityFailed);
  EXPECT_EQ(run.terminal.packages_applied(), 0u);
  EXPECT_EQ(e->package_store.packages.count({codec::PackageKind::kApplication, "PAYAPP"}), 0u);
  EXPECT_EQ(e->package_store.packages.count({codec::PackageKind::kParameters, "PARAMS"}), 0u);
  run.drain();
  EXPECT_EQ(run.terminal.failure()->code, std::optional(ResponseCode::kIntegrityFailed));
}

// Checks REQ-SEC-009, REQ-DL-030.
TEST(TerminalRows, T8_ApplyFailureEndsWithSessionEnd22ThenFailed22) {
  auto e = sim::make_estate(program_download());
  e->package_store.packages[{codec::PackageKind::kApplication, "PAYAPP"}] = {1, Bytes{7, 7}};
  e->package_store.fail_apply = true;
  Lockstep run(*e);
  EXPECT_EQ(last_session_end(run), ResponseCode::kApplyFailed);
  run.drain();
  EXPECT_EQ(run.terminal.state(), State::T_FAILED);
  EXPECT_EQ(run.terminal.failure()->code, std::optional(ResponseCode::kApplyFailed));
  const auto& old = e->package_store.packages.at({codec::PackageKind::kApplication, "PAYAPP"});
  EXPECT_EQ(old.version, 1u);  // the old version kept
  EXPECT_EQ(old.content, (Bytes{7, 7}));
}

// ---- T9 ----------------------------------------------------------------------------------------

TEST(TerminalRows, T9_AckWithAResultOtherThan00Is01) {
  Waiting w = waiting_for(program_download(), MsgType::kSessionEndAck);
  const Bytes ack = w.run->keys.reseal(false, w.pending, codec::serialize(codec::SessionEnd{ResponseCode::kReplay}));
  expect_abort(w.run->to_terminal(ack), w.run->terminal, ResponseCode::kMalformed);
}

TEST(TerminalRows, T9_AckThatDoesNotParseIs01) {
  Waiting w = waiting_for(program_download(), MsgType::kSessionEndAck);
  expect_abort(w.run->to_terminal(w.run->keys.reseal(false, w.pending, Bytes{'0'})), w.run->terminal,
               ResponseCode::kMalformed);
}

TEST(TerminalRows, T9_AckEnvelopeMacMismatchIs13) {
  Waiting w = waiting_for(program_download(), MsgType::kSessionEndAck);
  w.pending.back() ^= 0x01;
  const session::Output out = w.run->to_terminal(w.pending);
  expect_abort(out, w.run->terminal, ResponseCode::kMacFailed);
}

// ---- T10-T16: every T_WAIT_ state ------------------------------------------------------------

struct WaitState {
  State state;
  MsgType expects;
};
constexpr WaitState kWaitStates[] = {
    {State::T_WAIT_AUTH_REQUEST, MsgType::kHsAuthRequest}, {State::T_WAIT_KEY_MESSAGE, MsgType::kKeyMessage},
    {State::T_WAIT_PKG_CONFIRM, MsgType::kPkgConfirm},     {State::T_WAIT_FRAME, MsgType::kFrameResponse},
    {State::T_WAIT_END_ACK, MsgType::kSessionEndAck},
};

Waiting in_state(const WaitState& s) {
  Waiting w = waiting_for(program_download(), s.expects);
  EXPECT_EQ(w.run->terminal.state(), s.state);
  return w;
}

void expect_silent_failure(const session::Output& out, const Session& t, std::optional<ResponseCode> code) {
  EXPECT_TRUE(out.send.empty());  // REQ-ERR-003: never answered
  EXPECT_TRUE(out.close);
  EXPECT_EQ(t.state(), State::T_FAILED);
  ASSERT_TRUE(t.failure().has_value());
  EXPECT_EQ(t.failure()->code, code);
  EXPECT_FALSE(t.failure()->sent_abort);
}

TEST(TerminalRows, T10_AbortEndsEveryWaitStateWithTheReceivedCode) {
  for (const WaitState& s : kWaitStates) {
    Waiting w = in_state(s);
    const session::Output out = w.run->to_terminal(sim::rows::abort_body(ResponseCode::kRollbackRefused));
    expect_silent_failure(out, w.run->terminal, ResponseCode::kRollbackRefused);
  }
}

TEST(TerminalRows, T10_DefectiveAbortCountsAs01) {
  for (const Bytes& defective : sim::rows::defective_aborts()) {
    Waiting w = in_state(kWaitStates[2]);
    const session::Output out = w.run->to_terminal(defective);
    expect_silent_failure(out, w.run->terminal, ResponseCode::kMalformed);  // REQ-ERR-005
  }
}

// REQ-ERR-003: after an ABORT nothing is stored, not even a valid KEY_MESSAGE arriving later.
// Checks REQ-ERR-003.
TEST(TerminalRows, T10_NothingIsStoredAfterAnAbort) {
  Waiting w = waiting_for(key_download(), MsgType::kKeyMessage);
  w.run->to_terminal(sim::rows::abort_body(ResponseCode::kTimeout));
  const session::Output out = w.run->to_terminal(w.pending);
  EXPECT_TRUE(out.send.empty());
  EXPECT_FALSE(w.run->terminal.keys_installed());
  EXPECT_TRUE(w.estate->key_store.slots.empty());
}

// Checks REQ-HS-033.
TEST(TerminalRows, T11_TimeoutInEveryWaitStateIs23) {
  for (const WaitState& s : kWaitStates) {
    Waiting w = in_state(s);
    expect_abort(w.run->terminal.timeout(), w.run->terminal, ResponseCode::kTimeout);  // REQ-HS-033
  }
}

TEST(TerminalRows, T12_ConnectionLostInEveryWaitStateFailsSilently) {
  for (const WaitState& s : kWaitStates) {
    Waiting w = in_state(s);
    expect_silent_failure(w.run->terminal.connection_lost(), w.run->terminal, std::nullopt);
  }
}

// REQ-DL-034: staged pieces survive a lost connection.
// Checks REQ-DL-034, REQ-DL-024.
TEST(TerminalRows, T12_ConnectionLostKeepsTheStagedPieces) {
  Waiting w = waiting_for(program_download(), MsgType::kFrameResponse);
  w.run->to_terminal(w.pending);                                // FIT
  w.run->to_terminal(*w.run->until_terminal_gets(MsgType::kFrameResponse));  // DATA piece 0
  ASSERT_EQ(w.estate->package_store.pieces_staged, 1u);
  w.run->terminal.connection_lost();
  EXPECT_TRUE(w.estate->package_store.has_piece(manifest_id(*w.estate), 0));
  EXPECT_TRUE(w.estate->package_store.staged_fit(manifest_id(*w.estate)).has_value());
}

TEST(TerminalRows, T13_CancelInEveryWaitStateIs28) {
  for (const WaitState& s : kWaitStates) {
    Waiting w = in_state(s);
    expect_abort(w.run->terminal.cancel(), w.run->terminal, ResponseCode::kCancelled);
  }
}

// Every known type but the state's own and ABORT, including the types only a terminal sends
// (REQ-MSG-001).
TEST(TerminalRows, T14_MessageNotListedForTheStateIs02) {
  for (const WaitState& s : kWaitStates) {
    for (MsgType t : sim::rows::kAllTypes) {
      if (t == s.expects || t == MsgType::kAbort) continue;
      Waiting w = in_state(s);
      const session::Output out = w.run->to_terminal(sim::rows::body_of_type(t));
      SCOPED_TRACE(std::string(name(s.state)) + " <- " + std::string(name(t)));
      expect_abort(out, w.run->terminal, ResponseCode::kUnexpectedMessage);
    }
  }
}

TEST(TerminalRows, T15_MalformedBodyIs01) {
  const Bytes bodies[] = {Bytes{}, Bytes{0x02}, Bytes{0x00, 0x01, 0x30, 0x30}, Bytes{0x7e, 0x01, 0x30, 0x30},
                          Bytes{0xff, 0xff}};
  for (const WaitState& s : kWaitStates) {
    for (const Bytes& b : bodies) {
      Waiting w = in_state(s);
      expect_abort(w.run->to_terminal(b), w.run->terminal, ResponseCode::kMalformed);  // REQ-MSG-001
    }
  }
}

TEST(TerminalRows, T16_StartWhileBusyIsRefusedAndTheSessionGoesOn) {
  for (const WaitState& s : kWaitStates) {
    Waiting w = in_state(s);
    const session::Output out = w.run->terminal.start(w.estate->command());
    EXPECT_TRUE(out.send.empty());
    EXPECT_FALSE(out.close);
    EXPECT_EQ(out.refused, std::optional(ResponseCode::kUnexpectedMessage));  // reported to the edge
    EXPECT_EQ(w.run->terminal.state(), s.state);
    EXPECT_FALSE(w.run->terminal.failure().has_value());
    w.run->queue.push_front({false, w.pending});
    w.run->drain();
    EXPECT_EQ(w.run->terminal.state(), State::T_DONE);
  }
}

// ---- T17 / T18 ---------------------------------------------------------------------------------

// Every event but START, each on a fresh engine: nothing is sent and the engine stays idle.
std::vector<std::function<session::Output(Session&)>> every_event_but_start() {
  std::vector<std::function<session::Output(Session&)>> events = {
      [](Session& t) { return t.timeout(); },
      [](Session& t) { return t.connection_lost(); },
      [](Session& t) { return t.cancel(); },
      [](Session& t) { return t.receive(Bytes{0x01}); },
      [](Session& t) { return t.receive(sim::rows::abort_body(ResponseCode::kTimeout)); },
  };
  for (MsgType type : sim::rows::kAllTypes) {
    events.push_back([type](Session& t) { return t.receive(sim::rows::body_of_type(type)); });
  }
  return events;
}

TEST(TerminalRows, T17_EventsInIdleAreRefusedLocally) {
  auto e = sim::make_estate(program_download());
  for (const auto& event : every_event_but_start()) {
    Session t(e->terminal_config, e->terminal_ports());
    const session::Output out = event(t);
    EXPECT_TRUE(out.send.empty());
    EXPECT_FALSE(out.close);
    EXPECT_EQ(out.refused, std::optional(ResponseCode::kUnexpectedMessage));  // reported to the edge
    EXPECT_EQ(t.state(), State::T_IDLE);
    EXPECT_FALSE(t.failure().has_value());
  }
  Lockstep run(*e);  // and START still works afterwards
  run.terminal.timeout();
  EXPECT_EQ(run.start().send.size(), 1u);
  EXPECT_EQ(run.terminal.state(), State::T_WAIT_AUTH_REQUEST);
}

TEST(TerminalRows, T18_EventsAfterTheEndChangeNothing) {
  for (bool done : {true, false}) {
    auto e = sim::make_estate(program_download());
    Lockstep run(*e);
    if (done) {
      run.start();
      run.drain();
    } else {
      run.start();
      run.terminal.cancel();
    }
    const State final_state = run.terminal.state();
    ASSERT_EQ(final_state, done ? State::T_DONE : State::T_FAILED);
    const auto failure = run.terminal.failure();
    auto events = every_event_but_start();
    events.push_back([&e](Session& t) { return t.start(e->command()); });
    for (const auto& event : events) {
      const session::Output out = event(run.terminal);
      EXPECT_TRUE(out.send.empty());
      EXPECT_FALSE(out.close);
      EXPECT_EQ(run.terminal.state(), final_state);
    }
    EXPECT_EQ(run.terminal.failure().has_value(), failure.has_value());
    if (failure) {
      EXPECT_EQ(run.terminal.failure()->code, failure->code);
    }
  }
}

TEST(TerminalRows, NamesFollowTheSpec) {
  EXPECT_EQ(name(State::T_WAIT_PKG_CONFIRM), "T_WAIT_PKG_CONFIRM");
  EXPECT_EQ(name(Event::RX_SESSION_END_ACK), "RX_SESSION_END_ACK");
  const State states[] = {State::T_IDLE, State::T_WAIT_AUTH_REQUEST, State::T_WAIT_KEY_MESSAGE,
                          State::T_WAIT_PKG_CONFIRM, State::T_WAIT_FRAME, State::T_WAIT_END_ACK,
                          State::T_DONE, State::T_FAILED};
  for (State s : states) EXPECT_EQ(name(s).substr(0, 2), "T_");
  const Event events[] = {Event::START, Event::RX_HS_AUTH_REQUEST, Event::RX_KEY_MESSAGE, Event::RX_PKG_CONFIRM,
                          Event::RX_FRAME_RESPONSE, Event::RX_SESSION_END_ACK, Event::RX_ABORT,
                          Event::RX_UNEXPECTED, Event::RX_MALFORMED, Event::TIMEOUT, Event::CONN_LOST,
                          Event::CANCEL};
  for (Event ev : events) EXPECT_NE(name(ev), "?");
  EXPECT_EQ(classify(Bytes{0x12, 0x01}), Event::RX_PKG_CONFIRM);
  EXPECT_EQ(classify(Bytes{0x01, 0x01}), Event::RX_UNEXPECTED);  // HS_REQUEST: only a terminal sends it
  EXPECT_EQ(classify(Bytes{0x12}), Event::RX_MALFORMED);
}

// ---- One rule broken behind valid authentication (sim::SessionKeys::wrap_tr31, pkg_confirm,
// frame_response): the KEY_MAC and the key block's own TR-31 MAC verify, so only the rule under
// test can decide the code. ----------------------------------------------------------------------

// The KEY_MESSAGE waiting in `w` with its last entry replaced, KEY_MAC recomputed (REQ-CRYPTO-036).
Bytes with_last_entry(const Waiting& w, Profile p, const codec::KeyEntry& entry) {
  auto m = codec::parse_key_message(w.pending, p);
  EXPECT_TRUE(m.ok());
  if (!m.ok()) return {};
  m->entries.back() = entry;
  return w.run->keys.with_key_mac(*m);
}

// The last delivered key of a key download rebuilt under `change(header)` around `key_length`
// octets (0: the slot's length) with `options`; ok() says whether the block could be built.
struct Forged {
  Waiting w;
  Bytes body;
  bool ok = false;
};
Forged forged_last_key(Profile p, const std::function<void(keyblock::Tr31Header&)>& change,
                       std::size_t key_length = 0, keyblock::WrapOptions options = {}) {
  Forged f{waiting_for(key_download(p), MsgType::kKeyMessage), {}, false};
  auto m = codec::parse_key_message(f.w.pending, p);
  if (!m.ok()) return f;
  const std::uint8_t slot = m->entries.back().slot;
  const profile::SlotRule rule = f.w.estate->terminal_config.slots.at(slot);
  keyblock::Tr31Header h = sim::rows::delivered_header(p, rule);
  if (change) change(h);
  const codec::KeyEntry e =
      f.w.run->keys.wrap_tr31(slot, h, Bytes(key_length == 0 ? rule.key_length : key_length, 0x5a), options);
  f.ok = !e.key_block.empty();
  f.body = with_last_entry(f.w, p, e);
  return f;
}

// The control for the tests below: the helper's block with the header REQ-CRYPTO-035 requires is
// accepted and stored, so each test's one change is what the terminal refuses.
TEST(TerminalRows, T3_ForgedKeyWithTheRequiredHeaderIsStored) {
  for (Profile p : kKeyDownloadProfiles) {
    Forged f = forged_last_key(p, {});
    ASSERT_TRUE(f.ok) << name(p);
    f.w.run->to_terminal(f.body);
    EXPECT_EQ(f.w.run->terminal.state(), State::T_WAIT_END_ACK) << name(p);
    EXPECT_TRUE(f.w.run->terminal.keys_installed()) << name(p);
  }
}

void expect_forged_key_refused(Forged f, Profile p) {
  ASSERT_TRUE(f.ok) << name(p);
  expect_delivery_fails(f.w, f.body, ResponseCode::kIntegrityFailed);
  EXPECT_TRUE(f.w.estate->key_store.slots.empty()) << name(p);  // REQ-KEY-022
}

// Checks REQ-CRYPTO-035, REQ-KEY-021: exportability must be 'N'.
TEST(TerminalRows, T3_DeliveredKeyBlockMarkedExportableIs18) {
  for (Profile p : kKeyDownloadProfiles) {
    for (char e : {'E', 'S'}) {
      expect_forged_key_refused(forged_last_key(p, [e](keyblock::Tr31Header& h) { h.exportability = e; }), p);
    }
  }
}

// Checks REQ-CRYPTO-035, REQ-KEY-021: key version must be "00".
TEST(TerminalRows, T3_DeliveredKeyVersionNot00Is18) {
  for (Profile p : kKeyDownloadProfiles) {
    expect_forged_key_refused(forged_last_key(p, [](keyblock::Tr31Header& h) { h.key_version = "01"; }), p);
  }
}

// Checks REQ-CRYPTO-035, REQ-KEY-021: key context must be '0'.
TEST(TerminalRows, T3_DeliveredKeyContextNot0Is18) {
  for (Profile p : kKeyDownloadProfiles) {
    expect_forged_key_refused(forged_last_key(p, [](keyblock::Tr31Header& h) { h.key_context = '1'; }), p);
  }
}

// Checks REQ-CRYPTO-035, REQ-KEY-021: no optional block (count "00") in a delivered key's header.
TEST(TerminalRows, T3_OptionalBlockInADeliveredKeysHeaderIs18) {
  for (Profile p : kKeyDownloadProfiles) {
    expect_forged_key_refused(
        forged_last_key(p, [](keyblock::Tr31Header& h) { h.optional_blocks.push_back({"KS", "ABCDEF"}); }), p);
  }
}

// Checks REQ-CRYPTO-035, REQ-KEY-021: the key length must not be masked.
TEST(TerminalRows, T3_MaskedKeyLengthIs18) {
  for (Profile p : {Profile::kAes128, Profile::kAes256}) {
    keyblock::WrapOptions masked;
    masked.masked_key_length = 32;  // a 16-octet key padded as if it were 32
    expect_forged_key_refused(forged_last_key(p, {}, 0, masked), p);
  }
}

// Checks REQ-KEY-025, REQ-KEY-021: a key of another length than its slot's rule (an AES-256 key
// where the slot wants AES-128; the K_KEK of AES256 can carry it, so the block verifies).
TEST(TerminalRows, T3_KeyOfTheWrongLengthForItsSlotIs18) {
  expect_forged_key_refused(forged_last_key(Profile::kAes256, {}, 32), Profile::kAes256);
}

// Checks REQ-KEY-014: the terminal's slot table holds a slot the TDES profile cannot deliver into;
// a correctly-MACed KEY_MESSAGE that delivers into it is 18, and nothing is stored. The AES-128 key
// (strength 128 > 80) wraps under the 2-key TDES K_KEK, so without the slot-strength check it would
// be stored. A 3-key TDES key (112 > 80) cannot even be wrapped under a 2-key KBPK (TR-31), so its
// case is refused by the unwrap as well.
TEST(TerminalRows, T3_KeyStrongerThanTheProfileCanDeliverIs18) {
  // Both are MAC-slot rules the registry allows (REQ-KEY-034), so only REQ-KEY-014 refuses them.
  const profile::SlotRule too_strong[] = {{"M6", 'A', 'C', 16}, {"M6", 'T', 'C', 24}};
  for (const profile::SlotRule& rule : too_strong) {
    Waiting w = waiting_for(key_download(Profile::kTdes), MsgType::kKeyMessage,
                            [rule](sim::Estate& e) { e.terminal_config.slots[3] = rule; });
    auto m = codec::parse_key_message(w.pending, Profile::kTdes);
    ASSERT_TRUE(m.ok());
    const keyblock::Tr31Header h = sim::rows::delivered_header(Profile::kTdes, rule);
    // The 3-key slot gets a 2-key key in its header, the longest a 2-key KBPK can carry, so that
    // the body still parses.
    const codec::KeyEntry e = w.run->keys.wrap_tr31(3, h, Bytes(16, 0x5a));
    ASSERT_FALSE(e.key_block.empty());
    m->entries.push_back(e);
    expect_delivery_fails(w, w.run->keys.with_key_mac(*m), ResponseCode::kIntegrityFailed);
    EXPECT_TRUE(w.estate->key_store.slots.empty());
  }
}

// Checks REQ-KEY-039 with REQ-KEY-030 and REQ-KEY-031: the terminal's slot table itself holds a rule
// the registry does not allow — a reserved slot, or the PIN slot with mode of use B (decrypt too) —
// and a correctly-MACed KEY_MESSAGE delivers a key block whose header matches that table; the key is
// refused with 18 and nothing is stored. Without the registry check both would be installed.
TEST(TerminalRows, T3_KeyIntoASlotRuleTheRegistryDoesNotAllowIs18) {
  const Profile p = Profile::kAes128;
  struct Case { std::uint8_t slot; profile::SlotRule rule; };
  const Case cases[] = {{0x05, {"P0", 'A', 'E', 16}}, {profile::kPinSlot, {"P0", 'A', 'B', 16}}};
  for (const Case& c : cases) {
    Waiting w = waiting_for(key_download(p), MsgType::kKeyMessage,
                            [c](sim::Estate& e) { e.terminal_config.slots[c.slot] = c.rule; });
    auto m = codec::parse_key_message(w.pending, p);
    ASSERT_TRUE(m.ok());
    const codec::KeyEntry e = w.run->keys.wrap_tr31(c.slot, sim::rows::delivered_header(p, c.rule), Bytes(16, 0x5a));
    ASSERT_FALSE(e.key_block.empty());
    if (c.slot == profile::kPinSlot) {
      m->entries[2] = e;  // entries: the DSK, TMK, PIN
    } else {
      m->entries.push_back(e);  // slots 0, 1, 2, 5: still ascending (REQ-MSG-060)
    }
    expect_delivery_fails(w, w.run->keys.with_key_mac(*m), ResponseCode::kIntegrityFailed);
    EXPECT_TRUE(w.estate->key_store.slots.empty());
  }
}

// Checks REQ-MSG-100: a FRAME_RESPONSE that is an honest piece, correctly sealed, but not the one
// requested (another SECTION, PIECE or PKG_INDEX) is 01, before its content is looked at.
TEST(TerminalRows, T7_HonestPieceOfAnotherSectionPieceOrPackageIs01) {
  auto o = program_download();
  o.packages.push_back(PackageSpec{codec::PackageKind::kApplication, "OTHER", 2, 2500, 1024});
  for (int which = 0; which < 3; ++which) {
    Waiting w = waiting_for(o, MsgType::kFrameResponse);
    ASSERT_EQ(response_in(w), sim::rows::honest_piece(*w.estate, 0, Section::kFit, 0));  // FIT 0 asked for
    codec::FrameResponse other;
    if (which == 0) other = sim::rows::honest_piece(*w.estate, 0, Section::kData, 0);  // SECTION
    if (which == 1) other = sim::rows::honest_piece(*w.estate, 1, Section::kFit, 0);   // PKG_INDEX
    if (which == 2) {                                                                   // PIECE
      w.run->to_terminal(w.pending);  // the FIT; DATA 0 is asked for next
      w.pending = *w.run->until_terminal_gets(MsgType::kFrameResponse);
      ASSERT_EQ(response_in(w), sim::rows::honest_piece(*w.estate, 0, Section::kData, 0));
      other = sim::rows::honest_piece(*w.estate, 0, Section::kData, 1);
    }
    ASSERT_FALSE(other.data.empty());
    const std::uint32_t seq = w.run->keys.envelope(false, w.pending)->seq;
    SCOPED_TRACE(which);
    expect_delivery_fails(w, w.run->keys.frame_response(other, seq), ResponseCode::kMalformed);
  }
}

// ---- Both checks fail: the first in the row's order gives the code (REQ-ERR-001) ----------------

// T2: body [03] / identity [26] / PROFILE offered [08] / DWK_1 [11] / TAC_1 [11] / OPV [01]. The
// message fails check `first` and every check after it; only the OPV check needs a valid TAC_1.
TEST(TerminalRows, T2_ChecksInTheRowsOrder) {
  struct Check {
    ResponseCode code;
    std::function<void(codec::HsAuthRequest&)> field;
    std::function<void(Bytes&)> octets;
  };
  const std::vector<Check> checks = {
      {ResponseCode::kUnsupportedVersion, {}, [](Bytes& b) { b[1] = 0x02; }},
      {ResponseCode::kIdentityMismatch, [](codec::HsAuthRequest& m) { m.id = someone_else(m.id); }, {}},
      {ResponseCode::kNoAcceptableProfile, [](codec::HsAuthRequest& m) { m = with_profile(m, Profile::kTdes); }, {}},
      {ResponseCode::kTmsAuthFailed, [](codec::HsAuthRequest& m) { m.dwk1[5] ^= 0x01; }, {}},
      {ResponseCode::kTmsAuthFailed, [](codec::HsAuthRequest& m) { m.tac1[0] ^= 0x01; }, {}},
      {ResponseCode::kMalformed,
       [](codec::HsAuthRequest& m) {
         m.opv_iterations = codec::kMinOpvIterations;  // the session is unattended (REQ-HS-026)
         m.opv_salt = codec::OperatorSalt{1};
       },
       {}},
  };
  for (std::size_t first = 0; first < checks.size(); ++first) {
    Waiting w = waiting_for(program_download(), MsgType::kHsAuthRequest);
    auto m = codec::parse_hs_auth_request(w.pending);
    ASSERT_TRUE(m.ok());
    for (std::size_t i = first; i < checks.size(); ++i) {
      if (checks[i].field) checks[i].field(*m);
    }
    Bytes body = first + 1 == checks.size() ? w.run->keys.with_tac(*m) : codec::serialize(*m);
    for (std::size_t i = first; i < checks.size(); ++i) {
      if (checks[i].octets) checks[i].octets(body);
    }
    SCOPED_TRACE("first failing check: " + std::to_string(first));
    expect_delivery_fails(w, body, checks[first].code);
  }
}

// T3 / T4: body [03] / identity [26] / TRANS_CODE [01] / KEY_MAC [13] / entries [18] (the DSK's KCV,
// an entry both rows have). Identity and TRANS_CODE come before the KEY_MAC in the row.
TEST(TerminalRows, T3_T4_ChecksInTheRowsOrder) {
  enum { kBody, kIdentity, kTrans, kMac, kEntry, kCount };
  const ResponseCode codes[kCount] = {ResponseCode::kUnsupportedVersion, ResponseCode::kIdentityMismatch,
                                      ResponseCode::kMalformed, ResponseCode::kMacFailed,
                                      ResponseCode::kIntegrityFailed};
  for (bool key : {true, false}) {
    for (int first = kBody; first < kCount; ++first) {
      Waiting w = waiting_for(key ? key_download() : program_download(), MsgType::kKeyMessage);
      auto m = codec::parse_key_message(w.pending, Profile::kAes128);
      ASSERT_TRUE(m.ok());
      if (first <= kIdentity) m->id = someone_else(m->id);
      if (first <= kTrans) {
        // REQ-MSG-060 is a body rule checked against the message's own TRANS_CODE: a program
        // download's KEY_MESSAGE carries the DSK alone, a key download's at least one key more,
        // so that the body parses and the TRANS_CODE check decides.
        m->trans = key ? TransCode::kProgramDownload : TransCode::kKeyDownload;
        if (key) {
          m->entries.resize(1);
        } else {
          codec::KeyEntry extra = m->entries[0];
          extra.slot = 1;
          m->entries.push_back(extra);
        }
      }
      m->entries[0].kcv[0] ^= 0x01;  // kEntry: every case breaks it
      Bytes body = w.run->keys.with_key_mac(*m);
      if (first <= kMac) body.back() ^= 0x01;
      if (first <= kBody) body[1] = 0x00;
      SCOPED_TRACE(std::string(key ? "T3" : "T4") + " first failing check " + std::to_string(first));
      expect_delivery_fails(w, body, codes[first]);
    }
  }
}

// T5, the envelope: MAC [13] / identity [26] / SEQ [14] / payload [01] (section 9.2); the payload is
// either unparseable or a PKG_CONFIRM whose every offer fails, so that nothing after can win.
TEST(TerminalRows, T5_EnvelopeChecksInTheirOrder) {
  enum { kMac, kIdentity, kSeq, kPayload, kCount };
  const ResponseCode codes[kCount] = {ResponseCode::kMacFailed, ResponseCode::kIdentityMismatch,
                                      ResponseCode::kSequenceError, ResponseCode::kMalformed};
  for (bool garbage : {true, false}) {
    for (int first = kMac; first < kCount; ++first) {
      if (!garbage && first == kPayload) continue;
      Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm);
      codec::Manifest bad = sim::rows::first_manifest(*w.estate);
      bad.model_id = "OTHER01";
      bad.version = 0;
      bad.chunk_size = 60000;
      const Bytes payload = garbage ? Bytes{0x09}
                                    : codec::serialize(codec::PkgConfirm{{sim::rows::offer_signed_by_another_key(bad)}});
      const codec::Identity id = first <= kIdentity ? someone_else(w.estate->terminal_config.id)
                                                    : w.estate->terminal_config.id;
      Bytes body = w.run->keys.seal(false, MsgType::kPkgConfirm, first <= kSeq ? 7 : 0, payload, id);
      if (first <= kMac) body[body.size() - 3] ^= 0x01;
      SCOPED_TRACE((garbage ? "garbage, " : "bad offers, ") + std::to_string(first));
      expect_delivery_fails(w, body, codes[first]);
    }
  }
}

// T5, the offers behind a valid envelope: for each offer in order signature [19] / vendor and model
// [27] / version [20] / CHUNK_SIZE [01]; only then each offer's resumed FIT against FIT_DIGEST [18].
// Offer 0 is honest but its FIT, staged in an earlier session, does not match; offer 1 fails check
// `first` and every later one, so its code wins over the resumed FIT's.
TEST(TerminalRows, T5_OfferChecksThenTheResumedFitInTheRowsOrder) {
  enum { kSignature, kModel, kVersion, kChunk, kResumedFit, kCount };
  const ResponseCode codes[kCount] = {ResponseCode::kSignatureInvalid, ResponseCode::kManifestNotForTerminal,
                                      ResponseCode::kRollbackRefused, ResponseCode::kMalformed,
                                      ResponseCode::kIntegrityFailed};
  auto o = program_download();
  o.packages.push_back(PackageSpec{codec::PackageKind::kApplication, "OTHER", 2, 2500, 1024});
  for (int first = kSignature; first < kCount; ++first) {
    Waiting w = waiting_for(o, MsgType::kPkgConfirm, [](sim::Estate& e) {
      e.terminal_config.max_chunk = 2048;
      e.package_store.packages[{codec::PackageKind::kApplication, "OTHER"}] = {1, Bytes{9}};
      e.package_store.stage_fit(manifest_id(e), Bytes(96, 0xee));  // PAYAPP's FIT, not its FIT_DIGEST
    });
    const codec::Offer good = w.estate->vendor().packages[0].offer;
    codec::Manifest m = w.estate->vendor().packages[1].offer.manifest;
    if (first <= kModel) m.model_id = "OTHER01";
    if (first <= kVersion) m.version = 1;  // the installed version
    if (first <= kChunk) m.chunk_size = 4096;
    const codec::Offer second = first <= kSignature ? sim::rows::offer_signed_by_another_key(m)
                                                    : sim::rows::signed_offer(*w.estate, m);
    if (first == kResumedFit) {
      ASSERT_EQ(second.manifest, w.estate->vendor().packages[1].offer.manifest);
    }
    SCOPED_TRACE("first failing check " + std::to_string(first));
    expect_delivery_fails(w, w.run->keys.pkg_confirm({good, second}), codes[first]);
  }
}

// T5: offers are checked in PKG_INDEX order — offer 0's CHUNK_SIZE [01] before offer 1's signature.
TEST(TerminalRows, T5_AnEarlierOffersLastCheckWinsOverALaterOffersFirst) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgConfirm,
                          [](sim::Estate& e) { e.terminal_config.max_chunk = 512; });
  const codec::Offer first = w.estate->vendor().packages[0].offer;  // CHUNK_SIZE 1024 > 512
  const codec::Offer second = sim::rows::offer_signed_by_another_key(other_package(*w.estate));
  expect_delivery_fails(w, w.run->keys.pkg_confirm({first, second}), ResponseCode::kMalformed);
}

// T7: envelope MAC [13] / identity [26] / SEQ [14], then answers the request [01], then the piece's
// content [18]. The response fails check `first` and every later one.
TEST(TerminalRows, T7_ChecksInTheRowsOrder) {
  enum { kMac, kIdentity, kSeq, kAnswers, kDigest, kCount };
  const ResponseCode codes[kCount] = {ResponseCode::kMacFailed, ResponseCode::kIdentityMismatch,
                                      ResponseCode::kSequenceError, ResponseCode::kMalformed,
                                      ResponseCode::kIntegrityFailed};
  for (int first = kMac; first < kCount; ++first) {
    Waiting w = waiting_for(program_download(), MsgType::kFrameResponse);  // FIT 0 asked for
    const std::uint32_t seq = w.run->keys.envelope(false, w.pending)->seq;
    codec::FrameResponse r = first <= kAnswers ? sim::rows::honest_piece(*w.estate, 0, Section::kData, 0)
                                               : response_in(w);
    r.data[3] ^= 0x01;  // kDigest: every case breaks it
    const codec::Identity id = first <= kIdentity ? someone_else(w.estate->terminal_config.id)
                                                  : w.estate->terminal_config.id;
    Bytes body = w.run->keys.seal(false, MsgType::kFrameResponse, first <= kSeq ? seq + 5 : seq,
                                  codec::serialize(r), id);
    if (first <= kMac) body.back() ^= 0x01;
    SCOPED_TRACE("first failing check " + std::to_string(first));
    expect_delivery_fails(w, body, codes[first]);
    EXPECT_FALSE(w.estate->package_store.staged_fit(manifest_id(*w.estate)).has_value());
  }
}

// ---- Fault switches (faults.h, spec/conformance.md C.6) ------------------------------------------
// Each switch breaks the check it names, at its row: the delivery a row's own test above refuses
// is, with the switch on, no longer refused with the row's code. (That the conformance suite
// catches each is ctest conformance.mutation_score.)

Waiting with_fault(const sim::EstateOptions& options, MsgType type, Fault f) {
  return waiting_for(options, type, [f](sim::Estate& e) { e.terminal_config.faults.add(f); });
}

void expect_no_abort(const session::Output& out, const Session& t, Fault f) {
  EXPECT_EQ(sim::abort_code(out), std::nullopt) << info(f).name;
  EXPECT_NE(t.state(), State::T_FAILED) << info(f).name;
}

// Checks REQ-CONF-040: skip-tac-check and tac-first-half answer a TAC_1 changed in its last octet
// with HS_AUTH_ANSWER; tac-first-half still refuses one changed in its first half.
TEST(TerminalFaults, TacSkippedOrHalfComparedAnswersATac1ChangedAtItsEnd) {
  for (Fault f : {Fault::kSkipTacCheck, Fault::kTacFirstHalf}) {
    Waiting w = with_fault(program_download(), MsgType::kHsAuthRequest, f);
    w.pending.back() ^= 0x01;
    const session::Output out = w.run->to_terminal(w.pending);
    expect_no_abort(out, w.run->terminal, f);
    EXPECT_EQ(w.run->terminal.state(), State::T_WAIT_KEY_MESSAGE) << info(f).name;
  }
  Waiting w = with_fault(program_download(), MsgType::kHsAuthRequest, Fault::kTacFirstHalf);
  w.pending[w.pending.size() - mac_length(Profile::kAes128)] ^= 0x01;
  expect_delivery_fails(w, w.pending, ResponseCode::kTmsAuthFailed);
}

// Checks REQ-CONF-040: with the identity or the offer unchecked, the next check of T2 is the one
// that fires (TAC_0 over the header received, DWK_1 of a profile not offered).
TEST(TerminalFaults, IdentityOrOfferUncheckedFallsThroughToTheNextCheck) {
  {
    Waiting w = with_fault(program_download(), MsgType::kHsAuthRequest, Fault::kSkipIdentityCheck);
    auto m = codec::parse_hs_auth_request(w.pending);
    ASSERT_TRUE(m.ok());
    m->id = someone_else(m->id);
    expect_delivery_fails(w, codec::serialize(*m), ResponseCode::kTmsAuthFailed);
  }
  Waiting w = with_fault(program_download(Profile::kAes128), MsgType::kHsAuthRequest, Fault::kAcceptUnofferedProfile);
  auto m = codec::parse_hs_auth_request(w.pending);
  ASSERT_TRUE(m.ok());
  expect_delivery_fails(w, codec::serialize(with_profile(*m, Profile::kTdes)), ResponseCode::kTmsAuthFailed);
}

// Checks REQ-CONF-040: skip-key-mac stores the keys of a KEY_MESSAGE whose KEY_MAC is changed;
// key-mac-answered-01 refuses it, storing nothing, with the wrong code.
TEST(TerminalFaults, KeyMacSkippedStoresTheKeysAndAnswered01Refuses) {
  {
    Waiting w = with_fault(key_download(), MsgType::kKeyMessage, Fault::kSkipKeyMac);
    w.pending.back() ^= 0x80;
    const session::Output out = w.run->to_terminal(w.pending);
    expect_no_abort(out, w.run->terminal, Fault::kSkipKeyMac);
    EXPECT_TRUE(w.run->terminal.keys_installed());
  }
  Waiting w = with_fault(key_download(), MsgType::kKeyMessage, Fault::kKeyMacAnswered01);
  w.pending.back() ^= 0x80;
  expect_delivery_fails(w, w.pending, ResponseCode::kMalformed);
  EXPECT_TRUE(w.estate->key_store.slots.empty());
}

// Checks REQ-CONF-040: skip-signature-check requests the pieces of an offer whose SIGNATURE does
// not verify; skip-piece-digest stages a DATA piece that does not match its FIT entry.
TEST(TerminalFaults, SignatureOrPieceDigestSkippedTakesWhatItShouldRefuse) {
  {
    Waiting w = with_fault(program_download(), MsgType::kPkgConfirm, Fault::kSkipSignatureCheck);
    codec::Offer o = w.estate->vendor().packages[0].offer;
    o.manifest.version += 1;  // no longer what the vendor signed
    const session::Output out = w.run->to_terminal(confirm_with(w, {o}));
    expect_no_abort(out, w.run->terminal, Fault::kSkipSignatureCheck);
    EXPECT_EQ(w.run->terminal.state(), State::T_WAIT_FRAME);
  }
  Waiting w = with_fault(program_download(), MsgType::kFrameResponse, Fault::kSkipPieceDigest);
  w.run->to_terminal(w.pending);  // the FIT
  w.pending = *w.run->until_terminal_gets(MsgType::kFrameResponse);
  codec::FrameResponse r = response_in(w);
  ASSERT_EQ(r.section, Section::kData);
  r.data.back() ^= 0x01;
  const session::Output out = w.run->to_terminal(resealed(w, r));
  expect_no_abort(out, w.run->terminal, Fault::kSkipPieceDigest);
  EXPECT_EQ(w.estate->package_store.pieces_staged, 1u);
}

// Checks REQ-CONF-040: skip-envelope-mac takes a PKG_CONFIRM and a FRAME_RESPONSE whose envelope
// MAC is changed; every other envelope check still holds (a wrong SEQ is still 14).
TEST(TerminalFaults, EnvelopeMacSkippedTakesAChangedMac) {
  for (MsgType type : {MsgType::kPkgConfirm, MsgType::kFrameResponse}) {
    Waiting w = with_fault(program_download(), type, Fault::kSkipEnvelopeMac);
    w.pending.back() ^= 0x01;
    const session::Output out = w.run->to_terminal(w.pending);
    expect_no_abort(out, w.run->terminal, Fault::kSkipEnvelopeMac);
  }
  Waiting w = with_fault(program_download(), MsgType::kPkgConfirm, Fault::kSkipEnvelopeMac);
  const Bytes payload = *w.run->keys.open(false, w.pending);
  expect_delivery_fails(w, w.run->keys.seal(false, MsgType::kPkgConfirm, 1, payload), ResponseCode::kSequenceError);
}

// Checks REQ-CONF-040: skip-opv-iterations-check answers an unattended HS_AUTH_REQUEST whose
// OPV_ITERATIONS is not 0 (its TAC_1 right) with HS_AUTH_ANSWER.
TEST(TerminalFaults, OpvIterationsUncheckedAnswersAnUnattendedCost) {
  auto e = sim::make_estate(program_download());
  e->terminal_config.faults.add(Fault::kSkipOpvIterationsCheck);
  Lockstep run(*e);
  const Bytes request = run.start().send.at(0);
  codec::HsAuthRequest m = *codec::parse_hs_auth_request(run.to_tms(request).send.at(0));
  auto dwk = profile::recover_dwk(m.profile, e->terminal_config.dmk.view(), m.dwk1, profile::session_binding(request));
  ASSERT_TRUE(dwk.ok());
  m.opv_iterations = codec::kMinOpvIterations;
  m.opv_salt = codec::OperatorSalt{1};
  const session::Output out = run.to_terminal(sim::rows::with_tac_under(m.profile, request, m, dwk->view()));
  expect_no_abort(out, run.terminal, Fault::kSkipOpvIterationsCheck);
  EXPECT_EQ(run.terminal.state(), State::T_WAIT_KEY_MESSAGE);
}

// Checks REQ-CONF-040: skip-model-check requests the pieces of a vendor-signed offer for another
// model or vendor.
TEST(TerminalFaults, ModelUncheckedDownloadsAPackageForAnotherModel) {
  for (int which = 0; which < 2; ++which) {
    Waiting w = with_fault(program_download(), MsgType::kPkgConfirm, Fault::kSkipModelCheck);
    codec::Manifest m = sim::rows::first_manifest(*w.estate);
    (which == 0 ? m.model_id : m.vendor_id) = "OTHER01";
    const session::Output out = w.run->to_terminal(confirm_with(w, {sim::rows::signed_offer(*w.estate, m)}));
    expect_no_abort(out, w.run->terminal, Fault::kSkipModelCheck);
    EXPECT_EQ(w.run->terminal.state(), State::T_WAIT_FRAME);
  }
}

// Checks REQ-CONF-040: skip-version-check downloads an offer whose VERSION is not above the
// installed one.
TEST(TerminalFaults, VersionUncheckedDownloadsARollback) {
  for (std::uint32_t installed : {2u, 3u}) {  // the offered version is 2
    Waiting w = with_fault(program_download(), MsgType::kPkgConfirm, Fault::kSkipVersionCheck);
    w.estate->package_store.packages[{codec::PackageKind::kApplication, "PAYAPP"}] = {installed, Bytes{9}};
    const session::Output out = w.run->to_terminal(w.pending);
    expect_no_abort(out, w.run->terminal, Fault::kSkipVersionCheck);
    EXPECT_EQ(w.run->terminal.state(), State::T_WAIT_FRAME);
  }
}

// Checks REQ-CONF-040: accept-other-piece stages the FIT from a response that names PIECE 1 where
// FIT piece 0 was asked for.
TEST(TerminalFaults, OtherPieceTakenForTheOneRequested) {
  Waiting w = with_fault(program_download(), MsgType::kFrameResponse, Fault::kAcceptOtherPiece);
  codec::FrameResponse r = response_in(w);
  ASSERT_EQ(r.section, Section::kFit);
  r.piece += 1;
  const session::Output out = w.run->to_terminal(resealed(w, r));
  expect_no_abort(out, w.run->terminal, Fault::kAcceptOtherPiece);
  EXPECT_TRUE(w.estate->package_store.staged_fit(manifest_id(*w.estate)).has_value());
}

// Checks REQ-CONF-040: answers-tms-abort answers an ABORT received in a wait state with one of its
// own (the honest row, T10_AbortEndsEveryWaitStateWithTheReceivedCode, sends nothing).
TEST(TerminalFaults, TmsAbortAnswered) {
  Waiting w = waiting_for(key_download(), MsgType::kKeyMessage,
                          [](sim::Estate& e) { e.terminal_config.faults.add(Fault::kAnswersTmsAbort); });
  const session::Output out = w.run->to_terminal(sim::rows::abort_body(ResponseCode::kInternalError));
  EXPECT_EQ(sim::abort_code(out), std::optional(ResponseCode::kInternalError));
  EXPECT_EQ(w.run->terminal.state(), State::T_FAILED);
}

// Checks REQ-CONF-040: refetch-held-pieces, offered a manifest whose pieces are all staged,
// requests DATA piece 0 again (the honest row, T6_EverythingAlreadyStagedIsAppliedWithoutAFrame,
// applies at once).
TEST(TerminalFaults, HeldPiecesRequestedAgain) {
  auto e = sim::make_estate(program_download());
  e->package_store.fail_apply = true;
  ASSERT_EQ(sim::run_session(*e).terminal_state, State::T_FAILED);
  e->package_store.fail_apply = false;
  e->terminal_config.faults.add(Fault::kRefetchHeldPieces);
  Lockstep run(*e);
  auto confirm = run.until_terminal_gets(MsgType::kPkgConfirm);
  ASSERT_TRUE(confirm.has_value());
  const session::Output out = run.to_terminal(*confirm);
  expect_no_abort(out, run.terminal, Fault::kRefetchHeldPieces);
  EXPECT_EQ(run.terminal.state(), State::T_WAIT_FRAME);
  auto request = codec::parse_frame_request(*run.keys.open(true, out.send.at(0)));
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(*request, (codec::FrameRequest{0, Section::kData, 0}));
}

// Checks REQ-CONF-040: accept-any-seq opens a PKG_CONFIRM sealed with a SEQ not the next expected
// and requests the FIT; a replayed FRAME_RESPONSE gets past the envelope to the request check [01].
TEST(TerminalFaults, AnySeqTakenAndAReplayReachesThePayload) {
  {
    Waiting w = with_fault(program_download(), MsgType::kPkgConfirm, Fault::kAcceptAnySeq);
    const Bytes payload = *w.run->keys.open(false, w.pending);
    const session::Output out = w.run->to_terminal(w.run->keys.seal(false, MsgType::kPkgConfirm, 5, payload));
    expect_no_abort(out, w.run->terminal, Fault::kAcceptAnySeq);
    EXPECT_EQ(w.run->terminal.state(), State::T_WAIT_FRAME);
  }
  Waiting w = with_fault(program_download(), MsgType::kFrameResponse, Fault::kAcceptAnySeq);
  w.run->to_terminal(w.pending);
  expect_delivery_fails(w, w.pending, ResponseCode::kMalformed);  // not 14
}

// Checks REQ-CONF-040: skip-kcv-check stores a key set whose last KCV is changed (the honest row,
// T3_KcvMismatchIs18AndNothingIsStored, stores nothing).
TEST(TerminalFaults, KcvUncheckedStoresTheKeys) {
  for (Profile p : kKeyDownloadProfiles) {
    Waiting w = with_fault(key_download(p), MsgType::kKeyMessage, Fault::kSkipKcvCheck);
    auto m = codec::parse_key_message(w.pending, p);
    ASSERT_TRUE(m.ok());
    m->entries.back().kcv[0] ^= 0x01;
    const session::Output out = w.run->to_terminal(w.run->keys.with_key_mac(*m));
    expect_no_abort(out, w.run->terminal, Fault::kSkipKcvCheck);
    EXPECT_TRUE(w.run->terminal.keys_installed()) << name(p);
  }
}

// Checks REQ-CONF-040: skip-slot-check stores a key set of one key, wrapped for the table's first
// slot (whose rule it falls back to), that names a vendor slot the slot table does not hold (the
// honest row, T3_UnknownSlotIs18, stores nothing).
TEST(TerminalFaults, SlotUncheckedStoresAKeyForASlotNotInTheTable) {
  Waiting w = with_fault(key_download(), MsgType::kKeyMessage, Fault::kSkipSlotCheck);
  auto m = codec::parse_key_message(w.pending, Profile::kAes128);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->entries.at(1).slot, w.estate->terminal_config.slots.begin()->first);
  ASSERT_FALSE(w.estate->terminal_config.slots.contains(0x90));
  m->entries.resize(2);  // one key: 0x90 in its place keeps the slots in ascending order
  m->entries.at(1).slot = 0x90;
  const session::Output out = w.run->to_terminal(w.run->keys.with_key_mac(*m));
  expect_no_abort(out, w.run->terminal, Fault::kSkipSlotCheck);
  EXPECT_TRUE(w.estate->key_store.slots.contains(0x90));
}

// Checks REQ-CONF-040: resume-one-piece-late, resuming a manifest whose FIT and DATA piece 0 are
// staged, asks first for DATA piece 2 where the honest terminal asks for piece 1 (REQ-DL-021), never
// asks for piece 1, and so ends with SESSION_END 18.
TEST(TerminalFaults, ResumeStartsOnePieceLate) {
  Waiting w = waiting_for(program_download(), MsgType::kFrameResponse);
  w.run->to_terminal(w.pending);                                              // FIT
  w.run->to_terminal(*w.run->until_terminal_gets(MsgType::kFrameResponse));  // DATA piece 0
  ASSERT_EQ(w.estate->package_store.pieces_staged, 1u);
  w.run->connection_lost();
  w.estate->terminal_config.faults.add(Fault::kResumeOnePieceLate);
  Lockstep run(*w.estate);
  auto confirm = run.until_terminal_gets(MsgType::kPkgConfirm);
  ASSERT_TRUE(confirm.has_value());
  const session::Output out = run.to_terminal(*confirm);
  expect_no_abort(out, run.terminal, Fault::kResumeOnePieceLate);
  auto request = codec::parse_frame_request(*run.keys.open(true, out.send.at(0)));
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(*request, (codec::FrameRequest{0, Section::kData, 2}));
  EXPECT_EQ(last_session_end(run), ResponseCode::kIntegrityFailed);
  EXPECT_EQ(run.tms.frames_served(), 1u);
  EXPECT_EQ(run.terminal.packages_applied(), 0u);
}

// Checks REQ-CONF-040: reads-past-short-field takes an HS_AUTH_REQUEST one octet short (the honest
// row, T2_MalformedFieldIs01, refuses it with 01) for a whole one whose TAC_1 ends in the zero read
// past the body, and refuses it at the TAC check with 11; a body short by a whole TAC_1 is still 01.
TEST(TerminalFaults, ShortBodyReadPastItsEndReachesTheTacCheck) {
  for (Profile p : kAllProfiles) {
    Waiting w = with_fault(program_download(p), MsgType::kHsAuthRequest, Fault::kReadsPastShortField);
    ASSERT_NE(w.pending.back(), 0x00) << name(p) << ": TAC_1 ends in the zero the fault reads";
    w.pending.pop_back();
    SCOPED_TRACE(name(p));
    expect_delivery_fails(w, w.pending, ResponseCode::kTmsAuthFailed);
  }
  Waiting w = with_fault(program_download(), MsgType::kHsAuthRequest, Fault::kReadsPastShortField);
  w.pending.resize(w.pending.size() - mac_length(Profile::kAes128));
  expect_delivery_fails(w, w.pending, ResponseCode::kMalformed);
}

// Checks REQ-CONF-040: term-info-unsorted sends the same items as the honest TERM_INFO, the last in
// front, so that a receiver refuses it as out of order (REQ-MSG-120) and nothing else.
TEST(TerminalFaults, TermInfoUnsortedSendsTheItemsOutOfOrder) {
  Waiting w = with_fault(program_download(), MsgType::kKeyMessage, Fault::kTermInfoUnsorted);
  const session::Output out = w.run->to_terminal(w.pending);
  ASSERT_EQ(out.send.size(), 2u);
  const auto payload = w.run->keys.open(true, out.send[0]);
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(codec::parse_terminal_info(*payload).error().field, "ITEM");
  // The first item moved back behind the others: a TERM_INFO a receiver takes.
  Bytes sorted = *payload;
  const std::size_t first = 4u + static_cast<std::size_t>((*payload)[2] << 8 | (*payload)[3]);
  std::rotate(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(first), sorted.end());
  EXPECT_TRUE(codec::parse_terminal_info(sorted).ok());
}

// Checks REQ-CONF-040: stores-keys-before-checks refuses a KEY_MESSAGE whose last KCV is changed
// with 18, as the honest row T3_KcvMismatchIs18AndNothingIsStored does, but leaves the key of the
// entry before it stored (REQ-TERM-002: all or nothing).
TEST(TerminalFaults, KeysStoredBeforeTheLaterChecks) {
  for (Profile p : kKeyDownloadProfiles) {
    Waiting w = with_fault(key_download(p), MsgType::kKeyMessage, Fault::kStoresKeysBeforeChecks);
    auto m = codec::parse_key_message(w.pending, p);
    ASSERT_TRUE(m.ok());
    ASSERT_GT(m->entries.size(), 2u) << name(p);
    m->entries.back().kcv[0] ^= 0x01;
    const session::Output out = w.run->to_terminal(w.run->keys.with_key_mac(*m));
    expect_abort(out, w.run->terminal, ResponseCode::kIntegrityFailed);
    EXPECT_TRUE(w.estate->key_store.slots.contains(m->entries[1].slot)) << name(p);
    EXPECT_FALSE(w.estate->key_store.slots.contains(m->entries.back().slot)) << name(p);
  }
}

// Checks REQ-HS-025 and REQ-CONF-040: an earlier session's S_DATA and DWK_1 under a TAC_1 recomputed
// over this session with that session's DWK (forge::SessionKeys::with_tac_bound_to) is refused with
// 11 by the honest terminal, at the binding alone; takes-binding-from-key-block answers it.
TEST(TerminalFaults, BindingTakenFromTheKeyBlockAcceptsAnotherSessionsDwk1) {
  for (Profile p : {Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    for (bool fault : {false, true}) {
      SCOPED_TRACE(std::string(name(p)) + (fault ? " with the fault" : " honest"));
      Waiting w = fault ? with_fault(program_download(p), MsgType::kHsAuthRequest, Fault::kTakesBindingFromKeyBlock)
                        : waiting_for(program_download(p), MsgType::kHsAuthRequest);
      const Bytes first_request = w.run->keys.hs_request();
      auto first = codec::parse_hs_auth_request(w.pending);
      ASSERT_TRUE(first.ok());
      w.run->connection_lost();
      Lockstep run(*w.estate);
      auto pending = run.until_terminal_gets(MsgType::kHsAuthRequest);
      ASSERT_TRUE(pending.has_value());
      auto m = codec::parse_hs_auth_request(*pending);
      ASSERT_TRUE(m.ok());
      m->s_data = first->s_data;
      m->dwk1 = first->dwk1;
      const Bytes forged = run.keys.with_tac_bound_to(*m, first_request);
      ASSERT_FALSE(forged.empty());
      const session::Output out = run.to_terminal(forged);
      if (fault) {
        expect_no_abort(out, run.terminal, Fault::kTakesBindingFromKeyBlock);
      } else {
        expect_abort(out, run.terminal, ResponseCode::kTmsAuthFailed);
      }
    }
  }
}

}  // namespace
}  // namespace tmsproto::terminal
