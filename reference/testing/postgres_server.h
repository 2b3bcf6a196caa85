// A real PostgreSQL server for tests (issue 14): Debian's postgresql package, initdb'ed into a fresh
// temporary directory, listening on a Unix socket in that directory and on no TCP port, run as an
// unprivileged user when the test runs as root (initdb and postgres refuse root), and stopped with
// `pg_ctl stop -m immediate` when the object goes away — and, through a watchdog process, also when
// the test process dies without running destructors (a crash, SIGKILL, a failed ASSERT in a helper
// that calls abort). Test-only: the product never starts a database.
#pragma once

#include <string>
#include <sys/types.h>

namespace tmsproto::testing {

class PostgresServer {
 public:
  // Starts the server; ok() says whether it runs, error() why not (a missing package, initdb's or
  // pg_ctl's complaint, with the log's tail). `server_options` go to postgres as `-c` settings.
  explicit PostgresServer(const std::string& server_options = "");
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;
  ~PostgresServer();

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // A libpq connection URI for `database` on this server, as its superuser "tmsproto".
  std::string url(const std::string& database = "postgres") const;
  // The socket directory (also the temporary directory that holds the data directory and the log).
  const std::string& directory() const { return dir_; }
  // Stops the server at once (immediate shutdown); safe to call twice.
  void stop();

 private:
  std::string run_as(const std::string& command) const;  // the command line, under runuser when root
  std::string dir_;
  std::string user_;  // empty: the current user
  std::string error_;
  bool running_ = false;
  pid_t watchdog_ = -1;
  int watchdog_pipe_ = -1;
};

// The PostgreSQL binaries of Debian's package; tests that need a server fail with this path in the
// message when it is missing (scripts/setup installs `postgresql`).
inline constexpr const char* kPostgresBin = "/usr/lib/postgresql/15/bin";

}  // namespace tmsproto::testing
