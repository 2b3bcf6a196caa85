// One session at a time on a listening port, for an edge that plays one side of a session itself
// and must see each connection whole: the conformance suite, which plays the TMS against a vendor's
// terminal scenario by scenario (spec/conformance.md). The port stays open between sessions, so
// that a device on a lab network is configured once. Asio stays inside session_listener.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "codec/tpdu.h"
#include "common/result.h"
#include "net/connection.h"

namespace tmsproto::net {

struct ServedSession {
  bool connected = false;       // a connection came before the accept deadline
  const char* cause = nullptr;  // the driver's end cause: "t-response", "eof", ...
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
};

class SessionListener {
 public:
  // Listens on HOST:PORT (port 0: one the system picks).
  static Result<std::unique_ptr<SessionListener>, std::string> open(const std::string& host, std::uint16_t port);
  ~SessionListener();
  SessionListener(const SessionListener&) = delete;
  SessionListener& operator=(const SessionListener&) = delete;

  std::uint16_t port() const;

  // Waits up to `accept_ms` for one connection, then runs `engine` on it through a Connection over
  // the stream framing (with the TPDU of `tpdu`, REQ-FRAME-030) until the connection is done.
  // `give_up`, asked every 20 ms while no connection has come, ends the wait early (the program
  // that was to connect has ended).
  ServedSession serve(Engine& engine, const Timing& timing, const std::optional<codec::TpduConfig>& tpdu,
                      std::int64_t accept_ms, const std::function<bool()>& give_up = {});

 private:
  struct Impl;
  explicit SessionListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tmsproto::net
