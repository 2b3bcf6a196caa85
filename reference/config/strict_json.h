// What the edge's JSON readers share (the key-set definition, spec/05-keys.md 5.5; the terminal
// injection file, spec/16-reference-terminal.md): one document parsed with nlohmann-json where a
// member named twice in one object is an error — JSON readers commonly keep one of the two in
// silence, and two DMKs or two slot tables in one file is a defect — and untrusted text quoted so
// that an error message stays one short line.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace tmsproto::config {

// The document, or one line: "not JSON: syntax error at octet N", "member "X" appears twice in one
// object". Never throws.
Result<nlohmann::json, std::string> parse_strict_json(std::string_view text);

// `s` in double quotes, at most 32 characters, anything outside printable ASCII as \xNN.
std::string printable(std::string_view s);

}  // namespace tmsproto::config
