// HS_REQUEST, HS_AUTH_REQUEST and HS_AUTH_ANSWER: the patent's tables 1, 2 and 4, as reconstructed
// in spec/03-messages.md sections 3.4-3.6.
#pragma once

#include <cstdint>
#include <string>

#include "codec/fields.h"
#include "codec/header.h"
#include "common/bytes.h"
#include "protocol/constants.h"

namespace tmsproto::codec {

// HS_REQUEST (请求报文, table 1), 116 octets.
struct HsRequest {
  Identity id;
  TransCode trans = TransCode::kProgramDownload;
  std::uint8_t offered_profiles = 0;  // bitmap, REQ-MSG-031
  std::string operator_id;            // empty: unattended (REQ-OPR-001)
  std::string key_set_id;             // TRANS_CODE 01 only (REQ-MSG-032)
  AuthData t_data;
  bool operator==(const HsRequest&) const = default;
};
inline constexpr std::size_t kHsRequestLength = 116;

// HS_AUTH_REQUEST (应答认证请求报文, table 2). AUTH_STAGE 0x01 and SRC "00" are implied.
struct HsAuthRequest {
  Identity id;
  Profile profile = Profile::kAes128;  // TMS工作密钥加密方式
  AuthData s_data;
  OperatorSalt opv_salt{};            // REQ-OPR-002; zero when unattended (REQ-OPR-001)
  std::uint32_t opv_iterations = 0;   // REQ-MSG-043: 0, or kMinOpvIterations..kMaxOpvIterations
  Bytes dwk1;  // LEGACY: E_DES(DMK, DWK); others: TR-31 key block (ASCII) bound to the session
  Bytes tac1;
  bool operator==(const HsAuthRequest&) const = default;
};
// Offset of DWK_1 and of TAC_1: TH_TAC ends where TAC_1 starts (spec/04-handshake.md 4.1).
inline constexpr std::size_t kHsAuthRequestDwk1Offset = 99;
inline constexpr std::uint32_t kMinOpvIterations = 100000;    // REQ-MSG-043, REQ-OPR-002
inline constexpr std::uint32_t kMaxOpvIterations = 10000000;

// HS_AUTH_ANSWER (应答认证数据报文, table 4). AUTH_STAGE 0x02, RETURN_CODE "00" and
// TERM_AUTH_RESULT 0x00 are implied.
struct HsAuthAnswer {
  Identity id;
  Bytes operator_proof;
  Bytes sac1;
  bool operator==(const HsAuthAnswer&) const = default;
};
inline constexpr std::size_t kHsAuthAnswerProofOffset = 62;

bool valid_offer(std::uint8_t offered_profiles);

Parsed<HsRequest> parse_hs_request(ByteView body);
Bytes serialize(const HsRequest& m);

Parsed<HsAuthRequest> parse_hs_auth_request(ByteView body);
Bytes serialize(const HsAuthRequest& m);

// The lengths of OPERATOR_PROOF and SAC_1 follow the session's profile (REQ-MSG-051).
Parsed<HsAuthAnswer> parse_hs_auth_answer(ByteView body, Profile profile);
Bytes serialize(const HsAuthAnswer& m);

}  // namespace tmsproto::codec
