// Reading a vector file (vectors/README.md): the text parsed with nlohmann-json under the project's
// strict rules (config/strict_json.h: no member twice, at most 64 levels), in the document's member
// order, with a size bound, and the few accessors every checker uses. A parse error names line and
// column, so that whoever edits a 16 MiB vector file by hand finds the fault.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace tmsproto::vectors {

// Member order is the file's: a transcript written back (tools/make_transcripts.cc) reads as it was.
using Json = nlohmann::ordered_json;

inline constexpr std::size_t kMaxDocument = 16u * 1024u * 1024u;

// Where the parser stopped: the last octet it read, which for a syntax error is the end of the
// offending token and for a member named twice is the closing quote of the second name.
struct ParseError {
  std::size_t line = 0;    // 1-based
  std::size_t column = 0;  // 1-based, in octets
  std::string message;
  std::string to_string() const;  // "3:14: syntax error while parsing object - ..."
};

// The document, or where and why not: not JSON (RFC 8259, UTF-8), larger than kMaxDocument, a
// member twice in one object, deeper than 64 levels. Never throws.
Result<Json, ParseError> parse_document(std::string_view text);

// The member named `key` of an object, or nullptr (also when `value` is not an object).
const Json* member(const Json& value, std::string_view key);
// The number as an integer, when it is written without fraction or exponent and fits in 64 bits.
std::optional<std::int64_t> integer_of(const Json& value);
// The text of a string value; empty for anything else.
const std::string& text_of(const Json& value);

// Building documents (the transcript generator): members and items in the order given.
using Member = std::pair<std::string, Json>;
Json object_of(std::vector<Member> members);
Json array_of(std::vector<Json> items);

}  // namespace tmsproto::vectors
