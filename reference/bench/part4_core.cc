// Part 4 of issue 13: the sans-I/O core alone, per profile.
#include "bench/core_bench.h"
#include "bench/parts.h"

namespace tmsproto::bench {
namespace {

constexpr const char* kPart4 = "4 sans-I/O core alone (both engines in memory, no socket, no storage, one core)";

double core_rows(Profile p, SessionKind kind, double seconds, Report& report) {
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
  if (keys) return c.tms_cpu_us;
  Row t;
  t.part = kPart4;
  t.name = pname(p) + " TMS engine CPU us/session";
  if (!c.error) t.figure = c.tms_cpu_us;
  t.note = "thread CPU time inside tms::Session's calls only: part 1's crypto+engine row";
  report.rows.push_back(std::move(t));
  return c.tms_cpu_us;
}

}  // namespace

void part4_core(Context& c, Report& report) {
  const double seconds = c.quick ? 0.4 : 3;
  for (Profile p : c.profiles) c.engine_us[p] = core_rows(p, SessionKind::kEmptyProgram, seconds, report);
  core_rows(Profile::kAes128, SessionKind::kAttendedKeys, seconds, report);
}


}  // namespace tmsproto::bench
