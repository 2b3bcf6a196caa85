// REQ-FRAME-002, REQ-FRAME-010: the suite's check of what a terminal sent below its messages,
// against frames the codec's own framings write.
#include "conformance/runner/frame_checks.h"

#include <gtest/gtest.h>

#include "codec/serial_link.h"
#include "codec/stream_framing.h"

namespace tmsproto::conformance {
namespace {

const Bytes kFirst = {0x01, 0x10, 0x20, 0x30, 0x40};
const Bytes kSecond = {0x05, 0x11, 0x22, 0x33};

std::vector<WireMessage> terminal_sent() {
  WireMessage a;
  a.from_terminal = true;
  a.body = kFirst;
  WireMessage suite;
  suite.body = {0x02, 0x00, 0x00, 0x00};
  WireMessage b = a;
  b.body = kSecond;
  return {a, suite, b};
}

// The octets as reads of `sizes` octets each (the rest in the last).
std::vector<RawRead> reads(const Bytes& all, std::size_t size) {
  std::vector<RawRead> out;
  for (std::size_t at = 0; at < all.size(); at += size) {
    const std::size_t n = std::min(size, all.size() - at);
    out.push_back({Bytes(all.begin() + static_cast<std::ptrdiff_t>(at), all.begin() + static_cast<std::ptrdiff_t>(at + n)), 0});
  }
  return out;
}

Bytes joined(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(WholeFrames, StreamFramesOfTheMessagesInAnySplitPass) {
  const Bytes all = joined({codec::frame_for_stream(kFirst), codec::frame_for_stream(kSecond)});
  for (std::size_t size : {1u, 3u, 100u}) EXPECT_FALSE(check_whole_frames(reads(all, size), terminal_sent(), false));
}

TEST(WholeFrames, AnOctetAfterTheLastStreamFrameFails) {
  const Bytes all = joined({codec::frame_for_stream(kFirst), codec::frame_for_stream(kSecond), Bytes{0x00}});
  const auto m = check_whole_frames(reads(all, 100), terminal_sent(), false);
  ASSERT_TRUE(m);
  EXPECT_NE(m->expected.find("REQ-FRAME-002"), std::string::npos);
  EXPECT_NE(m->seen.find("1 octets (00)"), std::string::npos) << m->seen;
}

TEST(WholeFrames, AStreamFrameOfAnotherBodyOrAnOutOfRangeLenFails) {
  EXPECT_TRUE(check_whole_frames(reads(joined({codec::frame_for_stream(kSecond)}), 100), terminal_sent(), false));
  EXPECT_TRUE(check_whole_frames(reads(Bytes{0x00, 0x02, 0x01, 0x10}, 100), terminal_sent(), false));
}

TEST(WholeFrames, SerialFramesAcksNaksAndResendsPass) {
  const Bytes first = codec::frame_for_serial(kFirst);
  const Bytes all = joined({first, first, Bytes{codec::kAck}, Bytes{codec::kNak}, codec::frame_for_serial(kSecond)});
  EXPECT_FALSE(check_whole_frames(reads(all, 2), terminal_sent(), true));
}

TEST(WholeFrames, SerialGarbageOrABadLrcFails) {
  const auto garbage = check_whole_frames(reads(joined({Bytes{0x7F}, codec::frame_for_serial(kFirst)}), 9),
                                          terminal_sent(), true);
  ASSERT_TRUE(garbage);
  EXPECT_NE(garbage->expected.find("REQ-FRAME-010"), std::string::npos);
  Bytes bad = codec::frame_for_serial(kFirst);
  bad.back() ^= 0x01;
  EXPECT_TRUE(check_whole_frames(reads(bad, 9), terminal_sent(), true));
  // Stream octets on a line are not serial frames either.
  EXPECT_TRUE(check_whole_frames(reads(codec::frame_for_stream(kFirst), 9), terminal_sent(), true));
}

// REQ-FRAME-012: three copies, each resend 1.5-3 s after the copy before it, then nothing.
std::vector<RawRead> copies(std::initializer_list<std::int64_t> at_ms) {
  std::vector<RawRead> out;
  for (std::int64_t at : at_ms) out.push_back({codec::frame_for_serial(kFirst), at});
  return out;
}

TEST(Resends, ThreeCopiesAboutTwoSecondsApartPass) {
  EXPECT_FALSE(check_resends(copies({1000, 3000, 5000})));
  EXPECT_FALSE(check_resends(copies({0, kResendEarliestMs, kResendEarliestMs + kResendLatestMs})));
}

TEST(Resends, AFourthCopyTooFewOrAResendOutsideTheWindowFails) {
  EXPECT_TRUE(check_resends(copies({0, 2000, 4000, 6000})));
  EXPECT_TRUE(check_resends(copies({0, 2000})));
  EXPECT_TRUE(check_resends(copies({0, 1000, 3000})));  // a resend after 1 s
  EXPECT_TRUE(check_resends(copies({0, 2000, 5500})));  // after 3.5 s
  std::vector<RawRead> then_abort = copies({0, 2000, 4000});
  then_abort.push_back({codec::frame_for_serial(kSecond), 4500});
  const auto m = check_resends(then_abort);
  ASSERT_TRUE(m);
  EXPECT_NE(m->seen.find("a frame, a frame 2000 ms later, a frame 2000 ms later, a frame 500 ms later"),
            std::string::npos)
      << m->seen;
}

// REQ-FRAME-011, REQ-FRAME-013: one ACK per good frame written, NAKs counted.
TEST(LinkReplies, AcksAndNaksAreCountedAgainstTheFramesWritten) {
  const std::vector<RawRead> replies = {{Bytes{codec::kNak, codec::kAck}, 0}, {codec::frame_for_serial(kFirst), 0},
                                        {Bytes{codec::kAck}, 0}};
  EXPECT_FALSE(check_link_replies(replies, 2, 1));
  EXPECT_TRUE(check_link_replies(replies, 3, 1));
  EXPECT_TRUE(check_link_replies(replies, 2, 0));
}

}  // namespace
}  // namespace tmsproto::conformance
