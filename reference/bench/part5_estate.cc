// Part 5 (issue 14): the session rate of 1, 2 and 3 `serve` instances on one PostgreSQL database,
// part 1's sessions spread round the instances. PostgreSQL is Debian's server, started by the bench
// in its temporary directory with its default durability (fsync and synchronous commit on), as
// the test fixture starts it (reference/testing/postgres_server.h). On a machine of two cores the
// instances, the database and the load generator share the same CPUs: the figures show what the
// database and the extra processes cost, not how the estate scales across machines.
#include <signal.h>
#include <unistd.h>

#include <optional>

#include "bench/bench_estate.h"
#include "bench/loadgen.h"
#include "bench/parts.h"
#include "bench/proc.h"
#include "bench/processes.h"
#include "testing/postgres_server.h"
#ifdef TMSPROTO_HAVE_POSTGRESQL
#include "store/pg_db.h"
#endif

namespace tmsproto::bench {
namespace {

constexpr const char* kPart5 =
    "5 instances on PostgreSQL: part 1's sessions (AES128) spread round 1, 2 and 3 serve instances on one database";
constexpr std::size_t kTerminals = 32;

Row row(const std::string& name) {
  Row r;
  r.part = kPart5;
  r.name = name;
  return r;
}

}  // namespace

void part5_estate(Context& c, Report& report) {
  auto failed = [&](const std::string& name, const std::string& why) {
    Row r = row(name);
    r.note = "FAILED: " + why;
    report.rows.push_back(std::move(r));
  };
#ifndef TMSPROTO_HAVE_POSTGRESQL
  failed("PostgreSQL, 1 instance sessions/s", "this tmsproto was built without libpq");
#else
  testing::PostgresServer pg("-c max_connections=200");
  if (!pg.ok()) return failed("PostgreSQL, 1 instance sessions/s", pg.error());
  std::optional<double> one;
  for (int n = 1; n <= 3; ++n) {
    const std::string name = "PostgreSQL, " + std::to_string(n) + (n == 1 ? " instance" : " instances") + " sessions/s";
    const std::string db = "bench" + std::to_string(n);
    auto admin = store::PgConn::connect(pg.url());
    if (!admin.ok()) return failed(name, admin.error().message);
    if (auto r = admin->exec("CREATE DATABASE " + db); !r.ok()) return failed(name, r.error().message);
    const auto root = c.root / ("pg-" + std::to_string(n));
    auto estate = make_bench_estate(root, Profile::kAes128, kTerminals, std::nullopt,
                                    PgTarget{pg.url(db), root / "storage.key"});
    if (!estate.ok()) return failed(name, estate.error());
    std::vector<Server> serves;
    LoadOptions o;
    o.seconds = c.quick ? 0.6 : 5.0;
    o.in_flight = kTerminals;
    for (int i = 0; i < n; ++i) {
      serves.push_back(start_serve(estate->store_args, root / ("serve-" + std::to_string(i) + ".log"), 1024));
      if (serves.back().pid <= 0) {
        const std::string why = serves.back().error;
        for (Server& s : serves) {
          if (s.pid > 0) stop(s);
        }
        return failed(name, why);
      }
      o.ports.push_back(serves.back().port);
    }
    // What the sessions wrote, from the server's own counters (pg_stat_database), read after the
    // instances have stopped, when their connections have flushed their statistics.
    const char* kCounters =
        "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = $1";
    auto before = admin->exec(kCounters, {db});
    const LoadResult load = drive(estate->terminals, o);
    for (Server& s : serves) stop(s);
    (void)admin->exec("SELECT pg_stat_clear_snapshot()");
    auto after = admin->exec(kCounters, {db});
    if (load.done == 0 || load.failed > 0) {
      return failed(name, std::to_string(load.failed) + " sessions failed: " + load.first_failure);
    }
    const double rate = static_cast<double>(load.done) / load.wall_s;
    Row r = row(name);
    r.figure = rate;
    if (one) {
      r.baseline_name = "1 instance sessions/s";
      r.baseline = *one;
      r.ratio = rate / *one;
    }
    r.note = std::to_string(load.done) + " sessions, " + std::to_string(kTerminals) +
             " in flight, round the instances; all processes share " + std::to_string(::sysconf(_SC_NPROCESSORS_ONLN)) +
             " CPUs, so this is overhead, not scaling";
    report.rows.push_back(std::move(r));
    if (!one && before.ok() && after.ok() && before->size() == 1 && after->size() == 1) {
      const double sessions = static_cast<double>(load.done);
      Row commits = row("  PostgreSQL commits per session");
      commits.figure = static_cast<double>(after->integer(0, 0).value_or(0) - before->integer(0, 0).value_or(0)) / sessions;
      commits.note = "pg_stat_database.xact_commit over the run / sessions; read-only ones too, only the writing ones flush the WAL";
      report.rows.push_back(std::move(commits));
      Row rows_written = row("  PostgreSQL rows written per session");
      rows_written.figure = static_cast<double>(after->integer(0, 1).value_or(0) - before->integer(0, 1).value_or(0)) / sessions;
      rows_written.note = "tup_inserted + tup_updated + tup_deleted over the run / sessions";
      report.rows.push_back(std::move(rows_written));
    }
    if (!one) one = rate;
  }
#endif
}

}  // namespace tmsproto::bench
