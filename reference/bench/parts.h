// The four parts of `tmsproto bench` (issue 13), each adding its rows to the report.
#pragma once

#include <filesystem>
#include <map>
#include <vector>

#include "bench/table.h"
#include "protocol/constants.h"

namespace tmsproto::bench {

struct Context {
  bool quick = false;
  std::vector<Profile> profiles;         // part 1 and part 4
  std::filesystem::path root;            // a fresh temporary directory, removed afterwards
  int server_cpu = 0, client_cpu = 1;    // pinning
  bool pinned = false;                   // whether the system let us pin both sides
  std::map<Profile, double> engine_us;   // part 4's TMS engine CPU per session, for part 1's breakdown
};

std::string pname(Profile p);

void part4_core(Context& c, Report& r);
void part1_sessions(Context& c, Report& r);
void part2_throughput(Context& c, Report& r);
void part3_concurrency(Context& c, Report& r);
void part5_estate(Context& c, Report& r);



}  // namespace tmsproto::bench
