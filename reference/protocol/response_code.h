// The response-code table of spec/08-response-codes.md (the patent's table 3), in the spec's order.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tmsproto {

// REQ-ERR-001: one code per distinct failure. The numeric value is the code's two ASCII digits.
enum class ResponseCode : std::uint8_t {
  kSuccess = 0,
  kMalformed = 1,
  kUnexpectedMessage = 2,
  kUnsupportedVersion = 3,
  kUnknownVendor = 4,
  kUnknownModel = 5,
  kTerminalNotServed = 6,
  kUnsupportedTransaction = 7,
  kNoAcceptableProfile = 8,
  kStaleDatetime = 9,
  kReplay = 10,
  kTmsAuthFailed = 11,
  kTerminalAuthFailed = 12,
  kMacFailed = 13,
  kSequenceError = 14,
  kUnknownKeySet = 15,
  kPackageNotOffered = 16,
  kPieceOutOfRange = 17,
  kIntegrityFailed = 18,
  kSignatureInvalid = 19,
  kRollbackRefused = 20,
  kKeyStorageFailed = 21,
  kApplyFailed = 22,
  kTimeout = 23,
  kResourceLimit = 24,
  kOperatorAuthFailed = 25,
  kIdentityMismatch = 26,
  kManifestNotForTerminal = 27,
  kCancelled = 28,
  kManifestExpired = 29,
  kInternalError = 96,
};

inline constexpr std::array<ResponseCode, 31> kAllResponseCodes = {
    ResponseCode::kSuccess,           ResponseCode::kMalformed,
    ResponseCode::kUnexpectedMessage, ResponseCode::kUnsupportedVersion,
    ResponseCode::kUnknownVendor,     ResponseCode::kUnknownModel,
    ResponseCode::kTerminalNotServed,   ResponseCode::kUnsupportedTransaction,
    ResponseCode::kNoAcceptableProfile, ResponseCode::kStaleDatetime,
    ResponseCode::kReplay,            ResponseCode::kTmsAuthFailed,
    ResponseCode::kTerminalAuthFailed, ResponseCode::kMacFailed,
    ResponseCode::kSequenceError,     ResponseCode::kUnknownKeySet,
    ResponseCode::kPackageNotOffered, ResponseCode::kPieceOutOfRange,
    ResponseCode::kIntegrityFailed,   ResponseCode::kSignatureInvalid,
    ResponseCode::kRollbackRefused,   ResponseCode::kKeyStorageFailed,
    ResponseCode::kApplyFailed,       ResponseCode::kTimeout,
    ResponseCode::kResourceLimit,     ResponseCode::kOperatorAuthFailed,
    ResponseCode::kIdentityMismatch,  ResponseCode::kManifestNotForTerminal,
    ResponseCode::kCancelled,         ResponseCode::kManifestExpired,
    ResponseCode::kInternalError,
};

// The table's NAME column, for logs and the protocol analyser.
std::string_view name(ResponseCode code);

// Two ASCII digits on the wire (REQ-MSG-012).
std::array<char, 2> to_ascii(ResponseCode code);
// The same two digits as text, for logs, reports and vector files: "25", never the octet in hex.
std::string digits(ResponseCode code);
std::optional<ResponseCode> response_code_from_ascii(char tens, char units);

}  // namespace tmsproto
