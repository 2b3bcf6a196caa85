// The conformance suite's TMS profile (spec/conformance.md section C.10.1): what the suite is told
// about a TMS under test before it plays that TMS's terminals — the vendor and model, one registered
// terminal with its test DMK per profile, the operator, the key set, the slot table, the vendor's
// package-signing key and the scenarios disabled, with the reason. Read by the strict rules of every
// JSON the project reads, with the member rules the terminal profile shares (json_members.h). The
// file holds DMKs in clear: they are test keys (REQ-CONF-060), and no error line names one.
// An edge format: the engines never include this.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "config/terminal_profile.h"
#include "crypto/secret.h"
#include "profile/standard_slots.h"
#include "protocol/constants.h"

namespace tmsproto::config {

// REQ-CONF-060: the largest TMS profile read.
inline constexpr std::size_t kMaxTmsProfileSize = 65536;

// One terminal of "terminals": registered at the TMS under test with a DMK of its profile.
struct TmsTerminal {
  std::string serial_no;
  crypto::SecretBytes dmk;
};

struct TmsProfile {
  std::string vendor_id, model_id;
  std::map<Profile, TmsTerminal> terminals;  // "terminals": TDES, AES128, AES256; at least one
  std::string operator_id;                   // "operatorId"
  std::string key_set_id;                    // "keySetId"
  std::map<std::uint8_t, profile::SlotRule> slots;
  Bytes vendor_public_key;                   // 65 octets, 04 || X || Y
  std::uint16_t max_chunk = 4096;
  bool unattended = false;                   // "unattended", optional
  int session_seconds = 60;                  // "sessionSeconds", optional, 5..3600
  std::vector<DisabledScenario> disabled;    // "disabled", in file order
};

// REQ-CONF-060: the profile, or one line naming the member at fault. Never throws. Whether each
// "disabled" pattern names a scenario of the catalogue is the suite's to check.
Result<TmsProfile, std::string> read_tms_profile(std::string_view text);

}  // namespace tmsproto::config
