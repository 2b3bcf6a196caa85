#include "conformance/runner/not_observable.h"

#include <regex>

namespace tmsproto::conformance {

// The file's text, generated from conformance/not-observable.md (not_observable_text.cc.in).
extern const char* const kNotObservableMarkdown;

namespace {

constexpr std::string_view kPrefix = "not observable on the wire: ";

std::string trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return "";
  const auto last = s.find_last_not_of(" \t\r");
  return std::string(s.substr(first, last - first + 1));
}

// The cells of a `| a | b |` row, split at each `|` not written `\|`, which becomes `|`.
std::vector<std::string> cells(std::string_view row) {
  std::vector<std::string> out;
  std::string cell;
  for (std::size_t i = 1; i + 1 < row.size(); ++i) {
    if (row[i] == '\\' && row[i + 1] == '|') {
      cell += '|';
      ++i;
    } else if (row[i] == '|') {
      out.push_back(trimmed(cell));
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  out.push_back(trimmed(cell));
  return out;
}

}  // namespace

Result<std::vector<Unobservable>, std::string> parse_not_observable(std::string_view markdown) {
  // REQ-CONF-027: exactly one table, `| REQ ID | reason |`, then `|---|---|`, then one row per ID.
  static const std::regex kId("REQ-[A-Z]+-[0-9]{3}");
  std::vector<Unobservable> rows;
  enum class Where { kBefore, kHead, kRows, kAfter } where = Where::kBefore;
  std::size_t number = 0;
  for (std::size_t at = 0; at <= markdown.size();) {
    const std::size_t end = std::min(markdown.find('\n', at), markdown.size());
    const std::string line = trimmed(markdown.substr(at, end - at));
    at = end + 1;
    ++number;
    const std::string where_text = "line " + std::to_string(number) + ": ";
    const bool row = line.size() > 1 && line.front() == '|' && line.back() == '|';
    if (!row) {
      if (where == Where::kHead) return Unexpected(where_text + "the table's head is not followed by |---|---|");
      if (where == Where::kRows) where = Where::kAfter;
      continue;
    }
    const auto c = cells(line);
    switch (where) {
      case Where::kBefore:
        if (c != std::vector<std::string>{"REQ ID", "reason"}) return Unexpected(where_text + "not the head | REQ ID | reason |");
        where = Where::kHead;
        break;
      case Where::kHead:
        if (c.size() != 2 || c[0].find_first_not_of("-:") != std::string::npos ||
            c[1].find_first_not_of("-:") != std::string::npos || c[0].empty() || c[1].empty()) {
          return Unexpected(where_text + "the table's head is not followed by |---|---|");
        }
        where = Where::kRows;
        break;
      case Where::kRows:
        if (c.size() != 2 || !std::regex_match(c[0], kId)) return Unexpected(where_text + "a row is | REQ-AREA-NNN | reason |");
        if (c[1].compare(0, kPrefix.size(), kPrefix) != 0 || c[1].size() == kPrefix.size()) {
          return Unexpected(where_text + c[0] + "'s reason does not start with \"" + std::string(kPrefix) + "\"");
        }
        for (const auto& r : rows) {
          if (r.id == c[0]) return Unexpected(where_text + c[0] + " is listed twice");
        }
        rows.push_back({c[0], c[1]});
        break;
      case Where::kAfter:
        return Unexpected(where_text + "a second table; the file holds exactly one");
    }
  }
  if (where == Where::kBefore || where == Where::kHead) return Unexpected(std::string("no table | REQ ID | reason |"));
  return rows;
}

const std::vector<Unobservable>& not_observable() {
  // The build checked the same text with spec/tools/trace; a table that does not parse here would
  // be a build that skipped it, and shows as no rows rather than a crash in a report.
  static const std::vector<Unobservable> rows = [] {
    auto parsed = parse_not_observable(kNotObservableMarkdown);
    return parsed.ok() ? std::move(*parsed) : std::vector<Unobservable>{};
  }();
  return rows;
}

}  // namespace tmsproto::conformance
