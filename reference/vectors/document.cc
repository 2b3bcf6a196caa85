#include "vectors/document.h"

#include <algorithm>
#include <limits>

#include "config/strict_json.h"

namespace tmsproto::vectors {

std::string ParseError::to_string() const {
  return std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

Result<Json, ParseError> parse_document(std::string_view text) {
  if (text.size() > kMaxDocument) {
    return Unexpected(ParseError{1, 1, "input is larger than the " + std::to_string(kMaxDocument >> 20) + " MiB limit"});
  }
  auto doc = config::parse_strict<Json>(text);
  if (doc) return std::move(*doc);
  // The octet the parser stopped at, as a line and column of the text.
  const std::size_t at = std::min(std::max<std::size_t>(doc.error().octet, 1), text.size() + 1);
  const std::string_view before = text.substr(0, at - 1);
  const std::size_t newline = before.rfind('\n');
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t column = newline == std::string_view::npos ? at : at - 1 - newline;
  return Unexpected(ParseError{line, column, doc.error().message});
}

const Json* member(const Json& value, std::string_view key) {
  if (!value.is_object()) return nullptr;
  const auto it = value.find(std::string(key));
  return it == value.end() ? nullptr : &*it;
}

std::optional<std::int64_t> integer_of(const Json& value) {
  if (value.is_number_unsigned()) {
    const auto n = value.get<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(n);
  }
  if (value.is_number_integer()) return value.get<std::int64_t>();
  return std::nullopt;
}

const std::string& text_of(const Json& value) {
  static const std::string kNone;
  return value.is_string() ? value.get_ref<const std::string&>() : kNone;
}

Json object_of(std::vector<Member> members) {
  Json object = Json::object();
  for (auto& [key, value] : members) object[key] = std::move(value);
  return object;
}

Json array_of(std::vector<Json> items) {
  Json array = Json::array();
  for (Json& item : items) array.push_back(std::move(item));
  return array;
}

}  // namespace tmsproto::vectors
