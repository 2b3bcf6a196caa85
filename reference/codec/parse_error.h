// What a parser reports: the response code the spec assigns to the failure (REQ-MSG-004) and the
// name of the field that failed, as the spec's tables spell it.
#pragma once

#include <string_view>

#include "common/result.h"
#include "protocol/response_code.h"

namespace tmsproto::codec {

struct ParseError {
  ResponseCode code = ResponseCode::kMalformed;
  std::string_view field;  // a string literal from the spec's table, e.g. "DWK_1_LEN"
  bool operator==(const ParseError&) const = default;
};

template <class T>
using Parsed = Result<T, ParseError>;

inline Unexpected<ParseError> malformed(std::string_view field) {
  return fail(ParseError{ResponseCode::kMalformed, field});
}

}  // namespace tmsproto::codec
