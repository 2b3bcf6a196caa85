// The edge's clocks: milliseconds on a monotonic clock for the connection driver's deadlines, and
// the wall clock in UTC the engines take as their session::Clock (REQ-MSG-011).
#pragma once

#include <cstdint>

#include "session/clock.h"

namespace tmsproto::net {

std::int64_t monotonic_ms();

class SystemClock final : public session::Clock {
 public:
  codec::DateTime now_utc() override;
};

}  // namespace tmsproto::net
