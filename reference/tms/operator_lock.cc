#include "tms/operator_lock.h"

#include <algorithm>

namespace tmsproto::tms {

bool is_locked(const OperatorLock& lock, std::int64_t now_s) { return now_s < lock.locked_until_s; }

OperatorLock after_failure(const OperatorLock& lock, std::int64_t now_s) {
  OperatorLock next = lock;
  next.consecutive_failures = lock.consecutive_failures + 1;
  if (next.consecutive_failures >= kFailuresBeforeLock) {  // REQ-OPR-006
    // Doubling stops at the cap long before the shift could overflow.
    const std::uint32_t doublings = std::min<std::uint32_t>(next.consecutive_failures - kFailuresBeforeLock, 16);
    const std::int64_t duration = std::min(kFirstLockSeconds << doublings, kLongestLockSeconds);
    next.locked_until_s = now_s + duration;
  }
  return next;
}

}  // namespace tmsproto::tms
