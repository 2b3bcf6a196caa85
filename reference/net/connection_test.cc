// The connection driver without sockets: an honest terminal and TMS joined by two drivers whose
// octets travel split at random, the framing errors, and each deadline (spec/14-server.md).
#include "net/connection.h"

#include <gtest/gtest.h>
#include <random>

#include "codec/serial_link.h"
#include "codec/stream_framing.h"
#include "sim/estate.h"

namespace tmsproto::net {
namespace {

struct Pair {
  explicit Pair(std::unique_ptr<sim::Estate> e, bool serial = false)
      : estate(std::move(e)),
        term(estate->terminal_config, estate->terminal_ports()),
        server(estate->tms_config, estate->tms_ports()),
        term_engine(term),
        server_engine(server),
        term_conn(term_engine, serial ? serial_link() : stream_link(), Timing{}, 0),
        server_conn(server_engine, serial ? serial_link() : stream_link(), Timing{}, 0) {}
  std::unique_ptr<sim::Estate> estate;
  terminal::Session term;
  tms::Session server;
  EngineOf<terminal::Session> term_engine;
  EngineOf<tms::Session> server_engine;
  Connection term_conn;
  Connection server_conn;
};

// Moves octets both ways, each write cut into pieces of the sizes `cut` draws, until neither side
// has anything to say.
template <class Cut>
void exchange(Pair& p, Step first, Cut cut) {
  Bytes to_server = std::move(first.write), to_term;
  std::int64_t now = 0;
  while (!to_server.empty() || !to_term.empty()) {
    now += 10;
    auto pass = [&](Bytes& in, Connection& c, Bytes& out) {
      std::size_t at = 0;
      while (at < in.size()) {
        const std::size_t n = std::min(in.size() - at, cut());
        Step s = c.on_read(ByteView(in.data() + at, n), now);
        out.insert(out.end(), s.write.begin(), s.write.end());
        at += n;
      }
      in.clear();
    };
    pass(to_server, p.server_conn, to_term);
    pass(to_term, p.term_conn, to_server);
  }
}

// REQ-FRAME-003: a session completes whatever the split of the stream into reads: single
// octets, whole writes, and reads of random sizes (a fixed-seed generator, so a failure repeats).
TEST(Connection, AnHonestSessionCompletesWhateverTheSplitOfItsOctets) {
  std::mt19937 gen(20261202);
  for (std::size_t pattern = 0; pattern < 10; ++pattern) {
    sim::EstateOptions options;
    options.seed = pattern + 1;
    options.with_operator = false;
    options.packages = {sim::PackageSpec{codec::PackageKind::kApplication, "PAYAPP", 2, 5000, 1024, false}};
    Pair p(sim::make_estate(options));
    std::uniform_int_distribution<std::size_t> size(1, 3000);
    auto cut = [&]() -> std::size_t {
      if (pattern == 0) return 1;
      if (pattern == 1) return 1 << 20;
      return size(gen);
    };
    exchange(p, p.term_conn.start(p.term.start(p.estate->command())), cut);
    EXPECT_EQ(p.term.state(), terminal::State::T_DONE) << "pattern " << pattern;
    EXPECT_EQ(p.server.state(), tms::State::S_DONE) << "pattern " << pattern;
    EXPECT_TRUE(p.term_conn.finished());
    EXPECT_TRUE(p.server_conn.finished());
  }
}

TEST(Connection, AnHonestSessionCompletesOverSerialLinks) {
  // REQ-FRAME-010, REQ-FRAME-012: every frame acknowledged, the session ends on both sides.
  Pair p(sim::make_estate(sim::EstateOptions{}), true);
  exchange(p, p.term_conn.start(p.term.start(p.estate->command())), [] { return std::size_t{7}; });
  EXPECT_EQ(p.term.state(), terminal::State::T_DONE);
  EXPECT_EQ(p.server.state(), tms::State::S_DONE);
  EXPECT_TRUE(p.term_conn.finished());
  EXPECT_TRUE(p.server_conn.finished());
}

Bytes first_body(const Bytes& wire) {
  // The body of the first stream frame in `wire`.
  codec::StreamDeframer d;
  d.feed(wire);
  auto body = d.next();
  if (!body.ok() || !body->has_value()) return {};
  return **body;
}

TEST(Connection, ALengthOutsideItsBoundsIsAnsweredAbort01BeforeTheBodyArrives) {
  // REQ-FRAME-001, REQ-SRV-001: LEN 0xFFFF is refused from its two octets.
  Pair p(sim::make_estate(sim::EstateOptions{}));
  const Bytes bad_len = {0xFF, 0xFF};
  Step s = p.server_conn.on_read(bad_len, 5);
  EXPECT_TRUE(s.close);
  ASSERT_TRUE(p.server.failure().has_value());
  EXPECT_EQ(p.server.failure()->code, ResponseCode::kMalformed);
  EXPECT_FALSE(first_body(s.write).empty());
  // Nothing more is read from that connection (REQ-FRAME-036's rule for a stream).
  EXPECT_TRUE(p.server_conn.on_read(Bytes(100, 0x41), 6).write.empty());
}

TEST(Connection, SilenceForTResponseEndsTheSessionWithAbort23) {
  // REQ-SRV-002, REQ-HS-033.
  Pair p(sim::make_estate(sim::EstateOptions{}));
  ASSERT_EQ(p.server_conn.next_deadline(), std::optional<std::int64_t>(30'000));
  EXPECT_TRUE(p.server_conn.on_timer(29'999).write.empty());
  Step s = p.server_conn.on_timer(30'000);
  EXPECT_TRUE(s.close);
  EXPECT_FALSE(s.write.empty());
  EXPECT_EQ(p.server.failure()->code, ResponseCode::kTimeout);
  EXPECT_STREQ(p.server_conn.end_cause(), "t-response");
}

TEST(Connection, AFrameTricklingInOctetByOctetDoesNotRestartTResponse) {
  // REQ-SRV-002: only a whole message restarts T_RESPONSE.
  Pair p(sim::make_estate(sim::EstateOptions{}));
  const Bytes partial = {0x00, 0x40, 0x01, 0x01, 0x01};
  std::int64_t now = 0;
  for (std::uint8_t octet : partial) p.server_conn.on_read(Bytes{octet}, now += 5'000);
  EXPECT_EQ(p.server_conn.next_deadline(), std::optional<std::int64_t>(30'000));
  EXPECT_TRUE(p.server_conn.on_timer(30'000).close);
  EXPECT_EQ(p.server.failure()->code, ResponseCode::kTimeout);
}

TEST(Connection, ASessionLongerThanTSessionEndsWithAbort23) {
  // REQ-SRV-003: T_SESSION counts from the connection, whatever the messages.
  auto estate = sim::make_estate(sim::EstateOptions{});
  tms::Session server(estate->tms_config, estate->tms_ports());
  EngineOf<tms::Session> engine(server);
  Connection conn(engine, stream_link(), Timing{30'000, 1'000, false}, 0);
  EXPECT_EQ(conn.next_deadline(), std::optional<std::int64_t>(1'000));
  EXPECT_TRUE(conn.on_timer(1'000).close);
  EXPECT_STREQ(conn.end_cause(), "t-session");
  EXPECT_EQ(server.failure()->code, ResponseCode::kTimeout);
}

TEST(Connection, AStreamThatEndsInsideAFrameIsAConnectionLoss) {
  // REQ-FRAME-004: the half frame is no message.
  Pair p(sim::make_estate(sim::EstateOptions{}));
  p.server_conn.on_read(Bytes{0x00, 0x40, 0x01}, 1);
  Step s = p.server_conn.on_eof();
  EXPECT_TRUE(s.close);
  EXPECT_TRUE(s.write.empty());
  EXPECT_STREQ(p.server_conn.end_cause(), "eof-in-frame");
  ASSERT_TRUE(p.server.failure().has_value());
  EXPECT_FALSE(p.server.failure()->code.has_value());
}

TEST(Connection, ASerialTmsWaitsForItsNextTerminalWithoutBound) {
  // REQ-SRV-008: no deadline before the first octet; T_RESPONSE from it on.
  auto estate = sim::make_estate(sim::EstateOptions{});
  tms::Session server(estate->tms_config, estate->tms_ports());
  EngineOf<tms::Session> engine(server);
  Timing timing;
  timing.clocks_start_with_first_octet = true;
  Connection conn(engine, serial_link(), timing, 0);
  EXPECT_FALSE(conn.next_deadline().has_value());
  conn.on_read(Bytes{0x02}, 1'000'000);
  EXPECT_EQ(conn.next_deadline(), std::optional<std::int64_t>(1'030'000));
}

TEST(Connection, OnASerialLineTheOctetsAfterTheLastAckAreLeftForTheNextSession) {
  // REQ-SRV-008: a body of an unknown type ends the session with ABORT 01 (REQ-MSG-001); the read
  // that brings its ACK also brings the next terminal's STX, which this session must not eat.
  auto estate = sim::make_estate(sim::EstateOptions{});
  tms::Session server(estate->tms_config, estate->tms_ports());
  EngineOf<tms::Session> engine(server);
  Connection conn(engine, serial_link(), Timing{}, 0);
  Step s = conn.on_read(codec::frame_for_serial(Bytes{0xEE, 0x01, 0x00, 0x00}), 1);
  EXPECT_FALSE(s.write.empty());  // ACK, then the ABORT frame
  EXPECT_FALSE(conn.finished());   // the ABORT frame waits for its ACK
  s = conn.on_read(Bytes{0x06, 0x02, 0x00, 0x40}, 2);
  EXPECT_TRUE(conn.finished());
  EXPECT_EQ(conn.consumed(), 1u);
}

TEST(Connection, ShutdownEndsAnOpenSessionAsATimeout) {
  // REQ-SRV-005.
  Pair p(sim::make_estate(sim::EstateOptions{}));
  Step s = p.server_conn.expire();
  EXPECT_TRUE(s.close);
  EXPECT_STREQ(p.server_conn.end_cause(), "shutdown");
  EXPECT_EQ(p.server.failure()->code, ResponseCode::kTimeout);
  // Finished: what arrives now is not this session's, and none of it is used (the fuzz target
  // `connection` found that consumed() kept the count of the read before).
  EXPECT_TRUE(p.server_conn.on_read(Bytes{0x01, 0x02, 0x03}, 10).write.empty());
  EXPECT_EQ(p.server_conn.consumed(), 0u);
}

}  // namespace
}  // namespace tmsproto::net
