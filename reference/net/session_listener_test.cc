// The one-session listener the conformance suite plays the TMS behind, on real loopback sockets.
#include "net/session_listener.h"

#include <gtest/gtest.h>

#include <thread>

#include "net/terminal_link.h"
#include "sim/estate.h"

namespace tmsproto::net {
namespace {

TEST(SessionListener, ServesOneHonestSessionAtATimeOnOnePort) {
  auto estate = sim::make_estate(sim::EstateOptions{});
  auto listener = SessionListener::open("127.0.0.1", 0);
  ASSERT_TRUE(listener.ok()) << listener.error();
  const std::uint16_t port = (*listener)->port();
  ASSERT_NE(port, 0);
  for (int round = 0; round < 2; ++round) {
    tms::Session tms(estate->tms_config, estate->tms_ports());
    EngineOf<tms::Session> engine(tms);
    ServedSession served;
    std::thread server([&] { served = (*listener)->serve(engine, Timing{}, std::nullopt, 10'000); });
    terminal::Session term(estate->terminal_config, estate->terminal_ports());
    TerminalEndpoint where;
    where.port = port;
    const TerminalRun run = run_terminal(where, term, estate->command());
    server.join();
    EXPECT_TRUE(run.connected) << run.error;
    EXPECT_TRUE(served.connected);
    EXPECT_EQ(served.bytes_in, run.bytes_out);
    EXPECT_EQ(served.bytes_out, run.bytes_in);
    EXPECT_EQ(term.state(), terminal::State::T_DONE) << "round " << round;
    EXPECT_EQ(tms.state(), tms::State::S_DONE) << "round " << round;
  }
}

TEST(SessionListener, NoConnectionBeforeTheDeadlineIsReportedNotWaitedFor) {
  auto listener = SessionListener::open("127.0.0.1", 0);
  ASSERT_TRUE(listener.ok()) << listener.error();
  auto estate = sim::make_estate(sim::EstateOptions{});
  tms::Session tms(estate->tms_config, estate->tms_ports());
  EngineOf<tms::Session> engine(tms);
  const ServedSession served = (*listener)->serve(engine, Timing{}, std::nullopt, 50);
  EXPECT_FALSE(served.connected);
  EXPECT_EQ(tms.state(), tms::State::S_IDLE);
}

TEST(SessionListener, GivingUpEndsTheWaitBeforeTheDeadline) {
  auto listener = SessionListener::open("127.0.0.1", 0);
  ASSERT_TRUE(listener.ok()) << listener.error();
  auto estate = sim::make_estate(sim::EstateOptions{});
  tms::Session tms(estate->tms_config, estate->tms_ports());
  EngineOf<tms::Session> engine(tms);
  int asked = 0;
  const ServedSession served = (*listener)->serve(engine, Timing{}, std::nullopt, 600'000, [&] { return ++asked == 3; });
  EXPECT_FALSE(served.connected);
  EXPECT_EQ(asked, 3);
}

TEST(SessionListener, AnAddressThatIsNoneIsRefusedInOneLine) {
  auto listener = SessionListener::open("localhost:7", 0);
  ASSERT_FALSE(listener.ok());
  EXPECT_EQ(listener.error().find('\n'), std::string::npos);
}

}  // namespace
}  // namespace tmsproto::net
