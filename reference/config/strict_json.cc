#include "config/strict_json.h"

#include <cstddef>
#include <iterator>
#include <set>
#include <vector>

namespace tmsproto::config {

std::string printable(std::string_view s) {
  constexpr std::size_t kMaxShown = 32;
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      constexpr char kHex[] = "0123456789ABCDEF";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  if (s.size() > kMaxShown) out += "...";
  return out + "\"";
}

namespace {

// A pointer into the text that counts the octets the library has read, so that a refusal found in
// the parser's callback (which is given no position) names where it is.
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* at, std::size_t* read) : at_(at), read_(read) {}
  reference operator*() const { return *at_; }
  CountingIterator& operator++() {
    ++at_;
    ++*read_;
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const CountingIterator& other) const { return at_ == other.at_; }

 private:
  const char* at_;
  std::size_t* read_;
};

// Thrown from the callback at the first duplicate member or the first level too deep, before the
// library builds it; never leaves parse_strict.
struct Refused {
  JsonError error;
};

// The library's message without its "[json.exception.parse_error.101] parse error at line 1,
// column 2: " prefix, which names a position we report ourselves.
std::string library_reason(const std::string& what) {
  const std::size_t column = what.find("column ");
  const std::size_t colon = what.find(": ", column == std::string::npos ? 0 : column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

template <class Json>
Result<Json, JsonError> parse_strict(std::string_view text) {
  std::size_t read = 0;  // octets consumed; at an event, the 1-based offset of its token's last octet
  std::vector<std::set<std::string>> open;  // the member names seen so far, per open object
  try {
    using Event = typename Json::parse_event_t;
    const typename Json::parser_callback_t callback = [&](int depth, Event event, Json& parsed) {
      // depth counts the containers already open around this one.
      if ((event == Event::object_start || event == Event::array_start) &&
          static_cast<std::size_t>(depth) >= kMaxJsonDepth) {
        throw Refused{{read, "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"}};
      }
      if (event == Event::object_start) open.emplace_back();
      if (event == Event::object_end && !open.empty()) open.pop_back();
      if (event == Event::key && !open.empty() && !open.back().insert(parsed.template get<std::string>()).second) {
        throw Refused{{read, "member " + printable(parsed.template get<std::string>()) + " appears twice in one object"}};
      }
      return true;
    };
    return Json::parse(CountingIterator(text.data(), &read), CountingIterator(text.data() + text.size(), &read),
                       callback);
  } catch (const Refused& r) {
    return Unexpected(r.error);
  } catch (const nlohmann::json::parse_error& e) {
    return Unexpected(JsonError{e.byte, library_reason(e.what()), true});
  } catch (const nlohmann::json::exception& e) {  // e.g. a number too large for a double
    return Unexpected(JsonError{read, library_reason(e.what()), true});
  } catch (...) {
    return Unexpected(JsonError{read, "not JSON", true});
  }
}

template Result<nlohmann::json, JsonError> parse_strict(std::string_view);
template Result<nlohmann::ordered_json, JsonError> parse_strict(std::string_view);

Result<nlohmann::json, std::string> parse_strict_json(std::string_view text) {
  auto doc = parse_strict<nlohmann::json>(text);
  if (doc) return std::move(*doc);
  const JsonError& e = doc.error();
  if (e.syntax) return Unexpected("not JSON: syntax error at octet " + std::to_string(e.octet));
  return Unexpected(e.message);
}

}  // namespace tmsproto::config
