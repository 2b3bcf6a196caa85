// Part 1 of issue 13: full sessions through `tmsproto serve` over loopback, beside a bare TCP echo
// server moving the same messages in the same round trips, and where the server's CPU goes.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench/bench_estate.h"
#include "bench/loadgen.h"
#include "bench/parts.h"
#include "bench/proc.h"
#include "bench/processes.h"
#include "bench/store_bench.h"

namespace tmsproto::bench {
namespace {

constexpr const char* kPart1 =
    "1 session rate: unattended program download, nothing offered (handshake, key message, empty PKG_CONFIRM, end)";
constexpr std::size_t kTerminals = 32;  // sessions in flight, one registered terminal each

Row row(const std::string& name) {
  Row r;
  r.part = kPart1;
  r.name = name;
  return r;
}

void failed(Report& report, const std::string& name, const std::string& why) {
  Row r = row(name);
  r.note = "FAILED: " + why;
  report.rows.push_back(std::move(r));
}

// `tmpfs`: the store on /dev/shm instead, where an fsync costs nothing: what the rate would be if
// durable storage were free, to show what bounds it (the rate row only).
void one_profile(Context& c, Profile p, Report& report, const std::filesystem::path& tmpfs = {}) {
  const std::string P = pname(p) + (tmpfs.empty() ? "" : ", store on tmpfs,");
  const double seconds = c.quick ? 0.6 : 5.0;
  auto estate = make_bench_estate(tmpfs.empty() ? c.root / ("sessions-" + P) : tmpfs, p, kTerminals, std::nullopt);
  if (!estate.ok()) return failed(report, P + " serve sessions/s", estate.error());

  // Storage: the same engine on the same SQLite store, in this process, before serve opens it.
  const StoreResult store = tmpfs.empty() ? run_store(*estate, c.quick ? 0.3 : 2.0) : StoreResult{};
  if (store.error) return failed(report, P + " serve sessions/s", *store.error);

  Server serve = start_serve(estate->state, c.root / ("serve-" + P + ".log"), 1024);
  if (serve.pid <= 0) return failed(report, P + " serve sessions/s", serve.error);
  c.pinned = pin(serve.pid, c.server_cpu) && c.pinned;
  LoadOptions o;
  o.port = serve.port;
  o.seconds = seconds;
  o.in_flight = kTerminals;
  const double cpu0 = cpu_seconds_of(serve.pid).value_or(0);
  const LoadResult load = drive(estate->terminals, o);
  const double cpu1 = cpu_seconds_of(serve.pid).value_or(0);
  stop(serve);
  if (load.done == 0 || load.failed > 0) {
    return failed(report, P + " serve sessions/s",
                  std::to_string(load.failed) + " sessions failed: " + load.first_failure);
  }
  const double rate = static_cast<double>(load.done) / load.wall_s;
  const double server_us = (cpu1 - cpu0) / static_cast<double>(load.done) * 1e6;

  Server echo = start_echo_server();
  if (echo.pid <= 0) return failed(report, P + " serve sessions/s", echo.error);
  c.pinned = pin(echo.pid, c.server_cpu) && c.pinned;
  const double e0 = cpu_seconds_of(echo.pid).value_or(0);
  const LoadResult baseline = drive_echo(echo.port, load.script, seconds, kTerminals);
  const double e1 = cpu_seconds_of(echo.pid).value_or(0);
  ::kill(echo.pid, SIGKILL);
  stop(echo);
  const double echo_rate = baseline.done > 0 ? static_cast<double>(baseline.done) / baseline.wall_s : 0;
  const double echo_us = baseline.done > 0 ? (e1 - e0) / static_cast<double>(baseline.done) * 1e6 : 0;

  std::size_t up = 0, down = 0;
  for (const Step& s : load.script) {
    up += s.client_bytes;
    down += s.server_bytes;
  }
  Row r = row(P + " serve sessions/s");
  r.figure = rate;
  r.baseline_name = "echo sessions/s";
  r.baseline = echo_rate;
  if (echo_rate > 0) {
    r.ratio = rate / echo_rate;
    r.goal_met = *r.ratio >= 0.8;
  }
  r.goal = "ratio >= 0.8";
  r.note = std::to_string(load.done) + " sessions, " + std::to_string(kTerminals) + " in flight, each " +
           std::to_string(load.script.size()) + " round trips, " + std::to_string(up) + " octets up, " +
           std::to_string(down) + " down; the echo server moved the same in " + std::to_string(baseline.done) +
           " connections" + (baseline.failed ? " (" + std::to_string(baseline.failed) + " failed)" : "") +
           "; serve was busy " + format_number(100 * (cpu1 - cpu0) / load.wall_s) + "% of one CPU (the rest: waiting)";
  if (!tmpfs.empty()) r.note = "diagnostic, not the figure: no durability; " + r.note;
  report.rows.push_back(std::move(r));
  if (!tmpfs.empty()) return;

  Row total = row(P + " server CPU us/session");
  total.figure = server_us;
  total.baseline_name = "echo server CPU us";
  total.baseline = echo_us;
  if (echo_us > 0) total.ratio = server_us / echo_us;
  total.note = "serve's utime+stime (/proc/<pid>/stat, 10 ms ticks) over the run / sessions";
  report.rows.push_back(std::move(total));

  const auto engine = c.engine_us.find(p);
  const double engine_us = engine != c.engine_us.end() ? engine->second : 0;
  Row crypto = row("  " + P + " of which crypto + engine us");
  if (engine != c.engine_us.end()) crypto.figure = engine_us;
  crypto.baseline_name = "server CPU us";
  crypto.baseline = server_us;
  if (crypto.figure) crypto.ratio = engine_us / server_us;
  crypto.note = engine != c.engine_us.end() ? "part 4: tms::Session's calls on in-memory ports"
                                            : "part 4 was not run (--part): unknown";
  report.rows.push_back(std::move(crypto));

  Row storage = row("  " + P + " of which storage us");
  const double storage_us = store.tms_cpu_us - engine_us;
  if (engine != c.engine_us.end()) {
    storage.figure = storage_us;
    storage.ratio = storage_us / server_us;
  }
  storage.baseline_name = "server CPU us";
  storage.baseline = server_us;
  storage.note = "tms::Session's calls on the SQLite store in-process (" + format_number(store.tms_cpu_us) +
                 " us CPU, " + format_number(store.wall_us) + " us wall with fsync) minus crypto + engine";
  report.rows.push_back(std::move(storage));

  Row io = row("  " + P + " of which I/O and the rest us");
  if (engine != c.engine_us.end()) {
    io.figure = server_us - store.tms_cpu_us;
    io.ratio = *io.figure / server_us;
  }
  io.baseline_name = "server CPU us";
  io.baseline = server_us;
  io.note = "the server's CPU minus the two rows above: sockets, event loop, framing, log lines, OsRandom";
  report.rows.push_back(std::move(io));
}

}  // namespace

void part1_sessions(Context& c, Report& report) {
  for (Profile p : c.profiles) {
    if (p == Profile::kLegacy) continue;  // issue 13 asks for AES128, AES256 and TDES
    one_profile(c, p, report);
  }
  std::string tmpl = "/dev/shm/tmsproto-bench.XXXXXX";
  if (::mkdtemp(tmpl.data()) != nullptr) {
    one_profile(c, Profile::kAes128, report, tmpl);
    std::error_code ec;
    std::filesystem::remove_all(tmpl, ec);
  } else {
    failed(report, "AES128, store on tmpfs, serve sessions/s", "no /dev/shm to put the store on");
  }
}

}  // namespace tmsproto::bench
