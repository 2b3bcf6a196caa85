// The protocol analyser: a message body described field by field, with the requirement that
// defines each field, as `tmsproto simulate` prints it (and as a dissector would show it).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "protocol/constants.h"

namespace tmsproto::analyser {

struct Field {
  std::string name;   // the spec's field name
  std::string value;  // hex, "text", or a decoded value
  std::string_view req;
};

struct Description {
  std::string title;  // e.g. "HS_REQUEST (0x01), 116 octets"
  std::vector<Field> fields;
  std::optional<std::string> error;  // the parser's verdict when the body does not parse
};

// `profile` is needed for HS_AUTH_ANSWER, KEY_MESSAGE and the envelope, whose lengths follow it.
Description describe(ByteView body, std::optional<Profile> profile);

// The decrypted payload of an enveloped message.
Description describe_payload(MsgType type, ByteView payload);

}  // namespace tmsproto::analyser
