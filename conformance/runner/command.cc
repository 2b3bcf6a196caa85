#include "conformance/runner/command.h"

#include <iostream>
#include <memory>

#include "app/args.h"
#include "app/child.h"
#include "config/terminal_profile.h"
#include "conformance/runner/run.h"
#include "conformance/runner/shim_path.h"
#include "conformance/runner/tms_direction.h"
#include "crypto/random.h"
#include "terminal/faults.h"

namespace tmsproto::conformance {
namespace {

struct Args {
  std::string terminal_cmd;
  std::string terminal_profile;
  bool enable_legacy = false;
  std::size_t jobs = 0;  // 0: the default of REQ-CONF-036
  bool list = false;
  std::string only;
  std::string skip;
  bool strict = false;
  bool allow_unimplemented = false;
  std::string listen = "127.0.0.1:0";
  std::string work;
  bool keep = false;
  std::string report_dir;
  std::vector<std::string> reference_faults;
  bool wait = false;
  std::int64_t wait_seconds = 300;
  std::string serial;
  bool verbose = false;
  bool listen_given = false;
  std::string tms;          // spec/conformance.md C.10: the other direction
  std::string tms_profile;
};

std::vector<std::string> comma_list(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < s.size();) {
    const std::size_t comma = std::min(s.find(',', at), s.size());
    if (comma > at) out.push_back(s.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

// REQ-CONF-001: words split by the suite, never by a shell; '...' and "..." keep spaces in a word.
std::optional<std::vector<std::string>> words_of(const std::string& s) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : s) {
    if (quote != 0) {
      if (c == quote) quote = 0;
      else word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0) return std::nullopt;
  if (in_word) words.push_back(word);
  return words;
}

int run_command(const Args& a) {
  if (!a.tms.empty() || !a.tms_profile.empty()) {  // REQ-CONF-060: a TMS under test, section C.10
    if (!a.terminal_cmd.empty() || !a.terminal_profile.empty() || !a.reference_faults.empty()) {
      return app::fail("conformance", "--tms plays the terminal: not with --terminal-cmd, --terminal-profile or --reference-fault");
    }
    if (a.wait || !a.serial.empty() || a.listen_given || a.verbose) {
      // The suite connects to the TMS over TCP; these options shape the direction in which it listens.
      return app::fail("conformance", "--tms takes none of --wait, --serial, --listen or --verbose");
    }
    return run_tms_command({a.tms, a.tms_profile, a.list, comma_list(a.only), comma_list(a.skip), a.strict, a.report_dir},
                           std::cout, std::cerr);
  }
  RunOptions o;
  o.list = a.list;
  o.only = comma_list(a.only);
  o.skip = comma_list(a.skip);
  o.strict = a.strict;
  o.allow_unimplemented = a.allow_unimplemented;
  o.work = a.work;
  o.keep = a.keep;
  o.report_dir = a.report_dir;
  o.verbose = a.verbose;
  o.wait = a.wait;
  o.wait_seconds = a.wait_seconds;
  o.serial = a.serial;
  // REQ-CONF-008: a serial line has no address to listen on.
  if (!a.serial.empty() && a.listen_given) return app::fail("conformance", "--serial and --listen exclude each other");
  const auto where = app::parse_host_port(a.listen);
  if (!where) return app::fail("conformance", "--listen takes HOST:PORT, not '" + a.listen + "'");
  o.host = where->host;
  o.port = where->port;
  crypto::OsRandom rng;
  if (a.wait) {
    // REQ-CONF-007: the tester connects the device; nothing is started, so no fault can be switched on.
    if (!a.terminal_cmd.empty()) return app::fail("conformance", "--wait and --terminal-cmd exclude each other");
    if (!a.reference_faults.empty()) {
      return app::fail("conformance", "--reference-fault is for the bundled reference terminal, not --wait");
    }
    if (a.terminal_profile.empty()) return app::fail("conformance", "--wait needs --terminal-profile FILE");
  } else if (a.terminal_cmd.empty()) {
    if (!a.serial.empty()) {
      return app::fail("conformance", "--serial needs --terminal-cmd or --wait: the suite cannot know the "
                                      "terminal's end of the line");
    }
    if (!a.terminal_profile.empty()) return app::fail("conformance", "--terminal-profile needs --terminal-cmd");
    o.terminal = reference_terminal_profile(a.enable_legacy, rng);
    // REQ-CONF-051: the shim installed beside this program, else the build tree's.
    o.terminal_command = {reference_shim().string(), "--tmsproto", app::self_exe().string(), "--tpdu", "{tpdu}",
                          "{host}", "{port}", "{dir}", "{transaction}", "{profile}", "{key_set}", "{operator}", "{session}"};
    // REQ-CONF-042: the reference shim hands these to `terminal run --fault`. Set even when empty,
    // so that a variable left in the caller's environment never switches a fault on unasked.
    std::string faults;
    for (const std::string& name : a.reference_faults) {
      if (!terminal::fault_named(name)) {
        return app::fail("conformance", "--reference-fault: no fault '" + name + "' (terminal --list-faults)");
      }
      faults += (faults.empty() ? "" : ",") + name;
    }
    // REQ-CONF-041: with a fault on, a run that passes is the suite's defect; the console says so first.
    for (const std::string& name : a.reference_faults) {
      std::cout << "the reference terminal runs with fault " << name << " ("
                << terminal::info(*terminal::fault_named(name)).requirement << "): the suite must fail\n";
    }
    o.environment["TMSPROTO_REFERENCE_FAULTS"] = faults;
    o.jobs = o.port == 0 ? 3 : 1;  // REQ-CONF-036: a process per session, so three at a time on the bundled terminal
  } else {
    if (!a.reference_faults.empty()) {
      return app::fail("conformance", "--reference-fault is for the bundled reference terminal, not --terminal-cmd");
    }
    if (a.terminal_profile.empty()) return app::fail("conformance", "--terminal-cmd needs --terminal-profile FILE");
    auto words = words_of(a.terminal_cmd);
    if (!words || words->empty()) return app::fail("conformance", "--terminal-cmd is empty or has an open quote");
    o.terminal_command = *words;
  }
  if (a.jobs != 0) o.jobs = a.jobs;
  if (!a.terminal_profile.empty()) {
    auto text = app::read_text(a.terminal_profile, config::kMaxTerminalProfileSize + 1);
    if (!text.ok()) return app::fail("conformance", text.error());
    auto profile = config::read_terminal_profile(*text, a.enable_legacy);  // REQ-CONF-010
    if (!profile.ok()) return app::fail("conformance", a.terminal_profile + ": " + profile.error());
    o.terminal = std::move(*profile);
  }
  return run(o, std::cout, std::cerr);
}

}  // namespace

void add_conformance_command(CLI::App& app, cli::Chosen& chosen) {
  auto* group = app.add_subcommand("conformance", "the conformance suite: judge a terminal on the wire");
  group->require_subcommand(1);
  auto a = std::make_shared<Args>();
  auto* c = group->add_subcommand("run", "run the scenarios against a terminal (the bundled reference terminal by default)");
  c->add_option("--terminal-cmd", a->terminal_cmd,
                "the shim: a command with {host} {port} {dir} {transaction} {profile} {key_set} {operator} {tpdu} "
                "{scenario} {session} (spec/conformance.md C.2)");
  c->add_option("--terminal-profile", a->terminal_profile, "the terminal profile file (JSON, spec/conformance.md C.3)");
  c->add_flag("--enable-legacy", a->enable_legacy, "allow the single-DES LEGACY profile (insecure)");
  c->add_flag("--list", a->list, "list the scenarios with their level, REQ IDs and description; run none");
  c->add_option("--only", a->only, "run only these: comma-separated names, globs or REQ IDs");
  c->add_option("--skip", a->skip, "skip these: comma-separated names, globs or REQ IDs");
  c->add_flag("--strict", a->strict, "SHOULD scenarios decide the exit status too");
  c->add_flag("--allow-unimplemented", a->allow_unimplemented, "a shim's 89 counts as skipped, not failed");
  auto* listen = c->add_option("--listen", a->listen, "where the suite's TMS listens (127.0.0.1:0: a free port)");
  c->add_flag("--wait", a->wait,
              "no terminal command: before each session print what it is and wait for the device to connect "
              "(spec/conformance.md C.8)");
  c->add_option("--wait-seconds", a->wait_seconds, "with --wait, how long to wait for each connection (300)");
  c->add_option("--serial", a->serial, "play the TMS on this serial line instead of TCP (its settings as they are)");
  c->add_option("--jobs", a->jobs,
                "run up to N scenarios at once, each on a port of its own (default 3 for the bundled reference "
                "terminal, 1 for --terminal-cmd; spec/conformance.md C.5)");
  c->add_flag("--verbose", a->verbose, "print each scenario's exchange field by field, as `tmsproto simulate` does");
  c->add_option("--work", a->work, "keep the scenario folders (terminal.json, shim.log) under this folder");
  c->add_flag("--keep", a->keep, "keep the temporary scenario folders");
  c->add_option("--report-dir", a->report_dir,
                "write junit.xml, report.json and report.html (the auditor's file) into this folder "
                "(spec/conformance.md C.5)");
  c->add_option("--reference-fault", a->reference_faults,
                "run against the reference terminal with this bug switched on (repeatable; `tmsproto terminal "
                "--list-faults`): the suite must fail (spec/conformance.md C.6)");
  c->add_option("--tms", a->tms, "judge the TMS at HOST:PORT instead, the suite playing its terminals (spec/conformance.md C.10)");
  c->add_option("--tms-profile", a->tms_profile, "with --tms: the TMS profile file (JSON, spec/conformance.md C.10.1)");
  c->callback([&chosen, a, listen] {
    a->listen_given = listen->count() > 0;
    chosen.run = [a] { return run_command(*a); };
  });
}

}  // namespace tmsproto::conformance
