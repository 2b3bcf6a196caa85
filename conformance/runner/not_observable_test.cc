// The not-observable table as the suite reads it (REQ-CONF-027) and carries it into its reports
// (REQ-CONF-023).
#include "conformance/runner/not_observable.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace tmsproto::conformance {
namespace {

constexpr const char* kTwoRows =
    "# Title\n\ncommentary\n\n| REQ ID | reason |\n|---|---|\n"
    "| REQ-KEY-004 | not observable on the wire: held in the secure unit |\n"
    "| REQ-CRYPTO-014 | not observable on the wire: a \\| b |\n\nafter\n";

// REQ-CONF-027: each row's ID and reason, `\|` read as `|`, commentary around the table ignored.
TEST(NotObservable, ReadsEachRowsIdAndReasonWithEscapedBars) {
  auto rows = parse_not_observable(kTwoRows);
  ASSERT_TRUE(rows.ok()) << rows.error();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].id, "REQ-KEY-004");
  EXPECT_EQ((*rows)[0].reason, "not observable on the wire: held in the secure unit");
  EXPECT_EQ((*rows)[1].reason, "not observable on the wire: a | b");
}

// REQ-CONF-027: every defect of the table is an error naming its line.
TEST(NotObservable, RefusesEachMalformedTableWithItsLine) {
  const std::string head = "| REQ ID | reason |\n|---|---|\n";
  const struct {
    std::string text;
    std::string error;
  } cases[] = {
      {"no table here\n", "no table"},
      {"| ID | why |\n|---|---|\n", "line 1: not the head"},
      {"| REQ ID | reason |\n| REQ-KEY-004 | x |\n", "line 2: the table's head is not followed by |---|---|"},
      {head + "| KEY-004 | not observable on the wire: x |\n", "line 3: a row is"},
      {head + "| REQ-KEY-004 | cannot be seen |\n", "line 3: REQ-KEY-004's reason does not start with"},
      {head + "| REQ-KEY-004 | not observable on the wire: |\n", "line 3: REQ-KEY-004's reason"},
      {head + "| REQ-KEY-004 | not observable on the wire: x | extra |\n", "line 3: a row is"},
      {head + "| REQ-KEY-004 | not observable on the wire: x |\n| REQ-KEY-004 | not observable on the wire: y |\n",
       "line 4: REQ-KEY-004 is listed twice"},
      {head + "| REQ-KEY-004 | not observable on the wire: x |\n\n" + head, "line 5: a second table"},
  };
  for (const auto& c : cases) {
    auto rows = parse_not_observable(c.text);
    ASSERT_FALSE(rows.ok()) << c.text;
    EXPECT_NE(rows.error().find(c.error), std::string::npos) << rows.error() << " / wanted " << c.error;
  }
}

// REQ-CONF-027, REQ-CONF-023: the suite carries the file as it is in the source tree: every row, counted here independently
// as the lines of the file that start with "| REQ-".
TEST(NotObservable, TheBuiltInTableIsTheSourceFilesTable) {
  std::ifstream file(TMSPROTO_SOURCE_DIR "/conformance/not-observable.md");
  ASSERT_TRUE(file) << "cannot read conformance/not-observable.md";
  std::size_t rows = 0;
  std::set<std::string> ids;
  for (std::string line; std::getline(file, line);) {
    std::smatch m;
    if (std::regex_search(line, m, std::regex("^\\| (REQ-[A-Z]+-[0-9]{3}) \\|"))) {
      ++rows;
      ids.insert(m[1]);
    }
  }
  ASSERT_GT(rows, 0u);
  ASSERT_EQ(not_observable().size(), rows);
  for (const auto& u : not_observable()) {
    EXPECT_TRUE(ids.count(u.id)) << u.id;
    EXPECT_EQ(u.reason.rfind("not observable on the wire: ", 0), 0u) << u.id;
  }
}

}  // namespace
}  // namespace tmsproto::conformance
