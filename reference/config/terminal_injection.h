// The terminal injection file (spec/16-reference-terminal.md section 16.2): what a terminal is
// given once, at installation, before it ever talks to a TMS — its identity, its DMK, the keys it
// checks packages with and its slot table. The TMS side writes it when it registers the terminal;
// the reference terminal reads it once into its state directory (patent [0081]: the DMK is
// injected once and never changed online). An edge format: the engines never include this.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "crypto/secret.h"
#include "terminal/ports.h"

namespace tmsproto::config {

// REQ-DEV-002: the largest injection file read.
inline constexpr std::size_t kMaxTerminalInjectionSize = 65536;

// REQ-DEV-003: the "notice" member, exactly. The file holds a DMK in clear.
inline constexpr std::string_view kInjectionNotice =
    "TEST KEY FILE: holds this terminal's DMK in clear; for test terminals only, never for a terminal in service";

// The master application the factory put in slot 1 (spec/06-download.md section 6.6).
struct FactoryMaster {
  std::string name;
  std::uint32_t version = 1;
  bool operator==(const FactoryMaster&) const = default;
};

struct TerminalInjection {
  terminal::Config config;          // identity, profile, DMK, legacy flag, vendor key, signers, slots, max chunk
  std::string hardware_id;          // HARDWARE_ID of TERM_INFO (REQ-DL-041)
  std::string firmware_id;          // FIRMWARE_ID of TERM_INFO
  std::optional<FactoryMaster> master;
};

// REQ-DEV-002 to REQ-DEV-005: the injection, or one line naming the member at fault. Never throws;
// any input, however malformed, gives one or the other.
Result<TerminalInjection, std::string> read_terminal_injection(std::string_view text);

// The file as section 16.2 writes it (members in the table's order, two spaces of indentation).
// For an injection read_terminal_injection accepted, reading the result gives the same injection.
std::string write_terminal_injection(const TerminalInjection& injection);

// A copy: the DMK is cloned (SecretBytes is move-only).
TerminalInjection clone(const TerminalInjection& injection);
terminal::Config clone(const terminal::Config& config);

}  // namespace tmsproto::config
