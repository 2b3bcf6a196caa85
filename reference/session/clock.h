// Time is an input of the core (REQ-TERM-003, REQ-TMS-003): the edge passes a clock in.
#pragma once

#include "codec/fields.h"

namespace tmsproto::session {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual codec::DateTime now_utc() = 0;  // REQ-MSG-011: UTC
};

// A clock that says what it is told: for tests, simulations and vectors.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(codec::DateTime t) : t_(t) {}
  codec::DateTime now_utc() override { return t_; }
  void set(codec::DateTime t) { t_ = t; }

 private:
  codec::DateTime t_;
};

}  // namespace tmsproto::session
