#include "codec/stream_framing.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "codec/header.h"
#include "common/hex.h"
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

// --- With a TPDU (spec/02-transport.md section 2.5) ------------------------------------------

const Tpdu kTerminalTpdu{Nii{0x00, 0x03}, Nii{0x00, 0x00}};  // to the TMS behind NII 003
const Bytes kAbort13{0x7f, 0x01, 0x31, 0x33};

// Checks REQ-FRAME-030, REQ-FRAME-032: LEN counts the TPDU and the body.
TEST(StreamFramingTpdu, LenCountsTpduAndBody) {
  EXPECT_EQ(to_hex(frame_for_stream(kTerminalTpdu, kAbort13)), "000960000300007f013133");
  EXPECT_EQ(to_hex(ByteView(frame_for_stream(kTerminalTpdu, Bytes(kMaxBody, 0))).first(3)), "200560");
}

// Checks REQ-FRAME-035: the body comes out without the TPDU, which the deframer keeps.
TEST(StreamFramingTpdu, BodyComesOutWithoutTheTpduWhichIsKept) {
  StreamDeframer d(LinkHeader::kTpdu);
  d.feed(frame_for_stream(kTerminalTpdu, kAbort13));
  auto next = d.next();
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ(**next, kAbort13);
  EXPECT_EQ(d.last_tpdu(), kTerminalTpdu);
  EXPECT_FALSE(d.has_partial_frame());
}

// Checks REQ-FRAME-003 with a TPDU: nothing comes out before the last octet.
TEST(StreamFramingTpdu, OneOctetAtATimeYieldsTheBodyOnlyAtTheLastOctet) {
  const Bytes f = frame_for_stream(kTerminalTpdu, kAbort13);
  StreamDeframer d(LinkHeader::kTpdu);
  for (std::size_t i = 0; i + 1 < f.size(); ++i) {
    d.feed(ByteView(f).subspan(i, 1));
    auto next = d.next();
    ASSERT_TRUE(next.ok());
    EXPECT_FALSE(next->has_value());
    EXPECT_TRUE(d.has_partial_frame());
  }
  d.feed(ByteView(f).last(1));
  auto next = d.next();
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ(**next, kAbort13);
}

// REQ-FRAME-036: refused at the ID octet, before the rest arrives, as 01; the deframer stays failed.
TEST(StreamFramingTpdu, WrongIdIsRefusedAsSoonAsItArrives) {
  StreamDeframer d(LinkHeader::kTpdu);
  d.feed(Bytes{0x00, 0x09});
  EXPECT_FALSE(d.next()->has_value());
  d.feed(Bytes{0x61});
  auto refused = d.next();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ResponseCode::kMalformed);
  EXPECT_EQ(refused.error().field, "TPDU_ID");
  EXPECT_FALSE(d.has_partial_frame());
  d.feed(frame_for_stream(kTerminalTpdu, kAbort13));
  EXPECT_EQ(d.next().error().field, "TPDU_ID");
}

// REQ-FRAME-032: a frame too short for a TPDU and the smallest body is a LEN out of bounds,
// refused from the two LEN octets; the upper bound moves by five too.
TEST(StreamFramingTpdu, FrameTooShortForATpduIsRefusedByItsLen) {
  for (const Bytes& len : {Bytes{0x00, 0x08}, Bytes{0x00, 0x04}, Bytes{0x20, 0x06}}) {
    StreamDeframer d(LinkHeader::kTpdu);
    d.feed(len);
    auto refused = d.next();
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().field, "LEN");
  }
  StreamDeframer d(LinkHeader::kTpdu);
  d.feed(Bytes{0x20, 0x05});  // 8197 = TPDU + MAX_BODY
  EXPECT_TRUE(d.next().ok());
}

// Checks REQ-FRAME-038 one way and REQ-FRAME-036 the other: a configuration mismatch ends the first
// exchange with 01 on both sides.
TEST(StreamFramingTpdu, MismatchedConfigurationIsMalformedEitherWay) {
  StreamDeframer plain;
  plain.feed(frame_for_stream(kTerminalTpdu, kAbort13));
  auto body = plain.next();
  ASSERT_TRUE(body.ok() && body->has_value());
  EXPECT_EQ((**body)[0], kTpduId);
  auto type = peek_type(**body);  // REQ-MSG-001: 0x60 is no message type
  ASSERT_FALSE(type.ok());
  EXPECT_EQ(type.error().code, ResponseCode::kMalformed);

  StreamDeframer with_tpdu(LinkHeader::kTpdu);
  with_tpdu.feed(frame_for_stream(Bytes{0x7f, 0x01, 0x31, 0x33, 0, 0, 0, 0, 0}));
  EXPECT_EQ(with_tpdu.next().error().field, "TPDU_ID");
}

// Checks REQ-FRAME-034 over the stream framing: the TMS's end answers to the NIIs of the last frame
// it received, swapped, as a NAC that rewrote the source address expects.
TEST(StreamFramingTpdu, TmsAnswerCarriesTheSwappedNiisOfTheLastFrame) {
  const TpduConfig tms = TpduConfig::tms(Tpdu{Nii{0x00, 0x00}, Nii{0x00, 0x03}});
  StreamDeframer d(LinkHeader::kTpdu);
  EXPECT_EQ(to_hex(frame_for_stream(tms.outgoing(d.last_tpdu()), kAbort13)), "000960000000037f013133");
  d.feed(*from_hex("000960000300427f013133"));  // SRC_NII rewritten to 0042 by the NAC
  ASSERT_TRUE(d.next()->has_value());
  EXPECT_EQ(to_hex(frame_for_stream(tms.outgoing(d.last_tpdu()), kAbort13)), "000960004200037f013133");
}

// Framing then deframing with a TPDU is the identity on bodies under any split of the stream, each
// frame's TPDU is the one its body came with, and the TPDU never changes the body: the same bodies
// come out of the same stream framed without one.
// Checks REQ-FRAME-003, REQ-FRAME-030, REQ-FRAME-035.
RC_GTEST_PROP(StreamFramingTpdu, FramingThenDeframingIsIdentityUnderAnySplit, ()) {
  const auto bodies = *rc::gen::container<std::vector<Bytes>>(
      rc::gen::mapcat(rc::gen::inRange<std::size_t>(kMinBody, 300), [](std::size_t n) {
        return rc::gen::container<Bytes>(n, rc::gen::arbitrary<std::uint8_t>());
      }));
  std::vector<Tpdu> tpdus;
  Bytes stream, plain_stream;
  for (const Bytes& b : bodies) {
    tpdus.push_back(Tpdu{*rc::gen::arbitrary<Nii>(), *rc::gen::arbitrary<Nii>()});
    const Bytes f = frame_for_stream(tpdus.back(), b);
    RC_ASSERT(f.size() == 2 + kTpduLength + b.size());
    stream.insert(stream.end(), f.begin(), f.end());
    const Bytes p = frame_for_stream(b);
    plain_stream.insert(plain_stream.end(), p.begin(), p.end());
  }
  auto deframe = [](StreamDeframer& d, ByteView s, std::vector<Tpdu>* seen) {
    std::vector<Bytes> out;
    std::size_t pos = 0;
    while (pos < s.size()) {
      const std::size_t n = *rc::gen::inRange<std::size_t>(1, s.size() - pos + 1);
      d.feed(s.subspan(pos, n));
      pos += n;
      for (;;) {
        auto next = d.next();
        RC_ASSERT(next.ok());
        if (!next->has_value()) break;
        out.push_back(std::move(**next));
        if (seen) seen->push_back(*d.last_tpdu());
      }
    }
    RC_ASSERT(!d.has_partial_frame());
    return out;
  };
  StreamDeframer with_tpdu(LinkHeader::kTpdu), without;
  std::vector<Tpdu> seen;
  RC_ASSERT(deframe(with_tpdu, stream, &seen) == bodies);
  RC_ASSERT(seen == tpdus);
  RC_ASSERT(deframe(without, plain_stream, nullptr) == bodies);
}

}  // namespace
}  // namespace tmsproto::codec
