// Unit tests of the protocol-vector checkers: TMS-HANDSHAKE (handshake_vectors.cc), TMS-TRANSCRIPT
// (transcript_vectors.cc) and the scripted random source they replay with.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "vectors/handshake_vectors.h"
#include "vectors/runner.h"
#include "vectors/scripted_random.h"
#include "vectors/transcript_vectors.h"

namespace tmsproto::vectors {
namespace {

std::string read_vector_file(const std::string& name) {
  std::ifstream f(std::string(TMSPROTO_VECTORS_DIR) + "/" + name, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string doc(std::string_view algorithm, std::string_view tests) {
  return std::string(R"({"schema": "tmsproto-vectors/1", "algorithm": ")") + std::string(algorithm) +
         R"(", "source": "unit test", "testGroups": [{"tests": [)" + std::string(tests) + "]}]}";
}

// spec/07-crypto.md 7.7, the LEGACY worked example.
constexpr std::string_view kLegacy =
    R"("profile": "legacy", "dmk": "0123456789abcdef", "dwk": "133457799bbcdff1",
       "tData": "010203040506070820261126160000", "sData": "111213141516171820261126160005",
       "dwk1": "901da09f8ac703b0", "sac1": "082a18f4")";

std::string legacy_case(int id, std::string_view tac1, std::string_view result) {
  return R"({"tcId": )" + std::to_string(id) + ", " + std::string(kLegacy) + R"(, "tac1": ")" + std::string(tac1) +
         R"(", "result": ")" + std::string(result) + R"("})";
}

TEST(HandshakeVectors, LegacyWorkedExamplePassesAndAFlippedTacIsRejected) {
  const auto out = check_text(doc("TMS-HANDSHAKE", legacy_case(1, "baca22e3", "valid") + ", " +
                                                       legacy_case(2, "baca22e2", "invalid")));
  ASSERT_FALSE(out.error.has_value()) << *out.error;
  ASSERT_EQ(out.cases.size(), 2u);
  EXPECT_TRUE(out.cases[0].passed) << out.cases[0].why;
  EXPECT_TRUE(out.cases[1].passed) << out.cases[1].why;
}

TEST(HandshakeVectors, AWrongTacInAValidCaseNamesTheFormula) {
  const auto out = check_text(doc("TMS-HANDSHAKE", legacy_case(7, "baca22e2", "valid")));
  const auto lines = failure_lines("hs.json", out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "FAIL hs.json tcId 7 (TMS-HANDSHAKE): computed tac1 baca22e3, expected baca22e2");
}

TEST(HandshakeVectors, PublishedFilePassesEveryCase) {
  const auto out = check_text(read_vector_file("tms_handshake.json"));
  ASSERT_FALSE(out.error.has_value()) << *out.error;
  EXPECT_GE(out.cases.size(), 8u);
  for (const auto& line : failure_lines("tms_handshake.json", out)) ADD_FAILURE() << line;
}

TEST(HandshakeVectors, MalformedCaseNamesFileAndTcId) {
  std::string text = read_vector_file("tms_handshake.json");
  const auto at = text.find("\"tData\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 7, "\"tDatum\"");  // the first case, tcId 1, loses its T_DATA
  const auto out = check_text(text);
  const auto lines = failure_lines("tms_handshake.json", out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "FAIL tms_handshake.json tcId 1 (TMS-HANDSHAKE): missing field \"tData\"");
}

TEST(HandshakeVectors, UnknownProfileIsMalformed) {
  std::string c = legacy_case(3, "baca22e3", "valid");
  c.replace(c.find("legacy"), 6, "des");
  const auto out = check_text(doc("TMS-HANDSHAKE", c));
  ASSERT_EQ(out.cases.size(), 1u);
  EXPECT_EQ(out.cases[0].why, "field \"profile\" must be legacy, tdes, aes128 or aes256");
}

// ---- TMS-TRANSCRIPT ----------------------------------------------------------------------------

class TranscriptVectors : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = parse_document(read_vector_file("tms_transcript.json"));
    ASSERT_TRUE(parsed.ok());
    doc_ = std::move(parsed).value();
  }
  // The first test of the first group: an honest LEGACY program download.
  TranscriptCase first_case() {
    auto c = read_transcript_case(doc_.at("testGroups").at(0).at("tests").at(0));
    EXPECT_TRUE(c.ok());
    return std::move(c).value();
  }
  Json doc_;
};

TEST_F(TranscriptVectors, PublishedFilePassesEveryCase) {
  const auto out = check_document(doc_);
  ASSERT_FALSE(out.error.has_value()) << *out.error;
  EXPECT_GE(out.cases.size(), 10u);
  for (const auto& line : failure_lines("tms_transcript.json", out)) ADD_FAILURE() << line;
}

TEST_F(TranscriptVectors, EachSideReplaysOnItsOwn) {
  const TranscriptCase c = first_case();
  EXPECT_EQ(replay_terminal(c).kind, Verdict::Kind::kAccepted) << replay_terminal(c).why;
  EXPECT_EQ(replay_tms(c).kind, Verdict::Kind::kAccepted) << replay_tms(c).why;
}

TEST_F(TranscriptVectors, FlippedBitInATmsMessageFailsTheTerminalReplay) {
  TranscriptCase c = first_case();
  c.messages[1].body.back() ^= 0x01;  // TAC_1 of HS_AUTH_REQUEST
  const Verdict v = replay_terminal(c);
  EXPECT_EQ(v.kind, Verdict::Kind::kRejected);
  EXPECT_EQ(v.why.rfind("terminal replay: message 2: computed ABORT of 4 octets", 0), 0u) << v.why;
  EXPECT_EQ(replay_tms(c).kind, Verdict::Kind::kRejected);  // the TMS sent other octets
}

TEST_F(TranscriptVectors, MissingOrExtraDrawsFailTheReplay) {
  TranscriptCase short_of_randoms = first_case();
  short_of_randoms.tms_random.pop_back();  // the DSK
  Verdict v = replay_tms(short_of_randoms);
  EXPECT_EQ(v.kind, Verdict::Kind::kRejected);
  EXPECT_NE(v.why.find("after all 2 recorded draws were used"), std::string::npos) << v.why;

  TranscriptCase extra = first_case();
  extra.terminal_random.push_back({"unused", Bytes{1, 2, 3}});
  v = replay_terminal(extra);
  EXPECT_EQ(v.kind, Verdict::Kind::kRejected);
  EXPECT_EQ(v.why, "terminal replay: used 1 of the 2 recorded random draws");
}

TEST_F(TranscriptVectors, ATruncatedSessionDoesNotEndDone) {
  TranscriptCase c = first_case();
  c.messages.pop_back();  // SESSION_END_ACK
  const Verdict v = replay_terminal(c);
  EXPECT_EQ(v.kind, Verdict::Kind::kRejected);
  EXPECT_EQ(v.why, "terminal replay: ended in T_WAIT_END_ACK after all messages");
}

// The case with this tcId, from any group.
TranscriptCase case_with_id(const Json& doc, std::int64_t id) {
  for (const auto& g : doc.at("testGroups")) {
    for (const auto& t : g.at("tests")) {
      if (integer_of(t.at("tcId")) == id) {
        auto c = read_transcript_case(t);
        EXPECT_TRUE(c.ok());
        return std::move(c).value();
      }
    }
  }
  ADD_FAILURE() << "no tcId " << id;
  return {};
}

TEST_F(TranscriptVectors, AFailingSessionReplaysWithItsExpectedOutcome) {
  const TranscriptCase c = case_with_id(doc_, 24);  // stale T_TIME: the TMS answers ABORT 09
  ASSERT_EQ(c.expect.code, ResponseCode::kStaleDatetime);
  EXPECT_EQ(replay_terminal(c).kind, Verdict::Kind::kAccepted) << replay_terminal(c).why;
  EXPECT_EQ(replay_tms(c).kind, Verdict::Kind::kAccepted) << replay_tms(c).why;
}

TEST_F(TranscriptVectors, AnotherExpectedCodeFailsBothReplays) {
  TranscriptCase c = case_with_id(doc_, 24);
  c.expect.code = ResponseCode::kReplay;  // the engines end with 09, the case now claims 10
  Verdict v = replay_tms(c);
  EXPECT_EQ(v.kind, Verdict::Kind::kRejected);
  EXPECT_EQ(v.why, "TMS replay: ended in S_FAILED with code 09, expected code 10");
  v = replay_terminal(c);  // the terminal received ABORT 09 (row T10)
  EXPECT_EQ(v.kind, Verdict::Kind::kRejected);
  EXPECT_EQ(v.why, "terminal replay: ended in T_FAILED with code 09, expected code 10");
}

TEST_F(TranscriptVectors, APolicyInputDecidesTheOutcome) {
  TranscriptCase c = case_with_id(doc_, 25);  // T_RAND seeded in the replay cache: ABORT 10
  ASSERT_FALSE(c.policy.replay_cache_seeded.empty());
  c.policy.replay_cache_seeded.clear();  // without it the TMS answers HS_AUTH_REQUEST, not ABORT 10
  EXPECT_EQ(replay_tms(c).kind, Verdict::Kind::kRejected);
  c = case_with_id(doc_, 20);  // terminal not registered: ABORT 06
  c.policy.terminal_registered = true;
  EXPECT_EQ(replay_tms(c).kind, Verdict::Kind::kRejected);
}

TEST_F(TranscriptVectors, ACompleteSessionClaimedToFailIsRejected) {
  TranscriptCase c = first_case();
  c.expect.terminal_done = false;
  c.expect.code = ResponseCode::kIntegrityFailed;
  const Verdict v = replay_terminal(c);
  EXPECT_EQ(v.kind, Verdict::Kind::kRejected);
  EXPECT_EQ(v.why, "terminal replay: ended in T_DONE after all messages, expected T_FAILED");
}

TEST_F(TranscriptVectors, TheSideAnInjectedMessageImpersonatesStopsBeforeIt) {
  TranscriptCase c = case_with_id(doc_, 30);  // TAC_1 flipped in transit: the terminal answers ABORT 11
  ASSERT_TRUE(c.messages[1].injected);
  EXPECT_EQ(replay_tms(c).kind, Verdict::Kind::kAccepted) << replay_tms(c).why;  // stops before message 1
  EXPECT_EQ(replay_terminal(c).kind, Verdict::Kind::kAccepted) << replay_terminal(c).why;
  c.messages[1].injected = false;  // then the TMS's own HS_AUTH_REQUEST must match it, and does not
  const Verdict v = replay_tms(c);
  EXPECT_EQ(v.kind, Verdict::Kind::kRejected);
  EXPECT_EQ(v.why.rfind("TMS replay: message 1: ", 0), 0u) << v.why;
}

TEST_F(TranscriptVectors, TheExpectationMustMatchTheRecordedAbort) {
  std::string text = read_vector_file("tms_transcript.json");
  const std::string from = R"("code":"09","terminalState")";
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, from.size(), R"("code":"10","terminalState")");
  const auto lines = failure_lines("tms_transcript.json", check_text(text));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "FAIL tms_transcript.json tcId 24 (TMS-TRANSCRIPT): expect: the ABORT does not carry code 10");
}

TEST_F(TranscriptVectors, MalformedCaseNamesFileAndTcId) {
  std::string text = read_vector_file("tms_transcript.json");
  const std::string from = R"("terminalTime": "20261126160000")";
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, from.size(), R"("terminalTime": "2026-11-26")");
  const auto out = check_text(text);
  const auto lines = failure_lines("tms_transcript.json", out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "FAIL tms_transcript.json tcId 1 (TMS-TRANSCRIPT): field \"terminalTime\" must be YYYYMMDDhhmmss");
}

// ---- ScriptedRandom ----------------------------------------------------------------------------

TEST(ScriptedRandom, ServesDrawsInOrderAndReportsMisuse) {
  const std::vector<Draw> draws = {{"T_RAND", Bytes{1, 2, 3}}, {"S_RAND", Bytes{4, 5}}};
  ScriptedRandom rng(draws);
  std::uint8_t a[3], b[2], c[1];
  rng.fill(std::span<std::uint8_t>());  // consumes nothing
  rng.fill(a);
  rng.fill(b);
  EXPECT_EQ(Bytes(a, a + 3), (Bytes{1, 2, 3}));
  EXPECT_EQ(Bytes(b, b + 2), (Bytes{4, 5}));
  EXPECT_TRUE(rng.exhausted());
  EXPECT_FALSE(rng.error().has_value());
  rng.fill(c);
  ASSERT_TRUE(rng.error().has_value());
  EXPECT_EQ(*rng.error(), "the engine drew 1 random octets after all 2 recorded draws were used");
  EXPECT_EQ(c[0], 0);
}

TEST(ScriptedRandom, ALengthMismatchNamesTheDraw) {
  const std::vector<Draw> draws = {{"DWK", Bytes(16, 0xAB)}};
  ScriptedRandom rng(draws);
  std::uint8_t out[8];
  rng.fill(out);
  ASSERT_TRUE(rng.error().has_value());
  EXPECT_EQ(*rng.error(), "the engine drew 8 random octets where draw 0 (DWK) has 16");
  EXPECT_EQ(rng.used(), 0u);
}

}  // namespace
}  // namespace tmsproto::vectors
