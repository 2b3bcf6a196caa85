#include "config/strict_json.h"

#include <optional>
#include <set>
#include <vector>

namespace tmsproto::config {

using nlohmann::json;

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

Result<json, std::string> parse_strict_json(std::string_view text) {
  try {
    std::vector<std::set<std::string>> open;
    std::optional<std::string> duplicate;
    const json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
      switch (event) {
        case json::parse_event_t::object_start: open.emplace_back(); break;
        case json::parse_event_t::object_end:
          if (!open.empty()) open.pop_back();
          break;
        case json::parse_event_t::key:
          if (!open.empty() && !open.back().insert(parsed.get<std::string>()).second && !duplicate) {
            duplicate = parsed.get<std::string>();
          }
          break;
        default: break;
      }
      return true;
    };
    json doc = json::parse(text.begin(), text.end(), callback);
    if (duplicate) return Unexpected("member " + printable(*duplicate) + " appears twice in one object");
    return doc;
  } catch (const json::parse_error& e) {
    return Unexpected("not JSON: syntax error at octet " + std::to_string(e.byte));
  } catch (...) {
    return Unexpected(std::string("not JSON"));
  }
}

}  // namespace tmsproto::config
