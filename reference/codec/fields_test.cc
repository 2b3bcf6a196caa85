#include "codec/fields.h"

#include <gtest/gtest.h>

#include <string>

namespace tmsproto::codec {
namespace {

Bytes ascii(const std::string& s) { return Bytes(s.begin(), s.end()); }

Parsed<std::string> read_text_of(const std::string& raw, CharSet set, Emptiness e) {
  const Bytes in = ascii(raw);
  Reader r(in);
  return read_text(r, raw.size(), set, e, "FIELD");
}

// REQ-MSG-010
// Checks REQ-MSG-010.
TEST(TextField, ValueIsLeftJustifiedAndSpaceFilled) {
  auto v = read_text_of("AB12    ", CharSet::kAn, Emptiness::kRequired);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, "AB12");
  Writer w;
  write_text(w, "AB12", 8);
  EXPECT_EQ(w.view(), ascii("AB12    "));
}

TEST(TextField, SpaceFollowedByNonSpaceIsMalformed) {
  EXPECT_FALSE(read_text_of("AB 12   ", CharSet::kAn, Emptiness::kRequired).ok());
  EXPECT_FALSE(read_text_of(" AB12   ", CharSet::kAns, Emptiness::kRequired).ok());
}

TEST(TextField, AllSpacesIsEmptyAndOnlyAllowedWhereTheFieldMayBeEmpty) {
  EXPECT_FALSE(read_text_of("        ", CharSet::kAn, Emptiness::kRequired).ok());
  auto v = read_text_of("        ", CharSet::kAn, Emptiness::kMayBeEmpty);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, "");
}

TEST(TextField, CharacterSetsAreEnforced) {
  EXPECT_FALSE(read_text_of("AB-1    ", CharSet::kAn, Emptiness::kRequired).ok());
  EXPECT_TRUE(read_text_of("AB-1/~  ", CharSet::kAns, Emptiness::kRequired).ok());
  EXPECT_FALSE(read_text_of(std::string("AB\x7f") + "     ", CharSet::kAns, Emptiness::kRequired).ok());
  EXPECT_FALSE(read_text_of(std::string("AB\x00", 3) + "     ", CharSet::kAns, Emptiness::kRequired).ok());
}

Parsed<DateTime> read_datetime_of(const Bytes& in) {
  Reader r(in);
  return read_datetime(r, "T_TIME");
}

// REQ-MSG-011
TEST(DateTimeField, ReadsPackedBcd) {
  auto t = read_datetime_of({0x20, 0x26, 0x11, 0x26, 0x16, 0x05, 0x59});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (DateTime{2026, 11, 26, 16, 5, 59}));
}

TEST(DateTimeField, RejectsNibblesAboveNineAndImpossibleDates) {
  EXPECT_FALSE(read_datetime_of({0x20, 0x26, 0x1a, 0x26, 0x16, 0x05, 0x59}).ok());
  EXPECT_FALSE(read_datetime_of({0x20, 0x27, 0x02, 0x29, 0x00, 0x00, 0x00}).ok());  // 2027 not leap
  EXPECT_TRUE(read_datetime_of({0x20, 0x28, 0x02, 0x29, 0x00, 0x00, 0x00}).ok());   // 2028 leap
  EXPECT_FALSE(read_datetime_of({0x20, 0x26, 0x04, 0x31, 0x00, 0x00, 0x00}).ok());
  EXPECT_FALSE(read_datetime_of({0x20, 0x26, 0x01, 0x01, 0x24, 0x00, 0x00}).ok());
  EXPECT_FALSE(read_datetime_of({0x19, 0x99, 0x12, 0x31, 0x23, 0x59, 0x59}).ok());
  EXPECT_FALSE(read_datetime_of({0x20, 0x26, 0x00, 0x01, 0x00, 0x00, 0x00}).ok());
}

// Expected values from Python's datetime: (datetime(2026,11,26,16,0,0) - datetime(2000,1,1)).total_seconds()
TEST(DateTimeField, SecondsSince2000MatchAnIndependentCalendar) {
  EXPECT_EQ(seconds_since_2000(DateTime{2000, 1, 2, 0, 0, 0}), 86400);
  EXPECT_EQ(seconds_since_2000(DateTime{2026, 11, 26, 16, 0, 0}), 849024000);
  EXPECT_EQ(seconds_since_2000(DateTime{2099, 12, 31, 23, 59, 59}), 3155759999);
}

// Checks REQ-MSG-012.
TEST(ResponseCodeField, OnlyCodesOfTheTableParse) {
  const Bytes ok{'1', '3'}, bad{'9', '9'};
  Reader r1(ok), r2(bad);
  EXPECT_EQ(*read_response_code(r1, "RC"), ResponseCode::kMacFailed);
  EXPECT_FALSE(read_response_code(r2, "RC").ok());
}

}  // namespace
}  // namespace tmsproto::codec
