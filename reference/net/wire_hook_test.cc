// The conformance suite's hook under the framing (net/wire_hook.h), on real loopback sockets: a
// frame written in pieces with pauses still makes a whole session (REQ-FRAME-003), the hook sees
// every octet the peer sent, and half a frame followed by a half-close is a connection loss for
// the terminal, which answers nothing (REQ-FRAME-004).
#include "net/wire_hook.h"

#include <gtest/gtest.h>

#include <thread>

#include "net/monotonic.h"
#include "net/session_listener.h"
#include "net/terminal_link.h"
#include "sim/estate.h"

namespace tmsproto::net {
namespace {

struct Served {
  ServedSession served;
  TerminalRun run;
  terminal::State terminal_state{};
  tms::State tms_state{};
};

// One session between the estate's engines through `hook`, the terminal on `terminal_timing`.
Served serve_with(const WireHook& hook, const Timing& terminal_timing = Timing{}) {
  auto estate = sim::make_estate(sim::EstateOptions{});
  auto listener = SessionListener::open("127.0.0.1", 0);
  EXPECT_TRUE(listener.ok());
  Served out;
  if (!listener.ok()) return out;
  tms::Session tms(estate->tms_config, estate->tms_ports());
  EngineOf<tms::Session> engine(tms);
  std::thread server([&] { out.served = (*listener)->serve(engine, Timing{}, std::nullopt, 10'000, {}, &hook); });
  terminal::Session term(estate->terminal_config, estate->terminal_ports());
  TerminalEndpoint where;
  where.port = (*listener)->port();
  where.timing = terminal_timing;
  out.run = run_terminal(where, term, estate->command());
  server.join();
  out.terminal_state = term.state();
  out.tms_state = tms.state();
  return out;
}

TEST(WireHook, AFrameWrittenOctetByOctetAndWithPausesStillMakesAWholeSession) {
  std::uint64_t seen = 0;
  int writes = 0;
  WireHook hook;
  hook.shape = [&](const Bytes& framed) -> std::optional<WireShape> {
    WireShape shape;
    // The first write in two halves 300 ms apart, every later one an octet at a time.
    if (writes++ == 0) {
      const auto half = static_cast<std::ptrdiff_t>(framed.size() / 2);
      shape.pieces.push_back({Bytes(framed.begin(), framed.begin() + half), 0});
      shape.pieces.push_back({Bytes(framed.begin() + half, framed.end()), 300});
      return shape;
    }
    for (std::uint8_t octet : framed) shape.pieces.push_back({Bytes{octet}, 0});
    return shape;
  };
  hook.seen = [&](ByteView octets, std::int64_t) { seen += octets.size(); };
  const std::int64_t began = monotonic_ms();
  const Served s = serve_with(hook);
  EXPECT_GE(monotonic_ms() - began, 300);
  EXPECT_GE(writes, 2);
  EXPECT_EQ(s.terminal_state, terminal::State::T_DONE);
  EXPECT_EQ(s.tms_state, tms::State::S_DONE);
  EXPECT_EQ(s.served.bytes_out, s.run.bytes_in);
  EXPECT_EQ(seen, s.run.bytes_out);  // the hook saw every octet the terminal sent
  EXPECT_EQ(seen, s.served.bytes_in);
}

TEST(WireHook, HalfAFrameThenAHalfCloseIsAConnectionLossTheTerminalDoesNotAnswer) {
  std::uint64_t seen = 0;
  std::uint64_t seen_before = 0;
  std::size_t half = 0;
  WireHook hook;
  hook.shape = [&](const Bytes& framed) -> std::optional<WireShape> {
    WireShape shape;
    half = framed.size() / 2;
    seen_before = seen;
    shape.pieces.push_back({Bytes(framed.begin(), framed.begin() + static_cast<std::ptrdiff_t>(half)), 0});
    shape.half_close = true;
    return shape;
  };
  hook.seen = [&](ByteView octets, std::int64_t) { seen += octets.size(); };
  const Served s = serve_with(hook);
  ASSERT_GT(half, 0u);
  EXPECT_EQ(s.run.bytes_in, half);       // the terminal got half a frame and the FIN
  EXPECT_EQ(s.run.cause, std::string("eof-in-frame"));  // REQ-FRAME-004
  EXPECT_EQ(seen, seen_before);           // and sent nothing after it
  EXPECT_STREQ(s.served.cause, "eof");    // it closed; the listener read its close
  EXPECT_NE(s.terminal_state, terminal::State::T_DONE);
}

TEST(WireHook, AnEmptyShapeWritesNothingAndNulloptWritesAsFramed) {
  int writes = 0;
  WireHook hook;
  // The TMS's first message never reaches the terminal; the session ends by the terminal's
  // T_RESPONSE, which the test does not wait for: the listener's own ends it first.
  hook.shape = [&](const Bytes&) -> std::optional<WireShape> {
    return writes++ == 0 ? std::optional<WireShape>(WireShape{}) : std::nullopt;
  };
  auto estate = sim::make_estate(sim::EstateOptions{});
  auto listener = SessionListener::open("127.0.0.1", 0);
  ASSERT_TRUE(listener.ok());
  tms::Session tms(estate->tms_config, estate->tms_ports());
  EngineOf<tms::Session> engine(tms);
  Timing timing;
  timing.response_ms = 300;
  ServedSession served;
  std::thread server([&] { served = (*listener)->serve(engine, timing, std::nullopt, 10'000, {}, &hook); });
  terminal::Session term(estate->terminal_config, estate->terminal_ports());
  TerminalEndpoint where;
  where.port = (*listener)->port();
  const TerminalRun run = run_terminal(where, term, estate->command());
  server.join();
  EXPECT_STREQ(served.cause, "t-response");
  EXPECT_EQ(writes, 2);  // the first withheld, the TMS's ABORT 23 written as framed
  EXPECT_LT(run.bytes_in, served.bytes_out);  // what the driver wrote, less what the hook withheld
  EXPECT_GT(run.bytes_in, 0u);
}

// A write the hook holds back is no write in flight: while it waits, the listener reads, so a peer
// that gives up meanwhile is heard when it does (the conformance suite's slow TMS, REQ-CONF-037),
// and the session that ends then closes without the stale write.
TEST(WireHook, WhileAHookedWriteWaitsThePeersAbortIsReadAndTheWaitingWriteIsDropped) {
  constexpr std::int64_t kHeldMs = 5'000;
  int writes = 0;
  std::int64_t held_at = 0;
  std::int64_t heard_after_hold = -1;
  WireHook hook;
  hook.shape = [&](const Bytes& framed) -> std::optional<WireShape> {
    if (writes++ != 1) return std::nullopt;
    held_at = monotonic_ms();  // the TMS's second message waits kHeldMs before its first octet
    WireShape shape;
    shape.pieces.push_back({framed, kHeldMs});
    return shape;
  };
  hook.seen = [&](ByteView, std::int64_t at_ms) {
    if (held_at != 0 && heard_after_hold < 0) heard_after_hold = at_ms - held_at;
  };
  Timing terminal_timing;
  terminal_timing.response_ms = 300;  // the terminal gives up long before the held write would start
  const Served s = serve_with(hook, terminal_timing);
  EXPECT_EQ(s.run.cause, std::string("t-response"));
  EXPECT_GE(writes, 2);
  ASSERT_GE(heard_after_hold, 0) << "the terminal's ABORT was never read";
  EXPECT_LT(heard_after_hold, kHeldMs);              // read during the hold, not after it
  EXPECT_LT(s.run.bytes_in, s.served.bytes_out);      // the held write never reached the terminal
  EXPECT_EQ(s.served.bytes_in, s.run.bytes_out);      // and everything the terminal sent was read
  EXPECT_NE(s.terminal_state, terminal::State::T_DONE);
}

}  // namespace
}  // namespace tmsproto::net
