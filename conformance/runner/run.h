// Running the catalogue against a terminal under test (spec/conformance.md C.2, C.4, C.5): the
// selection, the shim started once per session with its placeholders, the verdicts, the console.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "config/terminal_profile.h"
#include "crypto/random.h"

namespace tmsproto::conformance {

struct RunOptions {
  std::vector<std::string> terminal_command;  // words, with placeholders (REQ-CONF-001); empty with `wait`
  bool wait = false;              // REQ-CONF-007: no command; the tester connects the device
  std::int64_t wait_seconds = 300;
  std::string serial;             // REQ-CONF-008: this serial line instead of TCP
  bool verbose = false;           // REQ-CONF-034: each scenario's exchange, field by field
  config::TerminalProfile terminal;
  std::vector<std::string> only;  // names, globs or REQ IDs (REQ-CONF-030)
  std::vector<std::string> skip;
  bool list = false;
  bool strict = false;            // SHOULD scenarios decide the status too (REQ-CONF-031)
  bool allow_unimplemented = false;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;         // 0: one the system picks
  std::filesystem::path work;     // scenario folders go here; empty: a temporary folder, removed
  bool keep = false;              // keep the scenario folders
  std::filesystem::path report_dir;  // REQ-CONF-033: junit.xml, report.json, report.html; empty: none
  std::map<std::string, std::string> environment;  // added to the shim's environment (REQ-CONF-042)
  std::size_t jobs = 1;  // REQ-CONF-036: scenarios run at once, each on a port of its own
};

// REQ-CONF-036: the most scenarios `--jobs` may run at once.
inline constexpr std::size_t kMaxJobs = 8;

// Exit status of REQ-CONF-031: 0 every scenario that decides passed, 1 some failed, 2 unusable.
int run(const RunOptions& options, std::ostream& out, std::ostream& err);

// The bundled reference terminal as `conformance run` describes it without --terminal-profile: all
// three profiles (LEGACY too with `legacy`) with fresh test DMKs, both transactions, a TDES TMK slot.
config::TerminalProfile reference_terminal_profile(bool legacy, crypto::RandomSource& rng);

// REQ-CONF-001: the placeholders a terminal command may use; the first that is none, or "".
std::string unknown_placeholder(const std::vector<std::string>& words);

}  // namespace tmsproto::conformance
