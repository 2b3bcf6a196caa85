#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <thread>

#include "bench/bench.h"
#include "bench/parts.h"
#include "bench/proc.h"
#include "bench/processes.h"
#include "bench/table.h"

namespace tmsproto::bench {
namespace {

struct Args {
  bool quick = false;
  bool legacy = false;
  std::string json;
  std::vector<int> parts;
};

int run(const Args& a) {
  // A JSON file that cannot be written is refused before minutes of measuring, not after.
  std::ofstream json;
  if (!a.json.empty()) {
    json.open(a.json, std::ios::trunc);
    if (!json) {
      std::fprintf(stderr, "tmsproto bench: cannot write %s\n", a.json.c_str());
      return 2;
    }
  }
  Report report;
  report.cpu_model = cpu_model();
  report.cores = std::thread::hardware_concurrency();
  report.mode = a.quick ? "quick" : "full";
  report.notes.push_back(
      "randomness: part 4 draws from the in-memory estate's seeded DeterministicRandom (reference/sim/, "
      "tmsproto_testing); serve draws from the OS (OsRandom)");
  const std::set<int> chosen(a.parts.begin(), a.parts.end());
  auto want = [&](int p) { return chosen.empty() || chosen.count(p) != 0; };
  Context c;
  c.quick = a.quick;
  c.profiles = {Profile::kAes128, Profile::kAes256, Profile::kTdes};
  if (a.legacy) c.profiles.push_back(Profile::kLegacy);
  std::string tmpl = (std::filesystem::temp_directory_path() / "tmsproto-bench.XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    std::fprintf(stderr, "bench: cannot make a temporary directory\n");
    return 1;
  }
  c.root = tmpl;
  // Part 4 first: part 1's breakdown takes the engine's own cost from it.
  if (want(4)) part4_core(c, report);
  // Parts 1 to 3: the servers on one core, this process (the load generator) on the other.
  if (want(1) || want(2) || want(3) || want(5)) c.pinned = pin(0, c.client_cpu);
  if (want(1)) part1_sessions(c, report);
  if (want(2)) part2_throughput(c, report);
  if (want(3)) part3_concurrency(c, report);
  if (want(5)) part5_estate(c, report);
  std::error_code ec;
  std::filesystem::remove_all(c.root, ec);
  if (want(1) || want(2) || want(3) || want(5)) {
    report.notes.push_back(c.pinned ? "pinning: every server (serve, echo) on CPU " + std::to_string(c.server_cpu) +
                                          ", the load generator (this process) on CPU " + std::to_string(c.client_cpu)
                                    : "pinning: refused, or a single core: the servers and the load generator share the CPUs");
  }
  std::fputs(format_table(report).c_str(), stdout);
  std::fflush(stdout);
  if (!a.json.empty()) {
    json << to_json(report);
    json.flush();
    if (!json) {
      std::fprintf(stderr, "bench: cannot write %s\n", a.json.c_str());
      return 1;
    }
  }
  bool failed = false;
  for (const Row& r : report.rows) failed = failed || r.note.rfind("FAILED", 0) == 0;
  return failed ? 1 : 0;
}

}  // namespace

std::string pname(Profile p) { return std::string(name(p)); }

void add_bench_command(CLI::App& app, cli::Chosen& chosen) {
  auto a = std::make_shared<Args>();
  auto* c = app.add_subcommand("bench", "measure what the TMS costs per session, per byte and per connection, "
                                        "each beside an in-run baseline; prints one table");
  c->add_flag("--quick", a->quick, "run each part for a few seconds (what CI runs)");
  c->add_option("--json", a->json, "also write the table as JSON to FILE");
  c->add_option("--part", a->parts, "run only these parts (1 session rate, 2 throughput, 3 concurrency, 4 core, 5 instances on PostgreSQL)")
      ->check(CLI::Range(1, 5))
      ->delimiter(',');
  c->add_flag("--legacy", a->legacy, "also measure the LEGACY profile (single DES, insecure; off by default)");
  c->callback([&chosen, a] { chosen.run = [a] { return run(*a); }; });
}

}  // namespace tmsproto::bench
