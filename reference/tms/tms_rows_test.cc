// The TMS session engine, row by row (spec/10-tms-states.md, S1-S12): every check of every row
// with the code the table gives it, in the table's order. The terminal side is an honest terminal
// engine; messages it would not send are forged with the estate's keys (sim::Lockstep).
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "codec/abort_message.h"
#include "codec/download_payloads.h"
#include "codec/handshake_messages.h"
#include "codec/key_message.h"
#include "sim/loopback.h"
#include "sim/row_support.h"

namespace tmsproto::tms {
namespace {

using codec::Section;
using sim::Lockstep;
using sim::rows::kAllProfiles;
using sim::rows::kKeyDownloadProfiles;
using sim::rows::key_download;
using sim::rows::program_download;

// A TMS session waiting for `type`, which is in `pending`, undelivered.
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
  auto m = w.run->until_tms_gets(type);
  EXPECT_TRUE(m.has_value()) << name(type);
  if (m) w.pending = std::move(*m);
  return w;
}

// The failure row of a check (REQ-ERR-002) and its audit record (REQ-TMS-005).
void expect_abort(const session::Output& out, const Session& s, const sim::Estate& e, ResponseCode code) {
  EXPECT_EQ(sim::abort_code(out), std::optional(code)) << "sent " << out.send.size() << " bodies";
  EXPECT_TRUE(out.close);
  EXPECT_EQ(s.state(), State::S_FAILED) << name(s.state());
  ASSERT_TRUE(s.failure().has_value());
  EXPECT_EQ(s.failure()->code, std::optional(code));
  EXPECT_TRUE(s.failure()->sent_abort);
  ASSERT_EQ(e.audit.records.size(), 1u);
  EXPECT_EQ(e.audit.records[0].outcome, std::optional(code));
}

void expect_delivery_fails(Waiting& w, ByteView body, ResponseCode code) {
  const bool key_message_before = w.run->tms.key_message_sent();
  expect_abort(w.run->to_tms(body), w.run->tms, *w.estate, code);
  EXPECT_EQ(w.run->tms.key_message_sent(), key_message_before);  // REQ-TMS-004
}

codec::Identity someone_else(codec::Identity id) {
  id.serial_no = "SN-SOMEONE-ELSE";
  return id;
}

// ---- S1 (REQ-HS-010 to REQ-HS-016) -------------------------------------------------------------

// Checks REQ-HS-016, REQ-HS-017: the answer carries the identity, the DMK's profile, S_DATA, zero
// operator fields (unattended), a DWK_1 that unwraps under the terminal's DMK only with this
// request's binding, and a TAC_1 that the terminal's own computation reproduces.
TEST(TmsRows, S1_HonestRequestIsAnsweredWithAuthRequest) {
  for (Profile p : kAllProfiles) {
    Waiting w = waiting_for(program_download(p), MsgType::kHsRequest);
    const session::Output out = w.run->to_tms(w.pending);
    ASSERT_EQ(out.send.size(), 1u);
    auto m = codec::parse_hs_auth_request(out.send[0]);
    ASSERT_TRUE(m.ok()) << name(p);
    EXPECT_EQ(m->id, w.estate->terminal_config.id);
    EXPECT_EQ(m->profile, p);                            // REQ-HS-011
    EXPECT_EQ(m->s_data.time, w.estate->clock.now_utc());  // REQ-HS-015
    EXPECT_EQ(m->opv_iterations, 0u);
    EXPECT_EQ(m->opv_salt, codec::OperatorSalt{});
    auto dwk = profile::recover_dwk(p, w.estate->terminal_config.dmk.view(), m->dwk1,
                                    profile::session_binding(w.pending));
    ASSERT_TRUE(dwk.ok()) << name(p);
    EXPECT_EQ(sim::rows::with_tac_under(p, w.pending, *m, dwk->view()), out.send[0]) << name(p);
    EXPECT_EQ(w.run->tms.state(), State::S_WAIT_AUTH_ANSWER);
    EXPECT_FALSE(out.close);
    EXPECT_TRUE(w.estate->audit.records.empty());
  }
}

TEST(TmsRows, S1_BadVersionIs03) {
  Waiting w = waiting_for(program_download(), MsgType::kHsRequest);
  w.pending[1] = 0x02;
  expect_delivery_fails(w, w.pending, ResponseCode::kUnsupportedVersion);
}

TEST(TmsRows, S1_UnknownTransCodeIs07) {
  Waiting w = waiting_for(program_download(), MsgType::kHsRequest);
  w.pending[59] = '3';  // REQ-MSG-030
  expect_delivery_fails(w, w.pending, ResponseCode::kUnsupportedTransaction);
}

TEST(TmsRows, S1_MalformedFieldIs01) {
  const std::function<void(Bytes&)> breakers[] = {
      [](Bytes& b) { b[60] = 0x03; },        // LEGACY offered with TDES (REQ-MSG-031)
      [](Bytes& b) { b[60] = 0x00; },        // nothing offered
      [](Bytes& b) { b[60] = 0x14; },        // a bit above 0x08
      [](Bytes& b) { b[61] = '-'; },         // OPERATOR_ID not AN
      [](Bytes& b) { b[69 + 12] = 'X'; },    // RESERVED not blank (REQ-MSG-032)
      [](Bytes& b) { b[101 + 8] = 0x13; },   // T_TIME month 13
      [](Bytes& b) { b.push_back(0x20); },   // trailing octet
      [](Bytes& b) { b.resize(100); },       // cut short
  };
  for (const auto& breaker : breakers) {
    Waiting w = waiting_for(program_download(), MsgType::kHsRequest);
    breaker(w.pending);
    expect_delivery_fails(w, w.pending, ResponseCode::kMalformed);
  }
}

TEST(TmsRows, S1_KeyDownloadWithoutKeySetIdIs01) {
  Waiting w = waiting_for(key_download(), MsgType::kHsRequest);
  std::fill(w.pending.begin() + 69, w.pending.begin() + 77, 0x20);  // REQ-MSG-032
  expect_delivery_fails(w, w.pending, ResponseCode::kMalformed);
}

Bytes with_request(const Waiting& w, const std::function<void(codec::HsRequest&)>& change) {
  auto m = codec::parse_hs_request(w.pending);
  EXPECT_TRUE(m.ok());
  change(*m);
  return codec::serialize(*m);
}

// REQ-HS-018, REQ-SEC-015: before authentication every identity failure is 06 on the wire; the
// audit record alone says which it was.
void expect_not_served(Waiting& w, ByteView body, ResponseCode reason) {
  expect_delivery_fails(w, body, ResponseCode::kTerminalNotServed);
  ASSERT_FALSE(w.estate->audit.records.empty());
  EXPECT_EQ(w.estate->audit.records.back().not_served_reason, std::optional(reason));
}

TEST(TmsRows, S1_UnknownVendorIs06AndOnlyTheAuditSaysVendor) {
  Waiting w = waiting_for(program_download(), MsgType::kHsRequest);
  expect_not_served(w, with_request(w, [](codec::HsRequest& m) { m.id.vendor_id = "VEND9999"; }),
                    ResponseCode::kUnknownVendor);
}

TEST(TmsRows, S1_UnknownModelIs06AndOnlyTheAuditSaysModel) {
  Waiting w = waiting_for(program_download(), MsgType::kHsRequest);
  expect_not_served(w, with_request(w, [](codec::HsRequest& m) { m.id.model_id = "POS-Z9"; }),
                    ResponseCode::kUnknownModel);
}

TEST(TmsRows, S1_UnknownSerialIs06) {
  Waiting w = waiting_for(program_download(), MsgType::kHsRequest);
  expect_not_served(w, with_request(w, [](codec::HsRequest& m) { m.id = someone_else(m.id); }),
                    ResponseCode::kTerminalNotServed);
}

// A vendor's registry that answers a code REQ-HS-010 does not give this step (00, or any code
// other than 04/05/06) is the TMS's own fault: 96, never that code on the wire (REQ-MSG-110).
class RegistryAnswering final : public Registry {
 public:
  RegistryAnswering(Registry& real, ResponseCode code) : real_(real), code_(code) {}
  Result<const TerminalRecord*, ResponseCode> lookup(const codec::Identity&) override { return fail(code_); }
  const std::vector<KeySetSlot>* key_set(const codec::Identity& id, const std::string& key_set_id) override {
    return real_.key_set(id, key_set_id);
  }
  OperatorRecord operator_record(const std::string& vendor_id, const std::string& operator_id,
                                 TransCode trans) override {
    return real_.operator_record(vendor_id, operator_id, trans);
  }
  OperatorLock operator_checked(const std::string& vendor_id, const std::string& operator_id, bool passed,
                                std::int64_t now_s) override {
    return real_.operator_checked(vendor_id, operator_id, passed, now_s);
  }
  Result<std::uint64_t, ResponseCode> take_lease(const codec::Identity& id, std::int64_t now_s,
                                                 std::int64_t expires_s) override {
    return real_.take_lease(id, now_s, expires_s);
  }
  void release_lease(const codec::Identity& id, std::uint64_t token) override { real_.release_lease(id, token); }
  bool unattended_allowed(const codec::Identity& id) override { return real_.unattended_allowed(id); }
  void key_set_delivered(const codec::Identity& id, const std::string& key_set_id) override {
    real_.key_set_delivered(id, key_set_id);
  }

 private:
  Registry& real_;
  ResponseCode code_;
};

TEST(TmsRows, S1_RegistryAnsweringACodeNotOfThisStepIs96) {
  for (ResponseCode code : {ResponseCode::kSuccess, ResponseCode::kTerminalAuthFailed, ResponseCode::kReplay}) {
    Waiting w = waiting_for(program_download(), MsgType::kHsRequest);
    RegistryAnswering registry(w.estate->registry, code);
    tms::Ports ports = w.estate->tms_ports();
    Session server(w.estate->tms_config,
                   {ports.clock, ports.rng, registry, ports.custody, ports.replay, ports.vendors, ports.audit,
                    ports.reports});
    expect_abort(server.receive(w.pending), server, *w.estate, ResponseCode::kInternalError);
  }
}

// Checks REQ-HS-011, REQ-HS-018: an offer without the DMK's profile is 06, not 08, so the wire does
// not tell which algorithm the terminal's DMK has.
TEST(TmsRows, S1_ProfileOfTheDmkNotOfferedIs06) {
  const std::uint8_t offers[] = {offer_bit(Profile::kTdes), offer_bit(Profile::kAes256), offer_bit(Profile::kLegacy)};
  for (std::uint8_t offer : offers) {
    Waiting fresh = waiting_for(program_download(Profile::kAes128), MsgType::kHsRequest);
    expect_not_served(fresh, with_request(fresh, [offer](codec::HsRequest& m) { m.offered_profiles = offer; }),
                      ResponseCode::kNoAcceptableProfile);
  }
}

TEST(TmsRows, S1_LegacyNotEnabledForTheTerminalIs06) {
  Waiting w = waiting_for(program_download(Profile::kLegacy), MsgType::kHsRequest);
  for (auto& [key, t] : w.estate->registry.terminals) t.record.legacy_enabled = false;  // REQ-CRYPTO-020
  expect_not_served(w, w.pending, ResponseCode::kNoAcceptableProfile);
}

// Checks REQ-CRYPTO-025: LEGACY, even where enabled, is an unattended program download; a key
// download or a named operator finds no acceptable profile, before any key is made.
TEST(TmsRows, S1_LegacyKeyDownloadOrOperatorIs06) {
  const std::function<void(codec::HsRequest&)> changes[] = {
      [](codec::HsRequest& m) { m.trans = TransCode::kKeyDownload; m.key_set_id = "TMK00001"; },
      [](codec::HsRequest& m) { m.operator_id = "OP01"; },
  };
  for (const auto& change : changes) {
    Waiting w = waiting_for(program_download(Profile::kLegacy), MsgType::kHsRequest);
    expect_not_served(w, with_request(w, change), ResponseCode::kNoAcceptableProfile);
  }
}

TEST(TmsRows, S1_StaleDatetimeIs09) {
  const codec::DateTime clocks[] = {{2026, 11, 26, 16, 5, 1}, {2026, 11, 26, 15, 54, 59}};  // 301 s off
  for (const codec::DateTime& now : clocks) {
    Waiting w = waiting_for(program_download(), MsgType::kHsRequest);
    w.estate->clock.set(now);
    expect_delivery_fails(w, w.pending, ResponseCode::kStaleDatetime);  // REQ-HS-012
  }
  Waiting edge = waiting_for(program_download(), MsgType::kHsRequest);
  edge.estate->clock.set({2026, 11, 26, 16, 5, 0});  // exactly the window: still fresh
  edge.run->to_tms(edge.pending);
  EXPECT_EQ(edge.run->tms.state(), State::S_WAIT_AUTH_ANSWER);
}

// Checks REQ-SEC-003, REQ-HS-013.
TEST(TmsRows, S1_ReplayIs10) {
  Waiting w = waiting_for(program_download(), MsgType::kHsRequest);
  w.run->to_tms(w.pending);
  ASSERT_EQ(w.run->tms.state(), State::S_WAIT_AUTH_ANSWER);
  Session second(w.estate->tms_config, w.estate->tms_ports());  // another connection, same TMS
  const session::Output out = second.receive(w.pending);
  EXPECT_EQ(sim::abort_code(out), std::optional(ResponseCode::kReplay));  // REQ-HS-013
  EXPECT_EQ(second.state(), State::S_FAILED);
  EXPECT_EQ(second.failure()->code, std::optional(ResponseCode::kReplay));
}

// Checks REQ-SRV-011: while one session of a terminal is open, a second one (a fresh HS_REQUEST,
// another connection) ends 24 right after its checks, before any key is made; once the first ends,
// however it ends, the terminal's next session is served.
TEST(TmsRows, S1_SecondSessionOfAnOpenTerminalIs24UntilTheFirstEnds) {
  Waiting w = waiting_for(program_download(), MsgType::kHsRequest);
  w.run->to_tms(w.pending);
  ASSERT_EQ(w.run->tms.state(), State::S_WAIT_AUTH_ANSWER);
  const Bytes again = with_request(w, [](codec::HsRequest& m) { m.t_data.random[0] ^= 0x01; });
  Session second(w.estate->tms_config, w.estate->tms_ports());
  const session::Output out = second.receive(again);
  EXPECT_EQ(sim::abort_code(out), std::optional(ResponseCode::kResourceLimit));
  EXPECT_EQ(out.send.size(), 1u) << "the ABORT and nothing else: no HS_AUTH_REQUEST, no key";
  EXPECT_EQ(second.failure()->code, std::optional(ResponseCode::kResourceLimit));
  (void)w.run->tms.connection_lost();
  const Bytes third_request = with_request(w, [](codec::HsRequest& m) { m.t_data.random[0] ^= 0x02; });
  Session third(w.estate->tms_config, w.estate->tms_ports());
  (void)third.receive(third_request);
  EXPECT_EQ(third.state(), State::S_WAIT_AUTH_ANSWER);
}

// Checks REQ-HS-013: the entry lives until T_TIME + window; the same request a second later is
// refused by freshness (09), so the cache may have forgotten it by then.
TEST(TmsRows, S1_ReplayIsRememberedUntilTTimePlusWindowThenStale) {
  Waiting w = waiting_for(program_download(), MsgType::kHsRequest);
  w.run->to_tms(w.pending);
  ASSERT_EQ(w.run->tms.state(), State::S_WAIT_AUTH_ANSWER);
  w.estate->clock.set({2026, 11, 26, 16, 5, 0});  // T_TIME + 300 s: still fresh, so still remembered
  Session at_edge(w.estate->tms_config, w.estate->tms_ports());
  EXPECT_EQ(sim::abort_code(at_edge.receive(w.pending)), std::optional(ResponseCode::kReplay));
  w.estate->clock.set({2026, 11, 26, 16, 5, 1});
  Session after(w.estate->tms_config, w.estate->tms_ports());
  EXPECT_EQ(sim::abort_code(after.receive(w.pending)), std::optional(ResponseCode::kStaleDatetime));
}

// Checks REQ-HS-019: a cache full of entries that may not be forgotten refuses with 96 and keeps
// them; once they have expired there is room again.
TEST(TmsRows, S1_FullReplayCacheIs96AndForgetsNothingEarly) {
  Waiting w = waiting_for(program_download(), MsgType::kHsRequest);
  w.estate->replay = sim::MemoryReplayCache(1);
  const codec::Identity other{"VEND0001", "POS-X1", "SN-OTHER"};
  const std::int64_t now = codec::seconds_since_2000(w.estate->clock.now_utc());
  ASSERT_EQ(w.estate->replay.remember(other, {1}, now + 300, now), ReplayVerdict::kFresh);
  expect_delivery_fails(w, w.pending, ResponseCode::kInternalError);
  EXPECT_EQ(w.estate->replay.remember(other, {1}, now + 300, now), ReplayVerdict::kSeen);
  EXPECT_EQ(w.estate->replay.remember(other, {2}, now + 600, now + 301), ReplayVerdict::kFresh);
  EXPECT_EQ(w.estate->replay.size(), 1u);
}

TEST(TmsRows, S1_UnknownKeySetIs06) {
  Waiting w = waiting_for(key_download(), MsgType::kHsRequest);
  expect_not_served(w, with_request(w, [](codec::HsRequest& m) { m.key_set_id = "NOSUCH01"; }),
                    ResponseCode::kUnknownKeySet);  // REQ-KEY-013
}

// REQ-HS-010's order: a request failing the checks i..n together fails with check i's code.
TEST(TmsRows, S1_ChecksInTheOrderOfReqHs010) {
  struct Check {
    ResponseCode code;
    std::function<void(codec::HsRequest&)> field;  // on the parsed request
    std::function<void(Bytes&)> octets;             // on the body (parse failures)
    bool replay = false;                            // seed the replay cache
  };
  const std::vector<Check> checks = {
      {ResponseCode::kUnsupportedVersion, {}, [](Bytes& b) { b[1] = 0x02; }},
      {ResponseCode::kUnsupportedTransaction, {}, [](Bytes& b) { b[59] = '7'; }},
      {ResponseCode::kMalformed, {}, [](Bytes& b) { b[69 + 20] = 'X'; }},
      {ResponseCode::kUnknownVendor, [](codec::HsRequest& m) { m.id.vendor_id = "VEND9999"; }, {}},
      {ResponseCode::kUnknownModel, [](codec::HsRequest& m) { m.id.model_id = "POS-Z9"; }, {}},
      {ResponseCode::kTerminalNotServed, [](codec::HsRequest& m) { m.id.serial_no = "SN-UNKNOWN"; }, {}},
      {ResponseCode::kNoAcceptableProfile, [](codec::HsRequest& m) { m.offered_profiles = 0x02; }, {}},
      {ResponseCode::kUnknownKeySet, [](codec::HsRequest& m) { m.key_set_id = "NOSUCH01"; }, {}},
      {ResponseCode::kStaleDatetime, [](codec::HsRequest& m) { m.t_data.time.hour = 9; }, {}},
      {ResponseCode::kReplay, {}, {}, true},
  };
  // REQ-HS-018: the identity checks all show as 06; the audit says which failed first.
  const auto on_the_wire = [](ResponseCode c) {
    const bool identity = c == ResponseCode::kUnknownVendor || c == ResponseCode::kUnknownModel ||
                          c == ResponseCode::kTerminalNotServed || c == ResponseCode::kNoAcceptableProfile ||
                          c == ResponseCode::kUnknownKeySet;
    return identity ? ResponseCode::kTerminalNotServed : c;
  };
  for (std::size_t first = 0; first < checks.size(); ++first) {
    Waiting w = waiting_for(key_download(), MsgType::kHsRequest);
    auto m = codec::parse_hs_request(w.pending);
    ASSERT_TRUE(m.ok());
    bool replay = false;
    for (std::size_t i = first; i < checks.size(); ++i) {
      if (checks[i].field) checks[i].field(*m);
      replay = replay || checks[i].replay;
    }
    if (replay) (void)w.estate->replay.remember(m->id, m->t_data.random, std::int64_t{1} << 40, 0);
    Bytes body = codec::serialize(*m);
    for (std::size_t i = first; i < checks.size(); ++i) {
      if (checks[i].octets) checks[i].octets(body);
    }
    SCOPED_TRACE("first failing check: " + std::string(name(checks[first].code)));
    expect_delivery_fails(w, body, on_the_wire(checks[first].code));
    if (on_the_wire(checks[first].code) == ResponseCode::kTerminalNotServed) {
      EXPECT_EQ(w.estate->audit.records.back().not_served_reason, std::optional(checks[first].code));
    }
  }
}

// ---- S2 (REQ-HS-030 to REQ-HS-032, REQ-OPR-001 to REQ-OPR-005, REQ-TMS-004) --------------------

TEST(TmsRows, S2_HonestAnswerSendsTheKeyMessage) {
  for (Profile p : kAllProfiles) {
    for (bool key : {true, false}) {
      if (key && p == Profile::kLegacy) continue;  // REQ-CRYPTO-025
      Waiting w = waiting_for(key ? key_download(p) : program_download(p), MsgType::kHsAuthAnswer);
      const session::Output out = w.run->to_tms(w.pending);
      ASSERT_EQ(out.send.size(), 1u);
      auto km = codec::parse_key_message(out.send[0], p);
      ASSERT_TRUE(km.ok()) << name(p);
      EXPECT_EQ(km->entries.size(), key ? 1 + w.estate->key_set().size() : 1u);  // REQ-KEY-010
      EXPECT_TRUE(w.run->tms.key_message_sent());
      EXPECT_EQ(w.run->tms.state(), State::S_WAIT_TERM_INFO);  // REQ-DL-040: the report comes first
    }
  }
}

TEST(TmsRows, S2_BadVersionIs03) {
  Waiting w = waiting_for(program_download(), MsgType::kHsAuthAnswer);
  w.pending[1] = 0x02;
  expect_delivery_fails(w, w.pending, ResponseCode::kUnsupportedVersion);
}

TEST(TmsRows, S2_MalformedFieldIs01) {
  const std::function<void(Bytes&)> breakers[] = {
      [](Bytes& b) { b[58] = 0x01; },      // AUTH_STAGE
      [](Bytes& b) { b[60] = '2'; },       // RETURN_CODE not 00
      [](Bytes& b) { b[61] = 0x01; },      // TERM_AUTH_RESULT (REQ-MSG-050)
      [](Bytes& b) { b.push_back(0); },    // trailing octet
  };
  for (const auto& breaker : breakers) {
    Waiting w = waiting_for(program_download(), MsgType::kHsAuthAnswer);
    breaker(w.pending);
    expect_delivery_fails(w, w.pending, ResponseCode::kMalformed);
  }
}

TEST(TmsRows, S2_WrongIdentityIs26) {
  Waiting w = waiting_for(program_download(), MsgType::kHsAuthAnswer);
  auto m = codec::parse_hs_auth_answer(w.pending, Profile::kAes128);
  ASSERT_TRUE(m.ok());
  m->id = someone_else(m->id);
  expect_delivery_fails(w, codec::serialize(*m), ResponseCode::kIdentityMismatch);  // REQ-HS-030
}

// Checks REQ-SEC-001, REQ-HS-031.
TEST(TmsRows, S2_SacMismatchIs12AndNoKeyIsMade) {
  for (Profile p : kKeyDownloadProfiles) {
    Waiting w = waiting_for(key_download(p), MsgType::kHsAuthAnswer);
    w.pending.back() ^= 0x01;
    expect_delivery_fails(w, w.pending, ResponseCode::kTerminalAuthFailed);  // REQ-HS-031
    EXPECT_FALSE(w.run->tms.key_message_sent());
  }
}

// REQ-OPR-004, REQ-OPR-005: every operator failure is 25.
TEST(TmsRows, S2_OperatorFailuresAre25) {
  const std::function<void(sim::Estate&)> failures[] = {
      [](sim::Estate& e) { e.operator_id = "OP99"; },                          // unknown operator
      [](sim::Estate& e) { e.operator_password = "4321"; },                    // wrong password
      [](sim::Estate& e) { e.registry.operators[0].may_download_keys = false; },  // not authorised
      [](sim::Estate& e) { e.options.with_operator = false; },                 // key download unattended
  };
  for (const auto& failure : failures) {
    Waiting w = waiting_for(key_download(), MsgType::kHsAuthAnswer, failure);
    expect_delivery_fails(w, w.pending, ResponseCode::kOperatorAuthFailed);
    EXPECT_FALSE(w.run->tms.key_message_sent());
  }
}

TEST(TmsRows, S2_UnattendedProgramDownloadNotAllowedIs25) {
  Waiting w = waiting_for(program_download(), MsgType::kHsAuthAnswer, [](sim::Estate& e) {
    for (auto& [key, t] : e.registry.terminals) t.unattended_allowed = false;
  });
  expect_delivery_fails(w, w.pending, ResponseCode::kOperatorAuthFailed);  // REQ-OPR-005
}

// REQ-OPR-001: unattended, OPERATOR_PROOF must be all 0x00; anything else is 01. It is a rule of
// the body (spec/03-messages.md 3.6), so it is checked with the body: before identity [26] and SAC
// [12] in row S2's order, and whether or not SAC_1 was recomputed over the changed proof.
TEST(TmsRows, S2_NonZeroProofWhenUnattendedIs01BeforeIdentityAndSac) {
  for (Profile p : kAllProfiles) {
    for (const bool resealed : {true, false}) {
      Waiting w = waiting_for(program_download(p), MsgType::kHsAuthAnswer);
      auto m = codec::parse_hs_auth_answer(w.pending, p);
      ASSERT_TRUE(m.ok());
      m->operator_proof[0] = 0x01;
      if (!resealed) m->id = someone_else(m->id);  // and SAC_1 left stale
      const Bytes body = resealed ? w.run->keys.with_sac(*m) : codec::serialize(*m);
      expect_delivery_fails(w, body, ResponseCode::kMalformed);
    }
  }
}

TEST(TmsRows, S2_SacIsCheckedBeforeTheOperator) {
  Waiting w = waiting_for(key_download(), MsgType::kHsAuthAnswer,
                          [](sim::Estate& e) { e.operator_password = "4321"; });
  w.pending.back() ^= 0x01;
  expect_delivery_fails(w, w.pending, ResponseCode::kTerminalAuthFailed);
}

// Row S2's "key set still registered [15]": the registry is shared (REQ-TMS-002) and may lose the
// key set between S1 and S2; the engine then answers as S1 would have rather than send an empty
// key set, and it checks this before it wraps any key.
TEST(TmsRows, S2_KeySetWithdrawnAfterS1Is15) {
  Waiting w = waiting_for(key_download(), MsgType::kHsAuthAnswer);
  for (auto& [key, t] : w.estate->registry.terminals) t.key_sets.clear();
  expect_delivery_fails(w, w.pending, ResponseCode::kUnknownKeySet);
}

// A key-set slot whose key the custody does not hold is a local failure, 96, and no KEY_MESSAGE
// leaves (REQ-KEY-006).
TEST(TmsRows, S2_KeySetSlotTheCustodyCannotWrapIs96) {
  Waiting w = waiting_for(key_download(), MsgType::kHsAuthAnswer, [](sim::Estate& e) {
    for (auto& [key, t] : e.registry.terminals) {
      for (auto& [id, slots] : t.key_sets) {
        slots.back() = {0x90, {"K1", 'A', 'D', 16}};  // a vendor slot the registry allows, no key in the custody
      }
    }
  });
  expect_delivery_fails(w, w.pending, ResponseCode::kInternalError);
}

// Checks REQ-KEY-014: a key set the registry came to hold although the profile cannot deliver it
// (a 3-key TDES key under the TDES profile's 80-bit KEK) is refused before anything is wrapped.
TEST(TmsRows, S2_KeyStrongerThanTheProfileCanDeliverIs96) {
  Waiting w = waiting_for(key_download(Profile::kTdes), MsgType::kHsAuthAnswer, [](sim::Estate& e) {
    for (auto& [key, t] : e.registry.terminals) {
      for (auto& [id, slots] : t.key_sets) slots.back().rule.key_length = 24;
    }
  });
  expect_delivery_fails(w, w.pending, ResponseCode::kInternalError);
}

// Checks REQ-KEY-039: a key set the registry came to hold with a slot rule the registry of standard
// slots does not allow (the PIN key with mode of use B, a reserved slot) is refused before anything
// is wrapped, although the custody holds the key and the profile could deliver it.
TEST(TmsRows, S2_KeySetSlotRuleTheRegistryDoesNotAllowIs96) {
  for (const auto& change : std::vector<std::function<void(KeySetSlot&)>>{
           [](KeySetSlot& s) { s.rule.mode_of_use = 'B'; }, [](KeySetSlot& s) { s.slot = 0x05; }}) {
    Waiting w = waiting_for(key_download(), MsgType::kHsAuthAnswer, [&change](sim::Estate& e) {
      for (auto& [key, t] : e.registry.terminals) {
        for (auto& [id, slots] : t.key_sets) {
          KeySetSlot changed = slots.back();
          change(changed);
          crypto::SecretBytes k(changed.rule.key_length);
          (void)e.custody.add_key_set_key(e.terminal_config.id, id, changed, std::move(k));
          slots.back() = changed;
        }
      }
    });
    expect_delivery_fails(w, w.pending, ResponseCode::kInternalError);
  }
}

// ---- S3 (REQ-DL-011, REQ-TMS-020 to REQ-TMS-022) -----------------------------------------------

TEST(TmsRows, S3_HonestAnnounceIsConfirmedWithTheVendorsOffers) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgAnnounce);
  const session::Output out = w.run->to_tms(w.pending);
  EXPECT_EQ(w.run->tms.state(), State::S_SERVING);
  ASSERT_EQ(out.send.size(), 1u);
  auto confirm = codec::parse_pkg_confirm(*w.run->keys.open(false, out.send[0]));
  ASSERT_TRUE(confirm.ok());
  ASSERT_EQ(confirm->offers.size(), 1u);
  EXPECT_EQ(confirm->offers[0], w.estate->vendor().packages[0].offer);
  EXPECT_EQ(w.run->keys.envelope(false, out.send[0])->seq, 0u);  // REQ-DL-002
}

TEST(TmsRows, S3_EnvelopeChecksInOrder) {
  struct Case {
    ResponseCode code;
    std::function<Bytes(const Waiting&)> body;
  };
  const Case cases[] = {
      {ResponseCode::kUnsupportedVersion, [](const Waiting& w) { Bytes b = w.pending; b[1] = 2; return b; }},
      {ResponseCode::kMacFailed, [](const Waiting& w) { Bytes b = w.pending; b[66] ^= 1; return b; }},
      {ResponseCode::kMacFailed, [](const Waiting& w) { Bytes b = w.pending; b[63] ^= 1; return b; }},
      {ResponseCode::kMalformed, [](const Waiting& w) { Bytes b = w.pending; b.pop_back(); return b; }},
      {ResponseCode::kIdentityMismatch,
       [](const Waiting& w) {
         return w.run->keys.seal(true, MsgType::kPkgAnnounce, 1, *w.run->keys.open(true, w.pending),
                                 someone_else(w.estate->terminal_config.id));
       }},
      {ResponseCode::kSequenceError,  // REQ-DL-002: SEQ 1 after TERM_INFO's 0, so 0 and 2 are both wrong
       [](const Waiting& w) {
         return w.run->keys.seal(true, MsgType::kPkgAnnounce, 2, *w.run->keys.open(true, w.pending));
       }},
      {ResponseCode::kSequenceError,
       [](const Waiting& w) {
         return w.run->keys.seal(true, MsgType::kPkgAnnounce, 0, *w.run->keys.open(true, w.pending));
       }},
      {ResponseCode::kMacFailed,
       [](const Waiting& w) { return w.run->keys.seal_unpadded(true, MsgType::kPkgAnnounce, 1, Bytes(32, 0x00)); }},
      {ResponseCode::kMalformed, [](const Waiting& w) { return w.run->keys.reseal(true, w.pending, Bytes{0x00}); }},
  };
  for (Profile p : kAllProfiles) {
    for (const Case& c : cases) {
      Waiting w = waiting_for(program_download(p), MsgType::kPkgAnnounce);
      SCOPED_TRACE(std::string(name(p)) + " " + std::string(name(c.code)));
      expect_delivery_fails(w, c.body(w), c.code);
    }
  }
}

// ---- S13: the terminal's information upload (REQ-DL-040 to REQ-DL-043) ---------------------------

// Checks REQ-DL-040, REQ-DL-042: the report is stored, with the TMS's time, and nothing is answered.
TEST(TmsRows, S13_ReportIsStoredAndNothingIsSent) {
  for (bool key : {true, false}) {
    Waiting w = waiting_for(key ? key_download() : program_download(), MsgType::kTermInfo);
    const session::Output out = w.run->to_tms(w.pending);
    EXPECT_TRUE(out.send.empty());
    EXPECT_FALSE(out.close);
    EXPECT_EQ(w.run->tms.state(), key ? State::S_WAIT_SESSION_END : State::S_WAIT_PKG_ANNOUNCE);
    ASSERT_EQ(w.estate->reports.history.size(), 1u);
    const auto& entry = w.estate->reports.history[0];
    EXPECT_EQ(entry.id, w.estate->terminal_config.id);
    EXPECT_EQ(entry.received_s, codec::seconds_since_2000(w.estate->clock.now_utc()));
    EXPECT_EQ(entry.report.hardware_id, w.estate->device.device.hardware_id);
    // REQ-DL-042: the history grows; the latest is the last.
    EXPECT_EQ(w.estate->reports.latest(w.estate->terminal_config.id), &entry.report);
  }
}

// Checks REQ-DL-042: a report the store cannot keep ends the session with 96.
TEST(TmsRows, S13_StoreFailureIs96) {
  Waiting w = waiting_for(program_download(), MsgType::kTermInfo);
  w.estate->reports.fail = true;
  expect_delivery_fails(w, w.pending, ResponseCode::kInternalError);
}

// Checks REQ-MSG-071, REQ-MSG-120: a report that breaks the TLV rules is malformed, and not stored.
TEST(TmsRows, S13_MalformedReportIs01) {
  Waiting w = waiting_for(program_download(), MsgType::kTermInfo);
  Bytes payload = *w.run->keys.open(true, w.pending);
  payload.push_back(0x00);  // a trailing octet: not a whole item
  expect_delivery_fails(w, w.run->keys.reseal(true, w.pending, payload), ResponseCode::kMalformed);
  EXPECT_TRUE(w.estate->reports.history.empty());
}

// Checks REQ-TMS-001, REQ-DL-040: PKG_ANNOUNCE or SESSION_END before the report is 02.
TEST(TmsRows, S13_AnythingButTheReportFirstIs02) {
  Waiting w = waiting_for(program_download(), MsgType::kTermInfo);
  auto announce = w.run->keys.seal(true, MsgType::kPkgAnnounce, 0, codec::serialize(codec::PkgAnnounce{}));
  expect_delivery_fails(w, announce, ResponseCode::kUnexpectedMessage);
}

// Checks REQ-DL-043: a PKG_ANNOUNCE that lists other packages than the report is 01.
TEST(TmsRows, S3_AnnounceThatDisagreesWithTheReportIs01) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgAnnounce);
  auto announce = codec::parse_pkg_announce(*w.run->keys.open(true, w.pending));
  ASSERT_TRUE(announce.ok());
  announce->installed.push_back({codec::PackageKind::kParameters, "PARAMS", 1});
  expect_delivery_fails(w, w.run->keys.reseal(true, w.pending, codec::serialize(*announce)), ResponseCode::kMalformed);
}

// Checks REQ-TMS-024: the vendor's database does not know the terminal: 06, after authentication.
TEST(TmsRows, S3_VendorThatDoesNotKnowTheTerminalIs06) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgAnnounce);
  w.estate->vendor().unknown_serials.insert(w.estate->terminal_config.id.serial_no);
  expect_delivery_fails(w, w.pending, ResponseCode::kTerminalNotServed);
}

// Checks REQ-TMS-023: an interface of another version is not used.
TEST(TmsRows, S3_InterfaceOfAnotherVersionIs96) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgAnnounce);
  w.estate->vendor().version = tms::kVendorInterfaceVersion + 1;
  expect_delivery_fails(w, w.pending, ResponseCode::kInternalError);
  EXPECT_TRUE(w.estate->vendor().offers_calls.empty());
}

// Checks REQ-TMS-024, REQ-DL-044, REQ-TMS-026: one offers call, with the session's identity, installed
// packages and report, to the session's vendor; the audit names it and counts the piece calls.
TEST(TmsRows, S3_OffersAreAskedOfTheSessionsVendorWithItsReport) {
  auto e = sim::make_estate(program_download());
  Lockstep run(*e);
  run.start();
  run.drain();
  ASSERT_EQ(run.tms.state(), State::S_DONE);
  const auto& calls = e->vendor().offers_calls;
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].vendor_id, e->terminal_config.id.vendor_id);
  EXPECT_EQ(calls[0].serial_no, e->terminal_config.id.serial_no);
  EXPECT_EQ(calls[0].installed, e->reports.history.at(0).report.packages);
  EXPECT_EQ(calls[0].report, e->reports.history.at(0).report);
  const auto& audit = e->audit.records.at(0);
  EXPECT_EQ(audit.served_by, std::optional(e->terminal_config.id.vendor_id));
  EXPECT_EQ(audit.offers_calls, 1u);
  EXPECT_EQ(audit.piece_calls, e->vendor().piece_calls.size());
  EXPECT_EQ(audit.piece_calls, run.tms.frames_served());
  for (const auto& [vendor_id, db] : e->vendors.vendors) {
    if (vendor_id == e->terminal_config.id.vendor_id) continue;
    EXPECT_TRUE(db.offers_calls.empty() && db.piece_calls.empty()) << vendor_id;  // REQ-TMS-026
  }
}

// Checks REQ-DL-052, REQ-DL-044: the master application is offered only above its floor — the version
// waiting for the next start or the one that failed to start — and only under its installed NAME.
TEST(TmsRows, S3_MasterApplicationOnlyAboveItsFloorAndUnderItsName) {
  struct Case {
    codec::SwitchState state;
    std::uint32_t other;
    std::vector<std::string> offered;
  };
  const Case cases[] = {
      {codec::SwitchState::kSettled, 0, {"TMSP-MASTER v2", "TMSP-MASTER v3"}},
      {codec::SwitchState::kPending, 2, {"TMSP-MASTER v3"}},
      {codec::SwitchState::kFellBack, 3, {}},
  };
  for (const Case& c : cases) {
    for (std::uint32_t top : {2u, 3u}) {
      auto o = program_download();
      o.packages = {};
      Waiting w = waiting_for(o, MsgType::kTermInfo, [&](sim::Estate& e) {
        if (c.state != codec::SwitchState::kSettled) {
          e.package_store.master->install(c.other);
          if (c.state == codec::SwitchState::kFellBack) e.package_store.master->start(false);
        }
        for (std::uint32_t v = 2; v <= top; ++v) {
          e.vendor().packages.push_back(sim::make_package(codec::PackageKind::kMaster, "TMSP-MASTER",
                                                          e.terminal_config.id, v, Bytes(300, 0x4D), 256,
                                                          e.vendor_private_key.view(), e.vendor_rng));
        }
        e.vendor().packages.push_back(sim::make_package(codec::PackageKind::kMaster, "OTHER-MASTER",
                                                        e.terminal_config.id, 9, Bytes(300, 0x4D), 256,
                                                        e.vendor_private_key.view(), e.vendor_rng));
      });
      w.run->to_tms(w.pending);  // TERM_INFO
      auto announce = w.run->until_tms_gets(MsgType::kPkgAnnounce);
      ASSERT_TRUE(announce.has_value());
      const session::Output out = w.run->to_tms(*announce);
      auto confirm = codec::parse_pkg_confirm(*w.run->keys.open(false, out.send.at(0)));
      ASSERT_TRUE(confirm.ok());
      std::vector<std::string> offered;
      for (const auto& offer : confirm->offers) {
        offered.push_back(offer.manifest.name + " v" + std::to_string(offer.manifest.version));
      }
      std::vector<std::string> expected;
      for (const auto& name : c.offered) {
        if (name == "TMSP-MASTER v" + std::to_string(top)) expected.push_back(name);
      }
      EXPECT_EQ(offered, expected) << static_cast<int>(c.state) << " top v" << top;
    }
  }
}

TEST(TmsRows, S3_VendorInterfaceFailureIs96) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgAnnounce);
  w.estate->vendor().fail = true;
  expect_delivery_fails(w, w.pending, ResponseCode::kInternalError);  // REQ-TMS-022
}

TEST(TmsRows, S3_NoInterfaceForTheVendorIs96) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgAnnounce);
  w.estate->vendors.vendors.clear();
  expect_delivery_fails(w, w.pending, ResponseCode::kInternalError);  // REQ-TMS-020
}

// REQ-DL-011: newer than announced, this vendor and model, CHUNK_SIZE within MAX_CHUNK, only the
// highest version per (KIND, NAME), at most 8, in the interface's order.
TEST(TmsRows, S3_OffersFollowReqDl011) {
  auto o = program_download();
  o.packages = {};
  Waiting w = waiting_for(o, MsgType::kPkgAnnounce, [](sim::Estate& e) {
    e.terminal_config.max_chunk = 2048;
    e.package_store.packages[{codec::PackageKind::kApplication, "PAYAPP"}] = {1, Bytes{1}};
    e.package_store.packages[{codec::PackageKind::kParameters, "PARAMS"}] = {4, Bytes{1}};
    auto add = [&e](codec::PackageKind kind, std::string name, std::uint32_t version, std::uint16_t chunk,
                    codec::Identity id) {
      e.vendor().packages.push_back(sim::make_package(kind, name, id, version, Bytes(300, 0x42), chunk,
                                                      e.vendor_private_key.view(), e.vendor_rng));
    };
    const codec::Identity me = e.terminal_config.id;
    codec::Identity other_model = me;
    other_model.model_id = "POS-Z9";
    add(codec::PackageKind::kApplication, "PAYAPP", 2, 1024, me);       // offered, then replaced by v3
    add(codec::PackageKind::kParameters, "PARAMS", 4, 1024, me);        // not newer
    add(codec::PackageKind::kDataFile, "LOGO", 1, 1024, other_model);   // another model
    add(codec::PackageKind::kDataFile, "BIG", 1, 4096, me);             // above MAX_CHUNK
    add(codec::PackageKind::kApplication, "PAYAPP", 3, 1024, me);       // the highest
    add(codec::PackageKind::kApplication, "PAYAPP", 1, 1024, me);       // older again
    for (int i = 0; i < 9; ++i) add(codec::PackageKind::kDataFile, "F" + std::to_string(i), 1, 512, me);
  });
  const session::Output out = w.run->to_tms(w.pending);
  auto confirm = codec::parse_pkg_confirm(*w.run->keys.open(false, out.send.at(0)));
  ASSERT_TRUE(confirm.ok());
  std::vector<std::string> offered;
  for (const auto& offer : confirm->offers) {
    offered.push_back(offer.manifest.name + " v" + std::to_string(offer.manifest.version));
  }
  EXPECT_EQ(offered, (std::vector<std::string>{"PAYAPP v3", "F0 v1", "F1 v1", "F2 v1", "F3 v1", "F4 v1", "F5 v1",
                                               "F6 v1"}));
}

// Checks REQ-DL-011, REQ-DL-065, REQ-DL-066: of the FORMAT 0x02 packages the vendor's interface
// returns (it merges the acquirer's files for every terminal), the TMS offers only those whose target
// includes this terminal (or every terminal, TARGET_COUNT 0) and whose NOT_AFTER is at least its
// clock plus the freshness window — never another terminal's, never an expired one.
TEST(TmsRows, S3_NeverOffersAnotherTerminalsOrAnExpiredPackage) {
  auto o = program_download();
  o.packages = {};
  Waiting w = waiting_for(o, MsgType::kPkgAnnounce, [](sim::Estate& e) {
    const codec::Identity me = e.terminal_config.id;
    const codec::DateTime now = e.clock.now_utc();  // 2026-11-26 16:00:00
    auto add = [&e, &me](std::string name, std::vector<std::string> targets, codec::DateTime not_after) {
      codec::ManifestScope scope{e.acquirer_signer_id, not_after, std::move(targets)};
      e.vendor().packages.push_back(sim::make_package(codec::PackageKind::kParameters, name, me, 1, Bytes(300, 0x42),
                                                      256, e.acquirer_private_key.view(), e.vendor_rng, scope));
    };
    codec::DateTime month_on = now;
    month_on.month = 12;
    codec::DateTime in_window = now;
    in_window.minute = 4;  // 240 s on: inside the 300 s window, so a terminal's clock may be past it
    codec::DateTime window_end = now;
    window_end.minute = 5;  // exactly now + window: still valid for every terminal that passed REQ-HS-012
    std::string before = me.serial_no, after = me.serial_no;
    before[0] = '0';
    after += "Z";
    add("MINE", {me.serial_no}, month_on);                       // offered
    add("OTHERS", {"SN-SOMEONE-ELSE"}, month_on);                // another terminal's
    add("EXPIRED", {me.serial_no}, {2026, 11, 26, 15, 59, 59});  // NOT_AFTER passed
    add("NOW", {me.serial_no}, now);                             // passes at our clock, not at a fast terminal's
    add("INWINDOW", {me.serial_no}, in_window);                  // likewise
    add("WINDOWEND", {me.serial_no}, window_end);                // offered
    add("LIST", {before, me.serial_no, after}, month_on);        // offered: in the list
    add("EVERYONE", {}, month_on);                               // offered: TARGET_COUNT 0
  });
  const session::Output out = w.run->to_tms(w.pending);
  auto confirm = codec::parse_pkg_confirm(*w.run->keys.open(false, out.send.at(0)));
  ASSERT_TRUE(confirm.ok());
  std::vector<std::string> offered;
  for (const auto& offer : confirm->offers) offered.push_back(offer.manifest.name);
  EXPECT_EQ(offered, (std::vector<std::string>{"MINE", "WINDOWEND", "LIST", "EVERYONE"}));
}

TEST(TmsRows, S3_NothingNewerIsConfirmedWithCountZero) {
  Waiting w = waiting_for(program_download(), MsgType::kPkgAnnounce, [](sim::Estate& e) {
    e.package_store.packages[{codec::PackageKind::kApplication, "PAYAPP"}] = {2, Bytes{1}};
  });
  const session::Output out = w.run->to_tms(w.pending);
  auto confirm = codec::parse_pkg_confirm(*w.run->keys.open(false, out.send.at(0)));
  ASSERT_TRUE(confirm.ok());
  EXPECT_TRUE(confirm->offers.empty());
  EXPECT_EQ(w.run->tms.state(), State::S_SERVING);
}

// ---- S4 (REQ-DL-022, REQ-SEC-010) --------------------------------------------------------------

std::uint32_t seq_of(const Waiting& w) { return w.run->keys.envelope(true, w.pending)->seq; }

Bytes frame_request(const Waiting& w, codec::FrameRequest q, std::uint32_t seq) {
  return w.run->keys.seal(true, MsgType::kFrameRequest, seq, codec::serialize(q));
}

// Checks REQ-TMS-021, REQ-DL-022.
TEST(TmsRows, S4_HonestRequestIsServedThroughTheVendorInterface) {
  Waiting w = waiting_for(program_download(), MsgType::kFrameRequest);
  const session::Output out = w.run->to_tms(w.pending);
  EXPECT_EQ(w.run->tms.state(), State::S_SERVING);
  EXPECT_EQ(w.run->tms.frames_served(), 1u);
  auto r = codec::parse_frame_response(*w.run->keys.open(false, out.send.at(0)));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->section, Section::kFit);
  EXPECT_EQ(r->data, w.estate->vendor().packages[0].fit);
}

TEST(TmsRows, S4_PkgIndexNotOfferedIs16) {
  Waiting w = waiting_for(program_download(), MsgType::kFrameRequest);
  expect_delivery_fails(w, frame_request(w, {1, Section::kFit, 0}, seq_of(w)), ResponseCode::kPackageNotOffered);
}

TEST(TmsRows, S4_PieceOutOfRangeIs17) {
  const codec::FrameRequest beyond[] = {{0, Section::kFit, 1}, {0, Section::kData, 3}};
  for (const codec::FrameRequest& q : beyond) {
    Waiting w = waiting_for(program_download(), MsgType::kFrameRequest);  // 1 FIT piece, 3 DATA pieces
    expect_delivery_fails(w, frame_request(w, q, seq_of(w)), ResponseCode::kPieceOutOfRange);
  }
}

TEST(TmsRows, S4_PkgIndexIsCheckedBeforeThePiece) {
  Waiting w = waiting_for(program_download(), MsgType::kFrameRequest);
  expect_delivery_fails(w, frame_request(w, {5, Section::kData, 99}, seq_of(w)), ResponseCode::kPackageNotOffered);
}

// REQ-SEC-010: the pieces offered (1 FIT + 3 DATA) plus 16 requests, then 24.
TEST(TmsRows, S4_FrameBudgetIs24) {
  Waiting w = waiting_for(program_download(), MsgType::kFrameRequest);
  std::uint32_t seq = seq_of(w);
  for (int i = 0; i < 20; ++i) {
    const session::Output out = w.run->to_tms(frame_request(w, {0, Section::kData, 2}, seq++));
    ASSERT_EQ(out.send.size(), 1u) << i;
    ASSERT_EQ(w.run->tms.state(), State::S_SERVING);
  }
  expect_delivery_fails(w, frame_request(w, {0, Section::kData, 2}, seq), ResponseCode::kResourceLimit);
  EXPECT_EQ(w.run->tms.frames_served(), 20u);
}

TEST(TmsRows, S4_VendorInterfaceFailureIs96) {
  Waiting w = waiting_for(program_download(), MsgType::kFrameRequest);
  w.estate->vendor().fail = true;
  expect_delivery_fails(w, w.pending, ResponseCode::kInternalError);  // REQ-TMS-022
}

// Checks REQ-TMS-025: a piece of the wrong length, or one the database no longer holds (NOT_FOUND),
// is 96, and none of it reaches the terminal; the call went to the session's vendor with its manifest.
TEST(TmsRows, S4_VendorPieceOfTheWrongLengthOrNotFoundIs96) {
  Waiting w = waiting_for(program_download(), MsgType::kFrameRequest);
  w.estate->vendor().packages[0].fit.pop_back();
  expect_delivery_fails(w, w.pending, ResponseCode::kInternalError);
  ASSERT_EQ(w.estate->vendor().piece_calls.size(), 1u);
  EXPECT_EQ(w.estate->vendor().piece_calls[0].vendor_id, w.estate->terminal_config.id.vendor_id);
  EXPECT_EQ(w.estate->vendor().piece_calls[0].manifest, w.estate->vendor().packages[0].offer.manifest);
  Waiting gone = waiting_for(program_download(), MsgType::kFrameRequest);
  gone.estate->vendor().packages.clear();  // the package withdrawn after PKG_CONFIRM
  expect_delivery_fails(gone, gone.pending, ResponseCode::kInternalError);
}

TEST(TmsRows, S4_ReplayedRequestIs14) {
  Waiting w = waiting_for(program_download(), MsgType::kFrameRequest);
  w.run->to_tms(w.pending);
  expect_delivery_fails(w, w.pending, ResponseCode::kSequenceError);  // REQ-DL-002
}

TEST(TmsRows, S4_EnvelopeAndPayloadChecks) {
  {
    Waiting w = waiting_for(program_download(), MsgType::kFrameRequest);
    w.pending.back() ^= 0x01;
    expect_delivery_fails(w, w.pending, ResponseCode::kMacFailed);
  }
  {
    Waiting w = waiting_for(program_download(), MsgType::kFrameRequest);
    expect_delivery_fails(w, w.run->keys.reseal(true, w.pending, Bytes{0, 3, 0, 0, 0, 0}),
                          ResponseCode::kMalformed);  // SECTION 0x03 (REQ-MSG-100)
  }
}

// ---- Both checks fail: the first in the row's order gives the code (REQ-ERR-001) ----------------

// S2: body [03, then 01] / identity [26] / SAC_1 [12] / operator [25] / key set still registered
// [15] / every key deliverable (REQ-KEY-014) [96]. The answer fails check `first` and every later
// one (the key set is both withdrawn and, in the registry's copy the custody wraps from, too strong
// for TDES; withdrawn hides the strength, which is tested alone last).
TEST(TmsRows, S2_ChecksInTheRowsOrder) {
  enum { kVersion, kBody, kIdentity, kSac, kOperator, kKeySet, kDeliverable, kCount };
  const ResponseCode codes[kCount] = {ResponseCode::kUnsupportedVersion, ResponseCode::kMalformed,
                                      ResponseCode::kIdentityMismatch,   ResponseCode::kTerminalAuthFailed,
                                      ResponseCode::kOperatorAuthFailed, ResponseCode::kUnknownKeySet,
                                      ResponseCode::kInternalError};
  const Profile p = Profile::kTdes;
  for (int first = kVersion; first < kCount; ++first) {
    Waiting w = waiting_for(key_download(p), MsgType::kHsAuthAnswer, [first](sim::Estate& e) {
      if (first <= kOperator) e.operator_password = "4321";  // the terminal's proof is wrong
      for (auto& [key, t] : e.registry.terminals) {
        for (auto& [id, slots] : t.key_sets) slots.back().rule.key_length = 24;  // 3-key TDES
      }
    });
    if (first <= kKeySet) {
      for (auto& [key, t] : w.estate->registry.terminals) t.key_sets.clear();
    }
    auto m = codec::parse_hs_auth_answer(w.pending, p);
    ASSERT_TRUE(m.ok());
    if (first <= kIdentity) m->id = someone_else(m->id);
    if (first <= kSac) m->sac1[0] ^= 0x01;
    Bytes body = first <= kSac ? codec::serialize(*m) : w.pending;
    if (first <= kBody) body.push_back(0x00);
    if (first <= kVersion) body[1] = 0x02;
    SCOPED_TRACE("first failing check " + std::to_string(first));
    expect_delivery_fails(w, body, codes[first]);
    EXPECT_FALSE(w.run->tms.key_message_sent());
  }
}

// S4: envelope MAC [13] / identity [26] / SEQ [14] / payload [01] (section 9.2), then PKG_INDEX
// [16] / PIECE [17] / request budget [24] (REQ-SEC-010). The request comes after the budget is
// spent and fails check `first` and every later one; for the envelope checks its payload is either
// unparseable or a request failing all of PKG_INDEX, PIECE and the budget.
TEST(TmsRows, S4_ChecksInTheRowsOrder) {
  enum { kMac, kIdentity, kSeq, kPayload, kPkgIndex, kPiece, kBudget, kCount };
  const ResponseCode codes[kCount] = {ResponseCode::kMacFailed,         ResponseCode::kIdentityMismatch,
                                      ResponseCode::kSequenceError,     ResponseCode::kMalformed,
                                      ResponseCode::kPackageNotOffered, ResponseCode::kPieceOutOfRange,
                                      ResponseCode::kResourceLimit};
  for (bool garbage : {true, false}) {
    for (int first = kMac; first < kCount; ++first) {
      if (garbage && first > kPayload) continue;
      if (!garbage && first == kPayload) continue;
      Waiting w = waiting_for(program_download(), MsgType::kFrameRequest);
      std::uint32_t seq = seq_of(w);
      for (int i = 0; i < 20; ++i) {  // the 4 pieces offered plus 16 (REQ-SEC-010)
        ASSERT_EQ(w.run->to_tms(frame_request(w, {0, Section::kData, 2}, seq++)).send.size(), 1u) << i;
      }
      codec::FrameRequest q{0, Section::kData, 2};
      if (first <= kPiece) q.piece = 99;
      if (first <= kPkgIndex) q.pkg_index = 5;
      const Bytes payload = garbage ? Bytes{0, 3, 0, 0, 0, 0} : codec::serialize(q);  // SECTION 0x03
      const codec::Identity id = first <= kIdentity ? someone_else(w.estate->terminal_config.id)
                                                    : w.estate->terminal_config.id;
      Bytes body = w.run->keys.seal(true, MsgType::kFrameRequest, first <= kSeq ? seq + 7 : seq, payload, id);
      if (first <= kMac) body.back() ^= 0x01;
      SCOPED_TRACE((garbage ? "garbage, " : "") + std::to_string(first));
      expect_delivery_fails(w, body, codes[first]);
      EXPECT_EQ(w.run->tms.frames_served(), 20u);
    }
  }
}

// ---- S5 / S6 (REQ-DL-032, REQ-KEY-023, REQ-TMS-005) --------------------------------------------

TEST(TmsRows, S5_SessionEndIsAckedAndAudited) {
  Waiting w = waiting_for(program_download(), MsgType::kSessionEnd);
  const session::Output out = w.run->to_tms(w.pending);
  EXPECT_EQ(w.run->tms.state(), State::S_DONE);
  EXPECT_TRUE(out.close);
  auto ack = codec::parse_session_end(*w.run->keys.open(false, out.send.at(0)));
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->result, ResponseCode::kSuccess);
  ASSERT_EQ(w.estate->audit.records.size(), 1u);
  const AuditRecord& a = w.estate->audit.records[0];
  EXPECT_EQ(a.id, w.estate->terminal_config.id);
  EXPECT_EQ(a.trans, std::optional(TransCode::kProgramDownload));
  EXPECT_EQ(a.profile, std::optional(Profile::kAes128));
  EXPECT_EQ(a.outcome, std::optional(ResponseCode::kSuccess));
  EXPECT_EQ(a.terminal_result, std::optional(ResponseCode::kSuccess));
  EXPECT_EQ(a.offered, (std::vector<std::string>{"A PAYAPP v2"}));
}

TEST(TmsRows, S5_TheTerminalsFailureResultIsAuditedAndAcked) {
  Waiting w = waiting_for(program_download(), MsgType::kSessionEnd,
                          [](sim::Estate& e) { e.package_store.fail_apply = true; });
  const session::Output out = w.run->to_tms(w.pending);
  EXPECT_EQ(w.run->tms.state(), State::S_DONE);
  EXPECT_EQ(codec::parse_session_end(*w.run->keys.open(false, out.send.at(0)))->result, ResponseCode::kSuccess);
  EXPECT_EQ(w.estate->audit.records.at(0).terminal_result, std::optional(ResponseCode::kApplyFailed));
}

TEST(TmsRows, S5_EnvelopeAndPayloadChecks) {
  {
    Waiting w = waiting_for(program_download(), MsgType::kSessionEnd);
    w.pending[64] ^= 0x01;
    expect_delivery_fails(w, w.pending, ResponseCode::kMacFailed);
  }
  {
    Waiting w = waiting_for(program_download(), MsgType::kSessionEnd);
    expect_delivery_fails(w, w.run->keys.reseal(true, w.pending, Bytes{'9'}), ResponseCode::kMalformed);
  }
}

// Checks REQ-DL-035: behind a valid envelope, a RESULT the transaction cannot end with is 01: 18
// or 22 after a key download, any code but 00/18/22 after a program download; 18 is accepted
// after a program download.
TEST(TmsRows, S5_S6_SessionEndResultNotOfTheTransactionIs01) {
  const struct {
    bool key;
    ResponseCode result;
    bool accepted;
  } cases[] = {{true, ResponseCode::kIntegrityFailed, false}, {true, ResponseCode::kApplyFailed, false},
               {false, ResponseCode::kMacFailed, false},      {false, ResponseCode::kCancelled, false},
               {false, ResponseCode::kIntegrityFailed, true}};
  for (const auto& c : cases) {
    Waiting w = waiting_for(c.key ? key_download() : program_download(), MsgType::kSessionEnd);
    const Bytes body = w.run->keys.reseal(true, w.pending, codec::serialize(codec::SessionEnd{c.result}));
    if (c.accepted) {
      w.run->to_tms(body);
      EXPECT_EQ(w.run->tms.state(), State::S_DONE);
      EXPECT_EQ(w.estate->audit.records.at(0).terminal_result, std::optional(c.result));
    } else {
      expect_delivery_fails(w, body, ResponseCode::kMalformed);
    }
  }
}

TEST(TmsRows, S6_KeyDownloadSessionEndIsAckedAndAudited) {
  Waiting w = waiting_for(key_download(), MsgType::kSessionEnd);
  const session::Output out = w.run->to_tms(w.pending);
  EXPECT_EQ(w.run->tms.state(), State::S_DONE);
  EXPECT_TRUE(out.close);
  EXPECT_EQ(codec::parse_session_end(*w.run->keys.open(false, out.send.at(0)))->result, ResponseCode::kSuccess);
  EXPECT_EQ(w.estate->audit.records.at(0).terminal_result, std::optional(ResponseCode::kSuccess));
  EXPECT_TRUE(w.estate->audit.records.at(0).offered.empty());
  // REQ-KEY-023: the key set is recorded as delivered on the terminal's SESSION_END 00 only.
  const auto& id = w.estate->terminal_config.id;
  EXPECT_EQ(w.estate->registry.terminals.at({id.vendor_id, id.model_id, id.serial_no}).delivered_key_sets,
            std::vector<std::string>{w.estate->key_set_id});
}

TEST(TmsRows, S6_EnvelopeSeqErrorIs14) {
  Waiting w = waiting_for(key_download(), MsgType::kSessionEnd);
  const Bytes payload = *w.run->keys.open(true, w.pending);
  expect_delivery_fails(w, w.run->keys.seal(true, MsgType::kSessionEnd, 3, payload), ResponseCode::kSequenceError);
}

// ---- S7-S12: every non-final state -------------------------------------------------------------

struct NonFinal {
  State state;
  bool key_download;
  MsgType next;                  // the message the honest terminal sends next
  std::vector<MsgType> listed;   // the RX_ events the table lists for the state
};
const NonFinal kNonFinal[] = {
    {State::S_IDLE, false, MsgType::kHsRequest, {MsgType::kHsRequest}},
    {State::S_WAIT_AUTH_ANSWER, false, MsgType::kHsAuthAnswer, {MsgType::kHsAuthAnswer}},
    {State::S_WAIT_TERM_INFO, false, MsgType::kTermInfo, {MsgType::kTermInfo}},
    {State::S_WAIT_TERM_INFO, true, MsgType::kTermInfo, {MsgType::kTermInfo}},
    {State::S_WAIT_SESSION_END, true, MsgType::kSessionEnd, {MsgType::kSessionEnd}},
    {State::S_WAIT_PKG_ANNOUNCE, false, MsgType::kPkgAnnounce, {MsgType::kPkgAnnounce}},
    {State::S_SERVING, false, MsgType::kFrameRequest, {MsgType::kFrameRequest, MsgType::kSessionEnd}},
};

Waiting in_state(const NonFinal& s) {
  Waiting w = waiting_for(s.key_download ? key_download() : program_download(), s.next);
  EXPECT_EQ(w.run->tms.state(), s.state);
  return w;
}

void expect_silent_failure(const session::Output& out, const Waiting& w, std::optional<ResponseCode> code) {
  EXPECT_TRUE(out.send.empty());  // REQ-ERR-003
  EXPECT_TRUE(out.close);
  EXPECT_EQ(w.run->tms.state(), State::S_FAILED);
  ASSERT_TRUE(w.run->tms.failure().has_value());
  EXPECT_EQ(w.run->tms.failure()->code, code);
  EXPECT_FALSE(w.run->tms.failure()->sent_abort);
  ASSERT_EQ(w.estate->audit.records.size(), 1u);  // REQ-TMS-005
  EXPECT_EQ(w.estate->audit.records[0].outcome, code);
}

TEST(TmsRows, S7_AbortEndsEveryNonFinalStateWithTheReceivedCode) {
  for (const NonFinal& s : kNonFinal) {
    Waiting w = in_state(s);
    expect_silent_failure(w.run->to_tms(sim::rows::abort_body(ResponseCode::kTmsAuthFailed)), w,
                          ResponseCode::kTmsAuthFailed);
  }
}

TEST(TmsRows, S7_DefectiveAbortCountsAs01) {
  for (const Bytes& defective : sim::rows::defective_aborts()) {
    Waiting w = in_state(kNonFinal[4]);
    expect_silent_failure(w.run->to_tms(defective), w, ResponseCode::kMalformed);  // REQ-ERR-005
  }
}

// Checks REQ-HS-033.
TEST(TmsRows, S8_TimeoutInEveryNonFinalStateIs23) {
  for (const NonFinal& s : kNonFinal) {
    Waiting w = in_state(s);
    expect_abort(w.run->tms.timeout(), w.run->tms, *w.estate, ResponseCode::kTimeout);  // REQ-HS-033
  }
}

TEST(TmsRows, S9_ConnectionLostInEveryNonFinalStateIsAudited) {
  for (const NonFinal& s : kNonFinal) {
    Waiting w = in_state(s);
    expect_silent_failure(w.run->tms.connection_lost(), w, std::nullopt);
  }
}

TEST(TmsRows, S10_MessageNotListedForTheStateIs02) {
  for (const NonFinal& s : kNonFinal) {
    for (MsgType t : sim::rows::kAllTypes) {
      if (t == MsgType::kAbort || std::find(s.listed.begin(), s.listed.end(), t) != s.listed.end()) continue;
      Waiting w = in_state(s);
      SCOPED_TRACE(std::string(name(s.state)) + " <- " + std::string(name(t)));
      expect_delivery_fails(w, sim::rows::body_of_type(t), ResponseCode::kUnexpectedMessage);
    }
  }
}

TEST(TmsRows, S11_MalformedBodyIs01) {
  const Bytes bodies[] = {Bytes{}, Bytes{0x13}, Bytes{0x00, 0x01, 0x30, 0x30}, Bytes{0x18, 0x01}, Bytes{0x80, 0x01}};
  for (const NonFinal& s : kNonFinal) {
    for (const Bytes& b : bodies) {
      Waiting w = in_state(s);
      expect_delivery_fails(w, b, ResponseCode::kMalformed);  // REQ-MSG-001
    }
  }
}

TEST(TmsRows, S12_EventsAfterTheEndChangeNothing) {
  for (bool done : {true, false}) {
    Waiting w = waiting_for(program_download(), done ? MsgType::kSessionEnd : MsgType::kPkgAnnounce);
    if (done) w.run->to_tms(w.pending);
    else w.run->tms.timeout();
    const State final_state = w.run->tms.state();
    ASSERT_EQ(final_state, done ? State::S_DONE : State::S_FAILED);
    const std::size_t records = w.estate->audit.records.size();
    std::vector<std::function<session::Output(Session&)>> events = {
        [](Session& s) { return s.timeout(); },
        [](Session& s) { return s.connection_lost(); },
        [](Session& s) { return s.receive(Bytes{0x01}); },
        [](Session& s) { return s.receive(sim::rows::abort_body(ResponseCode::kTimeout)); },
    };
    for (MsgType type : sim::rows::kAllTypes) {
      events.push_back([type](Session& s) { return s.receive(sim::rows::body_of_type(type)); });
    }
    for (const auto& event : events) {
      const session::Output out = event(w.run->tms);
      EXPECT_TRUE(out.send.empty());
      EXPECT_FALSE(out.close);
      EXPECT_EQ(w.run->tms.state(), final_state);
    }
    EXPECT_EQ(w.estate->audit.records.size(), records);
  }
}

TEST(TmsRows, NamesFollowTheSpec) {
  const State states[] = {State::S_IDLE,    State::S_WAIT_AUTH_ANSWER, State::S_WAIT_TERM_INFO,
                          State::S_WAIT_SESSION_END, State::S_WAIT_PKG_ANNOUNCE, State::S_SERVING,
                          State::S_DONE,    State::S_FAILED};
  for (State s : states) EXPECT_EQ(name(s).substr(0, 2), "S_");
  EXPECT_EQ(name(State::S_WAIT_PKG_ANNOUNCE), "S_WAIT_PKG_ANNOUNCE");
  const Event events[] = {Event::RX_HS_REQUEST, Event::RX_HS_AUTH_ANSWER, Event::RX_TERM_INFO, Event::RX_PKG_ANNOUNCE,
                          Event::RX_FRAME_REQUEST, Event::RX_SESSION_END, Event::RX_ABORT, Event::RX_UNEXPECTED,
                          Event::RX_MALFORMED, Event::TIMEOUT, Event::CONN_LOST};
  for (Event e : events) EXPECT_NE(name(e), "?");
  EXPECT_EQ(name(Event::RX_FRAME_REQUEST), "RX_FRAME_REQUEST");
  EXPECT_EQ(classify(Bytes{0x13, 0x01}), Event::RX_FRAME_REQUEST);
  EXPECT_EQ(classify(Bytes{0x17, 0x01}), Event::RX_TERM_INFO);
  EXPECT_EQ(classify(Bytes{0x14, 0x01}), Event::RX_UNEXPECTED);  // FRAME_RESPONSE: only a TMS sends it
  EXPECT_EQ(classify(Bytes{0x99, 0x01}), Event::RX_MALFORMED);
}

// ---- Operators (REQ-OPR-002, REQ-OPR-004, REQ-OPR-006, REQ-OPR-007, REQ-SEC-015) ---------------

// One whole attended key download with the password the terminal's operator types.
tms::State attended_session(sim::Estate& e, const std::string& password) {
  e.operator_password = password;
  Lockstep run(e);
  run.start();
  run.drain();
  return run.tms.state();
}

// Checks REQ-OPR-006: from the 5th consecutive failure the operator is locked for 15 minutes,
// doubled with each further failure; while locked even the right password gets 25; after the lock
// the right password passes and the count starts again.
TEST(TmsRows, S2_ConsecutiveWrongProofsLockTheOperatorWithBackOff) {
  auto e = sim::make_estate(key_download());
  const std::int64_t t0 = codec::seconds_since_2000(e->clock.now_utc());
  const std::int64_t want_lock_end[] = {0, 0, 0, 0, t0 + 900, t0 + 1800};
  for (std::size_t i = 0; i < std::size(want_lock_end); ++i) {
    EXPECT_EQ(attended_session(*e, "0000"), State::S_FAILED);
    EXPECT_EQ(e->audit.records.back().outcome, std::optional(ResponseCode::kOperatorAuthFailed));
    EXPECT_EQ(e->registry.operators.at(0).lock.consecutive_failures, i + 1);
    EXPECT_EQ(e->registry.operators.at(0).lock.locked_until_s, want_lock_end[i]);
  }
  EXPECT_EQ(attended_session(*e, "1234"), State::S_FAILED);  // locked: the right proof is 25 too
  EXPECT_EQ(e->audit.records.back().outcome, std::optional(ResponseCode::kOperatorAuthFailed));
  EXPECT_EQ(e->registry.operators.at(0).lock.locked_until_s, t0 + 3600);  // the 7th failure
  e->clock.set({2026, 11, 26, 16, 59, 59});  // the lock's last second: refused, and counted
  EXPECT_EQ(attended_session(*e, "1234"), State::S_FAILED);
  EXPECT_EQ(e->registry.operators.at(0).lock.locked_until_s, t0 + 3599 + 7200);  // the 8th failure
  e->clock.set({2026, 11, 26, 18, 59, 59});  // the new lock's end: no longer before it
  EXPECT_EQ(attended_session(*e, "1234"), State::S_DONE);
  EXPECT_EQ(e->registry.operators.at(0).lock, OperatorLock{});
}

// Checks REQ-OPR-006: the count is of proofs after SAC_1 matched; a network attacker's garbage
// answer (SAC_1 wrong) counts nothing, so nobody without a DMK can lock an operator out.
TEST(TmsRows, S2_FailuresBeforeSacDoNotCountTowardsTheLock) {
  for (int i = 0; i < 6; ++i) {
    Waiting w = waiting_for(key_download(), MsgType::kHsAuthAnswer);
    w.pending.back() ^= 0x01;
    expect_delivery_fails(w, w.pending, ResponseCode::kTerminalAuthFailed);
    EXPECT_EQ(w.estate->registry.operators.at(0).lock, OperatorLock{});
  }
}

// Checks REQ-OPR-007, REQ-SEC-015: an operator ID nobody enrolled is sent a salt of the same shape
// and cost as an enrolled one's, the same in every session, and ends with the same 25.
TEST(TmsRows, S1_UnknownOperatorGetsAStableDecoySaltAndThe25OfAWrongProof) {
  std::optional<codec::HsAuthRequest> first;
  for (int session = 0; session < 2; ++session) {
    auto e = sim::make_estate(key_download());
    e->operator_id = "OP99";
    Lockstep run(*e);
    run.start();
    auto auth = run.until_terminal_gets(MsgType::kHsAuthRequest);
    ASSERT_TRUE(auth.has_value());
    auto m = codec::parse_hs_auth_request(*auth);
    ASSERT_TRUE(m.ok());
    const auto& enrolled = e->registry.operators.at(0);
    EXPECT_EQ(m->opv_iterations, enrolled.iterations);
    EXPECT_NE(m->opv_salt, enrolled.salt);
    EXPECT_NE(m->opv_salt, codec::OperatorSalt{});
    if (first) {
      EXPECT_EQ(m->opv_salt, first->opv_salt);
    }
    first = *m;
    run.to_terminal(*auth);
    run.drain();
    EXPECT_EQ(run.tms.failure()->code, std::optional(ResponseCode::kOperatorAuthFailed));
    EXPECT_FALSE(run.tms.key_message_sent());
  }
}

// Checks REQ-OPR-004: an operator not authorised for key downloads gets the same 25 as a wrong
// password, after the same computation, and the failure counts towards the lock.
TEST(TmsRows, S2_OperatorNotAuthorisedForTheTransactionIs25) {
  auto e = sim::make_estate(key_download());
  e->registry.operators.at(0).may_download_keys = false;
  EXPECT_EQ(attended_session(*e, "1234"), State::S_FAILED);
  EXPECT_EQ(e->audit.records.back().outcome, std::optional(ResponseCode::kOperatorAuthFailed));
  EXPECT_EQ(e->registry.operators.at(0).lock.consecutive_failures, 1u);
}

}  // namespace
}  // namespace tmsproto::tms
