// The step-by-step TCP client (net/stream_client.h) against a peer that writes what a test tells it:
// whole frames, a frame too long for REQ-FRAME-001, half a frame, or nothing.
#include "net/stream_client.h"

#include <gtest/gtest.h>

#include <asio.hpp>
#include <thread>

namespace tmsproto::net {
namespace {

using namespace std::chrono_literals;

// Accepts one connection on a free loopback port, writes `octets`, then keeps it open for `hold`
// (or until the client closes) and closes it.
class Peer {
 public:
  Peer(Bytes octets, std::chrono::milliseconds hold) {
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port = acceptor_.local_endpoint().port();
    thread_ = std::thread([this, octets = std::move(octets), hold] {
      asio::ip::tcp::socket s = acceptor_.accept();
      asio::write(s, asio::buffer(octets));
      std::this_thread::sleep_for(hold);
      asio::error_code ignored;
      s.close(ignored);
    });
  }
  ~Peer() { thread_.join(); }
  std::uint16_t port = 0;

 private:
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_{io_};
  std::thread thread_;
};

StreamClient::Deadline in(std::chrono::milliseconds ms) { return std::chrono::steady_clock::now() + ms; }

TEST(StreamClient, ReadsWholeFramesThenTheClose) {
  // REQ-FRAME-002: two frames in one write come out as two bodies; REQ-FRAME-004: then the close.
  Peer peer({0x00, 0x04, 0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05}, 0ms);
  auto c = StreamClient::connect("127.0.0.1", peer.port, in(2000ms));
  ASSERT_TRUE(c.ok()) << c.error();
  Bytes body;
  ASSERT_EQ((*c)->receive(body, in(2000ms)), StreamClient::Read::kBody);
  EXPECT_EQ(body, (Bytes{0xAA, 0xBB, 0xCC, 0xDD}));
  ASSERT_EQ((*c)->receive(body, in(2000ms)), StreamClient::Read::kBody);
  EXPECT_EQ(body, (Bytes{0x01, 0x02, 0x03, 0x04, 0x05}));
  EXPECT_EQ((*c)->receive(body, in(2000ms)), StreamClient::Read::kClosed);
}

TEST(StreamClient, AFrameLongerThanMaxBodyIsRefusedFromItsLength) {
  // REQ-FRAME-001: 0x2001 = 8193 announced; nothing of the body is waited for.
  Peer peer({0x20, 0x01, 0x00}, 3000ms);
  auto c = StreamClient::connect("127.0.0.1", peer.port, in(2000ms));
  ASSERT_TRUE(c.ok()) << c.error();
  Bytes body;
  EXPECT_EQ((*c)->receive(body, in(2000ms)), StreamClient::Read::kMalformed);
}

TEST(StreamClient, HalfAFrameThenTheCloseIsClosedAndSilenceTimesOut) {
  Peer half({0x00, 0x05, 0x01, 0x02}, 0ms);
  auto c = StreamClient::connect("127.0.0.1", half.port, in(2000ms));
  ASSERT_TRUE(c.ok()) << c.error();
  Bytes body;
  EXPECT_EQ((*c)->receive(body, in(2000ms)), StreamClient::Read::kClosed);  // REQ-FRAME-004

  Peer silent({}, 1000ms);
  auto d = StreamClient::connect("127.0.0.1", silent.port, in(2000ms));
  ASSERT_TRUE(d.ok()) << d.error();
  const auto begun = std::chrono::steady_clock::now();
  EXPECT_EQ((*d)->receive(body, in(200ms)), StreamClient::Read::kTimedOut);
  EXPECT_LT(std::chrono::steady_clock::now() - begun, 900ms);
  EXPECT_TRUE((*d)->send(Bytes{0x01, 0x02, 0x03, 0x04}, in(1000ms)));
}

TEST(StreamClient, NoListenerIsOneLineSayingWhy) {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  const std::uint16_t port = a.local_endpoint().port();
  a.close();
  auto c = StreamClient::connect("127.0.0.1", port, in(2000ms));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().find("cannot connect to 127.0.0.1:" + std::to_string(port)), std::string::npos) << c.error();
}

}  // namespace
}  // namespace tmsproto::net
