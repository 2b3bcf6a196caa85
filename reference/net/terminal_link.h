// The reference terminal's side of the wire (spec/14-server.md): connects to a TMS over TCP, or
// opens a serial line, and runs one terminal session through a connection driver until it ends.
// Asio stays inside terminal_link.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "codec/tpdu.h"
#include "net/connection.h"
#include "terminal/session.h"

namespace tmsproto::net {

struct TerminalEndpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 7700;
  std::string serial_device;  // non-empty: this serial line instead of TCP
  std::optional<codec::TpduConfig> tpdu;
  Timing timing;
};

struct TerminalRun {
  bool connected = false;
  std::string error;          // why no connection was made
  const char* cause = nullptr;  // the driver's end cause: "t-response", "eof", "link-lost", ...
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
};

// Runs `session` from START (`command`) to its end over `where`.
TerminalRun run_terminal(const TerminalEndpoint& where, terminal::Session& session, terminal::StartCommand command);

}  // namespace tmsproto::net
