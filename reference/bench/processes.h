// The bench's other processes: `tmsproto serve` started as a child on a store (as `tmsproto demo`
// starts it), a bare TCP echo server forked as the baseline, and pinning each to its own core.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/loadgen.h"

namespace tmsproto::bench {

struct Server {
  pid_t pid = -1;
  std::uint16_t port = 0;
  std::string error;  // why it did not start
};

// `tmsproto serve --state DIR --listen 127.0.0.1:0` with the JSON-lines log in `log`; waits for
// its `listening` line and reads the port from it.
Server start_serve(const std::filesystem::path& state, const std::filesystem::path& log, std::size_t max_connections);
// The same on the store `store_args` name (BenchEstate::store_args).
Server start_serve(const std::vector<std::string>& store_args, const std::filesystem::path& log,
                   std::size_t max_connections);
// SIGTERM (REQ-SRV-005), then waits; the exit status, or 128 + signal.
int stop(Server& s);

// A forked child that answers each request of the echo protocol below with the octets it asks for:
// a request is [u32 its total length][u32 the reply's length][filler], big-endian; the reply is that
// many octets. One connection plays one session's round trips (Step), then closes.
Server start_echo_server();
LoadResult drive_echo(std::uint16_t port, const std::vector<Step>& script, double seconds, std::size_t in_flight);

// sched_setaffinity to one core; false when the system refused it (or there is only one core).
bool pin(pid_t pid, int cpu);

}  // namespace tmsproto::bench
