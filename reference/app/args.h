// What the edge commands share: one-line errors, reading files, and the spellings of profiles and
// host:port on the command line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "codec/tpdu.h"
#include "common/result.h"
#include "protocol/constants.h"
#include "protocol/response_code.h"

namespace tmsproto::app {

// Prints "tmsproto <command>: <message>" on stderr and returns `status` (2: a usage or input error).
int fail(std::string_view command, std::string_view message, int status = 2);

Result<std::string, std::string> read_text(const std::filesystem::path& file, std::size_t limit = 1 << 20);
// Writes `text` to `file` through a temporary and a rename, with `mode`; never half a file.
Result<void, std::string> write_text(const std::filesystem::path& file, std::string_view text, unsigned mode = 0644);

// legacy, tdes, aes128 (or aes), aes256; profile_word (protocol/constants.h) writes them.
std::optional<Profile> parse_profile(std::string_view s);

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
// "HOST:PORT" (PORT 0-65535); the last colon separates them.
std::optional<HostPort> parse_host_port(std::string_view s);

// "DEST:SRC", two NIIs 0-9999 in decimal (3:0): the TPDU the frames this end sends first carry
// (REQ-FRAME-030, REQ-FRAME-033/034), written as four BCD digits each (REQ-FRAME-031).
std::optional<codec::Tpdu> parse_tpdu_option(std::string_view s);

// A password from the environment variable `name` (never from argv, which other users can read).
Result<std::string, std::string> password_from_env(const std::string& name);

// "06 (UNKNOWN_TERMINAL)".
std::string describe(ResponseCode code);

}  // namespace tmsproto::app
