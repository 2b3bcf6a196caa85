// TERM_INFO (0x17, spec/03-messages.md section 3.8): the terminal's report of itself, uploaded at
// the start of the download phase (终端信息的上传, patent [0051], [0082], [0174]; section 6.5).
// A list of TAG ‖ LEN ‖ VALUE items; registered tags are parsed into fields, the vendor and
// unassigned ones are kept as received (REQ-MSG-123).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/download_payloads.h"
#include "codec/parse_error.h"
#include "common/bytes.h"
#include "protocol/response_code.h"

namespace tmsproto::codec {

inline constexpr std::size_t kMaxTermInfo = 8000;       // REQ-MSG-120
inline constexpr std::size_t kMaxOpaqueItem = 1024;     // REQ-MSG-121: vendor and unassigned items
inline constexpr std::size_t kMaxInfoText = 32;         // HARDWARE_ID, FIRMWARE_ID, FAULT

// The registry of tags of section 3.8.
enum class InfoTag : std::uint16_t {
  kHardwareId = 0x0001,
  kFirmwareId = 0x0002,
  kMasterApp = 0x0003,
  kBearer = 0x0004,
  kTamper = 0x0005,
  kPackage = 0x0010,
  kLastApply = 0x0011,
  kKeySlot = 0x0020,
  kFault = 0x0030,
};
inline constexpr std::uint16_t kFirstVendorTag = 0x8000;

// BEARER: the link of the session ([0156]).
enum class Bearer : std::uint8_t {
  kEthernet = 0x01,
  kModemAsync = 0x02,
  kModemSync = 0x03,
  kGprs = 0x04,
  kCdma = 0x05,
  kRs232 = 0x06,
  kOtherCellular = 0x07,
  kWifi = 0x08,
};

// MASTER_APP's SWITCH_STATE (REQ-DL-053).
enum class SwitchState : std::uint8_t { kSettled = 0x00, kPending = 0x01, kFellBack = 0x02 };

struct MasterApp {
  std::uint8_t running_slot = 1;  // 1 or 2
  std::uint32_t running_version = 1;
  SwitchState state = SwitchState::kSettled;
  std::uint32_t other_version = 0;  // 0: the other slot is empty
  bool operator==(const MasterApp&) const = default;
};

// LAST_APPLY: the outcome of the last attempted apply of (KIND, NAME).
struct LastApply {
  InstalledPackage package;                    // the version whose apply was attempted
  ResponseCode result = ResponseCode::kSuccess;  // 00, 18 or 22
  bool operator==(const LastApply&) const = default;
};

// KEY_SLOT: a slot of the secure unit that holds a key, and that key's KCV (3 or 5 octets).
struct HeldKey {
  std::uint8_t slot = 1;
  Bytes kcv;
  bool operator==(const HeldKey&) const = default;
};

// A vendor or unassigned item, kept as received.
struct InfoItem {
  std::uint16_t tag = kFirstVendorTag;
  Bytes value;
  bool operator==(const InfoItem&) const = default;
};

struct TerminalInfo {
  std::string hardware_id;
  std::string firmware_id;
  std::optional<MasterApp> master_app;  // exactly when a KIND M package is installed
  Bearer bearer = Bearer::kEthernet;
  bool tamper = false;
  std::vector<InstalledPackage> packages;  // in PKG_ANNOUNCE order
  std::vector<LastApply> last_apply;
  std::vector<HeldKey> key_slots;
  std::vector<std::string> faults;
  std::vector<InfoItem> other;  // REQ-MSG-123
  bool operator==(const TerminalInfo&) const = default;
};

std::string_view name(Bearer b);

// REQ-DL-052: the version an offer of KIND M must exceed — the installed one, or, while a switch is
// pending or after a fall-back, the version in the other slot if that is higher. Both roles use it.
std::uint32_t master_version_floor(std::uint32_t installed, const std::optional<MasterApp>& master);

// REQ-MSG-120 to REQ-MSG-122. Every failure is malformed (01).
Parsed<TerminalInfo> parse_terminal_info(ByteView payload);
// Items in the order REQ-MSG-120 prescribes, whatever the order of the vectors. The caller keeps
// the rules of REQ-MSG-121/122 (texts, lengths, one MASTER_APP with a KIND M package); a report that
// breaks them serialises to a payload parse_terminal_info refuses.
Bytes serialize(const TerminalInfo& m);

}  // namespace tmsproto::codec
