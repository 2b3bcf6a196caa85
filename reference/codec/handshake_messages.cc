#include "codec/handshake_messages.h"

#include <algorithm>

#include "common/try.h"

namespace tmsproto::codec {
namespace {

constexpr std::uint8_t kAuthStageRequest = 0x01;  // REQ-MSG-041
constexpr std::uint8_t kAuthStageAnswer = 0x02;
constexpr std::uint8_t kTermAuthSuccess = 0x00;   // REQ-MSG-050

Parsed<TransCode> read_trans_code(Reader& r, ResponseCode on_unknown) {
  TMS_TRY(ByteView raw, r.bytes(2, "TRANS_CODE"));
  if (raw[0] == '0' && raw[1] == '1') return TransCode::kKeyDownload;
  if (raw[0] == '0' && raw[1] == '2') return TransCode::kProgramDownload;
  return fail(ParseError{on_unknown, "TRANS_CODE"});
}

void write_trans_code(Writer& w, TransCode t) {
  w.u8('0');
  w.u8(t == TransCode::kKeyDownload ? '1' : '2');
}

Result<void, ParseError> expect_success_code(Reader& r, std::string_view field) {
  TMS_TRY(ResponseCode code, read_response_code(r, field));
  if (code != ResponseCode::kSuccess) return malformed(field);  // REQ-MSG-041
  return {};
}

}  // namespace

bool valid_offer(std::uint8_t offered) {
  // REQ-MSG-031: some of bits 0x01-0x08, none above, LEGACY alone or not at all.
  if (offered == 0 || (offered & 0xf0) != 0) return false;
  return (offered & 0x01) == 0 || offered == 0x01;
}

Parsed<HsRequest> parse_hs_request(ByteView body) {
  Reader r(body);
  HsRequest m;
  TMS_TRY(m.id, read_header(r, MsgType::kHsRequest));
  // REQ-MSG-030, REQ-MSG-004: an unknown TRANS_CODE of HS_REQUEST is 07, not 01.
  TMS_TRY(m.trans, read_trans_code(r, ResponseCode::kUnsupportedTransaction));
  TMS_TRY(m.offered_profiles, r.u8("OFFERED_PROFILES"));
  if (!valid_offer(m.offered_profiles)) return malformed("OFFERED_PROFILES");
  TMS_TRY(m.operator_id,
          read_text(r, kOperatorIdWidth, CharSet::kAn, Emptiness::kMayBeEmpty, "OPERATOR_ID"));
  // REQ-MSG-032, patent [0104]: the reserved field carries KEY_SET_ID for a key download and is
  // all 0x20 for a program download.
  if (m.trans == TransCode::kKeyDownload) {
    TMS_TRY(m.key_set_id,
            read_text(r, kKeySetIdWidth, CharSet::kAn, Emptiness::kRequired, "RESERVED"));
    TMS_TRY(ByteView rest, r.bytes(kReservedWidth - kKeySetIdWidth, "RESERVED"));
    for (std::uint8_t b : rest) {
      if (b != 0x20) return malformed("RESERVED");
    }
  } else {
    TMS_TRY(ByteView reserved, r.bytes(kReservedWidth, "RESERVED"));
    for (std::uint8_t b : reserved) {
      if (b != 0x20) return malformed("RESERVED");
    }
  }
  TMS_TRY(m.t_data, read_auth_data(r, "T_DATA"));
  TMS_CHECK(r.expect_end());
  return m;
}

Bytes serialize(const HsRequest& m) {
  Writer w;
  write_header(w, MsgType::kHsRequest, m.id);
  write_trans_code(w, m.trans);
  w.u8(m.offered_profiles);
  write_text(w, m.operator_id, kOperatorIdWidth);
  if (m.trans == TransCode::kKeyDownload) {
    write_text(w, m.key_set_id, kKeySetIdWidth);
    w.fill(kReservedWidth - kKeySetIdWidth, 0x20);
  } else {
    w.fill(kReservedWidth, 0x20);
  }
  write_auth_data(w, m.t_data);
  return std::move(w).take();
}

Parsed<HsAuthRequest> parse_hs_auth_request(ByteView body) {
  Reader r(body);
  HsAuthRequest m;
  TMS_TRY(m.id, read_header(r, MsgType::kHsAuthRequest));
  TMS_TRY(std::uint8_t profile_octet, r.u8("PROFILE"));
  auto profile = profile_from_octet(profile_octet);  // REQ-MSG-040, REQ-MSG-004: 08, not 01
  if (!profile) return fail(ParseError{ResponseCode::kNoAcceptableProfile, "PROFILE"});
  m.profile = *profile;
  TMS_TRY(std::uint8_t stage, r.u8("AUTH_STAGE"));
  if (stage != kAuthStageRequest) return malformed("AUTH_STAGE");
  TMS_CHECK(expect_success_code(r, "SRC"));
  TMS_TRY(m.s_data, read_auth_data(r, "S_DATA"));
  TMS_TRY(ByteView salt, r.bytes(m.opv_salt.size(), "OPV_SALT"));
  std::copy(salt.begin(), salt.end(), m.opv_salt.begin());
  TMS_TRY(m.opv_iterations, r.u32("OPV_ITERATIONS"));
  // REQ-MSG-043: both zero (unattended), or a cost in range with any salt.
  const bool unattended = m.opv_iterations == 0 &&
                          std::all_of(m.opv_salt.begin(), m.opv_salt.end(), [](std::uint8_t b) { return b == 0; });
  const bool in_range = m.opv_iterations >= kMinOpvIterations && m.opv_iterations <= kMaxOpvIterations;
  if (!unattended && !in_range) return malformed("OPV_ITERATIONS");
  TMS_TRY(std::uint16_t dwk1_len, r.u16("DWK_1_LEN"));
  if (dwk1_len != dwk1_length(m.profile)) return malformed("DWK_1_LEN");  // REQ-MSG-042
  TMS_TRY(ByteView dwk1, r.bytes(dwk1_len, "DWK_1"));
  m.dwk1.assign(dwk1.begin(), dwk1.end());
  TMS_TRY(ByteView tac1, r.bytes(mac_length(m.profile), "TAC_1"));
  m.tac1.assign(tac1.begin(), tac1.end());
  TMS_CHECK(r.expect_end());
  return m;
}

Bytes serialize(const HsAuthRequest& m) {
  Writer w;
  write_header(w, MsgType::kHsAuthRequest, m.id);
  w.u8(static_cast<std::uint8_t>(m.profile));
  w.u8(kAuthStageRequest);
  write_response_code(w, ResponseCode::kSuccess);
  write_auth_data(w, m.s_data);
  w.bytes(m.opv_salt);
  w.u32(m.opv_iterations);
  w.u16(static_cast<std::uint16_t>(m.dwk1.size()));
  w.bytes(m.dwk1);
  w.bytes(m.tac1);
  return std::move(w).take();
}

Parsed<HsAuthAnswer> parse_hs_auth_answer(ByteView body, Profile profile) {
  Reader r(body);
  HsAuthAnswer m;
  TMS_TRY(m.id, read_header(r, MsgType::kHsAuthAnswer));
  TMS_TRY(std::uint8_t stage, r.u8("AUTH_STAGE"));
  if (stage != kAuthStageAnswer) return malformed("AUTH_STAGE");
  TMS_CHECK(expect_success_code(r, "RETURN_CODE"));
  TMS_TRY(std::uint8_t result, r.u8("TERM_AUTH_RESULT"));
  if (result != kTermAuthSuccess) return malformed("TERM_AUTH_RESULT");  // REQ-MSG-050
  const std::size_t m_len = mac_length(profile);                          // REQ-MSG-051
  TMS_TRY(ByteView proof, r.bytes(m_len, "OPERATOR_PROOF"));
  m.operator_proof.assign(proof.begin(), proof.end());
  TMS_TRY(ByteView sac1, r.bytes(m_len, "SAC_1"));
  m.sac1.assign(sac1.begin(), sac1.end());
  TMS_CHECK(r.expect_end());
  return m;
}

Bytes serialize(const HsAuthAnswer& m) {
  Writer w;
  write_header(w, MsgType::kHsAuthAnswer, m.id);
  w.u8(kAuthStageAnswer);
  write_response_code(w, ResponseCode::kSuccess);
  w.u8(kTermAuthSuccess);
  w.bytes(m.operator_proof);
  w.bytes(m.sac1);
  return std::move(w).take();
}

}  // namespace tmsproto::codec
