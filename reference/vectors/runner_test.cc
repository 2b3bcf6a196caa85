#include "vectors/runner.h"

#include <gtest/gtest.h>

#include <string>

namespace tmsproto::vectors {
namespace {

// A document around one group of tests; `tests` is the JSON text of the tests array's contents.
std::string doc(std::string_view algorithm, std::string_view tests) {
  return std::string(R"({"schema": "tmsproto-vectors/1", "algorithm": ")") + std::string(algorithm) +
         R"(", "source": "unit test", "testGroups": [{"tests": [)" + std::string(tests) + "]}]}";
}

// FIPS 197 Appendix C.1, the one known answer these unit tests lean on; the published files in
// vectors/ carry the rest.
constexpr std::string_view kAes128 =
    R"("key": "000102030405060708090a0b0c0d0e0f", "msg": "00112233445566778899aabbccddeeff")";
constexpr std::string_view kAes128Ct = R"("ct": "69c4e0d86a7b0430d8cdb78070b4c55a")";
constexpr std::string_view kAes128CtFlipped = R"("ct": "69c4e0d86a7b0430d8cdb78070b4c55b")";

std::string test(int id, std::string_view fields, std::string_view result) {
  return R"({"tcId": )" + std::to_string(id) + R"(, "comment": "c", )" + std::string(fields) +
         R"(, "result": ")" + std::string(result) + R"("})";
}

TEST(Runner, ValidCasePassesAndInvalidCasePassesWhenRejected) {
  const auto out = check_text(doc("AES-ECB", test(1, std::string(kAes128) + ", " + std::string(kAes128Ct), "valid") +
                                                 ", " +
                                                 test(2, std::string(kAes128) + ", " + std::string(kAes128CtFlipped),
                                                      "invalid")));
  EXPECT_FALSE(out.error.has_value());
  ASSERT_EQ(out.cases.size(), 2u);
  EXPECT_TRUE(out.cases[0].passed) << out.cases[0].why;
  EXPECT_TRUE(out.cases[1].passed) << out.cases[1].why;
  EXPECT_EQ(out.passed(), 2u);
  EXPECT_EQ(out.failed(), 0u);
}

TEST(Runner, WrongExpectedValueFailsAndNamesTheTcId) {
  const auto out = check_text(doc("AES-ECB", test(7, std::string(kAes128) + ", " + std::string(kAes128CtFlipped),
                                                 "valid")));
  ASSERT_EQ(out.cases.size(), 1u);
  EXPECT_FALSE(out.cases[0].passed);
  EXPECT_EQ(out.failed(), 1u);
  const auto lines = failure_lines("f.json", out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "FAIL f.json tcId 7 (AES-ECB): computed ct 69c4e0d86a7b0430d8cdb78070b4c55a, expected "
            "69c4e0d86a7b0430d8cdb78070b4c55b");
}

TEST(Runner, AcceptedInvalidCaseFails) {
  const auto out = check_text(doc("AES-ECB", test(3, std::string(kAes128) + ", " + std::string(kAes128Ct),
                                                 "invalid")));
  ASSERT_EQ(out.cases.size(), 1u);
  EXPECT_FALSE(out.cases[0].passed);
  EXPECT_EQ(out.cases[0].why, "an \"invalid\" case was accepted");
}

TEST(Runner, WrongKeyLengthIsARejection) {
  const auto out = check_text(
      doc("AES-ECB", test(1, R"("key": "0001", "msg": "00112233445566778899aabbccddeeff", "ct": "00")", "invalid") +
                         ", " +
                         test(2, R"("key": "0001", "msg": "00112233445566778899aabbccddeeff", "ct": "00")", "valid")));
  ASSERT_EQ(out.cases.size(), 2u);
  EXPECT_TRUE(out.cases[0].passed) << out.cases[0].why;
  EXPECT_FALSE(out.cases[1].passed);
  EXPECT_NE(out.cases[1].why.find("refused"), std::string::npos) << out.cases[1].why;
}

TEST(Runner, MalformedCasesFailEvenWhenMarkedInvalid) {
  struct Case {
    std::string fields;
    std::string why;
  };
  const Case cases[] = {
      {R"("msg": "00", "ct": "00")", "missing field \"key\""},
      {R"("key": "0g", "msg": "00", "ct": "00")", "field \"key\" is not valid hex"},
      {R"("key": "abc", "msg": "00", "ct": "00")", "field \"key\" is not valid hex"},
      {R"("key": "AB", "msg": "00", "ct": "00")", "field \"key\" is not lower-case hex"},
      {R"("key": 12, "msg": "00", "ct": "00")", "field \"key\" is not a string"},
  };
  for (const Case& c : cases) {
    const auto out = check_text(doc("AES-ECB", test(4, c.fields, "invalid")));
    ASSERT_EQ(out.cases.size(), 1u);
    EXPECT_FALSE(out.cases[0].passed) << c.fields;
    EXPECT_EQ(out.cases[0].why, c.why);
    EXPECT_EQ(out.cases[0].tc_id, 4);
  }
}

TEST(Runner, CaseLevelFieldErrors) {
  const auto out = check_text(doc("AES-ECB", R"({"result": "valid"}, {"tcId": "1", "result": "valid"},
      {"tcId": 5, "result": "acceptable"}, {"tcId": 6}, 17, {"tcId": 5, "result": "valid"})"));
  ASSERT_EQ(out.cases.size(), 6u);
  EXPECT_EQ(out.cases[0].why, "missing field \"tcId\"");
  EXPECT_EQ(out.cases[1].why, "field \"tcId\" is not an integer");
  EXPECT_EQ(out.cases[2].why, "field \"result\" must be \"valid\" or \"invalid\"");
  EXPECT_EQ(out.cases[3].why, "missing field \"result\"");
  EXPECT_EQ(out.cases[4].why, "test case is not an object");
  EXPECT_EQ(out.cases[5].why, "duplicate tcId");
  EXPECT_EQ(out.passed(), 0u);
  EXPECT_EQ(out.failed(), 6u);
  const auto lines = failure_lines("x.json", out);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "FAIL x.json group 0 test 0 (AES-ECB): missing field \"tcId\"");
  EXPECT_EQ(lines[5], "FAIL x.json tcId 5 (AES-ECB): duplicate tcId");
}

TEST(Runner, DocumentLevelErrorsCountAsOneFailure) {
  struct Case {
    std::string text;
    std::string why;
  };
  const Case cases[] = {
      {"[]", "the document is not a JSON object"},
      {R"({"algorithm": "AES-ECB"})", "missing field \"schema\""},
      {R"({"schema": "tmsproto-vectors/2", "algorithm": "AES-ECB"})",
       "field \"schema\" must be \"tmsproto-vectors/1\""},
      {R"({"schema": "tmsproto-vectors/1"})", "missing field \"algorithm\""},
      {R"({"schema": "tmsproto-vectors/1", "algorithm": "ROT13"})", "unknown algorithm \"ROT13\""},
      {R"({"schema": "tmsproto-vectors/1", "algorithm": "AES-ECB", "testGroups": []})", "missing field \"source\""},
      {R"({"schema": "tmsproto-vectors/1", "algorithm": "AES-ECB", "source": "s"})", "missing field \"testGroups\""},
      {R"({"schema": "tmsproto-vectors/1", "algorithm": "AES-ECB", "source": "s", "testGroups": [{}]})",
       "testGroups[0] has no \"tests\" array"},
      {"{\n\"a\": }", "malformed JSON at 2:6: syntax error while parsing value - unexpected '}'; expected '[', '{', "
                      "or a literal"},
  };
  for (const Case& c : cases) {
    const auto out = check_text(c.text);
    ASSERT_TRUE(out.error.has_value()) << c.text;
    EXPECT_EQ(*out.error, c.why);
    EXPECT_EQ(out.passed(), 0u);
    EXPECT_EQ(out.failed(), 1u);
  }
  const auto out = check_text(R"({"schema": "tmsproto-vectors/1", "algorithm": "ROT13"})");
  EXPECT_EQ(failure_lines("r.json", out).at(0), "FAIL r.json (ROT13): unknown algorithm \"ROT13\"");
}

TEST(Runner, UnknownFieldsAreIgnored) {
  const auto out = check_text(R"({"schema": "tmsproto-vectors/1", "algorithm": "AES-ECB", "source": "s",
      "reqs": ["REQ-CRYPTO-003"], "notes": {"x": 1}, "testGroups": [{"type": "t", "tests": [)" +
                              test(1, std::string(kAes128) + ", " + std::string(kAes128Ct) + R"(, "flags": ["a"])",
                                   "valid") +
                              "]}]}");
  EXPECT_FALSE(out.error.has_value());
  ASSERT_EQ(out.cases.size(), 1u);
  EXPECT_TRUE(out.cases[0].passed) << out.cases[0].why;
}

TEST(Runner, EveryAlgorithmOfTheFormatHasARow) {
  for (const char* name : {"DES-ECB", "TDES-ECB", "AES-ECB", "DES-CBC", "TDES-CBC", "AES-CBC", "X9.9-MAC",
                           "X9.19-MAC", "ISO9797-1-ALG1", "ISO9797-1-ALG3", "AES-CMAC", "TDES-CMAC", "KCV", "TR31",
                           "TMS-HANDSHAKE", "TMS-TRANSCRIPT"}) {
    EXPECT_NE(find_checker(name), nullptr) << name;
  }
  EXPECT_EQ(find_checker("des-ecb"), nullptr);  // names are exact
  EXPECT_EQ(algorithms().size(), 16u);
}

TEST(Runner, FieldSpecificMalformations) {
  const auto pad = check_text(doc("ISO9797-1-ALG1", test(1, R"("key": "0123456789abcdef", "msg": "00",
      "mac": "00", "padding": 3)", "valid")));
  EXPECT_EQ(pad.cases.at(0).why, "field \"padding\" must be 1 or 2");
  const auto empty_mac = check_text(doc("X9.9-MAC", test(1, R"("key": "0123456789abcdef", "msg": "00",
      "mac": "")", "invalid")));
  EXPECT_EQ(empty_mac.cases.at(0).why, "field \"mac\" is empty");
  const auto cipher = check_text(doc("KCV", test(1, R"("cipher": "RC4", "key": "00", "kcv": "00")", "valid")));
  EXPECT_EQ(cipher.cases.at(0).why, "field \"cipher\" must be DES, TDES or AES");
  const auto block = check_text(doc("TR31", test(1, R"("kbpk": "00", "keyBlock": 5, "key": "00")", "valid")));
  EXPECT_EQ(block.cases.at(0).why, "field \"keyBlock\" is not a string");
}

}  // namespace
}  // namespace tmsproto::vectors
