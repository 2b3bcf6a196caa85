#include "codec/stream_framing.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "protocol/constants.h"

namespace tmsproto::codec {
namespace {

// Checks REQ-FRAME-002.
TEST(StreamFraming, PrefixesTwoOctetBigEndianLength) {
  const Bytes body(300, 0xab);
  const Bytes framed = frame_for_stream(body);
  ASSERT_EQ(framed.size(), 302u);
  EXPECT_EQ(framed[0], 0x01);
  EXPECT_EQ(framed[1], 0x2c);
}

// REQ-FRAME-001: refused from the length alone, before any body octet arrives.
TEST(StreamFraming, LengthOutsideBoundsIsRefusedBeforeTheBody) {
  StreamDeframer d;
  d.feed(Bytes{0x20, 0x01});  // 8193
  EXPECT_EQ(d.next().error().field, "LEN");
  StreamDeframer d2;
  d2.feed(Bytes{0x00, 0x03});
  EXPECT_FALSE(d2.next().ok());
}

// REQ-FRAME-004
TEST(StreamFraming, PartialFrameIsReportedAsUnfinished) {
  StreamDeframer d;
  d.feed(Bytes{0x00, 0x04, 0x7f});
  EXPECT_FALSE(d.next()->has_value());
  EXPECT_TRUE(d.has_partial_frame());
}

// REQ-FRAME-003: any split of the stream yields the same bodies.
// Checks REQ-FRAME-002, REQ-FRAME-020.
RC_GTEST_PROP(StreamFraming, AnySplitOfTheStreamYieldsTheSameBodies, ()) {
  const auto bodies = *rc::gen::container<std::vector<Bytes>>(
      rc::gen::mapcat(rc::gen::inRange<std::size_t>(kMinBody, 300), [](std::size_t n) {
        return rc::gen::container<Bytes>(n, rc::gen::arbitrary<std::uint8_t>());
      }));
  Bytes stream;
  for (const Bytes& b : bodies) {
    const Bytes f = frame_for_stream(b);
    stream.insert(stream.end(), f.begin(), f.end());
  }
  StreamDeframer d;
  std::vector<Bytes> out;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    const std::size_t n = *rc::gen::inRange<std::size_t>(1, stream.size() - pos + 1);
    d.feed(ByteView(stream).subspan(pos, n));
    pos += n;
    for (;;) {
      auto next = d.next();
      RC_ASSERT(next.ok());
      if (!next->has_value()) break;
      out.push_back(std::move(**next));
    }
  }
  RC_ASSERT(out == bodies);
  RC_ASSERT(!d.has_partial_frame());
}

}  // namespace
}  // namespace tmsproto::codec
