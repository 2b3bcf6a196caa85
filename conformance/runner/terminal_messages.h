// The rules every message FROM the terminal must keep, whatever the scenario (spec/conformance.md
// REQ-CONF-035): its fields (spec/03-messages.md), where it may come in the session (REQ-HS-002,
// REQ-DL-001, REQ-DL-040), and that no key travels in clear (REQ-SEC-002). Pure: it reads the wire
// as the suite recorded it (bodies, and the payloads the suite opened) and what the suite told the
// terminal for the session; it returns the first rule broken, in wire order.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codec/header.h"
#include "conformance/runner/scenario_tms.h"
#include "crypto/secret.h"
#include "profile/profile_crypto.h"
#include "protocol/constants.h"

namespace tmsproto::conformance {

// A key the terminal must never send in clear, and what a FAIL calls it (never its value).
struct SessionSecret {
  std::string name;  // "the DMK", "the DSK", "the key of slot 0x01", …
  crypto::SecretBytes key;
};

// What the suite knows of the session it judges.
struct SessionFacts {
  TransCode trans = TransCode::kProgramDownload;
  Profile profile = Profile::kAes128;
  codec::Identity id;        // the terminal profile's
  std::string operator_id;   // what {operator} said: empty for an unattended session
  std::string key_set_id;    // what {key_set} said: empty for a program download
  std::vector<SessionSecret> secrets;
  // The wall clock (ms since 2000-01-01 UTC) minus the monotonic clock WireMessage::at_ms reads:
  // the suite's own UTC time of each message, for T_TIME's freshness (REQ-MSG-033). nullopt: not
  // judged.
  std::optional<std::int64_t> wall_minus_monotonic_ms;
};

// REQ-MSG-033: how far T_TIME may be from the suite's clock when HS_REQUEST arrives (spec/03).
inline constexpr std::int64_t kTTimeWindowSeconds = 300;

struct Violation {
  std::string req;       // the requirement broken, e.g. "REQ-MSG-120"
  std::string expected;  // in the words of the requirement
  std::string seen;
  Bytes offending;  // the message (empty when it would show a key in clear)
};

std::optional<Violation> check_terminal_messages(const std::vector<WireMessage>& wire, const SessionFacts& facts);

// The keys of the session the suite can name from the wire with the terminal's DMK (REQ-SEC-002):
// the DMK, the DWK that HS_AUTH_REQUEST carried, and the DSK and delivered keys of KEY_MESSAGE
// (slots as the terminal profile's table says). A key the suite cannot recover is left out.
std::vector<SessionSecret> session_secrets(const std::vector<WireMessage>& wire, Profile profile, ByteView dmk,
                                           const std::map<std::uint8_t, profile::SlotRule>& slots);

}  // namespace tmsproto::conformance
