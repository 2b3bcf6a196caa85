// Whole-session checks of both engines over the in-memory loopback: determinism (REQ-TERM-003,
// REQ-TMS-003), the TMS's answer to SESSION_END (REQ-DL-032) and what a failure puts on the wire
// (REQ-ERR-001, REQ-ERR-002). Messages are read with the session's keys, independently of the
// engines (sim/lockstep.h).
#include <gtest/gtest.h>

#include "codec/abort_message.h"
#include "codec/download_payloads.h"
#include "sim/lockstep.h"
#include "sim/loopback.h"

namespace tmsproto::sim {
namespace {

EstateOptions options_for(Profile p, std::uint64_t seed) {
  EstateOptions o;
  o.profile = p;
  o.seed = seed;
  o.packages = {PackageSpec{}, PackageSpec{codec::PackageKind::kParameters, "PARAMS", 3, 700, 256}};
  return runnable(o);
}

const Profile kProfiles[] = {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256};

// REQ-TERM-003, REQ-TMS-003: the same inputs (stores, clock, random sources, received bodies)
// give both engines the same outputs, octet for octet; other random sources give other outputs,
// so the comparison can tell.
TEST(Determinism, SameInputsGiveTheSameBytesFromBothEngines) {
  for (Profile p : kProfiles) {
    auto a = make_estate(options_for(p, 7));
    auto b = make_estate(options_for(p, 7));
    const RunResult ra = run_session(*a);
    const RunResult rb = run_session(*b);
    ASSERT_EQ(ra.terminal_state, terminal::State::T_DONE) << static_cast<int>(p);
    ASSERT_EQ(ra.messages.size(), rb.messages.size()) << static_cast<int>(p);
    std::size_t from_terminal = 0, from_tms = 0;
    for (std::size_t i = 0; i < ra.messages.size(); ++i) {
      EXPECT_EQ(ra.messages[i].from_terminal, rb.messages[i].from_terminal) << i;
      EXPECT_EQ(ra.messages[i].body, rb.messages[i].body) << "profile " << static_cast<int>(p) << " message " << i;
      (ra.messages[i].from_terminal ? from_terminal : from_tms)++;
    }
    EXPECT_GT(from_terminal, 2u);
    EXPECT_GT(from_tms, 2u);
    ASSERT_EQ(a->audit.records.size(), b->audit.records.size());

    auto c = make_estate(options_for(p, 8));
    const RunResult rc = run_session(*c);
    ASSERT_FALSE(rc.messages.empty());
    EXPECT_NE(ra.messages[0].body, rc.messages[0].body) << "T_DATA must follow the random source";
  }
}

// REQ-DL-032: on SESSION_END the TMS records the terminal's RESULT in the audit log and answers
// SESSION_END_ACK with RESULT 00.
TEST(SessionEnd, TmsAuditsTheResultAndAcknowledgesWithSuccess) {
  for (Profile p : kProfiles) {
    auto estate = make_estate(options_for(p, 3));
    const RunResult r = run_session(*estate);
    ASSERT_EQ(r.tms_state, tms::State::S_DONE);
    SessionKeys keys(*estate);
    std::optional<codec::SessionEnd> end, ack;
    for (const Delivered& m : r.messages) {
      keys.observe(m.from_terminal, m.body);
      const auto type = static_cast<MsgType>(m.body.at(0));
      if (type != MsgType::kSessionEnd && type != MsgType::kSessionEndAck) continue;
      const auto payload = keys.open(m.from_terminal, m.body);
      ASSERT_TRUE(payload.has_value());
      auto parsed = codec::parse_session_end(*payload);
      ASSERT_TRUE(parsed.ok());
      if (type == MsgType::kSessionEnd) {
        EXPECT_TRUE(m.from_terminal);
        end = *parsed;
      } else {
        EXPECT_FALSE(m.from_terminal);
        ack = *parsed;
      }
    }
    ASSERT_TRUE(end.has_value());
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->result, ResponseCode::kSuccess);
    ASSERT_EQ(estate->audit.records.size(), 1u);
    ASSERT_TRUE(estate->audit.records[0].terminal_result.has_value());
    EXPECT_EQ(*estate->audit.records[0].terminal_result, end->result);
    EXPECT_FALSE(r.messages.back().from_terminal);  // the ACK ends the session
  }
}

// Replaces the first FRAME_RESPONSE by an envelope that fails two checks of section 9.2: a SEQ
// one ahead (14) and a broken MAC (13). Returns the run.
RunResult run_with_doubly_bad_frame_response(Estate& estate) {
  SessionKeys keys(estate);
  bool done = false;
  return run_session(estate, [&](std::size_t, bool from_terminal, Bytes& body) {
    keys.observe(from_terminal, body);
    if (done || from_terminal || static_cast<MsgType>(body.at(0)) != MsgType::kFrameResponse) return Fate::kDeliver;
    const auto env = keys.envelope(false, body);
    const auto payload = keys.open(false, body);
    if (!env || !payload) return Fate::kDeliver;
    body = keys.seal(false, MsgType::kFrameResponse, env->seq + 1, *payload);
    body.back() ^= 0x01;  // the MAC is the envelope's last field
    done = true;
    return Fate::kDeliver;
  });
}

// REQ-ERR-001: a message failing several checks is reported with the first failing check's code:
// the envelope's MAC (13) is checked before its SEQ (14).
TEST(FailureReport, FirstFailingCheckGivesTheCode) {
  for (Profile p : {Profile::kTdes, Profile::kAes128}) {
    auto estate = make_estate(options_for(p, 5));
    const RunResult r = run_with_doubly_bad_frame_response(*estate);
    ASSERT_TRUE(r.terminal_failure.has_value());
    EXPECT_EQ(r.terminal_failure->code, ResponseCode::kMacFailed);
  }
}

// REQ-ERR-002: the side that detects a failure sends ABORT with the code, then nothing else; the
// session is over on both sides and the ABORT is the last message on the wire.
TEST(FailureReport, AbortIsTheLastMessageAndCarriesTheCode) {
  for (Profile p : {Profile::kTdes, Profile::kAes256}) {
    auto estate = make_estate(options_for(p, 6));
    const RunResult r = run_with_doubly_bad_frame_response(*estate);
    EXPECT_EQ(r.terminal_state, terminal::State::T_FAILED);
    EXPECT_EQ(r.tms_state, tms::State::S_FAILED);
    ASSERT_FALSE(r.messages.empty());
    const Delivered& last = r.messages.back();
    EXPECT_TRUE(last.from_terminal);
    ASSERT_EQ(static_cast<MsgType>(last.body.at(0)), MsgType::kAbort);
    auto abort = codec::parse_abort(last.body);
    ASSERT_TRUE(abort.ok());
    EXPECT_EQ(abort->code, ResponseCode::kMacFailed);
    std::size_t aborts = 0;
    for (const Delivered& m : r.messages) aborts += static_cast<MsgType>(m.body.at(0)) == MsgType::kAbort;
    EXPECT_EQ(aborts, 1u);
    ASSERT_EQ(estate->audit.records.size(), 1u);
    EXPECT_EQ(estate->audit.records[0].outcome, ResponseCode::kMacFailed);
  }
}

}  // namespace
}  // namespace tmsproto::sim
