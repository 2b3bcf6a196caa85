// Test-only: the raw sockets the edge tests use beside the real processes: a loopback client, a
// bounded read, and a relay that records what a terminal sent (what an eavesdropper on the line has)
// or keeps the TMS's answers from the terminal (a session held open).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <thread>

#include "common/bytes.h"

namespace tmsproto::app {

inline int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return fd;
  if (fd >= 0) ::close(fd);
  return -1;
}

// Reads exactly n octets (false on end of stream, an error, or 5 s without progress).
inline bool read_exactly(int fd, std::uint8_t* out, std::size_t n) {
  for (std::size_t got = 0; got < n;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return false;
    const ssize_t r = ::read(fd, out + got, n - got);
    if (r <= 0) return false;
    got += static_cast<std::size_t>(r);
  }
  return true;
}

// One TCP connection relayed from a loopback port to serve, keeping every octet the terminal sent:
// what an eavesdropper on the line records. With kWithholdAnswers the TMS's octets are counted and
// dropped: the TMS's session stays open, waiting on the terminal, until the terminal's side closes.
class Relay {
 public:
  enum class Mode { kPass, kWithholdAnswers };
  explicit Relay(int upstream, Mode mode = Mode::kPass) : mode_(mode) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener_, 1) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      return;
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, upstream] { relay(upstream); });
  }
  ~Relay() {
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) ::close(listener_);
  }
  int port() const { return port_; }
  // Everything the terminal sent; call once the terminal has ended.
  Bytes from_terminal() {
    if (thread_.joinable()) thread_.join();
    return sent_;
  }
  // Octets the TMS sent that the terminal never got (kWithholdAnswers).
  std::size_t withheld() const { return withheld_.load(); }

 private:
  void relay(int upstream) {
    pollfd l{listener_, POLLIN, 0};
    if (::poll(&l, 1, 10000) <= 0) return;
    const int terminal = ::accept(listener_, nullptr, nullptr);
    const int tms = connect_loopback(upstream);
    pollfd fds[2] = {{terminal, POLLIN, 0}, {tms, POLLIN, 0}};
    for (bool open = terminal >= 0 && tms >= 0; open;) {
      if (::poll(fds, 2, 10000) <= 0) break;
      for (int i = 0; i < 2 && open; ++i) {
        if (fds[i].revents == 0) continue;
        std::uint8_t buf[4096];
        const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
        if (n <= 0) open = false;
        if (n > 0 && i == 0) sent_.insert(sent_.end(), buf, buf + n);
        if (n > 0 && i == 1 && mode_ == Mode::kWithholdAnswers) {
          withheld_.fetch_add(static_cast<std::size_t>(n));
          continue;
        }
        if (n > 0 && ::write(fds[1 - i].fd, buf, static_cast<std::size_t>(n)) != n) open = false;
      }
    }
    if (terminal >= 0) ::close(terminal);
    if (tms >= 0) ::close(tms);
  }

  Mode mode_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  Bytes sent_;
  std::atomic<std::size_t> withheld_{0};
};

}  // namespace tmsproto::app
