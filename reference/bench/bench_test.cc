// The bench's logic that is not a measurement: reading /proc and printing the table.
#include <gtest/gtest.h>
#include <unistd.h>

#include <signal.h>

#include "bench/processes.h"
#include "bench/proc.h"
#include "bench/table.h"

#include <nlohmann/json.hpp>

namespace tmsproto::bench {
namespace {

TEST(Proc, StatusGivesPeakAndCurrentResidentSet) {
  const char* status = "Name:\ttmsproto\nVmPeak:\t  300000 kB\nVmHWM:\t   51234 kB\nVmRSS:\t   40000 kB\nThreads:\t1\n";
  const auto m = parse_status(status);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->hwm_kib, 51234u);
  EXPECT_EQ(m->rss_kib, 40000u);
}

TEST(Proc, StatusWithoutTheFieldsIsRefused) {
  EXPECT_FALSE(parse_status("Name:\tx\nVmRSS:\t 1 kB\n").has_value());
  EXPECT_FALSE(parse_status("").has_value());
  EXPECT_FALSE(parse_status("VmHWM:\tlots\nVmRSS:\t1 kB\n").has_value());
}

TEST(Proc, KeyMustStartALine) {
  // "XVmHWM:" is not VmHWM.
  EXPECT_FALSE(parse_status("XVmHWM:\t5 kB\nVmRSS:\t1 kB\n").has_value());
}

TEST(Proc, StatSumsUserAndSystemTicksPastACommandWithSpacesAndParentheses) {
  const char* stat = "4242 (tms (x) y) S 1 2 3 0 -1 4194304 95 0 0 0 17 5 0 0 20 0 1 0 7622932 3133440 366\n";
  EXPECT_EQ(parse_stat_cpu_ticks(stat), 22ull);
}

TEST(Proc, TruncatedStatIsRefused) {
  EXPECT_FALSE(parse_stat_cpu_ticks("4242 (x) S 1 2 3 0 -1 4194304 95 0 0 0 17").has_value());
  EXPECT_FALSE(parse_stat_cpu_ticks("no parenthesis").has_value());
  EXPECT_FALSE(parse_stat_cpu_ticks("1 (x) S 1 2 3 0 -1 4 95 0 0 0 1x 5 0").has_value());
}

TEST(Proc, CpuModelIsTheFirstModelName) {
  EXPECT_EQ(parse_cpu_model("processor\t: 0\nmodel name\t: AMD EPYC 7B13  \nprocessor\t: 1\nmodel name\t: other\n"),
            "AMD EPYC 7B13");
  EXPECT_EQ(parse_cpu_model("processor\t: 0\n"), "unknown CPU");
}

TEST(Proc, OwnProcessIsReadable) {
  EXPECT_TRUE(memory_of(::getpid()).has_value());
  EXPECT_TRUE(cpu_seconds_of(::getpid()).has_value());
}

Report sample() {
  Report r;
  r.cpu_model = "Test CPU";
  r.cores = 2;
  r.mode = "quick";
  r.notes = {"pinned"};
  Row a;
  a.part = "1 session rate";
  a.name = "AES128 sessions/s";
  a.figure = 1234.5;
  a.baseline_name = "echo rounds/s";
  a.baseline = 2000;
  a.ratio = 0.617;
  a.goal = "ratio >= 0.8";
  a.goal_met = false;
  Row b;
  b.part = "4 core";
  b.name = "missing one";
  b.note = "not measured: why";
  r.rows = {a, b};
  return r;
}

TEST(Table, EveryRowIsPrintedWithItsVerdictAndNote) {
  const std::string t = format_table(sample());
  EXPECT_NE(t.find("Test CPU, 2 cores"), std::string::npos);
  EXPECT_NE(t.find("AES128 sessions/s"), std::string::npos);
  EXPECT_NE(t.find("1234"), std::string::npos);
  EXPECT_NE(t.find("0.617"), std::string::npos);
  EXPECT_NE(t.find("ratio >= 0.8 MISSED"), std::string::npos);
  EXPECT_NE(t.find("missing one"), std::string::npos);
  EXPECT_NE(t.find("not measured: why"), std::string::npos);
}

TEST(Table, JsonHoldsTheSameRowsAndNullForMissingFigures) {
  const auto j = nlohmann::json::parse(to_json(sample()));
  EXPECT_EQ(j["cpu_model"], "Test CPU");
  ASSERT_EQ(j["rows"].size(), 2u);
  EXPECT_EQ(j["rows"][0]["name"], "AES128 sessions/s");
  EXPECT_DOUBLE_EQ(j["rows"][0]["figure"].get<double>(), 1234.5);
  EXPECT_EQ(j["rows"][0]["goal_met"], false);
  EXPECT_TRUE(j["rows"][1]["figure"].is_null());
}

TEST(Table, NumbersNeverUseExponents) {
  EXPECT_EQ(format_number(123456789.0), "123456789");
  EXPECT_EQ(format_number(0.5), "0.500");
  EXPECT_EQ(format_number(0.00001234), "0.000012");
  EXPECT_EQ(format_number(std::nullopt), "-");
  EXPECT_EQ(format_number(12.345), "12.35");
}

// The echo baseline moves exactly the octets of the round trips it is given, per connection.
TEST(Echo, EachConnectionPlaysTheScriptsRoundTrips) {
  Server echo = start_echo_server();
  ASSERT_GT(echo.pid, 0) << echo.error;
  const std::vector<Step> script{{100, 300}, {20, 9000}, {5, 1}};
  const LoadResult r = drive_echo(echo.port, script, 0.2, 4);
  ::kill(echo.pid, SIGKILL);
  stop(echo);
  EXPECT_EQ(r.failed, 0u);
  ASSERT_GT(r.done, 0u);
  EXPECT_EQ(r.octets_received, r.done * 9301u);
}

}  // namespace
}  // namespace tmsproto::bench
