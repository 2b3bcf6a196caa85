#include "codec/serial_link.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "common/hex.h"
#include "protocol/constants.h"

namespace tmsproto::codec {
namespace {

// spec/02-transport.md 2.3 by hand: body 7F 01 31 33 (ABORT 13) -> 02 | 00 04 | body | 03 | LRC,
// LRC = 00 ^ 04 ^ 7F ^ 01 ^ 31 ^ 33 ^ 03 = 0x7B.
// Checks REQ-FRAME-010.
TEST(SerialFraming, LayoutIsStxBcdLengthBodyEtxLrc) {
  EXPECT_EQ(to_hex(frame_for_serial(Bytes{0x7f, 0x01, 0x31, 0x33})), "0200047f013133037b");
  EXPECT_EQ(to_hex(ByteView(frame_for_serial(Bytes(8192, 0))).first(3)), "028192");
}

TEST(SerialLink, GoodFrameIsAcknowledgedAndDelivered) {
  SerialLink rx;
  auto out = rx.receive(*from_hex("0200047f013133037b"));
  EXPECT_EQ(out.write, Bytes{kAck});
  ASSERT_EQ(out.delivered.size(), 1u);
  EXPECT_EQ(to_hex(out.delivered[0]), "7f013133");
}

// REQ-FRAME-011
TEST(SerialLink, BadLrcEtxOrLengthIsNakedAndNotDelivered) {
  SerialLink rx;
  EXPECT_EQ(rx.receive(*from_hex("0200047f013133037c")).write, Bytes{kNak});  // LRC
  EXPECT_EQ(rx.receive(*from_hex("0200047f013133047b")).write, Bytes{kNak});  // ETX
  EXPECT_EQ(rx.receive(*from_hex("02000a")).write, Bytes{kNak});              // not BCD
  EXPECT_EQ(rx.receive(*from_hex("020003")).write, Bytes{kNak});              // below MIN_BODY
  EXPECT_EQ(rx.receive(*from_hex("028193")).write, Bytes{kNak});              // above MAX_BODY
  EXPECT_TRUE(rx.receive(*from_hex("0200047f013133037b")).delivered.size() == 1u);
}

TEST(SerialLink, NoiseBeforeStxIsDiscarded) {
  SerialLink rx;
  auto out = rx.receive(*from_hex("ff00aa550200047f013133037b"));
  EXPECT_EQ(out.delivered.size(), 1u);
}

// REQ-FRAME-013: a resend after a lost ACK is acknowledged again but delivered once.
TEST(SerialLink, RepeatOfTheLastFrameIsAcknowledgedButNotDeliveredTwice) {
  SerialLink rx;
  const Bytes f = *from_hex("0200047f013133037b");
  EXPECT_EQ(rx.receive(f).delivered.size(), 1u);
  auto again = rx.receive(f);
  EXPECT_EQ(again.write, Bytes{kAck});
  EXPECT_TRUE(again.delivered.empty());
}

// REQ-FRAME-012: at most three sends, then the link is lost.
TEST(SerialLink, SenderResendsOnNakOrSilenceThenGivesUp) {
  SerialLink tx;
  const Bytes body{0x7f, 0x01, 0x31, 0x33};
  auto first = tx.send(body);
  EXPECT_EQ(first.write, frame_for_serial(body));
  EXPECT_TRUE(first.arm_ack_timer);
  EXPECT_EQ(tx.receive(Bytes{kNak}).write, frame_for_serial(body));  // second send
  EXPECT_EQ(tx.timeout().write, frame_for_serial(body));              // third send
  auto lost = tx.timeout();
  EXPECT_TRUE(lost.link_lost);
  EXPECT_TRUE(tx.lost());
}

TEST(SerialLink, QueuedBodiesGoOutOneAtATimeAfterEachAck) {
  SerialLink tx;
  const Bytes a{0x7f, 0x01, 0x31, 0x33}, b{0x7f, 0x01, 0x32, 0x33};
  EXPECT_FALSE(tx.send(a).write.empty());
  EXPECT_TRUE(tx.send(b).write.empty());  // waits for a's ACK
  EXPECT_EQ(tx.receive(Bytes{kAck}).write, frame_for_serial(b));
  EXPECT_TRUE(tx.receive(Bytes{kAck}).write.empty());
  EXPECT_FALSE(tx.awaiting_ack());
}

// Two links back to back over a line that may split octets anywhere deliver every body in order.
// Consecutive bodies differ, as in a session (REQ-FRAME-013: each envelope carries its SEQ).
// Checks REQ-FRAME-010, REQ-FRAME-020.
RC_GTEST_PROP(SerialLink, BodiesCrossAnyReadSplitInOrder, ()) {
  auto bodies = *rc::gen::container<std::vector<Bytes>>(rc::gen::mapcat(
      rc::gen::inRange<std::size_t>(kMinBody, 200),
      [](std::size_t n) { return rc::gen::container<Bytes>(n, rc::gen::arbitrary<std::uint8_t>()); }));
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    bodies[i][0] = static_cast<std::uint8_t>(i);
    bodies[i][1] = static_cast<std::uint8_t>(i >> 8);
  }
  SerialLink a, b;
  std::vector<Bytes> got;
  Bytes a_to_b, b_to_a;
  auto pump = [&](SerialLink::Output o, Bytes& line) {
    line.insert(line.end(), o.write.begin(), o.write.end());
    for (auto& d : o.delivered) got.push_back(std::move(d));
  };
  for (const Bytes& body : bodies) pump(a.send(body), a_to_b);
  for (int guard = 0; guard < 100000 && (!a_to_b.empty() || !b_to_a.empty()); ++guard) {
    if (!a_to_b.empty()) {
      const auto n = *rc::gen::inRange<std::size_t>(1, a_to_b.size() + 1);
      Bytes chunk(a_to_b.begin(), a_to_b.begin() + static_cast<std::ptrdiff_t>(n));
      a_to_b.erase(a_to_b.begin(), a_to_b.begin() + static_cast<std::ptrdiff_t>(n));
      pump(b.receive(chunk), b_to_a);
    }
    if (!b_to_a.empty()) {
      Bytes chunk = std::move(b_to_a);
      b_to_a.clear();
      auto o = a.receive(chunk);
      a_to_b.insert(a_to_b.end(), o.write.begin(), o.write.end());
    }
  }
  RC_ASSERT(got == bodies);
}

}  // namespace
}  // namespace tmsproto::codec
