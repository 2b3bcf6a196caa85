// The console and the three report files written from a RunResult made by hand: no terminal runs,
// so every verdict, every awkward reason and every byte on the wire is the test's choice.
#include "conformance/runner/report.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "codec/abort_message.h"
#include "codec/handshake_messages.h"
#include "common/hex.h"
#include "conformance/runner/report_text.h"

namespace tmsproto::conformance {
namespace {

namespace fs = std::filesystem;

// What a disabled scenario's reason may hold: every character markup must escape, and a byte that
// is not UTF-8.
// The requirements the hand-made scenarios name. Written here, outside any test, because what these
// tests check is the reports, not these requirements.
const std::string kTac = "REQ-HS-020", kNoMore = "REQ-ERR-002", kKeyMac = "REQ-KEY-030", kEnvelope = "REQ-MSG-070",
                  kDownload = "REQ-DL-001";

const std::string kAwkwardReason = "needs <card> & \"PIN\" from the 'operator'\x01 \xff";

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

config::TerminalProfile terminal_with_dmks() {
  config::TerminalProfile t;
  t.id = {"ACME0001", "POS-R1", "LAB-0001"};
  t.dmks[Profile::kAes128] = crypto::SecretBytes(*from_hex("00112233445566778899aabbccddeeff"));
  t.dmks[Profile::kTdes] = crypto::SecretBytes(*from_hex("0123456789abcdeffedcba9876543210"));
  return t;
}

Bytes hs_request() {
  codec::HsRequest m;
  m.id = {"ACME0001", "POS-R1", "LAB-0001"};
  m.offered_profiles = offer_bit(Profile::kAes128);
  m.t_data.time = {2026, 12, 3, 5, 0, 0};
  return codec::serialize(m);
}

ScenarioResult scenario(std::string name, Verdict v, std::vector<std::string> reqs = {kTac}) {
  ScenarioResult s;
  s.name = std::move(name);
  s.reqs = std::move(reqs);
  s.description = "the terminal refuses a wrong TAC_1";
  s.verdict = v;
  s.seconds = 0.3;
  s.profile = Profile::kAes128;
  return s;
}

// One scenario of each verdict; the FAIL with a two-message exchange whose second message the
// suite changed, the ERROR with a session in which nothing crossed the wire.
RunResult hand_made() {
  RunResult r;
  r.terminal = identify(terminal_with_dmks());
  r.tms = "127.0.0.1:7700";
  r.not_observable = {{"REQ-KEY-004", "not observable on the wire: held in the <secure> unit"},
                      {"REQ-CRYPTO-014", "not observable on the wire: a | b"}};
  r.started = std::chrono::system_clock::from_time_t(1796274000);  // 2026-12-03T05:00:00Z
  r.scenarios.push_back(scenario("honest.program.aes128", Verdict::kPass));
  ScenarioResult f = scenario("handshake.tac_mismatch", Verdict::kFail, {kTac, kNoMore});
  f.expected = "ABORT 11 (TAC_1 <wrong> & \"bad\")";
  f.seen = "ABORT 12";
  f.offending = codec::serialize(codec::Abort{ResponseCode::kTerminalAuthFailed});
  f.exchange = {{WireMessage{true, hs_request(), false, std::nullopt, 0}, WireMessage{false, {0x02, 0x00, 0x01}, true, std::nullopt, 0}, WireMessage{true, f.offending, false, std::nullopt, 0}}};
  r.scenarios.push_back(f);
  ScenarioResult e = scenario("key.key_mac_mismatch", Verdict::kError, {kKeyMac});
  e.reason = "the terminal did not connect within 5 s (the shim exited 0)";
  e.exchange = {{}};
  r.scenarios.push_back(e);
  ScenarioResult u = scenario("envelope.pkg_confirm_mac", Verdict::kUnimplemented, {kEnvelope});
  u.reason = "the shim exited 89: the terminal does not implement this";
  r.scenarios.push_back(u);
  ScenarioResult d = scenario("handshake.replay", Verdict::kDisabled);
  d.reason = kAwkwardReason;
  r.scenarios.push_back(d);
  ScenarioResult k = scenario("honest.program.legacy", Verdict::kSkip, {kDownload});
  k.reason = "the terminal declares no DMK for the profile it needs";
  k.profile.reset();
  r.scenarios.push_back(k);
  r.counts = tally(r.scenarios, false, false);
  r.seconds = 12.34;
  return r;
}

// REQ-CONF-021, REQ-CONF-031: what counts as failed, skipped or a SHOULD failure.
TEST(ConformanceResult, TallyCountsEachVerdictOnceAsTheOptionsSay) {
  RunResult r = hand_made();
  Counts c = tally(r.scenarios, false, false);
  EXPECT_EQ(c.passed, 1u);
  EXPECT_EQ(c.failed, 3u);  // FAIL, ERROR, UNIMPLEMENTED
  EXPECT_EQ(c.skipped, 1u);
  EXPECT_EQ(c.disabled, 1u);
  c = tally(r.scenarios, false, true);
  EXPECT_EQ(c.failed, 2u);
  EXPECT_EQ(c.skipped, 2u);
  r.scenarios[1].level = Level::kShould;
  c = tally(r.scenarios, false, false);
  EXPECT_EQ(c.failed, 2u);
  EXPECT_EQ(c.should_failed, 1u);
  c = tally(r.scenarios, true, false);
  EXPECT_EQ(c.failed, 3u);
  EXPECT_EQ(c.should_failed, 0u);
}

// REQ-CONF-032: a FAIL's second line says what was expected, what was seen and the octets; another
// verdict's says why; the summary names only the counts that are not zero.
TEST(ConformanceConsole, AFailSaysExpectedSeenAndOctetsOnTheLineAfterIt) {
  const RunResult r = hand_made();
  std::ostringstream out;
  for (const auto& s : r.scenarios) print_scenario(s, out);
  print_summary(r, out);
  EXPECT_NE(out.str().find("FAIL handshake.tac_mismatch (0.3 s) " + kTac + " " + kNoMore + "\n    expected: ABORT 11 (TAC_1 "
                           "<wrong> & \"bad\"); seen: ABORT 12; octets: " + to_hex(r.scenarios[1].offending) + "\n"),
            std::string::npos) << out.str();
  EXPECT_NE(out.str().find("ERROR key.key_mac_mismatch (0.3 s) " + kKeyMac + "\n    the terminal did not connect"),
            std::string::npos) << out.str();
  EXPECT_NE(out.str().find("PASS honest.program.aes128 (0.3 s) " + kTac + "\nFAIL"), std::string::npos) << out.str();
  EXPECT_TRUE(out.str().ends_with("\n1 passed, 3 failed, 1 skipped, 1 disabled in 12.3 s\n")) << out.str();
}

// REQ-CONF-033: one testcase per scenario, its class the group; FAIL and UNIMPLEMENTED failures,
// ERROR an error, SKIP and DISABLED skipped; every reason escaped.
TEST(ConformanceReport, JunitHasOneTestcasePerScenarioAndMapsEachVerdict) {
  const std::string x = junit_xml(hand_made());
  EXPECT_EQ(occurrences(x, "<testcase "), 6u) << x;
  EXPECT_EQ(occurrences(x, "<testsuite "), 1u) << x;
  EXPECT_NE(x.find("<testsuite name=\"conformance ACME0001 POS-R1 LAB-0001\" tests=\"6\" failures=\"2\" errors=\"1\" "
                   "skipped=\"2\" time=\"12.340\" timestamp=\"2026-12-03T05:00:00Z\">"),
            std::string::npos) << x;
  EXPECT_NE(x.find("<testcase name=\"handshake.tac_mismatch\" classname=\"handshake\" time=\"0.300\">\n      <failure "
                   "type=\"FAIL\" message=\"expected: ABORT 11 (TAC_1 &lt;wrong&gt; &amp; &quot;bad&quot;); seen: "
                   "ABORT 12\">"),
            std::string::npos) << x;
  EXPECT_NE(x.find("<failure type=\"UNIMPLEMENTED\" message=\"the shim exited 89"), std::string::npos) << x;
  EXPECT_NE(x.find("<error type=\"ERROR\" message=\"the terminal did not connect"), std::string::npos) << x;
  EXPECT_NE(x.find("<skipped message=\"needs &lt;card&gt; &amp; &quot;PIN&quot; from the &#39;operator&#39;\xEF\xBF\xBD "
                   "\xEF\xBF\xBD\"/>"),
            std::string::npos) << x;
  EXPECT_NE(x.find("<testcase name=\"honest.program.aes128\" classname=\"honest\" time=\"0.300\"/>"), std::string::npos);
  EXPECT_EQ(x.find("<card>"), std::string::npos);
  RunResult allowed = hand_made();
  allowed.allow_unimplemented = true;
  const std::string y = junit_xml(allowed);
  EXPECT_NE(y.find("failures=\"1\" errors=\"1\" skipped=\"3\""), std::string::npos) << y;
  EXPECT_NE(y.find("<skipped message=\"the shim exited 89"), std::string::npos) << y;
}

// REQ-CONF-033: the run's header and one record per scenario, every member present with its type,
// valid JSON whatever bytes a reason holds.
TEST(ConformanceReport, JsonHasOneRecordPerScenarioWithEveryMember) {
  const RunResult r = hand_made();
  const auto j = nlohmann::json::parse(json_report(r));
  EXPECT_EQ(j.at("format"), 2);
  // REQ-CONF-023: the reasons of the requirements no scenario checks, in the file's order.
  EXPECT_EQ(j.at("notObservable"),
            nlohmann::json({{{"id", "REQ-KEY-004"}, {"reason", "not observable on the wire: held in the <secure> unit"}},
                            {{"id", "REQ-CRYPTO-014"}, {"reason", "not observable on the wire: a | b"}}}));
  EXPECT_EQ(j.at("started"), "2026-12-03T05:00:00Z");
  EXPECT_EQ(j.at("terminal").at("serialNo"), "LAB-0001");
  EXPECT_EQ(j.at("terminal").at("profiles"), nlohmann::json({"tdes", "aes128"}));
  EXPECT_EQ(j.at("terminal").at("testKeysOnly"), true);
  EXPECT_EQ(j.at("counts"), nlohmann::json({{"passed", 1}, {"failed", 3}, {"skipped", 1}, {"disabled", 1},
                                            {"shouldFailed", 0}}));
  ASSERT_EQ(j.at("scenarios").size(), r.scenarios.size());
  for (std::size_t i = 0; i < r.scenarios.size(); ++i) {
    const auto& s = j.at("scenarios")[i];
    EXPECT_EQ(s.size(), 13u) << s;
    EXPECT_EQ(s.at("name"), r.scenarios[i].name);
    EXPECT_EQ(s.at("verdict"), word(r.scenarios[i].verdict));
    for (const char* m : {"name", "level", "description", "verdict", "profile", "expected", "seen", "octets", "reason"}) {
      EXPECT_TRUE(s.at(m).is_string()) << m;
    }
    EXPECT_TRUE(s.at("reqs").is_array());
    EXPECT_TRUE(s.at("decides").is_boolean());
    EXPECT_TRUE(s.at("session").is_number_unsigned());
    EXPECT_TRUE(s.at("seconds").is_number());
  }
  const auto& fail = j.at("scenarios")[1];
  EXPECT_EQ(fail.at("expected"), "ABORT 11 (TAC_1 <wrong> & \"bad\")");
  EXPECT_EQ(fail.at("seen"), "ABORT 12");
  EXPECT_EQ(fail.at("octets"), to_hex(r.scenarios[1].offending));
  EXPECT_EQ(fail.at("reqs"), nlohmann::json({kTac, kNoMore}));
  EXPECT_EQ(j.at("scenarios")[4].at("reason"), "needs <card> & \"PIN\" from the 'operator'\x01 \xEF\xBF\xBD");
  EXPECT_EQ(j.at("scenarios")[5].at("profile"), "");
}

// REQ-CONF-033: one self-contained file: a row per scenario, the requirements, and the exchange of
// each failure as the analyser reads it, with the message the suite changed marked.
TEST(ConformanceReport, HtmlHasARowPerScenarioAndTheExchangeOfEachFailure) {
  const RunResult r = hand_made();
  const std::string h = html_report(r);
  EXPECT_TRUE(h.starts_with("<!DOCTYPE html>\n"));
  EXPECT_EQ(occurrences(h, "<tr class=\"scenario "), 6u) << h;
  EXPECT_NE(h.find("<tr class=\"scenario fail\" id=\"scenario-handshake.tac_mismatch\">"), std::string::npos) << h;
  EXPECT_NE(h.find("<td class=\"verdict\">DISABLED</td><td class=\"time\">0.3 s</td><td class=\"why\">needs "
                   "&lt;card&gt; &amp; &quot;PIN&quot; from the &#39;operator&#39;\xEF\xBF\xBD \xEF\xBF\xBD</td>"),
            std::string::npos) << h;
  EXPECT_EQ(h.find("<card>"), std::string::npos);
  EXPECT_EQ(h.find("<wrong>"), std::string::npos);
  // REQ-CONF-023: a row per requirement no scenario can check, with its reason.
  EXPECT_EQ(occurrences(h, "<tr class=\"not-observable\">"), 2u) << h;
  EXPECT_NE(h.find("<tr class=\"not-observable\"><td class=\"reqs\">REQ-KEY-004</td><td class=\"why\">not observable "
                   "on the wire: held in the &lt;secure&gt; unit</td></tr>"),
            std::string::npos) << h;
  // The requirements: the first is checked by three scenarios here, one of which failed.
  EXPECT_EQ(occurrences(h, "<tr class=\"requirement "), 5u) << h;
  EXPECT_NE(h.find("<td class=\"reqs\">" + kTac + "</td><td>honest.program.aes128: PASS<br>handshake.tac_mismatch: FAIL"
                   "<br>handshake.replay: DISABLED</td><td class=\"verdict\">FAIL</td>"),
            std::string::npos) << h;
  EXPECT_NE(h.find("<td class=\"reqs\">" + kDownload + "</td><td>honest.program.legacy: SKIP</td><td class=\"verdict\">NOT "
                   "RUN</td>"),
            std::string::npos) << h;
  const std::string unimplemented_row = "<td class=\"reqs\">" + kEnvelope +
                                        "</td><td>envelope.pkg_confirm_mac: UNIMPLEMENTED</td><td class=\"verdict\">";
  EXPECT_NE(h.find(unimplemented_row + "FAIL</td>"), std::string::npos) << h;
  RunResult allowed = r;
  allowed.allow_unimplemented = true;  // then UNIMPLEMENTED counts as skipped, and fails no requirement
  EXPECT_NE(html_report(allowed).find(unimplemented_row + "NOT RUN</td>"), std::string::npos);
  // Exchanges of FAIL, ERROR and UNIMPLEMENTED; none of PASS, SKIP, DISABLED.
  EXPECT_EQ(occurrences(h, "<section class=\"exchange\""), 3u) << h;
  EXPECT_EQ(h.find("id=\"exchange-honest.program.aes128\""), std::string::npos);
  const std::size_t at = h.find("<section class=\"exchange\" id=\"exchange-handshake.tac_mismatch\">");
  ASSERT_NE(at, std::string::npos) << h;
  const std::string section = h.substr(at, h.find("</section>", at) - at);
  EXPECT_EQ(occurrences(section, "<li class=\"message "), 3u) << section;
  EXPECT_NE(section.find("<li class=\"message from-terminal\"><span class=\"direction\">terminal &#8594; TMS</span> "
                         "HS_REQUEST (0x01), 116 octets"),
            std::string::npos) << section;
  EXPECT_NE(section.find("<tr><th>VENDOR_ID</th><td><code>&quot;ACME0001&quot;</code></td><td class=\"req\">"),
            std::string::npos) << section;
  EXPECT_NE(section.find("<li class=\"message from-tms changed\"><span class=\"direction\">TMS &#8594; terminal</span>"),
            std::string::npos) << section;
  EXPECT_EQ(occurrences(section, "changed by the suite"), 1u);
  EXPECT_NE(section.find("<p class=\"parse-error\">"), std::string::npos) << section;  // the 3 octets changed
  EXPECT_NE(section.find("ABORT (0x7F), 4 octets"), std::string::npos) << section;
  EXPECT_NE(section.find("<pre class=\"hex\">0000  7f"), std::string::npos) << section;
  EXPECT_NE(h.find("Nothing crossed the wire."), std::string::npos);
  // Self-contained: nothing to run and nothing to fetch.
  for (const char* banned : {"<script", "<link", "src=", "url(", "@import", "http:", "https:"}) {
    EXPECT_EQ(h.find(banned), std::string::npos) << banned;
  }
}

// REQ-CONF-011: the DMKs of the terminal profile reach no report and no console line, in either case.
TEST(ConformanceReport, NoDmkOfTheTerminalProfileAppearsInAnyReport) {
  const config::TerminalProfile t = terminal_with_dmks();
  const RunResult r = hand_made();
  std::ostringstream console;
  print_terminal(r, console);
  for (const auto& s : r.scenarios) print_scenario(s, console);
  print_summary(r, console);
  const std::string reports[] = {junit_xml(r), json_report(r), html_report(r), console.str()};
  for (const auto& [p, dmk] : t.dmks) {
    std::string hex = to_hex(dmk.view());
    std::string upper = hex;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const auto& text : reports) {
      EXPECT_EQ(text.find(hex), std::string::npos);
      EXPECT_EQ(text.find(upper), std::string::npos);
      EXPECT_EQ(text.find(hex.substr(0, 16)), std::string::npos);
    }
  }
  // Each report says the keys were test keys.
  EXPECT_NE(reports[0].find("tdes, aes128 (test keys only)"), std::string::npos);
  EXPECT_NE(reports[1].find("\"testKeysOnly\": true"), std::string::npos);
  EXPECT_NE(reports[2].find("DMKs of the terminal profile are test keys"), std::string::npos);
}

TEST(ConformanceReport, MarkupLeavesNothingAParserWouldRead) {
  EXPECT_EQ(markup("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  EXPECT_EQ(markup("tab\tnl\ncr\r"), "tab\tnl\ncr\r");
  EXPECT_EQ(markup(std::string("nul\0esc\x1b", 8)), "nul\xEF\xBF\xBD" "esc\xEF\xBF\xBD");
  EXPECT_EQ(markup("\xC3\xA9 \xE2\x86\x92 \xF0\x9F\x94\x91"), "\xC3\xA9 \xE2\x86\x92 \xF0\x9F\x94\x91");  // kept
  // An overlong '<', a surrogate, a truncated sequence: replaced, never passed on.
  EXPECT_EQ(markup("\xC0\xBC"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(markup("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(markup("\xE2\x86"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

// REQ-CONF-033: a folder that cannot take the reports is refused; one that can is left as found,
// then holds exactly the three files the writers make.
TEST(ConformanceReport, TheReportDirIsCheckedFirstAndWrittenWhole) {
  const fs::path root = fs::temp_directory_path() / ("tmsproto-report-test-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  std::ofstream(root / "a-file") << "x";
  auto bad = check_report_dir(root / "a-file" / "reports");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("--report-dir: cannot create "), std::string::npos) << bad.error();
  EXPECT_EQ(bad.error().find('\n'), std::string::npos);
  fs::create_directories(root / "taken" / kHtmlFile);  // a folder where report.html must go
  bad = check_report_dir(root / "taken");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("report.html"), std::string::npos) << bad.error();

  const fs::path dir = root / "new" / "reports";
  ASSERT_TRUE(check_report_dir(dir).ok());
  EXPECT_TRUE(fs::is_empty(dir));
  const RunResult r = hand_made();
  ASSERT_TRUE(write_reports(r, dir).ok());
  const auto read = [&](const char* name) {
    std::ifstream f(dir / name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  EXPECT_EQ(read(kJunitFile), junit_xml(r));
  EXPECT_EQ(read(kJsonFile), json_report(r));
  EXPECT_EQ(read(kHtmlFile), html_report(r));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 3u);
  fs::remove_all(root);
}

}  // namespace
}  // namespace tmsproto::conformance
