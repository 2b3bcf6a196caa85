#include "codec/fields.h"

#include "common/try.h"

namespace tmsproto::codec {
namespace {

bool in_set(char c, CharSet set) {
  if (set == CharSet::kAns) return c >= 0x21 && c <= 0x7e;
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool leap_year(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(unsigned y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && leap_year(y)) ? 29 : kDays[m - 1];
}

// One BCD octet: two digits, each nibble 0-9.
Parsed<unsigned> read_bcd2(Reader& r, std::string_view field) {
  TMS_TRY(std::uint8_t octet, r.u8(field));
  const unsigned hi = octet >> 4, lo = octet & 0x0f;
  if (hi > 9 || lo > 9) return malformed(field);
  return hi * 10 + lo;
}

std::uint8_t bcd2(unsigned v) { return static_cast<std::uint8_t>(((v / 10) << 4) | (v % 10)); }

}  // namespace

bool valid_text(std::string_view value, std::size_t width, CharSet set, Emptiness emptiness) {
  if (value.size() > width) return false;
  if (value.empty()) return emptiness == Emptiness::kMayBeEmpty;
  for (char c : value) {
    if (!in_set(c, set)) return false;
  }
  return true;
}

// REQ-MSG-010: left-justified value, then 0x20 fill; a space followed by a non-space is malformed,
// so every value has exactly one encoding (REQ-MSG-003).
Parsed<std::string> read_text(Reader& r, std::size_t width, CharSet set, Emptiness emptiness,
                              std::string_view field) {
  TMS_TRY(ByteView raw, r.bytes(width, field));
  std::size_t len = 0;
  while (len < raw.size() && raw[len] != 0x20) ++len;
  for (std::size_t i = len; i < raw.size(); ++i) {
    if (raw[i] != 0x20) return malformed(field);  // REQ-MSG-010, REQ-MSG-003
  }
  std::string value(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(len));
  if (!valid_text(value, width, set, emptiness)) return malformed(field);  // REQ-MSG-010
  return value;
}

void write_text(Writer& w, std::string_view value, std::size_t width) {
  const std::size_t n = value.size() < width ? value.size() : width;
  for (std::size_t i = 0; i < n; ++i) w.u8(static_cast<std::uint8_t>(value[i]));
  w.fill(width - n, 0x20);
}

bool valid_datetime(const DateTime& t) {
  return t.year >= 2000 && t.year <= 2099 && t.month >= 1 && t.month <= 12 && t.day >= 1 &&
         t.day <= days_in_month(t.year, t.month) && t.hour <= 23 && t.minute <= 59 && t.second <= 59;
}

// REQ-MSG-011.
Parsed<DateTime> read_datetime(Reader& r, std::string_view field) {
  TMS_TRY(unsigned century, read_bcd2(r, field));
  TMS_TRY(unsigned year, read_bcd2(r, field));
  TMS_TRY(unsigned month, read_bcd2(r, field));
  TMS_TRY(unsigned day, read_bcd2(r, field));
  TMS_TRY(unsigned hour, read_bcd2(r, field));
  TMS_TRY(unsigned minute, read_bcd2(r, field));
  TMS_TRY(unsigned second, read_bcd2(r, field));
  DateTime t{static_cast<std::uint16_t>(century * 100 + year), static_cast<std::uint8_t>(month),
             static_cast<std::uint8_t>(day), static_cast<std::uint8_t>(hour),
             static_cast<std::uint8_t>(minute), static_cast<std::uint8_t>(second)};
  if (!valid_datetime(t)) return malformed(field);  // REQ-MSG-011
  return t;
}

void write_datetime(Writer& w, const DateTime& t) {
  w.u8(bcd2(t.year / 100u));
  w.u8(bcd2(t.year % 100u));
  w.u8(bcd2(t.month));
  w.u8(bcd2(t.day));
  w.u8(bcd2(t.hour));
  w.u8(bcd2(t.minute));
  w.u8(bcd2(t.second));
}

std::int64_t seconds_since_2000(const DateTime& t) {
  std::int64_t days = 0;
  for (unsigned y = 2000; y < t.year; ++y) days += leap_year(y) ? 366 : 365;
  for (unsigned m = 1; m < t.month; ++m) days += days_in_month(t.year, m);
  days += t.day - 1;
  return ((days * 24 + t.hour) * 60 + t.minute) * 60 + t.second;
}

Parsed<AuthData> read_auth_data(Reader& r, std::string_view field) {
  AuthData d;
  TMS_TRY(d.random, r.array<8>(field));
  TMS_TRY(d.time, read_datetime(r, field));
  return d;
}

void write_auth_data(Writer& w, const AuthData& d) {
  w.bytes(d.random);
  write_datetime(w, d.time);
}

Bytes encode(const AuthData& d) {
  Writer w;
  write_auth_data(w, d);
  return std::move(w).take();
}

Parsed<ResponseCode> read_response_code(Reader& r, std::string_view field) {
  TMS_TRY(ByteView raw, r.bytes(2, field));
  auto code = response_code_from_ascii(static_cast<char>(raw[0]), static_cast<char>(raw[1]));
  if (!code) return malformed(field);  // REQ-MSG-012
  return *code;
}

void write_response_code(Writer& w, ResponseCode code) {
  for (char c : to_ascii(code)) w.u8(static_cast<std::uint8_t>(c));
}

}  // namespace tmsproto::codec
