#include "codec/envelope.h"

#include <gtest/gtest.h>

namespace tmsproto::codec {
namespace {

Envelope sample(Profile p) {
  return Envelope{MsgType::kFrameRequest, {"V1", "M1", "S1"}, 7, Bytes(block_length(p) * 2, 0x5a),
                  Bytes(mac_length(p), 0x99)};
}

TEST(Envelope, RoundTripsAndPlacesCtAtOffset64) {
  const Envelope e = sample(Profile::kAes128);
  const Bytes body = serialize(e);
  EXPECT_EQ(body.size(), kEnvelopeCtOffset + 32 + 16);
  EXPECT_EQ(body[kEnvelopeCtOffset], 0x5a);
  EXPECT_EQ(*parse_envelope(body, Profile::kAes128), e);
}

// REQ-MSG-070: a CT_LEN that is not a block multiple is reported like a MAC failure.
// Checks REQ-MSG-070.
TEST(Envelope, CtLengthNotABlockMultipleIsMacFailed) {
  Envelope e = sample(Profile::kAes128);
  e.ct.resize(24);
  EXPECT_EQ(parse_envelope(serialize(e), Profile::kAes128).error(),
            (ParseError{ResponseCode::kMacFailed, "CT_LEN"}));
}

TEST(Envelope, OnlyEnvelopeTypesAreAccepted) {
  Envelope e = sample(Profile::kTdes);
  e.type = MsgType::kKeyMessage;
  EXPECT_EQ(parse_envelope(serialize(e), Profile::kTdes).error().field, "MSG_TYPE");
}

}  // namespace
}  // namespace tmsproto::codec
