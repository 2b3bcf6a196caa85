// `serve`'s event loop on real loopback sockets: honest terminals complete beside garbage, the
// connection limit, the graceful stop, and a log that never holds a secret (spec/14-server.md).
#include "net/server.h"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <asio.hpp>
#include <sstream>
#include <thread>

#include "common/hex.h"
#include "net/terminal_link.h"
#include "sim/estate.h"

namespace tmsproto::net {
namespace {

struct Running {
  Running(sim::Estate& estate, ServerOptions options) : server(estate.tms_config, estate.tms_ports(), log, options) {
    auto bound = server.open();
    EXPECT_TRUE(bound.ok());
    port = bound.ok() ? *bound : 0;
    thread = std::thread([this] { server.run(); });
  }
  ~Running() {
    server.stop();
    thread.join();
  }
  std::string log_text() const { return text.str(); }

  std::ostringstream text;
  SessionLog log{text};
  Server server;
  std::uint16_t port = 0;
  std::thread thread;
};

Bytes to_bytes(ByteView v) { return Bytes(v.begin(), v.end()); }

ServerOptions test_options() {
  ServerOptions o;
  o.port = 0;
  o.handle_signals = false;
  o.grace_ms = 200;
  return o;
}

// Reads until the server closes; what it sent.
Bytes read_to_end(asio::ip::tcp::socket& s) {
  Bytes all;
  std::array<std::uint8_t, 1024> buf{};
  asio::error_code ec;
  for (;;) {
    const std::size_t n = s.read_some(asio::buffer(buf), ec);
    if (ec) return all;
    all.insert(all.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  }
}

asio::ip::tcp::socket connect(asio::io_context& io, std::uint16_t port) {
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  return s;
}

TEST(Server, AnHonestTerminalCompletesAProgramDownloadOverTcp) {
  // REQ-FRAME-005, REQ-FRAME-002, REQ-TMS-002: the terminal connects to the configured port.
  auto estate = sim::make_estate(sim::EstateOptions{});
  Running r(*estate, test_options());
  ASSERT_NE(r.port, 0);
  terminal::Session term(estate->terminal_config, estate->terminal_ports());
  TerminalEndpoint where;
  where.port = r.port;
  const TerminalRun run = run_terminal(where, term, estate->command());
  EXPECT_TRUE(run.connected) << run.error;
  EXPECT_EQ(term.state(), terminal::State::T_DONE);
  EXPECT_EQ(term.packages_applied(), 1u);
  r.server.stop();
  r.thread.join();
  r.thread = std::thread([] {});
  // REQ-SRV-006: one line for the session, with its outcome.
  EXPECT_NE(r.log_text().find("\"event\":\"session\""), std::string::npos);
  EXPECT_NE(r.log_text().find("\"outcome\":\"00\""), std::string::npos);
}

TEST(Server, GarbageIsAnsweredAbort01AndHonestTerminalsBesideItStillComplete) {
  // REQ-FRAME-001, REQ-SRV-001: a bad LEN is refused; other sessions are untouched (REQ-TMS-002).
  auto estate = sim::make_estate(sim::EstateOptions{});
  Running r(*estate, test_options());
  asio::io_context io;
  std::vector<asio::ip::tcp::socket> peers;
  for (int i = 0; i < 20; ++i) {
    peers.push_back(connect(io, r.port));
    asio::write(peers.back(), asio::buffer(Bytes{0xFF, 0xFF, 0x00, 0x01}));
  }
  terminal::Session term(estate->terminal_config, estate->terminal_ports());
  TerminalEndpoint where;
  where.port = r.port;
  run_terminal(where, term, estate->command());
  EXPECT_EQ(term.state(), terminal::State::T_DONE);
  for (auto& p : peers) {
    const Bytes got = read_to_end(p);
    // LEN 00 04, then ABORT: TYPE 7F, VERSION 01, CODE "01" in ASCII (spec/03-messages.md).
    EXPECT_EQ(to_hex(got), "00047f013031");
  }
}

TEST(Server, ConnectionsOverTheLimitAreClosedAtOnce) {
  // REQ-SRV-004.
  auto estate = sim::make_estate(sim::EstateOptions{});
  ServerOptions o = test_options();
  o.max_connections = 1;
  Running r(*estate, o);
  asio::io_context io;
  auto first = connect(io, r.port);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the server admit the first
  auto second = connect(io, r.port);
  EXPECT_TRUE(read_to_end(second).empty());
  r.server.stop();  // the log is read once the server's thread has ended
  r.thread.join();
  r.thread = std::thread([] {});
  EXPECT_NE(r.log_text().find("connection-limit"), std::string::npos);
}

TEST(Server, StopLetsTheGracePeriodRunThenEndsOpenSessionsWithAbort23) {
  // REQ-SRV-005.
  auto estate = sim::make_estate(sim::EstateOptions{});
  Running r(*estate, test_options());
  asio::io_context io;
  auto idle = connect(io, r.port);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  r.server.stop();
  const Bytes got = read_to_end(idle);
  EXPECT_EQ(to_hex(got), "00047f013233");  // ABORT 23
  r.thread.join();  // run() returns once every session has ended
  r.thread = std::thread([] {});
  EXPECT_NE(r.log_text().find("\"cause\":\"shutdown\""), std::string::npos);
  // A connection after stop is refused by the closed listener.
  asio::ip::tcp::socket late(io);
  asio::error_code ec;
  late.connect({asio::ip::make_address("127.0.0.1"), r.port}, ec);
  EXPECT_TRUE(ec);
}

TEST(Server, AThousandIdleConnectionsNeitherStopAnHonestTerminalNorOutliveTResponse) {
  // REQ-SRV-002, REQ-SRV-004, REQ-TMS-002: idle peers cost a bounded amount and are ended with 23.
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &files);
  const std::size_t idle_count = files.rlim_cur >= 2200 ? 1000 : (files.rlim_cur - 100) / 2;
  auto estate = sim::make_estate(sim::EstateOptions{});
  ServerOptions o = test_options();
  o.timing.response_ms = 2000;
  Running r(*estate, o);
  asio::io_context io;
  std::vector<asio::ip::tcp::socket> idle;
  for (std::size_t i = 0; i < idle_count; ++i) idle.push_back(connect(io, r.port));
  terminal::Session term(estate->terminal_config, estate->terminal_ports());
  TerminalEndpoint where;
  where.port = r.port;
  run_terminal(where, term, estate->command());
  EXPECT_EQ(term.state(), terminal::State::T_DONE);
  // Each idle connection gets ABORT 23 when its T_RESPONSE runs out, then the server closes it.
  EXPECT_EQ(to_hex(read_to_end(idle.front())), "00047f013233");
  EXPECT_EQ(to_hex(read_to_end(idle.back())), "00047f013233");
  RecordProperty("idle_connections", static_cast<int>(idle_count));
}

TEST(Server, TheLogOfAWholeRunHoldsNoSecretOfTheEstate) {
  // REQ-SRV-006, REQ-CRYPTO-015: never key material, a password or a verifier.
  sim::EstateOptions options;
  options.trans = TransCode::kKeyDownload;
  auto estate = sim::make_estate(options);
  Running r(*estate, test_options());
  terminal::Session term(estate->terminal_config, estate->terminal_ports());
  TerminalEndpoint where;
  where.port = r.port;
  run_terminal(where, term, estate->command());
  ASSERT_EQ(term.state(), terminal::State::T_DONE);
  r.server.stop();
  r.thread.join();
  r.thread = std::thread([] {});
  const std::string log = r.log_text();
  std::vector<Bytes> secrets = {to_bytes(estate->terminal_config.dmk.view()), Bytes(estate->operator_password.begin(),
                                                                           estate->operator_password.end())};
  for (const auto& k : estate->key_set_keys) secrets.push_back(to_bytes(k.view()));
  for (const auto& op : estate->registry.operators) secrets.push_back(to_bytes(op.opv().view()));
  for (const Bytes& s : secrets) {
    EXPECT_EQ(log.find(to_hex(s)), std::string::npos);
    EXPECT_EQ(log.find(std::string(s.begin(), s.end())), std::string::npos);
  }
}

}  // namespace
}  // namespace tmsproto::net
