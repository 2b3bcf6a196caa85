#include "testing/pty_pair.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

extern char** environ;

namespace tmsproto::testing {

PtyPair::PtyPair(const std::string& name) {
  dir_ = std::filesystem::temp_directory_path() / ("tmsproto-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir_);
  a = (dir_ / "tms").string();
  b = (dir_ / "terminal").string();
  const std::string left = "PTY,link=" + a + ",raw,echo=0";
  const std::string right = "PTY,link=" + b + ",raw,echo=0";
  const char* argv[] = {"socat", left.c_str(), right.c_str(), nullptr};
  if (posix_spawnp(&pid_, "socat", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) pid_ = 0;
  for (int i = 0; i < 100 && !(std::filesystem::exists(a) && std::filesystem::exists(b)); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

PtyPair::~PtyPair() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool PtyPair::ready() const { return pid_ > 0 && std::filesystem::exists(a) && std::filesystem::exists(b); }

}  // namespace tmsproto::testing
