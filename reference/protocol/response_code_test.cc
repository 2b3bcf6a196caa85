#include "protocol/response_code.h"

#include <gtest/gtest.h>

#include <set>

namespace tmsproto {
namespace {

TEST(ResponseCode, AsciiRoundTripsForEveryCodeOfTheTable) {
  for (ResponseCode c : kAllResponseCodes) {
    const auto ascii = to_ascii(c);
    EXPECT_EQ(response_code_from_ascii(ascii[0], ascii[1]), c) << name(c);
  }
}

TEST(ResponseCode, CodesAndNamesAreDistinct) {
  std::set<unsigned> values;
  std::set<std::string_view> names;
  for (ResponseCode c : kAllResponseCodes) {
    values.insert(static_cast<unsigned>(c));
    names.insert(name(c));
  }
  EXPECT_EQ(values.size(), kAllResponseCodes.size());
  EXPECT_EQ(names.size(), kAllResponseCodes.size());
}

// Values straight from spec/08-response-codes.md.
TEST(ResponseCode, WireDigitsMatchTheSpecTable) {
  EXPECT_EQ(to_ascii(ResponseCode::kSuccess), (std::array<char, 2>{'0', '0'}));
  EXPECT_EQ(to_ascii(ResponseCode::kMacFailed), (std::array<char, 2>{'1', '3'}));
  EXPECT_EQ(to_ascii(ResponseCode::kInternalError), (std::array<char, 2>{'9', '6'}));
  EXPECT_EQ(response_code_from_ascii('2', '8'), ResponseCode::kCancelled);
  EXPECT_EQ(response_code_from_ascii('2', '9'), ResponseCode::kManifestExpired);  // REQ-DL-063
}

TEST(ResponseCode, RejectsCodesOutsideTheTable) {
  EXPECT_FALSE(response_code_from_ascii('3', '0').has_value());
  EXPECT_FALSE(response_code_from_ascii('9', '9').has_value());
  EXPECT_FALSE(response_code_from_ascii('0', 'A').has_value());
  EXPECT_FALSE(response_code_from_ascii(' ', '0').has_value());
}

}  // namespace
}  // namespace tmsproto
