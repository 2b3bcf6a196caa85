// The bench's load generator: many reference-terminal engines in flight over loopback TCP against
// `tmsproto serve`, one thread, epoll. Its terminals run the real terminal engine (every check
// included) on in-memory device ports (reference/sim/) with the OS's randomness; each connection is
// one session, and a finished session's slot starts the next one at once. Plain POSIX sockets: the
// bench is a client, and Asio stays in reference/net/ (ARCHITECTURE.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "terminal/ports.h"

namespace tmsproto::bench {

// One round trip as the bytes moved: what the terminal sent, then what the server answered.
struct Step {
  std::size_t client_bytes = 0;
  std::size_t server_bytes = 0;
};

struct LoadOptions {
  std::uint16_t port = 0;
  std::vector<std::uint16_t> ports;  // when not empty: the sessions go round these (several instances)
  double seconds = 1;            // start sessions until then, then let those in flight end
  std::size_t in_flight = 32;
  std::size_t max_sessions = 0;  // 0: as many as fit in `seconds`
  std::size_t hold_after = 0;    // >0: stop reading after this many messages received and return
                                 // once every connection is held (part 3), the sockets left open
  bool package_installed = false;  // the terminals already run the package (PAYAPP v2): nothing
                                   // is offered, as in part 1, even when the database holds it
  std::size_t first_terminal = 0;  // sessions use the terminals from this index on (part 3 keeps
                                   // those it holds apart from those it runs beside them)
};

struct LoadResult {
  std::size_t done = 0;          // sessions that ended T_DONE
  std::size_t failed = 0;
  std::size_t held = 0;
  double wall_s = 0;
  std::uint64_t octets_received = 0;
  std::string first_failure;
  std::vector<Step> script;      // the first finished session's round trips (the echo baseline's)
  std::vector<int> held_fds;     // hold_after: the open sockets, for the caller to close
};

LoadResult drive(const std::vector<terminal::Config>& terminals, const LoadOptions& options);
void close_all(std::vector<int>& fds);

// A socket connecting to 127.0.0.1:port without blocking; -1 when none could be made.
int connect_loopback(std::uint16_t port);

}  // namespace tmsproto::bench
