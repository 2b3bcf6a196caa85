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

}  // namespace
}  // namespace tmsproto::conformance
