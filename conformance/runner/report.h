// The ways a run is shown (spec/conformance.md C.5): the console of REQ-CONF-032, and the files of
// REQ-CONF-033 that --report-dir writes. Each is written from a RunResult alone, so that it is the
// same whether the run was real or a test made the record by hand.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>

#include "common/result.h"
#include "conformance/runner/result.h"

namespace tmsproto::conformance {

// The console, as the run goes: the terminal line first, one or two lines per scenario as each
// ends, the summary and the run's time last.
void print_terminal(const RunResult& r, std::ostream& out);
void print_scenario(const ScenarioResult& s, std::ostream& out);
void print_summary(const RunResult& r, std::ostream& out);
// REQ-CONF-034 (--verbose): every message of every session the scenario ran, field by field.
void print_exchange(const ScenarioResult& s, std::ostream& out);

// The three files of REQ-CONF-033, each as the text of the file.
inline constexpr const char* kJunitFile = "junit.xml";
inline constexpr const char* kJsonFile = "report.json";
inline constexpr const char* kHtmlFile = "report.html";
std::string junit_xml(const RunResult& r);
std::string json_report(const RunResult& r);
std::string html_report(const RunResult& r);

// Whether DIR can take the three files: made when missing, each file writable. Nothing is left
// behind that was not there. The error is one line naming what failed.
Result<void, std::string> check_report_dir(const std::filesystem::path& dir);

// The three files written into DIR, each whole or not at all (a temporary file renamed).
Result<void, std::string> write_reports(const RunResult& r, const std::filesystem::path& dir);

}  // namespace tmsproto::conformance
