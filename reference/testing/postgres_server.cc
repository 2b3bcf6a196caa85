#include "testing/postgres_server.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tmsproto::testing {
namespace {

// Runs a shell command; its output (both streams) is returned through `out`, its exit status as the result.
int run(const std::string& command, std::string& out) {
  out.clear();
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[512];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string tail_of(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  std::string t = s.str();
  return t.size() > 2000 ? t.substr(t.size() - 2000) : t;
}

// The user the server runs as when we are root: `nobody` exists on every Debian system and owns
// nothing, so the server can write only its own temporary directory.
constexpr const char* kUnprivileged = "nobody";

}  // namespace

PostgresServer::PostgresServer(const std::string& server_options) {
  const std::string bin = kPostgresBin;
  if (::access((bin + "/initdb").c_str(), X_OK) != 0 || ::access((bin + "/pg_ctl").c_str(), X_OK) != 0) {
    error_ = "PostgreSQL is not installed: no " + bin + "/initdb or pg_ctl (scripts/setup installs the Debian package postgresql)";
    return;
  }
  // /tmp rather than $TMPDIR: the socket path must stay under the 107 octets of sun_path, and the
  // unprivileged user must be able to reach the directory.
  std::string pattern = "/tmp/tmsproto-pg-XXXXXX";
  if (!::mkdtemp(pattern.data())) {
    error_ = "cannot create a temporary directory for PostgreSQL";
    return;
  }
  dir_ = pattern;
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam(kUnprivileged);
    if (!pw || ::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      error_ = std::string("running as root, but cannot hand ") + dir_ + " to the user " + kUnprivileged;
      return;
    }
    user_ = kUnprivileged;
  }
  std::string out;
  // -N: no fsync during initdb (a test cluster); trust: only this directory's socket reaches it.
  if (run(run_as(bin + "/initdb -N -A trust -U tmsproto -E UTF8 --locale=C -D " + dir_ + "/data"), out) != 0) {
    error_ = "initdb failed: " + out;
    return;
  }
  const std::string opts = "-k " + dir_ + " -c listen_addresses= " + server_options;
  if (run(run_as(bin + "/pg_ctl -w -s -t 60 -D " + dir_ + "/data -l " + dir_ + "/log -o '" + opts + "' start"), out) != 0) {
    error_ = "pg_ctl start failed: " + out + " " + tail_of(dir_ + "/log");
    return;
  }
  running_ = true;
  // The watchdog: a child that waits for the end of a pipe only this process writes to. However this
  // process ends, the kernel closes the pipe, the read returns and the child stops the server and
  // removes the directory. Everything it runs is prepared before fork().
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return;  // the destructor still stops the server
  const std::string stop_cmd =
      run_as(bin + "/pg_ctl -s -D " + dir_ + "/data -m immediate stop") + " >/dev/null 2>&1; rm -rf " + dir_;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[1]);
    ::signal(SIGINT, SIG_IGN);  // a ^C to the test's process group must not kill the watchdog first
    char c;
    while (::read(fds[0], &c, 1) != 0) {
    }
    // Only when the test process ended without stop(): otherwise stop() already did this.
    if (::access(dir_.c_str(), F_OK) == 0) ::execl("/bin/sh", "sh", "-c", stop_cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(0);
  }
  ::close(fds[0]);
  if (pid > 0) {
    watchdog_ = pid;
    watchdog_pipe_ = fds[1];
  } else {
    ::close(fds[1]);
  }
}

std::string PostgresServer::run_as(const std::string& command) const {
  return user_.empty() ? command : "runuser -u " + user_ + " -- " + command;
}

std::string PostgresServer::url(const std::string& database) const {
  return "postgresql://tmsproto@/" + database + "?host=" + dir_;
}

void PostgresServer::stop() {
  if (running_) {
    std::string out;
    (void)run(run_as(std::string(kPostgresBin) + "/pg_ctl -s -D " + dir_ + "/data -m immediate stop"), out);
    running_ = false;
  }
}

PostgresServer::~PostgresServer() {
  stop();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  if (watchdog_pipe_ >= 0) ::close(watchdog_pipe_);  // the watchdog finds the directory gone and exits
  if (watchdog_ > 0) {
    int status;
    (void)::waitpid(watchdog_, &status, 0);
  }
}

}  // namespace tmsproto::testing
