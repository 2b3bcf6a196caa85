#include "bench/processes.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include "app/child.h"

namespace tmsproto::bench {
namespace {

using Clock = std::chrono::steady_clock;

void put_u32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

std::uint32_t get_u32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// The echo server's loop, in the forked child: accept, read each whole request, write its reply.
[[noreturn]] void echo_loop(int listener) {
  struct Peer {
    std::vector<std::uint8_t> in, out;
    std::size_t out_at = 0;
  };
  const int ep = ::epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listener;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
  std::map<int, Peer> peers;
  std::vector<epoll_event> events(256);
  std::uint8_t buf[65536];
  for (;;) {
    const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
    for (int k = 0; k < n; ++k) {
      const int fd = events[static_cast<std::size_t>(k)].data.fd;
      if (fd == listener) {
        for (;;) {
          const int c = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK);
          if (c < 0) break;
          const int one = 1;
          ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event e{};
          e.events = EPOLLIN;
          e.data.fd = c;
          ::epoll_ctl(ep, EPOLL_CTL_ADD, c, &e);
          peers[c];
        }
        continue;
      }
      Peer& p = peers[fd];
      bool closed = false;
      for (;;) {
        const ssize_t r = ::recv(fd, buf, sizeof buf, 0);
        if (r < 0 && errno == EAGAIN) break;
        if (r <= 0) {
          closed = true;
          break;
        }
        p.in.insert(p.in.end(), buf, buf + r);
      }
      while (p.in.size() >= 8 && p.in.size() >= get_u32(p.in.data())) {
        const std::uint32_t total = get_u32(p.in.data()), reply = get_u32(p.in.data() + 4);
        p.out.insert(p.out.end(), reply, 0x5A);
        p.in.erase(p.in.begin(), p.in.begin() + total);
      }
      while (!closed && p.out_at < p.out.size()) {
        const ssize_t w = ::send(fd, p.out.data() + p.out_at, p.out.size() - p.out_at, MSG_NOSIGNAL);
        if (w <= 0) break;  // a reply bigger than the socket buffer waits for the next read event
        p.out_at += static_cast<std::size_t>(w);
      }
      if (p.out_at == p.out.size()) {
        p.out.clear();
        p.out_at = 0;
      }
      if (closed) {
        ::close(fd);
        peers.erase(fd);
      }
    }
  }
}

}  // namespace

Server start_serve(const std::filesystem::path& state, const std::filesystem::path& log, std::size_t max_connections) {
  return start_serve(std::vector<std::string>{"--state", state.string()}, log, max_connections);
}

Server start_serve(const std::vector<std::string>& store_args, const std::filesystem::path& log,
                   std::size_t max_connections) {
  Server s;
  // REQ-SRV-012: instances on one store with port 0 need names of their own.
  static int started = 0;
  std::vector<std::string> args{"serve", "--listen", "127.0.0.1:0", "--log", log.string(), "--grace", "1",
                                "--max-connections", std::to_string(max_connections),
                                "--instance", "bench-" + std::to_string(::getpid()) + "-" + std::to_string(++started)};
  args.insert(args.end(), store_args.begin(), store_args.end());
  app::Child c = app::spawn(app::self_exe(), args, log.string() + ".out");
  s.pid = c.pid;
  if (s.pid <= 0) {
    s.error = "cannot start serve";
    return s;
  }
  for (int i = 0; i < 1000; ++i) {
    std::ifstream in(log);
    std::string line;
    while (std::getline(in, line)) {
      const auto at = line.find("\"peer\":\"127.0.0.1:");
      if (line.find("\"listening\"") != std::string::npos && at != std::string::npos) {
        s.port = static_cast<std::uint16_t>(std::atoi(line.c_str() + at + 18));
        return s;
      }
    }
    int status = 0;
    if (app::ended(c, status)) {
      s.pid = -1;
      s.error = "serve exited with status " + std::to_string(status) + "; see " + log.string() + ".out";
      return s;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  s.error = "serve did not listen within 10 s";
  return s;
}

int stop(Server& s) {
  if (s.pid <= 0) return 0;
  ::kill(s.pid, SIGTERM);
  app::Child c{s.pid};
  s.pid = -1;
  return app::wait_for(c);
}

Server start_echo_server() {
  Server s;
  const int l = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (l < 0 || ::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(l, 4096) != 0 ||
      ::getsockname(l, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    s.error = "echo server: cannot listen";
    if (l >= 0) ::close(l);
    return s;
  }
  s.port = ntohs(a.sin_port);
  s.pid = ::fork();
  if (s.pid == 0) echo_loop(l);
  ::close(l);
  if (s.pid < 0) s.error = "echo server: cannot fork";
  return s;
}

LoadResult drive_echo(std::uint16_t port, const std::vector<Step>& script, double seconds, std::size_t in_flight) {
  struct C {
    int fd = -1;
    bool connected = false;
    std::size_t step = 0, got = 0;
  };
  LoadResult r;
  if (script.empty()) return r;
  const int ep = ::epoll_create1(0);
  std::vector<C> conns(in_flight);
  std::size_t active = 0;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::uint8_t> request;
  auto open = [&](std::size_t i) {
    conns[i] = C{};
    conns[i].fd = connect_loopback(port);
    if (conns[i].fd < 0) {
      ++r.failed;
      return;
    }
    ++active;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = i;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
  };
  auto send_step = [&](C& c) {
    const Step& s = script[c.step];
    request.assign(std::max<std::size_t>(s.client_bytes, 8), 0xA5);
    put_u32(request.data(), static_cast<std::uint32_t>(request.size()));
    put_u32(request.data() + 4, static_cast<std::uint32_t>(s.server_bytes));
    ::send(c.fd, request.data(), request.size(), MSG_NOSIGNAL);  // small: the socket buffer takes it whole
  };
  for (std::size_t i = 0; i < conns.size(); ++i) open(i);
  std::vector<epoll_event> events(256);
  std::uint8_t buf[65536];
  while (active > 0) {
    const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    for (int k = 0; k < n; ++k) {
      const std::size_t i = events[static_cast<std::size_t>(k)].data.u64;
      C& c = conns[i];
      if (c.fd < 0) continue;
      if (!c.connected) {
        c.connected = true;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        ::epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
        send_step(c);
        continue;
      }
      bool over = false;
      for (;;) {
        const ssize_t got = ::recv(c.fd, buf, sizeof buf, 0);
        if (got < 0 && errno == EAGAIN) break;
        if (got <= 0) {
          over = true;
          ++r.failed;
          break;
        }
        r.octets_received += static_cast<std::uint64_t>(got);
        c.got += static_cast<std::size_t>(got);
        while (c.step < script.size() && c.got >= script[c.step].server_bytes) {
          c.got -= script[c.step].server_bytes;
          if (++c.step < script.size()) send_step(c);
        }
        if (c.step == script.size()) {
          ++r.done;
          over = true;
          break;
        }
      }
      if (over) {
        ::close(c.fd);  // closing removes it from the epoll set
        c.fd = -1;
        --active;
        if (Clock::now() < deadline) open(i);
      }
    }
  }
  r.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(ep);
  return r;
}

bool pin(pid_t pid, int cpu) {
  if (std::thread::hardware_concurrency() < 2) return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return ::sched_setaffinity(pid, sizeof set, &set) == 0;
}

}  // namespace tmsproto::bench
