// Field encodings shared by the messages of spec/03-messages.md section 3.2.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/parse_error.h"
#include "codec/reader.h"
#include "codec/writer.h"
#include "protocol/response_code.h"

namespace tmsproto::codec {

// REQ-MSG-010: AN = letters and digits; ANS = printable ASCII 0x21..0x7E.
enum class CharSet { kAn, kAns };
enum class Emptiness { kRequired, kMayBeEmpty };

bool valid_text(std::string_view value, std::size_t width, CharSet set, Emptiness emptiness);
Parsed<std::string> read_text(Reader& r, std::size_t width, CharSet set, Emptiness emptiness,
                              std::string_view field);
// Precondition: valid_text(value, width, ...) — messages are built from validated values.
void write_text(Writer& w, std::string_view value, std::size_t width);

// REQ-MSG-011: 7 octets of packed BCD YYYYMMDDhhmmss, years 2000-2099.
struct DateTime {
  std::uint16_t year = 2000;
  std::uint8_t month = 1, day = 1, hour = 0, minute = 0, second = 0;
  bool operator==(const DateTime&) const = default;
};
bool valid_datetime(const DateTime& t);
Parsed<DateTime> read_datetime(Reader& r, std::string_view field);
void write_datetime(Writer& w, const DateTime& t);
// Seconds since 2000-01-01 00:00:00, for freshness windows (REQ-HS-012).
std::int64_t seconds_since_2000(const DateTime& t);

// T_DATA / S_DATA: random (8, B) || date-time (7, N) — REQ-MSG-033, REQ-HS-015.
struct AuthData {
  std::array<std::uint8_t, 8> random{};
  DateTime time;
  bool operator==(const AuthData&) const = default;
};
Parsed<AuthData> read_auth_data(Reader& r, std::string_view field);
void write_auth_data(Writer& w, const AuthData& d);
Bytes encode(const AuthData& d);

// OPV_SALT of HS_AUTH_REQUEST (REQ-OPR-002): 16 octets chosen per operator at enrolment.
using OperatorSalt = std::array<std::uint8_t, 16>;

// REQ-MSG-012: two ASCII digits from the response-code table.
Parsed<ResponseCode> read_response_code(Reader& r, std::string_view field);
void write_response_code(Writer& w, ResponseCode code);

}  // namespace tmsproto::codec
