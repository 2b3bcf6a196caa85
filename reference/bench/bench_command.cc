#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <thread>

#include "bench/bench.h"
#include "bench/core_bench.h"
#include "bench/proc.h"
#include "bench/table.h"

namespace tmsproto::bench {
namespace {

struct Args {
  bool quick = false;
  bool legacy = false;
  std::string json;
  std::vector<int> parts;
};

std::vector<Profile> profiles(const Args& a) {
  std::vector<Profile> p{Profile::kAes128, Profile::kAes256, Profile::kTdes};
  if (a.legacy) p.push_back(Profile::kLegacy);
  return p;
}

std::string pname(Profile p) { return std::string(name(p)); }

constexpr const char* kPart4 = "4 sans-I/O core alone (both engines in memory, no socket, no storage, one core)";

void core_rows(Profile p, SessionKind kind, double seconds, Report& report) {
  const CoreResult c = run_core(p, kind, seconds);
  const bool keys = kind == SessionKind::kAttendedKeys;
  Row r;
  r.part = kPart4;
  r.name = pname(p) + (keys ? " attended key downloads/s" : " sessions/s");
  r.note = c.error ? "FAILED: " + *c.error
                   : std::to_string(c.sessions) + " sessions; terminal engine " + format_number(c.terminal_cpu_us) +
                         " us CPU/session" + (keys ? " (its PBKDF2 of the operator's password, REQ-OPR-002)" : "");
  if (!c.error) r.figure = c.sessions_per_s;
  report.rows.push_back(std::move(r));
  if (keys) return;
  Row t;
  t.part = kPart4;
  t.name = pname(p) + " TMS engine CPU us/session";
  if (!c.error) t.figure = c.tms_cpu_us;
  t.note = "thread CPU time inside tms::Session's calls only: part 1's crypto+engine row";
  report.rows.push_back(std::move(t));
}

void part4(const Args& a, Report& report) {
  const double seconds = a.quick ? 0.4 : 3;
  for (Profile p : profiles(a)) core_rows(p, SessionKind::kEmptyProgram, seconds, report);
  core_rows(Profile::kAes128, SessionKind::kAttendedKeys, seconds, report);
}

int run(const Args& a) {
  Report report;
  report.cpu_model = cpu_model();
  report.cores = std::thread::hardware_concurrency();
  report.mode = a.quick ? "quick" : "full";
  report.notes.push_back(
      "randomness: part 4 draws from the in-memory estate's seeded DeterministicRandom (reference/sim/, "
      "tmsproto_testing); serve draws from the OS (OsRandom)");
  const std::set<int> chosen(a.parts.begin(), a.parts.end());
  auto want = [&](int p) { return chosen.empty() || chosen.count(p) != 0; };
  if (want(4)) part4(a, report);
  std::fputs(format_table(report).c_str(), stdout);
  std::fflush(stdout);
  if (!a.json.empty()) {
    std::ofstream out(a.json, std::ios::trunc);
    out << to_json(report);
    if (!out) {
      std::fprintf(stderr, "bench: cannot write %s\n", a.json.c_str());
      return 1;
    }
  }
  bool failed = false;
  for (const Row& r : report.rows) failed = failed || r.note.rfind("FAILED", 0) == 0;
  return failed ? 1 : 0;
}

}  // namespace

void add_bench_command(CLI::App& app, cli::Chosen& chosen) {
  auto a = std::make_shared<Args>();
  auto* c = app.add_subcommand("bench", "measure what the TMS costs per session, per byte and per connection, "
                                        "each beside an in-run baseline; prints one table");
  c->add_flag("--quick", a->quick, "run each part for a few seconds (what CI runs)");
  c->add_option("--json", a->json, "also write the table as JSON to FILE");
  c->add_option("--part", a->parts, "run only these parts (1 session rate, 2 throughput, 3 concurrency, 4 core)")
      ->check(CLI::Range(1, 4))
      ->delimiter(',');
  c->add_flag("--legacy", a->legacy, "also measure the LEGACY profile (single DES, insecure; off by default)");
  c->callback([&chosen, a] { chosen.run = [a] { return run(*a); }; });
}

}  // namespace tmsproto::bench
