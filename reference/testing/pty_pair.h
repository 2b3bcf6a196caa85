// A pseudo-terminal pair made by socat (Debian socat), as a serial cable between two programs of a
// test: `socat PTY,link=A,raw,echo=0 PTY,link=B,raw,echo=0`, stopped with SIGTERM when it goes.
#pragma once

#include <filesystem>
#include <string>
#include <sys/types.h>

namespace tmsproto::testing {

class PtyPair {
 public:
  // `name` keeps the pairs of concurrent tests apart; the links live in a folder of their own.
  explicit PtyPair(const std::string& name = "pty");
  ~PtyPair();
  PtyPair(const PtyPair&) = delete;
  PtyPair& operator=(const PtyPair&) = delete;

  bool ready() const;
  std::string a;  // one end (a TMS's, in the tests)
  std::string b;  // the other (a terminal's)

 private:
  std::filesystem::path dir_;
  pid_t pid_ = 0;
};

}  // namespace tmsproto::testing
