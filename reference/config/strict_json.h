// What every JSON reader of the project shares (the vector files, vectors/README.md; the key-set
// definition, spec/05-keys.md 5.5; the terminal injection file, spec/16-reference-terminal.md):
// one document parsed with nlohmann-json, plus the three rules the library does not enforce by
// itself, because these files may come from outsiders:
//   - a member named twice in one object is an error: readers commonly keep one of the two in
//     silence, and two DMKs, two slot tables or two "mac" answers in one file is a defect;
//   - nesting deeper than kMaxJsonDepth is an error, so that comparing, serialising and destroying
//     a parsed document never recurse deeper than that;
//   - the library's exceptions never escape: every failure is a value with the octet where it is.
// Invalid UTF-8 and everything RFC 8259 rejects is already refused by the library.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace tmsproto::config {

inline constexpr std::size_t kMaxJsonDepth = 64;

struct JsonError {
  std::size_t octet = 0;  // 1-based offset of the octet where the parser stopped (0: before the first)
  std::string message;    // e.g. "syntax error while parsing array - unexpected ']'; expected '[', ..."
                          // or "member "a" appears twice in one object"
  bool syntax = false;    // the text is not JSON at all, as opposed to JSON these rules refuse
};

// Json is nlohmann::json or nlohmann::ordered_json (the latter keeps the document's member order).
template <class Json>
Result<Json, JsonError> parse_strict(std::string_view text);

extern template Result<nlohmann::json, JsonError> parse_strict(std::string_view);
extern template Result<nlohmann::ordered_json, JsonError> parse_strict(std::string_view);

// The edge readers' one-line form of parse_strict: the document, or "not JSON: syntax error at
// octet N", "member "X" appears twice in one object", "nested deeper than 64 levels".
Result<nlohmann::json, std::string> parse_strict_json(std::string_view text);

// `s` in double quotes, at most 32 characters, anything outside printable ASCII as \xNN.
std::string printable(std::string_view s);

}  // namespace tmsproto::config
