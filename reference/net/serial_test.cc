// `serve --serial` and `terminal --serial` end to end over a pseudo-terminal pair made by socat
// (Debian socat), as a TMS on a modem line and a terminal on RS232 meet them (spec/14-server.md).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "net/server.h"
#include "net/terminal_link.h"
#include "sim/estate.h"
#include "testing/pty_pair.h"

namespace tmsproto::net {
namespace {

using tmsproto::testing::PtyPair;

TEST(Serial, TwoTerminalsCompleteOneAfterAnotherOverASerialLine) {
  // REQ-FRAME-010, REQ-FRAME-012, REQ-SRV-008: the server serves session after session on one line.
  PtyPair pty;
  ASSERT_TRUE(pty.ready()) << "socat did not make the pty pair (is Debian socat installed?)";
  auto estate = sim::make_estate(sim::EstateOptions{});
  std::ostringstream text;
  SessionLog log(text);
  ServerOptions options;
  options.serial_device = pty.a;
  options.handle_signals = false;
  options.grace_ms = 100;
  Server server(estate->tms_config, estate->tms_ports(), log, options);
  ASSERT_TRUE(server.open().ok());
  std::thread loop([&] { server.run(); });

  TerminalEndpoint where;
  where.serial_device = pty.b;
  terminal::Session first(estate->terminal_config, estate->terminal_ports());
  const TerminalRun run = run_terminal(where, first, estate->command());
  EXPECT_TRUE(run.connected) << run.error;
  EXPECT_EQ(first.state(), terminal::State::T_DONE);
  EXPECT_EQ(first.packages_applied(), 1u);

  // The same line, the next session: nothing left to download, and it still ends well.
  terminal::Session second(estate->terminal_config, estate->terminal_ports());
  run_terminal(where, second, estate->command());
  EXPECT_EQ(second.state(), terminal::State::T_DONE);

  server.stop();
  loop.join();
  EXPECT_EQ(server.sessions_served(), 2u);
}

}  // namespace
}  // namespace tmsproto::net
