// The bench's one table (issue 13): each figure beside its in-run baseline, their ratio and the
// goal, printed for a reader and written as JSON for tracking over time.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace tmsproto::bench {

struct Row {
  std::string part;                 // "1 session rate", ...
  std::string name;                 // what the figure is, with its unit
  std::optional<double> figure;     // nullopt: not measured in this run (the note says why)
  std::string baseline_name;        // what the baseline is ("" when the row has none)
  std::optional<double> baseline;
  std::optional<double> ratio;      // figure / baseline, or the row's own ratio
  std::string goal;                 // "ratio >= 0.8", "" when the row states no goal
  std::optional<bool> goal_met;     // nullopt: no goal, or nothing to judge
  std::string note;                 // how the figure was obtained, or why it is missing
};

struct Report {
  std::string cpu_model;
  unsigned cores = 0;
  std::string mode;                 // "full" or "quick"
  std::vector<std::string> notes;   // header lines: pinning, fd limit, randomness
  std::vector<Row> rows;
};

// Numbers with three significant digits or more (no exponent), "-" for a missing one.
std::string format_number(std::optional<double> v);
std::string format_table(const Report& r);
std::string to_json(const Report& r);

}  // namespace tmsproto::bench
