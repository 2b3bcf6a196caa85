// `tmsproto serve`'s event loop (spec/14-server.md): a TCP listener (REQ-FRAME-005) or a serial
// line, one TMS engine and one connection driver per connection (REQ-TMS-002), a connection limit,
// per-connection deadlines, and a graceful stop on SIGTERM / SIGINT. Single-threaded: the ports are
// called from the loop's one thread. Asio stays inside server.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "codec/tpdu.h"
#include "common/result.h"
#include "net/connection.h"
#include "net/session_log.h"
#include "tms/session.h"

namespace tmsproto::net {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 7700;          // REQ-FRAME-005; 0 picks a free port
  std::string serial_device;          // non-empty: serve this serial line instead of TCP
  std::size_t max_connections = 1024;  // REQ-SRV-004
  Timing timing;
  std::int64_t grace_ms = 10'000;      // REQ-SRV-005
  std::optional<codec::TpduConfig> tpdu;
  bool handle_signals = true;          // SIGTERM / SIGINT stop the server
};

class Server {
 public:
  // `shared`: the ports every session shares (REQ-TMS-002); each session gets them with its own
  // audit hook, which forwards to shared.audit.
  Server(const tms::Config& config, tms::Ports shared, SessionLog& log, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listener (or opens the serial line); the TCP port bound, or 0 on a serial line.
  Result<std::uint16_t, std::string> open();
  // Serves until stopped; returns once every session has ended.
  void run();
  // Thread-safe; what SIGTERM does: stop accepting, let sessions end within the grace period.
  void stop();
  std::uint64_t sessions_served() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tmsproto::net
