#include "analyser/describe.h"

#include <gtest/gtest.h>

#include "codec/abort_message.h"
#include "codec/handshake_messages.h"

namespace tmsproto::analyser {
namespace {

const Field* find(const Description& d, std::string_view name) {
  for (const auto& f : d.fields)
    if (f.name == name) return &f;
  return nullptr;
}

TEST(Analyser, NamesEveryFieldOfHsRequestWithItsRequirement) {
  codec::HsRequest m;
  m.id = {"VEND0001", "POS-X1", "SN1"};
  m.trans = TransCode::kKeyDownload;
  m.offered_profiles = 0x06;
  m.key_set_id = "TMK00001";
  m.t_data = {{1, 2, 3, 4, 5, 6, 7, 8}, {2026, 11, 26, 16, 0, 0}};
  const Description d = describe(codec::serialize(m), std::nullopt);
  EXPECT_EQ(d.title, "HS_REQUEST (0x01), 116 octets");
  ASSERT_NE(find(d, "OFFERED_PROFILES"), nullptr);
  EXPECT_EQ(find(d, "OFFERED_PROFILES")->value, "0x06 (TDES AES128)");
  EXPECT_EQ(find(d, "T_DATA")->value, "0102030405060708 | 2026-11-26 16:00:00 UTC");
  EXPECT_EQ(find(d, "T_DATA")->req, "REQ-MSG-033");
  EXPECT_EQ(find(d, "RESERVED")->value, "KEY_SET_ID \"TMK00001\"");
}

TEST(Analyser, ReportsWhyABodyDoesNotParse) {
  const Description d = describe(Bytes{0x7f, 0x01, '0', '0'}, std::nullopt);
  ASSERT_TRUE(d.error.has_value());
  EXPECT_NE(d.error->find("RC"), std::string::npos);
  EXPECT_TRUE(describe(Bytes{0x42}, std::nullopt).error.has_value());
}

// Checks REQ-SEC-013, REQ-CRYPTO-020: a LEGACY session is flagged insecure wherever it is shown.
TEST(Analyser, LegacyProfileIsFlaggedInsecure) {
  codec::HsAuthRequest m;
  m.id = {"VEND0001", "POS-X1", "SN1"};
  m.profile = Profile::kLegacy;
  m.s_data = {{1, 2, 3, 4, 5, 6, 7, 8}, {2026, 11, 26, 16, 0, 0}};
  m.dwk1 = Bytes(8, 0x11);
  m.tac1 = Bytes(4, 0x22);
  const Description d = describe(codec::serialize(m), std::nullopt);
  ASSERT_NE(find(d, "PROFILE"), nullptr);
  EXPECT_NE(find(d, "PROFILE")->value.find("INSECURE"), std::string::npos);
}

TEST(Analyser, AbortShowsItsCodeByName) {
  const Description d = describe(codec::serialize(codec::Abort{ResponseCode::kReplay}), std::nullopt);
  EXPECT_EQ(find(d, "RC")->value, "10 REPLAY");
}

}  // namespace
}  // namespace tmsproto::analyser
