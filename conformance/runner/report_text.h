// What the three report writers share: text made safe for XML and HTML, and the run's date.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace tmsproto::conformance {

// `text` as XML / HTML character data or attribute value: & < > " ' as references, and anything
// that is not well-formed UTF-8 or is a control character XML 1.0 forbids (a terminal's bytes can
// reach a reason) as U+FFFD, so that the file always parses.
std::string markup(std::string_view text);

// `text` as well-formed UTF-8, anything else as U+FFFD; control characters kept.
std::string valid_utf8(std::string_view text);

// Sixteen octets a line, each line starting with its offset: `0010  0a 1b ...`.
std::string hex_dump(ByteView b);

// 2026-12-03T05:24:22Z
std::string utc_timestamp(std::chrono::system_clock::time_point t);

}  // namespace tmsproto::conformance
