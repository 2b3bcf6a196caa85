// Part 3 of issue 13: many terminals connected at once, each mid-download (its session past the
// handshake, pieces of a package arriving, then silent): the server's resident memory from
// /proc/<pid>/status, per connection, and the session rate of part 1's session beside them.
#include <sys/resource.h>

#include "bench/bench_estate.h"
#include "bench/loadgen.h"
#include "bench/parts.h"
#include "bench/proc.h"
#include "bench/processes.h"

namespace tmsproto::bench {
namespace {

constexpr const char* kPart3 = "3 concurrency and memory: connections held mid-download (store on tmpfs, see note)";
constexpr double kMiB = 1024.0;  // KiB per MiB

Row row(const std::string& name) {
  Row r;
  r.part = kPart3;
  r.name = name;
  return r;
}

// RLIMIT_NOFILE raised to its hard limit (serve inherits it); the connections that fit, both
// sides' sockets and some spare for the store, logs and the listener.
std::size_t raise_fd_limit(std::size_t wanted, Report& report) {
  rlimit l{};
  ::getrlimit(RLIMIT_NOFILE, &l);
  const rlim_t need = static_cast<rlim_t>(wanted + 256);
  if (l.rlim_cur < need) {
    rlimit raised = l;
    raised.rlim_cur = std::min(l.rlim_max, need);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) l = raised;
  }
  const std::size_t fit = l.rlim_cur > 256 ? static_cast<std::size_t>(l.rlim_cur - 256) : 0;
  report.notes.push_back("part 3: RLIMIT_NOFILE " + std::to_string(l.rlim_cur) + " (hard " + std::to_string(l.rlim_max) +
                         ")" + (fit < wanted ? ": the system refused more, so levels above " + std::to_string(fit) +
                                                   " connections were cut to it"
                                             : ""));
  return std::min(fit, wanted);
}

}  // namespace

void part3_concurrency(Context& c, Report& report) {
  const std::vector<std::size_t> levels =
      c.quick ? std::vector<std::size_t>{100, 1000} : std::vector<std::size_t>{100, 1000, 10000};
  const std::size_t limit = raise_fd_limit(levels.back(), report);
  // The store on tmpfs when there is one: 10,000 handshakes each wait for the store's fsyncs
  // (part 1's bound), which on this disk would take minutes; memory does not depend on it.
  std::filesystem::path root = c.root / "concurrency";
  std::string tmpl = "/dev/shm/tmsproto-bench.XXXXXX";
  const bool tmpfs = ::mkdtemp(tmpl.data()) != nullptr;
  if (tmpfs) root = tmpl;
  // One terminal per connection held, and 32 more for the sessions run beside them: a terminal
  // runs one session at a time (REQ-SRV-011 refuses a second one 24).
  auto estate = make_bench_estate(root, Profile::kAes128, levels.back() + 32, Package{1 << 20, 4096});
  for (std::size_t wanted : levels) {
    const std::size_t n = std::min(wanted, limit);
    const std::string name = std::to_string(wanted) + " connections: server peak RSS MiB";
    if (!estate.ok()) {
      Row r = row(name);
      r.note = "FAILED: " + estate.error();
      report.rows.push_back(std::move(r));
      continue;
    }
    Server serve = start_serve(estate->state, root / ("serve-" + std::to_string(n) + ".log"), n + 64);
    if (serve.pid <= 0) {
      Row r = row(name);
      r.note = "FAILED: " + serve.error;
      report.rows.push_back(std::move(r));
      continue;
    }
    c.pinned = pin(serve.pid, c.server_cpu) && c.pinned;
    const auto idle = memory_of(serve.pid);
    LoadOptions hold;
    hold.port = serve.port;
    hold.in_flight = n;
    hold.max_sessions = n;
    hold.seconds = 0;
    hold.hold_after = 5;  // HS_AUTH_REQUEST, KEY_MESSAGE, PKG_CONFIRM, two FRAME_RESPONSEs
    LoadResult held = drive(estate->terminals, hold);
    const auto loaded = memory_of(serve.pid);
    LoadOptions rate;
    rate.port = serve.port;
    rate.seconds = c.quick ? 0.5 : 2.0;
    rate.in_flight = 32;
    rate.package_installed = true;  // part 1's session: nothing offered
    rate.first_terminal = n;        // the terminals not held
    const LoadResult sessions = drive(estate->terminals, rate);
    close_all(held.held_fds);
    stop(serve);

    Row r = row(name);
    if (held.held != n || !held.first_failure.empty()) {
      r.note = "FAILED: " + std::to_string(held.held) + " of " + std::to_string(n) + " held; " + held.first_failure;
      report.rows.push_back(std::move(r));
      continue;
    }
    if (loaded && idle) {
      r.figure = static_cast<double>(loaded->hwm_kib) / kMiB;
      r.baseline_name = "idle serve RSS MiB";
      r.baseline = static_cast<double>(idle->rss_kib) / kMiB;
      r.ratio = *r.figure / *r.baseline;
    }
    if (wanted == 10000) {
      r.goal = "<= 200 MiB";
      if (r.figure) r.goal_met = *r.figure <= 200;
    }
    r.note = std::to_string(n) + " connections held, each " + std::to_string(hold.hold_after) +
             " messages into a 1 MiB download, opened in " + format_number(held.wall_s) + " s; VmHWM of /proc/<pid>/status";
    report.rows.push_back(std::move(r));

    Row per = row(std::to_string(wanted) + " connections: RSS KiB per connection");
    if (loaded && idle) {
      per.figure = (static_cast<double>(loaded->rss_kib) - static_cast<double>(idle->rss_kib)) / static_cast<double>(n);
    }
    per.note = "(VmRSS held - VmRSS idle) / connections";
    report.rows.push_back(std::move(per));

    Row s = row(std::to_string(wanted) + " connections: part 1's sessions/s beside them");
    if (sessions.failed == 0 && sessions.done > 0) s.figure = static_cast<double>(sessions.done) / sessions.wall_s;
    s.note = sessions.failed == 0 ? std::to_string(sessions.done) + " sessions, 32 in flight, AES128"
                                  : "FAILED: " + sessions.first_failure;
    report.rows.push_back(std::move(s));
  }
  if (tmpfs) {
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
  }
}

}  // namespace tmsproto::bench
