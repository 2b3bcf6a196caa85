// Hexadecimal: lower case as vectors/ and the protocol analyser write it, upper case as TR-31 key
// blocks require it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace tmsproto {

std::string to_hex(ByteView bytes);
std::string to_upper_hex(ByteView bytes);

// Accepts upper or lower case; returns nullopt on an odd length or a non-hex character.
std::optional<Bytes> from_hex(std::string_view text);

}  // namespace tmsproto
