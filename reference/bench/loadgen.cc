#include "bench/loadgen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <memory>

#include "bench/bench_estate.h"
#include "codec/stream_framing.h"
#include "crypto/random.h"
#include "net/monotonic.h"
#include "sim/memory_ports.h"
#include "terminal/session.h"

namespace tmsproto::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct DevicePorts {
  sim::MemoryKeyStore keys;
  sim::MemoryPackageStore packages;
  sim::MemoryDevice device;
};

struct Conn {
  int fd = -1;
  std::size_t terminal = 0;
  bool connected = false;
  std::unique_ptr<DevicePorts> ports;
  std::unique_ptr<terminal::Session> session;
  codec::StreamDeframer deframer{codec::LinkHeader::kNone};
  Bytes out;
  std::size_t out_at = 0;
  bool want_out = false;
  std::size_t received = 0;
  std::vector<Step> steps;
};

class Driver {
 public:
  Driver(const std::vector<terminal::Config>& terminals, const LoadOptions& o)
      : terminals_(terminals), o_(o), busy_(terminals.size(), false) {}

  LoadResult run() {
    ep_ = ::epoll_create1(EPOLL_CLOEXEC);
    const auto start = Clock::now();
    deadline_ = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.seconds));
    conns_.resize(o_.in_flight);
    for (std::size_t i = 0; i < conns_.size(); ++i) open(i);
    std::vector<epoll_event> events(256);
    while (active_ > 0) {
      if (o_.hold_after > 0 && r_.held == active_) break;
      if (o_.hold_after > 0 && Clock::now() > deadline_ + std::chrono::seconds(60)) {
        r_.first_failure = "connections not all held within a minute";
        break;
      }
      const int n = ::epoll_wait(ep_, events.data(), static_cast<int>(events.size()), 100);
      for (int k = 0; k < n; ++k) handle(events[static_cast<std::size_t>(k)].data.u64, events[static_cast<std::size_t>(k)].events);
    }
    r_.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
    for (Conn& c : conns_) {
      if (c.fd >= 0) r_.held_fds.push_back(c.fd);
    }
    ::close(ep_);
    return std::move(r_);
  }

 private:
  bool may_start() {
    if (o_.max_sessions > 0) return started_ < o_.max_sessions;
    return o_.hold_after > 0 ? false : Clock::now() < deadline_;
  }

  // One session per terminal at a time, as in the field, where REQ-SRV-011 refuses a second one
  // 24: the next terminal in turn, from first_terminal on, that has none in flight.
  std::optional<std::size_t> pick_terminal() {
    const std::size_t first = std::min(o_.first_terminal, terminals_.size());
    const std::size_t count = terminals_.size() - first;
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t t = first + (next_terminal_++ % count);
      if (!busy_[t]) return t;
    }
    return std::nullopt;
  }

  void open(std::size_t i) {
    Conn& c = conns_[i];
    if (c.session) busy_[c.terminal] = false;
    c.session.reset();  // the old engine goes before the ports it refers to
    c = Conn{};
    const auto terminal = pick_terminal();
    if (!terminal) {
      fail_note("no terminal without a session in flight: fewer terminals than sessions in flight");
      ++r_.failed;
      return;
    }
    c.terminal = *terminal;
    c.fd = connect_loopback(o_.ports.empty() ? o_.port : o_.ports[started_ % o_.ports.size()]);
    if (c.fd < 0) {
      fail_note("cannot connect: " + std::string(std::strerror(errno)));
      ++r_.failed;
      return;
    }
    ++started_;
    ++active_;
    c.ports = std::make_unique<DevicePorts>();
    c.ports->packages.install_master(kMasterName, 1);
    if (o_.package_installed) c.ports->packages.packages[{codec::PackageKind::kApplication, kPackageName}] = {kPackageVersion, {}};
    c.session = std::make_unique<terminal::Session>(
        terminals_[c.terminal], terminal::Ports{clock_, rng_, c.ports->keys, c.ports->packages, c.ports->device});
    busy_[c.terminal] = true;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = i;
    c.want_out = true;
    ::epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
  }

  void fail_note(const std::string& s) {
    if (r_.first_failure.empty()) r_.first_failure = s;
  }

  void interest(std::size_t i, bool out) {
    Conn& c = conns_[i];
    if (c.want_out == out) return;
    c.want_out = out;
    epoll_event ev{};
    ev.events = EPOLLIN | (out ? EPOLLOUT : 0u);
    ev.data.u64 = i;
    ::epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void queue(Conn& c, session::Output out) {
    for (const Bytes& b : out.send) {
      const Bytes f = codec::frame_for_stream(b);
      c.out.insert(c.out.end(), f.begin(), f.end());
      if (c.steps.empty() || c.steps.back().server_bytes > 0) c.steps.push_back({});
      c.steps.back().client_bytes += f.size();
    }
  }

  void flush(std::size_t i) {
    Conn& c = conns_[i];
    while (c.out_at < c.out.size()) {
      const ssize_t w = ::send(c.fd, c.out.data() + c.out_at, c.out.size() - c.out_at, MSG_NOSIGNAL);
      if (w < 0 && errno == EAGAIN) break;
      if (w <= 0) return;  // the read side sees the loss
      c.out_at += static_cast<std::size_t>(w);
    }
    if (c.out_at == c.out.size()) {
      c.out.clear();
      c.out_at = 0;
    }
    interest(i, !c.out.empty());
  }

  bool final(const Conn& c) const {
    const auto s = c.session->state();
    return s == terminal::State::T_DONE || s == terminal::State::T_FAILED;
  }

  void finish(std::size_t i) {
    Conn& c = conns_[i];
    ::epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = -1;
    --active_;
    if (c.session->state() == terminal::State::T_DONE) {
      ++r_.done;
      if (r_.script.empty()) r_.script = c.steps;
    } else {
      ++r_.failed;
      const auto& f = c.session->failure();
      fail_note(std::string("session ended ") + std::string(terminal::name(c.session->state())) +
                (f && f->code ? ", code " + std::to_string(static_cast<int>(*f->code)) : ", connection lost"));
    }
    if (may_start()) open(i);
  }

  void handle(std::uint64_t i, std::uint32_t events) {
    Conn& c = conns_[i];
    if (c.fd < 0) return;
    if (!c.connected && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        queue(c, c.session->connection_lost());
        return finish(i);
      }
      c.connected = true;
      queue(c, c.session->start(terminal::StartCommand{}));  // unattended program download
    }
    if (c.connected && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
      std::uint8_t buf[65536];
      for (;;) {
        const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EAGAIN) break;
        if (n <= 0) {
          if (!final(c)) c.session->connection_lost();
          return finish(i);
        }
        r_.octets_received += static_cast<std::uint64_t>(n);
        c.deframer.feed(ByteView(buf, static_cast<std::size_t>(n)));
        for (;;) {
          auto body = c.deframer.next();
          if (!body.ok() || !body->has_value()) break;
          if (!c.steps.empty()) c.steps.back().server_bytes += (*body)->size() + 2;  // REQ-FRAME-002's length
          ++c.received;
          queue(c, c.session->receive(**body));
          if (final(c)) break;
        }
        if (final(c)) {
          flush(i);
          return finish(i);
        }
        if (o_.hold_after > 0 && c.received >= o_.hold_after) {
          if (c.session->state() != terminal::State::T_WAIT_FRAME) fail_note("a held session is not mid-download");
          flush(i);
          ::epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);  // held: open, never read again
          ++r_.held;
          return;
        }
      }
    }
    if (c.connected) flush(i);
  }

  const std::vector<terminal::Config>& terminals_;
  LoadOptions o_;
  LoadResult r_;
  int ep_ = -1;
  Clock::time_point deadline_;
  std::vector<Conn> conns_;
  std::size_t active_ = 0, started_ = 0, next_terminal_ = 0;
  std::vector<bool> busy_;  // per terminal: a session in flight
  net::SystemClock clock_;
  crypto::OsRandom rng_;
};

}  // namespace

int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 && errno != EINPROGRESS) {
    const int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

LoadResult drive(const std::vector<terminal::Config>& terminals, const LoadOptions& options) {
  return Driver(terminals, options).run();
}

void close_all(std::vector<int>& fds) {
  for (int fd : fds) ::close(fd);
  fds.clear();
}

}  // namespace tmsproto::bench
