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

// --- With a TPDU (spec/02-transport.md section 2.5) ------------------------------------------

const Tpdu kTerminalTpdu{Nii{0x00, 0x03}, Nii{0x00, 0x00}};  // to the TMS behind NII 003
const Tpdu kTmsTpdu = kTerminalTpdu.swapped();
const Bytes kAbort13{0x7f, 0x01, 0x31, 0x33};

// A serial frame of arbitrary content (LEN counts all of it) with a correct LRC.
Bytes serial_frame_of(ByteView content) {
  Bytes f{kStx, static_cast<std::uint8_t>(((content.size() / 1000) << 4) | (content.size() / 100 % 10)),
          static_cast<std::uint8_t>(((content.size() / 10 % 10) << 4) | (content.size() % 10))};
  for (std::uint8_t b : content) f.push_back(b);  // (an insert here trips GCC 12's -Warray-bounds)
  f.push_back(kEtx);
  std::uint8_t lrc = 0;
  for (std::size_t i = 1; i < f.size(); ++i) lrc ^= f[i];
  f.push_back(lrc);
  return f;
}

// By hand: 02 | 00 09 | 60 00 03 00 00 | 7F 01 31 33 | 03 | LRC, LRC = 00 ^ 09 ^ 60 ^ 03 ^ 7F ^ 01
// ^ 31 ^ 33 ^ 03 = 0x15.
// Checks REQ-FRAME-030, REQ-FRAME-032: the TPDU sits between LEN and body, under the LRC.
TEST(SerialLinkTpdu, TpduSitsBetweenLenAndBodyUnderTheLrc) {
  EXPECT_EQ(to_hex(frame_for_serial(kTerminalTpdu, kAbort13)), "02000960000300007f0131330315");
  EXPECT_EQ(frame_for_serial(kTerminalTpdu, kAbort13), serial_frame_of(*from_hex("60000300007f013133")));
  EXPECT_EQ(to_hex(ByteView(frame_for_serial(kTerminalTpdu, Bytes(8192, 0))).first(3)), "028197");
}

// Checks REQ-FRAME-035: acknowledged and delivered without the TPDU, which the link keeps.
TEST(SerialLinkTpdu, GoodFrameIsAcknowledgedAndDeliveredWithoutItsTpdu) {
  SerialLink tms(TpduConfig::tms(kTmsTpdu));
  auto out = tms.receive(frame_for_serial(kTerminalTpdu, kAbort13));
  EXPECT_EQ(out.write, Bytes{kAck});
  ASSERT_EQ(out.delivered.size(), 1u);
  EXPECT_EQ(out.delivered[0], kAbort13);
  EXPECT_FALSE(out.rx_malformed);
  EXPECT_EQ(tms.last_tpdu(), kTerminalTpdu);
}

// Checks REQ-FRAME-003, REQ-FRAME-011 with a TPDU: one octet at a time, the link answers only at the LRC.
TEST(SerialLinkTpdu, OneOctetAtATimeIsAcknowledgedAndDeliveredAtTheLrc) {
  SerialLink tms(TpduConfig::tms(kTmsTpdu));
  const Bytes f = frame_for_serial(kTerminalTpdu, kAbort13);
  for (std::size_t i = 0; i + 1 < f.size(); ++i) {
    auto out = tms.receive(ByteView(f).subspan(i, 1));
    EXPECT_TRUE(out.write.empty());
    EXPECT_TRUE(out.delivered.empty());
  }
  auto out = tms.receive(ByteView(f).last(1));
  EXPECT_EQ(out.write, Bytes{kAck});
  ASSERT_EQ(out.delivered.size(), 1u);
  EXPECT_EQ(out.delivered[0], kAbort13);
}

// REQ-FRAME-037: a frame whose LEN, ETX and LRC are good is ACKed whatever its TPDU_ID; a wrong
// ID is then RX_MALFORMED, once: its resend (REQ-FRAME-013) is ACKed again and not reported again,
// and no later body is delivered.
TEST(SerialLinkTpdu, WrongIdIsAcknowledgedThenReportedMalformedOnce) {
  SerialLink tms(TpduConfig::tms(kTmsTpdu));
  const Bytes bad = serial_frame_of(*from_hex("61000300007f013133"));
  auto first = tms.receive(bad);
  EXPECT_EQ(first.write, Bytes{kAck});
  EXPECT_TRUE(first.delivered.empty());
  EXPECT_TRUE(first.rx_malformed);
  auto resend = tms.receive(bad);
  EXPECT_EQ(resend.write, Bytes{kAck});
  EXPECT_FALSE(resend.rx_malformed);
  auto later = tms.receive(frame_for_serial(kTerminalTpdu, Bytes{0x7f, 0x01, 0x30, 0x31}));
  EXPECT_EQ(later.write, Bytes{kAck});
  EXPECT_TRUE(later.delivered.empty());
  EXPECT_FALSE(later.rx_malformed);
}

// REQ-FRAME-037: the same frame with a damaged ID octet fails its LRC and is NAKed as line noise.
TEST(SerialLinkTpdu, DamagedIdOctetIsNakedByTheLrcNotReported) {
  SerialLink tms(TpduConfig::tms(kTmsTpdu));
  Bytes f = frame_for_serial(kTerminalTpdu, kAbort13);
  f[3] ^= 0x01;
  auto out = tms.receive(f);
  EXPECT_EQ(out.write, Bytes{kNak});
  EXPECT_FALSE(out.rx_malformed);
}

// REQ-FRAME-032 with REQ-FRAME-011: a LEN too short for a TPDU and the smallest body, or above
// TPDU + MAX_BODY, is NAKed at the length octet.
TEST(SerialLinkTpdu, FrameTooShortForATpduIsNakedAtItsLength) {
  SerialLink tms(TpduConfig::tms(kTmsTpdu));
  EXPECT_EQ(tms.receive(*from_hex("020008")).write, Bytes{kNak});
  EXPECT_EQ(tms.receive(frame_for_serial(kAbort13)).write, Bytes{kNak});  // LEN 0004, refused at 04
  EXPECT_EQ(tms.receive(*from_hex("028198")).write, Bytes{kNak});
  auto good = tms.receive(frame_for_serial(kTerminalTpdu, kAbort13));
  EXPECT_EQ(good.delivered.size(), 1u);
}

// Checks REQ-FRAME-034: the TMS's end sends its configured TPDU before any frame, then the NIIs of
// the last frame it accepted, swapped, rewritten by a NAC or not; a resend repeats the same octets.
TEST(SerialLinkTpdu, TmsAnswersWithTheNiisOfTheLastFrameSwapped) {
  SerialLink tms(TpduConfig::tms(kTmsTpdu));
  auto before = tms.send(kAbort13);
  EXPECT_EQ(before.write, frame_for_serial(kTmsTpdu, kAbort13));
  EXPECT_TRUE(tms.receive(Bytes{kAck}).write.empty());
  const Tpdu rewritten{Nii{0x00, 0x03}, Nii{0x00, 0x42}};
  ASSERT_EQ(tms.receive(frame_for_serial(rewritten, kAbort13)).delivered.size(), 1u);
  const Bytes body{0x7f, 0x01, 0x30, 0x31};
  EXPECT_EQ(tms.send(body).write, frame_for_serial(rewritten.swapped(), body));
  EXPECT_EQ(tms.timeout().write, frame_for_serial(rewritten.swapped(), body));
}

// Checks REQ-FRAME-033: the terminal's end sends its configured TPDU whatever it received.
TEST(SerialLinkTpdu, TerminalSendsItsConfiguredTpduWhateverItReceived) {
  SerialLink terminal(TpduConfig::terminal(kTerminalTpdu));
  ASSERT_EQ(terminal.receive(frame_for_serial(Tpdu{Nii{0x12, 0x34}, Nii{0x56, 0x78}}, kAbort13)).delivered.size(), 1u);
  EXPECT_EQ(terminal.send(kAbort13).write, frame_for_serial(kTerminalTpdu, kAbort13));
}

// Checks REQ-FRAME-038: a link without a TPDU acknowledges a frame that carries one and delivers
// its TPDU as the start of the body, whose type octet 0x60 the protocol layer refuses (01).
TEST(SerialLinkTpdu, LinkWithoutTpduDeliversATpduAsPartOfTheBody) {
  SerialLink plain;
  auto out = plain.receive(frame_for_serial(kTerminalTpdu, kAbort13));
  EXPECT_EQ(out.write, Bytes{kAck});
  ASSERT_EQ(out.delivered.size(), 1u);
  EXPECT_EQ(to_hex(out.delivered[0]), "60000300007f013133");
}

// A terminal and a TMS with TPDUs back to back over a line that splits octets anywhere: every body
// arrives unchanged and in order, the TPDU never changes a body, and the TMS's answers carry the
// terminal's NIIs swapped.
// Checks REQ-FRAME-030, REQ-FRAME-034, REQ-FRAME-035.
RC_GTEST_PROP(SerialLinkTpdu, BodiesCrossAnyReadSplitUnchangedWithTpdus, ()) {
  auto bodies = *rc::gen::container<std::vector<Bytes>>(rc::gen::mapcat(
      rc::gen::inRange<std::size_t>(kMinBody, 200),
      [](std::size_t n) { return rc::gen::container<Bytes>(n, rc::gen::arbitrary<std::uint8_t>()); }));
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    bodies[i][0] = static_cast<std::uint8_t>(i);
    bodies[i][1] = static_cast<std::uint8_t>(i >> 8);
  }
  const Tpdu terminal_tpdu{*rc::gen::arbitrary<Nii>(), *rc::gen::arbitrary<Nii>()};
  SerialLink terminal(TpduConfig::terminal(terminal_tpdu)), tms(TpduConfig::tms(Tpdu{}));
  std::vector<Bytes> got;
  Bytes to_tms, to_terminal;
  for (const Bytes& body : bodies) {
    auto o = terminal.send(body);
    to_tms.insert(to_tms.end(), o.write.begin(), o.write.end());
  }
  for (int guard = 0; guard < 100000 && (!to_tms.empty() || !to_terminal.empty()); ++guard) {
    if (!to_tms.empty()) {
      const auto n = *rc::gen::inRange<std::size_t>(1, to_tms.size() + 1);
      Bytes chunk(to_tms.begin(), to_tms.begin() + static_cast<std::ptrdiff_t>(n));
      to_tms.erase(to_tms.begin(), to_tms.begin() + static_cast<std::ptrdiff_t>(n));
      auto o = tms.receive(chunk);
      RC_ASSERT(!o.rx_malformed);
      to_terminal.insert(to_terminal.end(), o.write.begin(), o.write.end());
      for (auto& d : o.delivered) got.push_back(std::move(d));
    }
    if (!to_terminal.empty()) {
      Bytes chunk = std::move(to_terminal);
      to_terminal.clear();
      auto o = terminal.receive(chunk);
      to_tms.insert(to_tms.end(), o.write.begin(), o.write.end());
    }
  }
  RC_ASSERT(got == bodies);
  if (bodies.empty()) return;
  RC_ASSERT(tms.last_tpdu() == terminal_tpdu);
  const Bytes answer = tms.send(bodies.front()).write;
  RC_ASSERT(answer == frame_for_serial(terminal_tpdu.swapped(), bodies.front()));
}

}  // namespace
}  // namespace tmsproto::codec
