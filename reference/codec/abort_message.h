// ABORT (spec/03-messages.md section 3.9): four octets, no identity, no detail (REQ-MSG-110).
#pragma once

#include "codec/parse_error.h"
#include "common/bytes.h"
#include "protocol/response_code.h"

namespace tmsproto::codec {

inline constexpr std::size_t kAbortLength = 4;

struct Abort {
  ResponseCode code = ResponseCode::kMalformed;  // never kSuccess
  bool operator==(const Abort&) const = default;
};

// A wrong version is 03; an RC of "00" or outside the table is malformed (the receiver then treats
// the ABORT as one with 01, REQ-ERR-005).
Parsed<Abort> parse_abort(ByteView body);
Bytes serialize(const Abort& m);

}  // namespace tmsproto::codec
