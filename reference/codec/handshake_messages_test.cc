#include "codec/handshake_messages.h"

#include <gtest/gtest.h>

#include <string>

#include "common/hex.h"

namespace tmsproto::codec {
namespace {

// Built field by field from the table of spec/03-messages.md section 3.4, not by our writer.
Bytes spec_hs_request_program_download() {
  std::string hex;
  hex += "01";                                                   // MSG_TYPE
  hex += "01";                                                   // VERSION
  hex += "56454e4430303031";                                     // VENDOR_ID "VEND0001"
  hex += "504f532d5831";                                         // MODEL_ID "POS-X1" ...
  for (int i = 0; i < 10; ++i) hex += "20";                      // ... filled to 16
  hex += "534e313233343536373839";                               // SERIAL_NO "SN123456789" ...
  for (int i = 0; i < 21; ++i) hex += "20";                      // ... filled to 32
  hex += "3032";                                                 // TRANS_CODE "02"
  hex += "04";                                                   // OFFERED_PROFILES: AES128
  hex += "4f50303120202020";                                     // OPERATOR_ID "OP01"
  for (int i = 0; i < 32; ++i) hex += "20";                      // RESERVED
  hex += "0102030405060708" "20261126160000";                    // T_DATA
  return *from_hex(hex);
}

HsRequest expected_hs_request() {
  HsRequest m;
  m.id = {"VEND0001", "POS-X1", "SN123456789"};
  m.trans = TransCode::kProgramDownload;
  m.offered_profiles = 0x04;
  m.operator_id = "OP01";
  m.t_data = {{1, 2, 3, 4, 5, 6, 7, 8}, {2026, 11, 26, 16, 0, 0}};
  return m;
}

// Checks REQ-MSG-020, REQ-MSG-030, REQ-MSG-033.
TEST(HsRequest, LayoutMatchesTheSpecTableOctetForOctet) {
  const Bytes body = spec_hs_request_program_download();
  ASSERT_EQ(body.size(), kHsRequestLength);
  auto parsed = parse_hs_request(body);
  ASSERT_TRUE(parsed.ok()) << parsed.error().field;
  EXPECT_EQ(*parsed, expected_hs_request());
  EXPECT_EQ(serialize(expected_hs_request()), body);
}

TEST(HsRequest, KeyDownloadCarriesKeySetIdInTheReservedField) {
  HsRequest m = expected_hs_request();
  m.trans = TransCode::kKeyDownload;
  m.key_set_id = "TMK00001";
  Bytes body = serialize(m);
  EXPECT_EQ(to_hex(ByteView(body).subspan(69, 8)), "544d4b3030303031");
  EXPECT_EQ(*parse_hs_request(body), m);
}

// Checks REQ-MSG-013, REQ-MSG-004.
TEST(HsRequest, WrongVersionIsUnsupportedVersion) {
  Bytes body = spec_hs_request_program_download();
  body[1] = 0x02;
  EXPECT_EQ(parse_hs_request(body).error(), (ParseError{ResponseCode::kUnsupportedVersion, "VERSION"}));
}

// Checks REQ-MSG-030, REQ-MSG-004.
TEST(HsRequest, UnknownTransactionCodeIsUnsupportedTransaction) {
  Bytes body = spec_hs_request_program_download();
  body[59] = '3';
  EXPECT_EQ(parse_hs_request(body).error(), (ParseError{ResponseCode::kUnsupportedTransaction, "TRANS_CODE"}));
}

// Checks REQ-MSG-031.
TEST(HsRequest, LegacyOfferedBesideAnotherProfileIsMalformed) {
  Bytes body = spec_hs_request_program_download();
  body[60] = 0x05;
  EXPECT_EQ(parse_hs_request(body).error().field, "OFFERED_PROFILES");
  body[60] = 0x10;
  EXPECT_EQ(parse_hs_request(body).error().field, "OFFERED_PROFILES");
  body[60] = 0x00;
  EXPECT_EQ(parse_hs_request(body).error().field, "OFFERED_PROFILES");
}

// Checks REQ-MSG-032.
TEST(HsRequest, ProgramDownloadReservedFieldMustBeSpaces) {
  Bytes body = spec_hs_request_program_download();
  body[100] = 0x00;
  EXPECT_EQ(parse_hs_request(body).error().field, "RESERVED");
}

// Checks REQ-MSG-002.
TEST(HsRequest, TruncatedOrExtendedBodiesAreMalformed) {
  Bytes body = spec_hs_request_program_download();
  Bytes shorter(body.begin(), body.end() - 1);
  EXPECT_EQ(parse_hs_request(shorter).error().code, ResponseCode::kMalformed);
  body.push_back(0x00);
  EXPECT_EQ(parse_hs_request(body).error(), (ParseError{ResponseCode::kMalformed, "trailing octets"}));
}

// Checks REQ-MSG-042, REQ-MSG-041.
TEST(HsAuthRequest, LengthsFollowTheProfile) {
  for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    HsAuthRequest m;
    m.id = {"V1", "M1", "S1"};
    m.profile = p;
    m.s_data = {{9, 9, 9, 9, 9, 9, 9, 9}, {2026, 1, 1, 0, 0, 0}};
    m.dwk1 = Bytes(dwk1_length(p), 0x41);
    m.tac1 = Bytes(mac_length(p), 0xaa);
    const Bytes body = serialize(m);
    EXPECT_EQ(body.size(), kHsAuthRequestDwk1Offset + dwk1_length(p) + mac_length(p));
    EXPECT_EQ(*parse_hs_auth_request(body), m);
  }
  // Spec section 3.5 totals: 111, 259, 307, 339.
  EXPECT_EQ(kHsAuthRequestDwk1Offset + 8 + 4, 111u);
  EXPECT_EQ(kHsAuthRequestDwk1Offset + 152 + 8, 259u);
  EXPECT_EQ(kHsAuthRequestDwk1Offset + 224 + 16, 339u);
}

// Checks REQ-MSG-040.
TEST(HsAuthRequest, UnknownProfileIsNoAcceptableProfile) {
  HsAuthRequest m;
  m.id = {"V1", "M1", "S1"};
  m.profile = Profile::kTdes;
  m.dwk1 = Bytes(80, 0x41);
  m.tac1 = Bytes(8, 0);
  Bytes body = serialize(m);
  body[58] = 0x05;
  EXPECT_EQ(parse_hs_auth_request(body).error(), (ParseError{ResponseCode::kNoAcceptableProfile, "PROFILE"}));
}

TEST(HsAuthRequest, Dwk1LengthOtherThanTheProfilesIsMalformed) {
  HsAuthRequest m;
  m.id = {"V1", "M1", "S1"};
  m.profile = Profile::kAes128;
  m.dwk1 = Bytes(80, 0x41);  // the TDES length under an AES profile
  m.tac1 = Bytes(16, 0);
  EXPECT_EQ(parse_hs_auth_request(serialize(m)).error().field, "DWK_1_LEN");
}

// Checks REQ-MSG-050.
TEST(HsAuthAnswer, TermAuthResultOtherThanSuccessIsMalformed) {
  HsAuthAnswer m{{"V1", "M1", "S1"}, Bytes(8, 0), Bytes(8, 1)};
  Bytes body = serialize(m);
  ASSERT_EQ(body.size(), 78u);
  EXPECT_EQ(*parse_hs_auth_answer(body, Profile::kTdes), m);
  body[61] = 0x01;
  EXPECT_EQ(parse_hs_auth_answer(body, Profile::kTdes).error().field, "TERM_AUTH_RESULT");
}

// Checks REQ-MSG-051.
TEST(HsAuthAnswer, ParsingUnderAnotherProfileFailsOnLength) {
  HsAuthAnswer m{{"V1", "M1", "S1"}, Bytes(16, 0), Bytes(16, 1)};
  EXPECT_FALSE(parse_hs_auth_answer(serialize(m), Profile::kTdes).ok());
  EXPECT_TRUE(parse_hs_auth_answer(serialize(m), Profile::kAes256).ok());
}

}  // namespace
}  // namespace tmsproto::codec
