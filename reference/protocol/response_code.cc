#include "protocol/response_code.h"

namespace tmsproto {

std::string_view name(ResponseCode code) {
  switch (code) {
    case ResponseCode::kSuccess: return "SUCCESS";
    case ResponseCode::kMalformed: return "MALFORMED";
    case ResponseCode::kUnexpectedMessage: return "UNEXPECTED_MESSAGE";
    case ResponseCode::kUnsupportedVersion: return "UNSUPPORTED_VERSION";
    case ResponseCode::kUnknownVendor: return "UNKNOWN_VENDOR";
    case ResponseCode::kUnknownModel: return "UNKNOWN_MODEL";
    case ResponseCode::kTerminalNotServed: return "TERMINAL_NOT_SERVED";
    case ResponseCode::kUnsupportedTransaction: return "UNSUPPORTED_TRANSACTION";
    case ResponseCode::kNoAcceptableProfile: return "NO_ACCEPTABLE_PROFILE";
    case ResponseCode::kStaleDatetime: return "STALE_DATETIME";
    case ResponseCode::kReplay: return "REPLAY";
    case ResponseCode::kTmsAuthFailed: return "TMS_AUTH_FAILED";
    case ResponseCode::kTerminalAuthFailed: return "TERMINAL_AUTH_FAILED";
    case ResponseCode::kMacFailed: return "MAC_FAILED";
    case ResponseCode::kSequenceError: return "SEQUENCE_ERROR";
    case ResponseCode::kUnknownKeySet: return "UNKNOWN_KEY_SET";
    case ResponseCode::kPackageNotOffered: return "PACKAGE_NOT_OFFERED";
    case ResponseCode::kPieceOutOfRange: return "PIECE_OUT_OF_RANGE";
    case ResponseCode::kIntegrityFailed: return "INTEGRITY_FAILED";
    case ResponseCode::kSignatureInvalid: return "SIGNATURE_INVALID";
    case ResponseCode::kRollbackRefused: return "ROLLBACK_REFUSED";
    case ResponseCode::kKeyStorageFailed: return "KEY_STORAGE_FAILED";
    case ResponseCode::kApplyFailed: return "APPLY_FAILED";
    case ResponseCode::kTimeout: return "TIMEOUT";
    case ResponseCode::kResourceLimit: return "RESOURCE_LIMIT";
    case ResponseCode::kOperatorAuthFailed: return "OPERATOR_AUTH_FAILED";
    case ResponseCode::kIdentityMismatch: return "IDENTITY_MISMATCH";
    case ResponseCode::kManifestNotForTerminal: return "MANIFEST_NOT_FOR_TERMINAL";
    case ResponseCode::kCancelled: return "CANCELLED";
    case ResponseCode::kManifestExpired: return "MANIFEST_EXPIRED";
    case ResponseCode::kInternalError: return "INTERNAL_ERROR";
  }
  return "UNKNOWN";
}

std::array<char, 2> to_ascii(ResponseCode code) {
  const auto v = static_cast<unsigned>(code);
  return {static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
}

std::string digits(ResponseCode code) {
  const auto d = to_ascii(code);
  return std::string(d.data(), d.size());
}

std::optional<ResponseCode> response_code_from_ascii(char tens, char units) {
  if (tens < '0' || tens > '9' || units < '0' || units > '9') return std::nullopt;
  const unsigned v = static_cast<unsigned>(tens - '0') * 10 + static_cast<unsigned>(units - '0');
  for (ResponseCode c : kAllResponseCodes) {
    if (static_cast<unsigned>(c) == v) return c;
  }
  return std::nullopt;
}

}  // namespace tmsproto
