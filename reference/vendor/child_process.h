// A child process the TMS talks to over its stdin and stdout, one line at a time, with a deadline
// on every wait (spec/17-vendor-adapters.md 17.5). Started from an argument vector, never through a
// shell; ended with SIGKILL to its process group, so a hung adapter and whatever it started go.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace tmsproto::vendor {

class ChildProcess {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  enum class ReadError { kTimeout, kClosed, kTooLong, kIo };

  // Starts argv[0] (searched in PATH) with argv; its stdin and stdout are one end of a socket
  // pair, its stderr is the TMS's. One line naming the failure otherwise.
  static Result<ChildProcess, std::string> spawn(const std::vector<std::string>& argv);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();  // kills and reaps

  // Sends `line` and a newline; false when the child is gone or has not taken it by `deadline`.
  bool write_line(const std::string& line, Deadline deadline);
  // The next line without its newline, at most `max_length` octets before it.
  Result<std::string, ReadError> read_line(std::size_t max_length, Deadline deadline);
  // SIGKILL to the child's process group, then waits for the child: never leaves a zombie.
  void kill();
  bool running() const { return pid_ > 0; }

 private:
  ChildProcess(pid_t pid, int fd) : pid_(pid), fd_(fd) {}
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string buffer_;  // octets read past the last line
};

}  // namespace tmsproto::vendor
