// Protocol vocabulary of spec/01-overview.md, spec/02-transport.md and spec/03-messages.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tmsproto {

// REQ-MSG-013: the protocol version this implementation speaks.
inline constexpr std::uint8_t kProtocolVersion = 0x01;

// REQ-FRAME-001: bounds on a message body.
inline constexpr std::size_t kMinBody = 4;
inline constexpr std::size_t kMaxBody = 8192;

// spec/03-messages.md section 3.1.
enum class MsgType : std::uint8_t {
  kHsRequest = 0x01,
  kHsAuthRequest = 0x02,
  kHsAuthAnswer = 0x03,
  kKeyMessage = 0x04,
  kPkgAnnounce = 0x11,
  kPkgConfirm = 0x12,
  kFrameRequest = 0x13,
  kFrameResponse = 0x14,
  kSessionEnd = 0x15,
  kSessionEndAck = 0x16,
  kTermInfo = 0x17,  // 终端信息的上传 (REQ-DL-040)
  kAbort = 0x7F,
};

std::optional<MsgType> msg_type_from_octet(std::uint8_t octet);
std::string_view name(MsgType type);
bool sent_by_terminal(MsgType type);  // ABORT is sent by both roles
bool sent_by_tms(MsgType type);
bool is_enveloped(MsgType type);      // section 3.8: 0x11..0x17

// The "TMS work-key encryption mode" (TMS工作密钥加密方式) field: spec/07-crypto.md section 7.2.
enum class Profile : std::uint8_t { kLegacy = 0x01, kTdes = 0x02, kAes128 = 0x03, kAes256 = 0x04 };

std::optional<Profile> profile_from_octet(std::uint8_t octet);
std::string_view name(Profile profile);
// The lower-case word of a profile in vector files and on command lines: legacy, tdes, aes128, aes256.
std::string_view profile_word(Profile profile);
std::optional<Profile> profile_from_word(std::string_view word);  // exactly those four words
std::uint8_t offer_bit(Profile profile);        // REQ-MSG-040: 1 << (code - 1)
std::size_t mac_length(Profile profile);        // REQ-CRYPTO-021: 4, 8, 16, 16
std::size_t key_length(Profile profile);        // DMK, DWK, DSK: 8, 16, 16, 32
std::size_t block_length(Profile profile);      // 8, 8, 16, 16
std::size_t dwk1_length(Profile profile);       // REQ-MSG-042: 8, 152, 192, 224

// REQ-MSG-030.
enum class TransCode : std::uint8_t { kKeyDownload = 1, kProgramDownload = 2 };

// Field widths of spec/03-messages.md.
inline constexpr std::size_t kVendorIdWidth = 8;
inline constexpr std::size_t kModelIdWidth = 16;
inline constexpr std::size_t kSerialNoWidth = 32;
inline constexpr std::size_t kOperatorIdWidth = 8;
inline constexpr std::size_t kKeySetIdWidth = 8;
inline constexpr std::size_t kReservedWidth = 32;
inline constexpr std::size_t kPackageNameWidth = 16;
inline constexpr std::size_t kHeaderLength = 58;
inline constexpr std::size_t kRandomLength = 8;
inline constexpr std::size_t kAuthDataLength = 15;  // random (8) || BCD date-time (7)

}  // namespace tmsproto
