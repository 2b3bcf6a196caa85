#include "protocol/constants.h"

namespace tmsproto {

std::optional<MsgType> msg_type_from_octet(std::uint8_t octet) {
  switch (static_cast<MsgType>(octet)) {
    case MsgType::kHsRequest:
    case MsgType::kHsAuthRequest:
    case MsgType::kHsAuthAnswer:
    case MsgType::kKeyMessage:
    case MsgType::kPkgAnnounce:
    case MsgType::kPkgConfirm:
    case MsgType::kFrameRequest:
    case MsgType::kFrameResponse:
    case MsgType::kSessionEnd:
    case MsgType::kSessionEndAck:
    case MsgType::kTermInfo:
    case MsgType::kAbort:
      return static_cast<MsgType>(octet);
  }
  return std::nullopt;
}

std::string_view name(MsgType type) {
  switch (type) {
    case MsgType::kHsRequest: return "HS_REQUEST";
    case MsgType::kHsAuthRequest: return "HS_AUTH_REQUEST";
    case MsgType::kHsAuthAnswer: return "HS_AUTH_ANSWER";
    case MsgType::kKeyMessage: return "KEY_MESSAGE";
    case MsgType::kPkgAnnounce: return "PKG_ANNOUNCE";
    case MsgType::kPkgConfirm: return "PKG_CONFIRM";
    case MsgType::kFrameRequest: return "FRAME_REQUEST";
    case MsgType::kFrameResponse: return "FRAME_RESPONSE";
    case MsgType::kSessionEnd: return "SESSION_END";
    case MsgType::kSessionEndAck: return "SESSION_END_ACK";
    case MsgType::kTermInfo: return "TERM_INFO";
    case MsgType::kAbort: return "ABORT";
  }
  return "UNKNOWN";
}

bool sent_by_terminal(MsgType type) {
  switch (type) {
    case MsgType::kHsRequest:
    case MsgType::kHsAuthAnswer:
    case MsgType::kPkgAnnounce:
    case MsgType::kFrameRequest:
    case MsgType::kSessionEnd:
    case MsgType::kTermInfo:
    case MsgType::kAbort:
      return true;
    default:
      return false;
  }
}

bool sent_by_tms(MsgType type) { return type == MsgType::kAbort || !sent_by_terminal(type); }

bool is_enveloped(MsgType type) {
  const auto v = static_cast<std::uint8_t>(type);
  return v >= 0x11 && v <= 0x17;
}

std::optional<Profile> profile_from_octet(std::uint8_t octet) {
  if (octet >= 0x01 && octet <= 0x04) return static_cast<Profile>(octet);
  return std::nullopt;
}

std::string_view name(Profile profile) {
  switch (profile) {
    case Profile::kLegacy: return "LEGACY";
    case Profile::kTdes: return "TDES";
    case Profile::kAes128: return "AES128";
    case Profile::kAes256: return "AES256";
  }
  return "UNKNOWN";
}

std::uint8_t offer_bit(Profile profile) {
  return static_cast<std::uint8_t>(1u << (static_cast<unsigned>(profile) - 1u));
}

std::size_t mac_length(Profile profile) {
  switch (profile) {
    case Profile::kLegacy: return 4;
    case Profile::kTdes: return 8;
    case Profile::kAes128:
    case Profile::kAes256: return 16;
  }
  return 0;
}

std::size_t key_length(Profile profile) {
  switch (profile) {
    case Profile::kLegacy: return 8;
    case Profile::kTdes:
    case Profile::kAes128: return 16;
    case Profile::kAes256: return 32;
  }
  return 0;
}

std::size_t block_length(Profile profile) {
  return (profile == Profile::kLegacy || profile == Profile::kTdes) ? 8 : 16;
}

std::size_t dwk1_length(Profile profile) {
  switch (profile) {
    case Profile::kLegacy: return 8;
    case Profile::kTdes: return 152;
    case Profile::kAes128: return 192;
    case Profile::kAes256: return 224;
  }
  return 0;
}

std::string_view profile_word(Profile profile) {
  switch (profile) {
    case Profile::kLegacy: return "legacy";
    case Profile::kTdes: return "tdes";
    case Profile::kAes128: return "aes128";
    case Profile::kAes256: return "aes256";
  }
  return "?";
}

std::optional<Profile> profile_from_word(std::string_view word) {
  for (Profile p : {Profile::kLegacy, Profile::kTdes, Profile::kAes128, Profile::kAes256}) {
    if (profile_word(p) == word) return p;
  }
  return std::nullopt;
}

}  // namespace tmsproto
