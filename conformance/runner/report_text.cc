#include "conformance/runner/report_text.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "common/hex.h"

namespace tmsproto::conformance {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629: no overlong form, no
// surrogate, nothing above U+10FFFF), or 0.
std::size_t sequence_length(std::string_view s) {
  const auto at = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b = at(0);
  if (b < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the bounds of the second octet
  if (b >= 0xC2 && b <= 0xDF) n = 2;
  else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < n || at(1) < lo || at(1) > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (at(i) < 0x80 || at(i) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = sequence_length(text.substr(i));
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out += text.substr(i, n);
      i += n;
    }
  }
  return out;
}

std::string markup(std::string_view text) {
  std::string out;
  for (char c : valid_utf8(text)) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // XML 1.0 allows no C0 control but tab, newline and carriage return, not even as a reference;
        // DEL is allowed there but an HTML parse error.
        if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7F) out += kReplacement;
        else out += c;
    }
  }
  return out;
}

// Sixteen octets a line with the offset first, as a dissector shows them.
std::string hex_dump(ByteView b) {
  std::string out;
  for (std::size_t at = 0; at < b.size(); at += 16) {
    char offset[32];
    std::snprintf(offset, sizeof offset, "%04zx ", at);
    out += offset;
    for (std::size_t i = at; i < std::min(at + 16, b.size()); ++i) out += " " + to_hex(b.subspan(i, 1));
    out += "\n";
  }
  return out;
}

std::string utc_timestamp(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

}  // namespace tmsproto::conformance
