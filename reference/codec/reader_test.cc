#include "codec/reader.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace tmsproto::codec {
namespace {

TEST(Reader, ReadsBigEndianIntegers) {
  const Bytes in{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  Reader r(in);
  EXPECT_EQ(*r.u8("a"), 0x01);
  EXPECT_EQ(*r.u16("b"), 0x0203);
  EXPECT_EQ(*r.u32("c"), 0x04050607u);
  EXPECT_TRUE(r.expect_end().ok());
}

TEST(Reader, FailsWithTheFieldNameInsteadOfReadingPastTheEnd) {
  const Bytes in{0x01, 0x02, 0x03};
  Reader r(in);
  auto v = r.u32("SEQ");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error(), (ParseError{ResponseCode::kMalformed, "SEQ"}));
  EXPECT_EQ(r.remaining(), 3u) << "a failed read consumes nothing";
}

// Checks REQ-MSG-002.
TEST(Reader, TrailingOctetsAreMalformed) {
  const Bytes in{0x01, 0x02};
  Reader r(in);
  ASSERT_TRUE(r.u8("a").ok());
  EXPECT_FALSE(r.expect_end().ok());
}

RC_GTEST_PROP(Reader, NeverReadsMoreThanItsInput, (const Bytes& in, std::size_t n)) {
  Reader r(in);
  auto got = r.bytes(n % (in.size() + 4), "field");
  if (got.ok()) {
    RC_ASSERT(got->size() <= in.size());
    RC_ASSERT(r.offset() == got->size());
  } else {
    RC_ASSERT(n % (in.size() + 4) > in.size());
  }
}

}  // namespace
}  // namespace tmsproto::codec
