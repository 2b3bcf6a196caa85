#include "net/monotonic.h"

#include <chrono>
#include <ctime>

namespace tmsproto::net {

std::int64_t monotonic_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

codec::DateTime SystemClock::now_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&t, &utc);
  codec::DateTime d;
  d.year = static_cast<std::uint16_t>(utc.tm_year + 1900);
  d.month = static_cast<std::uint8_t>(utc.tm_mon + 1);
  d.day = static_cast<std::uint8_t>(utc.tm_mday);
  d.hour = static_cast<std::uint8_t>(utc.tm_hour);
  d.minute = static_cast<std::uint8_t>(utc.tm_min);
  d.second = static_cast<std::uint8_t>(utc.tm_sec == 60 ? 59 : utc.tm_sec);  // a leap second is no DateTime
  return d;
}

}  // namespace tmsproto::net
