// One session at a time on a listening port or a serial line, for an edge that plays one side of a
// session itself and must see each session whole: the conformance suite, which plays the TMS against
// a vendor's terminal scenario by scenario (spec/conformance.md). The port (or line) stays open
// between sessions, so that a device on a lab network is configured once. Asio stays inside
// session_listener.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "codec/tpdu.h"
#include "common/result.h"
#include "net/connection.h"
#include "net/wire_hook.h"

namespace tmsproto::net {

struct ServedSession {
  bool connected = false;       // a connection came before the accept deadline
  // When the session's T_SESSION started (monotonic): the accept on TCP, the first octet on a line.
  std::int64_t opened_ms = 0;
  const char* cause = nullptr;  // the driver's end cause: "t-response", "eof", ...
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
};

class SessionListener {
 public:
  // Listens on HOST:PORT (port 0: one the system picks).
  static Result<std::unique_ptr<SessionListener>, std::string> open(const std::string& host, std::uint16_t port);
  // Serves the serial line DEVICE with the serial framing (REQ-FRAME-010), its settings as they are.
  static Result<std::unique_ptr<SessionListener>, std::string> open_serial(const std::string& device);
  ~SessionListener();
  SessionListener(const SessionListener&) = delete;
  SessionListener& operator=(const SessionListener&) = delete;

  std::uint16_t port() const;  // 0 on a serial line
  // Where the peer connects: HOST:PORT, or the serial line's device.
  std::string where() const;
  // Drops what a serial line holds (a peer's octets from a session already judged); nothing on TCP.
  void discard_pending();

  // Waits up to `accept_ms` for one connection, then runs `engine` on it through a Connection over
  // the stream framing (with the TPDU of `tpdu`, REQ-FRAME-030) until the connection is done.
  // `give_up`, asked every 20 ms while no connection has come, ends the wait early (the program
  // that was to connect has ended). On a serial line the session begins with the first octet that
  // arrives (the clocks start then, as REQ-SRV-008) and `connected` says that one did; once the
  // session is over, what the line still carries for 1 s is discarded (REQ-CONF-008).
  // `hook`, when given, reshapes what the session writes and watches what it reads (net/wire_hook.h).
  ServedSession serve(Engine& engine, const Timing& timing, const std::optional<codec::TpduConfig>& tpdu,
                      std::int64_t accept_ms, const std::function<bool()>& give_up = {},
                      const WireHook* hook = nullptr);

 private:
  struct Impl;
  explicit SessionListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tmsproto::net
