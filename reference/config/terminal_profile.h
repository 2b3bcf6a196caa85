// The conformance suite's terminal profile (spec/conformance.md section C.3): what the suite is told
// about the terminal under test before it runs a scenario — its identity, its test DMK of each
// profile it supports, the transactions it implements, its slot table and chunk size, and the
// scenarios its vendor disabled, with the reason. The members it shares with the terminal injection
// file (spec/16-reference-terminal.md section 16.2) are read by the same rules (json_members.h).
// The file holds DMKs in clear: they are test keys (REQ-CONF-011), and no error line names one.
// An edge format: the engines never include this.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/header.h"
#include "codec/tpdu.h"
#include "common/result.h"
#include "config/terminal_injection.h"
#include "crypto/secret.h"
#include "profile/standard_slots.h"
#include "protocol/constants.h"

namespace tmsproto::config {

// REQ-CONF-010: the largest terminal profile read.
inline constexpr std::size_t kMaxTerminalProfileSize = 65536;

// REQ-CONF-006: the bounds of a profile's "sessionSeconds" (a TMS profile's too, REQ-CONF-060).
inline constexpr int kMinSessionSeconds = 5;
inline constexpr int kMaxSessionSeconds = 3600;

// One member of "disabled": a scenario name or glob (`*` any characters, `?` one) and why.
struct DisabledScenario {
  std::string pattern;
  std::string reason;
  bool operator==(const DisabledScenario&) const = default;
};

struct TerminalProfile {
  codec::Identity id;                               // vendorId, modelId, serialNo
  std::map<Profile, crypto::SecretBytes> dmks;      // "dmks": profile word -> DMK hex; at least one
  bool key_download = false;                        // "transactions" contains "key"
  bool program_download = false;                    // "transactions" contains "program"
  std::map<std::uint8_t, profile::SlotRule> slots;  // "slots", read exactly as the injection file's slots
  std::uint16_t max_chunk = 4096;
  std::string hardware_id, firmware_id;
  std::optional<FactoryMaster> master;              // "masterApplication"
  int session_seconds = 60;                         // "sessionSeconds", optional, 5..3600 (REQ-CONF-006)
  std::vector<DisabledScenario> disabled;           // "disabled": pattern -> non-empty reason, in file order
  // "tpdu", optional (REQ-CONF-012): the TPDU the terminal's link carries as the terminal sends it,
  // DEST_NII the TMS's, SRC_NII its own (REQ-FRAME-033); nullopt: its link carries none.
  std::optional<codec::Tpdu> tpdu;
};

// REQ-CONF-010: the profile, or one line naming the member at fault. `legacy_enabled`: whether
// the LEGACY profile may appear in "dmks" (the command line's --enable-legacy); when false a LEGACY
// entry is refused with a line saying LEGACY needs --enable-legacy. Never throws; any input, however
// malformed, gives one or the other. Whether each "disabled" pattern names a scenario of the
// catalogue is the suite's to check: the catalogue is not known here.
Result<TerminalProfile, std::string> read_terminal_profile(std::string_view text, bool legacy_enabled);

}  // namespace tmsproto::config
