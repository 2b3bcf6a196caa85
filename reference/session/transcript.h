// The handshake transcript of spec/04-handshake.md section 4.1, kept as the exact bodies that
// travelled (REQ-HS-001); every cryptogram outside LEGACY covers it (REQ-SEC-004).
#pragma once

#include "common/bytes.h"

namespace tmsproto::session {

struct Transcript {
  Bytes hs_request;
  Bytes hs_auth_request;
  Bytes hs_auth_answer;

  // TH_TAC: HS_REQUEST || HS_AUTH_REQUEST up to TAC_1.
  Bytes th_tac(ByteView auth_request_prefix) const { return concat(hs_request, auth_request_prefix); }
  // TH_SAC: HS_REQUEST || HS_AUTH_REQUEST || HS_AUTH_ANSWER up to SAC_1.
  Bytes th_sac(ByteView auth_answer_prefix) const {
    return concat(concat(hs_request, hs_auth_request), auth_answer_prefix);
  }
  // TH_KEY: the three handshake bodies || KEY_MESSAGE up to KEY_MAC.
  Bytes th_key(ByteView key_message_prefix) const {
    return concat(concat(concat(hs_request, hs_auth_request), hs_auth_answer), key_message_prefix);
  }
};

}  // namespace tmsproto::session
