#include "protocol/constants.h"

#include <gtest/gtest.h>

namespace tmsproto {
namespace {

// spec/07-crypto.md section 7.2 and REQ-MSG-042.
TEST(Profile, LengthsMatchTheProfileTable) {
  EXPECT_EQ(mac_length(Profile::kLegacy), 4u);
  EXPECT_EQ(mac_length(Profile::kTdes), 8u);
  EXPECT_EQ(mac_length(Profile::kAes128), 16u);
  EXPECT_EQ(mac_length(Profile::kAes256), 16u);
  EXPECT_EQ(key_length(Profile::kLegacy), 8u);
  EXPECT_EQ(key_length(Profile::kAes256), 32u);
  EXPECT_EQ(dwk1_length(Profile::kTdes), 152u);
  EXPECT_EQ(dwk1_length(Profile::kAes128), 192u);
  EXPECT_EQ(dwk1_length(Profile::kAes256), 224u);
  EXPECT_EQ(block_length(Profile::kTdes), 8u);
  EXPECT_EQ(block_length(Profile::kAes128), 16u);
}

TEST(Profile, OfferBitsFollowTheCode) {
  EXPECT_EQ(offer_bit(Profile::kLegacy), 0x01);
  EXPECT_EQ(offer_bit(Profile::kTdes), 0x02);
  EXPECT_EQ(offer_bit(Profile::kAes128), 0x04);
  EXPECT_EQ(offer_bit(Profile::kAes256), 0x08);
  EXPECT_FALSE(profile_from_octet(0x00).has_value());
  EXPECT_FALSE(profile_from_octet(0x05).has_value());
}

TEST(MsgType, EveryOctetIsEitherATableTypeOrRejected) {
  int known = 0;
  for (unsigned v = 0; v < 256; ++v) {
    if (auto t = msg_type_from_octet(static_cast<std::uint8_t>(v))) {
      ++known;
      EXPECT_EQ(static_cast<unsigned>(*t), v);
      EXPECT_TRUE(sent_by_terminal(*t) || sent_by_tms(*t));
    }
  }
  EXPECT_EQ(known, 12);  // section 3.1: 0x01-0x04, 0x11-0x17, 0x7F
}

TEST(MsgType, DirectionsFollowSection31) {
  EXPECT_TRUE(sent_by_terminal(MsgType::kHsRequest));
  EXPECT_FALSE(sent_by_tms(MsgType::kHsRequest));
  EXPECT_TRUE(sent_by_tms(MsgType::kFrameResponse));
  EXPECT_FALSE(sent_by_terminal(MsgType::kFrameResponse));
  EXPECT_TRUE(sent_by_terminal(MsgType::kAbort));
  EXPECT_TRUE(sent_by_tms(MsgType::kAbort));
  EXPECT_TRUE(is_enveloped(MsgType::kPkgAnnounce));
  EXPECT_TRUE(is_enveloped(MsgType::kTermInfo));  // REQ-DL-040
  EXPECT_TRUE(sent_by_terminal(MsgType::kTermInfo));
  EXPECT_FALSE(sent_by_tms(MsgType::kTermInfo));
  EXPECT_FALSE(is_enveloped(MsgType::kKeyMessage));
  EXPECT_FALSE(is_enveloped(MsgType::kAbort));
}

}  // namespace
}  // namespace tmsproto
