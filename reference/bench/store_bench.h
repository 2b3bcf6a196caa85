// The storage row of part 1: the TMS engine in-process against the bench's real SQLite store (the
// same ports `serve` wires: registry, custody, replay cache, audit log, reports, the vendor's
// directory database), a terminal engine in memory across the table. No socket: the CPU time
// inside the TMS engine's calls is engine + crypto + storage; part 4 gives engine + crypto alone.
#pragma once

#include <optional>
#include <string>

#include "bench/bench_estate.h"

namespace tmsproto::bench {

struct StoreResult {
  double tms_cpu_us = 0;   // per session, thread CPU time inside tms::Session's calls
  double wall_us = 0;      // per session, the same calls' wall time (fsync waits included)
  std::size_t sessions = 0;
  std::optional<std::string> error;
};

StoreResult run_store(const BenchEstate& estate, double seconds);

}  // namespace tmsproto::bench
