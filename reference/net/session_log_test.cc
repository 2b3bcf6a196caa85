#include "net/session_log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tmsproto::net {
namespace {

// REQ-SRV-006: a session line carries the codes as the wire does, two decimal digits (REQ-MSG-012).
TEST(SessionLog, ResponseCodesAreWrittenAsTheirTwoDecimalDigits) {
  tms::AuditRecord a;
  a.id = {"ACME0001", "POS-1", "SN-1"};
  a.trans = TransCode::kKeyDownload;
  a.outcome = ResponseCode::kOperatorAuthFailed;  // 25, octet 0x19
  a.not_served_reason = ResponseCode::kReplay;    // 10, octet 0x0A
  a.terminal_result = ResponseCode::kTimeout;     // 23, octet 0x17
  const auto j = nlohmann::json::parse(format_event(SessionEvent{"session", 1, "127.0.0.1:1", a, 10, 20, 3, ""}));
  EXPECT_EQ(j.at("outcome"), "25");
  EXPECT_EQ(j.at("reason"), "10");
  EXPECT_EQ(j.at("terminal_result"), "23");
  EXPECT_EQ(j.at("serial"), "SN-1");
  EXPECT_EQ(j.at("trans"), 1);
}

}  // namespace
}  // namespace tmsproto::net
