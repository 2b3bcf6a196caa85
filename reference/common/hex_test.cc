#include "common/hex.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace tmsproto {
namespace {

TEST(Hex, EncodesLowerCase) { EXPECT_EQ(to_hex(Bytes{0x00, 0xab, 0x7f, 0xff}), "00ab7fff"); }

TEST(Hex, DecodesEitherCase) { EXPECT_EQ(from_hex("00AbFf"), (Bytes{0x00, 0xab, 0xff})); }

TEST(Hex, RejectsOddLengthAndNonHexCharacters) {
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("0g").has_value());
  EXPECT_FALSE(from_hex(" 0").has_value());
}

RC_GTEST_PROP(Hex, DecodeOfEncodeIsIdentity, (const Bytes& bytes)) {
  RC_ASSERT(from_hex(to_hex(bytes)) == std::optional<Bytes>(bytes));
}

}  // namespace
}  // namespace tmsproto
