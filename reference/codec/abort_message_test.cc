#include "codec/abort_message.h"

#include <gtest/gtest.h>

namespace tmsproto::codec {
namespace {

// spec/03-messages.md section 3.9: 7F 01 "13".
// Checks REQ-MSG-110, REQ-ERR-004.
TEST(Abort, LayoutIsTypeVersionAndTwoDigits) {
  const Bytes body{0x7f, 0x01, '1', '3'};
  EXPECT_EQ(serialize(Abort{ResponseCode::kMacFailed}), body);
  EXPECT_EQ(parse_abort(body)->code, ResponseCode::kMacFailed);
}

// Checks REQ-MSG-110, REQ-MSG-013.
TEST(Abort, SuccessCodeOrUnknownCodeIsMalformed) {
  EXPECT_EQ(parse_abort(Bytes{0x7f, 0x01, '0', '0'}).error().field, "RC");
  EXPECT_EQ(parse_abort(Bytes{0x7f, 0x01, '4', '2'}).error().field, "RC");
  EXPECT_EQ(parse_abort(Bytes{0x7f, 0x02, '0', '1'}).error().code, ResponseCode::kUnsupportedVersion);
  EXPECT_FALSE(parse_abort(Bytes{0x7f, 0x01, '0', '1', 0x00}).ok());
}

}  // namespace
}  // namespace tmsproto::codec
