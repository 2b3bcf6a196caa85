// The state directory's small records (keys, last applies, master slots): lines of text that end
// with the SHA-256 of what precedes them, so that a truncated or changed record is caught at open
// (REQ-DEV-011) rather than read as a smaller truth.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace tmsproto::device {

// "tmsproto-state 1 <type>\n", one line per entry (tokens separated by one space), then
// "sha256 <64 hex digits>\n" over every octet before that line.
std::string encode_record(std::string_view type, const std::vector<std::string>& lines);

// The entry lines, or one line saying what is wrong (not a record, another type, a bad checksum).
Result<std::vector<std::vector<std::string>>, std::string> decode_record(std::string_view type, ByteView file);

// Overwrites a string that held key material (hex of a key) before it is freed.
void wipe(std::string& s);

}  // namespace tmsproto::device
