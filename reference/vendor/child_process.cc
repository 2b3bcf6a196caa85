#include "vendor/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace tmsproto::vendor {

namespace {

int millis_until(ChildProcess::Deadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return 0;
  return left.count() > 60000 ? 60000 : static_cast<int>(left.count());
}

// Waits for `events` on `fd` until the deadline: true when ready (or hung up, which the next read
// or write reports), false on timeout or error.
bool wait_for(int fd, short events, ChildProcess::Deadline deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, millis_until(deadline));
    if (n > 0) return true;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || std::chrono::steady_clock::now() >= deadline) return false;
  }
}

}  // namespace

Result<ChildProcess, std::string> ChildProcess::spawn(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0].empty()) return fail(std::string("no command to run"));
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return fail(std::string("socketpair: ") + std::strerror(errno));
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  // REQ-VND-031: the child's stdin and stdout are its end of the pair; every descriptor above
  // stderr is closed in it, whether or not its owner in the TMS remembered close-on-exec (a
  // listening socket, a database file).
  posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
  posix_spawn_file_actions_adddup2(&actions, sv[1], 1);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  // Its own process group, so that a kill ends what it started too; default signal handling and an
  // empty mask whatever the TMS set for itself.
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  pid_t pid = -1;
  // REQ-VND-031: an argument vector, never a shell: no word of the command is interpreted.
  const int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    return fail(argv[0] + ": cannot start: " + std::strerror(rc));
  }
  ::fcntl(sv[0], F_SETFL, ::fcntl(sv[0], F_GETFL) | O_NONBLOCK);
  return ChildProcess(pid, sv[0]);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_), fd_(other.fd_), buffer_(std::move(other.buffer_)) {
  other.pid_ = -1;
  other.fd_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    kill();
    pid_ = other.pid_;
    fd_ = other.fd_;
    buffer_ = std::move(other.buffer_);
    other.pid_ = -1;
    other.fd_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() { kill(); }

void ChildProcess::kill() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);  // the group (REQ-VND-033)
    ::kill(pid_, SIGKILL);   // and the child, should it have left the group
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
}

bool ChildProcess::write_line(const std::string& line, Deadline deadline) {
  if (fd_ < 0) return false;
  std::string out = line + "\n";
  std::size_t done = 0;
  while (done < out.size()) {
    // MSG_NOSIGNAL: a child that died makes this call fail, never the TMS take SIGPIPE.
    const ssize_t n = ::send(fd_, out.data() + done, out.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_for(fd_, POLLOUT, deadline)) return false;
      continue;
    }
    return false;
  }
  return true;
}

Result<std::string, ChildProcess::ReadError> ChildProcess::read_line(std::size_t max_length, Deadline deadline) {
  if (fd_ < 0) return fail(ReadError::kClosed);
  for (;;) {
    const std::size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      if (nl > max_length) return fail(ReadError::kTooLong);
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    // REQ-VND-032: a line longer than the bound is refused before it is all read.
    if (buffer_.size() > max_length) return fail(ReadError::kTooLong);
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return fail(ReadError::kClosed);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return fail(ReadError::kIo);
    if (!wait_for(fd_, POLLIN, deadline)) return fail(ReadError::kTimeout);  // REQ-VND-033
  }
}

}  // namespace tmsproto::vendor
