#include "vectors/json.h"

#include <charconv>
#include <set>

namespace tmsproto::vectors::json {

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.bool_ = b;
  return v;
}

Value Value::number(std::string literal) {
  Value v;
  v.kind_ = Kind::kNumber;
  v.text_ = std::move(literal);
  return v;
}

Value Value::integer(std::int64_t n) { return number(std::to_string(n)); }

Value Value::string(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.text_ = std::move(s);
  return v;
}

Value Value::array(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::kArray;
  v.items_ = std::move(items);
  return v;
}

Value Value::object(std::vector<Member> members) {
  Value v;
  v.kind_ = Kind::kObject;
  v.members_ = std::move(members);
  return v;
}

std::optional<std::int64_t> Value::as_int() const {
  if (kind_ != Kind::kNumber) return std::nullopt;
  // Integers only: "1.0" or "1e2" are numbers but not a tcId a reader should guess at.
  if (text_.find_first_of(".eE") != std::string::npos) return std::nullopt;
  std::int64_t n = 0;
  const char* first = text_.data();
  const char* last = text_.data() + text_.size();
  const auto [ptr, ec] = std::from_chars(first, last, n);
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return n;
}

const Value* Value::find(std::string_view key) const {
  for (const Member& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case Kind::kNull:
      return true;
    case Kind::kBool:
      return a.bool_ == b.bool_;
    case Kind::kNumber:
    case Kind::kString:
      return a.text_ == b.text_;
    case Kind::kArray:
      return a.items_ == b.items_;
    case Kind::kObject:
      return a.members_ == b.members_;
  }
  return false;
}

std::string ParseError::to_string() const {
  return std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace {

// The one cursor over the input: every read goes through peek()/take(), which never pass the end.
// The first error is kept (with its offset) and every caller returns false from then on.
class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  Result<Value, ParseError> run() {
    if (in_.size() > kMaxInput) {
      return fail(ParseError{1, 1, "input is larger than the 16 MiB limit"});
    }
    Value v;
    skip_ws();
    if (!parse_value(v, 0)) return fail(error());
    skip_ws();
    if (pos_ != in_.size()) {
      set_error("unexpected characters after the JSON value");
      return fail(error());
    }
    return v;
  }

 private:
  bool at_end() const { return pos_ >= in_.size(); }
  // 0x100 at the end: no byte value, so no comparison with a character can match it.
  int peek() const { return at_end() ? 0x100 : static_cast<unsigned char>(in_[pos_]); }
  bool take(char c) {
    if (peek() != static_cast<unsigned char>(c)) return false;
    ++pos_;
    return true;
  }

  void skip_ws() {
    while (!at_end()) {
      const int c = peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }

  bool set_error(std::string message) { return set_error_at(pos_, std::move(message)); }
  bool set_error_at(std::size_t at, std::string message) {
    if (!has_error_) {
      has_error_ = true;
      error_pos_ = at;
      error_message_ = std::move(message);
    }
    return false;
  }

  ParseError error() const {
    ParseError e;
    e.line = 1;
    std::size_t line_start = 0;
    const std::size_t end = error_pos_ < in_.size() ? error_pos_ : in_.size();
    for (std::size_t i = 0; i < end; ++i) {
      if (in_[i] == '\n') {
        ++e.line;
        line_start = i + 1;
      }
    }
    e.column = error_pos_ - line_start + 1;
    e.message = error_message_;
    if (error_pos_ >= in_.size()) e.message += " (at end of input)";
    return e;
  }

  bool parse_value(Value& out, std::size_t depth) {
    switch (peek()) {
      case '{':
        return parse_object(out, depth + 1);
      case '[':
        return parse_array(out, depth + 1);
      case '"': {
        std::string s;
        if (!parse_string(s)) return false;
        out = Value::string(std::move(s));
        return true;
      }
      case 't':
        return parse_literal("true", Value::boolean(true), out);
      case 'f':
        return parse_literal("false", Value::boolean(false), out);
      case 'n':
        return parse_literal("null", Value::null(), out);
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parse_number(out);
        return set_error("expected a JSON value (object, array, string, number, true, false or null)");
    }
  }

  bool parse_literal(std::string_view word, Value v, Value& out) {
    if (in_.substr(pos_, word.size()) != word) {
      return set_error("expected '" + std::string(word) + "'");
    }
    pos_ += word.size();
    out = std::move(v);
    return true;
  }

  bool digits(const char* what) {
    if (!(peek() >= '0' && peek() <= '9')) {
      return set_error(std::string("expected a digit ") + what);
    }
    while (peek() >= '0' && peek() <= '9') ++pos_;
    return true;
  }

  // RFC 8259 section 6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  bool parse_number(Value& out) {
    const std::size_t start = pos_;
    take('-');
    if (take('0')) {
      if (peek() >= '0' && peek() <= '9') return set_error("leading zeros are not allowed in numbers");
    } else if (!digits("in number")) {
      return false;
    }
    if (take('.') && !digits("after the decimal point")) return false;
    if (take('e') || take('E')) {
      if (!take('+')) take('-');
      if (!digits("in exponent")) return false;
    }
    out = Value::number(std::string(in_.substr(start, pos_ - start)));
    return true;
  }

  bool hex4(std::uint32_t& out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const int c = peek();
      std::uint32_t d = 0;
      if (c >= '0' && c <= '9') {
        d = static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        d = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        d = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return set_error("expected four hexadecimal digits after \\u");
      }
      out = (out << 4) | d;
      ++pos_;
    }
    return true;
  }

  static void append_utf8(std::string& s, std::uint32_t cp) {
    if (cp < 0x80) {
      s.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool parse_escape(std::string& s) {
    const std::size_t at = pos_ - 1;  // the backslash
    const int c = peek();
    ++pos_;
    switch (c) {
      case '"': s.push_back('"'); return true;
      case '\\': s.push_back('\\'); return true;
      case '/': s.push_back('/'); return true;
      case 'b': s.push_back('\b'); return true;
      case 'f': s.push_back('\f'); return true;
      case 'n': s.push_back('\n'); return true;
      case 'r': s.push_back('\r'); return true;
      case 't': s.push_back('\t'); return true;
      case 'u': break;
      default:
        return set_error_at(at, "invalid escape (expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
    }
    std::uint32_t cp = 0;
    if (!hex4(cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return set_error_at(at, "unpaired low surrogate in \\u escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      // A high surrogate must be followed at once by an escaped low surrogate: together they are
      // one code point above U+FFFF.
      if (!take('\\') || !take('u')) {
        return set_error_at(at, "high surrogate must be followed by a \\u low surrogate");
      }
      std::uint32_t low = 0;
      if (!hex4(low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) {
        return set_error_at(at, "high surrogate must be followed by a \\u low surrogate");
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(s, cp);
    return true;
  }

  // One UTF-8 sequence starting at pos_ (lead byte >= 0x80), copied when well formed (RFC 3629:
  // no overlong forms, no surrogates, nothing above U+10FFFF).
  bool copy_utf8(std::string& s) {
    const int lead = peek();
    std::size_t len = 0;
    int lo = 0x80;
    int hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      len = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      len = 3;
      if (lead == 0xE0) lo = 0xA0;
      if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      len = 4;
      if (lead == 0xF0) lo = 0x90;
      if (lead == 0xF4) hi = 0x8F;
    } else {
      return set_error("invalid UTF-8 in string");
    }
    if (in_.size() - pos_ < len) return set_error("invalid UTF-8 in string (truncated sequence)");
    for (std::size_t i = 1; i < len; ++i) {
      const int b = static_cast<unsigned char>(in_[pos_ + i]);
      const int min = i == 1 ? lo : 0x80;
      const int max = i == 1 ? hi : 0xBF;
      if (b < min || b > max) return set_error("invalid UTF-8 in string");
    }
    s.append(in_.substr(pos_, len));
    pos_ += len;
    return true;
  }

  bool parse_string(std::string& s) {
    const std::size_t start = pos_;
    if (!take('"')) return set_error("expected '\"'");
    while (true) {
      const int c = peek();
      if (c == 0x100) {
        return set_error_at(start, "unterminated string starting here (expected a closing '\"')");
      }
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        ++pos_;
        if (!parse_escape(s)) return false;
      } else if (c < 0x20) {
        return set_error("control character in string (must be escaped)");
      } else if (c < 0x80) {
        s.push_back(static_cast<char>(c));
        ++pos_;
      } else if (!copy_utf8(s)) {
        return false;
      }
    }
  }

  bool check_depth(std::size_t depth) {
    if (depth > kMaxDepth) return set_error("nesting deeper than 64 levels");
    return true;
  }

  bool parse_array(Value& out, std::size_t depth) {
    if (!check_depth(depth)) return false;
    ++pos_;  // '['
    std::vector<Value> items;
    skip_ws();
    if (!take(']')) {
      while (true) {
        Value item;
        if (!parse_value(item, depth)) return false;
        items.push_back(std::move(item));
        skip_ws();
        if (take(']')) break;
        if (!take(',')) {
          return set_error("expected ',' or ']' in array");
        }
        skip_ws();
      }
    }
    out = Value::array(std::move(items));
    return true;
  }

  bool parse_object(Value& out, std::size_t depth) {
    if (!check_depth(depth)) return false;
    ++pos_;  // '{'
    std::vector<Member> members;
    std::set<std::string, std::less<>> keys;
    skip_ws();
    if (!take('}')) {
      while (true) {
        const std::size_t key_at = pos_;
        if (peek() != '"') {
          return set_error("expected '\"' to start an object key");
        }
        std::string key;
        if (!parse_string(key)) return false;
        if (!keys.insert(key).second) return set_error_at(key_at, "duplicate object key \"" + key + "\"");
        skip_ws();
        if (!take(':')) {
          return set_error("expected ':' after object key");
        }
        skip_ws();
        Value v;
        if (!parse_value(v, depth)) return false;
        members.emplace_back(std::move(key), std::move(v));
        skip_ws();
        if (take('}')) break;
        if (!take(',')) {
          return set_error("expected ',' or '}' in object");
        }
        skip_ws();
      }
    }
    out = Value::object(std::move(members));
    return true;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  bool has_error_ = false;
  std::size_t error_pos_ = 0;
  std::string error_message_;
};

void write_string(std::string& out, const std::string& s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0x0F]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void write(std::string& out, const Value& v, std::size_t depth) {
  switch (v.kind()) {
    case Kind::kNull:
      out += "null";
      return;
    case Kind::kBool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Kind::kNumber:
      out += v.number_literal();
      return;
    case Kind::kString:
      write_string(out, v.as_string());
      return;
    case Kind::kArray:
    case Kind::kObject:
      break;
  }
  if (depth + 1 > kMaxDepth) {
    out += "null";
    return;
  }
  if (v.is_array()) {
    out.push_back('[');
    bool first = true;
    for (const Value& item : v.items()) {
      if (!first) out.push_back(',');
      first = false;
      write(out, item, depth + 1);
    }
    out.push_back(']');
    return;
  }
  out.push_back('{');
  bool first = true;
  for (const Member& m : v.members()) {
    if (!first) out.push_back(',');
    first = false;
    write_string(out, m.first);
    out.push_back(':');
    write(out, m.second, depth + 1);
  }
  out.push_back('}');
}

}  // namespace

Result<Value, ParseError> parse(std::string_view text) { return Parser(text).run(); }

std::string serialise(const Value& v) {
  std::string out;
  write(out, v, 0);
  return out;
}

}  // namespace tmsproto::vectors::json
