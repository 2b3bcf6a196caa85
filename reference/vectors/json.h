// A small JSON reader (RFC 8259) for the published vector files in vectors/. Standard library only, so
// that a conformance tester can read our vectors without pulling in a JSON dependency.
//
// Bounded by design, because vector files may come from outsiders: input at most kMaxInput bytes,
// nesting at most kMaxDepth levels (so parsing, comparing, serialising and destroying a parsed Value
// never recurse deeper than that), duplicate object keys rejected (a duplicated "mac" would otherwise make
// the answer depend on which copy a reader keeps), invalid UTF-8 rejected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace tmsproto::vectors::json {

inline constexpr std::size_t kMaxInput = 16u * 1024u * 1024u;
inline constexpr std::size_t kMaxDepth = 64;

enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

class Value;
using Member = std::pair<std::string, Value>;

class Value {
 public:
  Value() = default;  // null
  static Value null() { return Value(); }
  static Value boolean(bool b);
  // `literal` must already be valid JSON number syntax; parse() guarantees that for what it returns.
  static Value number(std::string literal);
  static Value integer(std::int64_t n);
  static Value string(std::string s);
  static Value array(std::vector<Value> items);
  // Members keep the document's order; keys are unique when the Value came from parse().
  static Value object(std::vector<Member> members);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  bool as_bool() const { return bool_; }
  // The number exactly as written (e.g. "1", "-0.5e3"); empty unless is_number().
  const std::string& number_literal() const { return text_; }
  // The number as an integer, when it is written without fraction or exponent and fits.
  std::optional<std::int64_t> as_int() const;
  const std::string& as_string() const { return text_; }
  const std::vector<Value>& items() const { return items_; }
  const std::vector<Member>& members() const { return members_; }

  // The member named `key`, or nullptr (also when this is not an object).
  const Value* find(std::string_view key) const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  std::string text_;  // string contents or number literal
  std::vector<Value> items_;
  std::vector<Member> members_;
};

struct ParseError {
  std::size_t line = 0;    // 1-based
  std::size_t column = 0;  // 1-based, in bytes
  std::string message;     // what was expected or what is wrong, e.g. "expected ',' or '}'"
  std::string to_string() const;  // "3:14: expected ',' or '}'"
};

Result<Value, ParseError> parse(std::string_view text);

// Compact JSON. Strings are written as UTF-8 with only the escapes JSON requires, so that
// parse(serialise(v)) == v for any Value that parse() can return. Values nested deeper than
// kMaxDepth (only constructible by hand) serialise their too-deep parts as null.
std::string serialise(const Value& v);

}  // namespace tmsproto::vectors::json
